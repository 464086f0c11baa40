// The policy templates say the same thing on every system. manifests/policies/linux/netral.json
// is tested end to end with Chromium (tests/e2e/); the Windows .reg files and the macOS
// configuration profiles must carry the same settings, and every template must name the
// extension and host the build uses and only settings the extension's managed_schema.json knows.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SOURCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const POLICIES = path.join(SOURCE_DIR, 'manifests', 'policies');
const EXTENSION_ID = 'agbjhpfjmmgmllicjnfkepfagmiajhfi';
const GECKO_ID = 'netral@netral.id';

const read = (...parts) => fs.readFileSync(path.join(POLICIES, ...parts), 'utf8');
const linux = JSON.parse(read('linux', 'netral.json'));
const schema = JSON.parse(fs.readFileSync(path.join(SOURCE_DIR, 'extension', 'managed_schema.json'), 'utf8'));

// ---- a .reg file: { 'HKEY_...\\Key': { name: value } }, "@" for the default value ----

function parseReg(text) {
  const lines = text.split(/\r?\n/);
  assert.equal(lines[0], 'Windows Registry Editor Version 5.00');
  const keys = {};
  let current = null;
  for (const line of lines.slice(1)) {
    if (line === '' || line.startsWith(';')) continue;
    const section = line.match(/^\[(.+)\]$/);
    if (section) {
      current = keys[section[1]] = {};
      continue;
    }
    const value = line.match(/^(@|"((?:[^"\\]|\\.)*)")=(?:"((?:[^"\\]|\\.)*)"|dword:([0-9a-f]{8}))$/);
    assert.ok(value && current, `not a .reg value line: ${line}`);
    const name = value[1] === '@' ? '@' : value[2].replace(/\\(.)/g, '$1');
    current[name] = value[4] !== undefined ? parseInt(value[4], 16) : value[3].replace(/\\(.)/g, '$1');
  }
  return keys;
}

// A list policy as a .reg key of numbered values, in order.
const regList = (key) => Object.keys(key).sort((a, b) => a - b).map((n) => key[n]);

// ---- a property list (the XML of a .mobileconfig) ----

function parsePlist(text) {
  const body = text.replace(/<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--[\s\S]*?-->/g, '');
  const tokens = [...body.matchAll(/<(\/?)(\w+)(?:\s[^>]*?)?(\/?)>|([^<]+)/g)]
    .map(([, close, tag, selfClosing, textPart]) => ({ close, tag, selfClosing, text: textPart }))
    .filter((t) => t.tag || t.text.trim() !== '');
  let at = 0;
  const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  const expect = (tag, close = '') => {
    const t = tokens[at++];
    assert.ok(t && t.tag === tag && t.close === close, `plist: expected <${close}${tag}> at token ${at - 1}`);
  };
  function value() {
    const t = tokens[at++];
    if (t.selfClosing && (t.tag === 'true' || t.tag === 'false')) return t.tag === 'true';
    if (t.tag === 'string' || t.tag === 'integer' || t.tag === 'key') {
      const inner = tokens[at].tag ? '' : unescape(tokens[at++].text);
      expect(t.tag, '/');
      return t.tag === 'integer' ? Number(inner) : inner;
    }
    if (t.tag === 'array') {
      const items = [];
      while (!(tokens[at].tag === 'array' && tokens[at].close)) items.push(value());
      at++;
      return items;
    }
    if (t.tag === 'dict') {
      const dict = {};
      while (!(tokens[at].tag === 'dict' && tokens[at].close)) {
        assert.equal(tokens[at].tag, 'key', 'plist: a dict holds key/value pairs');
        const k = value();
        dict[k] = value();
      }
      at++;
      return dict;
    }
    throw new Error(`plist: unexpected <${t.close}${t.tag}>`);
  }
  expect('plist');
  const root = value();
  expect('plist', '/');
  return root;
}

// ---- the checks ----

test('the Linux policy names the build\'s extension and host, with only settings the schema knows', () => {
  assert.equal(linux.ExtensionSettings[EXTENSION_ID].installation_mode, 'force_installed');
  assert.deepEqual(linux.NativeMessagingAllowlist, ['id.netral.host']);
  const settings = linux['3rdparty'].extensions[EXTENSION_ID];
  // Objects (actionModes, siteModes, guidanceText) have fixed properties, each checked in turn.
  const fits = (name, v, property) => {
    assert.ok(property, `${name} is not in managed_schema.json`);
    if (property.enum) assert.ok(property.enum.includes(v), `${name}: ${v} is not one of ${property.enum}`);
    if (property.type === 'object') {
      for (const [key, inner] of Object.entries(v)) fits(`${name}.${key}`, inner, property.properties[key]);
    }
  };
  for (const [name, v] of Object.entries(settings)) fits(name, v, schema.properties[name]);
  for (const name of ['actionModes', 'siteModes', 'guidanceText', 'guidanceUrl']) assert.ok(name in settings, `the template shows ${name}`);
});

for (const [file, vendor] of [['chrome.reg', 'Google\\Chrome'], ['edge.reg', 'Microsoft\\Edge']]) {
  test(`windows/${file} sets what linux/netral.json sets`, () => {
    const reg = parseReg(read('windows', file));
    const root = `HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\${vendor}`;
    assert.deepEqual(JSON.parse(reg[root].ExtensionSettings), linux.ExtensionSettings);
    assert.equal(reg[root].NativeMessagingUserLevelHosts, Number(linux.NativeMessagingUserLevelHosts));
    assert.deepEqual(regList(reg[`${root}\\NativeMessagingBlocklist`]), linux.NativeMessagingBlocklist);
    assert.deepEqual(regList(reg[`${root}\\NativeMessagingAllowlist`]), linux.NativeMessagingAllowlist);
    // Netral's lists (listUrl) are subkeys of numbered values under its policy key, its objects
    // (actionModes, siteModes, guidanceText) subkeys of named values.
    const policyKey = `${root}\\3rdparty\\extensions\\${EXTENSION_ID}\\policy`;
    const lists = Object.keys(reg).filter((key) => key.startsWith(`${policyKey}\\`)).map((key) => {
      const name = key.slice(policyKey.length + 1);
      return [name, schema.properties[name].type === 'array' ? regList(reg[key]) : reg[key]];
    });
    assert.deepEqual({ ...reg[policyKey], ...Object.fromEntries(lists) }, linux['3rdparty'].extensions[EXTENSION_ID]);
    // The host registration names the manifest where `netral install --system` writes it.
    const browser = vendor === 'Google\\Chrome' ? 'chrome' : 'edge';
    assert.equal(reg[`HKEY_LOCAL_MACHINE\\SOFTWARE\\${vendor}\\NativeMessagingHosts\\id.netral.host`]['@'],
      `C:\\Program Files\\Netral\\NativeMessagingHosts\\${browser}\\id.netral.host.json`);
  });
}

test('windows/firefox-native-host.reg registers the manifest where `netral install --system` writes it', () => {
  const reg = parseReg(read('windows', 'firefox-native-host.reg'));
  assert.equal(reg['HKEY_LOCAL_MACHINE\\SOFTWARE\\Mozilla\\NativeMessagingHosts\\id.netral.host']['@'],
    'C:\\Program Files\\Netral\\NativeMessagingHosts\\firefox\\id.netral.host.json');
});

for (const [file, domain] of [['com.google.Chrome.mobileconfig', 'com.google.Chrome'],
  ['com.microsoft.Edge.mobileconfig', 'com.microsoft.Edge']]) {
  test(`macos/${file} is a property list that enforces what linux/netral.json sets`, () => {
    const profile = parsePlist(read('macos', file));
    assert.equal(profile.PayloadType, 'Configuration');
    const payload = profile.PayloadContent.find((p) => p.PayloadType === 'com.apple.ManagedClient.preferences');
    assert.ok(payload, 'a com.apple.ManagedClient.preferences payload');
    const browserPolicy = payload.PayloadContent[domain].Forced[0].mcx_preference_settings;
    assert.deepEqual(browserPolicy, {
      ExtensionSettings: linux.ExtensionSettings,
      NativeMessagingBlocklist: linux.NativeMessagingBlocklist,
      NativeMessagingAllowlist: linux.NativeMessagingAllowlist,
      NativeMessagingUserLevelHosts: linux.NativeMessagingUserLevelHosts,
    });
    const netral = payload.PayloadContent[`${domain}.extensions.${EXTENSION_ID}`].Forced[0].mcx_preference_settings;
    assert.deepEqual(netral, linux['3rdparty'].extensions[EXTENSION_ID]);
    const uuids = [profile.PayloadUUID, payload.PayloadUUID];
    for (const uuid of uuids) assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  });
}

for (const file of ['policies.json', 'policies-esr-unsigned.json']) {
  test(`firefox/${file} force-installs ${GECKO_ID} with the same Netral settings`, () => {
    const { policies } = JSON.parse(read('firefox', file));
    assert.equal(policies.ExtensionSettings[GECKO_ID].installation_mode, 'force_installed');
    assert.deepEqual(policies['3rdparty'].Extensions[GECKO_ID], linux['3rdparty'].extensions[EXTENSION_ID]);
  });
}
