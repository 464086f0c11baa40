// Accounts already followed, in headless Chromium with the real extension and the real host: on
// X's Following list and YouTube's subscriptions (the project's fixtures), each listed account
// gets a mark naming the campaign, a bar counts them, a row that scrolls in later gets its mark
// too, unlisted rows get none, and the row's own Following/Unfollow goes to the site untouched.
// And a comment that mentions a listed account warns at send (Instagram).
// The marks live in closed shadow roots: the test reads them over the DevTools protocol
// (DOM.getDocument with pierce), as no page script can.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDeadline, waitingFor } from './lib/lifetime.js';
import { artifact, exerciseClear, exerciseListed, inTab, isListed, loadSpec, openChromium, prepare } from './lib/scenario.js';

fileDeadline(300, 'e2e/chromium-marks.test.js');

const PAGES = ['x-following-en', 'youtube-following-id'];
const INSTAGRAM = loadSpec('instagram-en');

let env;
let chromium;
before(async () => {
  env = await prepare({ pages: [...PAGES, 'instagram-en'] });
  chromium = await openChromium(env, { name: 'profile-marks' });   // browser in Indonesian, no policy
});
after(async () => {
  await chromium?.close();
  await env?.cleanup();
});

// The texts of our marks and bar: each closed shadow root's text, by the host element it hangs on.
async function ourTexts(page) {
  const cdp = await page.createCDPSession();
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const texts = [];
    const textOf = (node) => (node.nodeName === 'STYLE' ? '' : (node.nodeType === 3 ? node.nodeValue : '')
      + [...(node.children || []), ...(node.shadowRoots || [])].map(textOf).join(''));
    const walk = (node) => {
      for (const shadow of node.shadowRoots || []) {
        if (shadow.shadowRootType === 'closed') texts.push(textOf(shadow).trim());
      }
      for (const child of [...(node.children || []), ...(node.contentDocument ? [node.contentDocument] : [])]) walk(child);
    };
    walk(root);
    return texts;
  } finally {
    await cdp.detach();
  }
}

const marksIn = (page, selectors) => page.evaluate((list) => list.map((s) => document.querySelector(s)?.querySelector('[data-netral-mark]') !== null), selectors);

describe('Chromium: listed accounts among those followed', () => {
  for (const name of PAGES) {
    const spec = loadSpec(name);
    const list = spec.lists[0];
    const url = list.url || spec.url;
    const listed = list.rows.map((row) => Boolean(row.account) && isListed(row.account));
    const count = listed.filter(Boolean).length;

    test(`${name}: ${count} of ${list.rows.length} rows marked, counted in the bar; a row added later gets its mark; unfollowing is not held`, async () => {
      assert.ok(count > 0, 'the fixture lists a campaign account');
      await inTab(chromium.browser, url, async (page, probe) => {
        await waitingFor(`${count} marks`, page.waitForFunction((n) => document.querySelectorAll('[data-netral-mark]').length >= n,
          { timeout: 15000, polling: 'mutation' }, count));
        assert.deepEqual(await marksIn(page, list.rows.map((row) => row.selector)), listed, 'a mark on each listed row and on no other');
        const texts = await ourTexts(page);
        // In the page's language (the X page is in English, the YouTube one in Indonesian).
        const bar = spec.lang === 'en' ? `Campaign accounts you follow on this page: ${count}` : `${count} akun kampanye yang Anda ikuti di halaman ini`;
        assert.ok(texts.some((t) => t.startsWith(bar)), `the bar says "${bar}": ${JSON.stringify(texts)}`);
        assert.ok(texts.some((t) => t.includes('Tim Pemenangan Merah Putih (uji)')), 'a mark names the campaign');
        await page.screenshot({ path: artifact(`chromium-marks-${name}.png`) });

        // A row that scrolls in: a copy of a listed row, appended to its list.
        const first = list.rows[listed.indexOf(true)].selector;
        await page.evaluate((s) => {
          const row = document.querySelector(s);
          const copy = row.cloneNode(true);
          copy.querySelector('[data-netral-mark]')?.remove();
          copy.id = 'scrolled-in';
          row.parentElement.append(copy);
        }, first);
        await waitingFor('a mark on the row added', page.waitForFunction(() => document.querySelector('#scrolled-in [data-netral-mark]') !== null,
          { timeout: 15000, polling: 'mutation' }));

        // Undoing is the site's business: the row's own toggle reaches the page, with no warning.
        const silent = spec.clicks.filter((c) => c.expect === null).map((c) => c.selector);
        const at = await page.evaluate((selectors) => selectors.findIndex((s) => {
          const element = document.querySelector(s);
          const row = element && element.closest(':has(> [data-netral-mark])');
          return row && element.matches('button, [role="button"]');
        }), silent);
        const undo = spec.clicks.filter((c) => c.expect === null)[at];
        assert.ok(undo, 'the fixture has a button of its own in a marked row');
        {
          const before = await page.evaluate((s) => window.__netral.count(s, 'click'), undo.selector);
          await page.click(undo.selector);
          await waitingFor('the page to see the click', page.waitForFunction((s, n) => window.__netral.count(s, 'click') > n,
            { timeout: 5000, polling: 'mutation' }, undo.selector, before));
          assert.equal((await probe.frameElement())?.shown ?? false, false, `${undo.what}: no warning`);
        }
      }, name);
    });
  }
});

describe('Chromium: a comment that mentions a listed account', () => {
  // The second post is by an account that is not listed; its comment box and Post.
  const POST = '#feed > article:nth-of-type(2) form > div[role="button"]:last-child';
  const BOX = '#feed > article:nth-of-type(2) textarea';
  const typed = async (page, text) => {
    await page.click(BOX, { clickCount: 3 });
    await page.keyboard.press('Backspace');
    await page.type(BOX, text);
  };

  test('instagram-en: Post of a comment naming @timpemenangan.merahputih warns, naming it; one naming nobody listed goes on', async () => {
    await inTab(chromium.browser, INSTAGRAM.url, async (page, probe) => {
      await typed(page, 'Ayo dukung @timpemenangan.merahputih!');
      const facts = await exerciseListed(page, probe, { selector: POST, what: 'Post', expect: { action: 'comment', platform: 'instagram', account: '@timpemenangan.merahputih' } },
        { screenshot: artifact('chromium-mention-comment.png') });
      assert.match(facts.said, /(Komentar Anda menyebut|Your comment mentions) @timpemenangan\.merahputih/);   // the browser's language
      assert.equal(facts.ranWhileWarning, 0);
      assert.equal(facts.ranAfterProceed, 1);

      await typed(page, 'Terima kasih @sari.kuliner');
      const clear = await exerciseClear(page, probe, { selector: POST, what: 'Post', expect: { action: 'comment', platform: 'instagram', account: '@dinas.kominfo.contoh' } });
      assert.equal(clear.warning, false);
      assert.equal(clear.ran, 2);
    }, 'instagram-en');
  });
});
