// The extension and browser tests need the npm packages of tests/package-lock.json. This
// check runs first (a CTest fixture): without them every such test is reported as not run,
// with this message, instead of silently missing from the run.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './fixtures.js';

const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'tests/package-lock.json'), 'utf8'));
const wanted = Object.keys(lock.packages[''].devDependencies || {});
const problems = [];
for (const name of wanted) {
  const manifest = path.join(repoRoot, 'tests/node_modules', name, 'package.json');
  const locked = lock.packages[`node_modules/${name}`]?.version;
  if (!fs.existsSync(manifest)) { problems.push(`${name} is not installed`); continue; }
  const installed = JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
  if (locked && installed !== locked) problems.push(`${name} is ${installed}, the lock file says ${locked}`);
}
if (problems.length) {
  console.error(`The extension and browser tests cannot run: ${problems.join('; ')}. Run: npm ci --prefix tests`);
  process.exit(1);
}
console.log(`npm packages for the extension and browser tests: ${wanted.join(', ')} as locked`);
