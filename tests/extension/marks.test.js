// Marks on the pages that list what the employee follows, joined or liked: listed rows get a
// mark naming the campaign, a bar counts them, rows that scroll in are looked at too, and the
// page can neither restyle nor read into them. With a small hand-made list page and adapter;
// the sites' own list pages are checked by adapters.test.js (their rows and accounts) and in
// Chromium (tests/e2e/chromium-marks.test.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { contentScriptFiles, extensionRoot, pageWithScripts, readJson } from './helpers.js';

const SCRIPTS = contentScriptFiles().filter((file) => !file.endsWith('/main.js'));
const MESSAGES = readJson(path.join(extensionRoot, '_locales', 'id', 'messages.json'));

const ADAPTER = {
  platform: 'x', hosts: ['x.com'], posts: [], feeds: [], rules: [], keys: [], keepParams: [], pageAccount: [],
  authors: [],
  accountLists: [{ kind: 'following', path: '^/[^/]+/following$', row: '[data-testid="UserCell"]',
    account: [{ scope: 'post', find: 'a[href^="/"]' }] }],
};

const cell = (handle, name) => `<div data-testid="cellInnerDiv"><div data-testid="UserCell" role="button">`
  + `<a href="/${handle}">${name}</a><span>@${handle}</span><button>Following</button></div></div>`;
const PAGE = `<!doctype html><html><head><style>div { display: none !important; color: red !important; }</style></head>`
  + `<body><main><section id="list">${cell('TimMerahPutih', 'Tim Merah Putih')}${cell('sari_kuliner', 'Sari Kuliner')}`
  + `${cell('RelawanMP', 'Relawan Merah Putih')}</section></main></body></html>`;

const LISTED = new Set(['@timmerahputih', '@relawanmp']);

function setUp(url = 'https://x.com/budisantoso/following') {
  const dom = pageWithScripts(PAGE, url, SCRIPTS);
  const { window } = dom;
  window.HTMLElement.prototype.scrollIntoView = function scrollIntoView() { window.scrolledTo = this; };
  const sent = [];
  const verdicts = window.Netral.verdicts.createVerdicts({
    send: async (message) => {
      sent.push(message);
      return message.items.map((item) => (LISTED.has(item.account)
        ? { verdict: 'listed', account: item.account, entity: { name: 'Tim Merah Putih', party: 'Koalisi Contoh' } }
        : { verdict: 'clear', account: item.account }));
    },
  });
  const queue = [];
  const t = window.Netral.strings.create(MESSAGES);
  const marks = window.Netral.marks.createMarks({
    window, adapter: ADAPTER, verdicts, enabled: () => true, strings: async () => t, schedule: (fn) => queue.push(fn),
  });
  // Runs what the page's changes scheduled, then lets the lookups' replies arrive.
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setImmediate(resolve));   // mutation records, replies
      while (queue.length) queue.shift()();
    }
  };
  return { window, document: window.document, marks, sent, settle };
}

const handleOf = (row) => row.querySelector('span').textContent;

test('listed rows of a following list are marked and counted, in one batch; unlisted rows are not', async () => {
  const { document, marks, sent, settle } = setUp();
  marks.start();
  await settle();
  assert.deepEqual([...marks.marks().map(handleOf)], ['@TimMerahPutih', '@RelawanMP']);
  assert.equal(sent.length, 1, 'one check_batch for the rows on the page');
  assert.deepEqual([...sent[0].items.map((i) => i.account)], ['@timmerahputih', '@sari_kuliner', '@relawanmp']);
  assert.equal(marks.barText(), '2 akun kampanye yang Anda ikuti di halaman ini');
  const rows = [...document.querySelectorAll('[data-testid="UserCell"]')];
  assert.equal(rows[1].querySelector('[data-netral-mark]'), null, 'no mark on an unlisted row');
});

test('a mark cannot be restyled or read by the page: inline !important styles, a closed shadow root', async () => {
  const { document, marks, settle } = setUp();
  marks.start();
  await settle();
  const host = marks.marks()[0].querySelector('[data-netral-mark]');
  assert.ok(host);
  assert.match(host.getAttribute('style'), /display: block !important/);
  assert.equal(host.shadowRoot, null, 'the page sees no shadow root');
  assert.equal(host.textContent, '', 'nor any text in the page\'s DOM');
  assert.equal(document.defaultView.getComputedStyle(host).display, 'block', 'the page\'s "div { display: none !important }" does not hide it');
});

test('a row that scrolls in later is looked up and marked; the count follows', async () => {
  const { document, marks, sent, settle } = setUp();
  marks.start();
  await settle();
  document.getElementById('list').insertAdjacentHTML('beforeend', cell('wargabiasa', 'Warga Biasa') + cell('timmp2024', 'x'));
  LISTED.add('@timmp2024');
  await settle();
  LISTED.delete('@timmp2024');
  assert.equal(sent.length, 2);
  assert.deepEqual([...sent[1].items.map((i) => i.account)], ['@wargabiasa', '@timmp2024'], 'only the new rows are asked about');
  assert.deepEqual([...marks.marks().map(handleOf)], ['@TimMerahPutih', '@RelawanMP', '@timmp2024']);
  assert.equal(marks.barText(), '3 akun kampanye yang Anda ikuti di halaman ini');
});

test('the bar steps from one mark to the next, in page order, and around', async () => {
  const { window, marks, settle } = setUp();
  marks.start();
  await settle();
  marks.next();
  assert.equal(handleOf(window.scrolledTo), '@RelawanMP');
  marks.next();
  assert.equal(handleOf(window.scrolledTo), '@TimMerahPutih');
  marks.previous();
  assert.equal(handleOf(window.scrolledTo), '@RelawanMP');
});

test('a mark the site\'s redraw removed comes back; a page that lists nothing is not looked at', async () => {
  const { marks, sent, settle } = setUp();
  marks.start();
  await settle();
  marks.marks()[0].querySelector('[data-netral-mark]').remove();
  await settle();
  assert.equal(marks.marks().length, 2);
  assert.equal(sent.length, 1, 'its verdict is known: no new request');

  const elsewhere = setUp('https://x.com/home');
  elsewhere.marks.start();
  await elsewhere.settle();
  assert.equal(elsewhere.sent.length, 0);
  assert.equal(elsewhere.marks.barText(), null);
});

test('followedIf: on a list that mixes in accounts one does not follow, only rows saying "Following" count', async () => {
  const mixed = PAGE.replace('<button>Following</button></div></div><div data-testid="cellInnerDiv"><div data-testid="UserCell" role="button"><a href="/sari_kuliner">',
    '<button>Following</button></div></div><div data-testid="cellInnerDiv"><div data-testid="UserCell" role="button"><a href="/sari_kuliner">')
    .replace(/(<a href="\/RelawanMP">[^]*?)<button>Following<\/button>/, '$1<button aria-label="Follow @RelawanMP">Follow</button>');
  const dom = pageWithScripts(mixed, 'https://x.com/someone/following', SCRIPTS);
  const { window } = dom;
  const adapter = { ...ADAPTER, accountLists: [{ ...ADAPTER.accountLists[0], followedIf: { find: 'button', text: '^(following|mengikuti)$' } }] };
  const list = adapter.accountLists[0];
  const rows = window.Netral.resolve.listRows(adapter, list, window.document);
  assert.deepEqual([...rows.map((row) => row.querySelector('span').textContent)], ['@TimMerahPutih', '@sari_kuliner'],
    'the row whose button says Follow is not one the employee follows');
});

test('a row is listed when the list names another form of its account (X\'s numeric id); the mark names its @handle', async () => {
  const html = PAGE.replace('<button>Following</button>', '<button data-testid="7000000009-unfollow">Following</button>');
  const dom = pageWithScripts(html, 'https://x.com/budisantoso/following', SCRIPTS);
  const { window } = dom;
  const adapter = { ...ADAPTER, accountLists: [{ ...ADAPTER.accountLists[0], account: [...ADAPTER.accountLists[0].account,
    { find: '[data-testid$="-unfollow"]', attr: 'data-testid', pattern: '^(\\d+)-unfollow$', prefix: 'id:', alias: true }] }] };
  const asked = [];
  const verdicts = window.Netral.verdicts.createVerdicts({
    send: async (message) => {
      asked.push(...message.items.map((i) => i.account));
      return message.items.map((item) => (item.account === 'id:7000000009'
        ? { verdict: 'listed', account: item.account, entity: { name: 'Tim Merah Putih' } } : { verdict: 'clear', account: item.account }));
    },
  });
  const t = window.Netral.strings.create(MESSAGES);
  const queue = [];
  const marks = window.Netral.marks.createMarks({ window, adapter, verdicts, enabled: () => true, strings: async () => t, schedule: (fn) => queue.push(fn) });
  marks.start();
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length) queue.shift()();
  }
  assert.ok(asked.includes('id:7000000009'), 'the id is asked about too');
  assert.deepEqual([...marks.marks().map(handleOf)], ['@TimMerahPutih']);
});
