// Policy and failure paths in headless Chromium with the real extension, on every site's
// fixtures: block mode (warned, no way through), the host missing with failMode open (the
// action goes on) and closed (held, "could not be checked"), the popup's report, the warning
// at 200% zoom, and a list past its expiry. The warn-mode runs are chromium-sites.test.js.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { canWriteChromiumPolicy } from './lib/policy.js';
import { fileDeadline } from './lib/lifetime.js';
import {
  actionsOf, artifact, assertPointerCanReach, clickControl, describeItem, exerciseClear, exerciseListed, inTab, isListed,
  loadSpec, openChromium, prepare,
} from './lib/scenario.js';

fileDeadline(600, 'e2e/chromium-policy.test.js');

const PAGES = process.env.NETRAL_E2E_PAGES ? process.env.NETRAL_E2E_PAGES.split(',') : [
  'x-repost-menu', 'tiktok-feed', 'instagram-id', 'facebook-id', 'youtube-id', 'threads-id',
];
const noPolicy = canWriteChromiumPolicy() ? false : 'needs write access to /etc/chromium/policies/managed';

let env;
before(async () => { env = await prepare({ pages: PAGES }); });
after(async () => { await env?.cleanup(); });

describe('Chromium, warn mode extras with the real host', () => {
  let chromium;
  before(async () => { chromium = await openChromium(env); });
  after(async () => { await chromium?.close(); });

  test('at 200% zoom the warning fits the window, wraps its text, and its buttons can be reached', async () => {
    const item = actionsOf(loadSpec('x-repost-menu')).find((entry) => isListed(entry.expect) && entry.selector);
    await inTab(chromium.browser, loadSpec('x-repost-menu').url, async (page, probe) => {
      // A 1280×900 window at 200% zoom: 640×450 CSS pixels, two device pixels each.
      await page.setViewport({ width: 640, height: 450, deviceScaleFactor: 2 });
      await clickControl(page, item.selector);
      const warning = await probe.waitFor(true);
      const layout = await probe.evaluateOn(warning, `function () {
        const box = this.getBoundingClientRect();
        return { left: box.left, right: box.right, top: box.top, bottom: box.bottom,
          overflowsSideways: this.scrollWidth > this.clientWidth,
          fontSize: parseFloat(getComputedStyle(this).fontSize),
          viewport: { width: innerWidth, height: innerHeight } };
      }`);
      assert.ok(layout.left >= 0 && layout.right <= layout.viewport.width, 'the dialog fits across');
      assert.ok(layout.top >= 0 && layout.bottom <= layout.viewport.height, 'the dialog fits down (it scrolls inside)');
      assert.equal(layout.overflowsSideways, false, 'no text is cut off sideways');
      assert.ok(layout.fontSize >= 16, 'body text at least 16 CSS px');
      for (const button of [warning.cancel, warning.proceed]) {
        const seen = await probe.evaluateOn(button, `function () {
          this.scrollIntoView({ block: 'nearest' });
          const box = this.getBoundingClientRect();
          return box.top >= 0 && box.bottom <= innerHeight && box.left >= 0 && box.right <= innerWidth;
        }`);
        assert.equal(seen, true, 'the button can be brought into view');
      }
      await page.screenshot({ path: artifact('chromium-warning-200-percent.png') });
      await page.keyboard.press('Escape');
      await probe.waitFor(false);
    }, 'x-repost-menu');
  });

  test('page CSS cannot hide or restyle the warning, and page scripts cannot read it', async () => {
    const item = actionsOf(loadSpec('x-repost-menu')).find((entry) => isListed(entry.expect) && entry.selector);
    await inTab(chromium.browser, loadSpec('x-repost-menu').url, async (page, probe) => {
      // A hostile page: hide every div, dialog and frame, shrink and recolour everything.
      await page.addStyleTag({ content: 'body > div:not(#react-root):not(#layers), html > div, dialog, iframe, [role=alertdialog] { display: none !important; visibility: hidden !important; opacity: 0 !important; } * { font-size: 1px !important; color: white !important; }' });
      await clickControl(page, item.selector);
      const warning = await probe.waitFor(true);
      const look = await probe.evaluateOn(warning, `function () {
        const style = getComputedStyle(this);
        const box = this.getBoundingClientRect();
        return { visible: style.display !== 'none' && style.visibility === 'visible' && style.opacity === '1' && box.width > 200,
          fontSize: parseFloat(style.fontSize), color: style.color };
      }`);
      assert.equal(look.visible, true, 'still shown');
      assert.ok(look.fontSize >= 16, 'its own font size');
      assert.notEqual(look.color, 'rgb(255, 255, 255)', 'its own colours');
      // And in the page, the frame that holds it: shown, over the whole window.
      const frame = await probe.evaluateOnPage(warning.outer.backendNodeId, `function () {
        const style = getComputedStyle(this);
        const box = this.getBoundingClientRect();
        return { shown: style.display !== 'none' && style.visibility === 'visible' && style.opacity === '1',
          covers: box.left <= 0 && box.top <= 0 && box.right >= innerWidth && box.bottom >= innerHeight,
          onTop: document.elementFromPoint(innerWidth / 2, innerHeight / 2) === this.getRootNode().host };
      }`);
      assert.deepEqual(frame, { shown: true, covers: true, onTop: true }, 'the frame is shown over the whole page');
      const seenByPage = await page.evaluate(() => ({
        dialogs: document.querySelectorAll('[role="alertdialog"], dialog, iframe').length,
        shadowRoots: [...document.querySelectorAll('body > div, html > div')].filter((div) => div.shadowRoot).length,
        text: document.documentElement.innerText.includes('SKB No. 2/2022'),
        found: window.find('SKB No. 2/2022'),
      }));
      assert.deepEqual(seenByPage, { dialogs: 0, shadowRoots: 0, text: false, found: false });
      await probe.press(warning.cancel);
      await probe.waitFor(false);
    }, 'x-repost-menu');
  });

  test('the popup shows the host connected, the list, how it is kept current and the privacy sentence', async () => {
    await inTab(chromium.browser, `chrome-extension://${chromium.extensionId}/src/popup/popup.html`, async (page) => {
      await page.waitForFunction(() => document.getElementById('host-state').textContent !== '', { timeout: 5000 });
      const text = await page.evaluate(() => document.body.innerText);
      assert.match(text, /(Terhubung|Connected) \((versi|version) 0\.1\.0\)/);
      assert.match(text, /Otoritas Uji Netral \(e2e\)/);
      assert.match(text, /(Versi|Version)\s+5/);
      assert.match(text, /(Jumlah akun|Accounts)\s+6/);
      assert.match(text, /(Berlaku|Current)/);
      assert.match(text, /(Peringatkan|Warn)/);
      // The list was imported by hand (no `netral update`): the host has no update state.
      assert.match(text, /Dipasang TI secara manual|Installed by IT by hand/);
      assert.match(text, /only to the checking service on this computer|hanya dikirim ke layanan pemeriksa di komputer ini/);
    });
  });
});

describe('Chromium, every site, block mode by policy (Indonesian forced)', { skip: noPolicy }, () => {
  let chromium;
  before(async () => { chromium = await openChromium(env, { policy: { mode: 'block', language: 'id', contactText: 'Hubungi Biro Umum, ext. 123' }, name: 'profile-block' }); });
  after(async () => { await chromium?.close(); });

  for (const name of PAGES) {
  const spec = loadSpec(name);
  for (const item of actionsOf(spec).filter((entry) => isListed(entry.expect, entry.aliases))) {
    test(`${describeItem(name, item)}: warned with no way through`, async () => {
      await inTab(chromium.browser, item.url || spec.url, async (page, probe) => {
        if (item.selector) await assertPointerCanReach(page, item.selector, `chromium-${name}-unreachable.png`);
        const facts = await exerciseListed(page, probe, item, { mode: 'block', screenshot: artifact(`chromium-${name}-block.png`) });
        assert.equal(facts.hasProceed, false, 'no "Tetap lanjutkan" in block mode');
        assert.equal(facts.ranWhileWarning, 0);
        assert.equal(facts.ranAfterCancel, 0);
        assert.match(facts.said, /Akun kampanye terdaftar/);
        assert.match(facts.said, /tidak mengizinkan/);
        assert.match(facts.said, /Hubungi Biro Umum, ext\. 123/);
      }, name);
    });
  }
  }
});

describe('Chromium, every site, host not installed, failMode open (default)', () => {
  let chromium;
  before(async () => { chromium = await openChromium(env, { withHost: false, name: 'profile-nohost' }); });
  after(async () => { await chromium?.close(); });

  for (const name of PAGES) {
  const spec = loadSpec(name);
  for (const item of actionsOf(spec).filter((entry) => isListed(entry.expect, entry.aliases))) {
    test(`${describeItem(name, item)}: goes through, no warning`, async () => {
      await inTab(chromium.browser, item.url || spec.url, async (page, probe) => {
        if (item.selector) await assertPointerCanReach(page, item.selector, `chromium-${name}-unreachable.png`);
        const facts = await exerciseClear(page, probe, item);
        assert.equal(facts.warning, false);
        assert.equal(facts.ran, 2);
      }, name);
    });
  }
  }

  test('the popup says the host is not connected and why', async () => {
    await inTab(chromium.browser, `chrome-extension://${chromium.extensionId}/src/popup/popup.html`, async (page) => {
      await page.waitForFunction(() => document.getElementById('host-state').textContent !== '', { timeout: 5000 });
      const text = await page.evaluate(() => document.getElementById('host-state').textContent);
      assert.match(text, /(Tidak terhubung|Not connected): (layanan belum terpasang|the service is not installed)/);
    });
  });
});

describe('Chromium, every site, host not installed, failMode closed by policy', { skip: noPolicy }, () => {
  let chromium;
  before(async () => { chromium = await openChromium(env, { withHost: false, policy: { failMode: 'closed' }, name: 'profile-closed' }); });
  after(async () => { await chromium?.close(); });

  for (const name of PAGES) {
  const spec = loadSpec(name);
  for (const item of actionsOf(spec)) {
    test(`${describeItem(name, item)}: held, "could not be checked", no way through`, async () => {
      await inTab(chromium.browser, item.url || spec.url, async (page, probe) => {
        if (item.selector) await assertPointerCanReach(page, item.selector, `chromium-${name}-unreachable.png`);
        const facts = await exerciseListed(page, probe, item, { mode: 'block', screenshot: artifact(`chromium-${name}-unchecked.png`) });
        assert.equal(facts.hasProceed, false);
        assert.equal(facts.ranWhileWarning, 0);
        assert.equal(facts.ranAfterCancel, 0);
        assert.match(facts.said, /could not be checked|tidak dapat diperiksa/);
      }, name);
    });
  }
  }
});

describe('Chromium, a list past its expiry (the host\'s clock moved beyond it)', () => {
  let chromium;
  before(async () => {
    // The same installed list, answered by a host whose clock is in 2100: still answered, but stale.
    const staleWrapper = path.join(env.dir, 'netral-host-in-2100.sh');
    fs.writeFileSync(staleWrapper, `#!/bin/sh\nexport NETRAL_NOW='2100-01-01T00:00:00Z'\nexec '${env.hostWrapper}' "$@"\n`, { mode: 0o755 });
    chromium = await openChromium({ ...env, hostWrapper: staleWrapper }, { name: 'profile-stale' });
  });
  after(async () => { await chromium?.close(); });

  const name = PAGES[0];
  const spec = loadSpec(name);
  const item = actionsOf(spec).find((entry) => isListed(entry.expect, entry.aliases));
  test(`${describeItem(name, item)}: still warned, and the warning says the list is out of date`, async () => {
    await inTab(chromium.browser, item.url || spec.url, async (page, probe) => {
      const facts = await exerciseListed(page, probe, item, { screenshot: artifact(`chromium-${name}-stale.png`) });
      assert.equal(facts.ranWhileWarning, 0);
      assert.ok(facts.said.includes(item.expect.account));
      assert.match(facts.said, /This list is out of date|Daftar ini sudah kedaluwarsa/);
    }, name);
  });

  test('the popup says the list is out of date', async () => {
    await inTab(chromium.browser, `chrome-extension://${chromium.extensionId}/src/popup/popup.html`, async (page) => {
      await page.waitForFunction(() => document.getElementById('host-state').textContent !== '', { timeout: 5000 });
      const text = await page.evaluate(() => document.body.innerText);
      assert.match(text, /Out of date|Kedaluwarsa/);
      assert.doesNotMatch(text, /\b(Current|Berlaku)\b/);
    });
  });
});
