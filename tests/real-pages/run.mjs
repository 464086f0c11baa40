// Runs one real-page test file (node --test FILE) where the saved real pages exist, and
// otherwise says in one line why it did not, exiting 77: CTest reports that as "Skipped"
// (SKIP_RETURN_CODE), and .ci/test repeats the line in its final summary (from
// NETRAL_BUILD_DIR/skipped/NAME.txt).
// Usage: node real-pages/run.mjs NAME FILE [node --test options...]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { realPages } from '../lib/fixtures.js';

const [name, file, ...options] = process.argv.slice(2);
const note = process.env.NETRAL_BUILD_DIR ? path.join(process.env.NETRAL_BUILD_DIR, 'skipped', `${name}.txt`) : null;
const pages = realPages();
if (!pages.available) {
  const line = `${name}: skipped, ${pages.reason}; set NETRAL_REAL_FIXTURES to the folder of the saved real pages to run it`;
  console.log(line);
  if (note) {
    fs.mkdirSync(path.dirname(note), { recursive: true });
    fs.writeFileSync(note, `${line}\n`);
  }
  process.exit(77);
}
if (note) fs.rmSync(note, { force: true });
const result = spawnSync(process.execPath, ['--test', ...options, file], { stdio: 'inherit' });
process.exit(result.status ?? 1);
