#!/usr/bin/env node
// From publish to answering, over the web (issue 10), in headless Chromium with the real extension
// and host: a laptop holds list V (N entries); the authority publishes V+1 (K accounts replaced)
// to a local HTTPS mirror (gzip, ETag, as a static server); measured, each round:
//   publish   `netral publish` of V+1 (the authority's machine; one delta, -k 1)
//   fetch     the popup's "Check now" → the worker fetches the index, offers it to the host,
//             fetches the delta and streams it, commits (what an alarm runs)
//   install   `netral update --spool` (what the path unit runs) by that delta
//   reference the same files fetched by a plain page in the same browser (the browser's own cost)
// then once with no delta that fits (the full list over the web). The alarm itself is not waited
// for (its shortest interval is 15 minutes); "Check now" runs the same code.
// Usage: node bench/web-update.mjs [--quick] [--entries N] [--changed K] [--rounds R] [--json FILE]
//          [--build DIR | --netral BIN --host BIN] [--keep]
// Needs root: the mirror is named by a managed policy in /etc/chromium/policies/managed.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ensureBuild, hostEnv, install, log, makeKeys, makeScratch, makeSignedList, ms, parseArgs, run,
} from './lib/common.mjs';

const options = parseArgs(process.argv.slice(2), ['quick', 'keep']);
const quick = Boolean(options.quick);
const ENTRIES = Number(options.entries ?? (quick ? 100_000 : 1_000_000));
const CHANGED = Number(options.changed ?? 1000);
const ROUNDS = Number(options.rounds ?? (quick ? 2 : 3));

const { extensionIdFromKey, launchChromium } = await import('../tests/e2e/lib/chromium.js');
const { startFixtureServer } = await import('../tests/e2e/lib/fixture-server.js');
const { makeCertificate, trustInBrowserHome } = await import('../tests/e2e/lib/certificate.js');
const { startMirror } = await import('../tests/e2e/lib/mirror-server.js');
const { canWriteChromiumPolicy, setChromiumPolicy, waitForManagedPolicy } = await import('../tests/e2e/lib/policy.js');
const { build } = await import('../extension/tools/build.mjs');

const scratch = makeScratch();
const cleanups = [];
async function cleanup() {
  while (cleanups.length) await Promise.resolve().then(cleanups.pop()).catch(() => {});
  if (!options.keep) fs.rmSync(scratch, { recursive: true, force: true });
}

const elapsed = async (fn) => {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
};

async function main() {
  if (!canWriteChromiumPolicy()) throw new Error('needs root (a managed policy names the mirror)');
  const tools = options.netral && options.host ? { netral: path.resolve(options.netral), host: path.resolve(options.host) }
    : ensureBuild({ buildDir: options.build, scratch });
  const keys = makeKeys(tools.netral, scratch);
  const data = path.join(scratch, 'data');
  const env = hostEnv(keys.config, data);
  const repo = path.join(scratch, 'repo');
  const lists = [];
  log(`web update: ${ENTRIES} entries, ${CHANGED} accounts replaced a day, ${ROUNDS} rounds`);
  // Versions alternate between the base accounts and K of them replaced: each delta is a day's.
  const listOf = (version) => {
    lists[version] ??= makeSignedList(tools.netral, keys, ENTRIES, path.join(scratch, `list-${version}.jsonl`), version,
      { changed: version % 2 === 0 ? CHANGED : 0 });
    return lists[version];
  };
  install(tools.netral, keys.config, data, listOf(1));
  run(tools.netral, ['publish', repo, listOf(1), '-s', keys.key, '-W', '-k', '1'], { env });

  const certDir = path.join(scratch, 'cert');
  fs.mkdirSync(certDir);
  const certificate = makeCertificate(certDir, ['netral-mirror.test']);
  const mirror = await startMirror(certificate, repo);
  cleanups.push(() => mirror.close());
  const fixtures = await startFixtureServer(certificate);   // the host resolver rules need a port
  cleanups.push(() => fixtures.close());

  const extension = build(path.join(scratch, 'extension'));
  const wrapper = path.join(scratch, 'host.sh');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexport NETRAL_CONFIG_DIR='${keys.config}'\nexport NETRAL_DATA_DIR='${data}'\nexec '${tools.host}' "$@"\n`, { mode: 0o755 });
  const manifest = JSON.parse(fs.readFileSync(path.join(extension.chromium, 'manifest.json'), 'utf8'));
  const policy = { listUrl: [mirror.url], updateIntervalMinutes: 10080 };
  cleanups.push(setChromiumPolicy(extensionIdFromKey(manifest.key), policy));
  // The browser trusts the mirror's certificate, so that its HTTP cache works as on a laptop.
  const home = path.join(scratch, 'home');
  trustInBrowserHome(home, certDir);
  const chromium = await launchChromium({
    extensionDir: extension.chromium, profileDir: path.join(scratch, 'profile'), port: fixtures.port,
    hostWrapper: wrapper, extraEnv: { HOME: home },
  });
  cleanups.push(() => chromium.browser.close());
  await waitForManagedPolicy(chromium.browser, chromium.extensionId, policy);
  const popup = await chromium.browser.newPage();
  await popup.goto(`chrome-extension://${chromium.extensionId}/src/popup/popup.html`);
  const plain = await chromium.browser.newPage();
  await plain.goto(`${mirror.url}blank`);   // a page (404) of the mirror's origin, for the reference fetches

  const checkNow = async () => {
    await popup.bringToFront();
    await popup.reload();
    await popup.waitForSelector('#check-now', { visible: true });
    // Timed in the popup, from the press to the run's end (the button is disabled meanwhile).
    return popup.evaluate(() => new Promise((resolve) => {
      const button = document.getElementById('check-now');
      const start = performance.now();
      const done = () => !button.disabled
        && resolve({ ms: performance.now() - start, text: document.getElementById('web-facts').innerText });
      new MutationObserver(done).observe(button, { attributes: true });
      button.click();
    }));
  };
  const plainFetch = async (names) => {
    await plain.bringToFront();
    return plain.evaluate(async (files) => {
    const start = performance.now();
      for (const name of files) await (await fetch(name, { cache: 'no-store' })).arrayBuffer();
      return performance.now() - start;
    }, names);
  };
  const updateSpool = () => JSON.parse(run(tools.netral, ['update', '--spool', '--json'], { env }));

  const rounds = [];
  let version = 1;
  for (let r = 0; r < ROUNDS; r += 1) {
    version += 1;
    const publish = await elapsed(() => run(tools.netral, ['publish', repo, listOf(version), '-s', keys.key, '-W', '-k', '1'], { env }));
    mirror.log.length = 0;
    const fetched = await checkNow();
    if (!/new list received|daftar baru/i.test(fetched.text)) throw new Error(`round ${r}: ${fetched.text}`);
    const served = mirror.log.filter((entry) => entry.status === 200);
    const deltaName = `delta-${version - 1}-${version}.jsonl`;
    if (!served.some((entry) => entry.name === deltaName)) throw new Error(`round ${r}: no delta fetched: ${JSON.stringify(served)}`);
    const installed = await elapsed(updateSpool);
    if (installed.value.via !== 'delta') throw new Error(`round ${r}: ${JSON.stringify(installed.value)}`);
    const reference = await plainFetch(['index.json', 'index.json.minisig', deltaName, `${deltaName}.minisig`]);
    rounds.push({
      publish: publish.ms, fetch: fetched.ms, install: installed.ms, reference,
      wire: served.reduce((sum, entry) => sum + entry.bytes, 0),
      files: served.reduce((sum, entry) => sum + fs.statSync(path.join(repo, entry.name)).size, 0),
    });
    log(`  round ${r + 1}: publish ${ms(publish.ms)}, fetch ${ms(fetched.ms)} (plain page ${ms(reference)}), install ${ms(installed.ms)}`);
  }
  // No delta that fits: a laptop further behind than the repository keeps deltas for.
  version += 1;
  run(tools.netral, ['publish', repo, listOf(version), '-s', keys.key, '-W', '-k', '0'], { env });
  mirror.log.length = 0;
  const full = await checkNow();
  const fullServed = mirror.log.filter((entry) => entry.status === 200);
  const fullInstall = await elapsed(updateSpool);
  if (fullInstall.value.via !== 'full') throw new Error(`full: ${JSON.stringify(fullInstall.value)}`);
  const fullReference = await plainFetch(['index.json', 'index.json.minisig', `list-${version}.jsonl`, `list-${version}.jsonl.minisig`]);
  const fullList = fs.statSync(path.join(repo, `list-${version}.jsonl`)).size;
  log(`  full list: fetch ${ms(full.ms)} (plain page ${ms(fullReference)}), install ${ms(fullInstall.ms)}`);

  const best = (key) => Math.min(...rounds.map((round) => round[key]));
  const result = {
    entries: ENTRIES, changes: CHANGED, rounds: rounds.length, chromium: await chromium.browser.version(),
    delta: {
      publish: best('publish'), fetch: best('fetch'), install: best('install'), reference: best('reference'),
      wireBytes: rounds[0].wire, fileBytes: rounds[0].files,
      publishToAnswer: Math.min(...rounds.map((round) => round.fetch + round.install)),
    },
    full: {
      fetch: full.ms, install: fullInstall.ms, reference: fullReference, listBytes: fullList,
      wireBytes: fullServed.reduce((sum, entry) => sum + entry.bytes, 0),
    },
  };
  if (options.json) fs.writeFileSync(options.json, JSON.stringify(result, null, 2));
  else console.log(JSON.stringify(result, null, 2));
}

try {
  await main();
} finally {
  await cleanup();
}
