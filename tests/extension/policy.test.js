// The administrator's policy as the extension reads it from storage.managed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadInContext } from './helpers.js';

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
