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
