#!/usr/bin/env node
// Group Policy templates for Netral's own settings: ADMX files with their ADML in en-US and
// id-ID, made from extension/managed_schema.json (English: each key's title and description) and
// admx-id.json beside this script (Indonesian, keyed the same way).
//
//   node manifests/policies/windows/make-admx.mjs              rewrite admx/ beside this script
//   node make-admx.mjs --extension-id ID --out DIR             the same for an agency's own extension id
//   node make-admx.mjs --check                                 exit 1 if admx/ is not what the schema makes
//   (--schema FILE, --texts FILE: other inputs than the repository's)
//
// Chrome and Edge read an extension's policy from
// Software\Policies\{Google\Chrome | Microsoft\Edge}\3rdparty\extensions\<id>\policy and convert
// each registry value to the type the extension's schema names (Chromium's
// components/policy/core/common/registry_dict.cc): a string is REG_SZ, an integer or a boolean
// REG_DWORD, a list a subkey of values named "1", "2", ... (read in name order: "10" sorts before
// "2"), an object a subkey with one value per property.
//
// Three ADMX files: netral.admx holds only the "Netral" category; netral_chrome.admx and
// netral_edge.admx hold the settings for each browser. Intune imports each file on its own, and
// Windows does not let an imported ADMX write under Software\Policies\Microsoft, so Edge's file
// may be refused there without taking Chrome's with it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_EXTENSION_ID = 'agbjhpfjmmgmllicjnfkepfagmiajhfi';   // NETRAL_EXTENSION_ID's default
const DEFAULT_SCHEMA = path.join(HERE, '..', '..', '..', 'extension', 'managed_schema.json');
const DEFAULT_TEXTS = path.join(HERE, 'admx-id.json');
const DEFAULT_OUT = path.join(HERE, 'admx');
const LANGUAGES = ['en-US', 'id-ID'];
const DWORD_MAX = 2147483647;   // Chrome reads a REG_DWORD as a signed int

export const BROWSERS = [
  { id: 'Chrome', file: 'netral_chrome', prefix: 'netral_chrome', namespace: 'Netral.Policies.Chrome',
    root: 'Software\\Policies\\Google\\Chrome', name: { 'en-US': 'Google Chrome', 'id-ID': 'Google Chrome' } },
  { id: 'Edge', file: 'netral_edge', prefix: 'netral_edge', namespace: 'Netral.Policies.Edge',
    root: 'Software\\Policies\\Microsoft\\Edge', name: { 'en-US': 'Microsoft Edge', 'id-ID': 'Microsoft Edge' } },
];

// What the schema does not say, in both languages.
const UI = {
  'en-US': {
    netral: 'Netral',
    netralExplain: 'Netral warns civil servants before they like, follow or share an election-campaign account '
      + '(SKB No. 2/2022). These settings reach the Netral extension through the browser; a setting that is not '
      + 'configured takes its default.',
    supported: (browser) => `${browser}, with the Netral extension installed by policy`,
    base: 'Netral: the category of Netral\'s settings',
    settings: (browser) => `Netral's settings for ${browser}`,
    values: 'Values',
    unset: '(not set: the default)',
  },
  'id-ID': {
    netral: 'Netral',
    netralExplain: 'Netral memperingatkan ASN sebelum menyukai, mengikuti, atau membagikan akun kampanye pemilu '
      + '(SKB No. 2/2022). Pengaturan ini sampai ke ekstensi Netral melalui peramban; pengaturan yang tidak diatur '
      + 'memakai nilai bawaannya.',
    supported: (browser) => `${browser}, dengan ekstensi Netral yang dipasang melalui kebijakan`,
    base: 'Netral: kategori pengaturan Netral',
    settings: (browser) => `Pengaturan Netral untuk ${browser}`,
    values: 'Nilai',
    unset: '(tidak diatur: nilai bawaan)',
  },
};

const xml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;   // a schema key as a policy, element and string id

// ---- the schema as policies ----

// Indonesian title and description of a schema key ("mode") or of an object's property
// ("modes.like"); both must be there when the English has them.
function indonesian(texts, where, english) {
  const [key, property] = where.split('.');
  const entry = property === undefined ? texts[key] : texts[key]?.properties?.[property];
  const missing = !entry || typeof entry.title !== 'string'
    || (english.description && typeof entry.description !== 'string');
  if (missing) {
    throw new Error(`admx-id.json has no Indonesian text for "${where}": add its "title" and "description"`);
  }
  return { title: entry.title, description: entry.description ?? '' };
}

// The range of an integer: the schema's minimum/maximum, else "A to B" in its description.
function integerRange(schema) {
  const said = /(\d+) to (\d+)/.exec(schema.description ?? '');
  const byDefault = /default (\d+)/.exec(schema.description ?? '');
  return {
    min: schema.minimum ?? (said ? Number(said[1]) : 0),
    max: schema.maximum ?? (said ? Number(said[2]) : DWORD_MAX),
    default: schema.default ?? (byDefault ? Number(byDefault[1]) : undefined),
  };
}

// One element of a policy: the registry value of a scalar or list setting. `where` names the
// setting in errors ("mode", "modes.like"); `label` is its { title, description } per language.
function element(id, schema, where, label, valueName) {
  if (schema.type === 'string' && schema.enum) {
    const tooLong = schema.enum.find((v) => typeof v !== 'string' || v.length > 255);   // an ADMX <string> holds 255
    if (tooLong !== undefined) {
      throw new Error(`managed_schema.json: "${where}" has a value ADMX cannot hold: ${JSON.stringify(tooLong)}`);
    }
    const defaultItem = Math.max(0, schema.enum.indexOf(schema.default));
    return { kind: 'enum', id, valueName, values: schema.enum, label, defaultItem };
  }
  if (schema.type === 'string') return { kind: 'text', id, valueName, label };
  if (schema.type === 'integer') return { kind: 'decimal', id, valueName, label, ...integerRange(schema) };
  if (schema.type === 'boolean') return { kind: 'boolean', id, valueName, label };
  if (schema.type === 'array' && ['string', 'integer'].includes(schema.items?.type)) {
    return { kind: 'list', id, label, values: schema.items.enum };
  }
  const what = schema.type === 'array' ? `a list of ${schema.items?.type}` : `of type ${schema.type}`;
  throw new Error(`managed_schema.json: "${where}" is ${what}, which make-admx.mjs cannot express yet`);
}

const perLanguage = (en, id) => ({ 'en-US': en, 'id-ID': id });

// Every schema key as one policy: its strings in both languages, the subkey below the extension's
// policy key that it writes to (none: the policy key itself), and its elements, each with the
// subkey of its own if it has one (a list inside an object).
export function policiesOf(schema, texts) {
  const keys = Object.keys(schema.properties ?? {});
  for (const key of Object.keys(texts)) {
    if (!keys.includes(key)) throw new Error(`admx-id.json has text for "${key}", which managed_schema.json does not have`);
  }
  return keys.map((key) => {
    if (!NAME.test(key)) {
      throw new Error(`managed_schema.json: "${key}" cannot be a policy name (letters, digits and _ only)`);
    }
    const property = schema.properties[key];
    const en = { title: property.title ?? key, description: property.description ?? '' };
    const policy = { name: key, text: perLanguage(en, indonesian(texts, key, en)), elements: [] };
    if (property.type === 'boolean') {
      policy.valueName = key;   // Enabled writes 1, Disabled 0: no element
    } else if (property.type === 'object') {
      const entries = Object.entries(property.properties ?? {});
      if (!entries.length) {
        throw new Error(`managed_schema.json: "${key}" is an object without properties, which make-admx.mjs cannot express`);
      }
      policy.subkey = key;
      for (const [name, sub] of entries) {
        const where = `${key}.${name}`;
        if (!NAME.test(name)) {
          throw new Error(`managed_schema.json: "${where}" cannot be a value name (letters, digits and _ only)`);
        }
        const subEn = { title: sub.title ?? name, description: sub.description ?? '' };
        const e = element(`${key}_${name}`, sub, where, perLanguage(subEn, indonesian(texts, where, subEn)), name);
        e.property = name;
        if (e.kind === 'list') e.subkey = `${key}\\${name}`;
        // A property may be absent (the extension then takes its default), but the policy is
        // configured as a whole: the dropdown starts with an item that deletes the value.
        if (e.kind === 'enum') e.optional = true;
        policy.elements.push(e);
      }
    } else {
      const e = element(key, property, key, policy.text, key);
      if (e.kind === 'list') policy.subkey = key;
      policy.elements.push(e);
    }
    return policy;
  });
}

// ---- ADMX ----

const header = (comment) => `<?xml version="1.0" encoding="utf-8"?>
<!-- ${comment} -->
<!-- Generated by manifests/policies/windows/make-admx.mjs from extension/managed_schema.json: edit those, not this file. -->
`;
const DEFINITIONS = ['xmlns:xsd="http://www.w3.org/2001/XMLSchema"', 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
  'revision="1.0"', 'schemaVersion="1.0"',
  'xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"'].join(' ');

function baseAdmx() {
  const comment = 'Netral: the category that netral_chrome.admx and netral_edge.admx put their settings in.';
  return `${header(comment)}<policyDefinitions ${DEFINITIONS}>
  <policyNamespaces>
    <target prefix="netral" namespace="Netral.Policies" />
  </policyNamespaces>
  <resources minRequiredRevision="1.0" />
  <categories>
    <category name="Netral" displayName="$(string.Netral)" explainText="$(string.Netral_Explain)" />
  </categories>
</policyDefinitions>
`;
}

function admxElement(e, indent) {
  const at = (name, value) => (value === undefined ? '' : ` ${name}="${xml(value)}"`);
  switch (e.kind) {
    case 'enum':
      return `${indent}<enum id="${e.id}"${at('key', e.key)} valueName="${xml(e.valueName)}" required="true">\n`
        + (e.optional ? `${indent}  <item displayName="$(string.${e.id}_Unset)"><value><delete /></value></item>\n` : '')
        + e.values.map((v, i) => `${indent}  <item displayName="$(string.${e.id}_Item${i + 1})">`
          + `<value><string>${xml(v)}</string></value></item>\n`).join('')
        + `${indent}</enum>\n`;
    case 'text':
      return `${indent}<text id="${e.id}"${at('key', e.key)} valueName="${xml(e.valueName)}" required="true" />\n`;
    case 'decimal':
      return `${indent}<decimal id="${e.id}"${at('key', e.key)} valueName="${xml(e.valueName)}"`
        + ` minValue="${e.min}" maxValue="${e.max}" required="true" />\n`;
    case 'boolean':
      return `${indent}<boolean id="${e.id}"${at('key', e.key)} valueName="${xml(e.valueName)}">`
        + '<trueValue><decimal value="1" /></trueValue><falseValue><decimal value="0" /></falseValue></boolean>\n';
    case 'list':   // valuePrefix="": the values are named 1, 2, 3, ...
      return `${indent}<list id="${e.id}"${at('key', e.key)} valuePrefix="" />\n`;
    default:
      throw new Error(`no ADMX for ${e.kind}`);
  }
}

function browserAdmx(browser, policies, extensionId) {
  const policyKey = `${browser.root}\\3rdparty\\extensions\\${extensionId}\\policy`;
  const body = policies.map((p) => {
    const key = p.subkey ? `${policyKey}\\${p.subkey}` : policyKey;
    const elements = p.elements.map((e) => (e.subkey ? { ...e, key: `${policyKey}\\${e.subkey}` } : e));
    const presentation = elements.length ? ` presentation="$(presentation.${p.name})"` : '';
    const valueName = p.valueName ? ` valueName="${xml(p.valueName)}"` : '';
    let inner = `      <parentCategory ref="${browser.id}" />\n      <supportedOn ref="SUPPORTED_${browser.id}" />\n`;
    if (p.valueName) {
      inner += '      <enabledValue><decimal value="1" /></enabledValue>\n'
        + '      <disabledValue><decimal value="0" /></disabledValue>\n';
    }
    if (elements.length) {
      inner += `      <elements>\n${elements.map((e) => admxElement(e, '        ')).join('')}      </elements>\n`;
    }
    return `    <policy name="${p.name}" class="Machine" displayName="$(string.${p.name})"`
      + ` explainText="$(string.${p.name}_Explain)"${presentation} key="${xml(key)}"${valueName}>\n${inner}    </policy>\n`;
  }).join('');
  const comment = `Netral's settings for ${browser.name['en-US']}, under ${policyKey}. Needs netral.admx.`;
  return `${header(comment)}<policyDefinitions ${DEFINITIONS}>
  <policyNamespaces>
    <target prefix="${browser.prefix}" namespace="${browser.namespace}" />
    <using prefix="netral" namespace="Netral.Policies" />
  </policyNamespaces>
  <resources minRequiredRevision="1.0" />
  <supportedOn>
    <definitions>
      <definition name="SUPPORTED_${browser.id}" displayName="$(string.SUPPORTED_${browser.id})" />
    </definitions>
  </supportedOn>
  <categories>
    <category name="${browser.id}" displayName="$(string.${browser.id})">
      <parentCategory ref="netral:Netral" />
    </category>
  </categories>
  <policies>
${body}  </policies>
</policyDefinitions>
`;
}

// ---- ADML ----

function adml(lang, displayName, strings, presentations) {
  const table = strings.map(([id, text]) => `      <string id="${id}">${xml(text)}</string>\n`).join('');
  const pres = presentations.length
    ? `    <presentationTable>\n${presentations.join('')}    </presentationTable>\n` : '';
  return `${header(`Netral (${lang}).`)}<policyDefinitionResources ${DEFINITIONS}>
  <displayName>${xml(displayName)}</displayName>
  <description>${xml(displayName)}</description>
  <resources>
    <stringTable>
${table}    </stringTable>
${pres}  </resources>
</policyDefinitionResources>
`;
}

function explain(p, lang) {
  const parts = [p.text[lang].description];
  for (const e of p.elements) {
    if (e.property) parts.push(`${e.property}: ${e.label[lang].title}. ${e.label[lang].description}`.trim());
    if (e.kind === 'list' && e.values) parts.push(`${UI[lang].values}: ${e.values.join(', ')}`);
  }
  return parts.filter(Boolean).join('\n\n');
}

function presentationElement(e, lang) {
  const label = xml(e.label[lang].title);
  switch (e.kind) {
    case 'enum': {
      const item = e.optional ? 0 : e.defaultItem;   // an optional one starts "not set"
      return `        <dropdownList refId="${e.id}" noSort="true" defaultItem="${item}">${label}</dropdownList>\n`;
    }
    case 'text': return `        <textBox refId="${e.id}"><label>${label}</label></textBox>\n`;
    case 'decimal': {
      const def = e.default === undefined ? '' : ` defaultValue="${e.default}"`;
      return `        <decimalTextBox refId="${e.id}"${def}>${label}</decimalTextBox>\n`;
    }
    case 'boolean': return `        <checkBox refId="${e.id}">${label}</checkBox>\n`;
    case 'list': return `        <listBox refId="${e.id}">${label}</listBox>\n`;
    default: throw new Error(`no presentation for ${e.kind}`);
  }
}

function browserAdml(browser, policies, lang) {
  const strings = [
    [`SUPPORTED_${browser.id}`, UI[lang].supported(browser.name[lang])],
    [`${browser.id}`, browser.name[lang]],
  ];
  const presentations = [];
  for (const p of policies) {
    strings.push([p.name, p.text[lang].title], [`${p.name}_Explain`, explain(p, lang)]);
    for (const e of p.elements) {
      if (e.kind === 'enum' && e.optional) strings.push([`${e.id}_Unset`, UI[lang].unset]);
      if (e.kind === 'enum') e.values.forEach((v, i) => strings.push([`${e.id}_Item${i + 1}`, v]));
    }
    if (p.elements.length) {
      const shown = p.elements.map((e) => presentationElement(e, lang)).join('');
      presentations.push(`      <presentation id="${p.name}">\n${shown}      </presentation>\n`);
    }
  }
  return adml(lang, UI[lang].settings(browser.name[lang]), strings, presentations);
}

// ---- all of it ----

// The templates as [path under admx/, text], in a stable order.
export function generate({ schema, texts, extensionId = DEFAULT_EXTENSION_ID }) {
  if (!/^[a-p]{32}$/.test(extensionId)) throw new Error(`not a Chromium extension id: "${extensionId}" (32 letters a to p)`);
  const policies = policiesOf(schema, texts);
  const files = [['netral.admx', baseAdmx()]];
  for (const browser of BROWSERS) files.push([`${browser.file}.admx`, browserAdmx(browser, policies, extensionId)]);
  for (const lang of LANGUAGES) {
    const strings = [['Netral', UI[lang].netral], ['Netral_Explain', UI[lang].netralExplain]];
    files.push([`${lang}/netral.adml`, adml(lang, UI[lang].base, strings, [])]);
    for (const browser of BROWSERS) files.push([`${lang}/${browser.file}.adml`, browserAdml(browser, policies, lang)]);
  }
  return files;
}

function main(argv) {
  const options = {
    schema: DEFAULT_SCHEMA, texts: DEFAULT_TEXTS, out: DEFAULT_OUT, extensionId: DEFAULT_EXTENSION_ID, check: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--schema') options.schema = value();
    else if (flag === '--texts') options.texts = value();
    else if (flag === '--out') options.out = value();
    else if (flag === '--extension-id') options.extensionId = value();
    else if (flag === '--check') options.check = true;
    else throw new Error(`unknown argument ${flag} (--schema FILE, --texts FILE, --out DIR, --extension-id ID, --check)`);
  }
  const readJson = (file) => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: ${err.message}`);
    }
  };
  const { extensionId } = options;
  const files = generate({ schema: readJson(options.schema), texts: readJson(options.texts), extensionId });
  if (options.check) {
    const stale = files.filter(([name, text]) => {
      const file = path.join(options.out, name);
      return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text;
    }).map(([name]) => name);
    if (stale.length) {
      throw new Error(`not what the schema makes: ${stale.join(', ')} in ${options.out}; `
        + 'run node manifests/policies/windows/make-admx.mjs');
    }
    return;
  }
  for (const [name, text] of files) {
    fs.mkdirSync(path.dirname(path.join(options.out, name)), { recursive: true });
    fs.writeFileSync(path.join(options.out, name), text);
  }
  process.stdout.write(`wrote ${files.length} files to ${options.out} for extension ${options.extensionId}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`make-admx: ${err.message}\n`);
    process.exit(1);
  }
}
