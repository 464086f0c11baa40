#!/usr/bin/env node
// Checks a site rules document as the extension will before using it:
//   node extension/tools/check-rules.mjs [FILE]     (default: extension/rules/netral-sites.json)
// Every fault is printed with its path in the document; exit 1 if there is one. Selectors
// are tried in jsdom (the tests' packages: npm ci --prefix tests); without it, all the rest is
// checked and the selectors are left to the tests and the browser, which this says.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSiteRules, manifestFor } from './build.mjs';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.resolve(process.argv[2] || path.join(extensionDir, 'rules', 'netral-sites.json'));

function jsdomSelectorCheck(siteRules) {
  try {
    const { JSDOM } = createRequire(path.join(extensionDir, '..', 'tests', 'package.json'))('jsdom');
    return siteRules.selectorCheck(new JSDOM('').window);
  } catch {
    return null;
  }
}

let documentValue;
try {
  documentValue = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`${file}: not a JSON document: ${error.message}`);
  process.exit(1);
}
const siteRules = loadSiteRules();
const selectorOk = jsdomSelectorCheck(siteRules);
const result = siteRules.compile(documentValue, { selectorOk, extensionVersion: manifestFor('chromium').version });
if (!result.ok) {
  console.error(`${file}: refused\n${siteRules.describe(result.errors)}`);
  process.exit(1);
}
const rules = result.sites.reduce((sum, site) => sum + site.rules.length, 0);
console.log(`${file}: version ${documentValue.version}, ${result.sites.length} sites, ${rules} rules: ok`
  + (selectorOk ? '' : ' (selectors not tried: jsdom is missing; npm ci --prefix tests)'));
