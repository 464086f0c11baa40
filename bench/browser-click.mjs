#!/usr/bin/env node
// The click path in headless Chromium, measured from the page: the real extension
// (extension/tools/build.mjs) and the real host with a 1,000,000-entry list, CDP trusted clicks
// (puppeteer page.click) on the like button of a minimal X page (lib/x-bench.html) served by
// the e2e fixture server at https://x.com/home.
//
//   (a) unlisted, verdict pre-resolved: press → the page's click handler, with the extension
//       and in a Chromium without it (bare); the difference is what the extension adds
//   (b) unlisted, clicked as the post appears: release → the page's handler (held and
//       replayed, unless the pre-resolve was quicker than the click)
//   (c) listed, verdict known: release → the warning in the page
//   (d) listed, verdict not known: release → the warning in the page
//   floor: a throwaway extension (lib/floor-extension) + the C echo host: the same hold, one
//       round trip content script → service worker → host → content script, replay; and the
//       plain round trip alone
//
// The three browsers run side by side and the measures alternate round by round.
// Usage: node bench/browser-click.mjs [--quick] [--rounds N] [--entries N] [--json FILE]
//          [--build DIR | --rev REV] [--config DIR --data DIR] [--chromium-cpus LIST]
// --config/--data: a list already installed (bench/run passes its own); otherwise one is made.
// --chromium-cpus: taskset CPU list for Chromium and the hosts it starts (default: all).
// --host BIN: this netral-host instead of building one (with --config/--data); --source DIR:
// the tree whose extension/ is built (default: this one; with --rev, that revision's).
// --steps a,bare,b,floor,c,d,floorRtt: only these measures (the others print as empty).
// --raw: the samples too, in the --json file. --keep: keep the scratch directory (with a
// screenshot of each click that got no warning).
// --profile FILE: a CPU profile (.cpuprofile, for DevTools) of the Netral page, content
// scripts included, over the measured rounds.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  benchDir, compile, cpus, ensureBuild, install, log, makeKeys, makeScratch, makeSignedList, ms, parseArgs,
  repoRoot, summary,
} from './lib/common.mjs';

const options = parseArgs(process.argv.slice(2), ['quick', 'keep', 'raw']);
const quick = Boolean(options.quick);
const ROUNDS = Number(options.rounds ?? (quick ? 40 : 300));
const WARMUP = quick ? 5 : 15;
const ENTRIES = Number(options.entries ?? 1_000_000);
const CHROMIUM_CPUS = options['chromium-cpus'] ?? `0-${cpus().count - 1}`;
const SETTLE_MS = 40;   // after a click on a fresh post: pre-resolve batches still under way go out

const scratch = makeScratch();
const cleanups = [];
async function cleanup() {
  while (cleanups.length) await cleanups.pop()().catch(() => {});
  if (!options.keep) fs.rmSync(scratch, { recursive: true, force: true });
}
process.on('SIGINT', () => { cleanup().finally(() => process.exit(130)); });

// Chromium (and so every host it starts) runs under taskset, on all CPUs by default: the click
// path crosses four processes (renderer, browser, service worker, host), and squeezed onto one
// CPU it was about twice as slow here, unlike the pipe benchmarks.
const chromiumWrapper = path.join(scratch, 'chromium');
fs.writeFileSync(chromiumWrapper, `#!/bin/sh\nexec taskset -c ${CHROMIUM_CPUS} ${process.env.NETRAL_CHROMIUM || '/usr/bin/chromium'} "$@"\n`, { mode: 0o755 });
process.env.NETRAL_CHROMIUM = chromiumWrapper;
const { launchChromium, SITE_HOSTS } = await import('../tests/e2e/lib/chromium.js');
const { startFixtureServer } = await import('../tests/e2e/lib/fixture-server.js');
const { makeCertificate } = await import('../tests/e2e/lib/certificate.js');
const puppeteer = createRequire(path.join(repoRoot, 'tests/package.json'))('puppeteer-core');

// ---- the page ----

const PAGE_URL = 'https://x.com/home';
const LIKE = '[data-testid="like"]';

function postHtml(id, handle) {
  return `<article data-testid="tweet" role="article" id="${id}">`
    + `<div data-testid="User-Name"><a href="/${handle}" role="link"><span>${handle}</span></a>`
    + `<a href="/${handle}" role="link" tabindex="-1"><span>@${handle}</span></a></div>`
    + `<div data-testid="tweetText">Postingan untuk benchmark.</div>`
    + `<div role="group"><button data-testid="like" aria-label="Like" type="button">Like</button></div></article>`;
}

// ---- warning detection: the one place that knows what "the warning is shown" means ----
//
// A signal installed in the page and in each extension frame the page holds: an element with
// role="alertdialog" is attached to that document, or the focus lands on an element that is,
// or is inside, one of z-index 2147483647. Today the warning is built in a closed shadow root,
// which the page's MutationObserver cannot see into, so the page sees the focus land on the
// shadow host; a warning drawn in an extension frame is seen by the frame, as its alertdialog
// is attached. Times are performance.timeOrigin + performance.now(), comparable between
// documents (Chromium coarsens both to 0.1 ms); the warning counts as shown at the latest
// document's first signal after the click. Whether a warning really is there is confirmed over
// CDP: an alertdialog that DOM.getDocument with pierce finds (closed shadow roots, frames in
// the same process), or one inside an extension frame (out of process).
const WARNING_SIGNAL = `(() => {
  if (window.__benchWarning) return;
  const onTop = (node) => {
    for (let e = node; e; e = e.parentElement || (e.getRootNode() instanceof ShadowRoot ? e.getRootNode().host : null)) {
      if (getComputedStyle(e).zIndex === '2147483647') return true;
    }
    return false;
  };
  const signals = [];
  let focused = null;
  let dialog = false;
  const look = () => {
    const at = performance.timeOrigin + performance.now();   // before any style is computed here
    const shown = document.querySelector('[role="alertdialog"]') !== null;
    if (shown && !dialog) signals.push(at);
    dialog = shown;
    const active = document.activeElement;
    if (active === focused) return;
    focused = active;
    if (active && active !== document.body && onTop(active)) { signals.push(at); window.__benchOnWarning?.(); }
  };
  new MutationObserver(look).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener('focusin', look, true);
  window.addEventListener('blur', look, true);
  window.__benchWarning = { firstAfter: (t) => signals.find((at) => at >= t) ?? null };
})()`;

function walk(node, visit) {
  if (visit(node)) return node;
  for (const child of [...(node.children || []), ...(node.shadowRoots || []), ...(node.contentDocument ? [node.contentDocument] : [])]) {
    const found = walk(child, visit);
    if (found) return found;
  }
  return null;
}

function attribute(node, name) {
  const list = node.attributes || [];
  for (let i = 0; i < list.length; i += 2) if (list[i] === name) return list[i + 1];
  return null;
}

const extensionFrames = (tab) => tab.page.frames().filter((frame) => /^(chrome|moz)-extension:/.test(frame.url()));

/** The signal in every extension frame of the page (frames come and go). */
async function watchFrames(tab) {
  for (const frame of extensionFrames(tab)) await frame.evaluate(WARNING_SIGNAL).catch(() => {});
}

/** {shown: an alertdialog is there, modal: a <dialog open> is left in the page (it is inert)}. */
async function warningState(tab) {
  const { root } = await tab.cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const modal = Boolean(walk(root, (node) => node.nodeName === 'DIALOG' && attribute(node, 'open') !== null));
  if (walk(root, (node) => attribute(node, 'role') === 'alertdialog')) return { shown: true, modal };
  for (const frame of extensionFrames(tab)) {
    if (await frame.evaluate(() => document.querySelector('[role="alertdialog"]') !== null).catch(() => false)) return { shown: true, modal };
  }
  return { shown: false, modal };
}

/** Until a warning is shown, or (SHOWN false) until it is gone and the page no longer inert. */
async function waitWarning(tab, shown, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await warningState(tab);
    if (shown ? state.shown : !state.shown && !state.modal) return;
    if (Date.now() > deadline) throw new Error(shown ? 'no warning was shown' : 'the warning did not go away');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * When the warning was shown after absolute time T: the latest document's first signal, and
 * the page's and the frames' own (a warning in a frame: the page sees the dialog open, the
 * frame its content drawn).
 */
async function warningTime(tab, t) {
  const page = await tab.page.evaluate((after) => window.__benchWarning.firstAfter(after), t);
  const frames = [];
  for (const frame of extensionFrames(tab)) {
    frames.push(await frame.evaluate((after) => window.__benchWarning?.firstAfter(after) ?? null, t).catch(() => null));
  }
  const found = [page, ...frames].filter((at) => at !== null);
  const frame = frames.filter((at) => at !== null);
  return { at: found.length ? Math.max(...found) : null, page, frame: frame.length ? Math.max(...frame) : null };
}

// The page side of every sample, in absolute time (performance.timeOrigin + now): when the
// pointer went down and up, and when the page's own click handler (bubble phase, on the
// document) ran and whether that click was trusted.
const RECORDER = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const state = { press: null, release: null, click: null };
  let wake = null;
  const poke = () => { if (wake) wake(); };
  window.addEventListener('pointerdown', () => { state.press = now(); }, true);
  window.addEventListener('pointerup', () => { state.release = now(); }, true);
  document.addEventListener('click', (event) => {
    if (!state.click && event.target.closest && event.target.closest('${LIKE}')) {
      state.click = { at: now(), trusted: event.isTrusted };
      poke();
    }
  });
  ${WARNING_SIGNAL};
  window.__benchOnWarning = () => { state.warned = true; poke(); };
  window.__bench = {
    arm() { state.press = state.release = state.click = null; state.warned = false; },
    add(where, html) { document.getElementById(where).insertAdjacentHTML('afterbegin', html); },
    remove(id) { document.getElementById(id)?.remove(); },
    // Resolves once the page's handler ran, or (WHAT 'warning') the page saw a warning signal.
    until(what, timeoutMs) {
      const ready = () => state.click !== null || (what === 'warning' && state.warned);
      return new Promise((resolve) => {
        const done = () => { wake = null; clearTimeout(timer); resolve({ ...state }); };
        const timer = setTimeout(done, timeoutMs);
        if (ready()) done(); else wake = () => { if (ready()) done(); };
      });
    },
  };
})()`;

async function openPage(browser, label) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(`${label}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/favicon\.ico$/.test(message.location()?.url ?? '')) errors.push(`${label} console: ${message.text()}`);
  });
  await page.setViewport({ width: 1000, height: 800 });
  await page.goto(PAGE_URL, { waitUntil: 'load' });
  await page.evaluate(RECORDER);
  const cdp = await page.createCDPSession();
  return { page, cdp, errors };
}

function failure(tab, what) {
  const errors = tab.errors.length ? `; errors in the page: ${tab.errors.slice(-3).join(' | ')}` : '';
  return new Error(`${what}${errors}`);
}

/**
 * One trusted click on SELECTOR; resolves with the page's record once WHAT ('click': the page's
 * handler ran; 'warning': a warning is shown) happened, or with record.problem saying what
 * went wrong instead: 'lost' (no click reached the page), 'leaked' (a click on a listed
 * account reached it), 'no-warning'.
 */
async function click(tab, selector, what, point = null) {
  if (what === 'warning') await watchFrames(tab);
  await tab.page.evaluate(() => window.__bench.arm());
  if (point) await tab.page.mouse.click(point.x, point.y);
  else await tab.page.click(selector);
  const record = await tab.page.evaluate((w) => window.__bench.until(w, 3000), what);
  if (what === 'click' && !record.click) return { ...record, problem: 'lost' };
  if (what === 'warning') {
    if (record.click) return { ...record, problem: 'leaked' };
    if (!await waitWarning(tab, true).then(() => true, () => false)) {
      if (options.keep) await tab.page.screenshot({ path: path.join(scratch, `no-warning-${Date.now()}.png`) });
      return { ...record, problem: 'no-warning' };
    }
    record.parts = await warningTime(tab, record.release);
    record.warning = record.parts.at;
    if (record.warning === null) throw failure(tab, `a warning was shown after ${selector}, but no signal was seen`);
  }
  return record;
}

/**
 * Batalkan by Escape; done once no warning is shown, no modal dialog is left open, and the
 * page has drawn two frames since: until it draws, the browser still routes the pointer by
 * the old hit-test data, to the warning's frame if it was one, and the next click is lost.
 */
async function dismissWarning(tab) {
  await tab.page.keyboard.press('Escape');
  await waitWarning(tab, false);
  await tab.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

const sleep = (msec) => new Promise((resolve) => setTimeout(resolve, msec));

// ---- set-up ----

function floorExtension(dir) {
  fs.cpSync(path.join(benchDir, 'lib/floor-extension'), dir, { recursive: true });
  const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  manifest.key = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** Chromium as chromium.js starts it, without any extension. */
async function launchBare(profileDir, port) {
  const rules = [...SITE_HOSTS.flatMap((host) => [`MAP ${host} 127.0.0.1:${port}`, `MAP *.${host} 127.0.0.1:${port}`]),
    'MAP * ~NOTFOUND', 'EXCLUDE 127.0.0.1'].join(', ');
  return puppeteer.launch({
    executablePath: chromiumWrapper, headless: true, pipe: true, userDataDir: profileDir,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--ignore-certificate-errors',
      `--host-resolver-rules=${rules}`, '--lang=id', '--window-size=1280,900'],
  });
}

function hostWrapper(hostBin, config, data) {
  const wrapper = path.join(scratch, 'netral-host-wrapper.sh');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexport NETRAL_CONFIG_DIR='${config}'\nexport NETRAL_DATA_DIR='${data}'\nexec '${hostBin}' "$@"\n`, { mode: 0o755 });
  return wrapper;
}

async function measureClicks() {
  let hostBin;
  let source = options.source ?? repoRoot;
  let config = options.config;
  let data = options.data;
  if (options.host) {
    hostBin = options.host;
  } else {
    const built = ensureBuild({ buildDir: options.build, rev: options.rev, scratch });
    hostBin = built.host;
    source = built.source;
    if (!config || !data) {
      log(`making, signing and importing a ${ENTRIES.toLocaleString('en')}-entry list`);
      const keys = makeKeys(built.netral, scratch);
      const list = makeSignedList(built.netral, keys, ENTRIES, path.join(scratch, 'list.jsonl'));
      ({ config, data } = install(built.netral, keys.config, path.join(scratch, 'data'), list));
      fs.rmSync(list);
    }
  }
  const echoHost = compile('echo-host', scratch);
  const { build: buildExtension } = await import(pathToFileURL(path.join(source, 'extension/tools/build.mjs')).href);
  const extensions = buildExtension(path.join(scratch, 'extension'));
  const floorDir = floorExtension(path.join(scratch, 'floor-extension'));

  const server = await startFixtureServer(makeCertificate(scratch, SITE_HOSTS));
  cleanups.push(() => server.close());
  server.addPage(PAGE_URL, fs.readFileSync(path.join(benchDir, 'lib/x-bench.html'), 'utf8'));

  log(`starting three Chromiums (taskset -c ${CHROMIUM_CPUS}): Netral, floor, bare`);
  const netral = await launchChromium({
    extensionDir: extensions.chromium, profileDir: path.join(scratch, 'profile-netral'),
    port: server.port, hostWrapper: hostWrapper(hostBin, config, data),
  });
  cleanups.push(() => netral.browser.close());
  const floor = await launchChromium({
    extensionDir: floorDir, profileDir: path.join(scratch, 'profile-floor'), port: server.port, hostWrapper: echoHost,
  });
  cleanups.push(() => floor.browser.close());
  const bare = await launchBare(path.join(scratch, 'profile-bare'), server.port);
  cleanups.push(() => bare.close());

  const tabs = {
    netral: await openPage(netral.browser, 'Netral'), floor: await openPage(floor.browser, 'floor'), bare: await openPage(bare, 'bare'),
  };
  // Posts that have been on the page a while: their verdicts are pre-resolved by then.
  await tabs.netral.page.evaluate((a, b) => { window.__bench.add('resident', a); window.__bench.add('resident', b); },
    postHtml('resident-listed', 'bench0'), postHtml('resident-clear', 'resident_clear'));
  for (const tab of [tabs.floor, tabs.bare]) {
    await tab.page.evaluate((html) => window.__bench.add('resident', html), postHtml('resident-clear', 'resident_clear'));
  }
  await sleep(1500);

  // Fresh accounts for every "not known yet" sample: listed ones are entries 6k (on platform x).
  const used = new Set([0]);
  const freshListed = () => {
    for (;;) {
      const k = 6 * (1 + Math.floor(Math.random() * (Math.floor(ENTRIES / 6) - 1)));
      if (!used.has(k)) { used.add(k); return `bench${k}`; }
    }
  };
  let freshCount = 0;
  const freshClear = () => `fresh${freshCount++}`;

  const samples = {
    a: [], aRelease: [], bare: [], bareRelease: [], b: [], c: [], d: [], floorClick: [], floorRtt: [],
    cPage: [], cFrame: [], dPage: [], dFrame: [],   // a warning in a frame: dialog open (page), drawn (frame)
  };
  const keepParts = (name, r) => {
    if (r.parts.page !== null && r.parts.frame !== null) {
      samples[`${name}Page`].push(r.parts.page - r.release);
      samples[`${name}Frame`].push(r.parts.frame - r.release);
    }
  };
  const checks = { aHeld: 0, bHeld: 0, bKnown: 0 };

  // A post that appears and is clicked at once: inserted, then clicked where its like button
  // will be (measured once here), with no look-up in between. Puppeteer's page.click would
  // first spend some milliseconds finding the button, time a pre-resolve could use.
  await tabs.netral.page.evaluate((html) => window.__bench.add('fresh', html), postHtml('fresh-post', 'resident_clear'));
  const box = await (await tabs.netral.page.$(`#fresh-post ${LIKE}`)).boundingBox();
  await tabs.netral.page.evaluate(() => window.__bench.remove('fresh-post'));
  const freshPoint = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  async function freshClick(tab, handle, what) {
    await tab.page.evaluate((html) => window.__bench.add('fresh', html), postHtml('fresh-post', handle));
    return click(tab, `#fresh-post ${LIKE}`, what, freshPoint);
  }

  // What went wrong, per measure and kind; a run with too many problems stops.
  const problems = {};
  function trouble(measure, record, tab) {
    if (!record.problem) return false;
    const key = `${measure} ${record.problem}`;
    problems[key] = (problems[key] || 0) + 1;
    const total = Object.values(problems).reduce((sum, n) => sum + n, 0);
    if (total > Math.max(5, ROUNDS / 10)) throw failure(tab, `too many failed clicks: ${JSON.stringify(problems)}`);
    return true;
  }

  const steps = {
    async a(keep) {
      const r = await click(tabs.netral, `#resident-clear ${LIKE}`, 'click');
      if (trouble('a', r, tabs.netral)) return;
      if (!r.click.trusted) checks.aHeld++;
      if (keep) { samples.a.push(r.click.at - r.press); samples.aRelease.push(r.click.at - r.release); }
    },
    async bare(keep) {
      const r = await click(tabs.bare, `#resident-clear ${LIKE}`, 'click');
      if (trouble('bare', r, tabs.bare)) return;
      if (keep) { samples.bare.push(r.click.at - r.press); samples.bareRelease.push(r.click.at - r.release); }
    },
    async b(keep) {
      const r = await freshClick(tabs.netral, freshClear(), 'click');
      if (!trouble('b', r, tabs.netral)) {
        if (r.click.trusted) checks.bKnown++;   // the verdict came before the click: not held
        else checks.bHeld++;
        if (keep) samples.b.push(r.click.at - r.release);
      }
      await tabs.netral.page.evaluate(() => window.__bench.remove('fresh-post'));
      await sleep(SETTLE_MS);
    },
    async floor(keep) {
      const r = await click(tabs.floor, `#resident-clear ${LIKE}`, 'click');
      if (trouble('floor', r, tabs.floor)) return;
      if (keep) samples.floorClick.push(r.click.at - r.release);
    },
    async c(keep) {
      const r = await click(tabs.netral, `#resident-listed ${LIKE}`, 'warning');
      if (!trouble('c', r, tabs.netral) && keep) { samples.c.push(r.warning - r.release); keepParts('c', r); }
      await dismissWarning(tabs.netral);
    },
    async d(keep) {
      const r = await freshClick(tabs.netral, freshListed(), 'warning');
      if (!trouble('d', r, tabs.netral) && keep) { samples.d.push(r.warning - r.release); keepParts('d', r); }
      await dismissWarning(tabs.netral);
      await tabs.netral.page.evaluate(() => window.__bench.remove('fresh-post'));
      await sleep(SETTLE_MS);
    },
    async floorRtt(keep) {
      const rtt = await tabs.floor.page.evaluate(() => new Promise((resolve) => {
        const html = document.documentElement;
        html.removeAttribute('data-floor-rtt');
        new MutationObserver((_, observer) => {
          observer.disconnect();
          resolve(JSON.parse(html.getAttribute('data-floor-rtt')));
        }).observe(html, { attributes: true, attributeFilter: ['data-floor-rtt'] });
        document.dispatchEvent(new CustomEvent('bench-floor-rtt', { detail: 5 }));
      }));
      if (keep) samples.floorRtt.push(...rtt);
    },
  };

  if (options.steps) {   // a subset, for investigating one measure
    for (const name of Object.keys(steps)) if (!options.steps.split(',').includes(name)) delete steps[name];
  }
  log(`${WARMUP} warm-up rounds, then ${ROUNDS} rounds of: ${Object.keys(steps).join(', ')}`);
  const started = Date.now();
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    if (round === WARMUP && options.profile) {
      await tabs.netral.cdp.send('Profiler.enable');
      await tabs.netral.cdp.send('Profiler.setSamplingInterval', { interval: 50 });
      await tabs.netral.cdp.send('Profiler.start');
    }
    for (const step of Object.values(steps)) await step(round >= WARMUP);
    if (round > WARMUP && (round - WARMUP) % 50 === 0) log(`  round ${round - WARMUP}/${ROUNDS}`);
  }
  const seconds = (Date.now() - started) / 1000;
  if (options.profile) {
    const { profile } = await tabs.netral.cdp.send('Profiler.stop');
    fs.writeFileSync(options.profile, JSON.stringify(profile));
    log(`wrote the CPU profile of the Netral page (content scripts included) to ${options.profile}`);
  }
  const chromium = await netral.browser.version();
  await cleanup();

  const s = Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, summary(list)]));
  return {
    rounds: ROUNDS, entries: ENTRIES, chromiumCpus: CHROMIUM_CPUS, seconds, checks, problems,
    chromium,
    summary: s,
    samples: options.raw ? samples : undefined,
    added: { p50: s.a.p50 - s.bare.p50, releaseP50: s.aRelease.p50 - s.bareRelease.p50 },
  };
}

function printClicks(r) {
  const line = (label, x, extra = '') => `  ${label.padEnd(58)} p50 ${ms(x.p50).padStart(9)}  p99 ${ms(x.p99).padStart(9)}${extra}`;
  const out = [
    `Click path in ${r.chromium}, ${r.entries.toLocaleString('en')}-entry list, ${r.rounds} rounds (taskset -c ${r.chromiumCpus}):`,
    line('(a) unlisted, pre-resolved: press → handler, Netral', r.summary.a),
    line('    same page, Chromium without the extension', r.summary.bare),
    `  ${'    added by Netral (difference of the p50s)'.padEnd(58)} p50 ${ms(r.added.p50).padStart(9)}`,
    line('(b) unlisted, clicked as the post appears: release → handler', r.summary.b, `  (${(r.summary.b.p50 / r.summary.floorClick.p50).toFixed(2)}× floor)`),
    line('(c) listed, verdict known: release → warning', r.summary.c),
    line('(d) listed, verdict not known: release → warning', r.summary.d, `  (${(r.summary.d.p50 / r.summary.floorClick.p50).toFixed(2)}× floor)`),
    ...(r.summary.cFrame.n ? [
      line('    (c) of which: the page sees the dialog open', r.summary.cPage),
      line('    (c) of which: the warning frame has drawn it', r.summary.cFrame),
      line('    (d) of which: the page sees the dialog open', r.summary.dPage),
      line('    (d) of which: the warning frame has drawn it', r.summary.dFrame),
    ] : []),
    line('floor: hold, one round trip to the echo host, replay → handler', r.summary.floorClick),
    line('floor: content script → worker → echo host → content script', r.summary.floorRtt),
    `  (a) clicks held although pre-resolved: ${r.checks.aHeld} (should be 0); (b) held and replayed: ${r.checks.bHeld},`
      + ` not held (verdict known by the click): ${r.checks.bKnown}`,
    `  failed clicks (skipped): ${Object.entries(r.problems).map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'}`,
  ];
  return out.join('\n');
}

try {
  const result = await measureClicks();
  if (options.json) fs.writeFileSync(options.json, JSON.stringify(result, null, 2));
  console.log(printClicks(result));
} finally {
  await cleanup();
}
