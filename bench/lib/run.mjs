// bench/run's body (bench/run pins it to CPU 1 and runs it): builds what it needs, measures
// the host beside its references, list size after list size, then the click path in Chromium
// (browser-click.mjs), prints the table and writes docs/benchmarks.md with its plot.
// --from RESULTS.json (from a run with --keep): only writes the report again.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  benchDir, compile, cpus, ensureBuild, hostEnv, log, makeKeys, makeScratch, makeSignedList, median,
  parseArgs, pinned, repoRoot, run, summary,
} from './common.mjs';
import { listToSqlite } from './list-to-sqlite.mjs';
import { growthSvg } from './plot.mjs';
import { goalsTable, writeReport } from './report.mjs';

const options = parseArgs(process.argv.slice(2), ['quick', 'no-browser', 'keep']);
const quick = Boolean(options.quick);
const plan = quick
  ? { sizes: [10_000, 1_000_000], checks: 3000, checkWarmup: 300, batches: 300, batchWarmup: 30,
      cold: 40, coldWarmup: 4, importRounds: 1, verifyRounds: 3, browserRounds: 40 }
  : { sizes: [10_000, 100_000, 1_000_000, 2_000_000], checks: 20_000, checkWarmup: 2000, batches: 2000,
      batchWarmup: 200, cold: 200, coldWarmup: 10, importRounds: 3, verifyRounds: 5, browserRounds: 300 };
if (options.sizes) plan.sizes = options.sizes.split(',').map(Number);
const MAIN = plan.sizes.includes(1_000_000) ? 1_000_000 : plan.sizes.at(-1);
const BATCH_ITEMS = 100;
const DAILY_CHANGES = 1000;   // accounts replaced in a day of a campaign (issue 10's benchmark)
const PLATFORMS = ['x', 'instagram', 'facebook', 'tiktok', 'youtube', 'threads'];
const CPU = cpus();
const ORIGIN = 'chrome-extension://agbjhpfjmmgmllicjnfkepfagmiajhfi/';
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const startedAt = new Date();
const scratch = makeScratch();
process.on('exit', () => { if (!options.keep) fs.rmSync(scratch, { recursive: true, force: true }); });
process.on('SIGINT', () => process.exit(130));

// ---- requests ----

// A seeded generator: the same requests in every run.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Item I of a request stream over a list of N entries: even I listed, odd I not. */
function item(next, n, i) {
  const k = Math.floor(next() * n);
  const index = i % 2 === 0 ? k : n + k;   // @bench<N+k> is in no list of N entries
  return { platform: PLATFORMS[index % 6], account: `@bench${index}` };
}

function frame(message) {
  const body = Buffer.from(JSON.stringify(message));
  const head = Buffer.alloc(4);
  head.writeUInt32LE(body.length);   // native byte order: little-endian here
  return Buffer.concat([head, body]);
}

function writeFrames(file, messages) {
  fs.writeFileSync(file, Buffer.concat(messages.map(frame)));
}

function checkRequests(n, count, seed) {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => ({ id: i + 1, type: 'check', ...item(next, n, i), action: 'like' }));
}

function batchRequests(n, count, seed) {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1, type: 'check_batch', items: Array.from({ length: BATCH_ITEMS }, (__, k) => item(next, n, k)),
  }));
}

// ---- the contenders ----

function hostsFile(file, hosts) {
  fs.writeFileSync(file, hosts.map((h) => [h.name, ...h.argv].join('\t')).join('\n') + '\n');
}

// DATABASE: the Python host's (the sqlite3 shell's import of the same list).
// N: the list's entries (the cJSON host answers from the account's number).
function contenders(tools, database, n, names = ['netral', 'echo', 'cjson', 'python']) {
  const all = {
    netral: { name: 'netral', argv: [tools.host, ORIGIN] },
    echo: { name: 'echo', argv: [tools.echo] },
    cjson: { name: 'cjson', argv: [tools.cjson, String(n)] },
    python: { name: 'python', argv: [PYTHON, path.join(benchDir, 'lib/python-host.py'), database] },
  };
  return names.map((name) => all[name]);
}

/** pipe-client MODE over HOSTS, pinned to the measured CPU; samples in ms per host. */
function pipeClient(tools, mode, hosts, input, count, env) {
  const dir = fs.mkdtempSync(path.join(scratch, `${mode}-`));
  hostsFile(path.join(dir, 'hosts.tsv'), hosts);
  const [command, ...args] = pinned(CPU.measured, [tools.client, mode, path.join(dir, 'hosts.tsv'), input, String(count), dir]);
  run(command, args, { env });
  const out = {};
  for (const h of hosts) {
    out[h.name] = fs.readFileSync(path.join(dir, `${h.name}.ns`), 'utf8').trim().split('\n').map((v) => Number(v) / 1e6);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

/**
 * Runs ARGV (pinned) through `pipe-client time`: {wall, user, sys, maxrss_kib, status}. The
 * file system is flushed first, untimed: an fsync in the run (netral import makes two) would
 * otherwise also write out what was written just before it (the list, a copied data directory).
 */
function timed(tools, argv, env = process.env) {
  run('sync', ['-f', scratch]);
  const out = path.join(scratch, 'time.json');
  run(tools.client, ['time', out, ...pinned(CPU.measured, argv)], { env });
  const result = JSON.parse(fs.readFileSync(out, 'utf8'));
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited with status ${result.status}`);
  return result;
}

/** Asks every host the same requests once, outside any timing: their verdicts must agree. */
async function agree(hosts, requests, env) {
  const replies = await Promise.all(hosts.map((h) => new Promise((resolve, reject) => {
    const child = spawn(h.argv[0], h.argv.slice(1), { env, stdio: ['pipe', 'pipe', 'inherit'] });
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.on('error', reject);
    child.on('close', () => {
      const data = Buffer.concat(chunks);
      const out = [];
      for (let at = 0; at + 4 <= data.length; at += 4 + data.readUInt32LE(at)) {
        out.push(JSON.parse(data.subarray(at + 4, at + 4 + data.readUInt32LE(at))));
      }
      resolve(out);
    });
    child.stdin.end(Buffer.concat(requests.map(frame)));
  })));
  const shape = (r) => JSON.stringify(r.results ? r.results.map(shape) : [r.verdict, r.account, r.entity ?? null]);
  const [first, ...others] = replies;
  if (first.length !== requests.length) throw new Error(`${hosts[0].name} answered ${first.length} of ${requests.length}`);
  others.forEach((list, h) => list.forEach((reply, i) => {
    if (shape(reply) !== shape(first[i])) {
      throw new Error(`${hosts[h + 1].name} and ${hosts[0].name} disagree on ${JSON.stringify(requests[i])}:\n`
        + `${JSON.stringify(reply)}\n${JSON.stringify(first[i])}`);
    }
  }));
  const listed = first.filter((r) => r.verdict === 'listed').length;
  if (listed === 0 || listed === first.length) throw new Error(`expected a mix of verdicts, got ${listed} listed`);
}

// ---- one list size ----

async function measureSize(tools, keys, n) {
  const label = n.toLocaleString('en');
  const dir = path.join(scratch, `size-${n}`);
  fs.mkdirSync(dir);
  log(`${label} entries: making and signing the list`);
  const list = makeSignedList(tools.netral, keys, n, path.join(dir, 'list.jsonl'));
  await listToSqlite(list, dir);
  const result = { entries: n, listBytes: fs.statSync(list).size };

  // 5. import: netral import into an empty data directory, and the sqlite3 shell, alternating
  log(`${label}: import ×${plan.importRounds} (netral, sqlite3 shell)`);
  const data = path.join(dir, 'data');
  const imports = { netral: [], sqlite3: [] };
  for (let r = 0; r < plan.importRounds; r++) {
    fs.rmSync(data, { recursive: true, force: true });
    imports.netral.push(timed(tools, [tools.netral, 'import', list], hostEnv(keys.config, data)));
    const db = path.join(dir, 'sqlite3.db');
    fs.rmSync(db, { force: true });
    imports.sqlite3.push(timed(tools, ['sqlite3', '-bail', db, `.read ${path.join(dir, 'import.sql')}`]));
  }
  // The last one stays: the Python host answers from it (account and entity tables, the schema
  // a plain host would use; netral's own keeps the accounts in sealed buckets).
  const referenceDatabase = path.join(dir, 'sqlite3.db');
  // Wall time: the best of the runs. These are fixed batch jobs; other work on the machine can
  // only add to them. CPU time: the median.
  const best = (runs) => Math.min(...runs.map((t) => t.wall));
  result.import = {
    netral: best(imports.netral),
    sqlite3: best(imports.sqlite3),
    netralRssKib: Math.max(...imports.netral.map((t) => t.maxrss_kib)),
    sqlite3RssKib: Math.max(...imports.sqlite3.map((t) => t.maxrss_kib)),
    netralCpu: median(imports.netral.map((t) => t.user + t.sys)),
    sqlite3Cpu: median(imports.sqlite3.map((t) => t.user + t.sys)),
  };
  const database = path.join(data, 'netral.db');
  result.databaseBytes = fs.statSync(database).size;

  // The same import over the installed list (a newer version), as IT's daily update does it.
  if (n === MAIN) {
    log(`${label}: import over an installed list ×${plan.importRounds}`);
    const v2 = makeSignedList(tools.netral, keys, n, path.join(dir, 'list-v2.jsonl'), 2);
    const replacing = [];
    for (let r = 0; r < plan.importRounds; r++) {
      const copy = `${data}-replace`;
      fs.rmSync(copy, { recursive: true, force: true });
      fs.cpSync(data, copy, { recursive: true });
      replacing.push(timed(tools, [tools.netral, 'import', v2], hostEnv(keys.config, copy)));
      fs.rmSync(copy, { recursive: true, force: true });
    }
    result.import.replacing = best(replacing);

    // 6. a day's update by file: the repository holds list 1 and list 3 (DAILY_CHANGES accounts
    // replaced) with the delta between them; `netral update --from` on a laptop at list 1.
    log(`${label}: publish lists 1 and 3 (${DAILY_CHANGES} accounts replaced); update by delta ×${plan.importRounds}`);
    const repo = path.join(dir, 'repo');
    const v3 = makeSignedList(tools.netral, keys, n, path.join(dir, 'list-v3.jsonl'), 3, { changed: DAILY_CHANGES });
    for (const file of [list, v3]) run(tools.netral, ['publish', repo, file, '-s', keys.key, '-i', keys.key, '-W']);
    const index = JSON.parse(fs.readFileSync(path.join(repo, 'index.json'), 'utf8'));
    const delta = index.deltas.find((d) => d.from === 1);
    if (!delta) throw new Error('netral publish wrote no delta from list 1');
    const updates = [];
    for (let r = 0; r < plan.importRounds; r++) {
      const copy = `${data}-update`;
      fs.rmSync(copy, { recursive: true, force: true });
      fs.cpSync(data, copy, { recursive: true });
      if (r === 0) {   // once, outside the timing: it must be the delta that is used
        const out = JSON.parse(run(tools.netral, ['update', '--from', repo, '--json'], { env: hostEnv(keys.config, copy) }));
        if (out.via !== 'delta' || out.version !== 3) throw new Error(`update did not apply the delta: ${JSON.stringify(out)}`);
        fs.rmSync(copy, { recursive: true, force: true });
        fs.cpSync(data, copy, { recursive: true });
      }
      updates.push(timed(tools, [tools.netral, 'update', '--from', repo], hostEnv(keys.config, copy)));
      fs.rmSync(copy, { recursive: true, force: true });
    }
    result.update = {
      changes: DAILY_CHANGES, deltaBytes: delta.size, fullBytes: index.list.size,
      delta: best(updates), deltaRssKib: Math.max(...updates.map((t) => t.maxrss_kib)),
    };
    fs.rmSync(repo, { recursive: true, force: true });
    fs.rmSync(v3, { force: true });
    fs.rmSync(`${v3}.minisig`, { force: true });
    fs.rmSync(v2);
    fs.rmSync(`${v2}.minisig`);
  }

  // 4. verify: netral verify and minisign -V, same file and signature, alternating
  log(`${label}: verify ×${plan.verifyRounds} (netral verify, minisign -V)`);
  const verifies = { netral: [], minisign: [] };
  for (let r = 0; r < plan.verifyRounds; r++) {
    verifies.netral.push(timed(tools, [tools.netral, 'verify', '-p', keys.pub, '-m', list, '-q']));
    verifies.minisign.push(timed(tools, ['minisign', '-V', '-p', keys.pub, '-m', list, '-q']));
  }
  const cpu = (runs) => median(runs.map((t) => t.user + t.sys));
  result.verify = {
    netral: best(verifies.netral), minisign: best(verifies.minisign),
    netralCpu: cpu(verifies.netral), minisignCpu: cpu(verifies.minisign),
  };

  const env = hostEnv(keys.config, data);
  const hosts = contenders(tools, referenceDatabase, n);
  await agree(hosts.filter((h) => h.name !== 'echo'), [...checkRequests(n, 40, 7), ...batchRequests(n, 2, 8)], env);

  // 1. check round trip over a persistent pipe
  log(`${label}: check ×${plan.checks} (+${plan.checkWarmup} warm-up) each, alternating netral, echo, cjson, python`);
  const checkFile = path.join(dir, 'check.frames');
  writeFrames(checkFile, checkRequests(n, plan.checkWarmup + plan.checks, 1));
  const checks = pipeClient(tools, 'rtt', hosts, checkFile, plan.checkWarmup, env);
  result.check = Object.fromEntries(Object.entries(checks).map(([name, s]) => [name, summary(s)]));
  // The same samples by verdict (requests at even positions are listed): the mix's p50 sits on
  // the boundary between the two groups, so each is reported too.
  const ofVerdict = (s, listed) => s.filter((_, j) => ((plan.checkWarmup + j) % 2 === 0) === listed);
  result.checkByVerdict = Object.fromEntries(Object.entries(checks).map(([name, s]) => [name, {
    listed: summary(ofVerdict(s, true)), clear: summary(ofVerdict(s, false)),
  }]));

  // 2. check_batch of 100 items
  log(`${label}: check_batch of ${BATCH_ITEMS} ×${plan.batches} each`);
  const batchFile = path.join(dir, 'batch.frames');
  writeFrames(batchFile, batchRequests(n, plan.batchWarmup + plan.batches, 2));
  const batches = pipeClient(tools, 'rtt', hosts, batchFile, plan.batchWarmup, env);
  result.batch = Object.fromEntries(Object.entries(batches).map(([name, s]) => [name, summary(s)]));

  // 3. cold start: spawn, one check, reply
  log(`${label}: cold start ×${plan.cold} each`);
  const coldFile = path.join(dir, 'cold.frame');
  writeFrames(coldFile, [{ id: 1, type: 'check', platform: 'x', account: '@bench6', action: 'like' }]);
  const colds = pipeClient(tools, 'cold', hosts, coldFile, plan.cold + plan.coldWarmup, env);
  result.cold = Object.fromEntries(Object.entries(colds).map(([name, s]) => [name, summary(s.slice(plan.coldWarmup))]));

  for (const file of fs.readdirSync(dir)) {
    if (file !== 'data') fs.rmSync(path.join(dir, file), { recursive: true, force: true });
  }
  if (n !== MAIN) fs.rmSync(data, { recursive: true, force: true });
  return { result, install: { config: keys.config, data } };
}

// ---- the machine ----

function describeMachine(tools) {
  const read = (file) => { try { return fs.readFileSync(file, 'utf8'); } catch { return ''; } };
  const git = (...args) => spawnSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8' }).stdout.trim();
  const dirty = git('status', '--porcelain', '--', 'host', 'extension', 'CMakeLists.txt');
  const version = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' }).stdout.split('\n')[0].trim();
  return {
    date: startedAt.toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: options.rev ? `${git('rev-parse', '--short', options.rev)} (--rev ${options.rev})` : git('rev-parse', '--short', 'HEAD'),
    dirty: options.rev ? '' : dirty,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: CPU.count,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: os.release(),
    system: (/PRETTY_NAME="([^"]+)"/.exec(read('/etc/os-release')) || [])[1] ?? os.type(),
    node: process.version,
    sqlite: version('sqlite3', ['--version']).split(' ')[0],
    minisign: version('minisign', ['-v']),
    python: version(PYTHON, ['--version']),
    build: tools.buildDir,
    load: os.loadavg()[0],   // 1-minute load average as the run starts (the machine is shared)
  };
}

// ---- main ----

function report(results) {
  const main = results.sizes.find((s) => s.entries === results.plan.main);
  const m = results.machine;
  console.log(`\nNetral benchmarks, ${m.date}, commit ${m.commit}${m.dirty ? ' + uncommitted changes' : ''}`
    + `, ${results.plan.main.toLocaleString('en')}-entry list${results.plan.quick ? ' (quick run)' : ''}\n`);
  console.log(goalsTable(main, results.sizes, results.browser, 'text', results.web, results.marks));
  fs.writeFileSync(path.join(repoRoot, 'docs/benchmarks-growth.svg'), growthSvg(results.sizes));
  writeReport(path.join(repoRoot, 'docs/benchmarks.md'), results);
}

async function main() {
  if (options.from) {   // only the report again, from a kept run's results.json
    report(JSON.parse(fs.readFileSync(options.from, 'utf8')));
    return;
  }
  const built = ensureBuild({ buildDir: options.build, rev: options.rev, scratch });
  const tools = {
    ...built, echo: compile('echo-host', scratch), cjson: compile('cjson-host', scratch, ['libcjson']),
    client: compile('pipe-client', scratch),
  };
  const machine = describeMachine(tools);
  const keys = makeKeys(tools.netral, scratch);
  const sizes = [];
  let mainInstall = null;
  for (const n of plan.sizes) {
    const { result, install } = await measureSize(tools, keys, n);
    sizes.push(result);
    if (n === MAIN) mainInstall = install;
  }

  let browser = null;
  if (!options['no-browser']) {
    const json = path.join(scratch, 'clicks.json');
    log('the click path in Chromium (bench/browser-click.mjs)');
    const child = spawnSync(process.execPath, [path.join(benchDir, 'browser-click.mjs'),
      '--host', tools.host, '--source', tools.source, '--config', mainInstall.config, '--data', mainInstall.data,
      '--entries', String(MAIN), '--rounds', String(plan.browserRounds), '--json', json, ...(quick ? ['--quick'] : [])],
    { stdio: ['ignore', 'inherit', 'inherit'] });
    browser = child.status === 0 ? JSON.parse(fs.readFileSync(json, 'utf8'))
      : { error: `browser-click.mjs exited with status ${child.status ?? child.signal}` };
  }

  let web = null;
  if (!options['no-browser']) {
    const json = path.join(scratch, 'web-update.json');
    log('lists over the web in Chromium (bench/web-update.mjs)');
    const child = spawnSync(process.execPath, [path.join(benchDir, 'web-update.mjs'), '--netral', tools.netral, '--host', tools.host,
      '--entries', String(MAIN), '--json', json, ...(quick ? ['--quick'] : [])], { stdio: ['ignore', 'inherit', 'inherit'] });
    web = child.status === 0 ? JSON.parse(fs.readFileSync(json, 'utf8'))
      : { error: `web-update.mjs exited with status ${child.status ?? child.signal} (it needs root: a managed policy)` };
  }

  let marks = null;
  if (!options['no-browser']) {
    const json = path.join(scratch, 'marks.json');
    log('marks on a Following list in Chromium (bench/marks.mjs)');
    const child = spawnSync(process.execPath, [path.join(benchDir, 'marks.mjs'), '--build', tools.buildDir, '--json', json,
      ...(quick ? ['--rows', '1000'] : [])], { stdio: ['ignore', 'inherit', 'inherit'] });
    marks = child.status === 0 ? JSON.parse(fs.readFileSync(json, 'utf8'))
      : { error: `marks.mjs exited with status ${child.status ?? child.signal}` };
  }

  const finishedAt = new Date();
  machine.loadAtEnd = os.loadavg()[0];
  const results = {
    machine, plan: { ...plan, main: MAIN, quick, batchItems: BATCH_ITEMS },
    minutes: (finishedAt - startedAt) / 60000, sizes, browser, web, marks,
  };
  report(results);
  if (options.keep) fs.writeFileSync(path.join(scratch, 'results.json'), JSON.stringify(results, null, 2));
  log(`wrote docs/benchmarks.md and docs/benchmarks-growth.svg in ${results.minutes.toFixed(1)} min`
    + `${options.keep ? `; kept ${scratch}` : ''}`);
}

await main();
