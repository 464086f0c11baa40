// The popup over a stand-in service worker: what an employee reads about the host, the
// list, the mode and privacy. (The browser tests show it with the real host; here the cases
// a test machine does not easily produce: an out-of-date list, no list, a forced language.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { extensionRoot, readJson } from './helpers.js';

const POPUP_DIR = path.join(extensionRoot, 'src/popup');
const MESSAGES = {
  id: readJson(path.join(extensionRoot, '_locales/id/messages.json')),
  en: readJson(path.join(extensionRoot, '_locales/en/messages.json')),
};

// The popup is an ES module that runs on load. Each test gives it a fresh document and
// imports a fresh copy; the chrome.* stand-in is one object (the API wrapper module is
// loaded once) whose answers each test sets.
const current = {};
globalThis.chrome = {
  i18n: {
    getUILanguage: () => current.uiLanguage,
    getMessage: (key, subs = []) => MESSAGES[current.uiLanguage][key].message.replace(/\$(\d)/g, (m, n) => subs[n - 1] ?? ''),
  },
  runtime: {
    sendMessage: async (message) => {
      if (message.type === 'strings') return { messages: MESSAGES[message.language] };
      if (message.type === 'updateNow') {
        current.updatesAsked += 1;
        current.status = current.afterUpdate;
        return current.status.webUpdate;
      }
      setTimeout(current.rendered, 0);
      return current.status;
    },
  },
};

let copies = 0;
async function openPopup(status, uiLanguage = 'id') {
  const dom = new JSDOM(fs.readFileSync(path.join(POPUP_DIR, 'popup.html'), 'utf8'));
  globalThis.document = dom.window.document;
  const done = new Promise((resolve) => { current.rendered = resolve; });
  Object.assign(current, { status, uiLanguage, updatesAsked: 0 });
  copies += 1;
  await import(`../../extension/src/popup/popup.js?copy=${copies}`);
  await done;
  await new Promise((resolve) => setTimeout(resolve, 0));
  return dom.window.document;
}

const POLICY = { mode: 'warn', failMode: 'open', sites: [], language: 'auto', contactText: '', contactUrl: '' };
const LIST = { version: 7, issuer: 'Bawaslu Contoh', issued: '2026-11-01T00:00:00Z', expires: '2026-11-20T00:00:00Z', entries: 120, stale: true };

test('an out-of-date list is shown as such, with its version, issuer, dates and size', async () => {
  const doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: LIST, policy: POLICY });
  const text = doc.body.textContent;
  assert.match(doc.getElementById('host-state').textContent, /Terhubung \(versi 0\.1\.0\)/);
  assert.match(text, /Bawaslu Contoh/);
  assert.match(text, /1 November 2026/);
  assert.match(text, /20 November 2026/);
  assert.match(text, /120/);
  const state = [...doc.querySelectorAll('dd')].find((dd) => dd.textContent === 'Kedaluwarsa');
  assert.ok(state, 'the list is marked out of date');
  assert.equal(state.className, 'bad');
});

test('no list and no host: says so and why, in plain words', async () => {
  const doc = await openPopup({
    connected: false, reason: 'Specified native messaging host not found.', hostVersion: null, list: null, policy: POLICY,
  });
  assert.equal(doc.getElementById('host-state').textContent, 'Tidak terhubung: layanan belum terpasang');
  assert.equal(doc.getElementById('no-list').hidden, false);
  assert.match(doc.getElementById('privacy').textContent, /hanya dikirim ke layanan pemeriksa di komputer ini/);
});

test('a language forced by policy wins over the browser\'s, and the mode and contact are shown', async () => {
  const doc = await openPopup({
    connected: true, hostVersion: '0.1.0', list: { ...LIST, stale: false },
    policy: { ...POLICY, mode: 'block', failMode: 'closed', language: 'en', contactText: 'IT desk', contactUrl: 'mailto:it@instansi.go.id' },
  }, 'id');
  assert.equal(doc.documentElement.lang, 'en');
  assert.match(doc.getElementById('mode').textContent, /Block; if the service does not answer: hold/);
  assert.equal(doc.querySelector('#contact a').getAttribute('href'), 'mailto:it@instansi.go.id');
  assert.match(doc.getElementById('privacy').textContent, /Nothing is stored or sent anywhere/);
});

const UPDATED = {
  source: '/srv/netral', how: 'file', last_check: '2026-12-02T06:00:00Z', last_success: '2026-12-02T06:00:00Z',
  via: 'delta', list_version: 7, index_serial: 12, index_expires: '2026-12-04T00:00:00Z', last_error: null, out_of_date_since: null,
};

test('updates: how the list is kept current, the last check and success (by changes only), the index\'s validity', async () => {
  const doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: { ...LIST, stale: false }, update: UPDATED, policy: POLICY });
  assert.equal(doc.getElementById('updates').hidden, false);
  const text = doc.getElementById('update-facts').textContent;
  assert.match(text, /Otomatis, dari folder yang disiapkan TI/);
  assert.match(text, /2 Desember 2026.*06\.00 UTC \(hanya perubahannya\)/);
  assert.match(text, /Indeks berlaku sampai4 Desember 2026/);
  assert.doesNotMatch(text, /Kesalahan terakhir|usang/);
});

test('updates that stopped: the last error in plain words (the host\'s message for IT), and out of date since when', async () => {
  const doc = await openPopup({
    connected: true, hostVersion: '0.1.0', list: { ...LIST, stale: false },
    update: {
      ...UPDATED, last_check: '2026-12-05T06:00:00Z', index_expires: '2026-12-04T00:00:00Z', out_of_date_since: '2026-12-04T00:00:00Z',
      last_error: { code: 'signature', message: 'index.json: signature does not verify' },
    },
    policy: POLICY,
  }, 'en');
  const dds = [...doc.querySelectorAll('#update-facts dd')];
  const error = dds.find((dd) => /not signed by a trusted key/.test(dd.textContent));
  assert.ok(error, 'the error is said in plain words');
  assert.equal(error.className, 'bad');
  assert.equal(error.title, 'index.json: signature does not verify');
  const frozen = dds.find((dd) => /may be out of date since 4 December 2026/.test(dd.textContent));
  assert.ok(frozen, 'out of date since the index expired');
  assert.equal(frozen.className, 'bad');
});

test('a list installed by hand says so; no list and no updates: no update section', async () => {
  let doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: { ...LIST, stale: false }, update: null, policy: POLICY });
  assert.match(doc.getElementById('update-facts').textContent, /Dipasang TI secara manual/);
  doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: null, update: null, policy: POLICY });
  assert.equal(doc.getElementById('updates').hidden, true);
});

const WEB_POLICY = { ...POLICY, listUrl: ['https://daftar.example.go.id/netral/'] };
const WEB_FAILED = {
  lastAttempt: '2026-12-05T06:00:00Z', lastSuccess: '2026-12-04T06:00:00Z', mirror: 'https://daftar.example.go.id/netral/',
  outcome: 'spooled', listVersion: 8,
  lastError: { code: 'network', message: 'https://daftar.example.go.id/netral/index.json: could not reach the server' },
};

test('lists over the web: the last attempt, success and error in plain words (the message for IT)', async () => {
  const doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: null, update: null, webUpdate: WEB_FAILED, policy: WEB_POLICY });
  assert.equal(doc.getElementById('updates').hidden, false, 'shown while no list has arrived yet');
  assert.equal(doc.getElementById('web-update').hidden, false);
  const text = doc.getElementById('web-facts').textContent;
  assert.match(text, /Percobaan terakhir5 Desember 2026/);
  assert.match(text, /4 Desember 2026.*\(daftar baru diterima/);
  const error = [...doc.querySelectorAll('#web-facts dd')].find((dd) => dd.textContent === 'Tidak dapat menghubungi server daftar');
  assert.ok(error, 'the error is said in plain words');
  assert.equal(error.className, 'bad');
  assert.match(error.title, /could not reach the server/);
  assert.equal(doc.getElementById('check-now').textContent, 'Periksa sekarang');
  assert.doesNotMatch(doc.getElementById('update-facts').textContent, /manual/, 'not "installed by hand" when the browser fetches it');
});

test('lists over the web before the first attempt, in English: never, and no error', async () => {
  const doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: LIST, update: null, webUpdate: null, policy: WEB_POLICY }, 'en');
  const text = doc.getElementById('web-facts').textContent;
  assert.match(text, /Last attemptNever/);
  assert.doesNotMatch(text, /Last error/);
  assert.equal(doc.getElementById('check-now').textContent, 'Check now');
});

test('"Check now" asks the service worker for an update and shows the new state', async () => {
  const doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: LIST, update: null, webUpdate: WEB_FAILED, policy: WEB_POLICY }, 'en');
  current.afterUpdate = {
    ...current.status,
    webUpdate: { ...WEB_FAILED, lastAttempt: '2026-12-06T06:00:00Z', lastSuccess: '2026-12-06T06:00:00Z', outcome: 'current', lastError: null },
  };
  const rendered = new Promise((resolve) => { current.rendered = resolve; });
  doc.getElementById('check-now').dispatchEvent(new doc.defaultView.Event('click'));
  assert.equal(doc.getElementById('check-now').disabled, true, 'one check at a time from the popup');
  await rendered;
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(current.updatesAsked, 1);
  const text = doc.getElementById('web-facts').textContent;
  assert.match(text, /6 December 2026.*\(already current\)/);
  assert.doesNotMatch(text, /Could not reach/);
  assert.equal(doc.getElementById('check-now').disabled, false);
});

test('without listUrl there is no web part and no button', async () => {
  const doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: LIST, update: null, webUpdate: null, policy: POLICY });
  assert.equal(doc.getElementById('web-update').hidden, true);
});

test('a site whose rules may be out of date is named, with the counts for IT; sites doing fine are not', async () => {
  const recognition = {
    x: { rules: 1, since: '2026-12-01T00:00:00Z', unrecognised: 4, noAccount: 1, ruleError: 0, outOfDate: true },
    tiktok: { rules: 1, since: '2026-12-01T00:00:00Z', unrecognised: 1, noAccount: 0, ruleError: 0, outOfDate: false },
  };
  const platforms = [{ name: 'x', display: 'X' }, { name: 'tiktok', display: 'TikTok' }];
  let doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: LIST, policy: POLICY, recognition, platforms });
  const box = doc.getElementById('recognition');
  assert.equal(box.hidden, false);
  assert.match(box.textContent, /Pengenalan tindakan mungkin sudah usang di X\b/);
  assert.match(box.textContent, /versi 1, sejak 1 Desember 2026.*: 4 tombol .* 1 tindakan tanpa akun .* 0 aturan/);
  assert.doesNotMatch(box.textContent, /TikTok/);
  assert.match(box.textContent, /Hanya jumlahnya yang dihitung, di komputer ini/);
  doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: LIST, policy: POLICY, recognition, platforms }, 'en');
  assert.match(doc.getElementById('recognition').textContent, /Recognition of actions may be out of date on X/);
  doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: LIST, policy: POLICY, recognition: { tiktok: recognition.tiktok }, platforms });
  assert.equal(doc.getElementById('recognition').hidden, true);
});

test('the site rules in use: published ones with their version and validity, else the extension\'s own', async () => {
  let doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: LIST, policy: POLICY, siteRules: { version: 4, issued: '2026-12-01T00:00:00Z', expires: '2027-03-01T00:00:00Z' } });
  const value = (d) => [...d.querySelectorAll('dt')].find((dt) => dt.textContent === 'Aturan situs')?.nextElementSibling.textContent;
  assert.equal(value(doc), 'versi 4, berlaku hingga 1 Maret 2027');
  doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: LIST, policy: POLICY, siteRules: null });
  assert.equal(value(doc), 'bawaan ekstensi');
});

test('audit mode: the popup says it is on and what is counted, and shows the counts per day, site and action', async () => {
  const platforms = [{ name: 'x', display: 'X' }, { name: 'tiktok', display: 'TikTok' }];
  const audit = { '2026-12-03': { x: { like: 2, follow: 1 }, tiktok: { share: 3 } }, '2026-12-02': { x: { follow: 1 } } };
  const policy = { ...POLICY, mode: 'warn', actionModes: { like: 'audit', follow: 'block' }, siteModes: { tiktok: 'audit' } };
  let doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: LIST, policy, audit, platforms });
  const box = doc.getElementById('audit');
  assert.equal(box.hidden, false);
  assert.match(box.textContent, /Mode audit aktif/);
  assert.match(box.textContent, /per situs, tindakan, dan hari/);
  assert.match(box.textContent, /Tidak ada akun, alamat, atau isi halaman yang disimpan/);
  const rows = [...box.querySelectorAll('dt')].map((dt) => `${dt.textContent} = ${dt.nextElementSibling.textContent}`);
  assert.deepEqual(rows, ['3 Desember 2026 = X: suka 2, ikuti 1; TikTok: bagikan 3', '2 Desember 2026 = X: ikuti 1']);
  assert.equal(doc.getElementById('audit-none').hidden, true);
  assert.match(doc.getElementById('mode-exceptions').textContent, /^Pengecualian: suka: Audit .*, ikuti: Blokir, TikTok: Audit/);
  // In English, before anything was counted.
  doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: LIST, policy: { ...POLICY, mode: 'audit' }, audit: {}, platforms }, 'en');
  assert.match(doc.getElementById('audit').textContent, /Audit mode is on/);
  assert.equal(doc.getElementById('audit-none').hidden, false);
  assert.match(doc.getElementById('mode').textContent, /^Audit \(count only, no warning\)/);
  // Audit not in the policy and nothing counted: no audit section.
  doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: LIST, policy: POLICY, audit: {}, platforms });
  assert.equal(doc.getElementById('audit').hidden, true);
  assert.equal(doc.getElementById('mode-exceptions').hidden, true);
});

test('"Periksa akun yang saya ikuti" links to where each watched site lists what one follows, joined or liked', async () => {
  const platforms = [{ name: 'x', display: 'X' }, { name: 'youtube', display: 'YouTube' }, { name: 'facebook', display: 'Facebook' }];
  const doc = await openPopup({ connected: true, hostVersion: '0.1.0', list: LIST, platforms,
    policy: { ...POLICY, sites: ['youtube', 'facebook'] } });
  const section = doc.getElementById('clean-up');
  assert.equal(section.hidden, false);
  assert.match(section.textContent, /Periksa akun yang saya ikuti/);
  const links = [...section.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href')]);
  assert.deepEqual(links, [
    ['Facebook', 'https://www.facebook.com/groups/joins/'], ['Facebook', 'https://www.facebook.com/me/'],
    ['YouTube', 'https://www.youtube.com/feed/channels'], ['YouTube', 'https://www.youtube.com/playlist?list=LL'],
  ], 'only the sites Netral watches, each to its page');
  assert.match(section.textContent, /channel yang Anda subscribe/);
});
