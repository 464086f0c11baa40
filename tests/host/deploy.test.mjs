// netral install / uninstall / doctor, against a sandboxed system root (NETRAL_ROOT) and HOME,
// so that nothing is written outside the sandbox and the machine's own browsers do not matter.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { BUILD_DIR, EXIT, HOST_BIN, makeSandbox } from './lib.mjs';

const CHROMIUM_ID = 'agbjhpfjmmgmllicjnfkepfagmiajhfi';
const SYSTEM_MANIFEST = 'etc/chromium/native-messaging-hosts/id.netral.host.json';
const FIREFOX_SYSTEM_MANIFEST = 'usr/lib/mozilla/native-messaging-hosts/id.netral.host.json';

// A sandbox whose system root has Chromium and Firefox "installed" (their executables exist).
async function machine(t) {
  const sb = await makeSandbox(t);
  sb.systemRoot = path.join(sb.root, 'system');
  for (const exe of ['usr/bin/chromium', 'usr/bin/firefox-esr']) {
    fs.mkdirSync(path.dirname(path.join(sb.systemRoot, exe)), { recursive: true });
    fs.writeFileSync(path.join(sb.systemRoot, exe), '');
  }
  sb.env = { ...sb.env, NETRAL_ROOT: sb.systemRoot };
  sb.sys = (...parts) => path.join(sb.systemRoot, ...parts);
  return sb;
}

// A machine set up as IT should: system manifests, a trusted key, a current list.
async function healthyMachine(t) {
  const sb = await machine(t);
  const r = await sb.cli(['install', '--system', '--host-path', HOST_BIN]);
  assert.equal(r.status, EXIT.OK, r.stderr);
  await sb.install(1, { expires: '2099-01-01T00:00:00Z' });
  return sb;
}

async function doctor(sb, env) {
  const r = await sb.cli(['doctor', '--json'], { env });
  const report = JSON.parse(r.stdout);
  return { status: r.status, report, fails: report.findings.filter((f) => f.level === 'fail') };
}

describe('install and uninstall', () => {
  test('install should write the same bytes as the packaged manifests from manifests/host/', async (t) => {
    const sb = await machine(t);
    for (const [browser, built] of [['chromium', 'chromium'], ['firefox', 'firefox']]) {
      const packaged = fs.readFileSync(path.join(BUILD_DIR, 'manifests', built, 'id.netral.host.json'), 'utf8');
      const hostPath = JSON.parse(packaged).path;
      const r = await sb.cli(['install', '--system', '--browser', browser, '--host-path', hostPath]);
      assert.equal(r.status, EXIT.OK, r.stderr);
      const written = browser === 'firefox' ? FIREFOX_SYSTEM_MANIFEST : SYSTEM_MANIFEST;
      assert.equal(fs.readFileSync(sb.sys(written), 'utf8'), packaged);
    }
  });

  test('install should allow exactly the extension, and be idempotent, saying so', async (t) => {
    const sb = await machine(t);
    const first = await sb.cli(['install', '--system', '--host-path', HOST_BIN]);
    assert.equal(first.status, EXIT.OK, first.stderr);
    assert.match(first.stdout, /chromium: wrote/);
    assert.match(first.stdout, /firefox: wrote/);
    const manifest = JSON.parse(fs.readFileSync(sb.sys(SYSTEM_MANIFEST), 'utf8'));
    assert.deepEqual(manifest.allowed_origins, [`chrome-extension://${CHROMIUM_ID}/`]);
    assert.equal(manifest.path, HOST_BIN);
    const ff = JSON.parse(fs.readFileSync(sb.sys(FIREFOX_SYSTEM_MANIFEST), 'utf8'));
    assert.deepEqual(ff.allowed_extensions, ['netral@netral.id']);
    const again = await sb.cli(['install', '--system', '--host-path', HOST_BIN]);
    assert.match(again.stdout, /chromium: already up to date/);
  });

  test('install --user should write under HOME only', async (t) => {
    const sb = await machine(t);
    const r = await sb.cli(['install', '--user', '--browser', 'chromium', '--host-path', HOST_BIN]);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.ok(fs.existsSync(path.join(sb.root, '.config/chromium/NativeMessagingHosts/id.netral.host.json')));
    assert.equal(fs.existsSync(sb.sys(SYSTEM_MANIFEST)), false);
  });

  test('uninstall should remove the manifests, and then say there is nothing to remove', async (t) => {
    const sb = await machine(t);
    await sb.cli(['install', '--system', '--browser', 'all', '--host-path', HOST_BIN]);
    const r = await sb.cli(['uninstall', '--system', '--browser', 'all']);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.equal(fs.existsSync(sb.sys(SYSTEM_MANIFEST)), false);
    assert.equal((r.stdout.match(/removed/g) || []).length, 4);
    const again = await sb.cli(['uninstall', '--system', '--browser', 'all']);
    assert.equal(again.status, EXIT.OK);
    assert.equal((again.stdout.match(/nothing to remove/g) || []).length, 4);
  });

  test('install should refuse a malformed extension id and an unknown browser', async (t) => {
    const sb = await machine(t);
    assert.equal((await sb.cli(['install', '--system', '--extension-id', 'not-an-id'])).status, EXIT.USAGE);
    assert.equal((await sb.cli(['install', '--system', '--browser', 'netscape'])).status, EXIT.USAGE);
    assert.equal((await sb.cli(['install'])).status, EXIT.USAGE);
  });
});

describe('doctor', () => {
  test('doctor should pass on a machine set up as the guide says', async (t) => {
    const sb = await healthyMachine(t);
    const d = await doctor(sb);
    assert.deepEqual(d.fails, []);
    assert.equal(d.status, EXIT.OK);
    assert.ok(d.report.findings.some((f) => f.subject === 'host' && f.level === 'ok'), 'the host was started and answered');
  });

  test('doctor should report a missing host manifest, with the fix', async (t) => {
    const sb = await healthyMachine(t);
    fs.rmSync(sb.sys(SYSTEM_MANIFEST));
    const d = await doctor(sb);
    assert.equal(d.status, EXIT.FAILED);
    const f = d.fails.find((x) => x.subject === 'chromium');
    assert.match(f.message, /no host manifest/);
    assert.match(f.fix, /netral install --system --browser chromium/);
  });

  test('doctor should report a manifest that allows another extension id', async (t) => {
    const sb = await healthyMachine(t);
    await sb.cli(['install', '--system', '--browser', 'chromium', '--host-path', HOST_BIN,
      '--extension-id', 'abcdefghijklmnopabcdefghijklmnop']);
    const d = await doctor(sb);
    assert.equal(d.status, EXIT.FAILED);
    assert.match(d.fails.find((x) => x.subject === 'chromium').message, new RegExp(`does not allow the extension ${CHROMIUM_ID}`));
  });

  test('doctor should report a manifest pointing at a missing host, and a broken manifest', async (t) => {
    const sb = await healthyMachine(t);
    await sb.cli(['install', '--system', '--browser', 'chromium', '--host-path', '/nonexistent/netral-host']);
    fs.writeFileSync(sb.sys(FIREFOX_SYSTEM_MANIFEST), '{"name": ');
    const d = await doctor(sb);
    assert.equal(d.status, EXIT.FAILED);
    assert.match(d.fails.find((x) => x.subject === 'chromium').message, /not an executable/);
    assert.match(d.fails.find((x) => x.subject === 'firefox').message, /not valid JSON/);
  });

  test('doctor should report that no key is trusted', async (t) => {
    const sb = await healthyMachine(t);
    for (const f of fs.readdirSync(sb.keysDir)) fs.rmSync(path.join(sb.keysDir, f));
    const d = await doctor(sb);
    assert.equal(d.status, EXIT.FAILED);
    assert.match(d.fails.find((x) => x.subject === 'keys').message, /no trusted key/);
  });

  test('doctor should report an expired list and a missing list', async (t) => {
    const sb = await healthyMachine(t);
    const expired = await doctor(sb, { NETRAL_NOW: '2099-06-01T00:00:00Z' });
    assert.equal(expired.status, EXIT.FAILED);
    assert.match(expired.fails.find((x) => x.subject === 'list').message, /expired at 2099-01-01T00:00:00Z/);
    fs.rmSync(sb.data('netral.db'));
    const none = await doctor(sb);
    assert.match(none.fails.find((x) => x.subject === 'list').message, /no list is installed/);
  });

  test('doctor should report a policy file the browser would ignore, and a policy that blocks the host', async (t) => {
    const sb = await healthyMachine(t);
    const dir = sb.sys('etc/chromium/policies/managed');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ "ExtensionSettings": ');
    fs.writeFileSync(path.join(dir, 'lockdown.json'), JSON.stringify({ NativeMessagingBlocklist: ['*'] }));
    const d = await doctor(sb);
    assert.equal(d.status, EXIT.FAILED);
    const messages = d.fails.filter((x) => x.subject === 'chromium').map((x) => x.message).join('\n');
    assert.match(messages, /broken\.json is not valid JSON/);
    assert.match(messages, /blocks all native hosts/);
  });

  test('doctor should accept a policy that force-installs the extension and allows its host', async (t) => {
    const sb = await healthyMachine(t);
    const dir = sb.sys('etc/chromium/policies/managed');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'netral.json'), JSON.stringify({
      ExtensionSettings: { [CHROMIUM_ID]: { installation_mode: 'force_installed', update_url: 'https://it.example/u.xml' } },
      NativeMessagingBlocklist: ['*'], NativeMessagingAllowlist: ['id.netral.host'],
      '3rdparty': { extensions: { [CHROMIUM_ID]: { mode: 'block' } } },
    }));
    const d = await doctor(sb);
    assert.deepEqual(d.fails, []);
    assert.ok(d.report.findings.some((f) => f.level === 'ok' && /installs the extension/.test(f.message)));
    assert.ok(d.report.findings.some((f) => f.level === 'ok' && /mode to block/.test(f.message)));
  });
});
