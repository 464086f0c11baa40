// What the browser tests share: the fixture pages and their expectations, the signed list
// they run against, and one routine that plays a user through a page's controls.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from '../../../extension/tools/build.mjs';
import { makeCertificate } from './certificate.js';
import { startFixtureServer } from './fixture-server.js';
import { HOST_BIN, hostBuilt, installHost } from './host.js';
import { SITE_HOSTS, extensionIdFromKey, launchChromium } from './chromium.js';
import { setChromiumPolicy, waitForManagedPolicy } from './policy.js';
import { WarningProbe } from './warning.js';
import { artifactsDir } from './paths.js';
import { hold, waitingFor } from './lifetime.js';
import { loadSpec, pageHtml, slug } from '../../lib/fixtures.js';

export { loadSpec };

const ENTITY = {
  name: 'Tim Pemenangan Merah Putih (uji)', role: 'akun pemenangan resmi', party: 'Koalisi Uji',
  election: 'Pilkada Uji 2026', region: 'Kota Uji',
};

/** The campaign list the tests sign and import: the "campaign" accounts of the fixtures. */
export const LIST_ENTRIES = [
  // Listed: the campaign accounts of the project's fixtures, and (for the extra check over the
  // saved real pages) the real accounts those pages act on.
  { platform: 'x', accounts: ['@timmerahputih', 'id:7000000001', '@kikobeats', 'id:101198215'], entity: ENTITY },
  { platform: 'instagram', accounts: ['@timpemenangan.merahputih', '@relawan.merahputih.jabar'], entity: ENTITY },
  { platform: 'facebook', accounts: ['@timpemenanganmerahputih', 'group:relawanmerahputih'], entity: ENTITY },
  { platform: 'tiktok', accounts: ['@timmerahputih', '@illojuan', '@toni.kr8s'], entity: ENTITY },
  { platform: 'youtube', accounts: ['@timmerahputih', 'channel:UCq3Z9a1bC2dE3fG4hI5jK6L'], entity: ENTITY },
  { platform: 'threads', accounts: ['@timmerahputih'], entity: ENTITY },
];

const LISTED = new Set(LIST_ENTRIES.flatMap((entry) => entry.accounts.map((account) => `${entry.platform} ${account}`)));

export function isListed(expect, aliases = []) {
  return [expect.account, ...aliases].some((account) => LISTED.has(`${expect.platform} ${account}`));
}

/** The account a warning about EXPECT names: the target when it is listed, else the listed alias. */
export function listedAccount(expect, aliases = []) {
  return [expect.account, ...aliases].find((account) => LISTED.has(`${expect.platform} ${account}`)) ?? null;
}

/** Every URL a page is viewed at (composite pages hold several views). */
export function viewsOf(spec) {
  return [...new Set([spec.url, ...[...(spec.clicks || []), ...(spec.keys || [])].map((item) => item.url).filter(Boolean)])];
}

/**
 * A scratch directory with the built extension, a certificate, the fixture server serving
 * PAGES (fixture names, see tests/lib/fixtures.js), and (unless withHost is false) the real
 * host with the signed list installed. If any step fails, what the earlier ones started is
 * released before the error is passed on.
 */
export async function prepare({ pages, withHost = true }) {
  if (withHost && !hostBuilt()) throw new Error(`netral-host is not built (cmake --build build): ${HOST_BIN}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netral-e2e-'));
  const forgetDir = hold(`scratch directory ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
  let server = null;
  let forgetServer = () => {};
  const cleanup = async () => {
    if (server) await server.close();
    forgetServer();
    fs.rmSync(dir, { recursive: true, force: true });
    forgetDir();
  };
  try {
    const extension = build(path.join(dir, 'extension'));
    const certificate = makeCertificate(dir, SITE_HOSTS);
    server = await waitingFor('the fixture server to listen', startFixtureServer(certificate));
    forgetServer = hold(`fixture server on port ${server.port}`, () => server.closeNow());
    for (const name of pages) {
      const spec = loadSpec(name);
      const html = pageHtml(name);
      for (const url of viewsOf(spec)) server.addPage(url, html, slug(name));
    }
    const host = withHost
      ? installHost(path.join(dir, 'host'), { entries: LIST_ENTRIES })
      : null;
    return { dir, extension, server, hostWrapper: host ? host.wrapper : null, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export function artifact(name) {
  fs.mkdirSync(artifactsDir, { recursive: true });
  return path.join(artifactsDir, name);
}

// ---- playing a user ----

const siteSaw = (page, selector, type, key) => page.evaluate(
  (s, t, k) => window.__netral.count(s, t, k === null ? undefined : k), selector, type, key ?? null,
);

async function waitForSiteCount(page, selector, type, count, key) {
  await waitingFor(`the page to see ${type} #${count} on ${selector}`, page.waitForFunction(
    (s, t, n, k) => window.__netral.count(s, t, k === null ? undefined : k) >= n,
    { timeout: 5000, polling: 'mutation' }, selector, type, count, key ?? null,
  ));
}

// The saved real pages render without the sites' scripts and generated styles, so a control
// may sit under a neighbour, have no size, or be in a section the user would have expanded
// first (TikTok's suggested accounts: max-height 0). Bring it on top (and give it a size) so
// the real mouse click lands on it, as it does on the live site.
export async function clickControl(page, selector, options = {}) {
  await ensureClickable(page, selector);
  await page.click(selector, options);
}

async function ensureClickable(page, selector) {
  await page.evaluate((s) => {
    const element = document.querySelector(s);
    const reachable = () => {
      const box = element.getBoundingClientRect();
      const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      return box.width >= 1 && box.height >= 1 && hit && (hit === element || element.contains(hit));
    };
    element.scrollIntoView({ block: 'center', inline: 'center' });
    if (reachable()) return;
    for (let node = element; node && node !== document.body; node = node.parentElement) {
      if (getComputedStyle(node).position === 'static') node.style.position = 'relative';
      Object.assign(node.style, {
        zIndex: '2147483646', overflow: 'visible', transform: 'none', clipPath: 'none', pointerEvents: 'auto', visibility: 'visible',
        maxHeight: 'none', opacity: '1',
      });
    }
    if (element.getBoundingClientRect().width < 1 || element.getBoundingClientRect().height < 1) {
      element.style.display = 'inline-block';
      element.style.minWidth = '16px';
      element.style.minHeight = '16px';
    }
    element.scrollIntoView({ block: 'center', inline: 'center' });   // the layout moved
    if (reachable()) return;
    // Still clipped (a scrolled carousel): lift it out where the pointer can reach it.
    Object.assign(element.style, { position: 'fixed', left: '40%', top: '40%', zIndex: '2147483646' });
  }, selector);
}

/** Whether a real pointer can land on SELECTOR once the harness has done what it can. */
export async function pointerCanReach(page, selector) {
  await ensureClickable(page, selector);
  return page.evaluate((s) => {
    const element = document.querySelector(s);
    const box = element.getBoundingClientRect();
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return Boolean(hit) && (hit === element || element.contains(hit));
  }, selector);
}

/**
 * Fails (with a screenshot named SCREENSHOT in the artifacts) when no real pointer can land
 * on SELECTOR: a page whose controls cannot be clicked is a broken fixture, not a pass.
 */
export async function assertPointerCanReach(page, selector, screenshot) {
  if (await pointerCanReach(page, selector)) return;
  const file = artifact(screenshot.replace(/\.png$/, `-${crypto.createHash('sha256').update(selector).digest('hex').slice(0, 8)}.png`));
  await page.screenshot({ path: file });
  throw new Error(`no pointer can reach ${selector} in this page (screenshot: ${file})`);
}

async function gesture(page, item) {
  if (item.focus) {
    await page.focus(item.focus);
    if (item.text) await page.keyboard.type(item.text);
    const modifiers = item.modifiers || [];
    for (const modifier of modifiers) await page.keyboard.down(modifier);
    await page.keyboard.press(item.key);
    for (const modifier of modifiers.reverse()) await page.keyboard.up(modifier);
    return;
  }
  await clickControl(page, item.selector, item.event === 'dblclick' ? { count: 2 } : {});
}

function observed(item) {
  return item.focus
    ? { selector: item.focus, type: 'keydown', key: item.key }
    : { selector: item.selector, type: item.event || 'click' };
}

/**
 * Plays one listed control: the warning comes before the site sees anything; Batalkan drops
 * the action; the second time, Tetap lanjutkan lets it happen exactly once.
 * mode 'block': the warning has no way through. Returns what the warning said.
 */
export async function exerciseListed(page, probe, item, { mode = 'warn', screenshot = null } = {}) {
  const { selector, type, key } = observed(item);
  const before = await siteSaw(page, selector, type, key);
  await gesture(page, item);
  let warning = await probe.waitFor(true);
  const said = await probe.text(warning);
  if (screenshot) await page.screenshot({ path: screenshot });
  const facts = {
    said,
    closedRoot: warning.closedRoot,
    hasProceed: Boolean(warning.proceed),
    ranWhileWarning: (await siteSaw(page, selector, type, key)) - before,
  };
  await probe.press(warning.cancel);
  await probe.waitFor(false);
  facts.ranAfterCancel = (await siteSaw(page, selector, type, key)) - before;
  if (mode !== 'warn') return facts;

  await gesture(page, item);
  warning = await probe.waitFor(true);
  const earlierNotices = new Set((await probe.notices()).map((notice) => notice.seq));
  await probe.press(warning.proceed);
  await waitForSiteCount(page, selector, type, before + 1, key).catch(async (error) => {
    const still = await probe.find().catch(() => null);
    throw new Error(`${error.message}; after "Tetap lanjutkan" the warning is ${still ? 'still shown' : 'gone'}`
      + ` and the page saw ${(await siteSaw(page, selector, type, key)) - before} ${type}(s); the frame saw: ${await probe.inputSeen()}`);
  });
  facts.notice = await probe.waitForNewNotice(earlierNotices);
  facts.ranAfterProceed = (await siteSaw(page, selector, type, key)) - before;
  return facts;
}

/** Plays one control on an account that is not listed: it simply happens. */
export async function exerciseClear(page, probe, item) {
  const { selector, type, key } = observed(item);
  const before = await siteSaw(page, selector, type, key);
  await gesture(page, item);
  await waitForSiteCount(page, selector, type, before + 1, key);
  const warning = await probe.find();
  // Once its verdict is known, a second gesture passes as the user's own (trusted) event.
  await gesture(page, item);
  await waitForSiteCount(page, selector, type, before + 2, key);
  const trusted = await page.evaluate((s, t) => window.__netral.trusted(s, t), selector, type);
  const delays = type === 'click' ? await page.evaluate((s) => window.__netral.delays(s), selector) : [];
  return {
    ran: (await siteSaw(page, selector, type, key)) - before,
    warning: Boolean(warning),
    lastTrusted: trusted[trusted.length - 1],
    slowestDelay: delays.length ? Math.max(...delays) : 0,
  };
}

// ---- a browser for a scenario ----

/**
 * Chromium with the extension; the host is installed unless withHost is false; POLICY (if
 * any) is installed as managed policy before start and removed by close().
 */
export async function openChromium(env, { withHost = true, policy = null, name = 'profile', extraEnv } = {}) {
  const manifest = JSON.parse(fs.readFileSync(path.join(env.extension.chromium, 'manifest.json'), 'utf8'));
  const removePolicy = policy ? setChromiumPolicy(extensionIdFromKey(manifest.key), policy) : () => {};
  const forgetPolicy = policy ? hold('a managed policy file in /etc/chromium', removePolicy) : () => {};
  const release = () => { removePolicy(); forgetPolicy(); };
  let chromium = null;
  try {
    chromium = await launchChromium({
      extensionDir: env.extension.chromium, profileDir: path.join(env.dir, name),
      port: env.server.port, hostWrapper: withHost ? env.hostWrapper : null, extraEnv,
    });
    if (policy) await waitingFor('the managed policy to reach the extension', waitForManagedPolicy(chromium.browser, chromium.extensionId, policy));
    return {
      ...chromium,
      async close() {
        await chromium.browser.close();
        release();
      },
    };
  } catch (error) {
    await chromium?.browser.close();
    release();
    throw error;
  }
}

/** Opens URL (of the fixture named FIXTURE) in a new tab, runs FN(page, probe), closes the tab. */
export async function inTab(browser, url, fn, fixture = null) {
  const page = await browser.newPage();
  try {
    if (fixture) await page.setCookie({ name: 'netral_fixture', value: slug(fixture), domain: new URL(url).hostname, path: '/' });
    await waitingFor(`${url} to load`, page.goto(url, { waitUntil: 'load' }));
    return await fn(page, await WarningProbe.attach(page));
  } finally {
    await page.close();
  }
}

/** The controls of a page that act on an account, in the page's own post (not in a layer). */
export function actionsOf(spec) {
  return [...spec.clicks, ...(spec.keys || [])].filter((item) => item.expect && !item.opened_by);
}

export function describeItem(name, item) {
  const gestureName = item.key ? `key ${item.key}` : item.event || 'click';
  return `${name}: ${gestureName} on ${item.what} (${item.expect.account})`;
}

/** Whether the control that opened ITEM's layer is itself an action (listed with an expect). */
export function openerActs(spec, item) {
  return (spec.clicks || []).some((click) => click.selector === item.opened_by.selector && click.expect);
}

/** The controls that live in a layer opened by another control (menus, pickers, composers). */
export function layerActionsOf(spec) {
  return (spec.clicks || []).filter((item) => item.expect && item.opened_by);
}

/**
 * Plays a control in a layer outside the post. Opened by a click on a listed post, the
 * warning comes at the opener and, once the user goes on there, the layer's item completes
 * the action with no second warning. Opened by hover (Facebook's reactions), the item itself
 * is warned about. Returns {warnedAtOpener, warnedAtItem, ranItem}.
 */
export async function exerciseLayerItem(page, probe, item, openerListed, openerActs = true) {
  const { selector } = item;
  const before = await siteSaw(page, selector, 'click');
  const facts = { warnedAtOpener: false, warnedAtItem: false };
  // An opener that only opens a menu (YouTube's More actions) is no action: the item is warned.
  const warnAtItem = item.opened_by.event === 'mouseover' || !openerActs;
  if (item.opened_by.event === 'mouseover') {
    await ensureClickable(page, item.opened_by.selector);
    await page.hover(item.opened_by.selector);
  } else {
    await clickControl(page, item.opened_by.selector);
    if (openerListed && openerActs) {
      const warning = await probe.waitFor(true);
      facts.warnedAtOpener = true;
      await probe.press(warning.proceed);
      await probe.waitFor(false);
    }
  }
  await clickControl(page, selector);
  if (openerListed && warnAtItem) {
    const warning = await probe.waitFor(true);
    facts.warnedAtItem = true;
    facts.ranWhileWarning = (await siteSaw(page, selector, 'click')) - before;
    await probe.press(warning.proceed);
  }
  await waitForSiteCount(page, selector, 'click', before + 1);
  facts.ranItem = (await siteSaw(page, selector, 'click')) - before;
  if (!facts.warnedAtItem) facts.warnedAtItem = Boolean(await probe.find());
  return facts;
}
