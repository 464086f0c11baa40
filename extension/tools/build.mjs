#!/usr/bin/env node
// Writes a loadable extension per browser from the one source tree:
//   node extension/tools/build.mjs [OUT_DIR]      (default: build/extension)
// gives OUT_DIR/chromium and OUT_DIR/firefox, each with its manifest.json and a copy of
// _locales/, src/ and managed_schema.json. manifest/base.json holds what both share, plus
// a "chromium" and a "firefox" section merged into the respective manifest.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BROWSERS = ['chromium', 'firefox'];
const COPIED = ['_locales', 'src', 'managed_schema.json'];

export function manifestFor(browser) {
  const base = JSON.parse(fs.readFileSync(path.join(extensionDir, 'manifest', 'base.json'), 'utf8'));
  const specific = base[browser];
  for (const name of BROWSERS) delete base[name];
  return { ...base, ...specific };
}

export function build(outDir) {
  for (const browser of BROWSERS) {
    const dir = path.join(outDir, browser);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const entry of COPIED) {
      fs.cpSync(path.join(extensionDir, entry), path.join(dir, entry), { recursive: true });
    }
    fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifestFor(browser), null, 2)}\n`);
  }
  return Object.fromEntries(BROWSERS.map((browser) => [browser, path.join(outDir, browser)]));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = path.resolve(process.argv[2] || path.join(extensionDir, '..', 'build', 'extension'));
  const dirs = build(outDir);
  for (const [browser, dir] of Object.entries(dirs)) console.log(`${browser}: ${dir}`);
}
