// The Windows build, end to end under Wine: what an IT department does on a Windows laptop.
// The release ZIP (cpack, NETRAL_WINDOWS_PACKAGE) is unpacked into C:\Program Files\Netral\ of
// a fresh Wine prefix; nothing is redirected by environment (default C:\ProgramData\Netral\
// directories), the registry is Wine's, and the .reg policy templates from the package are
// imported with Wine's reg.exe. Needs wine, minisign and cmake (to unpack).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { encodeFrame, FrameDecoder, listText } from '../host/format.mjs';
import { GUARD_MS, WineMachine } from './wine.mjs';

const PACKAGE = process.env.NETRAL_WINDOWS_PACKAGE;
const EXTENSION_ID = 'agbjhpfjmmgmllicjnfkepfagmiajhfi';   // the build's default (CMake NETRAL_EXTENSION_ID)
const OTHER_ID = 'pppppppppppppppppppppppppppppppp';

const INSTALL_DIR = 'C:\\Program Files\\Netral';
const NETRAL = `${INSTALL_DIR}\\netral.exe`;
const HOST = `${INSTALL_DIR}\\netral-host.exe`;
const REGISTRATION = {
  chrome: 'HKLM\\Software\\Google\\Chrome\\NativeMessagingHosts\\id.netral.host',
  chromium: 'HKLM\\Software\\Chromium\\NativeMessagingHosts\\id.netral.host',
  edge: 'HKLM\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\id.netral.host',
  firefox: 'HKLM\\Software\\Mozilla\\NativeMessagingHosts\\id.netral.host',
};
const manifestFile = (browser) => `${INSTALL_DIR}\\NativeMessagingHosts\\${browser}\\id.netral.host.json`;

let machine;     // the Wine prefix (a fresh "Windows machine"), its programs run as wine.mjs says
let work;        // Linux-side scratch: keys, lists

const unixPath = (windowsPath) => machine.unixPath(windowsPath);
const run = (program, args, opts) => machine.run(program, args, opts);
const wine = (args, opts) => run('wine', args, opts);
const netral = (args, opts) => wine([NETRAL, ...args], opts);
const regQuery = (key) => wine(['reg', 'query', key, '/ve']);

// netral-host.exe as Chrome starts it, spoken to in frames over its stdin/stdout.
class WinHost {
  constructor(manifestPath = HOST) {
    this.child = spawn('wine', [manifestPath, `chrome-extension://${EXTENSION_ID}/`],
      { env: machine.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.decoder = new FrameDecoder();
    this.frames = [];
    this.waiters = [];
    this.child.stdout.on('data', (chunk) => {
      for (const bytes of this.decoder.push(chunk)) {
        const w = this.waiters.shift();
        if (w) w(bytes);
        else this.frames.push(bytes);
      }
    });
    this.child.stdin.on('error', () => {});   // an early exit shows as a missing reply
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));   // not its pipes' end: see run() in wine.mjs
  }

  next() {
    if (this.frames.length) return Promise.resolve(this.frames.shift());
    return new Promise((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error('netral-host.exe: no reply in time')), GUARD_MS);
      this.waiters.push((bytes) => {
        clearTimeout(guard);
        resolve(bytes);
      });
    });
  }

  async ask(request) {
    this.child.stdin.write(encodeFrame(request));
    return JSON.parse((await this.next()).toString('utf8'));
  }

  async close() {
    this.child.stdin.end();
    return this.exited;
  }
}

async function signedList(name, options) {
  const list = path.join(unixPath('C:\\lists'), name);
  fs.mkdirSync(path.dirname(list), { recursive: true });
  fs.writeFileSync(list, listText(options));
  const r = await run('minisign', ['-S', '-s', path.join(work, 'authority.key'), '-m', list]);
  assert.equal(r.status, 0, r.stderr);
  return `C:\\lists\\${name}`;
}

function doctorFindings(stdout) {
  return JSON.parse(stdout).findings;
}

before(async () => {
  assert.ok(PACKAGE && fs.existsSync(PACKAGE),
    'NETRAL_WINDOWS_PACKAGE should name the ZIP made by cpack -G ZIP in the mingw-w64 build (ctest does it)');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'netral-wine-work-'));
  machine = await WineMachine.boot();
  // A laptop with Chrome and Edge (doctor checks the browsers it finds, and any registered).
  for (const exe of ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe']) {
    fs.mkdirSync(path.dirname(unixPath(exe)), { recursive: true });
    fs.writeFileSync(unixPath(exe), '');
  }
  fs.mkdirSync(unixPath(INSTALL_DIR), { recursive: true });
  const unpack = await run('cmake', ['-E', 'chdir', unixPath(INSTALL_DIR), 'cmake', '-E', 'tar', 'xf', PACKAGE]);
  assert.equal(unpack.status, 0, unpack.stderr);
  // The list authority's key, made by the real minisign.
  const keygen = await run('minisign', ['-G', '-W', '-p', path.join(work, 'authority.pub'), '-s', path.join(work, 'authority.key')]);
  assert.equal(keygen.status, 0, keygen.stderr);
});

after(async () => {
  if (machine) await machine.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('install --system writes each browser\'s manifest and registers it under HKLM', async () => {
  const r = await netral(['install', '--system', '--browser', 'all']);
  assert.equal(r.status, 0, r.stderr);
  for (const [browser, key] of Object.entries(REGISTRATION)) {
    assert.match(r.stdout, new RegExp(`^${browser}: wrote .*\\(HKEY_LOCAL_MACHINE\\\\Software\\\\`, 'm'));
    const q = await regQuery(key);
    assert.equal(q.status, 0, `${key} should exist: ${q.stderr}`);
    assert.ok(q.stdout.includes(manifestFile(browser)), `${key} should name ${manifestFile(browser)}: ${q.stdout}`);
    const manifest = JSON.parse(fs.readFileSync(unixPath(manifestFile(browser)), 'utf8'));
    assert.equal(manifest.name, 'id.netral.host');
    assert.equal(manifest.type, 'stdio');
    assert.equal(manifest.path, HOST);
    if (browser === 'firefox') assert.deepEqual(manifest.allowed_extensions, ['netral@netral.id']);
    else assert.deepEqual(manifest.allowed_origins, [`chrome-extension://${EXTENSION_ID}/`]);
  }
  const again = await netral(['install', '--system', '--browser', 'all']);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stdout.match(/already up to date/g)?.length, 4, again.stdout);
});

test('the registered host speaks binary frames: no byte of a length prefix is translated', async () => {
  // Text-mode stdio would turn \n into \r\n on output and stop reading at ^Z (0x1a): ids of
  // 0..299 characters give request and reply lengths with every low byte, 0x0a, 0x0d, 0x1a too.
  const registered = JSON.parse(fs.readFileSync(unixPath(manifestFile('chrome')), 'utf8')).path;
  const host = new WinHost(registered);
  const lowBytes = new Set();
  for (let n = 0; n < 300; n++) {
    const id = 'i'.repeat(n);
    const request = { id, type: 'hello' };
    lowBytes.add(Buffer.byteLength(JSON.stringify(request)) & 0xff);
    const reply = await host.ask(request);
    assert.equal(reply.id, id);
    assert.equal(typeof reply.protocol, 'number');
  }
  for (const b of [0x0a, 0x0d, 0x1a]) assert.ok(lowBytes.has(b), `a request length should end in byte ${b}`);
  assert.equal(await host.close(), 0);
  assert.equal(host.decoder.leftover.length, 0, 'no stray bytes after the last frame');
});

test('import into the default C:\\ProgramData\\Netral, then the host answers from the list', async () => {
  const keys = unixPath('C:\\ProgramData\\Netral\\config\\keys');
  fs.mkdirSync(keys, { recursive: true });
  fs.copyFileSync(path.join(work, 'authority.pub'), path.join(keys, 'authority.pub'));
  const list = await signedList('v1.jsonl', { version: 1 });
  const r = await netral(['import', list]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(fs.existsSync(unixPath('C:\\ProgramData\\Netral\\data\\netral.db')));

  const host = new WinHost();
  const listed = await host.ask({ id: 1, type: 'check', platform: 'x', account: '@candidate_one' });
  assert.equal(listed.verdict, 'listed', JSON.stringify(listed));
  assert.equal(listed.entity.name, 'Candidate One');
  const clear = await host.ask({ id: 2, type: 'check', platform: 'x', account: '@someone_else' });
  assert.equal(clear.verdict, 'clear', JSON.stringify(clear));
  await host.close();
});

test('an import replaces the list while a host has it open, and that host answers from the new one', async () => {
  const host = new WinHost();
  const before = await host.ask({ id: 1, type: 'check', platform: 'x', account: '@candidate_one' });
  assert.equal(before.verdict, 'listed');
  assert.equal(before.list_version, 1);
  const v2 = await signedList('v2.jsonl', { version: 2, entries: [{
    platform: 'x', accounts: ['@new_candidate'],
    entity: { name: 'New Candidate', election: 'Test election 2026' },
  }] });
  const r = await netral(['import', v2]);
  assert.equal(r.status, 0, `import with a host running: ${r.stderr}`);
  const gone = await host.ask({ id: 2, type: 'check', platform: 'x', account: '@candidate_one' });
  assert.equal(gone.verdict, 'clear', JSON.stringify(gone));
  assert.equal(gone.list_version, 2);
  const added = await host.ask({ id: 3, type: 'check', platform: 'x', account: '@new_candidate' });
  assert.equal(added.verdict, 'listed');
  await host.close();
});

test('a list the browser fetched: the host spools it under ProgramData, and the Spool task\'s command installs it', async () => {
  // UTF-16 with a byte-order mark, as its declaration says (and Task Scheduler's own files are).
  const bytes = fs.readFileSync(unixPath(`${INSTALL_DIR}\\tasks\\netral-spool.xml`));
  assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe], 'a UTF-16LE byte-order mark');
  const task = bytes.subarray(2).toString('utf16le');
  assert.match(task, /^<\?xml version="1\.0" encoding="UTF-16"\?>/);
  assert.match(task, /<Arguments>update --spool<\/Arguments>/);
  const list = await signedList('v3.jsonl', { version: 3 });
  const key = WineMachine.windowsPath(path.join(work, 'authority.key'));
  const published = await netral(['publish', 'C:\\repo', list, '-s', key, '-W']);
  assert.equal(published.status, 0, published.stderr);
  const repo = (name) => fs.readFileSync(path.join(unixPath('C:\\repo'), name));
  const host = new WinHost();
  const offer = await host.ask({ id: 1, type: 'update_offer', index: repo('index.json').toString(),
    signature: repo('index.json.minisig').toString(), source: 'https://lists.example/netral/' });
  assert.equal(offer.state, 'needed', JSON.stringify(offer));
  for (const [i, file] of offer.files.entries()) {
    const got = await host.ask({ id: 2 + i, type: 'update_file', name: file.name, offset: 0, data: repo(file.name).toString('base64'), last: true });
    assert.equal(got.complete, true, JSON.stringify(got));
  }
  assert.equal((await host.ask({ id: 9, type: 'update_commit' })).state, 'spooled');
  const spool = unixPath('C:\\ProgramData\\Netral\\spool');
  const users = fs.readdirSync(spool).filter((name) => fs.statSync(path.join(spool, name)).isDirectory());
  assert.equal(users.length, 1, users.join());
  assert.ok(fs.existsSync(path.join(spool, users[0], 'index.json')));
  const r = await netral(['update', '--spool']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Installed list version 3 \(was 2\)/);
  const now = await host.ask({ id: 10, type: 'check', platform: 'x', account: '@candidate_one' });
  assert.equal(now.list_version, 3, JSON.stringify(now));
  await host.close();
});

test('the .reg policy templates import, and doctor passes on the configured machine', async () => {
  for (const file of ['chrome.reg', 'edge.reg', 'firefox-native-host.reg']) {
    const r = await wine(['reg', 'import', `${INSTALL_DIR}\\policies\\${file}`]);
    assert.equal(r.status, 0, `reg import ${file}: ${r.stdout}${r.stderr}`);
  }
  // Firefox on Windows takes policies.json from its installation's distribution folder.
  const firefoxPolicy = unixPath('C:\\Program Files\\Mozilla Firefox\\distribution\\policies.json');
  fs.mkdirSync(path.dirname(firefoxPolicy), { recursive: true });
  fs.copyFileSync(unixPath(`${INSTALL_DIR}\\policies\\firefox\\policies.json`), firefoxPolicy);
  // The templates register the manifests where install --system puts them.
  for (const [browser, key] of Object.entries(REGISTRATION)) {
    const q = await regQuery(key);
    assert.ok(q.stdout.includes(manifestFile(browser)), `${key} after the templates: ${q.stdout}`);
  }
  const r = await netral(['doctor', '--json']);
  const findings = doctorFindings(r.stdout);
  assert.equal(r.status, 0, JSON.stringify(findings.filter((f) => f.level === 'fail'), null, 1));
  const says = (subject, re) => findings.some((f) => f.subject === subject && f.level === 'ok' && re.test(f.message));
  for (const browser of Object.keys(REGISTRATION)) {
    assert.ok(says(browser, /host manifest .* is valid/), `${browser}: ${JSON.stringify(findings)}`);
  }
  assert.ok(says('host', /netral-host\.exe starts and answers/));
  assert.ok(says('chrome', /Policies\\Google\\Chrome installs the extension/));
  assert.ok(says('chrome', /sets Netral's mode to warn/));
  assert.ok(says('edge', /Policies\\Microsoft\\Edge installs the extension/));
  assert.ok(says('firefox', /Mozilla Firefox\\distribution\\policies\.json installs the extension netral@netral\.id/));
  assert.ok(says('keys', /1 trusted key/));
  assert.ok(says('list', /list version 3/));
});

async function doctorFails(subject, re, extraEnv) {
  const r = await netral(['doctor', '--json'], { extraEnv });
  const findings = doctorFindings(r.stdout);
  assert.equal(r.status, 1, 'doctor should exit 1');
  assert.ok(findings.some((f) => f.level === 'fail' && f.subject === subject && re.test(f.message)),
    `doctor should FAIL ${subject} ${re}: ${JSON.stringify(findings)}`);
}

test('doctor reports a missing registration, a wrong extension id, a policy that blocks the host', async () => {
  let r = await wine(['reg', 'delete', REGISTRATION.chrome, '/f']);
  assert.equal(r.status, 0, r.stderr);
  await doctorFails('chrome', /no host manifest \(looked for HKEY_LOCAL_MACHINE\\Software\\Google\\Chrome\\NativeMessagingHosts\\id\.netral\.host\)/);

  r = await netral(['install', '--system', '--browser', 'chrome', '--extension-id', OTHER_ID]);
  assert.equal(r.status, 0, r.stderr);
  await doctorFails('chrome', new RegExp(`does not allow the extension ${EXTENSION_ID}`));

  r = await netral(['install', '--system', '--browser', 'chrome']);
  assert.match(r.stdout, /^chrome: wrote/m);
  r = await wine(['reg', 'delete', 'HKLM\\Software\\Policies\\Google\\Chrome\\NativeMessagingAllowlist', '/f']);
  assert.equal(r.status, 0, r.stderr);
  await doctorFails('chrome', /blocks all native hosts and does not allow Netral's/);
  r = await wine(['reg', 'add', 'HKLM\\Software\\Policies\\Google\\Chrome\\NativeMessagingAllowlist', '/v', '1', '/d', 'id.netral.host', '/f']);
  assert.equal(r.status, 0, r.stderr);
});

test('doctor reports no trusted key and an expired list', async () => {
  await doctorFails('list', /expired at/, { NETRAL_NOW: '2100-01-01T00:00:00Z' });
  const keys = unixPath('C:\\ProgramData\\Netral\\config\\keys');
  fs.renameSync(keys, `${keys}.away`);
  await doctorFails('keys', /no trusted key/);
  fs.renameSync(`${keys}.away`, keys);
  const r = await netral(['doctor']);
  assert.equal(r.status, 0, r.stdout);
});

test('uninstall --system removes the keys and the manifests, and says so; again, nothing to remove', async () => {
  let r = await netral(['uninstall', '--system', '--browser', 'all']);
  assert.equal(r.status, 0, r.stderr);
  for (const [browser, key] of Object.entries(REGISTRATION)) {
    assert.match(r.stdout, new RegExp(`^${browser}: removed`, 'm'));
    assert.notEqual((await regQuery(key)).status, 0, `${key} should be gone`);
    assert.ok(!fs.existsSync(unixPath(manifestFile(browser))));
  }
  r = await netral(['uninstall', '--system', '--browser', 'all']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.match(/nothing to remove/g)?.length, 4, r.stdout);
});

test('install --user registers under HKCU with the manifest in the user\'s profile', async () => {
  const r = await netral(['install', '--user', '--browser', 'edge']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^edge: wrote .*\\AppData\\Local\\Netral\\NativeMessagingHosts\\edge\\id\.netral\.host\.json \(HKEY_CURRENT_USER\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\id\.netral\.host\)/m);
  const q = await regQuery('HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\id.netral.host');
  assert.equal(q.status, 0, q.stderr);
  assert.match(q.stdout, /AppData\\Local\\Netral\\NativeMessagingHosts\\edge\\id\.netral\.host\.json/);
  const u = await netral(['uninstall', '--user', '--browser', 'edge']);
  assert.match(u.stdout, /^edge: removed/m);
});

test('a path with characters outside the ANSI code page reaches the manifest intact (UTF-8 code page)', async () => {
  const hostPath = 'C:\\Program Files\\Ağus Nétral\\netral-host.exe';
  const r = await netral(['install', '--user', '--browser', 'chromium', '--host-path', hostPath]);
  assert.equal(r.status, 0, r.stderr);
  const q = await regQuery('HKCU\\Software\\Chromium\\NativeMessagingHosts\\id.netral.host');
  const manifestPath = q.stdout.match(/REG_SZ\s+(.+?)\r?$/m)?.[1];
  assert.ok(manifestPath, q.stdout);
  const bytes = fs.readFileSync(unixPath(manifestPath));
  const manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  assert.equal(manifest.path, hostPath);
  await netral(['uninstall', '--user', '--browser', 'chromium']);
});
