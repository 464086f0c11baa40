// The MSI (wixl, NETRAL_WINDOWS_MSI): its tables read with msiinfo, then installed, upgraded and
// removed with Wine's msiexec in a fresh Wine prefix, as IT's software distribution does
// (msiexec /i netral.msi /qn). Checks what a laptop would show: the programs in
// C:\Program Files\Netral, the host registered for the four browsers, the host answering through
// the registered manifest, doctor passing, the list kept across upgrades (and imported again when
// the database cannot be used), and nothing of the MSI left after uninstall.
// Needs wine, msitools (msiinfo, wixl, wixl-heat), minisign and cmake.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { encodeFrame, FrameDecoder, listText } from '../host/format.mjs';
import { GUARD_MS, WineMachine } from './wine.mjs';

const MSI = process.env.NETRAL_WINDOWS_MSI;
const ZIP = process.env.NETRAL_WINDOWS_PACKAGE;
const BUILD_DIR = process.env.NETRAL_BUILD_DIR;
const SOURCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VERSION = fs.readFileSync(path.join(SOURCE_DIR, 'CMakeLists.txt'), 'utf8').match(/project\(netral VERSION ([0-9.]+)/)[1];
const UPGRADE_CODE = '{00BFF16A-4128-4FF5-888E-7164A39AD8FB}';   // fixed for good (host/windows/package.cmake)
const EXTENSION_ID = 'agbjhpfjmmgmllicjnfkepfagmiajhfi';

const INSTALL_DIR = 'C:\\Program Files\\Netral';
const NETRAL = `${INSTALL_DIR}\\netral.exe`;
const HOST = `${INSTALL_DIR}\\netral-host.exe`;
const DATA = 'C:\\ProgramData\\Netral';
const REGISTRATION = {
  chrome: 'HKLM\\Software\\Google\\Chrome\\NativeMessagingHosts\\id.netral.host',
  chromium: 'HKLM\\Software\\Chromium\\NativeMessagingHosts\\id.netral.host',
  edge: 'HKLM\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\id.netral.host',
  firefox: 'HKLM\\Software\\Mozilla\\NativeMessagingHosts\\id.netral.host',
};
const manifestFile = (browser) => `${INSTALL_DIR}\\NativeMessagingHosts\\${browser}\\id.netral.host.json`;
const TASKS = 'C:\\windows\\system32\\tasks\\Netral';   // where Wine's Task Scheduler keeps them

// ---- The tables ----

// msiinfo export TABLE: three header lines (names, types, table), then one row per line.
function table(msi, name) {
  const text = execFileSync('msiinfo', ['export', msi, name], { encoding: 'utf8' });
  const lines = text.split('\r\n').filter((l) => l !== '');
  const columns = lines[0].split('\t');
  return lines.slice(3).map((line) => Object.fromEntries(line.split('\t').map((v, i) => [columns[i], v])));
}

// Directory key -> its path, from the Directory table (DefaultDir: "target" or "short|long" or "target:source").
function directoryPaths(msi) {
  const rows = new Map(table(msi, 'Directory').map((r) => [r.Directory, r]));
  const resolve = (key) => {
    const row = rows.get(key);
    const name = row.DefaultDir.split(':')[0].split('|').pop();
    if (!row.Directory_Parent) return '';
    const parent = resolve(row.Directory_Parent);
    if (name === '.') return parent || key;   // a standard folder (ProgramFiles64Folder), or the parent itself
    return parent ? `${parent}\\${name}` : name;
  };
  return (key) => resolve(key);
}

// File key -> its installed path (under the standard folder names, as ProgramFiles64Folder\Netral\...).
function filePaths(msi) {
  const dirOf = new Map(table(msi, 'Component').map((c) => [c.Component, c.Directory_]));
  const dir = directoryPaths(msi);
  return new Map(table(msi, 'File').map((f) => [f.File, `${dir(dirOf.get(f.Component_))}\\${f.FileName.split('|').pop()}`]));
}

test('the MSI\'s tables: every file of the ZIP and the four host manifests, in 64-bit components', () => {
  assert.ok(MSI && fs.existsSync(MSI), 'NETRAL_WINDOWS_MSI should name the MSI of the mingw-w64 build (target msi)');
  const installed = [...filePaths(MSI).values()].sort();
  const zip = ZIP && fs.existsSync(ZIP)
    ? execFileSync('cmake', ['-E', 'tar', 'tf', ZIP], { encoding: 'utf8' }).split('\n').filter((l) => l && !l.endsWith('/'))
    : [];
  assert.ok(zip.length > 0, 'NETRAL_WINDOWS_PACKAGE should name the ZIP (cpack), to compare with');
  const expected = [...zip.map((f) => `ProgramFiles64Folder\\Netral\\${f.replaceAll('/', '\\')}`),
    ...Object.keys(REGISTRATION).map((b) => `ProgramFiles64Folder\\Netral\\NativeMessagingHosts\\${b}\\id.netral.host.json`)].sort();
  assert.deepEqual(installed, expected);
  assert.ok(installed.includes('ProgramFiles64Folder\\Netral\\netral-setup.cmd'));
  for (const component of table(MSI, 'Component')) {
    assert.ok(Number(component.Attributes) & 256, `component ${component.Component} should be 64-bit (Win64)`);
  }
  const folders = table(MSI, 'CreateFolder').map((r) => directoryPaths(MSI)(r.Directory_)).sort();
  assert.deepEqual(folders, ['CommonAppDataFolder\\Netral\\config\\keys', 'CommonAppDataFolder\\Netral\\data',
    'CommonAppDataFolder\\Netral\\spool']);
});

test('the MSI\'s registry table registers the host under HKLM for Chrome, Chromium, Edge and Firefox', () => {
  const files = filePaths(MSI);
  const rows = table(MSI, 'Registry');
  for (const [browser, key] of Object.entries(REGISTRATION)) {
    const row = rows.find((r) => `HKLM\\${r.Key}` === key);
    assert.ok(row, `a Registry row for ${key}: ${JSON.stringify(rows)}`);
    assert.equal(row.Root, '2', 'HKEY_LOCAL_MACHINE');
    assert.equal(row.Name, '', 'the key\'s default value');
    const fileKey = row.Value.match(/^\[#(.+)\]$/)?.[1];
    assert.equal(files.get(fileKey), `ProgramFiles64Folder\\Netral\\NativeMessagingHosts\\${browser}\\id.netral.host.json`);
  }
});

test('the MSI\'s version and codes: the project version, a fixed upgrade code, a major upgrade', () => {
  const property = Object.fromEntries(table(MSI, 'Property').map((r) => [r.Property, r.Value]));
  assert.equal(property.ProductVersion, VERSION);
  assert.equal(property.UpgradeCode, UPGRADE_CODE);
  assert.match(property.ProductCode, /^\{[0-9A-F-]{36}\}$/);
  assert.notEqual(property.ProductCode, UPGRADE_CODE);
  const upgrade = table(MSI, 'Upgrade');
  assert.ok(upgrade.some((r) => r.UpgradeCode === UPGRADE_CODE && r.VersionMax === VERSION && r.ActionProperty === 'WIX_UPGRADE_DETECTED'),
    JSON.stringify(upgrade));
  const sequence = new Map(table(MSI, 'InstallExecuteSequence').map((r) => [r.Action, r]));
  assert.ok(sequence.has('RemoveExistingProducts'));
  // The custom actions run as SYSTEM (deferred, no impersonation) inside the installation script.
  const start = Number(sequence.get('InstallInitialize').Sequence);
  const end = Number(sequence.get('InstallFinalize').Sequence);
  for (const action of table(MSI, 'CustomAction').filter((a) => a.Action.startsWith('Setup') && a.Action !== 'SetupShell')) {
    const type = Number(action.Type);
    assert.equal(type & 0x400, 0x400, `${action.Action} deferred`);
    assert.equal(type & 0x800, 0x800, `${action.Action} not impersonating`);
    const at = Number(sequence.get(action.Action)?.Sequence);
    assert.ok(at > start && at < end, `${action.Action} (${at}) between InstallInitialize and InstallFinalize`);
  }
});

test('the ACLs the MSI sets are the ones the guide gives for a manual install', () => {
  const script = fs.readFileSync(path.join(SOURCE_DIR, 'manifests/windows/netral-setup.cmd'), 'utf8');
  const guide = fs.readFileSync(path.join(SOURCE_DIR, 'docs/deployment.md'), 'utf8');
  const grants = (text) => [...text.matchAll(/icacls \S+ (\/inheritance:r \/grant:r .+?)\s*(?:>nul)?\r?$/gm)].map((m) => m[1].trim());
  const fromScript = grants(script);
  assert.equal(fromScript.length, 2, script);
  for (const grant of fromScript) assert.ok(grants(guide).includes(grant), `the guide should give: icacls ... ${grant}`);
});

// ---- Installed with Wine's msiexec ----

let machine;
let work;   // Linux-side scratch: keys, lists, the later versions' MSIs
const msiFor = {};   // version -> MSI file

const wine = (args, opts) => machine.wine(args, opts);
const netral = (args, opts) => wine([NETRAL, ...args], opts);
const regQuery = (key, value) => wine(['reg', 'query', key, ...(value ? ['/v', value] : ['/ve'])]);
const exists = (windowsPath) => fs.existsSync(machine.unixPath(windowsPath));

async function msiexec(args, log) {
  const logFile = path.join(work, `${log}.log`);
  const r = await wine(['msiexec', ...args, '/qn', '/l*v', WineMachine.windowsPath(logFile)]);
  const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'latin1') : '(no log)';
  return { ...r, log: text };
}

// The same build as another version: a new product code, the same upgrade code.
function buildVersion(version) {
  const out = path.join(work, `netral-${version}-win64.msi`);
  execFileSync('cmake', [`-DBUILD_DIR=${BUILD_DIR}`, `-DSOURCE_DIR=${SOURCE_DIR}`, `-DOUT=${out}`,
    `-DSTAGE=${path.join(work, `stage-${version}`)}`, `-DVERSION=${version}`,
    `-DPRODUCT_CODE=${randomUUID().toUpperCase()}`, `-DUPGRADE_CODE=${UPGRADE_CODE.slice(1, -1)}`,
    '-DWIXL=wixl', '-DWIXL_HEAT=wixl-heat', '-P', path.join(SOURCE_DIR, 'host/windows/msi.cmake')], { stdio: 'pipe' });
  return out;
}

// netral-host.exe as Chrome starts it: the path the registered manifest names.
async function askHost(request) {
  const q = await regQuery(REGISTRATION.chrome);
  const manifestPath = q.stdout.match(/REG_SZ\s+(.+?)\r?$/m)?.[1];
  assert.ok(manifestPath, `Chrome's registration: ${q.stdout}`);
  const hostPath = JSON.parse(fs.readFileSync(machine.unixPath(manifestPath), 'utf8')).path;
  const child = spawn('wine', [hostPath, `chrome-extension://${EXTENSION_ID}/`], { env: machine.env, stdio: ['pipe', 'pipe', 'ignore'] });
  const decoder = new FrameDecoder();
  const reply = new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error('netral-host.exe: no reply in time')), GUARD_MS);
    child.stdout.on('data', (chunk) => {
      const [bytes] = decoder.push(chunk);
      if (bytes) {
        clearTimeout(guard);
        resolve(JSON.parse(bytes.toString('utf8')));
      }
    });
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.stdin.write(encodeFrame(request));
  const answer = await reply;
  child.stdin.end();
  await exited;
  return answer;
}

async function signedList(name, options) {
  const list = path.join(machine.unixPath('C:\\lists'), name);
  fs.mkdirSync(path.dirname(list), { recursive: true });
  fs.writeFileSync(list, listText(options));
  const r = await machine.run('minisign', ['-S', '-s', path.join(work, 'authority.key'), '-m', list]);
  assert.equal(r.status, 0, r.stderr);
  return `C:\\lists\\${name}`;
}

before(async () => {
  assert.ok(MSI && fs.existsSync(MSI), 'NETRAL_WINDOWS_MSI should name the MSI of the mingw-w64 build');
  assert.ok(BUILD_DIR, 'NETRAL_BUILD_DIR should name the mingw-w64 build (ctest sets it)');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'netral-msi-'));
  msiFor['0.1.1'] = buildVersion('0.1.1');
  msiFor['0.1.2'] = buildVersion('0.1.2');
  msiFor['0.1.3'] = buildVersion('0.1.3');
  machine = await WineMachine.boot();
  // A laptop with Chrome and Edge (doctor checks the browsers it finds, and any registered).
  for (const exe of ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe']) {
    fs.mkdirSync(path.dirname(machine.unixPath(exe)), { recursive: true });
    fs.writeFileSync(machine.unixPath(exe), '');
  }
  const keygen = await machine.run('minisign', ['-G', '-W', '-p', path.join(work, 'authority.pub'), '-s', path.join(work, 'authority.key')]);
  assert.equal(keygen.status, 0, keygen.stderr);
});

after(async () => {
  if (machine) await machine.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('msiexec /i /qn installs the programs, registers the host for four browsers, makes ProgramData\\Netral', async () => {
  const r = await msiexec(['/i', WineMachine.windowsPath(MSI)], 'install');
  assert.equal(r.status, 0, `msiexec: ${r.stderr}\n${r.log.slice(-3000)}`);
  for (const file of ['netral.exe', 'netral-host.exe', 'netral-setup.cmd', 'tasks\\netral-spool.xml', 'tasks\\netral-update.xml',
    'policies\\chrome.reg', 'policies\\edge.reg', 'policies\\firefox\\policies.json', 'docs\\deployment.md']) {
    assert.ok(exists(`${INSTALL_DIR}\\${file}`), `${INSTALL_DIR}\\${file}`);
  }
  for (const [browser, key] of Object.entries(REGISTRATION)) {
    const q = await regQuery(key);
    assert.equal(q.status, 0, `${key} should exist: ${q.stderr}`);
    assert.ok(q.stdout.includes(manifestFile(browser)), `${key} should name ${manifestFile(browser)}: ${q.stdout}`);
    const manifest = JSON.parse(fs.readFileSync(machine.unixPath(manifestFile(browser)), 'utf8'));
    assert.equal(manifest.path, HOST);
    if (browser === 'firefox') assert.deepEqual(manifest.allowed_extensions, ['netral@netral.id']);
    else assert.deepEqual(manifest.allowed_origins, [`chrome-extension://${EXTENSION_ID}/`]);
  }
  // What the MSI wrote is exactly what netral would write: nothing for it to change.
  const again = await netral(['install', '--system', '--browser', 'all']);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stdout.match(/already up to date/g)?.length, 4, again.stdout);
  for (const dir of ['config\\keys', 'data', 'spool']) assert.ok(exists(`${DATA}\\${dir}`), `${DATA}\\${dir}`);
  assert.match(r.log, /SetupAcl\. Return value 1/, 'the ACL action ran and succeeded');
  assert.match((await regQuery('HKLM\\Software\\Netral', 'Update')).stdout, /Update\s+REG_SZ\s+0/);
});

test('the tasks are registered, Update disabled without UPDATE=1', async () => {
  assert.ok(exists(`${TASKS}\\Spool`), 'Netral\\Spool registered');
  assert.ok(exists(`${TASKS}\\Update`), 'Netral\\Update registered');
  const update = fs.readFileSync(machine.unixPath(`${TASKS}\\Update`), 'utf8');   // Wine stores UTF-8
  assert.match(update, /<Settings>[\s\S]*<Enabled>false<\/Enabled>/, update);
});

test('ACLs of ProgramData\\Netral', { skip: 'Wine\'s icacls is a stub ("This is dummy icacls, not performing ACL '
  + 'manipulations"), so the rights SetupAcl sets cannot be read back here; the action\'s success and its '
  + 'command lines (the guide\'s) are checked above' }, () => {});

test('after importing a list, the host answers through the registered manifest and doctor passes', async () => {
  fs.copyFileSync(path.join(work, 'authority.pub'), path.join(machine.unixPath(`${DATA}\\config\\keys`), 'authority.pub'));
  const r = await netral(['import', await signedList('v1.jsonl', { version: 1 })]);
  assert.equal(r.status, 0, r.stderr);
  const listed = await askHost({ id: 1, type: 'check', platform: 'x', account: '@candidate_one' });
  assert.equal(listed.verdict, 'listed', JSON.stringify(listed));
  assert.equal((await askHost({ id: 2, type: 'check', platform: 'x', account: '@someone_else' })).verdict, 'clear');
  // The browser policy, as IT sets it (the templates the MSI installed).
  for (const file of ['chrome.reg', 'edge.reg']) {
    const imported = await wine(['reg', 'import', `${INSTALL_DIR}\\policies\\${file}`]);
    assert.equal(imported.status, 0, `reg import ${file}: ${imported.stdout}${imported.stderr}`);
  }
  const firefoxPolicy = machine.unixPath('C:\\Program Files\\Mozilla Firefox\\distribution\\policies.json');
  fs.mkdirSync(path.dirname(firefoxPolicy), { recursive: true });
  fs.copyFileSync(machine.unixPath(`${INSTALL_DIR}\\policies\\firefox\\policies.json`), firefoxPolicy);
  const doctor = await netral(['doctor', '--json']);
  const findings = JSON.parse(doctor.stdout).findings;
  assert.equal(doctor.status, 0, JSON.stringify(findings.filter((f) => f.level === 'fail'), null, 1));
  const says = (subject, re) => findings.some((f) => f.subject === subject && f.level === 'ok' && re.test(f.message));
  for (const browser of Object.keys(REGISTRATION)) assert.ok(says(browser, /host manifest .* is valid/), browser);
  assert.ok(says('host', /netral-host\.exe starts and answers/));
  assert.ok(says('list', /list version 1/));
});

test('an upgrade in place (UPDATE=1) keeps the keys and the list, and imports the kept list again when the database is unusable', async () => {
  // As after a change of the database format: the database cannot be used, the verified copy is kept.
  fs.writeFileSync(machine.unixPath(`${DATA}\\data\\netral.db`), 'not a database of this version');
  assert.equal((await netral(['status'])).status, 4, 'status: no usable list');
  const r = await msiexec(['/i', WineMachine.windowsPath(msiFor['0.1.1']), 'UPDATE=1'], 'upgrade-1');
  assert.equal(r.status, 0, `msiexec: ${r.stderr}\n${r.log.slice(-3000)}`);
  assert.ok(exists(`${DATA}\\config\\keys\\authority.pub`), 'the trusted key is kept');
  const status = await netral(['status']);
  assert.equal(status.status, 0, `status after the upgrade: ${status.stdout}${status.stderr}`);
  assert.match(status.stdout, /version 1/);
  assert.equal((await askHost({ id: 1, type: 'check', platform: 'x', account: '@candidate_one' })).verdict, 'listed');
  const uninstall = await wine(['reg', 'query', 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall', '/s']);
  assert.equal(uninstall.stdout.match(/DisplayName\s+REG_SZ\s+Netral\r?$/gm)?.length, 1, `one Netral installed: ${uninstall.stdout}`);
  assert.match(uninstall.stdout, /DisplayVersion\s+REG_SZ\s+0\.1\.1/);
  assert.match((await regQuery('HKLM\\Software\\Netral', 'Update')).stdout, /Update\s+REG_SZ\s+1/);
});

test('a later upgrade without UPDATE keeps UPDATE=1, and the list; an older version is refused', async () => {
  const r = await msiexec(['/i', WineMachine.windowsPath(msiFor['0.1.2'])], 'upgrade-2');
  assert.equal(r.status, 0, `msiexec: ${r.stderr}\n${r.log.slice(-3000)}`);
  assert.match((await regQuery('HKLM\\Software\\Netral', 'Update')).stdout, /Update\s+REG_SZ\s+1/);
  assert.equal((await askHost({ id: 1, type: 'check', platform: 'x', account: '@candidate_one' })).verdict, 'listed');
  const downgrade = await msiexec(['/i', WineMachine.windowsPath(MSI)], 'downgrade');
  assert.notEqual(downgrade.status, 0, 'installing an older version over a newer one should fail');
  assert.match(downgrade.log, /WIX_DOWNGRADE_DETECTED = \{/, 'refused for the newer version found (launch condition)');
  const uninstall = await wine(['reg', 'query', 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall', '/s']);
  assert.match(uninstall.stdout, /DisplayVersion\s+REG_SZ\s+0\.1\.2/);
});

test('an upgrade with UPDATE=0 turns the kept choice off', async () => {
  const r = await msiexec(['/i', WineMachine.windowsPath(msiFor['0.1.3']), 'UPDATE=0'], 'upgrade-3');
  assert.equal(r.status, 0, `msiexec: ${r.stderr}\n${r.log.slice(-3000)}`);
  assert.match((await regQuery('HKLM\\Software\\Netral', 'Update')).stdout, /Update\s+REG_SZ\s+0/);
});

test('UPDATE=1 enables the Update task', { skip: 'Wine\'s schtasks /Change /ENABLE (8.0) leaves the stored task '
  + 'as it was, so the enabled state cannot be read back; the choice kept in HKLM\\Software\\Netral is checked above' }, () => {});

test('uninstall removes the programs, the registration and the tasks, and keeps the keys and the list', async () => {
  const r = await msiexec(['/x', WineMachine.windowsPath(msiFor['0.1.3'])], 'uninstall');
  assert.equal(r.status, 0, `msiexec /x: ${r.stderr}\n${r.log.slice(-3000)}`);
  assert.ok(!exists(INSTALL_DIR), `${INSTALL_DIR} should be gone: ${fs.existsSync(machine.unixPath(INSTALL_DIR)) ? fs.readdirSync(machine.unixPath(INSTALL_DIR)) : ''}`);
  for (const key of [...Object.values(REGISTRATION), 'HKLM\\Software\\Netral']) {
    assert.notEqual((await regQuery(key)).status, 0, `${key} should be gone`);
  }
  assert.ok(!exists(`${TASKS}\\Spool`) && !exists(`${TASKS}\\Update`), 'the tasks should be gone');
  assert.ok(exists(`${DATA}\\config\\keys\\authority.pub`), 'the trusted key is kept');
  assert.ok(exists(`${DATA}\\data\\list.jsonl`), 'the verified list is kept');
});

test('uninstall with PURGE=1 also removes C:\\ProgramData\\Netral', async () => {
  let r = await msiexec(['/i', WineMachine.windowsPath(MSI)], 'reinstall');
  assert.equal(r.status, 0, `msiexec: ${r.stderr}\n${r.log.slice(-3000)}`);
  assert.equal((await askHost({ id: 1, type: 'check', platform: 'x', account: '@candidate_one' })).verdict, 'listed',
    'a reinstall finds the kept list');
  r = await msiexec(['/x', WineMachine.windowsPath(MSI), 'PURGE=1'], 'purge');
  assert.equal(r.status, 0, `msiexec /x: ${r.stderr}\n${r.log.slice(-3000)}`);
  assert.ok(!exists(DATA), `${DATA} should be gone`);
  assert.ok(!exists(INSTALL_DIR));
});
