// The guard that keeps the tests inside the repository (fs-guard.mjs) does what it says: a
// Node process of the suite that touches a path beside the repository fails and names it; one
// that stays inside, or reads the real pages through NETRAL_REAL_FIXTURES, does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const guard = fileURLToPath(new URL('./fs-guard.mjs', import.meta.url));
const repoRoot = path.resolve(path.dirname(guard), '../..');
const beside = path.join(path.dirname(repoRoot), 'shared', 'fixtures', 'real', 'x-post.html');

function runWithGuard(source, env = {}) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', source], {
    encoding: 'utf8',
    env: { ...process.env, NETRAL_REAL_FIXTURES: '', ...env, NODE_OPTIONS: `--import=${guard}` },
  });
}

test('a test that reads a file beside the repository fails, naming the path', () => {
  const result = runWithGuard(`import fs from 'node:fs'; fs.existsSync(${JSON.stringify(beside)});`);
  assert.equal(result.status, 1, result.stderr);
  assert.ok(result.stderr.includes(beside), result.stderr);
  assert.match(result.stderr, /outside the repository/);
});

test('named imports and fs/promises are guarded too', () => {
  const result = runWithGuard(`import { readFileSync } from 'node:fs'; import { readFile } from 'node:fs/promises';
    try { readFileSync(${JSON.stringify(`${beside}.a`)}); } catch {}
    await readFile(${JSON.stringify(`${beside}.b`)}).catch(() => {});`);
  assert.equal(result.status, 1);
  assert.ok(result.stderr.includes(`${beside}.a`) && result.stderr.includes(`${beside}.b`), result.stderr);
});

test('reads inside the repository, and of the real pages through NETRAL_REAL_FIXTURES, pass', () => {
  const result = runWithGuard(`import fs from 'node:fs';
    fs.readFileSync(${JSON.stringify(path.join(repoRoot, 'README.md'))});
    fs.existsSync(${JSON.stringify(beside)});`, { NETRAL_REAL_FIXTURES: path.dirname(beside) });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
});
