// The defects an attack review found in the host and the importer (issue 9), one test each,
// written to fail on the code before the fix. Tests that act as another user run as root (as CI
// does) and are skipped otherwise, saying why.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { CLI_BIN, EXIT, HOST_BIN, SETTLED_DATA_FILES, assertAnswersFrom, encodeFrame, FrameDecoder, listText, makeSandbox, run } from './lib.mjs';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0 ? false : 'needs root: acts as another user (nobody)';

// Lets NOBODY reach the sandbox, as it reaches /var/lib/netral (0755) on a real machine.
function openToOthers(sb) {
  for (let dir = sb.dataDir; dir.startsWith(sb.root); dir = path.dirname(dir)) fs.chmodSync(dir, 0o755);
  fs.chmodSync(sb.configDir, 0o755);
  fs.chmodSync(sb.keysDir, 0o755);
}

// One request to a host started as USER (uid) with ENV; the reply and the raw reply bytes.
function askAs(uid, bin, env, request) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['chrome-extension://abcdefghijklmnopabcdefghijklmnop/'],
      { env, uid, gid: uid, stdio: ['pipe', 'pipe', 'pipe'] });
    const decoder = new FrameDecoder();
    let stderr = '';
    child.stderr.on('data', (c) => { stderr += c; });
    child.stdout.on('data', (chunk) => {
      for (const bytes of decoder.push(chunk)) {
        child.stdin.end();
        resolve({ reply: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)), bytes });
      }
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`host exited ${code} without a reply: ${stderr}`)));
    child.stdin.write(encodeFrame(request));
  });
}

describe('1. the import lock', () => {
  test('another user cannot hold DATA/import.lock against root\'s import', { skip: asRoot }, async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    openToOthers(sb);
    assert.equal(fs.statSync(sb.data('import.lock')).mode & 0o777, 0o600, 'the lock is private to the importer');
    // As nobody: open the lock read-only and hold a flock on it, if the system lets us.
    const holder = spawn('python3', ['-c', `
import fcntl, os, sys, time
try:
    fd = os.open(sys.argv[1], os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    print("held", flush=True)
except OSError as e:
    print("refused", e.errno, flush=True)
time.sleep(60)`, sb.data('import.lock')], { uid: NOBODY, gid: NOBODY, stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => holder.kill('SIGKILL'));
    const said = await new Promise((resolve) => holder.stdout.once('data', (c) => resolve(String(c))));
    assert.match(said, /^refused/, 'nobody could not even open the lock');
    const file = await sb.publish('v2.jsonl', { key, version: 2 });
    const r = await sb.importList(file);
    assert.equal(r.status, EXIT.OK, r.stderr);
  });
});

describe('2. a user\'s environment and a host installed by someone else', () => {
  test('a host root installed ignores NETRAL_DATA_DIR, NETRAL_CONFIG_DIR and NETRAL_NOW from another user', { skip: asRoot }, async (t) => {
    // The user's own list, which says @candidate_one is clear: a way around mode: block.
    const sb = await makeSandbox(t);
    await sb.install(1);
    openToOthers(sb);
    const bin = path.join(sb.root, 'bin');
    fs.mkdirSync(bin, { mode: 0o755 });
    fs.copyFileSync(HOST_BIN, path.join(bin, 'netral-host'));
    fs.chmodSync(path.join(bin, 'netral-host'), 0o755);   // root's file, in root's directory
    const env = { ...sb.env, NETRAL_NOW: '2100-01-01T00:00:00Z' };

    const asUser = await askAs(NOBODY, path.join(bin, 'netral-host'), env, { id: 1, type: 'status' });
    assert.notEqual(asUser.reply.data_dir, sb.dataDir, 'the user\'s data directory is not followed');
    assert.notEqual(asUser.reply.config_dir, sb.configDir, 'nor the user\'s keys');

    const asOwner = await askAs(0, path.join(bin, 'netral-host'), env, { id: 1, type: 'status' });
    assert.equal(asOwner.reply.data_dir, sb.dataDir, 'the owner of the program may point it anywhere');
    assert.equal(asOwner.reply.list.stale, true, 'and move its clock');
  });
});

describe('3. a lost database', () => {
  test('re-importing the same verified list repairs a deleted database; older lists stay refused', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(2);
    const v3 = await sb.publish('v3.jsonl', { key, version: 3 });
    assert.equal((await sb.importList(v3)).status, EXIT.OK);
    fs.rmSync(sb.data('netral.db'));
    const doctor = JSON.parse((await sb.cli(['doctor', '--json'])).stdout);
    const listFinding = doctor.findings.find((f) => f.subject === 'list' && f.level === 'fail');
    assert.match(listFinding.fix, /netral import .*list\.jsonl \(the kept verified copy, version 3\)/);

    const old = await sb.publish('v2-again.jsonl', { key, version: 2 });
    const refused = await sb.importList(old);
    assert.equal(refused.status, EXIT.FAILED);
    assert.match(refused.result.error.message, /not newer than the installed version 3/);

    const repaired = await sb.importList(v3);
    assert.equal(repaired.status, EXIT.OK, repaired.stderr);
    assert.equal(repaired.result.repaired, true);
    await assertAnswersFrom(sb, 3);
    const again = await sb.importList(v3);
    assert.match(again.result.error.message, /version 3 is already installed/);
  });

  test('a different list with the kept version cannot stand in for it', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(3);
    fs.rmSync(sb.data('netral.db'));
    const other = await sb.publish('v3-other.jsonl', { key, version: 3, issuer: 'Someone else' });
    const r = await sb.importList(other);
    assert.equal(r.status, EXIT.FAILED);
    assert.match(r.result.error.message, /not the one kept as verified/);
  });
});

describe('4. the kept list and its signature', () => {
  test('an import killed between switching the signature and the list is settled by the next, and no rollback gets in', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const v1List = fs.readFileSync(sb.data('list.jsonl'));
    const v2 = await sb.publish('v2.jsonl', { key, version: 2 });
    assert.equal((await sb.importList(v2)).status, EXIT.OK);
    // The state a kill leaves after the signature was switched and before the list was: the new
    // signature beside the old list, the new list still staged.
    fs.copyFileSync(sb.data('list.jsonl'), sb.data('.list.jsonl.new'));
    fs.writeFileSync(sb.data('list.jsonl'), v1List);
    fs.rmSync(sb.data('netral.db'));   // and then the database is lost

    const v1 = await sb.publish('v1-replay.jsonl', { key, version: 1 });
    const r = await sb.importList(v1);
    assert.equal(r.status, EXIT.FAILED, 'an older list is still refused');
    assert.match(r.result.error.message, /not newer than the installed version 2/);
    assert.deepEqual(fs.readFileSync(sb.data('list.jsonl')), fs.readFileSync(v2), 'the kept pair is whole again');
    assert.deepEqual(sb.dataFiles().filter((f) => f !== 'netral.db'), SETTLED_DATA_FILES.filter((f) => f !== 'netral.db'));
  });

  test('doctor says so when the kept list does not verify with its signature', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const v2 = await sb.publish('v2.jsonl', { key, version: 2 });
    await sb.importList(v2);
    fs.appendFileSync(sb.data('list.jsonl'), '\n');
    const doctor = JSON.parse((await sb.cli(['doctor', '--json'])).stdout);
    assert.ok(doctor.findings.some((f) => f.subject === 'list' && f.level === 'warn' && /does not verify with its signature/.test(f.message)),
      JSON.stringify(doctor.findings));
  });
});

describe('5. what killed imports leave behind', () => {
  test('the next import removes old probes, staged and temporary files', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    for (const name of ['.list.jsonl.new.check-4242', 'last-import.json.tmp-4243', 'list.jsonl.minisig.tmp-4244', '.netral.db.new']) {
      fs.writeFileSync(sb.data(name), 'x'.repeat(1000));
    }
    await sb.install(2, { key });
    assert.deepEqual(sb.dataFiles(), SETTLED_DATA_FILES);
  });

  test('a file size limit is an error that says so, not a silent death by SIGXFSZ', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const big = await sb.publish('big.jsonl', {
      key, version: 2, entries: Array.from({ length: 5000 }, (_, i) => ({ platform: 'x', accounts: [`@big${i}`], entity: { name: `Entity ${i}` } })),
    });
    const r = await run('sh', ['-c', 'ulimit -f 100; exec "$0" import "$1"', CLI_BIN, big], { env: sb.env, cwd: sb.work });
    assert.equal(r.signal, null, 'not killed by a signal');
    assert.equal(r.status, EXIT.FAILED);
    assert.match(r.stderr, /the file size limit \(ulimit -f\) is too small/);
    await assertAnswersFrom(sb, 1);
  });
});

describe('6. a data directory others can write to', () => {
  test('is refused by the host and by import, and doctor says why', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    fs.chmodSync(sb.dataDir, 0o777);
    const host = sb.host();
    const reply = await host.request({ id: 1, type: 'check', platform: 'x', account: '@candidate_one' });
    await host.close();
    assert.equal(reply.verdict, 'unknown', 'a planted database would be served otherwise');
    assert.match(reply.reason, /can be changed by other users .*chmod go-w/);
    const v2 = await sb.publish('v2.jsonl', { key, version: 2 });
    const r = await sb.importList(v2);
    assert.equal(r.status, EXIT.FAILED);
    assert.match(r.result.error.message, /can be changed by other users/);
    const doctor = JSON.parse((await sb.cli(['doctor', '--json'])).stdout);
    assert.ok(doctor.findings.some((f) => f.subject === 'data' && f.level === 'fail'));
    fs.chmodSync(sb.dataDir, 0o755);
    await assertAnswersFrom(sb, 1);
  });

  test('a keys directory others can write to is refused as a whole', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    fs.chmodSync(sb.keysDir, 0o777);
    const r = await sb.importList(await sb.publish('v2.jsonl', { key, version: 2 }));
    assert.equal(r.status, EXIT.FAILED);
    assert.match(r.result.error.message, /trusted keys are not usable: .*can be changed by other users/);
  });
});

describe('7. integers', () => {
  test('versions up to 2^53-1 are printed as exact integers, by the host and the CLI', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(9007199254740991);
    const host = sb.host();
    await host.send({ id: 1, type: 'check', platform: 'x', account: '@candidate_one' });
    const { reply } = await host.nextFrame();
    await host.close();
    assert.equal(reply.list_version, 9007199254740991);
    const status = await sb.cli(['status', '--json']);
    assert.match(status.stdout, /"version":\s*9007199254740991\b/);
    assert.doesNotMatch(status.stdout, /e\+15/);
    assert.match(fs.readFileSync(sb.data('last-import.json'), 'utf8'), /"version":9007199254740991\b/);
  });
});

describe('8. \\u0000 in list texts', () => {
  for (const [what, entry] of [
    ['an entity name', { platform: 'x', accounts: ['@a'], entity: { name: 'Tim\u0000 Palsu' } }],
    ['an account', { platform: 'x', accounts: ['@a\u0000b'], entity: { name: 'A' } }],
  ]) {
    test(`${what} holding \\u0000 is refused, not cut short`, async (t) => {
      const sb = await makeSandbox(t);
      const key = await sb.install(1);
      const file = await sb.publish('nul.jsonl', { key, version: 2, entries: [entry] });
      const r = await sb.importList(file);
      assert.equal(r.status, EXIT.FAILED);
      assert.match(r.result.error.message, /line 2: the entry holds \\u0000/);
    });
  }
});

describe('9. status and paths that are not UTF-8', () => {
  test('status stays valid UTF-8 JSON', async (t) => {
    const sb = await makeSandbox(t);
    const script = `NETRAL_DATA_DIR="$(printf '%s/data-\\377')" exec "$0" status --json`;
    const r = await run('sh', ['-c', script, CLI_BIN, sb.root], { env: sb.env });
    const bytes = Buffer.from(r.stdout, 'latin1');
    assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(r.stdout)));
    assert.ok(bytes.length > 0);
    const reply = JSON.parse(r.stdout);
    assert.match(reply.data_dir, /data-\?$/);
  });
});

describe('10. two trusted keys with one key id', () => {
  test('is refused clearly by import and by doctor', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    // Another public key under the same key id: the signature names its key by id only.
    const lines = fs.readFileSync(key.pub, 'utf8').trim().split('\n');
    const bin = Buffer.from(lines[1], 'base64');
    bin[20] ^= 0xff;
    fs.writeFileSync(path.join(sb.keysDir, 'twin.pub'), `${lines[0]}\n${bin.toString('base64')}\n`);
    const r = await sb.importList(await sb.publish('v2.jsonl', { key, version: 2 }));
    assert.equal(r.status, EXIT.FAILED);
    assert.match(r.result.error.message, /have the same key id/);
    const doctor = JSON.parse((await sb.cli(['doctor', '--json'])).stdout);
    assert.ok(doctor.findings.some((f) => f.subject === 'keys' && f.level === 'fail' && /same key id/.test(f.message)));
  });
});

describe('11. header dates, byte order marks and duplicate keys', () => {
  for (const [what, text, message] of [
    ['a header naming "version" twice', listText({ version: 2 }).replace('"version":2', '"version":2,"version":99'), /the header line names a key twice/],
    ['an entry naming "platform" twice', listText({ version: 2, entries: ['{"platform":"x","platform":"tiktok","accounts":["@a"],"entity":{"name":"A"}}'] }), /line 2: the entry names a key twice/],
    ['a byte order mark', `\ufeff${listText({ version: 2 })}`, /byte order mark/],
    ['an issue date next year', listText({ version: 2, issued: '2099-01-01T00:00:00Z', expires: '2100-01-01T00:00:00Z' }), /issued at 2099-01-01T00:00:00Z, in the future/],
  ]) {
    test(`${what} is refused`, async (t) => {
      const sb = await makeSandbox(t);
      const key = await sb.install(1);
      const r = await sb.importList(await sb.publish('odd.jsonl', { key, text }));
      assert.equal(r.status, EXIT.FAILED);
      assert.match(r.result.error.message, message);
      await assertAnswersFrom(sb, 1);
    });
  }

  test('a request naming a key twice is refused, and the host goes on', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    const host = sb.host();
    await host.send(Buffer.from('{"id":1,"type":"check","platform":"x","account":"@nobody","account":"@candidate_one"}'));
    const { reply } = await host.nextFrame();
    assert.equal(reply.error.code, 'bad_request');
    assert.equal((await host.request({ id: 'next', type: 'hello' })).id, 'next');
    await host.close();
  });
});

describe('16. import errors name the right file', () => {
  test('a missing list, a directory, and a malformed key file are named', async (t) => {
    const sb = await makeSandbox(t);
    const missing = await sb.cli(['import', sb.file('missing.jsonl')]);
    assert.match(missing.stderr, /cannot open the list .*missing\.jsonl/);
    assert.doesNotMatch(missing.stderr, /minisig/);
    const dir = sb.file('a-directory');
    fs.mkdirSync(dir);
    assert.match((await sb.cli(['import', dir])).stderr, /a-directory is not a file/);

    const key = await sb.newKey({ trusted: false });
    fs.writeFileSync(path.join(sb.keysDir, 'broken.pub'), 'untrusted comment: x\nnot base64\n');
    const file = await sb.publish('v1.jsonl', { key, version: 1 });
    assert.match((await sb.cli(['import', file])).stderr, /no usable trusted key in .*: broken\.pub: /);
  });
});

describe('17. the host gives up what it never needs', () => {
  test('a running host has no_new_privs and a seccomp filter', { skip: process.platform !== 'linux' && 'Linux only' }, async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    await host.request({ id: 1, type: 'hello' });
    const status = fs.readFileSync(`/proc/${host.pid}/status`, 'utf8');
    await host.close();
    assert.match(status, /^NoNewPrivs:\s+1$/m);
    assert.match(status, /^Seccomp:\s+2$/m);
  });
});

describe('9. the account filter and buckets (performance, issue 9) never hide a listed account', () => {
  test('with the filter\'s blocks damaged, the host still answers listed (it reads the buckets)', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    // Zero every filter block in place, as a damaged disk might; the digest no longer matches.
    const r = await run('sqlite3', [sb.data('netral.db'), "UPDATE account_filter SET bits = zeroblob(length(bits));"], { env: sb.env });
    assert.equal(r.status, 0, r.stderr);
    await assertAnswersFrom(sb, 1);
    const host = sb.host();
    assert.equal((await host.request({ id: 1, type: 'check', platform: 'x', account: '@nobody_here' })).verdict, 'clear');
    await host.close();
  });

  // The buckets hold the accounts (schema 2): a damaged row is damage, said as such, so the
  // extension applies its fail mode; it is never read as "not listed".
  for (const [what, sql] of [
    ['overwritten with random bytes', 'UPDATE account_bucket SET entries = randomblob(length(entries));'],
    ['cut short', 'UPDATE account_bucket SET entries = substr(entries, 1, length(entries) - 3);'],
    ['swapped', 'UPDATE account_bucket SET entries = (SELECT entries FROM account_bucket AS o WHERE o.bucket <> account_bucket.bucket LIMIT 1);'],
    ['gone', 'DELETE FROM account_bucket;'],
  ]) {
    test(`with the account buckets ${what}, a listed account is "unknown" because the list is damaged, never clear`, async (t) => {
      const sb = await makeSandbox(t);
      await sb.install(1);
      const r = await run('sqlite3', [sb.data('netral.db'), sql], { env: sb.env });
      assert.equal(r.status, 0, r.stderr);
      const host = sb.host();
      for (const [platform, account] of [['x', 'id:1234567890'], ['facebook', 'group:volunteers.two']]) {
        const reply = await host.request({ id: 1, type: 'check', platform, account });
        assert.equal(reply.verdict, 'unknown', JSON.stringify(reply));
        assert.match(reply.reason, /the list database is damaged \(account bucket \d+\): install the list again/);
      }
      await host.close();
      const cli = await sb.cli(['check', 'x', 'id:1234567890']);
      assert.equal(cli.status, EXIT.UNKNOWN, 'netral check must not say "not listed"');
      assert.match(cli.stdout, /^unknown: x id:1234567890: the list database is damaged/);
      // doctor reads every bucket and says so; the kept list, imported again, repairs it.
      const doctor = JSON.parse((await sb.cli(['doctor', '--json'])).stdout).findings;
      assert.ok(doctor.some((f) => f.subject === 'list' && f.level === 'fail' && /is damaged \(account bucket \d+\)/.test(f.message)
        && /netral import .*list\.jsonl/.test(f.fix)), JSON.stringify(doctor));
      const repair = await sb.cli(['import', sb.data('list.jsonl')]);
      assert.equal(repair.status, EXIT.OK, repair.stderr);
      assert.match(repair.stdout, /repairs the database/);
      await assertAnswersFrom(sb, 1);
    });
  }
});

describe('9. a database from an older Netral (schema 1, accounts in tables)', () => {
  test('is refused with the reason, by the host and doctor, and the kept list imported again replaces it', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    const r = await run('sqlite3', [sb.data('netral.db'), "UPDATE meta SET value = 1 WHERE key = 'schema';"], { env: sb.env });
    assert.equal(r.status, 0, r.stderr);
    const host = sb.host();
    const reply = await host.request({ id: 1, type: 'check', platform: 'x', account: 'id:1234567890' });
    await host.close();
    assert.equal(reply.verdict, 'unknown', JSON.stringify(reply));
    assert.match(reply.reason, /made by an older Netral \(schema 1\): install the list again/);
    const doctor = JSON.parse((await sb.cli(['doctor', '--json'])).stdout).findings;
    assert.ok(doctor.some((f) => f.subject === 'list' && f.level === 'fail' && /older Netral/.test(f.message)), JSON.stringify(doctor));
    const again = await sb.cli(['import', sb.data('list.jsonl')]);
    assert.equal(again.status, EXIT.OK, again.stderr);
    await assertAnswersFrom(sb, 1);
  });
});

describe('11. a byte order mark in a request', () => {
  test('is invalid JSON, as JSON has none (cJSON alone would skip it)', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    await host.send(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"id":1,"type":"hello"}')]));
    const { reply } = await host.nextFrame();
    assert.equal(reply.error.code, 'invalid_json');
    assert.equal((await host.request({ id: 'next', type: 'hello' })).id, 'next');
    await host.close();
  });
});
