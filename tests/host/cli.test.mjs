// The admin CLI: keygen, sign, verify (minisign's flags), import, status, check, and their exit
// statuses 0 done / 1 failed / 2 usage / 3 listed / 4 no list. (Passphrase-protected keys are
// covered in interop.test.mjs, where minisign also reads them.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, test } from 'node:test';

import { CLI_BIN, EXIT, listText, makeSandbox, parseSig } from './lib.mjs';

// The subcommands the issue asks for, and any others `netral --help` lists.
const REQUIRED_SUBCOMMANDS = ['keygen', 'sign', 'verify', 'import', 'status', 'check'];
const listed = spawnSync(CLI_BIN, ['--help'], { encoding: 'utf8' }).stdout ?? '';
const SUBCOMMANDS = [...new Set([...REQUIRED_SUBCOMMANDS, ...[...listed.matchAll(/^ +netral ([a-z]+)\b/gm)].map((m) => m[1])])];

describe('usage', () => {
  test('netral --help should list every subcommand and the exit statuses, and exit 0', async (t) => {
    const sb = await makeSandbox(t);
    const r = await sb.cli(['--help']);
    assert.equal(r.status, EXIT.OK);
    for (const c of REQUIRED_SUBCOMMANDS) assert.match(r.stdout, new RegExp(`netral ${c}\\b`));
    assert.match(r.stdout, /Exit status/);
  });

  test('netral without a command should print usage and exit 2', async (t) => {
    const sb = await makeSandbox(t);
    const r = await sb.cli([]);
    assert.equal(r.status, EXIT.USAGE);
    assert.match(r.stderr, /usage|netral keygen/i);
    assert.equal(r.stdout, '');
  });

  test('netral should refuse an unknown command with exit 2', async (t) => {
    const sb = await makeSandbox(t);
    const r = await sb.cli(['frobnicate']);
    assert.equal(r.status, EXIT.USAGE);
    assert.match(r.stderr, /unknown command/);
  });

  test('netral --version should print the version and exit 0', async (t) => {
    const sb = await makeSandbox(t);
    const r = await sb.cli(['--version']);
    assert.equal(r.status, EXIT.OK);
    assert.match(r.stdout, /^netral \S+\n$/);
  });

  for (const c of SUBCOMMANDS) {
    test(`netral ${c} --help should print its usage and exit 0 without doing anything`, async (t) => {
      const sb = await makeSandbox(t);
      const r = await sb.cli([c, '--help']);
      assert.equal(r.status, EXIT.OK, r.stderr);
      assert.match(r.stdout, new RegExp(`usage: netral ${c}`));
      assert.deepEqual(fs.readdirSync(sb.work), []);
      assert.deepEqual(sb.dataFiles(), []);
    });

    test(`netral ${c} should refuse an unknown option with exit 2`, async (t) => {
      const sb = await makeSandbox(t);
      const r = await sb.cli([c, '--no-such-option']);
      assert.equal(r.status, EXIT.USAGE);
      assert.match(r.stderr, /usage: netral/);
    });
  }
});

describe('keygen, sign, verify', () => {
  test('keygen -W should write a minisign key pair with a private secret key', async (t) => {
    const sb = await makeSandbox(t);
    const r = await sb.cli(['keygen', '-W', '-p', 'a.pub', '-s', 'a.key']);
    assert.equal(r.status, EXIT.OK, r.stderr);
    const pub = fs.readFileSync(sb.file('a.pub'), 'utf8');
    const sec = fs.readFileSync(sb.file('a.key'), 'utf8');
    assert.match(pub, /^untrusted comment: .*\nRW[A-Za-z0-9+/]{54}\n?$/);
    assert.equal(Buffer.from(pub.split('\n')[1], 'base64').length, 42);
    assert.match(sec, /^untrusted comment: .*\n[A-Za-z0-9+/=]+\n?$/);
    assert.equal(fs.statSync(sb.file('a.key')).mode & 0o777, 0o600);
    const id = Buffer.from(pub.split('\n')[1], 'base64').subarray(2, 10).reverse().toString('hex').toUpperCase();
    assert.match(r.stdout, new RegExp(id));
  });

  test('keygen should write netral.pub and netral.key by default', async (t) => {
    const sb = await makeSandbox(t);
    const r = await sb.cli(['keygen', '-W']);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.deepEqual(fs.readdirSync(sb.work).sort(), ['netral.key', 'netral.pub']);
  });

  test('keygen should refuse to replace existing files unless -f', async (t) => {
    const sb = await makeSandbox(t);
    assert.equal((await sb.cli(['keygen', '-W', '-p', 'a.pub', '-s', 'a.key'])).status, EXIT.OK);
    const before = fs.readFileSync(sb.file('a.key'), 'utf8');
    const again = await sb.cli(['keygen', '-W', '-p', 'a.pub', '-s', 'a.key']);
    assert.equal(again.status, EXIT.FAILED);
    assert.match(again.stderr, /already exists/);
    assert.equal(fs.readFileSync(sb.file('a.key'), 'utf8'), before);
    const forced = await sb.cli(['keygen', '-W', '-f', '-p', 'a.pub', '-s', 'a.key']);
    assert.equal(forced.status, EXIT.OK, forced.stderr);
    assert.notEqual(fs.readFileSync(sb.file('a.key'), 'utf8'), before);
  });

  test('keygen without -W should refuse to go on without a passphrase', async (t) => {
    const sb = await makeSandbox(t);
    for (const input of ['', '\n']) {
      const r = await sb.cli(['keygen', '-p', 'a.pub', '-s', 'a.key'], { input });
      assert.equal(r.status, EXIT.FAILED);
      assert.match(r.stderr, /passphrase/);
      assert.deepEqual(fs.readdirSync(sb.work), []);
    }
  });

  test('sign should require -W for a key without a passphrase', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.newKey();
    fs.writeFileSync(sb.file('f.txt'), 'content\n');
    const r = await sb.cli(['sign', '-s', key.sec, '-m', 'f.txt']);
    assert.equal(r.status, EXIT.FAILED);
    assert.match(r.stderr, /-W/);
    assert.equal(fs.existsSync(sb.file('f.txt.minisig')), false);
  });

  test('sign should write FILE.minisig with the trusted and untrusted comments given', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.newKey();
    fs.writeFileSync(sb.file('f.txt'), 'content\n');
    const r = await sb.cli(['sign', '-s', key.sec, '-W', '-m', 'f.txt', '-t', 'list v7 for tests', '-c', 'my comment']);
    assert.equal(r.status, EXIT.OK, r.stderr);
    const sig = parseSig(fs.readFileSync(sb.file('f.txt.minisig'), 'utf8'));
    assert.equal(sig.untrusted, 'untrusted comment: my comment');
    assert.equal(sig.trusted, 'trusted comment: list v7 for tests');
    assert.equal(sig.algorithm, 'ED');
    assert.equal(sig.keynum.reverse().toString('hex').toUpperCase(), key.id);
    assert.equal(sig.global.length, 64);
  });

  test('sign should default the trusted comment to a timestamp and the file name', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.newKey();
    fs.writeFileSync(sb.file('f.txt'), 'content\n');
    const r = await sb.cli(['sign', '-s', key.sec, '-W', '-m', sb.file('f.txt'), '-x', 'other.sig']);
    assert.equal(r.status, EXIT.OK, r.stderr);
    const sig = parseSig(fs.readFileSync(sb.file('other.sig'), 'utf8'));
    assert.match(sig.trusted, /^trusted comment: timestamp:\d+\tfile:f\.txt\thashed$/);
  });

  test('sign should refuse a missing -s or -m with exit 2', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.newKey();
    fs.writeFileSync(sb.file('f.txt'), 'content\n');
    assert.equal((await sb.cli(['sign', '-W', '-m', 'f.txt'])).status, EXIT.USAGE);
    assert.equal((await sb.cli(['sign', '-W', '-s', key.sec])).status, EXIT.USAGE);
  });

  test('sign should fail on a file that is not a secret key', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.newKey();
    fs.writeFileSync(sb.file('f.txt'), 'content\n');
    const r = await sb.cli(['sign', '-W', '-s', key.pub, '-m', 'f.txt']);
    assert.equal(r.status, EXIT.FAILED);
    assert.match(r.stderr, /secret key/);
  });

  test('verify should accept a good signature and show its trusted comment', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.newKey();
    fs.writeFileSync(sb.file('f.txt'), 'content\n');
    await sb.sign(sb.file('f.txt'), key, { trustedComment: 'hello comment' });
    const r = await sb.cli(['verify', '-p', key.pub, '-m', 'f.txt']);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.match(r.stdout, /Trusted comment: hello comment/);
    const b64 = fs.readFileSync(key.pub, 'utf8').trim().split('\n')[1];
    const byString = await sb.cli(['verify', '-P', b64, '-m', 'f.txt', '-x', 'f.txt.minisig']);
    assert.equal(byString.status, EXIT.OK, byString.stderr);
    const quiet = await sb.cli(['verify', '-q', '-p', key.pub, '-m', 'f.txt']);
    assert.equal(quiet.status, EXIT.OK);
    assert.equal(quiet.stdout, '');
    const onlyComment = await sb.cli(['verify', '-Q', '-p', key.pub, '-m', 'f.txt']);
    assert.equal(onlyComment.stdout, 'hello comment\n');
  });

  test('verify should refuse a changed file, and a signature by another key', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.newKey();
    const other = await sb.newKey();
    fs.writeFileSync(sb.file('f.txt'), 'content\n');
    await sb.sign(sb.file('f.txt'), key);
    const wrongKey = await sb.cli(['verify', '-p', other.pub, '-m', 'f.txt']);
    assert.equal(wrongKey.status, EXIT.FAILED);
    assert.match(wrongKey.stderr, new RegExp(key.id));
    fs.appendFileSync(sb.file('f.txt'), 'more\n');
    const changed = await sb.cli(['verify', '-p', key.pub, '-m', 'f.txt']);
    assert.equal(changed.status, EXIT.FAILED);
    assert.match(changed.stderr, /verification failed/);
    assert.equal(changed.stdout, '');
  });

  test('verify should need exactly one of -p and -P, and -m', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.newKey();
    assert.equal((await sb.cli(['verify', '-m', 'f.txt'])).status, EXIT.USAGE);
    assert.equal((await sb.cli(['verify', '-p', key.pub])).status, EXIT.USAGE);
    assert.equal((await sb.cli(['verify', '-p', key.pub, '-P', 'RWabc', '-m', 'f.txt'])).status, EXIT.USAGE);
  });
});

describe('import', () => {
  test('import should install a list, say what it installed and exit 0', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.newKey();
    const file = await sb.publish('list.jsonl', { key, version: 12, issuer: 'Authority X', expires: '2097-03-04T05:06:07Z' });
    const r = await sb.cli(['import', file]);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.match(r.stdout, /version 12/);
    assert.match(r.stdout, /Authority X/);
    assert.match(r.stdout, new RegExp(key.id));
    assert.match(r.stdout, /2097-03-04T05:06:07Z/);
    const next = await sb.publish('list2.jsonl', { key, version: 13 });
    const r2 = await sb.cli(['import', next]);
    assert.equal(r2.status, EXIT.OK, r2.stderr);
    assert.match(r2.stdout, /replaces version 12/);
  });

  test('import --json should describe the installed list', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(2);
    const file = await sb.publish('list.jsonl', { key, version: 3, expires: '2097-03-04T05:06:07Z' });
    const r = await sb.importList(file);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.deepEqual(r.result, {
      ok: true, version: 3, previous_version: 2, entries: 4, accounts: 7, repaired: false, issuer: 'Test list authority',
      expires: '2097-03-04T05:06:07Z', key_id: key.id,
    });
  });

  test('import -x should read the signature from the path given', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.newKey();
    const file = sb.file('list.jsonl');
    fs.writeFileSync(file, listText({ version: 1 }));
    await sb.sign(file, key, { sig: sb.file('elsewhere.sig') });
    const without = await sb.importList(file);
    assert.equal(without.status, EXIT.FAILED);
    assert.equal(without.result.ok, false);
    const r = await sb.importList(file, { sig: sb.file('elsewhere.sig') });
    assert.equal(r.status, EXIT.OK, r.stderr);
  });

  test('import should refuse a list with exit 1, a reason on stderr and an error in --json', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(2);
    const file = await sb.publish('old.jsonl', { key, version: 1 });
    const plain = await sb.cli(['import', file]);
    assert.equal(plain.status, EXIT.FAILED);
    assert.match(plain.stderr, /import refused: .*version 1 is not newer than the installed version 2/);
    assert.equal(plain.stdout, '');
    const json = await sb.importList(file);
    assert.equal(json.status, EXIT.FAILED);
    assert.equal(json.result.ok, false);
    assert.equal(json.result.error.code, 'rollback');
    assert.match(json.result.error.message, /not newer/);
  });

  test('import should fail on a list file that does not exist', async (t) => {
    const sb = await makeSandbox(t);
    await sb.newKey();
    const r = await sb.cli(['import', sb.file('missing.jsonl')]);
    assert.equal(r.status, EXIT.FAILED);
    assert.match(r.stderr, /missing\.jsonl/);
  });

  test('import should need exactly one file', async (t) => {
    const sb = await makeSandbox(t);
    assert.equal((await sb.cli(['import'])).status, EXIT.USAGE);
    assert.equal((await sb.cli(['import', 'a', 'b'])).status, EXIT.USAGE);
  });

  test('import should refuse a list when no key is trusted, naming the key that signed it', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.newKey({ trusted: false });
    const file = await sb.publish('list.jsonl', { key, version: 1 });
    const r = await sb.importList(file);
    assert.equal(r.status, EXIT.FAILED);
    assert.equal(r.result.error.code, 'key');
    assert.match(r.result.error.message, new RegExp(`no trusted key.*${key.id}`));
  });
});

describe('status', () => {
  test('status should exit 4 and say so when no list is installed', async (t) => {
    const sb = await makeSandbox(t);
    const r = await sb.cli(['status']);
    assert.equal(r.status, EXIT.UNKNOWN);
    assert.match(r.stdout, /List: +none \(no list is installed\)/);
    assert.match(r.stdout, new RegExp(`Configuration: ${sb.configDir}`));
    assert.match(r.stdout, new RegExp(`Data: +${sb.dataDir}`));
  });

  test('status should describe the installed list, the keys and the last import', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(6, { issuer: 'Authority Y' });
    const r = await sb.cli(['status']);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.match(r.stdout, /Trusted keys: +1 [0-9A-F]{16}/);
    assert.match(r.stdout, new RegExp(`version 6 from Authority Y, 4 entries \\(7 accounts\\), key ${key.id}`));
    assert.match(r.stdout, /Last import: .*installed version 6/);
    assert.doesNotMatch(r.stdout, /EXPIRED/);
  });

  test('status --json should say what the host says to status', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(6);
    const r = await sb.cli(['status', '--json']);
    assert.equal(r.status, EXIT.OK);
    const cli = JSON.parse(r.stdout);
    const host = sb.host();
    const { id, ...fromHost } = await host.request({ id: 1, type: 'status' });
    await host.close();
    assert.deepEqual(cli, fromHost);
  });

  test('status should flag an expired list', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1, { expires: '2030-01-01T00:00:00Z' });
    const r = await sb.cli(['status'], { env: { NETRAL_NOW: '2031-01-01T00:00:00Z' } });
    assert.equal(r.status, EXIT.OK);
    assert.match(r.stdout, /EXPIRED/);
  });

  test('status should show a refused import', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(2);
    const file = await sb.publish('old.jsonl', { key, version: 2 });
    assert.equal((await sb.importList(file)).status, EXIT.FAILED);
    const r = await sb.cli(['status']);
    assert.equal(r.status, EXIT.OK);
    assert.match(r.stdout, /Last import: .*old\.jsonl: refused: .*version 2 is already installed/);
  });
});

describe('check', () => {
  test('check should exit 3 and name the entity for a listed account', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    const r = await sb.cli(['check', 'x', 'Candidate_One']);
    assert.equal(r.status, EXIT.LISTED, r.stderr);
    assert.match(r.stdout, /^LISTED: x @candidate_one belongs to Candidate One \(candidate\), Test election 2026 \[list version 1\]\n$/);
  });

  test('check should take a URL alone', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    const r = await sb.cli(['check', 'https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv']);
    assert.equal(r.status, EXIT.LISTED, r.stderr);
    assert.match(r.stdout, /youtube channel:UCabcdefghijklmnopqrstuv/);
    const clear = await sb.cli(['check', 'https://x.com/somebody_else/status/1']);
    assert.equal(clear.status, EXIT.OK, clear.stderr);
    assert.match(clear.stdout, /not listed: x @somebody_else/);
  });

  test('check should exit 0 for an account that is not listed', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    const r = await sb.cli(['check', 'instagram', 'candidate_one']);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.match(r.stdout, /not listed: instagram @candidate_one \[list version 1\]/);
  });

  test('check should exit 4 when no list is installed', async (t) => {
    const sb = await makeSandbox(t);
    const r = await sb.cli(['check', 'x', '@candidate_one']);
    assert.equal(r.status, EXIT.UNKNOWN);
    assert.match(r.stdout, /unknown: x @candidate_one: no list is installed/);
  });

  test('check should exit 1 for something that is not an account', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    for (const args of [['x', 'not a handle'], ['myspace', '@a'], ['https://example.com/a'], ['instagram', 'https://x.com/a']]) {
      const r = await sb.cli(['check', ...args]);
      assert.equal(r.status, EXIT.FAILED, `${args}: ${r.stdout}`);
      assert.ok(r.stderr.length > 0);
    }
  });

  test('check should need one or two arguments', async (t) => {
    const sb = await makeSandbox(t);
    assert.equal((await sb.cli(['check'])).status, EXIT.USAGE);
    assert.equal((await sb.cli(['check', 'x', '@a', 'extra'])).status, EXIT.USAGE);
  });

  test('check --json should print what the host answers, with the same exit status', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    const r = await sb.cli(['check', 'twitter', 'https://twitter.com/candidate_one', '--json']);
    assert.equal(r.status, EXIT.LISTED);
    const cli = JSON.parse(r.stdout);
    const host = sb.host();
    const { id, ...fromHost } = await host.request({ type: 'check', platform: 'twitter', account: 'https://twitter.com/candidate_one' });
    await host.close();
    assert.deepEqual(cli, fromHost);
  });

  test('check should still answer from an expired list, and say it is expired', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1, { expires: '2030-01-01T00:00:00Z' });
    const r = await sb.cli(['check', 'x', '@candidate_one'], { env: { NETRAL_NOW: '2031-01-01T00:00:00Z' } });
    assert.equal(r.status, EXIT.LISTED);
    assert.match(r.stdout, /EXPIRED/);
  });
});
