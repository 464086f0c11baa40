// The Group Policy templates (manifests/policies/windows/admx/) are what make-admx.mjs makes from
// extension/managed_schema.json, are XML that libxml2 (xmllint) parses, name exactly the schema's
// keys under each browser's 3rdparty key for Netral's extension id, and every string and
// presentation an ADMX refers to is in its ADML, in English and in Indonesian alike.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BROWSERS, DEFAULT_EXTENSION_ID, generate } from '../../manifests/policies/windows/make-admx.mjs';

const SOURCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WINDOWS = path.join(SOURCE_DIR, 'manifests', 'policies', 'windows');
const ADMX_DIR = path.join(WINDOWS, 'admx');
const SCRIPT = path.join(WINDOWS, 'make-admx.mjs');
const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const schema = readJson(path.join(SOURCE_DIR, 'extension', 'managed_schema.json'));
const texts = readJson(path.join(WINDOWS, 'admx-id.json'));
const KEYS = Object.keys(schema.properties);
const LANGUAGES = ['en-US', 'id-ID'];
const ROOTS = { Chrome: 'Software\\Policies\\Google\\Chrome', Edge: 'Software\\Policies\\Microsoft\\Edge' };

// ---- reading XML with libxml2's xmllint ----

function xmllint(args, input) {
  const r = spawnSync('xmllint', args, { input, encoding: 'utf8' });
  if (r.error) throw new Error(`xmllint: ${r.error.message} (Debian: apt install libxml2-utils; .ci/deps test installs it)`);
  return r;
}

// The nodes an XPath selects, as strings: attribute values, or text.
function select(text, xpath) {
  const r = xmllint(['--xpath', xpath, '-'], text);
  if (r.status === 10) return [];   // an empty node set
  assert.equal(r.status, 0, `xmllint --xpath ${xpath}: ${r.stderr}`);
  const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  if (/\/@[\w:]+$|\/@\*$/.test(xpath)) return [...r.stdout.matchAll(/ [\w:]+="([^"]*)"/g)].map((m) => unescape(m[1]));
  return r.stdout.split('\n').filter((line) => line !== '').map(unescape);
}
const one = (text, xpath) => {
  const found = select(text, xpath);
  assert.equal(found.length, 1, `exactly one node for ${xpath}, found ${found.length}`);
  return found[0];
};
// The string value of what an XPath selects (text over several lines kept whole).
function stringOf(text, xpath) {
  const r = xmllint(['--xpath', `string(${xpath})`, '-'], text);
  assert.equal(r.status, 0, `xmllint --xpath string(${xpath}): ${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}
// Element names without the PolicyDefinitions namespace: //policy[@name="mode"] → XPath.
const x = (expr) => expr.replace(/(^|\/|\[)([a-zA-Z]+)(?=[\[/]|$)/g, '$1*[local-name()="$2"]');

const committed = (name) => fs.readFileSync(path.join(ADMX_DIR, name), 'utf8');
const filesUnder = (dir) => fs.readdirSync(dir, { recursive: true })
  .filter((name) => fs.statSync(path.join(dir, name)).isFile()).map((name) => name.split(path.sep).join('/')).sort();
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'netral-admx-'));

// ---- the checks ----

test('the committed templates are what make-admx.mjs makes from managed_schema.json and admx-id.json', () => {
  const made = generate({ schema, texts });
  assert.deepEqual(filesUnder(ADMX_DIR), made.map(([name]) => name).sort(), 'admx/ holds exactly the generated files');
  for (const [name, text] of made) {
    assert.equal(committed(name), text, `admx/${name} is stale: run node manifests/policies/windows/make-admx.mjs`);
  }
  const check = spawnSync(process.execPath, [SCRIPT, '--check'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
});

test('every template is well-formed XML', () => {
  for (const name of filesUnder(ADMX_DIR)) {
    const r = xmllint(['--noout', path.join(ADMX_DIR, name)]);
    assert.equal(r.status, 0, `admx/${name}: ${r.stderr}`);
  }
});

test('netral.admx defines the Netral category that each browser\'s file puts its own under', () => {
  const base = committed('netral.admx');
  assert.equal(one(base, x('//policyNamespaces/target/@namespace')), 'Netral.Policies');
  assert.deepEqual(select(base, x('//category/@name')), ['Netral']);
  assert.deepEqual(select(base, x('//policy/@name')), [], 'no settings in the base file');
  for (const browser of BROWSERS) {
    const admx = committed(`${browser.file}.admx`);
    const prefix = one(admx, `${x('//policyNamespaces/using')}[@namespace="Netral.Policies"]/@prefix`);
    const category = one(admx, x('//categories/category/@name'));
    assert.equal(one(admx, `${x('//category')}[@name="${category}"]${x('/parentCategory/@ref')}`), `${prefix}:Netral`);
    const supported = one(admx, x('//supportedOn/definitions/definition/@name'));
    assert.deepEqual([...new Set(select(admx, x('//policy/parentCategory/@ref')))], [category]);
    assert.deepEqual([...new Set(select(admx, x('//policy/supportedOn/@ref')))], [supported]);
  }
});

for (const browser of BROWSERS) {
  const file = `${browser.file}.admx`;
  const policyKey = `${ROOTS[browser.id]}\\3rdparty\\extensions\\${DEFAULT_EXTENSION_ID}\\policy`;

  test(`${file} has one policy per key of managed_schema.json, under ${browser.id}'s key for Netral`, () => {
    const admx = committed(file);
    assert.deepEqual(select(admx, x('//policy/@name')).sort(), [...KEYS].sort());
    for (const key of KEYS) {
      const policy = `${x('//policy')}[@name="${key}"]`;
      const property = schema.properties[key];
      assert.equal(one(admx, `${policy}/@class`), 'Machine', `${key}: machine-wide, like the .reg files`);
      const subkey = property.type === 'array' || property.type === 'object';
      assert.equal(one(admx, `${policy}/@key`), subkey ? `${policyKey}\\${key}` : policyKey, `${key}: registry key`);
      if (property.type === 'array') {
        // Chrome reads a list as the numbered values "1", "2", ... of a subkey.
        assert.equal(one(admx, `${policy}${x('/elements/list')}/@valuePrefix`), '', `${key}: a list of numbered values`);
      } else if (property.enum) {
        assert.equal(one(admx, `${policy}${x('/elements/enum')}/@valueName`), key);
        assert.deepEqual(select(admx, `${policy}${x('/elements/enum/item/value/string')}/text()`), property.enum,
          `${key}: the dropdown offers the schema's values`);
      } else if (property.type === 'string') {
        assert.equal(one(admx, `${policy}${x('/elements/text')}/@valueName`), key);
      } else if (property.type === 'integer') {
        assert.equal(one(admx, `${policy}${x('/elements/decimal')}/@valueName`), key);
      }
    }
  });

  test(`${file}: the list interval takes 15 to 10080 minutes, as its description says`, () => {
    const admx = committed(file);
    const decimal = `${x('//policy')}[@name="updateIntervalMinutes"]${x('/elements/decimal')}`;
    assert.equal(one(admx, `${decimal}/@minValue`), '15');
    assert.equal(one(admx, `${decimal}/@maxValue`), '10080');
    for (const lang of LANGUAGES) {
      const adml = committed(`${lang}/${browser.file}.adml`);
      assert.equal(one(adml, `${x('//presentation')}[@id="updateIntervalMinutes"]${x('/decimalTextBox/@defaultValue')}`), '360');
    }
  });

  test(`${browser.file}.adml in en-US and id-ID has every string and presentation ${file} refers to, and the same ids`, () => {
    const admx = committed(file);
    const attributes = select(admx, '//@*');
    // $(string.X) and $(presentation.X) in attribute values.
    const refs = (kind) => [...new Set(attributes
      .map((v) => new RegExp(`^\\$\\(${kind}\\.(.+)\\)$`).exec(v)?.[1]).filter(Boolean))].sort();
    const ids = {};
    for (const lang of LANGUAGES) {
      const adml = committed(`${lang}/${browser.file}.adml`);
      const strings = select(adml, x('//stringTable/string/@id'));
      const presentations = select(adml, x('//presentationTable/presentation/@id'));
      assert.equal(new Set(strings).size, strings.length, `${lang}: no string id twice`);
      for (const id of refs('string')) assert.ok(strings.includes(id), `${lang}: no string ${id}`);
      for (const id of refs('presentation')) assert.ok(presentations.includes(id), `${lang}: no presentation ${id}`);
      // Each presentation shows exactly the elements of the policy that uses it.
      for (const key of KEYS) {
        const elementIds = select(admx, `${x('//policy')}[@name="${key}"]${x('/elements')}/*/@id`).sort();
        const shown = select(adml, `${x('//presentation')}[@id="${key}"]/*/@refId`).sort();
        assert.deepEqual(shown, elementIds, `${lang}: presentation ${key}`);
      }
      ids[lang] = { strings: [...strings].sort(), presentations: [...presentations].sort() };
    }
    assert.deepEqual(ids['id-ID'], ids['en-US']);
  });

  test(`${browser.file}.adml says each setting in Indonesian (id-ID) and English (en-US)`, () => {
    const en = committed(`en-US/${browser.file}.adml`);
    const id = committed(`id-ID/${browser.file}.adml`);
    const string = (adml, name) => {
      assert.equal(select(adml, `${x('//stringTable/string')}[@id="${name}"]/@id`).length, 1, `one string ${name}`);
      return stringOf(adml, `${x('//stringTable/string')}[@id="${name}"]`);
    };
    for (const key of KEYS) {
      assert.equal(string(en, key), schema.properties[key].title);
      assert.equal(string(id, key), texts[key].title);
      assert.ok(string(en, `${key}_Explain`).startsWith(schema.properties[key].description));
      assert.ok(string(id, `${key}_Explain`).startsWith(texts[key].description));
    }
  });
}

test('make-admx.mjs refuses a schema key that has no Indonesian text, and names the key', () => {
  const dir = tmp();
  const partial = { ...texts };
  delete partial.contactUrl;
  fs.writeFileSync(path.join(dir, 'texts.json'), JSON.stringify(partial));
  const r = spawnSync(process.execPath, [SCRIPT, '--texts', path.join(dir, 'texts.json'), '--out', path.join(dir, 'admx')],
    { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /admx-id\.json has no Indonesian text for "contactUrl"/);
  assert.equal(fs.existsSync(path.join(dir, 'admx')), false, 'nothing written');
  // Text for a key the schema no longer has is an error too: it would never be shown.
  assert.throws(() => generate({ schema, texts: { ...texts, gone: { title: 'x', description: 'y' } } }), /"gone"/);
  fs.rmSync(dir, { recursive: true });
});

test('an agency with its own extension id gets templates for that id with --extension-id', () => {
  const dir = tmp();
  const own = 'ponmlkjihgfedcbaponmlkjihgfedcba';
  const r = spawnSync(process.execPath, [SCRIPT, '--extension-id', own, '--out', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const browser of BROWSERS) {
    const keys = select(fs.readFileSync(path.join(dir, `${browser.file}.admx`), 'utf8'), x('//policy/@key'));
    assert.equal(keys.length, KEYS.length);
    for (const key of keys) assert.ok(key.startsWith(`${ROOTS[browser.id]}\\3rdparty\\extensions\\${own}\\policy`), key);
  }
  const bad = spawnSync(process.execPath, [SCRIPT, '--extension-id', 'not-an-id', '--out', dir], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /not a Chromium extension id/);
  fs.rmSync(dir, { recursive: true });
});

test('settings still to come: an object becomes a subkey with a value per property, a boolean a 1/0 value', () => {
  const future = {
    type: 'object',
    properties: {
      ...schema.properties,
      modes: {
        title: 'Mode per action', description: 'Overrides mode for some actions.', type: 'object',
        properties: {
          like: { title: 'Like', type: 'string', enum: ['warn', 'block'] },
          sites: { title: 'Sites', type: 'array', items: { type: 'string' } },
          acknowledge: { title: 'Confirm', type: 'boolean' },
        },
      },
      audit: { title: 'Audit only', description: 'Count, do not warn.', type: 'boolean' },
    },
  };
  const futureTexts = {
    ...texts,
    modes: { title: 'Mode per tindakan', description: 'Menggantikan mode untuk beberapa tindakan.',
      properties: { like: { title: 'Suka' }, sites: { title: 'Situs' }, acknowledge: { title: 'Konfirmasi' } } },
    audit: { title: 'Hanya audit', description: 'Hitung, jangan peringatkan.' },
  };
  assert.throws(() => generate({ schema: future, texts: { ...futureTexts, modes: { ...futureTexts.modes, properties: {} } } }),
    /no Indonesian text for "modes\.like"/);
  const made = Object.fromEntries(generate({ schema: future, texts: futureTexts }));
  for (const [name, text] of Object.entries(made)) {
    assert.equal(xmllint(['--noout', '-'], text).status, 0, `${name} is well-formed`);
  }
  const admx = made['netral_chrome.admx'];
  const policyKey = `${ROOTS.Chrome}\\3rdparty\\extensions\\${DEFAULT_EXTENSION_ID}\\policy`;
  const modes = `${x('//policy')}[@name="modes"]`;
  assert.equal(one(admx, `${modes}/@key`), `${policyKey}\\modes`);
  assert.equal(one(admx, `${modes}${x('/elements/enum')}/@valueName`), 'like');
  // A property may stay unset: the first item deletes the value, the others are the schema's.
  assert.equal(select(admx, `${modes}${x('/elements/enum/item[1]/value/delete')}`).length, 1);
  assert.deepEqual(select(admx, `${modes}${x('/elements/enum/item/value/string')}/text()`), ['warn', 'block']);
  assert.equal(one(admx, `${modes}${x('/elements/list')}/@key`), `${policyKey}\\modes\\sites`);
  assert.equal(one(admx, `${modes}${x('/elements/boolean')}/@valueName`), 'acknowledge');
  const audit = `${x('//policy')}[@name="audit"]`;
  assert.equal(one(admx, `${audit}/@valueName`), 'audit');
  assert.equal(one(admx, `${audit}${x('/enabledValue/decimal')}/@value`), '1');
  assert.equal(one(admx, `${audit}${x('/disabledValue/decimal')}/@value`), '0');
  const shown = (lang) => select(made[`${lang}/netral_chrome.adml`], `${x('//presentation')}[@id="modes"]/*/@refId`);
  assert.deepEqual(shown('en-US'), ['modes_like', 'modes_sites', 'modes_acknowledge']);
  assert.deepEqual(shown('id-ID'), shown('en-US'));
  const checkBox = `${x('//presentation')}[@id="modes"]${x('/checkBox')}/text()`;
  assert.equal(one(made['id-ID/netral_chrome.adml'], checkBox), 'Konfirmasi');
});
