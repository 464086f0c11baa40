// Firefox ESR (headless, extension installed over WebDriver BiDi, the real host over native
// messaging): on X, TikTok and Instagram a listed account is warned about before the page sees the
// action, Escape (Batalkan) drops it, Tab + Enter (Tetap lanjutkan) lets it happen once, and
// other accounts go through. BiDi cannot look into the closed shadow root, so the test works
// the warning with the keyboard, as a user can: it opens with the focus on Batalkan.
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
