// The IT path end to end, with no developer shortcuts (issue 4). As root: build the .deb with
// the extension packed by a throwaway key, install it, trust a throwaway authority key and
// import a signed list, force-install the extension by managed policy (Chromium: CRX from an
// update server on 127.0.0.1; Firefox ESR: the packaged .xpi through policies.json), set
// mode: block under 3rdparty, and check that a like on a listed account is blocked through the
// system-level host. `netral doctor` passes, then reports each fault we introduce. Finally
// `dpkg --purge` leaves nothing behind. The machine is left as it was found, even on failure.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { makeCertificate } from './lib/certificate.js';
import { CHROMIUM, SITE_HOSTS } from './lib/chromium.js';
import { FIREFOX, GECKO_ID } from './lib/firefox.js';
import { startConnectProxy, startFixtureServer } from './lib/fixture-server.js';
import { repoRoot, sitesDir } from './lib/paths.js';
import { actionsOf, artifact, exerciseListed, inTab, isListed, LIST_ENTRIES, loadSpec } from './lib/scenario.js';
import { fileDeadline, hold } from './lib/lifetime.js';

fileDeadline(900, 'e2e/it-deploy.test.js');

const SHARE = '/usr/share/netral/extension';
const CHROMIUM_MANIFEST = '/etc/chromium/native-messaging-hosts/id.netral.host.json';
const FIREFOX_MANIFEST = '/usr/lib/mozilla/native-messaging-hosts/id.netral.host.json';
const CHROMIUM_POLICY = `/etc/chromium/policies/managed/netral-it-${process.pid}.json`;
const FIREFOX_POLICY = '/etc/firefox/policies/policies.json';
const KEY_FILE = '/etc/netral/keys/it-test.pub';
const UPDATE_CONF = '/etc/netral/update.conf';
const LIST_EXPIRES = '2030-12-31T00:00:00Z';
const ISSUER = 'Otoritas Uji IT (it-deploy)';

// The X fixture's like on a repost: its target is the original author, @timmerahputih (listed).
const SPEC = loadSpec('x-repost-menu');
const LIKE = actionsOf(SPEC).find((item) => item.expect.action === 'like' && item.selector && isListed(item.expect, item.aliases));

const missing = ['cmake', 'cpack', 'dpkg', 'openssl', 'zip'].filter((tool) => spawnSync('which', [tool]).status !== 0);
const skip = process.getuid?.() !== 0 ? 'needs root: installs a .deb and writes policy under /etc'
  : missing.length ? `missing tools: ${missing.join(', ')}`
  : !fs.existsSync(CHROMIUM) ? `${CHROMIUM} not installed`
  : !fs.existsSync(FIREFOX) ? `${FIREFOX} not installed` : false;

// The system's own directories only: no NETRAL_CONFIG_DIR / NETRAL_DATA_DIR from the caller.
const systemEnv = (extra = {}) => {
  const env = { ...process.env, ...extra };
  delete env.NETRAL_CONFIG_DIR;
  delete env.NETRAL_DATA_DIR;
  return env;
};

/** Runs a command; returns {status, stdout, stderr}. Throws with its output when MUST and it fails. */
function run(command, args, { must = true, env = systemEnv(), cwd } = {}) {
  const result = spawnSync(command, args, { env, cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (must && result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}`.slice(-4000));
  }
  return result;
}

/** The authority signs list VERSION (the e2e entries) and publishes it to SCRATCH/repository. */
function publishVersion(scratch, version, issued) {
  const secret = path.join(scratch, 'authority.key');
  const repo = path.join(scratch, 'repository');
  const list = path.join(scratch, `list-${version}.jsonl`);
  const header = { format: 'netral-list', format_version: 1, version, issued,
    expires: LIST_EXPIRES, issuer: ISSUER, elections: ['Pilkada Uji 2026'] };
  fs.writeFileSync(list, `${[header, ...LIST_ENTRIES].map((line) => JSON.stringify(line)).join('\n')}\n`);
  run('/usr/bin/netral', ['sign', '-W', '-s', secret, '-m', list]);
  run('/usr/bin/netral', ['publish', repo, list, '-s', secret, '-W']);
  return repo;
}

function doctor(extra = {}) {
  const result = run('/usr/bin/netral', ['doctor', '--json'], { must: false, env: systemEnv(extra) });
  const report = JSON.parse(result.stdout);
  const failures = report.findings.filter((finding) => finding.level === 'fail');
  return { status: result.status, report, failures, text: failures.map((f) => `${f.subject}: ${f.message}`).join('\n') };
}

/** Every process below PID (from /proc), as {pid, exe, argv}. */
function descendants(pid) {
  const all = [];
  for (const entry of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      all.push({ pid: Number(entry), ppid, exe: fs.readlinkSync(`/proc/${entry}/exe`),
        argv: fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean) });
    } catch { /* gone, or not ours to read */ }
  }
  const found = [];
  const below = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const proc of all) {
      if (below.has(proc.ppid) && !below.has(proc.pid)) { below.add(proc.pid); found.push(proc); grew = true; }
    }
  }
  return found;
}

/** Polls FN (no event exists for it) until it returns a value; fails after MS. */
async function pollFor(ms, what, fn) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** PROMISE, or a rejection naming WHAT after MS. */
function within(ms, what, promise) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}

describe('IT deployment: .deb, policy force-install, doctor, purge', { skip, concurrency: false }, () => {
  let scratch;
  const existedBefore = new Set();   // the package's directories that were already on the machine
  let updateServer;
  let updatePort;
  const updateRequests = [];
  let fixtures;
  let extensionId;
  let packageFiles = [];
  let debPackage;
  let packagedChromiumManifest;
  let firefoxPolicyBackup = null;
  const createdDirs = [];   // directories this test made (outside the package), removed after

  const mkdirOwn = (dir) => {
    const missingParents = [];
    for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) missingParents.unshift(d);
    fs.mkdirSync(dir, { recursive: true });
    createdDirs.push(...missingParents);   // parents first
  };

  // Always, even when the file is aborted at its deadline: no policy of ours stays, Firefox's
  // policies are as found, no key, no package, no directory of ours.
  const restoreMachine = () => {
    fs.rmSync(CHROMIUM_POLICY, { force: true });
    if (firefoxPolicyBackup !== null) fs.writeFileSync(FIREFOX_POLICY, firefoxPolicyBackup);
    else fs.rmSync(FIREFOX_POLICY, { force: true });
    fs.rmSync(KEY_FILE, { force: true });
    fs.rmSync(`${KEY_FILE}.moved`, { force: true });
    fs.rmSync(UPDATE_CONF, { force: true });
    if (run('dpkg', ['-s', 'netral'], { must: false }).status === 0) run('dpkg', ['--purge', 'netral'], { must: false });
    for (const dir of createdDirs.reverse()) { try { fs.rmdirSync(dir); } catch { /* not empty: not only ours */ } }
    createdDirs.length = 0;
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  };
  let forgetMachine = () => {};

  before(async () => {
    forgetMachine = hold('the machine as this test changed it (package, policies, key)', restoreMachine);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'netral-it-build-'));
    // The update server first: its port goes into the package (updates.xml, the CRX's update_url).
    updateServer = http.createServer((request, response) => {
      updateRequests.push(request.url.split('?')[0]);
      const file = path.join(SHARE, path.basename(request.url.split('?')[0]));
      if (!fs.existsSync(file)) { response.writeHead(404); response.end(); return; }
      response.writeHead(200, { 'content-type': file.endsWith('.crx') ? 'application/x-chrome-extension' : 'text/xml' });
      response.end(fs.readFileSync(file));
    });
    await new Promise((resolve) => updateServer.listen(0, '127.0.0.1', resolve));
    updatePort = updateServer.address().port;

    // A throwaway extension signing key, and the package built with it.
    const key = path.join(scratch, 'extension-key.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key], { stdio: 'ignore' });
    const build = path.join(scratch, 'build');
    run('cmake', ['-S', repoRoot, '-B', build, '-DCMAKE_INSTALL_PREFIX=/usr', '-DBUILD_TESTING=OFF',
      '-DCMAKE_BUILD_TYPE=Release', `-DNETRAL_EXTENSION_KEY=${key}`, `-DNETRAL_EXTENSION_BASE_URL=http://127.0.0.1:${updatePort}`]);
    run('cmake', ['--build', build, '-j', String(os.cpus().length)]);
    run('cpack', ['-G', 'DEB'], { cwd: build });
    const deb = fs.readdirSync(build).find((name) => /^netral_.*\.deb$/.test(name));
    assert.ok(deb, 'cpack made a .deb');
    extensionId = fs.readFileSync(path.join(build, 'extension-package/extension-id.txt'), 'utf8').trim();

    // Install it (after removing any earlier netral); note which of its directories already existed.
    if (run('dpkg', ['-s', 'netral'], { must: false }).status === 0) run('dpkg', ['--purge', 'netral']);
    packageFiles = run('dpkg-deb', ['-c', path.join(build, deb)]).stdout.split('\n')
      .map((line) => line.split(/\s+/)[5]).filter(Boolean).map((p) => p.replace(/^\./, '').replace(/\/$/, '')).filter(Boolean);
    for (const p of packageFiles) if (fs.existsSync(p)) existedBefore.add(p);
    debPackage = path.join(build, deb);
    run('dpkg', ['-i', debPackage]);
    packagedChromiumManifest = fs.readFileSync(CHROMIUM_MANIFEST, 'utf8');

    // The fixture site, over HTTPS at its real host name.
    fixtures = await startFixtureServer(makeCertificate(scratch, SITE_HOSTS));
    fixtures.addPage(SPEC.url, fs.readFileSync(path.join(sitesDir, SPEC.page), 'utf8'));
  });

  after(async () => {
    await fixtures?.close();
    updateServer?.closeAllConnections();
    await new Promise((resolve) => (updateServer ? updateServer.close(resolve) : resolve()));
    restoreMachine();
    forgetMachine();
  });

  test('the package installs the binaries, the system host manifests for the packed id, and the packed extension', () => {
    assert.deepEqual(packageFiles.filter((p) => !fs.existsSync(p)), [], 'every path in the .deb is on disk');
    for (const bin of ['/usr/bin/netral', '/usr/bin/netral-host']) {
      assert.ok(fs.statSync(bin).mode & 0o111, `${bin} is executable`);
    }
    for (const file of [CHROMIUM_MANIFEST, '/etc/opt/chrome/native-messaging-hosts/id.netral.host.json',
      '/etc/opt/edge/native-messaging-hosts/id.netral.host.json']) {
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.equal(manifest.path, '/usr/bin/netral-host', file);
      assert.deepEqual(manifest.allowed_origins, [`chrome-extension://${extensionId}/`], `${file} allows the packed id`);
    }
    const firefox = JSON.parse(fs.readFileSync(FIREFOX_MANIFEST, 'utf8'));
    assert.equal(firefox.path, '/usr/bin/netral-host');
    assert.deepEqual(firefox.allowed_extensions, [GECKO_ID]);
    assert.ok(fs.statSync('/etc/netral/keys').isDirectory(), 'an (empty) /etc/netral/keys');
    for (const name of ['netral.crx', 'updates.xml', 'netral.xpi']) assert.ok(fs.statSync(path.join(SHARE, name)).size > 0, name);
    const updates = fs.readFileSync(path.join(SHARE, 'updates.xml'), 'utf8');
    assert.match(updates, new RegExp(`appid='${extensionId}'`));
    assert.match(updates, new RegExp(`codebase='http://127.0.0.1:${updatePort}/netral.crx'`));
    // The manifest `netral install` would write is the one the package ships.
    assert.match(run('/usr/bin/netral', ['install', '--system', '--browser', 'chromium']).stdout, /already up to date/);
    assert.equal(fs.readFileSync(CHROMIUM_MANIFEST, 'utf8'), packagedChromiumManifest);
  });

  test('IT trusts the authority key, imports a signed list, and doctor passes', () => {
    const secret = path.join(scratch, 'authority.key');
    const list = path.join(scratch, 'list.jsonl');
    run('/usr/bin/netral', ['keygen', '-W', '-p', KEY_FILE, '-s', secret]);
    const header = { format: 'netral-list', format_version: 1, version: 7, issued: '2026-11-01T00:00:00Z',
      expires: LIST_EXPIRES, issuer: ISSUER, elections: ['Pilkada Uji 2026'] };
    fs.writeFileSync(list, `${[header, ...LIST_ENTRIES].map((line) => JSON.stringify(line)).join('\n')}\n`);
    run('/usr/bin/netral', ['sign', '-W', '-s', secret, '-m', list, '-t', 'Daftar uji IT, versi 7']);
    run('/usr/bin/netral', ['import', list]);
    assert.equal(run('/usr/bin/netral', ['check', 'x', '@timmerahputih'], { must: false }).status, 3, 'listed');
    const result = doctor();
    assert.equal(result.status, 0, result.text);
    assert.equal(result.report.ok, true);
    assert.ok(result.report.findings.some((f) => f.subject === 'list' && f.level === 'ok' && f.message.includes(ISSUER)));
  });

  test('an upgrade over a database of an older format: the package imports the kept list again', () => {
    // What an older Netral's database looks like to this one (schema 1); the host cannot use it.
    run('sqlite3', ['/var/lib/netral/netral.db', "UPDATE meta SET value = 1 WHERE key = 'schema';"]);
    assert.match(run('/usr/bin/netral', ['check', 'x', '@timmerahputih'], { must: false }).stdout, /older Netral \(schema 1\)/);
    run('dpkg', ['-i', debPackage]);   // the upgrade: configure runs again
    assert.equal(run('/usr/bin/netral', ['check', 'x', '@timmerahputih'], { must: false }).status, 3, 'listed again');
    const result = doctor();
    assert.equal(result.status, 0, result.text);
  });

  test('the list update timer is installed, not enabled; run as the unit says, it installs a newer list from a repository', () => {
    for (const unit of ['/usr/lib/systemd/system/netral-update.service', '/usr/lib/systemd/system/netral-update.timer']) {
      assert.ok(fs.existsSync(unit), unit);
    }
    assert.equal(fs.existsSync('/etc/systemd/system/timers.target.wants/netral-update.timer'), false, 'not enabled by the package');
    const service = fs.readFileSync('/usr/lib/systemd/system/netral-update.service', 'utf8');
    assert.match(service, /^ConditionPathExists=\/etc\/netral\/update\.conf$/m, 'nothing runs until IT names the repository');
    const exec = /^ExecStart=(.*)$/m.exec(service)[1];

    // The authority publishes version 8; IT names the folder in /etc/netral/update.conf.
    const repo = publishVersion(scratch, 8, '2026-11-02T00:00:00Z');
    fs.writeFileSync(UPDATE_CONF, `NETRAL_UPDATE_DIR=${repo}\n`);
    try {
      const conf = Object.fromEntries(fs.readFileSync(UPDATE_CONF, 'utf8').trim().split('\n').map((l) => l.split('=')));
      const argv = exec.split(' ').map((word) => word.replace(/^\$\{(\w+)\}$/, (_, name) => conf[name]));
      const r = run(argv[0], argv.slice(1));
      assert.match(r.stdout, /Installed list version 8 \(was 7\)/);
      assert.match(run('/usr/bin/netral', ['status']).stdout, /Updates: +from .*repository \(file\)/);
    } finally {
      fs.rmSync(UPDATE_CONF, { force: true });   // IT's file: the purge below must find only the package's
    }
  });

  test('updates the browsers fetch: a user\'s host spools one as that user, and the path unit\'s command installs it', () => {
    const spool = fs.statSync('/var/spool/netral');
    assert.equal(spool.mode & 0o7777, 0o1733, 'the spool: sticky, writable, not listable by users');
    assert.equal(spool.uid, 0);
    assert.ok(fs.existsSync('/etc/systemd/system/paths.target.wants/netral-spool.path'), 'the path unit is enabled by the package');
    const service = fs.readFileSync('/usr/lib/systemd/system/netral-spool.service', 'utf8');
    const exec = /^ExecStart=(.*)$/m.exec(service)[1].split(' ');
    assert.match(fs.readFileSync('/usr/lib/systemd/system/netral-spool.path', 'utf8'), /^PathChanged=\/var\/spool\/netral$/m);

    // The authority publishes version 9 (a delta from 8) to the repository of the test above.
    const repo = publishVersion(scratch, 9, '2026-11-03T00:00:00Z');

    // The installed host, started as an ordinary user (nobody) as a browser would: what the
    // extension would send, in one go.
    const read = (name) => fs.readFileSync(path.join(repo, name));
    const frame = (message) => {
      const body = Buffer.from(JSON.stringify(message));
      const length = Buffer.alloc(4);
      length.writeUInt32LE(body.length);
      return Buffer.concat([length, body]);
    };
    const files = ['delta-8-9.jsonl', 'delta-8-9.jsonl.minisig'];
    const input = Buffer.concat([
      frame({ id: 1, type: 'update_offer', index: read('index.json').toString(), signature: read('index.json.minisig').toString(),
        source: 'https://lists.example/netral/' }),
      ...files.map((name, i) => frame({ id: 2 + i, type: 'update_file', name, offset: 0, data: read(name).toString('base64'), last: true })),
      frame({ id: 9, type: 'update_commit' }),
    ]);
    const host = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '/usr/bin/netral-host',
      `chrome-extension://${extensionId}/`], { input, env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' }, maxBuffer: 16 << 20 });
    assert.equal(host.status, 0, host.stderr.toString());
    const replies = [];
    for (let at = 0; at < host.stdout.length; at += 4 + host.stdout.readUInt32LE(at)) {
      replies.push(JSON.parse(host.stdout.subarray(at + 4, at + 4 + host.stdout.readUInt32LE(at)).toString()));
    }
    assert.equal(replies[0].state, 'needed', JSON.stringify(replies[0]));
    assert.deepEqual(replies[0].files.map((f) => f.name), files);
    assert.ok(replies[1].complete && replies[2].complete, JSON.stringify(replies.slice(1, 3)));
    assert.equal(replies[3].state, 'spooled', JSON.stringify(replies[3]));
    const own = fs.statSync('/var/spool/netral/65534');
    assert.equal(own.uid, 65534);
    assert.equal(own.mode & 0o777, 0o700, 'a user\'s spool is private');
    assert.equal(run('/usr/bin/netral', ['check', 'x', '@timmerahputih'], { must: false }).status, 3, 'still answering from list 8');
    assert.match(run('/usr/bin/netral', ['status']).stdout, /version 8\b/);

    const r = run(exec[0], exec.slice(1));
    assert.match(r.stdout, /Installed list version 9 \(was 8\) by a delta/);
    assert.match(run('/usr/bin/netral', ['status']).stdout, /Updates: +from https:\/\/lists\.example\/netral\/ \(web\)/);
  });

  test('Chromium: force-installed by policy from the local update server, block mode, the system host blocks a like', async () => {
    fs.writeFileSync(CHROMIUM_POLICY, JSON.stringify({
      ExtensionSettings: { [extensionId]: { installation_mode: 'force_installed', update_url: `http://127.0.0.1:${updatePort}/updates.xml` } },
      '3rdparty': { extensions: { [extensionId]: { mode: 'block' } } },
      DeveloperToolsAvailability: 1,   // test only: lets puppeteer see a force-installed extension's worker
    }));
    const profile = path.join(scratch, 'chromium-profile');
    const home = path.join(scratch, 'chromium-home');
    fs.mkdirSync(home);
    let browser;
    try {
      // doctor sees the policy that IT wrote.
      const withPolicy = doctor();
      assert.equal(withPolicy.status, 0, withPolicy.text);
      assert.ok(withPolicy.report.findings.some((f) => f.level === 'ok' && f.message.includes(`installs the extension ${extensionId}`)));
      assert.ok(withPolicy.report.findings.some((f) => f.level === 'ok' && f.message.includes("sets Netral's mode to block")));

      // Fixture hosts go direct (mapped to the local HTTPS server); everything else to a dead
      // proxy; loopback (the update server) is never proxied. Background networking stays on:
      // it runs the extension updater.
      const rules = SITE_HOSTS.flatMap((h) => [`MAP ${h} 127.0.0.1:${fixtures.port}`, `MAP *.${h} 127.0.0.1:${fixtures.port}`]).join(', ');
      browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        pipe: true,
        userDataDir: profile,
        ignoreDefaultArgs: ['--disable-extensions', '--disable-background-networking'],
        env: { ...process.env, HOME: home, LANGUAGE: 'id', LANG: 'id_ID.UTF-8' },
        args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync', '--ignore-certificate-errors',
          '--proxy-server=http://127.0.0.1:9', `--proxy-bypass-list=${SITE_HOSTS.flatMap((h) => [h, `*.${h}`]).join(';')}`,
          `--host-resolver-rules=${rules}`, '--lang=id', '--window-size=1280,900'],
      });
      await browser.waitForTarget(
        (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${extensionId}/`), { timeout: 60000 });
      assert.ok(updateRequests.includes('/updates.xml') && updateRequests.includes('/netral.crx'),
        `the browser fetched updates.xml and the CRX from the local server (${updateRequests.join(', ')})`);

      // The popup: installed by the administrator, block mode in storage.managed (it may arrive
      // late: wait for the event), connected to the host, the system list. (Asked from the popup
      // page, not the worker: a worker target can appear before its extension API is bound.)
      await inTab(browser, `chrome-extension://${extensionId}/src/popup/popup.html`, async (page) => {
        assert.equal((await page.evaluate(() => chrome.management.getSelf())).installType, 'admin');
        const managed = await within(30000, 'mode block in storage.managed', page.evaluate(() => new Promise((resolve) => {
          const take = (values) => { if (values.mode === 'block') resolve(values); };
          chrome.storage.onChanged.addListener((changes, area) => { if (area === 'managed') chrome.storage.managed.get().then(take); });
          chrome.storage.managed.get().then(take);
        })));
        assert.equal(managed.mode, 'block');
      });
      // Opened again now that the policy is in: the popup reads it when it opens.
      await inTab(browser, `chrome-extension://${extensionId}/src/popup/popup.html`, async (page) => {
        await page.waitForFunction(() => document.getElementById('host-state').textContent !== ''
          && document.getElementById('list-facts').textContent !== '', { timeout: 10000 });
        const text = await page.evaluate(() => document.body.innerText);
        assert.match(text, /Terhubung|Connected/);
        assert.match(text, new RegExp(ISSUER.replace(/[()]/g, '\\$&')));
        assert.match(text, /Blokir|Block/);
      });

      // The like on the listed post: warned, no way through, the page never sees it.
      await inTab(browser, SPEC.url, async (page, probe) => {
        await page.waitForFunction(() => Boolean(window.__netral), { timeout: 5000 });
        const facts = await exerciseListed(page, probe, LIKE, { mode: 'block', screenshot: artifact('it-chromium-block.png') });
        assert.equal(facts.closedRoot, true, 'the warning is in a closed shadow root');
        assert.equal(facts.hasProceed, false, 'no "Tetap lanjutkan" in block mode');
        assert.doesNotMatch(facts.said, /Tetap lanjutkan|Go on anyway/);
        assert.match(facts.said, /Akun kampanye terdaftar|Listed campaign account/);
        assert.match(facts.said, /tidak mengizinkan|policy does not allow/);
        assert.match(facts.said, new RegExp(ISSUER.replace(/[()]/g, '\\$&')), 'the system list answered');
        assert.equal(facts.ranWhileWarning, 0, "the page's like handler did not run while warned");
        assert.equal(facts.ranAfterCancel, 0, "the page's like handler never ran");
      });

      // It was the system host: no user-level manifest anywhere, and the host running under this
      // browser is /usr/bin/netral-host started for this extension.
      const userLevel = [path.join(profile, 'NativeMessagingHosts'), path.join(home, '.config/chromium/NativeMessagingHosts')]
        .flatMap((dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).map((name) => path.join(dir, name)) : []));
      assert.deepEqual(userLevel, [], 'no user-level host manifest in the profile or HOME');
      const hosts = descendants(browser.process().pid).filter((p) => p.exe === '/usr/bin/netral-host');
      assert.ok(hosts.some((p) => p.argv.includes(`chrome-extension://${extensionId}/`)),
        `the browser runs /usr/bin/netral-host for ${extensionId}: ${JSON.stringify(hosts)}`);
    } finally {
      await browser?.close();
      fs.rmSync(CHROMIUM_POLICY, { force: true });
    }
  });

  test('doctor passes, then reports each fault IT could make, and passes again once each is fixed', () => {
    const ok = () => { const result = doctor(); assert.equal(result.status, 0, result.text); };
    const restore = () => {
      assert.match(run('/usr/bin/netral', ['install', '--system', '--browser', 'chromium']).stdout, /chromium: wrote/);
      assert.match(run('/usr/bin/netral', ['install', '--system', '--browser', 'chromium']).stdout, /already up to date/);
      assert.equal(fs.readFileSync(CHROMIUM_MANIFEST, 'utf8'), packagedChromiumManifest, 'the restored manifest is the packaged one');
    };
    ok();

    fs.rmSync(CHROMIUM_MANIFEST);
    let result = doctor();
    assert.equal(result.status, 1);
    assert.match(result.text, new RegExp(`chromium: no host manifest \\(looked for ${CHROMIUM_MANIFEST}\\)`));
    restore();
    ok();

    run('/usr/bin/netral', ['install', '--system', '--browser', 'chromium', '--extension-id', 'abcdefghijklmnopabcdefghijklmnop']);
    result = doctor();
    assert.equal(result.status, 1);
    assert.match(result.text, new RegExp(`chromium: host manifest ${CHROMIUM_MANIFEST} does not allow the extension ${extensionId}`));
    restore();
    ok();

    fs.renameSync(KEY_FILE, `${KEY_FILE}.moved`);
    result = doctor();
    assert.equal(result.status, 1);
    assert.match(result.text, /keys: no trusted key in \/etc\/netral\/keys/);
    fs.renameSync(`${KEY_FILE}.moved`, KEY_FILE);
    ok();

    result = doctor({ NETRAL_NOW: '2031-01-01T00:00:00Z' });
    assert.equal(result.status, 1);
    assert.match(result.text, new RegExp(`list: list version \\d+ expired at ${LIST_EXPIRES}`));
    ok();
  });

  test('Firefox ESR: force-installed .xpi by policies.json, block mode, the system host blocks a like', async () => {
    if (fs.existsSync(FIREFOX_POLICY)) firefoxPolicyBackup = fs.readFileSync(FIREFOX_POLICY);
    else mkdirOwn(path.dirname(FIREFOX_POLICY));
    fs.writeFileSync(FIREFOX_POLICY, JSON.stringify({ policies: {
      ExtensionSettings: { [GECKO_ID]: { installation_mode: 'force_installed', install_url: `file://${SHARE}/netral.xpi` } },
      Preferences: { 'xpinstall.signatures.required': { Value: false, Status: 'locked' } },
      '3rdparty': { Extensions: { [GECKO_ID]: { mode: 'block' } } },
    } }));
    const home = path.join(scratch, 'firefox-home');
    fs.mkdirSync(home);
    const profile = path.join(scratch, 'firefox-profile');
    fs.mkdirSync(profile);
    const proxy = await startConnectProxy(fixtures.port, SITE_HOSTS);
    let browser;
    try {
      const result = doctor();
      assert.equal(result.status, 0, result.text);
      assert.ok(result.report.findings.some((f) => f.level === 'ok' && f.message === `${FIREFOX_POLICY} installs the extension ${GECKO_ID}`));
      assert.ok(result.report.findings.some((f) => f.subject === 'firefox' && f.message === `${FIREFOX_POLICY} sets Netral's mode to block`));

      browser = await puppeteer.launch({
        browser: 'firefox',
        executablePath: FIREFOX,
        headless: true,
        userDataDir: profile,   // fresh; the test never installs the extension itself
        acceptInsecureCerts: true,
        env: { ...process.env, HOME: home, MOZ_CRASHREPORTER_DISABLE: '1' },
        extraPrefsFirefox: {
          'network.proxy.type': 1, 'network.proxy.ssl': '127.0.0.1', 'network.proxy.ssl_port': proxy.port,
          'network.proxy.http': '127.0.0.1', 'network.proxy.http_port': proxy.port, 'network.proxy.no_proxies_on': '',
          'network.proxy.allow_hijacking_localhost': true, 'network.dns.disablePrefetch': true,
          'browser.safebrowsing.malware.enabled': false, 'browser.safebrowsing.phishing.enabled': false,
          'intl.locale.requested': 'en-US',
        },
      });

      // The fixture page. Firefox has no event for "the policy's add-on is running", and the
      // extension asks the host about the page's accounts as it loads: wait (bounded) for
      // Firefox to start /usr/bin/netral-host, which it does through the system manifest.
      const page = await browser.newPage();
      await page.goto(SPEC.url, { waitUntil: 'load' });
      await page.waitForFunction(() => Boolean(window.__netral), { timeout: 5000 });
      const hosts = await pollFor(10000, 'Firefox starting /usr/bin/netral-host', () => {
        const found = descendants(browser.process().pid).filter((p) => p.exe === '/usr/bin/netral-host');
        return found.length ? found : null;
      });
      assert.ok(hosts.some((p) => p.argv.includes(FIREFOX_MANIFEST) && p.argv.includes(GECKO_ID)),
        `Firefox runs /usr/bin/netral-host through ${FIREFOX_MANIFEST}: ${JSON.stringify(hosts)}`);
      assert.equal(fs.existsSync(path.join(home, '.mozilla/native-messaging-hosts')), false, 'no user-level manifest');

      // The like on the listed post: the warning takes the focus; Tab + Enter (the way through
      // in warn mode) leads nowhere; the page never sees the like.
      const likes = () => page.evaluate((s) => window.__netral.count(s, 'click'), LIKE.selector);
      const warningOpen = (want) => page.waitForFunction((w) => {
        const active = document.activeElement;
        const open = Boolean(active) && active.tagName === 'DIV' && active.shadowRoot === null
          && (active.getAttribute('style') || '').includes('2147483647');
        return open === w;
      }, { timeout: 5000, polling: 50 }, want);
      assert.equal(await likes(), 0);
      await page.click(LIKE.selector);
      await warningOpen(true);
      await page.screenshot({ path: artifact('it-firefox-block.png') });
      assert.equal(await likes(), 0, "the page's like handler did not run while warned");
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await warningOpen(false);
      assert.equal(await likes(), 0, 'no way through: the like never reached the page');

      // Firefox's own record: the add-on came from the enterprise policy and is active.
      await browser.close();
      browser = null;
      const addon = JSON.parse(fs.readFileSync(path.join(profile, 'extensions.json'), 'utf8')).addons.find((a) => a.id === GECKO_ID);
      assert.equal(addon?.installTelemetryInfo?.source, 'enterprise-policy');
      assert.equal(addon.active, true);
    } finally {
      await browser?.close();
      await proxy.close();
      if (firefoxPolicyBackup !== null) fs.writeFileSync(FIREFOX_POLICY, firefoxPolicyBackup);
      else fs.rmSync(FIREFOX_POLICY, { force: true });
    }
  });

  test('dpkg --purge removes every file of the package and the installed list', () => {
    fs.rmSync(KEY_FILE, { force: true });   // the administrator's file, not the package's
    run('dpkg', ['--purge', 'netral']);
    const left = packageFiles.filter((p) => !existedBefore.has(p) && fs.existsSync(p));
    assert.deepEqual(left, [], 'nothing of the package remains');
    assert.equal(fs.existsSync('/var/lib/netral'), false, '/var/lib/netral is gone');
    assert.equal(fs.existsSync('/var/spool/netral'), false, '/var/spool/netral is gone');
    assert.equal(fs.existsSync('/etc/systemd/system/paths.target.wants/netral-spool.path'), false, 'the path unit is no longer enabled');
    assert.equal(fs.existsSync('/etc/netral'), false, '/etc/netral is gone');
  });
});
