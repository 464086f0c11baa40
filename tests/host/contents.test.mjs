// The program the browser starts holds only what it runs: it answers from the installed list,
// so no importer, list parser, database builder, signer, key generator, installer, doctor or
// process starter is linked into it (they live in the admin CLI, `netral`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI_BIN, HOST_BIN } from './lib.mjs';

const WRITER_SYMBOLS = /^(import_list|list_parse_(header|entry)|store_builder_\w+|minisign_(sign|keygen|seckey_\w+)|deploy_\w+|doctor_\w+|os_run_with_input|os_create_file|file_write_atomic)$/;

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
  for (const name of ['import_list', 'minisign_sign', 'minisign_keygen', 'store_builder_create']) {
    assert.ok(found.includes(name), `${name} in netral`);
  }
});
