// Loads the extension's classic scripts the way the browser does: one after another into
// the same global (a jsdom window, or a bare vm context for the pure ones).
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { BUNDLED_RULES_SCRIPT, PLATFORMS_SCRIPT, bundledRulesScript, platformsScript } from '../../extension/tools/build.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
export const extensionRoot = path.join(repoRoot, 'extension');

export function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const sources = new Map();
/** An extension file as the built extension has it (the bundled rules' script is made by the build). */
export function readExtensionFile(file) {
  if (!sources.has(file)) {
    const made = { [BUNDLED_RULES_SCRIPT]: bundledRulesScript, [PLATFORMS_SCRIPT]: platformsScript }[file];
    sources.set(file, made ? made() : fs.readFileSync(path.join(extensionRoot, file), 'utf8'));
  }
  return sources.get(file);
}

/** The content scripts in manifest order, as the browser injects them. */
export function contentScriptFiles() {
  const base = readJson(path.join(extensionRoot, 'manifest', 'base.json'));
  return base.content_scripts[0].js;
}

/** Runs FILES (paths relative to extension/) in a fresh vm context, after the platforms'
 * list that the others read (src/common/platforms.js); returns its Netral. */
export function loadInContext(files) {
  const context = vm.createContext({ console, setTimeout, clearTimeout, URL });
  for (const file of [PLATFORMS_SCRIPT, ...files.filter((f) => f !== PLATFORMS_SCRIPT)]) {
    vm.runInContext(readExtensionFile(file), context, { filename: file });
  }
  return context.Netral;
}

/**
 * A jsdom window holding HTML at URL, with the extension's scripts FILES evaluated in it.
 * Page scripts never run: the saved pages are data here.
 */
export function pageWithScripts(html, url, files) {
  const dom = new JSDOM(html, { url, runScripts: 'outside-only', pretendToBeVisual: true });
  for (const file of files) {
    dom.window.eval(readExtensionFile(file));
  }
  return dom;
}
