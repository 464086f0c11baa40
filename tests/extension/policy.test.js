// The administrator's policy as the extension reads it from storage.managed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { extensionRoot, loadInContext, readJson } from './helpers.js';

const { policy } = loadInContext(['src/common/policy.js']);

test('without a policy: warn, let actions through when the host cannot answer, all six sites', () => {
  const read = policy.fromManaged(undefined);
  assert.equal(read.mode, 'warn');
  assert.equal(read.failMode, 'open');
  assert.deepEqual([...read.sites], ['x', 'instagram', 'facebook', 'tiktok', 'youtube', 'threads']);
  assert.equal(read.language, 'auto');
});

test('values outside the schema fall back to the defaults instead of turning Netral off', () => {
  const read = policy.fromManaged({ mode: 'OFF', failMode: 'maybe', language: 'fr', enabledSites: 'x' });
  assert.equal(read.mode, 'warn');
  assert.equal(read.failMode, 'open');
  assert.equal(read.language, 'auto');
  assert.equal(read.sites.length, 6);
});

test('IT can narrow the sites, force block mode, failMode closed and a language', () => {
  const read = policy.fromManaged({ mode: 'block', failMode: 'closed', enabledSites: ['x', 'tiktok', 'myspace'], language: 'en' });
  assert.deepEqual([read.mode, read.failMode, read.language], ['block', 'closed', 'en']);
  assert.deepEqual([...read.sites], ['x', 'tiktok']);
});

test('only https: and mailto: contact links are shown', () => {
  assert.equal(policy.fromManaged({ contactUrl: 'javascript:alert(1)' }).contactUrl, '');
  assert.equal(policy.fromManaged({ contactUrl: 'mailto:it@instansi.go.id' }).contactUrl, 'mailto:it@instansi.go.id');
  assert.equal(policy.fromManaged({ contactUrl: 'https://it.instansi.go.id/netral' }).contactUrl, 'https://it.instansi.go.id/netral');
});

test('without listUrl no list is fetched over the web; the interval defaults to 6 hours', () => {
  const read = policy.fromManaged({});
  assert.deepEqual([...read.listUrl], []);
  assert.equal(read.updateIntervalMinutes, 360);
});

test('listUrl: one https: URL or a list of mirrors, in order, each a directory ending in "/"', () => {
  assert.deepEqual([...policy.fromManaged({ listUrl: 'https://daftar.example.go.id/netral' }).listUrl],
    ['https://daftar.example.go.id/netral/']);
  assert.deepEqual([...policy.fromManaged({ listUrl: ['https://a.example/lists/', 'https://127.0.0.1:8443/repo'] }).listUrl],
    ['https://a.example/lists/', 'https://127.0.0.1:8443/repo/']);
});

test('listUrl: anything but a plain https: directory is dropped, repeats too, and at most 8 are kept', () => {
  const read = policy.fromManaged({
    listUrl: ['http://a.example/', 'ftp://a.example/', 'not a url', 42, 'https://user:pw@a.example/',
      'https://a.example/?q=1', 'https://a.example/#x', `https://a.example/${'a'.repeat(2100)}`,
      'https://ok.example/', 'https://ok.example', 'https://OK.example/?#'],
  });
  assert.deepEqual([...read.listUrl], ['https://ok.example/']);
  const many = Array.from({ length: 12 }, (_, i) => `https://m${i}.example/`);
  assert.deepEqual([...policy.fromManaged({ listUrl: many }).listUrl], many.slice(0, 8));
  assert.deepEqual([...policy.fromManaged({ listUrl: { url: 'https://a.example/' } }).listUrl], []);
});

test('updateIntervalMinutes: an integer kept within 15 minutes and a week', () => {
  assert.equal(policy.fromManaged({ updateIntervalMinutes: 60 }).updateIntervalMinutes, 60);
  assert.equal(policy.fromManaged({ updateIntervalMinutes: 1 }).updateIntervalMinutes, 15);
  assert.equal(policy.fromManaged({ updateIntervalMinutes: 999999 }).updateIntervalMinutes, 10080);
  assert.equal(policy.fromManaged({ updateIntervalMinutes: '60' }).updateIntervalMinutes, 360);
  assert.equal(policy.fromManaged({ updateIntervalMinutes: 60.5 }).updateIntervalMinutes, 360);
});

// ---- the mode of one action: the action's, else the site's, else `mode` ----

test('without actionModes or siteModes every action on every site takes `mode`', () => {
  for (const mode of ['warn', 'acknowledge', 'block', 'audit', 'off']) {
    const read = policy.fromManaged({ mode });
    for (const platform of policy.PLATFORMS) {
      for (const action of policy.ACTIONS) assert.equal(policy.modeFor(read, platform, action), mode, `${mode} ${platform} ${action}`);
    }
  }
});

test('precedence: the action\'s mode where set, else the site\'s, else `mode`', () => {
  const read = policy.fromManaged({
    mode: 'warn', actionModes: { follow: 'block', join: 'block', like: 'audit' }, siteModes: { x: 'block', youtube: 'off' },
  });
  assert.equal(policy.modeFor(read, 'instagram', 'follow'), 'block', 'the action: everywhere');
  assert.equal(policy.modeFor(read, 'instagram', 'comment'), 'warn', 'neither: mode');
  assert.equal(policy.modeFor(read, 'x', 'comment'), 'block', 'the site');
  assert.equal(policy.modeFor(read, 'x', 'like'), 'audit', 'the action wins over the site');
  assert.equal(policy.modeFor(read, 'youtube', 'subscribe'), 'off');
  assert.equal(policy.modeFor(read, 'youtube', 'follow'), 'block', 'an action set on a site switched off is still watched');
  assert.equal(policy.modeFor(read, 'x', null), 'block', 'no action known: the site\'s');
});

test('enabledSites still switches a site off whole, whatever the modes say', () => {
  const read = policy.fromManaged({ enabledSites: ['x'], actionModes: { follow: 'block' }, siteModes: { tiktok: 'block' } });
  assert.equal(policy.modeFor(read, 'tiktok', 'follow'), 'off');
  assert.equal(policy.modeFor(read, 'x', 'follow'), 'block');
  assert.equal(policy.watches(read, 'tiktok'), false);
  assert.equal(policy.watches(read, 'x'), true);
});

test('a site is watched while any of its actions is: mode off with one action on', () => {
  const read = policy.fromManaged({ mode: 'off', actionModes: { follow: 'block' } });
  assert.equal(policy.watches(read, 'instagram'), true);
  assert.equal(policy.modeFor(read, 'instagram', 'like'), 'off');
  assert.equal(policy.modeFor(read, 'instagram', 'follow'), 'block');
  assert.equal(policy.watches(policy.fromManaged({ mode: 'off' }), 'instagram'), false);
});

test('an entry that is not a mode never gives a weaker mode than `mode`', () => {
  // A typo for the action: its site's mode if that is not weaker than `mode`...
  let read = policy.fromManaged({ mode: 'warn', actionModes: { follow: 'blok' }, siteModes: { x: 'block' } });
  assert.equal(policy.modeFor(read, 'x', 'follow'), 'block');
  assert.equal(policy.modeFor(read, 'tiktok', 'follow'), 'warn');
  // ... else `mode`: a site switched off does not switch off an action set to nonsense.
  read = policy.fromManaged({ mode: 'block', actionModes: { follow: 42 }, siteModes: { x: 'off' } });
  assert.equal(policy.modeFor(read, 'x', 'follow'), 'block');
  assert.equal(policy.modeFor(read, 'x', 'like'), 'off', 'a real mode applies as written');
  // A site's typo is `mode`.
  read = policy.fromManaged({ mode: 'acknowledge', siteModes: { x: 'OFF', tiktok: null } });
  assert.equal(policy.modeFor(read, 'x', 'like'), 'acknowledge');
  assert.equal(policy.modeFor(read, 'tiktok', 'like'), 'acknowledge');
  // Whole tables of the wrong type, unknown keys, inherited names: ignored.
  for (const bad of [['follow'], 'block', 7, { toString: 'block', __proto__: { like: 'off' } }, { myspace: 'off', tweet: 'off' }]) {
    read = policy.fromManaged({ mode: 'block', actionModes: bad, siteModes: bad });
    for (const action of policy.ACTIONS) assert.equal(policy.modeFor(read, 'x', action), 'block', JSON.stringify(bad));
  }
  assert.equal(policy.fromManaged({ mode: 'audit ' }).mode, 'warn', 'an unknown mode reads as warn');
  // An action or platform name that is no table's own entry ('toString') takes `mode`.
  assert.equal(policy.modeFor(policy.fromManaged({ mode: 'block' }), 'x', 'toString'), 'block');
});

test('guidance: text in Indonesian and English (cut at 500), and an https: link only', () => {
  const read = policy.fromManaged({
    guidanceText: { id: 'Sanksi: hukuman disiplin.', en: 'x'.repeat(600) }, guidanceUrl: 'https://it.instansi.go.id/netralitas',
  });
  assert.equal(read.guidanceText.id, 'Sanksi: hukuman disiplin.');
  assert.equal(read.guidanceText.en.length, 500);
  assert.equal(read.guidanceUrl, 'https://it.instansi.go.id/netralitas');
  for (const url of ['http://it.instansi.go.id/', 'mailto:it@instansi.go.id', 'javascript:alert(1)', 42]) {
    assert.equal(policy.fromManaged({ guidanceUrl: url }).guidanceUrl, '', String(url));
  }
  assert.deepEqual({ ...policy.fromManaged({ guidanceText: 'plain' }).guidanceText }, { id: '', en: '' });
  assert.deepEqual({ ...policy.fromManaged({ guidanceText: { id: 5, en: ['a'] } }).guidanceText }, { id: '', en: '' });
});

test('acknowledgeWith: a tick (default) or a typed reason; anything else is a tick', () => {
  assert.equal(policy.fromManaged({}).acknowledgeWith, 'tick');
  assert.equal(policy.fromManaged({ acknowledgeWith: 'reason' }).acknowledgeWith, 'reason');
  assert.equal(policy.fromManaged({ acknowledgeWith: 'nothing' }).acknowledgeWith, 'tick');
});

test('managed_schema.json offers exactly the modes and actions the extension reads', () => {
  const schema = readJson(path.join(extensionRoot, 'managed_schema.json'));
  const modes = [...policy.MODES].sort();
  assert.deepEqual([...schema.properties.mode.enum].sort(), modes);
  assert.deepEqual(Object.keys(schema.properties.actionModes.properties), [...policy.ACTIONS]);
  for (const table of ['actionModes', 'siteModes']) {
    for (const entry of Object.values(schema.properties[table].properties)) assert.deepEqual([...entry.enum].sort(), modes, table);
  }
  assert.deepEqual(Object.keys(schema.properties.guidanceText.properties), ['id', 'en']);
  assert.deepEqual(schema.properties.acknowledgeWith.enum, ['tick', 'reason']);
});
