// The policy choices IT makes (docs/deployment.md, "Modes per action and per site"), in headless
// Chromium with the real extension and the real host, set by managed policy: a mode per action
// (TikTok's follow blocked while its like warns, with the agency's guidance in the warning), a
// mode per site (X in audit: no warning, the action goes through, the popup and `netral status`
// count it), and acknowledge (no way on until the box is ticked).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { canWriteChromiumPolicy } from './lib/policy.js';
import { fileDeadline, waitingFor } from './lib/lifetime.js';
import { CLI_BIN } from './lib/host.js';
import {
  actionsOf, artifact, exerciseClear, exerciseListed, inTab, isListed, loadSpec, openChromium, prepare,
} from './lib/scenario.js';

fileDeadline(420, 'e2e/chromium-policy-choices.test.js');

const noPolicy = canWriteChromiumPolicy() ? false : 'needs write access to /etc/chromium/policies/managed';
const TIKTOK = loadSpec('tiktok-feed');
const X = loadSpec('x-repost-menu');
// The listed account's first follow and like button on TikTok, and its first like on X.
const first = (spec, action) => actionsOf(spec).find((item) => item.expect.action === action && item.selector && isListed(item.expect));
const FOLLOW = first(TIKTOK, 'follow');
const LIKE = first(TIKTOK, 'like');
const X_LIKE = first(X, 'like');
const GUIDANCE = 'Pelanggaran netralitas dapat dikenai hukuman disiplin (uji e2e).';

let env;
before(async () => { env = await prepare({ pages: ['tiktok-feed', 'x-repost-menu'] }); });
after(async () => { await env?.cleanup(); });

const hostEnv = () => ({
  ...process.env, NETRAL_CONFIG_DIR: path.join(env.dir, 'host', 'config'), NETRAL_DATA_DIR: path.join(env.dir, 'host', 'data'),
});
const netralStatus = () => execFileSync(CLI_BIN, ['status'], { env: hostEnv(), encoding: 'utf8', timeout: 60000 });

// Polls (bounded) until CHECK() returns something truthy.
async function eventually(what, check, timeoutMs = 10000) {
  return waitingFor(what, async () => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await check();
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
}

describe('Chromium, a mode per action and per site by policy', { skip: noPolicy }, () => {
  let chromium;
  before(async () => {
    chromium = await openChromium(env, {
      name: 'profile-modes',
      policy: {
        mode: 'warn', actionModes: { follow: 'block' }, siteModes: { x: 'audit' }, language: 'id',
        // Keys in the order Chromium hands them back (waitForManagedPolicy compares the JSON).
        guidanceText: { en: 'A breach of neutrality (e2e).', id: GUIDANCE }, guidanceUrl: 'https://sdm.example.go.id/netralitas',
      },
    });
  });
  after(async () => { await chromium?.close(); });

  test('TikTok: follow is blocked (no way through)', async () => {
    await inTab(chromium.browser, TIKTOK.url, async (page, probe) => {
      const facts = await exerciseListed(page, probe, FOLLOW, { mode: 'block', screenshot: artifact('chromium-choices-follow-blocked.png') });
      assert.equal(facts.hasProceed, false);
      assert.equal(facts.ranWhileWarning, 0);
      assert.equal(facts.ranAfterCancel, 0);
      assert.match(facts.said, /tidak mengizinkan/);
    }, 'tiktok-feed');
  });

  test('TikTok: like on the same account warns, names the agency\'s guidance, and goes on once', async () => {
    await inTab(chromium.browser, TIKTOK.url, async (page, probe) => {
      const facts = await exerciseListed(page, probe, LIKE, { screenshot: artifact('chromium-choices-like-warns.png') });
      assert.equal(facts.hasProceed, true);
      assert.equal(facts.ranWhileWarning, 0);
      assert.ok(facts.said.includes(GUIDANCE), facts.said);
      assert.match(facts.said, /Panduan instansi Anda/);
      assert.equal(facts.ranAfterProceed, 1);
    }, 'tiktok-feed');
  });

  test('X in audit: no warning, the like goes through, and the popup and netral status count it', async () => {
    await inTab(chromium.browser, X.url, async (page, probe) => {
      const facts = await exerciseClear(page, probe, X_LIKE);
      assert.equal(facts.warning, false, 'no warning in audit mode');
      assert.equal(facts.ran, 2, 'both likes reached the site');
    }, 'x-repost-menu');
    await inTab(chromium.browser, `chrome-extension://${chromium.extensionId}/src/popup/popup.html`, async (page) => {
      const text = await eventually('the popup to show 2 audited likes on X', async () => {
        await page.reload({ waitUntil: 'load' });
        await page.waitForFunction(() => document.getElementById('host-state').textContent !== '', { timeout: 5000 });
        const body = await page.evaluate(() => document.body.innerText);
        return /X: suka 2/.test(body) ? body : null;
      });
      assert.match(text, /Mode audit aktif/);
      assert.match(text, /per situs, tindakan, dan hari/);
      assert.match(text, /Pengecualian: ikuti: Blokir, X: Audit/);
      await page.screenshot({ path: artifact('chromium-choices-popup-audit.png') });
    });
    const status = await eventually('netral status to print the audit counts', () => {
      const out = netralStatus();
      return /^Audit: +\d{4}-\d{2}-\d{2} x: like 2 /m.test(out) ? out : null;
    });
    assert.doesNotMatch(status, /tiktok/i, 'the blocked and warned TikTok actions are not audit counts');
  });
});

describe('Chromium, acknowledge by policy', { skip: noPolicy }, () => {
  let chromium;
  before(async () => { chromium = await openChromium(env, { name: 'profile-acknowledge', policy: { mode: 'acknowledge', language: 'id' } }); });
  after(async () => { await chromium?.close(); });

  test('TikTok like: "Tetap lanjutkan" does nothing until the box is ticked, then the like goes on once', async () => {
    await inTab(chromium.browser, TIKTOK.url, async (page, probe) => {
      const count = () => page.evaluate((s) => window.__netral.count(s, 'click'), LIKE.selector);
      const before = await count();
      await page.click(LIKE.selector);
      let warning = await probe.waitFor(true);
      const box = { handle: await warning.frame.$('[data-netral="acknowledge"]') };
      assert.ok(box.handle, 'the warning has the box');
      assert.match(await probe.text(warning), /Saya memahami tindakan ini dapat melanggar SKB No\. 2\/2022/);
      assert.equal(await probe.evaluateOn(warning.proceed, 'function () { return this.disabled; }'), true);
      await probe.press(warning.proceed);
      // Enter, where the focus is (Batalkan, or the box): never goes on.
      await probe.evaluateOn(box, 'function () { this.focus(); }');
      await page.keyboard.press('Enter');
      warning = await probe.find();
      assert.ok(warning, 'still shown');
      assert.equal(await probe.evaluateOn(box, 'function () { return this.checked; }'), false, 'Enter ticks nothing');
      assert.equal(await count(), before, 'the page saw nothing');
      await page.screenshot({ path: artifact('chromium-choices-acknowledge.png') });
      await probe.press(box);
      const ticked = await probe.evaluateOn(box, 'function () { return { checked: this.checked, box: this.getBoundingClientRect().toJSON() }; }');
      assert.equal(await probe.evaluateOn(warning.proceed, 'function () { return this.disabled; }'), false,
        `ticked: the button works (${JSON.stringify(ticked)}; the frame saw: ${await probe.inputSeen()})`);
      await probe.press(warning.proceed);
      await eventually('the like to reach the page', async () => (await count()) === before + 1);
      await probe.waitFor(false);
      assert.equal(await count(), before + 1, 'exactly once');
    }, 'tiktok-feed');
  });
});
