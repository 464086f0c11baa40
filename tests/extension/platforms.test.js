// The platforms and their hosts live in one place, extension/platforms.json: the host's build
// makes platforms.h from it, the extension's build makes src/common/platforms.js, the manifest's
// site list and managed_schema.json's enabledSites. The places that are written for people (the
// policy guide, the published rules schema) or read before any build are checked against it here.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { manifestFor, managedSchema, platforms } from '../../extension/tools/build.mjs';
import { loadInContext, readJson, repoRoot } from './helpers.js';

const names = platforms().map((platform) => platform.name);

test('every platform has a name, a display name, domains, and hosts under those domains', () => {
  assert.deepEqual(names, ['x', 'instagram', 'facebook', 'tiktok', 'youtube', 'threads'], 'append new ones at the end');
  for (const platform of platforms()) {
    assert.match(platform.name, /^[a-z]+$/);
    assert.ok(platform.display && platform.domains.length > 0 && platform.hosts.length > 0);
    assert.ok(platform.hosts.length <= 10 && platform.aliases.length <= 3, 'the host\'s table holds at most 10 hosts and 3 aliases');
    for (const host of platform.hosts) {
      assert.ok(platform.domains.some((domain) => host === domain || host.endsWith(`.${domain}`)), `${host} is under a domain of ${platform.name}`);
    }
  }
});

test('the built extension runs on exactly those hosts and offers exactly those platforms to policy', () => {
  const matches = platforms().flatMap((platform) => platform.hosts.map((host) => `https://${host}/*`));
  for (const browser of ['chromium', 'firefox']) {
    const manifest = manifestFor(browser);
    assert.deepEqual(manifest.content_scripts[0].matches, matches);
    assert.deepEqual(manifest.content_scripts[0].js[0], 'src/common/platforms.js', 'the list comes first');
  }
  assert.deepEqual(managedSchema().properties.enabledSites.items.enum, names);
  assert.deepEqual(Object.keys(managedSchema().properties.siteModes.properties), names);
  const { account, policy } = loadInContext(['src/common/account.js', 'src/common/policy.js']);
  assert.deepEqual([...account.platforms], names);
  assert.deepEqual([...policy.fromManaged(null).sites], names);
  assert.equal(account.platformOf('twitter'), 'x');
  assert.equal(account.platformOfHost('web.facebook.com'), 'facebook');
});

test('the places written for people name the same platforms', () => {
  const schema = readJson(path.join(repoRoot, 'extension/managed_schema.json'));
  assert.deepEqual(schema.properties.enabledSites.items.enum, names, 'extension/managed_schema.json (the build writes this list)');
  assert.deepEqual(Object.keys(schema.properties.siteModes.properties), names, 'extension/managed_schema.json\'s siteModes (the build writes them)');
  const rules = readJson(path.join(repoRoot, 'docs/site-rules.schema.json'));
  assert.deepEqual(rules.$defs.site.properties.platform.enum, names, 'docs/site-rules.schema.json');
  const guide = fs.readFileSync(path.join(repoRoot, 'manifests/policies/README.md'), 'utf8');
  const row = guide.split('\n').find((line) => line.startsWith('| `enabledSites`'));
  assert.deepEqual([...row.split('|')[2].matchAll(/`([a-z]+)`/g)].map((m) => m[1]), names, 'the policy guide\'s enabledSites row');
  const modesRow = guide.split('\n').find((line) => line.startsWith('| `siteModes`'));
  assert.deepEqual([...modesRow.split('|')[2].matchAll(/`([a-z]+)`/g)].map((m) => m[1]), names, 'the policy guide\'s siteModes row');
});
