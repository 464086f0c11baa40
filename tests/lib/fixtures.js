// Where the site fixtures are, for the adapter tests and the browser tests alike.
//
// The project's own pages (tests/fixtures/sites/) are all a plain clone needs. The saved real
// pages of X and TikTok are an extra check: their expectations are kept here, in
// tests/fixtures/real/, but the pages themselves are not part of the project. They are read
// only from the folder that NETRAL_REAL_FIXTURES names (CTest sets it; see tests/CMakeLists.txt),
// and only when that folder exists.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sitesDir = path.join(repoRoot, 'tests/fixtures/sites');
export const realSpecsDir = path.join(repoRoot, 'tests/fixtures/real');

const REAL_PREFIX = 'real/';

/** {dir, available, reason}: whether the saved real pages can be read here, and if not why. */
export function realPages() {
  const dir = process.env.NETRAL_REAL_FIXTURES || '';
  if (!dir) return { dir, available: false, reason: 'NETRAL_REAL_FIXTURES is not set' };
  const missing = specNames({ real: true })
    .map((name) => loadSpec(name).page)
    .filter((page) => !fs.existsSync(path.join(dir, page)));
  if (missing.length) return { dir, available: false, reason: `no saved real pages at ${dir} (missing ${missing.join(', ')})` };
  return { dir, available: true, reason: '' };
}

/** Fixture names: "x-post" for the project's pages, "real/x-post" for the saved real ones. */
export function specNames({ real = false } = {}) {
  const dir = real ? realSpecsDir : sitesDir;
  return fs.readdirSync(dir).filter((file) => file.endsWith('.expect.json')).sort()
    .map((file) => (real ? REAL_PREFIX : '') + file.replace(/\.expect\.json$/, ''));
}

export function isRealName(name) {
  return name.startsWith(REAL_PREFIX);
}

function specFile(name) {
  return isRealName(name)
    ? path.join(realSpecsDir, `${name.slice(REAL_PREFIX.length)}.expect.json`)
    : path.join(sitesDir, `${name}.expect.json`);
}

export function loadSpec(name) {
  return JSON.parse(fs.readFileSync(specFile(name), 'utf8'));
}

/** The page a fixture's expectations are about. */
export function pagePath(name) {
  const spec = loadSpec(name);
  if (!isRealName(name)) return path.join(sitesDir, spec.page);
  const { dir, available, reason } = realPages();
  if (!available) throw new Error(`${name}: ${reason}`);
  return path.join(dir, spec.page);
}

export function pageHtml(name) {
  return fs.readFileSync(pagePath(name), 'utf8');
}

/** A name safe in file names and cookies ("real/x-post" → "real-x-post"). */
export function slug(name) {
  return name.replace(/[^\w-]/g, '-');
}
