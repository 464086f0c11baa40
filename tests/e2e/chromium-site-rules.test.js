// Site rules through the list channel, in headless Chromium with the real extension and host
// (docs/site-rules.md): the authority signs new rules and publishes them beside the list,
// `netral update --from` keeps them, and a page that is already open recognises what they add
// without a reload; tampered rules are not kept, and the rules in use (and the bundled ones)
// go on working.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileDeadline, waitingFor } from './lib/lifetime.js';
import { CLI_BIN } from './lib/host.js';
import { clickControl, inTab, openChromium, prepare } from './lib/scenario.js';
import { repoRoot } from './lib/paths.js';

fileDeadline(300, 'e2e/chromium-site-rules.test.js');

const URL_ = 'https://x.com/timmerahputih/status/1';
// A post by a listed account with X's like button, and a second control a site change added:
// the bundled rules do not know data-testid="like-v2", the published version 2 does.
const PAGE = `<!DOCTYPE html><html lang="en"><body>
  <article data-testid="tweet" tabindex="0">
    <div data-testid="User-Name"><a href="/timmerahputih">Tim Merah Putih</a></div>
    <p>Pilih kami!</p>
    <button data-testid="like" aria-label="Like">Like</button>
    <button data-testid="like-v2" aria-label="Like" id="like-v2">Like</button>
    <button data-testid="like-v3" aria-label="Like" id="like-v3">Like</button>
  </article>
</body></html>`;

let env;
before(async () => {
  env = await prepare({ pages: [] });
  env.server.addPage(URL_, PAGE);
});
after(async () => { await env?.cleanup(); });

// The authority's side, with the e2e host's list key (tests/e2e/lib/host.js).
const hostDir = () => path.join(env.dir, 'host');
const hostEnv = () => ({ ...process.env, NETRAL_CONFIG_DIR: path.join(hostDir(), 'config'), NETRAL_DATA_DIR: path.join(hostDir(), 'data') });
const repo = () => path.join(env.dir, 'repo');
const cli = (args) => execFileSync(CLI_BIN, args, { env: hostEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });

function publishRules(version, { tamper = false } = {}) {
  const document = JSON.parse(fs.readFileSync(path.join(repoRoot, 'extension/rules/netral-sites.json'), 'utf8'));
  Object.assign(document, { version, issued: '2026-01-01T00:00:00Z', expires: '2099-01-01T00:00:00Z' });
  const x = document.sites.find((site) => site.platform === 'x');
  for (let v = 2; v <= version; v++) x.rules.unshift({ action: 'like', selector: `[data-testid="like-v${v}"]` });
  fs.mkdirSync(repo(), { recursive: true });
  const file = path.join(repo(), 'netral-sites.json');
  fs.writeFileSync(file, JSON.stringify(document));
  cli(['sign', '-W', '-s', path.join(hostDir(), 'list.sec'), '-m', file]);
  if (tamper) fs.writeFileSync(file, JSON.stringify(document).replace('like-v3', 'like-v9'));
  cli(['publish', repo(), path.join(hostDir(), 'list.jsonl'), '-s', path.join(hostDir(), 'list.sec'), '-W']);
  return JSON.parse(cli(['update', '--from', repo(), '--json']));
}

// Where the host keeps the counts for this user (per-user install: DATA/spool/UID).
const recognitionFile = () => path.join(hostDir(), 'data', 'spool', String(process.getuid()), '.recognition.json');
const cliStatus = (args) => {
  try {
    return cli(args);
  } catch (error) {
    return error.stdout;   // doctor exits 1 for the findings of a test machine (no policy, …)
  }
};

async function waitForFile(file) {
  const deadline = Date.now() + 10_000;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The rules version the page's content script uses, read in the extension's own world of the
// page (DevTools protocol: the isolated world the extension's content scripts run in).
async function rulesVersionInPage(page, extensionId) {
  const cdp = await page.createCDPSession();
  const contexts = [];
  cdp.on('Runtime.executionContextCreated', ({ context }) => contexts.push(context));
  await cdp.send('Runtime.enable');
  const own = contexts.find((context) => context.origin === `chrome-extension://${extensionId}`
    || (context.auxData && context.auxData.type === 'isolated' && context.name === 'Netral'));
  assert.ok(own, 'the content scripts\' world is found');
  const { result } = await cdp.send('Runtime.evaluate', { expression: 'Netral.sites.version()', contextId: own.id, returnByValue: true });
  await cdp.detach();
  return result.value;
}

async function waitForRulesVersion(page, extensionId, version) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const now = await rulesVersionInPage(page, extensionId);
    if (now === version) return;
    if (Date.now() > deadline) throw new Error(`the page still uses rules version ${now}, not ${version}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// What the popup's "Periksa sekarang" asks the worker: look for new lists and rules now.
async function checkNow(chromium) {
  await inTab(chromium.browser, `chrome-extension://${chromium.extensionId}/src/popup/popup.html`, async (popup) => {
    await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'updateNow' }));
  });
}

const siteSaw = (page, selector) => page.evaluate((s) => window.__netral.count(s, 'click'), selector);

describe('Chromium: site rules published beside the list', () => {
  let chromium;
  before(async () => { chromium = await openChromium(env); });
  after(async () => { await chromium?.close(); });

  test('new rules reach a page already open, without a reload; tampered ones are not kept', async () => {
    await inTab(chromium.browser, URL_, async (page, probe) => {
      assert.equal(await rulesVersionInPage(page, chromium.extensionId), 1, 'the bundled rules at first');
      // Unknown to the bundled rules: the clicks reach the site unjudged, and are counted as
      // controls that look like actions no rule knew: the popup and IT (doctor) are told.
      for (let i = 0; i < 3; i++) await clickControl(page, '#like-v2');
      assert.equal(await siteSaw(page, '#like-v2'), 3);
      await waitingFor('the worker to hand the counts to the host', waitForFile(recognitionFile()));
      const doctor = JSON.parse(cliStatus(['doctor', '--json'])).findings.find((f) => f.subject === 'site rules');
      assert.match(doctor.message, /^recognition may be out of date on x \(user \d+, site rules version 1, since [0-9T:-]+Z\): 3 clicks/);
      const popupText = await inTab(chromium.browser, `chrome-extension://${chromium.extensionId}/src/popup/popup.html`,
        (popup) => popup.waitForFunction(() => !document.getElementById('recognition').hidden, { timeout: 5000 })
          .then(() => popup.$eval('#recognition', (box) => box.textContent)));
      assert.match(popupText, /(Pengenalan tindakan mungkin sudah usang di X|Recognition of actions may be out of date on X)/);

      const installed = publishRules(2);
      assert.equal(installed.sites_installed, true, JSON.stringify(installed));
      await checkNow(chromium);
      await waitingFor('the page to take rules version 2', waitForRulesVersion(page, chromium.extensionId, 2));
      await clickControl(page, '#like-v2');
      const warning = await probe.waitFor(true);
      assert.match(await probe.text(warning), /timmerahputih/i);
      await page.keyboard.press('Escape');
      await probe.waitFor(false);
      assert.equal(await siteSaw(page, '#like-v2'), 3, 'the like on a listed account was held');

      // Version 3, changed after it was signed: not kept; the page keeps version 2.
      const refused = publishRules(3, { tamper: true });
      assert.equal(refused.sites_installed, false);
      assert.match(refused.sites_problem, /signature/i);
      await checkNow(chromium);
      assert.equal(await rulesVersionInPage(page, chromium.extensionId), 2);
      await clickControl(page, '#like-v3');
      assert.equal(await siteSaw(page, '#like-v3'), 1, 'what only the refused rules knew goes unjudged');
      // What the bundled rules knew still works: the post's own like is held.
      await clickControl(page, '[data-testid="like"]');
      await probe.waitFor(true);
      await page.keyboard.press('Escape');
      await probe.waitFor(false);
      assert.equal(await siteSaw(page, '[data-testid="like"]'), 0);
    });
  });
});
