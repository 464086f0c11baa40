// Firefox ESR (headless, extension installed over WebDriver BiDi, the real host over native
// messaging): on X, TikTok and Instagram a listed account is warned about before the page sees the
// action, Escape (Batalkan) drops it, Tab + Enter (Tetap lanjutkan) lets it happen once, and
// other accounts go through; and the page learns nothing of what the warning says. BiDi
// cannot look into the closed shadow root nor the warning's moz-extension frame, so the test
// works the warning with the keyboard, as a user can: it opens with the focus on Batalkan.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchFirefox } from './lib/firefox.js';
import { fileDeadline } from './lib/lifetime.js';
import {
  actionsOf, artifact, assertPointerCanReach, describeItem, isListed, loadSpec, prepare,
} from './lib/scenario.js';

fileDeadline(450, 'e2e/firefox.test.js');

const PAGES = ['x-repost-menu', 'x-post', 'tiktok-feed', 'instagram-en'];

// The warning's host element holds the focus while the warning is open; page scripts see
// only that element (its shadow root is closed).
const warningHasFocus = () => {
  const active = document.activeElement;
  return Boolean(active) && active.tagName === 'DIV' && active.shadowRoot === null
    && (active.getAttribute('style') || '').includes('2147483647');
};

async function waitForWarning(page, shown) {
  await page.waitForFunction((want) => {
    const active = document.activeElement;
    const open = Boolean(active) && active.tagName === 'DIV' && active.shadowRoot === null
      && (active.getAttribute('style') || '').includes('2147483647');
    return open === want;
  }, { timeout: 5000, polling: 50 }, shown);
}

const count = (page, item) => page.evaluate((s, t, k) => window.__netral.count(s, t, k ?? undefined),
  item.focus || item.selector, item.focus ? 'keydown' : item.event || 'click', item.focus ? item.key : null);

async function gesture(page, item) {
  if (item.focus) {
    await page.focus(item.focus);
    if (item.text) await page.keyboard.type(item.text);
    await page.keyboard.press(item.key);
  } else {
    await page.click(item.selector, item.event === 'dblclick' ? { count: 2 } : {});
  }
}

describe('Firefox ESR, X, TikTok and Instagram, warn mode, real host', () => {
  let env;
  let firefox;
  before(async () => {
    env = await prepare({ pages: PAGES });
    firefox = await launchFirefox({
      extensionDir: env.extension.firefox, homeDir: path.join(env.dir, 'home'),
      port: env.server.port, hostWrapper: env.hostWrapper,
    });
  });
  after(async () => {
    await firefox?.close();
    await env?.cleanup();
  });

  for (const name of PAGES) {
    const spec = loadSpec(name);
    for (const item of actionsOf(spec).filter((entry) => !entry.url)) {
      const listed = isListed(item.expect, item.aliases);
      test(`${describeItem(name, item)}: ${listed ? 'warned; Escape drops it; go on runs it once' : 'runs, no warning'}`, async () => {
        const page = await firefox.browser.newPage();
        try {
          await page.goto(spec.url, { waitUntil: 'load' });
          await page.waitForFunction(() => Boolean(window.__netral), { timeout: 5000 });
          if (item.selector) await assertPointerCanReach(page, item.selector, `firefox-${name}-unreachable.png`);
          const before0 = await count(page, item);
          await gesture(page, item);
          if (!listed) {
            await page.waitForFunction((s, t0, n) => window.__netral.count(s, t0) >= n, { timeout: 5000, polling: 50 },
              item.focus || item.selector, item.focus ? 'keydown' : item.event || 'click', before0 + 1);
            assert.equal(await page.evaluate(warningHasFocus), false);
            return;
          }
          await waitForWarning(page, true);
          await page.screenshot({ path: artifact(`firefox-${name}-warning.png`) });
          assert.equal(await count(page, item), before0, 'the page did not see the action while warned');
          await page.keyboard.press('Escape');
          await waitForWarning(page, false);
          assert.equal(await count(page, item), before0, 'Escape dropped the action');

          await gesture(page, item);
          await waitForWarning(page, true);
          await page.keyboard.press('Tab');
          await page.keyboard.press('Enter');
          await page.waitForFunction((s, t0, n) => window.__netral.count(s, t0) >= n, { timeout: 5000, polling: 50 },
            item.focus || item.selector, item.focus ? 'keydown' : item.event || 'click', before0 + 1);
          assert.equal(await count(page, item), before0 + 1, 'go on let it happen exactly once');
        } finally {
          await page.close();
        }
      });
    }
  }
});

describe('Firefox ESR, what a page script can learn of the warning', () => {
  let env;
  let firefox;
  before(async () => {
    env = await prepare({ pages: ['x-post'] });
    firefox = await launchFirefox({
      extensionDir: env.extension.firefox, homeDir: path.join(env.dir, 'home'), port: env.server.port, hostWrapper: env.hostWrapper,
    });
  });
  after(async () => {
    await firefox?.close();
    await env?.cleanup();
  });

  // Only the warning says these (the page never does): its entity, party, election, the
  // list's issuer, the rule. The frame is a moz-extension document: BiDi cannot read it
  // either, so that the warning works is shown by the keyboard tests above.
  const SECRETS = ['Tim Pemenangan Merah Putih (uji)', 'Koalisi Uji', 'Pilkada Uji 2026', 'Otoritas Uji Netral (e2e)', 'SKB No. 2/2022', '@timmerahputih (X)'];

  test('x-post: listed like → warned; window.find, getSelection, innerText and a MutationObserver learn nothing of it', async () => {
    const spec = loadSpec('x-post');
    const like = spec.clicks.find((item) => item.what === 'Like').selector;
    const page = await firefox.browser.newPage();
    try {
      await page.goto(spec.url, { waitUntil: 'load' });
      await page.waitForFunction(() => Boolean(window.__netral), { timeout: 5000 });
      await assertPointerCanReach(page, like, 'firefox-x-post-unreachable.png');
      await new Promise((resolve) => setTimeout(resolve, 1000));   // the page has settled: our frame is added
      const control = await page.evaluate(() => { getSelection().removeAllRanges(); return window.find('Terima kasih relawan'); });
      assert.equal(control, true, 'window.find works in this page');
      await page.evaluate(() => {
        getSelection().removeAllRanges();
        window.__seen = [];
        new MutationObserver((records) => {
          for (const record of records) window.__seen.push(`${record.type} ${[...record.addedNodes].map((node) => node.textContent).join(' ')}`);
        }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
      });
      await page.click(like);
      await waitForWarning(page, true);
      await new Promise((resolve) => setTimeout(resolve, 200));   // drawn by now
      const learnt = await page.evaluate((secrets) => {
        const selection = getSelection();
        // Searching into frames is refused outright in Firefox (a SecurityError): the frame
        // is there, what it says is not readable. So: each text, within frames and without.
        const find = (secret, inFrames) => {
          selection.removeAllRanges();
          try {
            return window.find(secret, false, false, true, false, inFrames, false);
          } catch {
            return false;
          }
        };
        const found = secrets.filter((secret) => find(secret, false) || find(secret, true));
        selection.selectAllChildren(document.documentElement);
        const readable = [selection.toString(), document.documentElement.innerText, document.documentElement.textContent,
          document.activeElement.textContent, ...window.__seen].join('\n');
        selection.removeAllRanges();
        return { found, readable, seen: window.__seen.length, frames: window.length };
      }, SECRETS);
      assert.deepEqual(learnt.found, [], 'window.find finds none of the warning');
      for (const secret of SECRETS) assert.equal(learnt.readable.includes(secret), false, `"${secret}" is not readable by the page`);
      assert.equal(learnt.seen, 0, 'no change in the page\'s DOM when the warning opened');
      assert.equal(learnt.frames, 0);
      await page.keyboard.press('Escape');
      await waitForWarning(page, false);
      assert.equal(await page.evaluate((s) => window.__netral.count(s, 'click'), like), 0);
    } finally {
      await page.close();
    }
  });
});

describe('Firefox ESR, host not installed, failMode open (default)', () => {
  let env;
  let firefox;
  before(async () => {
    env = await prepare({ pages: ['x-repost-menu'], withHost: false });
    firefox = await launchFirefox({
      extensionDir: env.extension.firefox, homeDir: path.join(env.dir, 'home'), port: env.server.port, hostWrapper: null,
    });
  });
  after(async () => {
    await firefox?.close();
    await env?.cleanup();
  });

  const spec = loadSpec('x-repost-menu');
  for (const item of actionsOf(spec).filter((entry) => isListed(entry.expect) && entry.selector)) {
    test(`${describeItem('x-repost-menu', item)}: goes through, no warning`, async () => {
      const page = await firefox.browser.newPage();
      try {
        await page.goto(spec.url, { waitUntil: 'load' });
        await page.waitForFunction(() => Boolean(window.__netral), { timeout: 5000 });
        await assertPointerCanReach(page, item.selector, 'firefox-x-repost-menu-unreachable.png');
        await gesture(page, item);
        await page.waitForFunction((s) => window.__netral.count(s, 'click') >= 1, { timeout: 5000, polling: 50 }, item.selector);
        assert.equal(await count(page, item), 1);
        assert.equal(await page.evaluate(warningHasFocus), false);
      } finally {
        await page.close();
      }
    });
  }
});
