// Helpers for the black-box tests of the built binaries (netral-host and netral).
// Only Node built-ins: these tests run where the host is built, without npm.
//
// Every test gets a sandbox: fresh NETRAL_CONFIG_DIR (with keys/*.pub) and NETRAL_DATA_DIR under a
// temporary directory, removed when the test ends; its hosts are killed then, any other child at exit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = path.resolve(here, '..', '..');
export const BUILD_DIR = path.resolve(process.env.NETRAL_BUILD_DIR || path.join(SOURCE_DIR, 'build'));
export const HOST_BIN = path.join(BUILD_DIR, 'host', 'netral-host');
export const CLI_BIN = path.join(BUILD_DIR, 'host', 'netral');
export const MINISIGN_BIN = process.env.MINISIGN || '/usr/bin/minisign';
for (const bin of [HOST_BIN, CLI_BIN]) {
  assert.ok(fs.existsSync(bin), `${bin} is missing: build first, or set NETRAL_BUILD_DIR`);
}

// ---- the limits the host promises, read from its one header (host/src/netral_limits.h) so the
// tests follow it ----

function readLimits() {
  const candidates = ['netral_limits.h', 'limits.h'].map((n) => path.join(SOURCE_DIR, 'host', 'src', n));
  const header = candidates.find((p) => fs.existsSync(p));
  assert.ok(header, `the host's limits header should be one of ${candidates.join(', ')}`);
  const text = fs.readFileSync(header, 'utf8');
  const limits = {};
  for (const m of text.matchAll(/^#define\s+(\w+)\s+(.+?)\s*(?:\/\*.*)?$/gm)) {
    const expr = m[2].replace(/(\d+)u\b/g, '$1');
    if (!/^[\d\s()*+]+$/.test(expr)) continue;
    limits[m[1]] = Function(`"use strict"; return (${expr});`)();
  }
  return limits;
}
export const LIMITS = readLimits();
for (const name of ['MAX_REQUEST_BYTES', 'MAX_REPLY_BYTES', 'MAX_BATCH_ITEMS', 'MAX_ID_BYTES', 'MAX_LIST_LINE_BYTES',
  'MAX_ACCOUNT_INPUT_BYTES', 'MAX_ENTITY_FIELD_BYTES']) {
  assert.ok(Number.isInteger(LIMITS[name]), `limits.h should define ${name}`);
}

// Exit statuses of the CLI (`netral --help`).
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, LISTED: 3, UNKNOWN: 4 };

// A generous bound for one reply or one command: a guard that turns a hang into a failure,
// never a way to wait for something.
export const GUARD_MS = 60_000;

export { DEFAULT_ELECTION, contentDigest, defaultEntries, encodeFrame, FrameDecoder, lengthPrefix, listText } from './format.mjs';
import { DEFAULT_ELECTION, encodeFrame, FrameDecoder, listText } from './format.mjs';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function parseReplyFrame(bytes) {
  const text = strictUtf8.decode(bytes);   // throws on invalid UTF-8
  return JSON.parse(text);
}

// ---- processes ----

const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function track(child) {
  children.add(child);
  child.on('close', () => children.delete(child));
  return child;
}

function baseEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('NETRAL_')) env[k] = v;
  return { ...env, ...extra };
}

// Runs a program to completion: { status, signal, stdout, stderr } (stdout and stderr as text).
// INPUT is written to its standard input, which is then closed (so a passphrase prompt sees EOF).
export function run(bin, args, { env, input, cwd, onSpawn } = {}) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(bin, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] }));
    const out = [];
    const err = [];
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(bin)} ${args.join(' ')}: no exit within ${GUARD_MS} ms`));
    }, GUARD_MS);
    child.on('error', (e) => {
      clearTimeout(guard);
      reject(e);
    });
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.stdin.on('error', () => {});   // a program that does not read its input
    child.on('close', (status, signal) => {
      clearTimeout(guard);
      resolve({
        status, signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    if (onSpawn) onSpawn(child);
    child.stdin.end(input ?? '');
  });
}

// A running netral-host, spoken to over its stdin/stdout.
export class Host {
  constructor(env, args = ['chrome-extension://abcdefghijklmnopabcdefghijklmnop/'], bin = HOST_BIN) {
    this.child = track(spawn(bin, args, { env, stdio: ['pipe', 'pipe', 'pipe'] }));
    this.decoder = new FrameDecoder();
    this.frames = [];    // received and not yet taken: { bytes } or { error }
    this.waiters = [];
    this.stderrChunks = [];
    this.stdinError = null;
    this.child.stdin.on('error', (e) => { this.stdinError = e; });
    this.child.stderr.on('data', (c) => this.stderrChunks.push(c));
    this.child.stdout.on('data', (chunk) => {
      for (const bytes of this.decoder.push(chunk)) this._deliver({ bytes });
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => {
        const end = new Error(`netral-host exited (status ${code}, signal ${signal}) before replying; stderr: ${this.stderr}`);
        for (const w of this.waiters.splice(0)) w.reject(end);
        this.closed = true;
        resolve({ code, signal, stderr: this.stderr, trailing: this.decoder.leftover });
      });
    });
  }

  get stderr() {
    return Buffer.concat(this.stderrChunks).toString('utf8');
  }

  get pid() {
    return this.child.pid;
  }

  _deliver(frame) {
    const w = this.waiters.shift();
    if (w) w.resolve(frame);
    else this.frames.push(frame);
  }

  // Writes bytes as they are (a frame, part of one, or several). Resolves once they are written,
  // or once the host has closed its end (it may stop reading after a frame it refuses).
  writeRaw(bytes) {
    const stdin = this.child.stdin;
    return new Promise((resolve) => {
      if (stdin.destroyed || stdin.write(bytes)) return resolve();
      const done = () => {
        stdin.off('drain', done);
        stdin.off('close', done);
        resolve();
      };
      stdin.on('drain', done);
      stdin.on('close', done);
    });
  }

  send(payload) {
    return this.writeRaw(encodeFrame(payload));
  }

  // The next reply frame, as { reply, size } (size: the JSON's byte length). Checks that it is
  // valid UTF-8 JSON within the reply limit.
  async nextFrame() {
    let frame = this.frames.shift();
    if (!frame) {
      if (this.closed) throw new Error(`netral-host has exited; stderr: ${this.stderr}`);
      let guard;
      frame = await Promise.race([
        new Promise((resolve, reject) => this.waiters.push({ resolve, reject })),
        new Promise((_, reject) => {
          guard = setTimeout(() => reject(new Error(`netral-host sent no reply within ${GUARD_MS} ms`)), GUARD_MS);
        }),
      ]).finally(() => clearTimeout(guard));
    }
    const size = frame.bytes.length;
    assert.ok(size <= LIMITS.MAX_REPLY_BYTES, `a reply of ${size} bytes is over MAX_REPLY_BYTES`);
    let reply;
    assert.doesNotThrow(() => { reply = parseReplyFrame(frame.bytes); }, 'a reply should be UTF-8 JSON');
    assert.equal(typeof reply, 'object', 'a reply should be a JSON object');
    assert.ok(reply !== null && !Array.isArray(reply), 'a reply should be a JSON object');
    assert.ok('id' in reply, 'every reply should have an id');
    return { reply, size };
  }

  async next() {
    return (await this.nextFrame()).reply;
  }

  async request(payload) {
    await this.send(payload);
    return this.next();
  }

  // Closes stdin (EOF) and waits for the exit. Checks that stdout held nothing but whole frames
  // and that no reply was left unread.
  async close() {
    this.child.stdin.end();
    return this.finish();
  }

  // Waits for the exit (after the host chose to stop); the same checks as close().
  async finish() {
    let guard;
    const result = await Promise.race([
      this.exited,
      new Promise((_, reject) => {
        guard = setTimeout(() => reject(new Error(`netral-host did not exit within ${GUARD_MS} ms`)), GUARD_MS);
      }),
    ]).finally(() => clearTimeout(guard));
    assert.equal(result.trailing.length, 0, `stdout should hold only whole frames; left over: ${result.trailing.toString('utf8', 0, 200)}`);
    assert.equal(this.frames.length, 0, `unread replies: ${this.frames.map((f) => f.bytes?.toString('utf8', 0, 200))}`);
    return result;
  }

  kill() {
    if (!this.closed) this.child.kill('SIGKILL');
  }
}

// ---- keys, signatures, lists ----

// The key id minisign prints: the 8-byte key number as a little-endian 64-bit hex number.
export function keyIdOf(pubText) {
  const b64 = pubText.trim().split('\n').pop().trim();
  const bin = Buffer.from(b64, 'base64');
  return Buffer.from(bin.subarray(2, 10)).reverse().toString('hex').toUpperCase();
}

// A minisign signature file's four lines, with the binary parts decoded.
export function parseSig(text) {
  const lines = text.split('\n');
  const sig = Buffer.from(lines[1], 'base64');
  return {
    untrusted: lines[0],
    algorithm: sig.subarray(0, 2).toString('latin1'),
    keynum: sig.subarray(2, 10),
    signature: sig.subarray(10, 74),
    trusted: lines[2],
    global: Buffer.from(lines[3], 'base64'),
    lines,
  };
}

// A list of COUNT entries on x (@u0, @u1, ...), for the tests that need an import to take a while.
export function largeListText({ version, count = 200_000, expires = '2099-01-01T00:00:00Z' }) {
  const lines = [JSON.stringify({
    format: 'netral-list', format_version: 1, version, issued: '2026-01-01T00:00:00Z', expires,
    issuer: 'Test list authority', elections: [DEFAULT_ELECTION],
  })];
  for (let i = 0; i < count; i++) {
    lines.push(`{"platform":"x","accounts":["@u${i}","id:${1_000_000 + i}"],"entity":{"name":"Bulk entity ${i}","role":"account","party":"Party ${i % 7}","election":"${DEFAULT_ELECTION}","region":"Region ${i % 34}"}}`);
  }
  return lines.join('\n') + '\n';
}

// ---- the sandbox: directories, keys, lists, commands ----

export async function makeSandbox(t) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'netral-host-test-'));
  const sb = new Sandbox(root);
  if (t) t.after(() => sb.cleanup());
  return sb;
}

export class Sandbox {
  constructor(root) {
    this.root = root;
    this.configDir = path.join(root, 'config');
    this.keysDir = path.join(this.configDir, 'keys');
    this.dataDir = path.join(root, 'data');
    this.work = path.join(root, 'work');
    for (const d of [this.keysDir, this.dataDir, this.work]) fs.mkdirSync(d, { recursive: true });
    // HOME too, so that nothing a command might write by default lands outside the sandbox.
    this.env = baseEnv({ NETRAL_CONFIG_DIR: this.configDir, NETRAL_DATA_DIR: this.dataDir, HOME: root });
    this.hosts = [];
    this.keyCount = 0;
  }

  cleanup() {
    for (const h of this.hosts) h.kill();
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  file(...parts) {
    return path.join(this.work, ...parts);
  }

  data(...parts) {
    return path.join(this.dataDir, ...parts);
  }

  envWith(extra) {
    return { ...this.env, ...extra };
  }

  // netral-host with this sandbox's directories (EXTRA_ENV e.g. { NETRAL_NOW }); BIN: a wrapper
  // that starts it (e.g. under a file size limit).
  host({ args, env, bin } = {}) {
    const h = new Host(this.envWith(env), args, bin);
    this.hosts.push(h);
    return h;
  }

  cli(args, { input, env, onSpawn } = {}) {
    return run(CLI_BIN, args, { env: this.envWith(env), input, cwd: this.work, onSpawn });
  }

  minisign(args, { input } = {}) {
    return run(MINISIGN_BIN, args, { env: baseEnv({ HOME: this.root }), input, cwd: this.work });
  }

  // A key pair made by `netral keygen` (or by `minisign -G` with TOOL 'minisign'); with
  // PASSPHRASE it is encrypted (scrypt: seconds). TRUSTED copies the public key into CONFIG/keys.
  async newKey({ tool = 'netral', passphrase = null, trusted = true, name } = {}) {
    name ??= `key${++this.keyCount}`;
    const pub = this.file(`${name}.pub`);
    const sec = this.file(`${name}.key`);
    let r;
    if (tool === 'netral') {
      r = await this.cli(['keygen', '-p', pub, '-s', sec, ...(passphrase ? [] : ['-W'])],
        { input: passphrase ? `${passphrase}\n` : '' });
    } else {
      r = await this.minisign(['-G', '-p', pub, '-s', sec, ...(passphrase ? [] : ['-W'])],
        { input: passphrase ? `${passphrase}\n${passphrase}\n` : '' });
    }
    assert.equal(r.status, 0, `${tool} keygen failed: ${r.stderr}`);
    const key = { name, pub, sec, passphrase, id: keyIdOf(fs.readFileSync(pub, 'utf8')) };
    if (trusted) this.trust(key);
    return key;
  }

  trust(key) {
    fs.copyFileSync(key.pub, path.join(this.keysDir, `${key.name}.pub`));
  }

  // Signs FILE with KEY using `netral sign` (default) or `minisign -S`; returns the .minisig path.
  async sign(file, key, { tool = 'netral', sig = `${file}.minisig`, trustedComment, legacy = false } = {}) {
    let r;
    const comment = trustedComment ? ['-t', trustedComment] : [];
    if (tool === 'netral') {
      r = await this.cli(['sign', '-s', key.sec, ...(key.passphrase ? [] : ['-W']), '-m', file, '-x', sig, ...comment],
        { input: key.passphrase ? `${key.passphrase}\n` : '' });
    } else {
      r = await this.minisign(['-S', '-s', key.sec, '-m', file, '-x', sig, ...comment, ...(legacy ? ['-l'] : [])],
        { input: key.passphrase ? `${key.passphrase}\n` : '' });
    }
    assert.equal(r.status, 0, `${tool} sign failed: ${r.stderr}`);
    return sig;
  }

  // Writes a list (options as listText, or TEXT as given) to the work directory and signs it.
  async publish(name, { key, text, tool, ...list } = {}) {
    const file = this.file(name);
    fs.writeFileSync(file, text ?? listText(list));
    if (key) await this.sign(file, key, { tool });
    return file;
  }

  // netral import, with --json: { status, result (parsed JSON), stderr }.
  async importList(file, { sig, env, onSpawn } = {}) {
    const r = await this.cli(['import', file, ...(sig ? ['-x', sig] : []), '--json'], { env, onSpawn });
    let result;
    assert.doesNotThrow(() => { result = JSON.parse(r.stdout); }, `import --json should print JSON, got: ${r.stdout}`);
    return { ...r, result };
  }

  // Publishes and installs list VERSION signed by a trusted key; returns the key.
  async install(version, { key, ...list } = {}) {
    key ??= this.defaultKey ??= await this.newKey({ name: 'authority' });
    const file = await this.publish(`list-v${version}.jsonl`, { key, version, ...list });
    const r = await this.importList(file);
    assert.equal(r.status, 0, `installing version ${version} failed: ${r.stderr}`);
    assert.equal(r.result.version, version);
    return key;
  }

  // The files in DATA, sorted.
  dataFiles() {
    return fs.readdirSync(this.dataDir).sort();
  }
}

// The files an installed list leaves in DATA, and nothing else: no staged files or journals.
export const SETTLED_DATA_FILES = ['floor.json', 'import.lock', 'last-import.json', 'list.jsonl', 'list.jsonl.minisig', 'netral.db'];

// Asserts that ACCOUNT on PLATFORM answers "listed" from list VERSION, through a new host and the
// CLI: what a browser and IT would both see.
export async function assertAnswersFrom(sb, version, { platform = 'x', account = '@candidate_one' } = {}) {
  const host = sb.host();
  const reply = await host.request({ id: 'probe', type: 'check', platform, account });
  await host.close();
  assert.equal(reply.error, undefined, `check failed: ${JSON.stringify(reply.error)}`);
  assert.equal(reply.verdict, 'listed', `the host should still answer from a list: ${JSON.stringify(reply)}`);
  assert.equal(reply.list_version, version, 'the host should answer from the expected list version');
  const r = await sb.cli(['check', platform, account, '--json']);
  assert.equal(r.status, EXIT.LISTED, `netral check should say listed: ${r.stdout} ${r.stderr}`);
  assert.equal(JSON.parse(r.stdout).list_version, version);
}
