// netral doctor on the Linux corners: browsers packaged as snaps or Flatpaks, and a Firefox told
// to force-install an .xpi it will refuse (release Firefox installs only Mozilla-signed add-ons).
// Each machine is a sandboxed system root (NETRAL_ROOT) and HOME holding what the packages put
// there; the .xpi files are real zips made by zip(1).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { CLI_BIN, EXIT, GUARD_MS, HOST_BIN, SOURCE_DIR, makeSandbox } from './lib.mjs';

const GECKO_ID = 'netral@netral.id';
const FIREFOX_MANIFEST = 'usr/lib/mozilla/native-messaging-hosts/id.netral.host.json';
const PACKAGED_XPI = '/usr/share/netral/extension/netral.xpi';
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0 ? false : 'needs root: acts as another user (nobody)';

// A machine set up as the guide says (Debian's Chromium, host manifests, a key and a list), to
// which each test adds the packaging it is about.
async function machine(t) {
  const sb = await makeSandbox(t);
  sb.systemRoot = path.join(sb.root, 'system');
  sb.sys = (...parts) => path.join(sb.systemRoot, ...parts);
  sb.put = (file, content = '') => {
    fs.mkdirSync(path.dirname(sb.sys(file)), { recursive: true });
    fs.writeFileSync(sb.sys(file), content);
  };
  sb.put('usr/bin/chromium');
  sb.env = { ...sb.env, NETRAL_ROOT: sb.systemRoot };
  const r = await sb.cli(['install', '--system', '--browser', 'all', '--host-path', HOST_BIN]);
  assert.equal(r.status, EXIT.OK, r.stderr);
  await sb.install(1, { expires: '2099-01-01T00:00:00Z' });
  return sb;
}

// The findings whose message matches RE (the sandbox's random name left out of the match).
function findings(sb, stdout) {
  const report = JSON.parse(stdout);
  const about = (re) => report.findings.filter((f) => re.test(f.message.split(sb.root).join('<sandbox>')));
  return { report, about };
}

async function doctor(sb) {
  const r = await sb.cli(['doctor', '--json']);
  const { report, about } = findings(sb, r.stdout);
  return { status: r.status, findings: report.findings, about, fails: report.findings.filter((f) => f.level === 'fail') };
}

// A Firefox installed in DIR as Mozilla's builds are: application.ini and channel-prefs.js.
function installFirefox(sb, dir, { version, channel }) {
  const repository = channel === 'esr' ? `mozilla-esr${version.split('.')[0]}` : `mozilla-${channel}`;
  sb.put(`${dir}/application.ini`, [
    '[App]', 'Vendor=Mozilla', 'Name=Firefox', `Version=${version}`, 'BuildID=20261117185949',
    `SourceRepository=https://hg.mozilla.org/releases/${repository}`, 'ID={ec8030f7-c20a-464f-9b0e-13a3a9e97384}', '',
  ].join('\n'));
  sb.put(`${dir}/defaults/pref/channel-prefs.js`, `// channel\npref("app.update.channel", "${channel}");\n`);
}

// An .xpi at the system path FILE: a zip of a manifest and, when SIGNATURE names one, that file
// under META-INF/ (what addons.mozilla.org adds when it signs).
function makeXpi(sb, file, { signature } = {}) {
  const src = fs.mkdtempSync(path.join(sb.work, 'xpi-'));
  fs.writeFileSync(path.join(src, 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'Netral', version: '0.1.0' }));
  const members = ['manifest.json'];
  if (signature) {
    fs.mkdirSync(path.join(src, 'META-INF'));
    for (const name of [signature, 'manifest.mf']) fs.writeFileSync(path.join(src, 'META-INF', name), 'signature bytes');
    members.push(`META-INF/${signature}`, 'META-INF/manifest.mf');
  }
  fs.mkdirSync(path.dirname(sb.sys(file)), { recursive: true });
  const r = spawnSync('zip', ['-q', '-X', sb.sys(file), ...members], { cwd: src, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

function firefoxPolicy(installUrl, extra = {}) {
  return JSON.stringify({
    policies: {
      ExtensionSettings: { [GECKO_ID]: { installation_mode: 'force_installed', install_url: installUrl } },
      ...extra,
    },
  });
}

describe('snap and Flatpak browsers', () => {
  test('doctor should say nothing about snaps, Flatpaks or signing where none of them is installed', async (t) => {
    const sb = await machine(t);
    const d = await doctor(sb);
    assert.deepEqual(d.fails, []);
    assert.equal(d.status, EXIT.OK);
    assert.deepEqual(d.about(/snap|Flatpak|sign|\.xpi|ESR/i), []);
  });

  test('doctor should fail on the Chromium snap, which cannot start the host, and name the deb instead', async (t) => {
    const sb = await machine(t);
    sb.put('snap/bin/chromium');
    const d = await doctor(sb);
    assert.equal(d.status, EXIT.FAILED);
    const [f] = d.about(/installed as a snap/);
    assert.equal(f.level, 'fail');
    assert.equal(f.subject, 'chromium');
    assert.match(f.message, /\/snap\/bin\/chromium.*cannot reach its host/);
    assert.match(f.fix, /Google Chrome's \.deb/);
    assert.match(f.fix, /snap remove chromium/);
  });

  test('doctor should tell how the Firefox snap reaches the host: the portal, reading the system manifest', async (t) => {
    const sb = await machine(t);
    sb.put('snap/firefox/current/usr/lib/firefox/firefox');
    const d = await doctor(sb);
    assert.deepEqual(d.fails, []);
    const [f] = d.about(/installed as a snap/);
    assert.equal(f.level, 'warn');
    assert.equal(f.subject, 'firefox');
    assert.match(f.message, /WebExtensions portal.*Ubuntu 22\.04/);
    assert.ok(f.message.includes(sb.sys(FIREFOX_MANIFEST)), f.message);
    assert.match(f.fix, /allow the request/);
  });

  test('doctor should fail on the Firefox snap when the manifest the portal reads is missing', async (t) => {
    const sb = await machine(t);
    fs.mkdirSync(sb.sys('snap/firefox/current'), { recursive: true });
    fs.rmSync(sb.sys(FIREFOX_MANIFEST));
    const d = await doctor(sb);
    assert.equal(d.status, EXIT.FAILED);
    const [f] = d.about(/installed as a snap/);
    assert.equal(f.level, 'fail');
    assert.match(f.message, /and there is none/);
    assert.equal(f.fix, 'netral install --system --browser firefox');
  });

  test('doctor should fail on a Flatpak Chromium and warn on a Flatpak Firefox installed for the user', async (t) => {
    const sb = await machine(t);
    fs.mkdirSync(sb.sys('var/lib/flatpak/app/org.chromium.Chromium/current'), { recursive: true });
    fs.mkdirSync(path.join(sb.root, '.local/share/flatpak/app/org.mozilla.firefox/current'), { recursive: true });
    const d = await doctor(sb);
    assert.equal(d.status, EXIT.FAILED);
    const flatpaks = d.about(/installed as a Flatpak/);
    assert.equal(flatpaks.length, 2);
    const chromium = flatpaks.find((f) => f.subject === 'chromium');
    assert.equal(chromium.level, 'fail');
    assert.match(chromium.message, /\/var\/lib\/flatpak\/app\/org\.chromium\.Chromium/);
    assert.match(chromium.fix, /flatpak uninstall org\.chromium\.Chromium/);
    const firefox = flatpaks.find((f) => f.subject === 'firefox');
    assert.equal(firefox.level, 'warn');
    assert.ok(firefox.message.includes(path.join(sb.root, '.local/share/flatpak/app/org.mozilla.firefox')));
    assert.match(firefox.message, /xdg-native-messaging-proxy/);
  });
});

describe('Firefox and unsigned add-ons', () => {
  test('doctor should fail when a release Firefox is told to force-install an unsigned .xpi, and say how to sign it', async (t) => {
    const sb = await machine(t);
    installFirefox(sb, 'usr/lib/firefox', { version: '157.0.1', channel: 'release' });
    makeXpi(sb, PACKAGED_XPI);
    sb.put('etc/firefox/policies/policies.json', firefoxPolicy(`file://${PACKAGED_XPI}`));
    const d = await doctor(sb);
    assert.equal(d.status, EXIT.FAILED);
    const [f] = d.about(/signed by Mozilla/);
    assert.equal(f.level, 'fail');
    assert.match(f.message, /Firefox 157\.0\.1 \(\/usr\/lib\/firefox, channel release\)/);
    assert.match(f.message, /\/usr\/share\/netral\/extension\/netral\.xpi .*is unsigned/);
    assert.match(f.fix, /web-ext sign --channel=unlisted/);
  });

  test('doctor should accept a signed .xpi for a release Firefox (PKCS#7 or COSE signature)', async (t) => {
    for (const signature of ['mozilla.rsa', 'cose.sig']) {
      const sb = await machine(t);
      installFirefox(sb, 'usr/lib/firefox', { version: '157.0.1', channel: 'release' });
      makeXpi(sb, '/srv/netral/netral signed.xpi', { signature });
      sb.put('usr/lib/firefox/distribution/policies.json', firefoxPolicy('file:///srv/netral/netral%20signed.xpi'));
      const d = await doctor(sb);
      assert.deepEqual(d.fails, [], signature);
      const [f] = d.about(/force-installs/);
      assert.equal(f.level, 'ok');
      assert.match(f.message, new RegExp(`signed \\(it holds META-INF/${signature.replace('.', '\\.')}\\)`));
    }
  });

  test('doctor should accept an unsigned .xpi on Firefox ESR with the guide\'s policy, and fail without its preference', async (t) => {
    const sb = await machine(t);
    installFirefox(sb, 'usr/lib/firefox-esr', { version: '153.8.0', channel: 'esr' });
    makeXpi(sb, PACKAGED_XPI);
    const template = fs.readFileSync(path.join(SOURCE_DIR, 'manifests/policies/firefox/policies-esr-unsigned.json'), 'utf8');
    assert.ok(template.includes(`file://${PACKAGED_XPI}`), 'the template points at the packaged .xpi');
    sb.put('etc/firefox/policies/policies.json', template);
    const allowed = await doctor(sb);
    assert.deepEqual(allowed.fails, []);
    assert.match(allowed.about(/force-installs/)[0].message, /unsigned .*Firefox 153\.8\.0 ESR.*signature checks off/);

    sb.put('etc/firefox/policies/policies.json', firefoxPolicy(`file://${PACKAGED_XPI}`));
    const refused = await doctor(sb);
    assert.equal(refused.status, EXIT.FAILED);
    const [f] = refused.about(/requires signed add-ons/);
    assert.equal(f.level, 'fail');
    assert.match(f.fix, /xpinstall\.signatures\.required/);
  });

  test('doctor should fail on an .xpi that is missing or is not a zip', async (t) => {
    const sb = await machine(t);
    installFirefox(sb, 'usr/lib/firefox', { version: '157.0.1', channel: 'release' });
    sb.put('etc/firefox/policies/policies.json', firefoxPolicy(`file://${PACKAGED_XPI}`));
    const missing = await doctor(sb);
    assert.match(missing.fails.find((f) => f.subject === 'firefox').message, /netral\.xpi for Firefox .*cannot be read/);
    makeXpi(sb, PACKAGED_XPI, { signature: 'mozilla.rsa' });
    const whole = fs.readFileSync(sb.sys(PACKAGED_XPI));
    fs.writeFileSync(sb.sys(PACKAGED_XPI), whole.subarray(0, whole.length - 30));   // cut in the directory
    const truncated = await doctor(sb);
    assert.match(truncated.fails.find((f) => f.subject === 'firefox').message, /not an \.xpi Firefox can install: not a zip file/);
  });

  test('doctor should not judge an .xpi served over https, nor a policy without Firefox installed', async (t) => {
    const sb = await machine(t);
    sb.put('etc/firefox/policies/policies.json', firefoxPolicy(`file://${PACKAGED_XPI}`));
    assert.deepEqual((await doctor(sb)).about(/sign|\.xpi/), []);   // no Firefox here: nothing reads it
    installFirefox(sb, 'usr/lib/firefox', { version: '157.0.1', channel: 'release' });
    sb.put('etc/firefox/policies/policies.json', firefoxPolicy('https://it.example.go.id/netral/netral-0.1.0.xpi'));
    const d = await doctor(sb);
    assert.deepEqual(d.fails, []);
    assert.deepEqual(d.about(/signed|unsigned/), []);
  });
});

describe('the probed system root', () => {
  test('doctor should say which root it checks, and a netral root installed should ignore another user\'s NETRAL_ROOT', { skip: asRoot }, async (t) => {
    const sb = await machine(t);
    sb.put('snap/bin/chromium');
    const own = await doctor(sb);
    const [notice] = own.about(/NETRAL_ROOT/);
    assert.equal(notice.level, 'warn');
    assert.ok(notice.message.includes(sb.systemRoot), 'a report about another tree says so');
    assert.equal(own.about(/installed as a snap/).length, 1, 'the build\'s own user may point it at a tree');

    // The same program as root installs it (root's file, in root's directory), run by nobody
    // with the same environment: it checks the machine itself, not the tree nobody names.
    const bin = path.join(sb.root, 'bin');
    fs.mkdirSync(bin, { mode: 0o755 });
    fs.chmodSync(sb.root, 0o755);
    fs.copyFileSync(CLI_BIN, path.join(bin, 'netral'));
    fs.chmodSync(path.join(bin, 'netral'), 0o755);
    const r = spawnSync(path.join(bin, 'netral'), ['doctor', '--json'],
      { env: sb.env, uid: NOBODY, gid: NOBODY, cwd: '/', encoding: 'utf8', timeout: GUARD_MS });
    assert.ok(r.stdout, r.stderr);
    const { report, about } = findings(sb, r.stdout);
    assert.deepEqual(about(/NETRAL_ROOT/), [], 'NETRAL_ROOT is not followed');
    const named = report.findings.filter((f) => f.message.includes(sb.root) || (f.fix || '').includes(sb.root));
    assert.deepEqual(named, [], 'nothing under the user\'s NETRAL_ROOT (nor NETRAL_CONFIG_DIR) was looked at');
  });
});

describe('the modes of a Chromium policy', () => {
  const policy = (settings) => JSON.stringify({ '3rdparty': { extensions: { agbjhpfjmmgmllicjnfkepfagmiajhfi: settings } } });

  test('acknowledge and per-action modes are accepted; audit is said to show no warning; a table entry that is no mode fails, named', async (t) => {
    const sb = await machine(t);
    const file = 'etc/chromium/policies/managed/netral.json';
    sb.put(file, policy({ mode: 'acknowledge', actionModes: { follow: 'block', like: 'audit' }, siteModes: { x: 'warn' } }));
    let d = await doctor(sb);
    assert.equal(d.about(/which is not a mode|not a mode/).length, 0, JSON.stringify(d.fails));
    assert.equal(d.about(/sets Netral's mode to acknowledge/).filter((f) => f.level === 'ok').length, 1);

    sb.put(file, policy({ mode: 'audit' }));
    d = await doctor(sb);
    assert.equal(d.about(/mode: audit: no warning is shown/).filter((f) => f.level === 'warn').length, 1);

    sb.put(file, policy({ mode: 'warn', actionModes: { follow: 'blok' } }));
    d = await doctor(sb);
    const bad = d.about(/sets actionModes\.follow to something that is not a mode/);
    assert.equal(bad.length, 1);
    assert.equal(bad[0].level, 'fail');
    assert.match(bad[0].fix, /warn, acknowledge, block, audit or off/);
  });
});
