// Interoperability with the real minisign, both ways: its keys and signatures work with netral,
// and netral's with it. Passphrase-protected keys cost seconds each (scrypt, 1 GiB), so there are
// two such tests, each doing several things with one key.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';

import { EXIT, MINISIGN_BIN, assertAnswersFrom, listText, makeSandbox, parseSig } from './lib.mjs';

test('minisign should be installed for the interoperability tests', async (t) => {
  const sb = await makeSandbox(t);
  const r = await sb.minisign(['-v']);
  assert.equal(r.status, 0, `${MINISIGN_BIN} -v: ${r.stderr}`);
  assert.match(r.stdout + r.stderr, /minisign 0\.\d+/);
});

test('a list signed by minisign -S with a key from minisign -G -W should import', async (t) => {
  const sb = await makeSandbox(t);
  const key = await sb.newKey({ tool: 'minisign' });
  const file = await sb.publish('list.jsonl', { key, tool: 'minisign', version: 3 });
  assert.equal(parseSig(fs.readFileSync(`${file}.minisig`, 'utf8')).algorithm, 'ED');
  const r = await sb.importList(file);
  assert.equal(r.status, EXIT.OK, r.stderr);
  assert.equal(r.result.key_id, key.id);
  await assertAnswersFrom(sb, 3);
  const verify = await sb.cli(['verify', '-p', key.pub, '-m', file]);
  assert.equal(verify.status, EXIT.OK, verify.stderr);
});

test('a signature made by netral sign should verify with minisign -Vm and show the trusted comment', async (t) => {
  const sb = await makeSandbox(t);
  const key = await sb.newKey();
  const file = sb.file('list.jsonl');
  fs.writeFileSync(file, listText({ version: 1 }));
  await sb.sign(file, key, { trustedComment: 'netral list version 1 ünï' });
  const r = await sb.minisign(['-Vm', file, '-p', key.pub]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Signature and comment signature verified/);
  assert.match(r.stdout, /Trusted comment: netral list version 1 ünï/);
  const b64 = fs.readFileSync(key.pub, 'utf8').trim().split('\n')[1];
  assert.equal((await sb.minisign(['-Vm', file, '-P', b64])).status, 0);
  // and minisign is not just saying yes
  fs.appendFileSync(file, '\n');
  assert.notEqual((await sb.minisign(['-Vm', file, '-p', key.pub])).status, 0);
});

test('a key made by netral keygen -W should sign with minisign -S', async (t) => {
  const sb = await makeSandbox(t);
  const key = await sb.newKey();
  const file = await sb.publish('list.jsonl', { key, tool: 'minisign', version: 2 });
  assert.equal((await sb.minisign(['-Vm', file, '-p', key.pub])).status, 0);
  const r = await sb.importList(file);
  assert.equal(r.status, EXIT.OK, r.stderr);
  await assertAnswersFrom(sb, 2);
});

test('a key made by minisign -G -W should sign with netral sign -W', async (t) => {
  const sb = await makeSandbox(t);
  const key = await sb.newKey({ tool: 'minisign' });
  const file = await sb.publish('list.jsonl', { key, tool: 'netral', version: 2 });
  const m = await sb.minisign(['-Vm', file, '-p', key.pub]);
  assert.equal(m.status, 0, m.stderr);
  const r = await sb.importList(file);
  assert.equal(r.status, EXIT.OK, r.stderr);
  await assertAnswersFrom(sb, 2);
});

test('a passphrase key made by minisign -G should sign lists with minisign -S and with netral sign', async (t) => {
  const sb = await makeSandbox(t);
  const key = await sb.newKey({ tool: 'minisign', passphrase: 'correct horse battery' });

  const first = await sb.publish('v1.jsonl', { key, tool: 'minisign', version: 1 });
  const r1 = await sb.importList(first);
  assert.equal(r1.status, EXIT.OK, r1.stderr);

  const second = sb.file('v2.jsonl');
  fs.writeFileSync(second, listText({ version: 2 }));
  const withW = await sb.cli(['sign', '-W', '-s', key.sec, '-m', second]);
  assert.equal(withW.status, EXIT.FAILED, '-W is refused for a key with a passphrase');
  assert.match(withW.stderr, /passphrase/);
  assert.equal(fs.existsSync(`${second}.minisig`), false);

  await sb.sign(second, key, { tool: 'netral', trustedComment: 'v2 by netral' });   // passphrase on stdin
  const m = await sb.minisign(['-Vm', second, '-p', key.pub]);
  assert.equal(m.status, 0, m.stderr);
  assert.match(m.stdout, /Trusted comment: v2 by netral/);
  const r2 = await sb.importList(second);
  assert.equal(r2.status, EXIT.OK, r2.stderr);
  await assertAnswersFrom(sb, 2);
});

test('a passphrase key made by netral keygen should sign with minisign -S, and refuse a wrong passphrase', async (t) => {
  const sb = await makeSandbox(t);
  const key = await sb.newKey({ tool: 'netral', passphrase: 'tr0ub4dor&3' });
  assert.match(fs.readFileSync(key.sec, 'utf8'), /encrypted/);

  const file = await sb.publish('list.jsonl', { key, tool: 'minisign', version: 4 });
  const r = await sb.importList(file);
  assert.equal(r.status, EXIT.OK, r.stderr);
  await assertAnswersFrom(sb, 4);

  const other = sb.file('other.txt');
  fs.writeFileSync(other, 'x\n');
  const wrong = await sb.cli(['sign', '-s', key.sec, '-m', other], { input: 'not the passphrase\n' });
  assert.equal(wrong.status, EXIT.FAILED);
  assert.match(wrong.stderr, /wrong passphrase/);
  assert.equal(fs.existsSync(`${other}.minisig`), false);
});
