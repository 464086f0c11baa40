// The shared normalisation vectors, run against extension/src/common/account.js: the same
// cases host/src/account.c is held to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadInContext, readJson, repoRoot } from './helpers.js';

const { account } = loadInContext(['src/common/account.js']);
const { vectors } = readJson(path.join(repoRoot, 'tests/vectors/accounts.json'));

for (const vector of vectors) {
  const name = `${vector.platform ?? '(url)'} ${JSON.stringify(vector.input)} → `
    + (vector.error ? 'rejected' : `${vector.platform_out} ${vector.account}`);
  test(name, () => {
    const result = account.normalise(vector.platform ?? null, vector.input);
    if (vector.error) {
      assert.equal(result, null, vector.why);
    } else {
      assert.deepEqual({ ...result }, { platform: vector.platform_out, account: vector.account }, vector.why);
    }
  });
}

test('an input over 2048 bytes is rejected even when it would be a valid URL', () => {
  const long = `https://x.com/jokowi?${'a'.repeat(2048)}`;
  assert.equal(account.normalise(null, long), null);
  assert.deepEqual({ ...account.normalise(null, long.slice(0, 2048)) }, { platform: 'x', account: '@jokowi' });
});
