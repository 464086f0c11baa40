// Headless Firefox ESR with the extension installed over WebDriver BiDi (a temporary
// add-on), the native host manifest under a scratch HOME, and every request sent through a
// local proxy that only reaches the fixture server.
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { HOST_NAME, hostManifest } from './host.js';
import { startConnectProxy } from './fixture-server.js';
import { SITE_HOSTS } from './chromium.js';
import { hold, waitingFor } from './lifetime.js';

export const FIREFOX = process.env.NETRAL_FIREFOX || '/usr/bin/firefox-esr';
export const GECKO_ID = 'netral@netral.id';

/**
 * @param routes     more host names the proxy lets through, to local ports ({host: port})
 * @param extraPrefs more preferences (e.g. the extension's fixed moz-extension UUID)
 */
export async function launchFirefox({ extensionDir, homeDir, port, hostWrapper, routes = {}, extraPrefs = {} }) {
  fs.mkdirSync(homeDir, { recursive: true });
  if (hostWrapper) {
    const dir = path.join(homeDir, '.mozilla', 'native-messaging-hosts');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${HOST_NAME}.json`), JSON.stringify(hostManifest(hostWrapper, { firefoxId: GECKO_ID })));
  }
  const proxy = await startConnectProxy(port, SITE_HOSTS, routes);
  const forgetProxy = hold(`CONNECT proxy on port ${proxy.port}`, () => proxy.closeNow());
  let browser;
  try {
    browser = await waitingFor('Firefox to start', puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      acceptInsecureCerts: true,
      dumpio: Boolean(process.env.NETRAL_E2E_DUMPIO),
      env: { ...process.env, HOME: homeDir, MOZ_CRASHREPORTER_DISABLE: '1' },
      extraPrefsFirefox: {
        'network.proxy.type': 1,
        'network.proxy.ssl': '127.0.0.1',
        'network.proxy.ssl_port': proxy.port,
        'network.proxy.http': '127.0.0.1',
        'network.proxy.http_port': proxy.port,
        'network.proxy.no_proxies_on': '',
        'network.proxy.allow_hijacking_localhost': true,
        'network.dns.disablePrefetch': true,
        'browser.safebrowsing.malware.enabled': false,
        'browser.safebrowsing.phishing.enabled': false,
        'extensions.webextensions.restrictedDomains': '',
        'intl.locale.requested': 'en-US',
        'devtools.console.stdout.content': true,
        'devtools.console.stdout.chrome': true,
        ...extraPrefs,
      },
    }));
  } catch (error) {
    await proxy.close();
    forgetProxy();
    throw error;
  }
  const forgetBrowser = hold(`Firefox (pid ${browser.process()?.pid})`, () => browser.process()?.kill('SIGKILL'));
  const close = async () => {
    await browser.close();
    forgetBrowser();
    await proxy.close();
    forgetProxy();
  };
  try {
    const extensionId = await waitingFor('Firefox to install the extension', browser.installExtension(extensionDir));
    return { browser, extensionId, close };
  } catch (error) {
    await close();
    throw error;
  }
}
