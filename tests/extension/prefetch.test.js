// Pre-resolve: verdicts the content script already knows let a click go on with no round
// trip. Posts entering the viewport, the page's own account and hovered controls are
// checked in batches ahead of the click.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { contentScriptFiles, loadInContext, pageWithScripts, readExtensionFile, repoRoot } from './helpers.js';

const SCRIPTS = contentScriptFiles().filter((file) => !file.endsWith('/main.js'));
const { verdicts: verdictsModule } = loadInContext(['src/content/verdicts.js']);

/** A service worker stand-in: records requests, answers "listed" for @timmerahputih. */
function fakeWorker({ version = 1 } = {}) {
  const sent = [];
  const answer = (item) => ({
    verdict: item.account === '@timmerahputih' ? 'listed' : 'clear',
    platform: item.platform, account: item.account, list: { version },
  });
  return {
    sent,
    send: async (message) => {
      sent.push(message);
      return message.type === 'check_batch' ? message.items.map(answer) : answer(message);
    },
  };
}

function deferred() {
  const queue = [];
  return { defer: (fn) => queue.push(fn), run: () => queue.splice(0).forEach((fn) => fn()) };
}

test('accounts queued together go to the host in one batch, and are then known without asking', async () => {
  const worker = fakeWorker();
  const later = deferred();
  const verdicts = verdictsModule.createVerdicts({ send: worker.send, defer: later.defer });
  verdicts.prefetch([{ platform: 'x', account: '@timmerahputih' }, { platform: 'x', account: '@a' }]);
  verdicts.prefetch([{ platform: 'x', account: '@a' }, { platform: 'x', account: '@b' }]);
  assert.equal(worker.sent.length, 0, 'nothing sent before the batch is due');
  later.run();
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(worker.sent.map((m) => m.type), ['check_batch']);
  assert.deepEqual([...worker.sent[0].items.map((i) => i.account)], ['@timmerahputih', '@a', '@b']);
  assert.equal(verdicts.peek({ platform: 'x', account: '@timmerahputih' }).verdict, 'listed');
  assert.equal(verdicts.peek({ platform: 'x', account: '@b' }).verdict, 'clear');
  const reply = await verdicts.check({ platform: 'x', account: '@b' }, 'like', 1000);
  assert.equal(reply.verdict, 'clear');
  assert.equal(worker.sent.length, 1, 'a known account needs no round trip');
});

test('a check that gets no answer ends as "unavailable" after the bounded wait', async () => {
  const verdicts = verdictsModule.createVerdicts({ send: () => new Promise(() => {}) });
  const reply = await verdicts.check({ platform: 'x', account: '@slow' }, 'like', 20);
  assert.equal(reply.verdict, 'unavailable');
  assert.equal(verdicts.peek({ platform: 'x', account: '@slow' }), null, 'not remembered');
});

test('verdicts known under an older list are forgotten when a reply names a new list', async () => {
  let version = 1;
  const send = async (message) => ({ verdict: 'clear', platform: 'x', account: message.account, list: { version } });
  const verdicts = verdictsModule.createVerdicts({ send });
  await verdicts.check({ platform: 'x', account: '@a' }, 'like', 1000);
  version = 2;
  await verdicts.check({ platform: 'x', account: '@b' }, 'like', 1000);
  assert.equal(verdicts.peek({ platform: 'x', account: '@a' }), null);
  assert.ok(verdicts.peek({ platform: 'x', account: '@b' }));
});

function xPage(url = 'https://x.com/home') {
  const html = fs.readFileSync(path.join(repoRoot, 'tests/fixtures/sites/x-repost-menu.html'), 'utf8');
  const dom = pageWithScripts(html, url, []);
  for (const file of SCRIPTS) dom.window.eval(readExtensionFile(file));
  const prefetched = [];
  const batches = [];
  const verdicts = {
    prefetch: (targets) => {
      batches.push(targets.length);
      prefetched.push(...targets.map((t) => `${t.platform} ${t.account}`));
    },
  };
  const { Netral } = dom.window;
  const prefetcher = Netral.prefetch.createPrefetcher({ window: dom.window, adapter: Netral.sites.forHost('x.com'), verdicts });
  return { dom, prefetched, batches, prefetcher };
}

const mutationsDelivered = () => new Promise((resolve) => setTimeout(resolve, 0));

function tweet(document, handle) {
  const article = document.createElement('article');
  article.setAttribute('data-testid', 'tweet');
  article.innerHTML = `<div data-testid="User-Name"><a href="/${handle}">${handle}</a></div><button data-testid="like">Like</button>`;
  return article;
}

test('posts in the page have their authors checked before any click', () => {
  const page = xPage();
  page.prefetcher.scan();
  assert.deepEqual(new Set(page.prefetched), new Set(['x @timmerahputih', 'x @kominfocontoh']));
  page.dom.window.close();
});

test('posts the page adds are checked as they arrive, in one batch per change, with no timer', async () => {
  const page = xPage();
  page.prefetcher.start();
  page.prefetched.length = 0;
  page.batches.length = 0;
  const { document } = page.dom.window;
  const feed = document.createElement('div');
  feed.append(tweet(document, 'tetangga'), tweet(document, 'kawan'));
  document.body.append(feed);
  await mutationsDelivered();
  assert.deepEqual(page.prefetched, ['x @tetangga', 'x @kawan']);
  assert.deepEqual(page.batches, [2]);
  // A post added empty and filled in later is checked once it says whose it is.
  const empty = document.createElement('article');
  empty.setAttribute('data-testid', 'tweet');
  document.body.append(empty);
  await mutationsDelivered();
  assert.deepEqual(page.prefetched, ['x @tetangga', 'x @kawan']);
  empty.append(...tweet(document, 'baru').children);
  await mutationsDelivered();
  assert.deepEqual(page.prefetched, ['x @tetangga', 'x @kawan', 'x @baru']);
  // Changes inside a post already checked ask nothing again.
  feed.firstElementChild.append(document.createElement('span'));
  await mutationsDelivered();
  assert.equal(page.prefetched.length, 3);
  page.dom.window.close();
});

test('a post selector the browser refuses is left out (and reported); the other posts are still checked', () => {
  const html = '<article data-testid="tweet"><div data-testid="User-Name"><a href="/tetangga">t</a></div><button data-testid="like">Like</button></article>';
  const dom = pageWithScripts(html, 'https://x.com/home', []);
  for (const file of SCRIPTS) dom.window.eval(readExtensionFile(file));
  const errors = [];
  dom.window.console.error = (...args) => errors.push(args.join(' '));
  const { Netral } = dom.window;
  const adapter = Netral.sites.forHost('x.com');
  const prefetched = [];
  Netral.prefetch.createPrefetcher({
    window: dom.window, adapter: { ...adapter, posts: ['article:has-text(x)', ...adapter.posts] },
    verdicts: { prefetch: (targets) => prefetched.push(...targets.map((t) => t.account)) },
  }).scan();
  assert.deepEqual(prefetched, ['@tetangga']);
  assert.equal(errors.length, 1);
  dom.window.close();
});

test('a profile page checks its own account at once', () => {
  const page = xPage('https://x.com/TimMerahPutih');
  page.prefetcher.scan();
  assert.ok(page.prefetched.includes('x @timmerahputih'));
  page.dom.window.close();
});

test('when the policy turns Netral off, nothing is checked, not even in advance', () => {
  const page = xPage('https://x.com/TimMerahPutih');
  const { Netral } = page.dom.window;
  const prefetched = [];
  const off = Netral.prefetch.createPrefetcher({
    window: page.dom.window, adapter: Netral.sites.forHost('x.com'),
    verdicts: { prefetch: (targets) => prefetched.push(...targets) }, enabled: () => false,
  });
  off.scan();
  assert.deepEqual(prefetched, []);
  page.dom.window.close();
});
