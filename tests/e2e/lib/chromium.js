// Headless Debian Chromium with the unpacked extension, a fresh profile, the native host
// manifest in the profile, and the sites' host names mapped to the local fixture server.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { platforms } from '../../../extension/tools/build.mjs';
import { HOST_NAME, hostManifest } from './host.js';
import { hold, waitingFor } from './lifetime.js';
import { removeStaleChromiumPolicies } from './policy.js';

export const CHROMIUM = process.env.NETRAL_CHROMIUM || '/usr/bin/chromium';
// The watched sites' domains (extension/platforms.json): mapped to the fixture server.
export const SITE_HOSTS = platforms().flatMap((platform) => platform.domains);

/** The id Chromium gives an extension whose manifest carries KEY (base64 DER). */
export function extensionIdFromKey(key) {
  const digest = crypto.createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32);
  return [...digest].map((c) => String.fromCharCode('a'.charCodeAt(0) + parseInt(c, 16))).join('');
}

/**
 * @param extensionDir  the built Chromium extension
 * @param profileDir    a fresh directory for the profile
 * @param port          the fixture server's port
 * @param hostWrapper   the host wrapper script, or null for "host not installed"
 * @param language      browser UI language
 * @param headless      false to show a window (the demo, where there is a display)
 * @param extraEnv      more environment for the browser (e.g. a HOME holding an NSS database)
 */
export async function launchChromium({ extensionDir, profileDir, port, hostWrapper, language = 'id', headless = true, extraEnv = {} }) {
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, 'manifest.json'), 'utf8'));
  const extensionId = extensionIdFromKey(manifest.key);
  if (hostWrapper) {
    const dir = path.join(profileDir, 'NativeMessagingHosts');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${HOST_NAME}.json`),
      JSON.stringify(hostManifest(hostWrapper, { chromiumOrigin: `chrome-extension://${extensionId}/` })));
  }
  const rules = [
    ...SITE_HOSTS.flatMap((host) => [`MAP ${host} 127.0.0.1:${port}`, `MAP *.${host} 127.0.0.1:${port}`]),
    'MAP * ~NOTFOUND',
    'EXCLUDE 127.0.0.1',
  ].join(', ');
  for (const name of removeStaleChromiumPolicies()) console.log(`# removed ${name}, a policy left by a killed test run`);
  const browser = await waitingFor('Chromium to start', puppeteer.launch({
    executablePath: CHROMIUM,
    headless,
    pipe: true,
    userDataDir: profileDir,
    ignoreDefaultArgs: ['--disable-extensions'],
    env: { ...process.env, LANGUAGE: language, LANG: language === 'id' ? 'id_ID.UTF-8' : 'en_US.UTF-8', ...extraEnv },
    args: [
      `--load-extension=${extensionDir}`,
      `--disable-extensions-except=${extensionDir}`,
      '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--ignore-certificate-errors',
      `--host-resolver-rules=${rules}`, `--lang=${language}`, '--window-size=1280,900',
    ],
  }));
  const forget = hold(`Chromium (pid ${browser.process()?.pid})`, () => browser.process()?.kill('SIGKILL'));
  browser.once('disconnected', forget);
  try {
    // The extension's service worker is up once its target appears.
    const worker = await waitingFor('the extension\'s service worker', browser.waitForTarget(
      (target) => target.type() === 'service_worker' && target.url().startsWith(`chrome-extension://${extensionId}/`),
      { timeout: 15000 },
    ));
    return { browser, extensionId, worker };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
