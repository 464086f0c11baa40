#!/usr/bin/env node
// The demo's browser part: Chromium with the extension and the real host (answering from the
// list .ci/demo installed), a demo X page served locally at https://x.com/home, and a click on
// "Like" under a post of a listed campaign account. The warning appears; its screenshot is saved.
// With a display the window stays open until you close it; without one it runs headless.
// Usage: node .ci/demo-browser.mjs BUILD_DIR SCREENSHOT   (NETRAL_CONFIG_DIR/NETRAL_DATA_DIR set)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from '../extension/tools/build.mjs';
import { makeCertificate } from '../tests/e2e/lib/certificate.js';
import { launchChromium, SITE_HOSTS } from '../tests/e2e/lib/chromium.js';
import { startFixtureServer } from '../tests/e2e/lib/fixture-server.js';
import { WarningProbe } from '../tests/e2e/lib/warning.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [buildDir, screenshot] = process.argv.slice(2);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'netral-demo-browser-'));
const withWindow = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);

// The browser starts the host through this wrapper, so the host reads the demo's directories.
const wrapper = path.join(scratch, 'netral-host-demo');
fs.writeFileSync(wrapper, `#!/bin/sh\nexport NETRAL_CONFIG_DIR='${process.env.NETRAL_CONFIG_DIR}' NETRAL_DATA_DIR='${process.env.NETRAL_DATA_DIR}'\n`
  + `exec '${path.resolve(buildDir, 'host/netral-host')}' "$@"\n`, { mode: 0o755 });

const extension = build(path.join(scratch, 'extension'));
const server = await startFixtureServer(makeCertificate(scratch, SITE_HOSTS));
server.addPage('https://x.com/home', fs.readFileSync(path.join(repo, 'tests/data/demo/x-demo.html'), 'utf8'));
const { browser } = await launchChromium({
  extensionDir: extension.chromium, profileDir: path.join(scratch, 'profile'), port: server.port,
  hostWrapper: wrapper, headless: !withWindow,
});
try {
  const page = (await browser.pages())[0] ?? await browser.newPage();
  await page.setViewport({ width: 1000, height: 700 });
  await page.goto('https://x.com/home', { waitUntil: 'load' });
  const probe = await WarningProbe.attach(page);
  console.log('Clicking "Like" under the post of @TimMenang_Cth (a campaign account on the sample list)...');
  await page.click('article:first-of-type [data-testid="like"]');
  const warning = await probe.waitFor(true);
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  const liked = await page.evaluate(() => window.__netral.count('article:first-of-type [data-testid="like"]', 'click'));
  if (liked !== 0) throw new Error(`the page's like handler ran ${liked} time(s) before the warning`);
  console.log(`Netral held the like (the page's own handler did not run) and showed its warning`
    + `${warning.closedRoot ? ', out of the page scripts\' reach' : ''}. Screenshot: ${screenshot}`);
  if (withWindow) {
    console.log('The browser window stays open: try the buttons, then close it to end the demo.');
    await new Promise((resolve) => browser.on('disconnected', resolve));
  }
} finally {
  if (browser.connected) await browser.close();
  await server.close();
  fs.rmSync(scratch, { recursive: true, force: true });
}
