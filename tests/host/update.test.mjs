// Updates from a published repository (docs/updates.md), by file: `netral publish` makes the
// repository, `netral update --from DIR` installs from it. A fresh laptop takes the full list, a
// newer list comes as a delta, a delta that does not fit falls back to the full list, and every
// forgery or stale copy is refused with its own message while the installed list keeps answering.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { EXIT, assertAnswersFrom, defaultEntries, makeSandbox } from './lib.mjs';
import { authority, entriesFor, publish, publishWith, statement, update } from './repository.mjs';

async function contentDigestOf(sb) {
  const host = sb.host();
  const reply = await host.request({ id: 1, type: 'hello' });
  await host.close();
  return reply.list.content_digest;
}

describe('updates by file', () => {
  test('a fresh laptop takes the full list; a newer one comes as a delta; the databases agree', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    const first = await update(a.sb, a.repo);
    assert.equal(first.status, EXIT.OK, first.stderr);
    assert.equal(first.result.via, 'full');
    await assertAnswersFrom(a.sb, 1);

    const v2 = await publish(a, 2);
    const second = await update(a.sb, a.repo);
    assert.equal(second.result.via, 'delta', JSON.stringify(second.result));
    await assertAnswersFrom(a.sb, 2, { account: '@tim_v2' });
    const byDelta = await contentDigestOf(a.sb);

    // Another laptop imports list 2 whole: the same content.
    const other = await makeSandbox(t);
    fs.copyFileSync(a.listKey.pub, path.join(other.keysDir, 'authority.pub'));
    assert.equal((await other.importList(v2)).status, EXIT.OK);
    assert.equal(await contentDigestOf(other), byDelta);

    const again = await update(a.sb, a.repo);
    assert.equal(again.result.via, 'current');
    const status = await a.sb.cli(['status']);
    assert.match(status.stdout, /Updates: +from .*repo \(file\), last check .*last success .*\(current\)/);
  });

  test('after a delta, a removed account is clear, a changed one names its new entity, as after the full list', async (t) => {
    const a = await authority(t);
    const [one, youtube, team, ...rest] = defaultEntries();
    await publish(a, 1, { entries: [one, youtube, team, ...rest] });
    await update(a.sb, a.repo);
    const changed = { ...team, entity: { ...team.entity, name: 'Team Two (renamed)', party: 'Coalition C' } };
    const v2 = await publish(a, 2, { entries: [one, changed, ...rest, { platform: 'x', accounts: ['@tim_new'], entity: { name: 'Tim Baru' } }] });
    const r = await update(a.sb, a.repo);
    assert.equal(r.result.via, 'delta', JSON.stringify(r.result));
    const other = await makeSandbox(t);
    fs.copyFileSync(a.listKey.pub, path.join(other.keysDir, 'authority.pub'));
    assert.equal((await other.importList(v2)).status, EXIT.OK);
    const probes = [
      ['youtube', '@candidateone'], ['youtube', 'channel:UCabcdefghijklmnopqrstuv'],
      ['facebook', 'group:volunteers.two'], ['x', '@tim_new'], ['x', '@candidate_one'],
    ];
    const answers = async (sb) => {
      const host = sb.host();
      const out = [];
      for (const [platform, account] of probes) {
        const reply = await host.request({ id: 1, type: 'check', platform, account });
        out.push([account, reply.verdict, reply.entity?.name, reply.entity?.party]);
      }
      await host.close();
      return out;
    };
    const byDelta = await answers(a.sb);
    assert.deepEqual(byDelta, [
      ['@candidateone', 'clear', undefined, undefined],
      ['channel:UCabcdefghijklmnopqrstuv', 'clear', undefined, undefined],
      ['group:volunteers.two', 'listed', 'Team Two (renamed)', 'Coalition C'],
      ['@tim_new', 'listed', 'Tim Baru', ''],
      ['@candidate_one', 'listed', 'Candidate One', 'Party A'],
    ]);
    assert.deepEqual(await answers(other), byDelta);
  });

  test('a delta on another base falls back to the full list', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    await update(a.sb, a.repo);
    await publish(a, 2);
    await publish(a, 3, { keep: 1 });   // only delta-2-3: no delta fits a laptop at version 1
    const r = await update(a.sb, a.repo);
    assert.equal(r.result.via, 'full');
    await assertAnswersFrom(a.sb, 3, { account: '@tim_v3' });
  });

  test('a tampered delta is not used: the full list is, and the update says why', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    await update(a.sb, a.repo);
    await publish(a, 2);
    const delta = path.join(a.repo, 'delta-1-2.jsonl');
    fs.writeFileSync(delta, fs.readFileSync(delta, 'utf8').replace('"@tim_v2"', '"@evil_2"'));
    const r = await update(a.sb, a.repo);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.equal(r.result.via, 'full');
    assert.match(r.result.delta_problem, /not the file the index names/);
    const host = a.sb.host();
    assert.equal((await host.request({ id: 1, type: 'check', platform: 'x', account: '@evil_2' })).verdict, 'clear');
    assert.equal((await host.request({ id: 2, type: 'check', platform: 'x', account: '@tim_v2' })).verdict, 'listed');
    await host.close();
  });

  for (const [what, tamper, message] of [
    ['a tampered list body', (repo) => {
      const list = path.join(repo, 'list-2.jsonl');
      fs.writeFileSync(list, fs.readFileSync(list, 'utf8').replace('"@tim_v2"', '"@evil_2"'));
    }, /list-2\.jsonl is not the file the index names/],
    ['a tampered index', (repo) => fs.writeFileSync(path.join(repo, 'index.json'), fs.readFileSync(path.join(repo, 'index.json'), 'utf8').replace('"serial":2', '"serial":3')), /signature/i],
    ['a tampered index signature', (repo) => {
      const sig = path.join(repo, 'index.json.minisig');
      const lines = fs.readFileSync(sig, 'utf8').split('\n');
      const bin = Buffer.from(lines[1], 'base64');
      bin[20] ^= 1;
      lines[1] = bin.toString('base64');
      fs.writeFileSync(sig, lines.join('\n'));
    }, /signature/i],
    ['endless data (more bytes than the index says)', (repo) => fs.appendFileSync(path.join(repo, 'list-2.jsonl'), 'x'.repeat(1 << 20)), /longer than the \d+ bytes the index names: cut off/],
    ['an index from another version (mix and match)', (repo) => fs.copyFileSync(path.join(repo, 'list-1.jsonl'), path.join(repo, 'list-2.jsonl')), /list-2\.jsonl is not the file the index names/],
    // A folder others can write (a share, later the browser's spool): what is not a plain file
    // is refused, and a FIFO must not hold the updater (root, a timer) waiting for a writer.
    ['a FIFO in place of the list', (repo) => {
      fs.rmSync(path.join(repo, 'list-2.jsonl'));
      assert.equal(spawnSync('mkfifo', [path.join(repo, 'list-2.jsonl')]).status, 0);
    }, /list-2\.jsonl is not a regular file: a repository holds plain files/],
    ['a symbolic link in place of the list (even to the right file)', (repo) => {
      fs.renameSync(path.join(repo, 'list-2.jsonl'), path.join(repo, '..', 'list-2-elsewhere.jsonl'));
      fs.symlinkSync(path.join(repo, '..', 'list-2-elsewhere.jsonl'), path.join(repo, 'list-2.jsonl'));
    }, /list-2\.jsonl is a symbolic link: a repository holds plain files/],
  ]) {
    test(`${what} is refused, and the installed list keeps answering`, async (t) => {
      const a = await authority(t);
      await publish(a, 1);
      await publish(a, 2, { keep: 0 });   // no delta: the full list is what is fetched
      tamper(a.repo);
      const r = await update(a.sb, a.repo);
      assert.equal(r.status, EXIT.FAILED);
      assert.match(r.result.error.message, message);
      const status = await a.sb.cli(['status']);
      assert.match(status.stdout, /last error: /);
    });
  }

  test('an index signed by an unknown key is refused', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    const stranger = await a.sb.newKey({ name: 'stranger', trusted: false });
    assert.equal((await a.sb.cli(['sign', '-W', '-s', stranger.sec, '-m', path.join(a.repo, 'index.json')])).status, EXIT.OK);
    const r = await update(a.sb, a.repo);
    assert.equal(r.status, EXIT.FAILED);
    assert.match(r.result.error.message, /not a trusted key/);
  });

  test('an older index (a replayed or stale mirror) is refused', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    const stale = a.sb.file('stale');
    fs.cpSync(a.repo, stale, { recursive: true });
    await publish(a, 2);
    assert.equal((await update(a.sb, a.repo)).status, EXIT.OK);
    const r = await update(a.sb, stale);
    assert.equal(r.status, EXIT.FAILED);
    assert.match(r.result.error.message, /index \(serial 1\) is older than one verified before \(serial 2\)/);
    await assertAnswersFrom(a.sb, 2, { account: '@tim_v2' });
  });

  test('an expired index: refused, and the laptop says its list may be out of date since then', async (t) => {
    const a = await authority(t);
    await publish(a, 1, { validFor: 1 });
    assert.equal((await update(a.sb, a.repo)).status, EXIT.OK);
    const later = { NETRAL_NOW: '2099-01-01T00:00:00Z' };
    // Nothing ran since: doctor warns, and says nothing is fine about the updates.
    const frozen = JSON.parse((await a.sb.cli(['doctor', '--json'], { env: later })).stdout).findings.filter((f) => f.subject === 'updates');
    assert.deepEqual(frozen.map((f) => f.level), ['warn'], JSON.stringify(frozen));
    const r = await update(a.sb, a.repo, later);
    assert.equal(r.status, EXIT.FAILED);
    assert.match(r.result.error.message, /index expired at .*may be out of date/);
    const status = await a.sb.cli(['status'], { env: later });
    assert.match(status.stdout, /THE LIST MAY BE OUT OF DATE since \d{4}-/);
    const doctor = JSON.parse((await a.sb.cli(['doctor', '--json'], { env: later })).stdout);
    assert.ok(doctor.findings.some((f) => f.subject === 'updates' && f.level === 'warn' && /out of date since/.test(f.message)));
    const host = a.sb.host({ env: later });
    const hello = await host.request({ id: 1, type: 'hello' });
    await host.close();
    assert.match(hello.update.out_of_date_since, /^\d{4}-\d\d-\d\dT/);
    await assertAnswersFrom(a.sb, 1);   // still answering
  });

  test('the online index key cannot sign a list', async (t) => {
    const a = await authority(t);
    const file = await a.sb.publish('by-index-key.jsonl', { key: a.indexKey, version: 1 });
    const r = await a.sb.importList(file);
    assert.equal(r.status, EXIT.FAILED);
    assert.match(r.result.error.message, /may only sign the index/);
  });

  test('publish --refresh re-signs the index with the next serial, and laptops take it', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    await update(a.sb, a.repo);
    const r = await a.sb.cli(['publish', '--refresh', a.repo, '-i', a.indexKey.sec, '-W']);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.match(r.stdout, /index 2/);
    const u = await update(a.sb, a.repo);
    assert.equal(u.result.via, 'current');
    assert.equal(u.result.index_serial, 2);
  });
});

describe('key statements: rotation and revocation through the repository', () => {
  test('a new key added by a statement of the current key, the old one retired: lists by the new key are taken, by the old refused', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    assert.equal((await update(a.sb, a.repo)).status, EXIT.OK);
    const next = await a.sb.newKey({ name: 'authority-2027', trusted: false });
    await statement(a, { serial: 1, add: [next], retire: [a.listKey] });
    await publishWith(a, 2, next);
    const r = await update(a.sb, a.repo);
    assert.equal(r.status, EXIT.OK, r.stderr);
    await assertAnswersFrom(a.sb, 2, { account: '@tim_v2' });
    const status = JSON.parse((await a.sb.cli(['status', '--json'])).stdout);
    assert.ok(status.trusted_keys.includes(next.id) && !status.trusted_keys.includes(a.listKey.id), JSON.stringify(status.trusted_keys));
    const byOld = await a.sb.importList(await a.sb.publish('v3-old-key.jsonl', { key: a.listKey, version: 3 }));
    assert.equal(byOld.status, EXIT.FAILED);
    assert.match(byOld.result.error.message, /not a trusted key/);
  });

  test('a statement is refused when an added key did not sign it, or when an index key signed it', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    assert.equal((await update(a.sb, a.repo)).status, EXIT.OK);
    const next = await a.sb.newKey({ name: 'next', trusted: false });
    await statement(a, { serial: 1, add: [next], proofs: [] });
    await publish(a, 2);
    const unproven = await update(a.sb, a.repo);
    assert.equal(unproven.status, EXIT.FAILED);
    assert.match(unproven.result.error.message, /added without its own signature/);

    await statement(a, { serial: 1, add: [next], signer: a.indexKey });
    await publish(a, 3);
    const byIndexKey = await update(a.sb, a.repo);
    assert.equal(byIndexKey.status, EXIT.FAILED);
    assert.match(byIndexKey.result.error.message, /not a trusted list key/);
    await assertAnswersFrom(a.sb, 1);
  });

  test('revocation: a statement of another trusted key retires a stolen key; an older statement is refused', async (t) => {
    const a = await authority(t);
    const spare = await a.sb.newKey({ name: 'spare' });   // kept apart by the authority, trusted from the start
    await publish(a, 1);
    await statement(a, { serial: 2, retire: [a.listKey], signer: spare });
    await publishWith(a, 2, spare);
    assert.equal((await update(a.sb, a.repo)).status, EXIT.OK);
    const stolen = await a.sb.importList(await a.sb.publish('v9-stolen.jsonl', { key: a.listKey, version: 9 }));
    assert.equal(stolen.status, EXIT.FAILED);
    assert.match(stolen.result.error.message, /not a trusted key/);

    await statement(a, { serial: 1, retire: [], signer: spare });
    await publishWith(a, 3, spare);
    const older = await update(a.sb, a.repo);
    assert.equal(older.status, EXIT.FAILED);
    assert.match(older.result.error.message, /key statement 1 is older than statement 2/);
  });
});
