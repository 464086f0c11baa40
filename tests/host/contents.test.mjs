// The program the browser starts holds only what it runs: it answers from the installed list and
// writes only its user's spool (a list update the browser fetched), so no updater, importer, list
// parser, database builder or patcher, signer, key generator, installer, doctor or process starter
// is linked into it (they live in the admin CLI, `netral`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI_BIN, HOST_BIN } from './lib.mjs';

const WRITER_SYMBOLS = /^(import_list|import_delta|update_from_\w+|list_parse_(header|entry)|store_builder_\w+|store_patch_\w+|minisign_(sign|keygen|seckey_\w+)|deploy_\w+|doctor_\w+|os_run_with_input)$/;

function definedFunctions(binary) {
  const result = spawnSync('nm', ['--defined-only', binary], { encoding: 'utf8' });
  assert.equal(result.status, 0, `nm ${binary}: ${result.stderr}`);
  return result.stdout.split('\n').map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length === 3 && /^[tT]$/.test(fields[1])).map((fields) => fields[2]);
}

test('netral-host links none of the writing side', () => {
  const found = definedFunctions(HOST_BIN).filter((name) => WRITER_SYMBOLS.test(name));
  assert.deepEqual(found, []);
});

test('the admin CLI has them (the check above looks for names that exist)', () => {
  const found = definedFunctions(CLI_BIN).filter((name) => WRITER_SYMBOLS.test(name));
  for (const name of ['import_list', 'update_from_spool', 'minisign_sign', 'minisign_keygen', 'store_builder_create']) {
    assert.ok(found.includes(name), `${name} in netral`);
  }
});
