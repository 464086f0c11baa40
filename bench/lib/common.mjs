// What bench/run and bench/browser-click.mjs share: the build, the scratch directory, the
// helper programs, lists signed and installed with the real CLI, and statistics.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(benchDir, '..');

/** --name VALUE and --flag options; the rest is returned in `_`. */
export function parseArgs(argv, flags = []) {
  const options = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) options._.push(arg);
    else if (flags.includes(arg.slice(2))) options[arg.slice(2)] = true;
    else options[arg.slice(2)] = argv[++i];
  }
  return options;
}

export function log(...parts) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${parts.join(' ')}\n`);
}

/** Runs a command; its output is shown only when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `status ${result.status}`}):\n`
      + `${result.stdout ?? ''}${result.stderr ?? ''}`);
  }
  return result.stdout;
}

/**
 * A Release build of the two programs in BUILD_DIR (default build-bench/ beside the sources).
 * With REV, the sources are that git revision (git archive into SCRATCH), not the work tree.
 */
export function ensureBuild({ buildDir, rev, scratch }) {
  let source = repoRoot;
  if (rev) {
    source = path.join(scratch, 'source');
    fs.mkdirSync(source, { recursive: true });
    execFileSync('sh', ['-c', 'git -C "$1" archive "$2" | tar -x -C "$3"', 'sh', repoRoot, rev, source]);
    buildDir = path.join(scratch, 'build');
  }
  buildDir = path.resolve(buildDir || path.join(repoRoot, 'build-bench'));
  log(`building the host (Release) in ${buildDir}${rev ? ` from ${rev}` : ''}`);
  run('cmake', ['-S', source, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release']);
  run('cmake', ['--build', buildDir, '-j2', '--target', 'netral', 'netral-host']);
  return { netral: path.join(buildDir, 'host/netral'), host: path.join(buildDir, 'host/netral-host'), buildDir, source };
}

export function makeScratch() {
  return fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'netral-bench-'));
}

/** Compiles one of bench/lib's C helpers into DIR, linked with the pkg-config PACKAGES; returns
 * the program's path. */
export function compile(name, dir, packages = []) {
  const out = path.join(dir, name);
  const flags = packages.length
    ? execFileSync('pkg-config', ['--cflags', '--libs', ...packages], { encoding: 'utf8' }).trim().split(/\s+/) : [];
  run('cc', ['-O2', '-Wall', '-o', out, path.join(benchDir, 'lib', `${name}.c`), ...flags]);
  return out;
}

/** The CPU that measured processes are pinned to, and one for the rest when there are two. */
export function cpus() {
  const count = os.cpus().length;   // all of the machine's, whatever this process is pinned to
  return { measured: '0', other: count > 1 ? '1' : '0', count };
}

export function pinned(cpu, argv) {
  return ['taskset', '-c', cpu, ...argv];
}

/** A trusted key pair in SCRATCH/config/keys. */
export function makeKeys(netral, scratch) {
  const config = path.join(scratch, 'config');
  fs.mkdirSync(path.join(config, 'keys'), { recursive: true });
  const pub = path.join(config, 'keys', 'bench.pub');
  const key = path.join(scratch, 'bench.key');
  run(netral, ['keygen', '-W', '-f', '-p', pub, '-s', key]);
  return { config, pub, key };
}

/** A signed synthetic list of ENTRIES entries (bench/make-list.mjs --lean) at FILE; CHANGED: how
 * many entries have another account than in the other versions. */
export function makeSignedList(netral, keys, entries, file, version = 1, { changed = 0 } = {}) {
  const out = fs.openSync(file, 'w');
  try {
    execFileSync(process.execPath, [path.join(benchDir, 'make-list.mjs'), String(entries), String(version), '--lean',
      ...(changed ? ['--changed', String(changed)] : [])], { stdio: ['ignore', out, 'inherit'] });
  } finally {
    fs.closeSync(out);
  }
  run(netral, ['sign', '-W', '-s', keys.key, '-m', file, '-t', `bench list, ${entries} entries`]);
  return file;
}

export function hostEnv(config, data) {
  return { ...process.env, NETRAL_CONFIG_DIR: config, NETRAL_DATA_DIR: data };
}

/** `netral import` of LIST into a fresh DATA directory. */
export function install(netral, config, data, list) {
  fs.rmSync(data, { recursive: true, force: true });
  run(netral, ['import', list], { env: hostEnv(config, data) });
  return { config, data, database: path.join(data, 'netral.db') };
}

/** Nearest-rank percentiles and the mean of SAMPLES (milliseconds). */
export function summary(samples) {
  const sorted = Float64Array.from(samples).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  const mean = sorted.reduce((sum, v) => sum + v, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), min: sorted[0], max: sorted[sorted.length - 1], mean };
}

export function median(values) {
  return summary(values).p50;
}

/** A time given in milliseconds, with three significant digits: µs below 1 ms. */
export function ms(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 100) return `${value.toFixed(0)} ms`;
  if (abs >= 10) return `${value.toFixed(1)} ms`;
  if (abs >= 1) return `${value.toFixed(2)} ms`;
  const us = value * 1000;
  return `${Math.abs(us) >= 100 ? us.toFixed(0) : Math.abs(us) >= 10 ? us.toFixed(1) : us.toFixed(2)} µs`;
}

export function ratio(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value > 0 && value < 0.01 ? `${value.toPrecision(2)}×` : `${value.toFixed(2)}×`;   /* 0.0015×, not 0.00× */
}
