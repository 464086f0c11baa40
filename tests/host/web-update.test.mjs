// Updates over the web, the host's part (docs/protocol.md, "List updates over the web"): the
// extension hands the host a repository it fetched; the host verifies the index with the trusted
// keys, writes what it is sent to its user's spool, cut at the signed sizes and checked against the
// digests, and installs nothing; `netral update --spool` (the path unit) copies the newest verified
// spool and installs it with the verifier and importer of `netral update --from`. Here this test
// plays the extension's part over the host's pipe.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { EXIT, HOST_BIN, assertAnswersFrom } from './lib.mjs';
import { authority, entriesFor, publish, publishWith, siteRules, sitesFromHost, statement } from './repository.mjs';

const CHUNK = 1024 * 1024;

const spoolOf = (sb) => path.join(sb.dataDir, 'spool', String(process.getuid()));

function offerOf(repo, extra = {}) {
  return {
    type: 'update_offer', source: 'https://lists.example/netral/',
    index: fs.readFileSync(path.join(repo, 'index.json'), 'utf8'),
    signature: fs.readFileSync(path.join(repo, 'index.json.minisig'), 'utf8'),
    ...extra,
  };
}

// Sends FILE's BYTES in chunks as the worker does; the reply to the last one.
async function sendFile(host, name, bytes, { chunk = CHUNK } = {}) {
  let reply = null;
  for (let offset = 0; offset === 0 || offset < bytes.length; offset += chunk) {
    const part = bytes.subarray(offset, offset + chunk);
    const last = offset + chunk >= bytes.length;
    reply = await host.request({ id: offset, type: 'update_file', name, offset, data: part.toString('base64'), last });
    if (reply.error || last) return reply;
  }
  return reply;
}

// The extension's whole run against REPO: offer, every file asked for, commit.
async function sendRepository(host, repo, extra = {}) {
  const offer = await host.request({ id: 1, ...offerOf(repo, extra) });
  if (offer.error || offer.state === 'current') return { offer };
  const queue = [...offer.files];
  const sent = [];
  while (queue.length > 0) {
    const file = queue.shift();
    const reply = await sendFile(host, file.name, fs.readFileSync(path.join(repo, file.name)));
    assert.equal(reply.error, undefined, `${file.name}: ${JSON.stringify(reply.error)}`);
    assert.equal(reply.complete, true);
    sent.push(file.name);
    queue.push(...reply.more);
  }
  const commit = await host.request({ id: 2, type: 'update_commit' });
  return { offer, sent, commit };
}

async function updateFromSpool(sb, env) {
  const r = await sb.cli(['update', '--spool', '--json'], { env });
  return { ...r, result: JSON.parse(r.stdout) };
}

describe('updates over the web: the host spools, the updater installs', () => {
  test('a fresh laptop gets the full list, then a delta; nothing is installed until the updater runs', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    const host = a.sb.host();
    const first = await sendRepository(host, a.repo);
    assert.equal(first.offer.state, 'needed');
    assert.deepEqual(first.offer.files.map((f) => f.name), ['list-1.jsonl', 'list-1.jsonl.minisig']);
    assert.equal(first.offer.files[0].size, fs.statSync(path.join(a.repo, 'list-1.jsonl')).size);
    assert.deepEqual(first.commit, { id: 2, state: 'spooled', list_version: 1, index_serial: 1 });
    assert.equal((await host.request({ id: 3, type: 'hello' })).list, null, 'the host installs nothing itself');

    const installed = await updateFromSpool(a.sb);
    assert.equal(installed.status, EXIT.OK, installed.stderr);
    assert.equal(installed.result.via, 'full');
    await assertAnswersFrom(a.sb, 1);
    assert.equal((await host.request({ id: 4, type: 'hello' })).list.version, 1, 'the running host switches to it');
    const status = await a.sb.cli(['status']);
    assert.match(status.stdout, /Updates: +from https:\/\/lists\.example\/netral\/ \(web\)/);

    await publish(a, 2);
    const second = await sendRepository(host, a.repo);
    assert.deepEqual(second.sent, ['delta-1-2.jsonl', 'delta-1-2.jsonl.minisig']);
    assert.equal((await updateFromSpool(a.sb)).result.via, 'delta');
    await assertAnswersFrom(a.sb, 2, { account: '@tim_v2' });
    // What the spool holds is the index and what it names that was sent: list 1 is gone.
    assert.deepEqual(fs.readdirSync(spoolOf(a.sb)).filter((n) => !n.startsWith('.')).sort(),
      ['delta-1-2.jsonl', 'delta-1-2.jsonl.minisig', 'incoming', 'index.json', 'index.json.minisig', 'source']);

    const again = await host.request({ id: 5, ...offerOf(a.repo) });
    assert.equal(again.state, 'current');
    assert.equal(again.files, undefined);
    assert.equal((await updateFromSpool(a.sb)).result.via, 'current');
    await host.close();
  });

  test('newer site rules are fetched with a current list, and installed by the updater; the same rules are not fetched again', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    const host = a.sb.host();
    await sendRepository(host, a.repo);
    await updateFromSpool(a.sb);
    await siteRules(a, { version: 2 });
    const refreshed = await a.sb.cli(['publish', '--refresh', a.repo, '-i', a.indexKey.sec, '-W']);
    assert.equal(refreshed.status, EXIT.OK, refreshed.stderr);
    const run = await sendRepository(host, a.repo);
    assert.equal(run.offer.state, 'needed');
    assert.deepEqual(run.sent, ['netral-sites.json', 'netral-sites.json.minisig']);
    const installed = await updateFromSpool(a.sb);
    assert.equal(installed.result.via, 'current');
    assert.equal(installed.result.sites_installed, true, JSON.stringify(installed.result));
    assert.equal((await sitesFromHost(a.sb)).sites.version, 2);
    const again = await host.request({ id: 5, ...offerOf(a.repo) });
    assert.equal(again.state, 'current');
    await host.close();
  });

  test('a big list arrives in chunks of 1 MiB', async (t) => {
    const a = await authority(t);
    const entries = [...entriesFor(1), ...Array.from({ length: 30_000 }, (_, i) => ({
      platform: 'tiktok', accounts: [`@relawan_${i}`], entity: { name: `Relawan ${i}`, party: 'Partai Contoh' },
    }))];
    await publish(a, 1, { entries });
    assert.ok(fs.statSync(path.join(a.repo, 'list-1.jsonl')).size > 2 * CHUNK, 'the list should take several chunks');
    const host = a.sb.host();
    const run = await sendRepository(host, a.repo);
    assert.equal(run.commit.state, 'spooled');
    assert.equal((await updateFromSpool(a.sb)).status, EXIT.OK);
    await assertAnswersFrom(a.sb, 1, { platform: 'tiktok', account: '@relawan_29999' });
    await host.close();
  });

  test('forged, stale and wrong input is refused with its own message, and the installed list keeps answering', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    const host = a.sb.host();
    await sendRepository(host, a.repo);
    await updateFromSpool(a.sb);
    const oldIndex = offerOf(a.repo);
    await publish(a, 2);
    const ask = (payload) => host.request({ id: 9, ...payload });

    const tampered = offerOf(a.repo);
    tampered.index = tampered.index.replace('"serial":2', '"serial":9');
    assert.equal((await ask(tampered)).error.code, 'signature');
    const stranger = await a.sb.newKey({ name: 'stranger', trusted: false });
    await publishWith({ ...a, indexKey: stranger, repo: a.sb.file('stranger-repo') }, 2, stranger);
    const unknown = await ask(offerOf(a.sb.file('stranger-repo')));
    assert.equal(unknown.error.code, 'key');
    assert.match(unknown.error.message, /not a trusted key/);
    const rollback = await ask(oldIndex);
    assert.equal(rollback.error, undefined, 'the index already installed is no rollback');
    assert.equal(rollback.state, 'current');

    assert.equal((await ask({ type: 'update_commit' })).error.code, 'not_offered');
    const offer = await ask(offerOf(a.repo));
    assert.equal(offer.state, 'needed');
    const [delta, deltaSig] = offer.files.map((f) => f.name);
    const bytes = fs.readFileSync(path.join(a.repo, delta));
    assert.equal((await ask({ type: 'update_file', name: 'list-2.jsonl', offset: 0, data: '', last: true })).error.code, 'not_offered');
    assert.equal((await ask({ type: 'update_file', name: '../../etc/passwd', offset: 0, data: '', last: true })).error.code, 'not_offered');
    assert.equal((await ask({ type: 'update_file', name: delta, offset: 5, data: 'AAAA', last: false })).error.code, 'out_of_order');
    assert.equal((await ask({ type: 'update_file', name: delta, offset: 0, data: '%%%', last: false })).error.code, 'bad_request');
    // more bytes than the index names: cut off, nothing kept
    const endless = Buffer.concat([bytes, Buffer.from('{"add":{}}\n')]);
    const tooLong = await sendFile(host, delta, endless);
    assert.equal(tooLong.error.code, 'too_large');
    assert.match(tooLong.error.message, /longer than the \d+ bytes the index names/);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 5] ^= 1;
    const wrong = await sendFile(host, delta, flipped);
    assert.equal(wrong.error.code, 'signature');
    assert.match(wrong.error.message, /not the file the index names/);
    assert.equal((await ask({ type: 'update_commit' })).error.code, 'incomplete');
    assert.deepEqual(fs.readdirSync(path.join(spoolOf(a.sb), 'incoming')), [], 'a refused file is not kept');
    // the same offer goes on with the right bytes
    assert.equal((await sendFile(host, delta, bytes)).complete, true);
    assert.equal((await sendFile(host, deltaSig, fs.readFileSync(path.join(a.repo, deltaSig)))).complete, true);
    assert.equal((await ask({ type: 'update_commit' })).state, 'spooled');
    await assertAnswersFrom(a.sb, 1);
    assert.equal((await updateFromSpool(a.sb)).result.via, 'delta');
    await assertAnswersFrom(a.sb, 2, { account: '@tim_v2' });

    // an index older than the one verified (a replayed mirror), and an expired one
    assert.match((await ask(oldIndex)).error.message, /older than one verified before|older than the installed version/);
    await host.close();
    const later = a.sb.host({ env: { NETRAL_NOW: '2099-01-01T00:00:00Z' } });
    const expired = await later.request({ id: 1, ...offerOf(a.repo) });
    assert.equal(expired.error.code, 'expired');
    assert.match(expired.error.message, /the index expired at/);
    await later.close();
  });

  test('a delta that does not apply here: the updater says so, and the next offer asks for the full list', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    // This laptop has another list 1 (same version, other content) than the repository's.
    const own = await a.sb.publish('own-v1.jsonl', { key: a.listKey, version: 1, entries: entriesFor(3) });
    assert.equal((await a.sb.importList(own)).status, EXIT.OK);
    await publish(a, 2);
    const host = a.sb.host();
    const first = await sendRepository(host, a.repo);
    assert.deepEqual(first.sent, ['delta-1-2.jsonl', 'delta-1-2.jsonl.minisig']);
    const refused = await updateFromSpool(a.sb);
    assert.equal(refused.status, EXIT.FAILED);
    await assertAnswersFrom(a.sb, 1, { account: '@tim_v3' });
    const second = await sendRepository(host, a.repo);
    assert.deepEqual(second.sent, ['list-2.jsonl', 'list-2.jsonl.minisig']);
    const full = await updateFromSpool(a.sb);
    assert.equal(full.status, EXIT.OK, full.stderr);
    assert.equal(full.result.via, 'full');
    await assertAnswersFrom(a.sb, 2, { account: '@tim_v2' });
    // and the worker may ask for the full list itself
    const asked = await host.request({ id: 7, ...offerOf(a.repo), full: true });
    assert.equal(asked.state, 'current');
    await host.close();
  });

  test('two browser profiles: one sends at a time; the other is told to try later', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    const one = a.sb.host();
    const two = a.sb.host();
    assert.equal((await one.request({ id: 1, ...offerOf(a.repo) })).state, 'needed');
    const busy = await two.request({ id: 1, ...offerOf(a.repo) });
    assert.equal(busy.error.code, 'busy');
    await one.close();   // a profile closed mid-update lets go
    assert.equal((await sendRepository(two, a.repo)).commit.state, 'spooled');
    await two.close();
  });

  test('the updater takes the newest verified spool, and follows no link in one', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    const host = a.sb.host();
    await sendRepository(host, a.repo);
    await host.close();
    await publish(a, 2);
    const spool = path.dirname(spoolOf(a.sb));
    // another user's spool holding links to a newer repository: not taken
    const other = path.join(spool, '4242');
    fs.mkdirSync(other, { mode: 0o700 });
    for (const name of fs.readdirSync(a.repo)) fs.symlinkSync(path.join(a.repo, name), path.join(other, name));
    const r = await updateFromSpool(a.sb);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.equal(r.result.version, 1);
    // a real newer one is
    fs.rmSync(other, { recursive: true });
    fs.mkdirSync(other, { mode: 0o700 });
    for (const name of fs.readdirSync(a.repo)) fs.copyFileSync(path.join(a.repo, name), path.join(other, name));
    assert.equal((await updateFromSpool(a.sb)).result.version, 2);
    await assertAnswersFrom(a.sb, 2, { account: '@tim_v2' });
  });

  test('one user\'s spool that does not install (a newer index, its files missing, junk beside it) does not keep another\'s out', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    const host = a.sb.host();
    await sendRepository(host, a.repo);
    await updateFromSpool(a.sb);
    await publish(a, 2);
    await sendRepository(host, a.repo);   // this user's spool: index serial 2, delta-1-2 with it
    await host.close();
    const refreshed = await a.sb.cli(['publish', '--refresh', a.repo, '-i', a.indexKey.sec, '-W']);
    assert.equal(refreshed.status, EXIT.OK, refreshed.stderr);
    const other = path.join(path.dirname(spoolOf(a.sb)), '4242');
    fs.mkdirSync(other, { mode: 0o700 });
    for (const name of ['index.json', 'index.json.minisig']) fs.copyFileSync(path.join(a.repo, name), path.join(other, name));
    fs.writeFileSync(path.join(other, 'junk'), Buffer.alloc(1 << 20));
    const r = await updateFromSpool(a.sb);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.equal(r.result.via, 'delta');
    assert.equal(r.result.index_serial, 2, 'installed from the spool that holds its files');
    await assertAnswersFrom(a.sb, 2, { account: '@tim_v2' });
    assert.equal(fs.existsSync(path.join(a.sb.dataDir, '.spool-intake')), false, 'the private copy is removed');
  });

  test('a folder and the web on one laptop: the way that is behind is neither installed nor an error', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    const copy = (name) => {
      const dir = a.sb.file(name);
      fs.cpSync(a.repo, dir, { recursive: true });
      return dir;
    };
    const folderAt1 = copy('folder-1');
    await publish(a, 2);
    const webAt2 = copy('web-2');
    const host = a.sb.host();
    await sendRepository(host, webAt2);
    assert.equal((await updateFromSpool(a.sb)).result.via, 'full');
    // The folder, copied before list 2: behind the web.
    const behind = await a.sb.cli(['update', '--from', folderAt1]);
    assert.equal(behind.status, EXIT.OK, behind.stderr);
    assert.match(behind.stdout, /is behind the index the other way in brought; list version 2 stays installed/);
    const status = await a.sb.cli(['status']);
    assert.match(status.stdout, /Updates: +from https:\/\/lists\.example\/netral\/ \(web\)/);
    assert.doesNotMatch(status.stdout, /error|older/i);
    // Now the folder is ahead, and the web mirror lags.
    await publish(a, 3);
    const ahead = await a.sb.cli(['update', '--from', a.repo, '--json']);
    assert.equal(JSON.parse(ahead.stdout).via, 'delta');
    const lagging = await host.request({ id: 5, ...offerOf(webAt2) });
    assert.equal(lagging.error, undefined, JSON.stringify(lagging));
    assert.equal(lagging.state, 'current');
    assert.equal(lagging.list_version, 3);
    await host.close();
    assert.equal((await updateFromSpool(a.sb)).result.via, 'behind', 'the spool still holds list 2: behind, no error');
    await assertAnswersFrom(a.sb, 3, { account: '@tim_v3' });
    const doctor = JSON.parse((await a.sb.cli(['doctor', '--json'])).stdout).findings.filter((f) => f.subject === 'updates');
    assert.deepEqual(doctor.map((f) => f.level), ['ok'], JSON.stringify(doctor));
  });

  test('a key rotation reaches the laptop over the web: the statement and its proofs are asked for', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    const host = a.sb.host();
    await sendRepository(host, a.repo);
    await updateFromSpool(a.sb);
    const next = await a.sb.newKey({ name: 'authority-2027', trusted: false });
    await statement(a, { serial: 1, add: [next], retire: [a.listKey] });
    await publishWith(a, 2, next);
    const run = await sendRepository(host, a.repo);
    assert.ok(run.sent.includes('keys.json') && run.sent.includes(`keys.json.${next.id}.minisig`), run.sent.join());
    const r = await updateFromSpool(a.sb);
    assert.equal(r.status, EXIT.OK, r.stderr);
    await assertAnswersFrom(a.sb, 2, { account: '@tim_v2' });
    await host.close();
  });

  test('a full disk (here: a file size limit) fails the file with a clear error; the host and the list go on', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    const host = a.sb.host();
    await sendRepository(host, a.repo);
    await updateFromSpool(a.sb);
    await host.close();
    const entries = [...entriesFor(2), ...Array.from({ length: 3000 }, (_, i) => ({
      platform: 'x', accounts: [`@relawan_${i}`], entity: { name: `Relawan ${i}` },
    }))];
    await publish(a, 2, { entries, keep: 0 });   // no delta: the full list, larger than the limit
    const wrapper = a.sb.file('limited-host.sh');
    fs.writeFileSync(wrapper, `#!/bin/sh\nulimit -f 64\nexec '${HOST_BIN}' "$@"\n`, { mode: 0o755 });
    const limited = a.sb.host({ bin: wrapper });
    const offer = await limited.request({ id: 1, ...offerOf(a.repo) });
    assert.equal(offer.files[0].name, 'list-2.jsonl');
    assert.ok(offer.files[0].size > 64 * 1024);
    const failed = await sendFile(limited, 'list-2.jsonl', fs.readFileSync(path.join(a.repo, 'list-2.jsonl')), { chunk: 16 * 1024 });
    assert.equal(failed.error.code, 'io');
    assert.match(failed.error.message, /cannot write list-2\.jsonl to the spool .*file size limit/);
    assert.deepEqual(fs.readdirSync(path.join(spoolOf(a.sb), 'incoming')), [], 'nothing half-written is kept');
    const still = await limited.request({ id: 2, type: 'check', platform: 'x', account: '@tim_v1' });
    assert.equal(still.verdict, 'listed', 'the host keeps answering from list 1');
    await limited.close();
    assert.equal((await updateFromSpool(a.sb)).result.via, 'current', 'the spool still holds what it held');
  });

  test('doctor says when a fetched list has waited in the spool with nothing installing it', async (t) => {
    const a = await authority(t);
    await publish(a, 1);
    const host = a.sb.host();
    await sendRepository(host, a.repo);
    await host.close();
    const doctor = async (env) => JSON.parse((await a.sb.cli(['doctor', '--json'], { env })).stdout).findings
      .filter((f) => f.subject === 'updates');
    const inAnHour = { NETRAL_NOW: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z') };
    assert.deepEqual(await doctor(), [], 'not at once: the path unit takes a moment');
    const waiting = (await doctor(inAnHour)).find((f) => /has waited/.test(f.message));
    assert.ok(waiting, JSON.stringify(await doctor(inAnHour)));
    assert.equal(waiting.level, 'warn');
    assert.match(waiting.message, /list version 1, fetched by a browser, has waited in .*spool.* since .*: nothing installs it/);
    assert.match(waiting.fix, /netral-spool\.path|netral update --spool/);
    await updateFromSpool(a.sb);
    assert.equal((await doctor(inAnHour)).filter((f) => /has waited/.test(f.message)).length, 0);
  });

  test('an empty spool says so', async (t) => {
    const a = await authority(t);
    fs.mkdirSync(path.join(a.sb.dataDir, 'spool'));
    const r = await updateFromSpool(a.sb);
    assert.equal(r.status, EXIT.FAILED);
    assert.match(r.result.error.message, /no browser has fetched a list yet/);
  });
});
