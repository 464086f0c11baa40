#!/usr/bin/env node
// Writes a loadable extension per browser from the one source tree:
//   node extension/tools/build.mjs [OUT_DIR]      (default: build/extension)
// gives OUT_DIR/chromium and OUT_DIR/firefox, each with its manifest.json and a copy of
// _locales/, src/ and managed_schema.json. manifest/base.json holds what both share, plus
// a "chromium" and a "firefox" section merged into the respective manifest, with the sites
// the content scripts run on from extension/platforms.json (which also makes
// src/common/platforms.js and managed_schema.json's enabledSites and siteModes). The site rules,
// extension/rules/netral-sites.json, are checked (src/content/site-rules.js) and written as
// the content script src/content/sites/bundled.js; a document with a fault stops the build.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BROWSERS = ['chromium', 'firefox'];
const COPIED = ['_locales', 'src', 'managed_schema.json'];

// ---- the platforms: extension/platforms.json is the one list (the host's build reads it too) ----

export const PLATFORMS_SCRIPT = 'src/common/platforms.js';

/** [{name, display, aliases, domains, hosts}] in their order. */
export function platforms() {
  return JSON.parse(fs.readFileSync(path.join(extensionDir, 'platforms.json'), 'utf8')).platforms;
}

/** The pages the content scripts and the warning frame run on: every host of every platform. */
export function siteMatches() {
  return platforms().flatMap((platform) => platform.hosts.map((host) => `https://${host}/*`));
}

/** The classic script that gives the other scripts the list (Netral.platforms). */
export function platformsScript() {
  return '// Made by extension/tools/build.mjs from extension/platforms.json: edit that, not this.\n'
    + '(function attach(root) {\n'
    + '  const netral = root.Netral || (root.Netral = {});\n'
    + `  netral.platforms = Object.freeze(${JSON.stringify(platforms())}.map((platform) => Object.freeze(platform)));\n`
    + '})(globalThis);\n';
}

/** managed_schema.json with enabledSites and siteModes naming the platforms. */
export function managedSchema() {
  const schema = JSON.parse(fs.readFileSync(path.join(extensionDir, 'managed_schema.json'), 'utf8'));
  const names = platforms().map((platform) => platform.name);
  schema.properties.enabledSites.items.enum = names;
  schema.properties.siteModes.properties = Object.fromEntries(names.map((name) => [name, { type: 'string', enum: schema.properties.mode.enum }]));
  return schema;
}

export function manifestFor(browser) {
  const base = JSON.parse(fs.readFileSync(path.join(extensionDir, 'manifest', 'base.json'), 'utf8'));
  const specific = base[browser];
  for (const name of BROWSERS) delete base[name];
  const manifest = { ...base, ...specific };
  const matches = siteMatches();
  manifest.content_scripts = manifest.content_scripts.map((entry) => ({ matches, ...entry }));
  manifest.web_accessible_resources = (manifest.web_accessible_resources || []).map((entry) => ({ ...entry, matches }));
  return manifest;
}

export const BUNDLED_RULES_SCRIPT = 'src/content/sites/bundled.js';
const RULES_FILE = path.join(extensionDir, 'rules', 'netral-sites.json');

/** Netral.siteRules and Netral.account as the content scripts have them, in a bare context. */
export function loadSiteRules() {
  const context = vm.createContext({ console, URL });
  vm.runInContext(platformsScript(), context, { filename: PLATFORMS_SCRIPT });
  for (const file of ['src/common/account.js', 'src/content/site-rules.js']) {
    vm.runInContext(fs.readFileSync(path.join(extensionDir, file), 'utf8'), context, { filename: file });
  }
  return context.Netral.siteRules;
}

/** The bundled rules document, checked (all but its selectors, which need a DOM: the tests check those). */
export function bundledRules() {
  const document = JSON.parse(fs.readFileSync(RULES_FILE, 'utf8'));
  const siteRules = loadSiteRules();
  const result = siteRules.compile(document, { extensionVersion: manifestFor(BROWSERS[0]).version });
  if (!result.ok) throw new Error(`${path.relative(process.cwd(), RULES_FILE)} is refused:\n${siteRules.describe(result.errors)}`);
  return document;
}

/** The content script that loads the bundled rules. */
export function bundledRulesScript() {
  const document = bundledRules();
  return '// Made by extension/tools/build.mjs from extension/rules/netral-sites.json: edit that, not this.\n'
    + `globalThis.Netral.sites.load(${JSON.stringify(document)}, { bundled: true });\n`;
}

export function build(outDir) {
  const rulesScript = bundledRulesScript();
  for (const browser of BROWSERS) {
    const dir = path.join(outDir, browser);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const entry of COPIED) {
      fs.cpSync(path.join(extensionDir, entry), path.join(dir, entry), { recursive: true });
    }
    fs.writeFileSync(path.join(dir, BUNDLED_RULES_SCRIPT), rulesScript);
    fs.writeFileSync(path.join(dir, PLATFORMS_SCRIPT), platformsScript());
    fs.writeFileSync(path.join(dir, 'managed_schema.json'), `${JSON.stringify(managedSchema(), null, 2)}\n`);
    fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifestFor(browser), null, 2)}\n`);
  }
  return Object.fromEntries(BROWSERS.map((browser) => [browser, path.join(outDir, browser)]));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = path.resolve(process.argv[2] || path.join(extensionDir, '..', 'build', 'extension'));
  const dirs = build(outDir);
  for (const [browser, dir] of Object.entries(dirs)) console.log(`${browser}: ${dir}`);
}
