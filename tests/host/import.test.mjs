// Importing lists: the rules (rollback, expiry, malformed lines, duplicates, line length), and
// what must hold whatever happens to an import: a kill at any moment, a full disk, a damaged
// database. In every case the list installed before keeps answering until a new one is whole.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';

import {
  CLI_BIN, EXIT, LIMITS, SETTLED_DATA_FILES, assertAnswersFrom, defaultEntries, largeListText, listText,
  makeSandbox, run,
} from './lib.mjs';

const FIRST_ENTRY = JSON.stringify(defaultEntries()[0]);

// Imports FILE, expects a refusal with CODE and MESSAGE, and checks that list FORMER_VERSION still
// answers and nothing staged is left in DATA.
async function assertImportRefused(sb, file, { code, message, formerVersion = 1, env } = {}) {
  const r = await sb.importList(file, { env });
  assert.equal(r.status, EXIT.FAILED, `the import should be refused; stdout: ${r.stdout}`);
  assert.equal(r.result.ok, false);
  assert.equal(r.result.error.code, code, r.result.error.message);
  assert.match(r.result.error.message, message);
  await assertAnswersFrom(sb, formerVersion);
  assert.deepEqual(sb.dataFiles(), SETTLED_DATA_FILES);
  return r.result.error.message;
}

describe('versions and expiry', () => {
  test('import should install a newer list, and the host should answer from it', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    await assertAnswersFrom(sb, 1);
    await sb.install(2);
    await assertAnswersFrom(sb, 2);
    await sb.install(1000);
    await assertAnswersFrom(sb, 1000);
    assert.deepEqual(sb.dataFiles(), SETTLED_DATA_FILES);
  });

  test('import should refuse the same version again', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(3);
    const file = await sb.publish('again.jsonl', { key, version: 3, issuer: 'A replay' });
    await assertImportRefused(sb, file, { code: 'rollback', message: /list version 3 is already installed/, formerVersion: 3 });
  });

  test('import should refuse an older version', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(3);
    const file = await sb.publish('old.jsonl', { key, version: 2 });
    await assertImportRefused(sb, file, { code: 'rollback', message: /version 2 is not newer than the installed version 3/, formerVersion: 3 });
  });

  test('import should refuse an older version even after the database was deleted', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(3);
    fs.unlinkSync(sb.data('netral.db'));
    const file = await sb.publish('old.jsonl', { key, version: 2 });
    const r = await sb.importList(file);
    assert.equal(r.status, EXIT.FAILED);
    assert.equal(r.result.error.code, 'rollback');
    const newer = await sb.publish('new.jsonl', { key, version: 4 });
    assert.equal((await sb.importList(newer)).status, EXIT.OK);
    await assertAnswersFrom(sb, 4);
  });

  test('import should refuse a list that has already expired', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const file = await sb.publish('expired.jsonl', { key, version: 2, issued: '2020-01-01T00:00:00Z', expires: '2021-01-01T00:00:00Z' });
    await assertImportRefused(sb, file, { code: 'expired', message: /expired at 2021-01-01T00:00:00Z/ });
  });

  test('import should refuse a list at the very second it expires', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const file = await sb.publish('expiring.jsonl', { key, version: 2, expires: '2035-01-01T00:00:00Z' });
    await assertImportRefused(sb, file, { code: 'expired', message: /expired/, env: { NETRAL_NOW: '2035-01-01T00:00:00Z' } });
    const r = await sb.importList(file, { env: { NETRAL_NOW: '2034-12-31T23:59:59Z' } });
    assert.equal(r.status, EXIT.OK, r.stderr);
  });
});

describe('malformed lists', () => {
  const headerCases = [
    ['no format', { format: undefined }, /not a Netral list/],
    ['another format', { format: 'other-list' }, /not a Netral list/],
    ['a newer format version', { format_version: 2 }, /unsupported list format version/],
    ['version 0', { version: 0 }, /"version" must be a whole number/],
    ['a fractional version', { version: 2.5 }, /"version" must be a whole number/],
    ['a version past 2^53', { version: 2 ** 53 + 2 }, /"version" must be a whole number/],
    ['a version as a string', { version: '2' }, /"version" must be a whole number/],
    ['a date without a time', { issued: '2026-01-01' }, /"issued" must be a UTC time/],
    ['a local time', { expires: '2099-01-01T00:00:00+07:00' }, /"expires" must be a UTC time/],
    ['an impossible date', { expires: '2099-02-30T00:00:00Z' }, /"expires" must be a UTC time/],
    ['an expiry before the issue', { issued: '2098-01-01T00:00:00Z', expires: '2097-01-01T00:00:00Z' }, /expires before it is issued/],
    ['no issuer', { issuer: undefined }, /"issuer" is missing/],
    ['no elections', { elections: [] }, /"elections" must be a list/],
    ['an election that is not a name', { elections: [3] }, /each election must be a name/],
  ];
  for (const [what, header, message] of headerCases) {
    test(`import should refuse a header with ${what}`, async (t) => {
      const sb = await makeSandbox(t);
      const key = await sb.install(1);
      const file = await sb.publish('bad.jsonl', { key, version: 2, header });
      const text = await assertImportRefused(sb, file, { code: 'format', message });
      assert.doesNotMatch(text, /^line \d/, 'a header problem is not a line of entries');
    });
  }

  test('import should refuse a header that is not JSON', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const file = await sb.publish('bad.jsonl', { key, text: 'format: netral-list\n' + FIRST_ENTRY + '\n' });
    await assertImportRefused(sb, file, { code: 'format', message: /the header line is not valid JSON/ });
  });

  const name257 = 'n'.repeat(LIMITS.MAX_ENTITY_FIELD_BYTES + 1);
  const entryCases = [
    ['text that is not JSON', 'not json', /not valid JSON/],
    ['two objects', '{"platform":"x"} {"platform":"x"}', /the entry is not valid JSON/],
    ['an array', '[1,2]', /not a single JSON object/],
    ['an unknown platform', { platform: 'myspace', accounts: ['@a'], entity: { name: 'A' } }, /"platform" must be one of/],
    ['no platform', { accounts: ['@a'], entity: { name: 'A' } }, /"platform" must be one of/],
    ['an account the platform cannot have', { platform: 'x', accounts: ['@has space'], entity: { name: 'A' } }, /account "@has space"/],
    ['a URL of another site', { platform: 'x', accounts: ['https://instagram.com/abc'], entity: { name: 'A' } }, /account "https:\/\/instagram.com\/abc"/],
    ['no accounts', { platform: 'x', accounts: [], entity: { name: 'A' } }, /"accounts" must list 1 to 32 accounts/],
    ['33 accounts', { platform: 'x', accounts: Array.from({ length: 33 }, (_, i) => `@a${i}`), entity: { name: 'A' } }, /"accounts" must list 1 to 32/],
    ['an account that is a number', { platform: 'x', accounts: [12345], entity: { name: 'A' } }, /each account must be a string/],
    ['no entity', { platform: 'x', accounts: ['@a'] }, /"entity" must be an object/],
    ['no name', { platform: 'x', accounts: ['@a'], entity: { role: 'r' } }, /"name" is missing/],
    ['an empty name', { platform: 'x', accounts: ['@a'], entity: { name: '' } }, /"name" is empty/],
    ['a name over the field limit', { platform: 'x', accounts: ['@a'], entity: { name: name257 } }, /"name" is longer than 256 bytes/],
    ['a control character in a name', { platform: 'x', accounts: ['@a'], entity: { name: 'bell\u0007' } }, /"name" has a control character/],
    ['a role that is a number', { platform: 'x', accounts: ['@a'], entity: { name: 'A', role: 5 } }, /"role" is not a string/],
  ];
  for (const [what, entry, message] of entryCases) {
    test(`import should refuse an entry with ${what}, naming its line`, async (t) => {
      const sb = await makeSandbox(t);
      const key = await sb.install(1);
      const file = await sb.publish('bad.jsonl', { key, version: 2, entries: [defaultEntries()[0], entry, defaultEntries()[1]] });
      const text = await assertImportRefused(sb, file, { code: 'format', message });
      assert.match(text, /^line 3: /);
    });
  }

  test('import should refuse an entry that is not UTF-8, naming its line', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const lines = listText({ version: 2 }).split('\n');
    const bad = Buffer.concat([Buffer.from(lines.slice(0, 3).join('\n') + '\n'),
      Buffer.from('{"platform":"x","accounts":["@a"],"entity":{"name":"A\xff"}}\n', 'latin1')]);
    const file = sb.file('bad.jsonl');
    fs.writeFileSync(file, bad);
    await sb.sign(file, key);
    const text = await assertImportRefused(sb, file, { code: 'format', message: /not valid UTF-8/ });
    assert.match(text, /^line 4: /);
  });

  test('import should refuse an empty line, naming it', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const file = await sb.publish('bad.jsonl', { key, version: 2, entries: [defaultEntries()[0], '', defaultEntries()[1]] });
    await assertImportRefused(sb, file, { code: 'format', message: /^line 3 is empty/ });
  });

  test('import should accept a list with CRLF line ends', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const file = await sb.publish('crlf.jsonl', { key, text: listText({ version: 2 }).replace(/\n/g, '\r\n') });
    const r = await sb.importList(file);
    assert.equal(r.status, EXIT.OK, r.stderr);
    await assertAnswersFrom(sb, 2);
  });

  test('import should accept a list without a line break at the end', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const file = await sb.publish('nolf.jsonl', { key, text: listText({ version: 2 }).trimEnd() });
    const r = await sb.importList(file);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.equal(r.result.entries, defaultEntries().length);
  });
});

describe('duplicates and line length', () => {
  test('import should refuse an account listed twice, in another spelling, naming the line', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const file = await sb.publish('dup.jsonl', {
      key, version: 2, entries: [
        ...defaultEntries(),
        { platform: 'twitter', accounts: ['https://mobile.x.com/CANDIDATE_ONE'], entity: { name: 'Impostor' } },
      ],
    });
    await assertImportRefused(sb, file, { code: 'format', message: /^line 6: x @candidate_one is listed twice/ });
  });

  test('import should refuse an account listed twice in one entry', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const file = await sb.publish('dup.jsonl', {
      key, version: 2, entries: [{ platform: 'x', accounts: ['id:42', '42'], entity: { name: 'Twice' } }],
    });
    await assertImportRefused(sb, file, { code: 'format', message: /^line 2: x id:42 is listed twice/ });
  });

  test('import should accept one handle on two platforms', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const file = await sb.publish('two.jsonl', {
      key, version: 2, entries: [
        { platform: 'x', accounts: ['@same_name'], entity: { name: 'On X' } },
        { platform: 'threads', accounts: ['@same_name'], entity: { name: 'On Threads' } },
      ],
    });
    assert.equal((await sb.importList(file)).status, EXIT.OK);
    const host = sb.host();
    assert.equal((await host.request({ type: 'check', platform: 'x', account: 'same_name' })).entity.name, 'On X');
    assert.equal((await host.request({ type: 'check', platform: 'threads', account: 'same_name' })).entity.name, 'On Threads');
    await host.close();
  });

  // An entry padded with spaces (valid JSON) to exactly LENGTH bytes.
  function paddedEntry(length) {
    const base = JSON.stringify({ platform: 'x', accounts: ['@padded'], entity: { name: 'Padded' } });
    return base.slice(0, -1) + ' '.repeat(length - base.length) + '}';
  }

  test('import should accept a line of exactly the line limit', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const line = paddedEntry(LIMITS.MAX_LIST_LINE_BYTES);
    assert.equal(line.length, LIMITS.MAX_LIST_LINE_BYTES);
    const file = await sb.publish('long.jsonl', { key, version: 2, entries: [defaultEntries()[0], line] });
    const r = await sb.importList(file);
    assert.equal(r.status, EXIT.OK, r.stderr);
  });

  test('import should refuse a line over the line limit, naming it', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const file = await sb.publish('long.jsonl', { key, version: 2, entries: [defaultEntries()[0], paddedEntry(LIMITS.MAX_LIST_LINE_BYTES + 1)] });
    await assertImportRefused(sb, file, { code: 'too_large', message: new RegExp(`^line 3 is longer than ${LIMITS.MAX_LIST_LINE_BYTES} bytes`) });
  });

  test('import should refuse a huge file without line breaks', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const file = await sb.publish('oneline.jsonl', { key, text: listText({ version: 2 }).trimEnd() + ' '.repeat(1 << 20) });
    await assertImportRefused(sb, file, { code: 'too_large', message: /longer than/ });
  });
});

// ---- a large list, for imports that take long enough to be interrupted ----

const LARGE_COUNT = 200_000;
let shared;        // a sandbox holding the key and the large list (version 2), shared by the tests below
let largeList;
let largeKey;

before(async () => {
  shared = await makeSandbox();
  largeKey = await shared.newKey({ name: 'large', trusted: false });
  largeList = await shared.publish('large.jsonl', { key: largeKey, text: largeListText({ version: 2, count: LARGE_COUNT }) });
});

after(() => shared?.cleanup());

// A sandbox with list version 1 installed, signed by the key that signed the large list.
async function sandboxWithList(t) {
  const sb = await makeSandbox(t);
  sb.trust(largeKey);
  await sb.install(1, { key: largeKey });
  return sb;
}

const LAST_LARGE_ACCOUNT = { account: `@u${LARGE_COUNT - 1}` };

describe('imports interrupted', () => {
  // Each moment is recognised from the data directory's inotify events, never from a delay.
  const moments = [
    ['as soon as DATA/.list.jsonl.new appears', (event, name) => name === '.list.jsonl.new'],
    ['while DATA/.list.jsonl.new is being written', (event, name, sb) => name === '.list.jsonl.new' && event === 'change' && sizeOf(sb.data(name)) >= 8 << 20],
    ['as soon as DATA/.netral.db.new appears', (event, name) => name === '.netral.db.new'],
    ['while the new database is being built', (event, name, sb) => name === '.netral.db.new' && event === 'change' && sizeOf(sb.data(name)) >= 4 << 20],
  ];
  for (const [moment, isTheMoment] of moments) {
    test(`a kill ${moment} should leave the old list answering, and a later import should succeed`, async (t) => {
      const sb = await sandboxWithList(t);
      const running = sb.host();
      assert.equal((await running.request({ type: 'check', platform: 'x', account: '@candidate_one' })).list_version, 1);

      let child = null;
      let killed = false;
      const watcher = fs.watch(sb.dataDir, (event, name) => {
        if (!killed && child && name && isTheMoment(event, String(name), sb)) {
          killed = true;
          child.kill('SIGKILL');
        }
      });
      const r = await sb.cli(['import', largeList], { onSpawn: (c) => { child = c; } });
      watcher.close();
      assert.equal(r.signal, 'SIGKILL', `the import should have been killed ${moment}; it ended with ${r.status}: ${r.stderr}`);

      const check = await running.request({ type: 'check', platform: 'x', account: '@candidate_one' });
      assert.equal(check.verdict, 'listed');
      assert.equal(check.list_version, 1);
      await assertAnswersFrom(sb, 1);
      const status = await sb.cli(['status', '--json']);
      assert.equal(status.status, EXIT.OK);
      assert.equal(JSON.parse(status.stdout).list.version, 1);

      const again = await sb.importList(largeList);
      assert.equal(again.status, EXIT.OK, again.stderr);
      assert.equal(again.result.entries, LARGE_COUNT);
      assert.equal(again.result.previous_version, 1);
      await assertAnswersFrom(sb, 2, LAST_LARGE_ACCOUNT);
      const now = await running.request({ type: 'check', platform: 'x', ...LAST_LARGE_ACCOUNT });
      assert.equal(now.list_version, 2);
      assert.deepEqual(sb.dataFiles(), SETTLED_DATA_FILES);
      assert.equal((await running.close()).code, 0);
    });
  }

  test('a host should keep answering while an import replaces the list, then answer from the new list', async (t) => {
    const sb = await sandboxWithList(t);
    const host = sb.host();
    const probe = { type: 'check_batch', items: [{ platform: 'x', account: '@candidate_one' }, { platform: 'x', ...LAST_LARGE_ACCOUNT }] };
    const first = await host.request(probe);
    assert.deepEqual(first.results.map((r) => r.verdict), ['listed', 'clear']);
    assert.equal(first.list_version, 1);

    // Freeze the import while it builds the new database: the host must answer from the old one.
    let child = null;
    let stopped = false;
    let resumeSeen;
    const frozen = new Promise((resolve) => { resumeSeen = resolve; });
    const watcher = fs.watch(sb.dataDir, (event, name) => {
      if (!stopped && child && String(name) === '.netral.db.new') {
        stopped = true;
        child.kill('SIGSTOP');
        resumeSeen();
      }
    });
    const importing = sb.importList(largeList, { onSpawn: (c) => { child = c; } });
    const endedFirst = await Promise.race([frozen.then(() => null), importing]);
    assert.equal(endedFirst, null, `the import ended before it could be frozen: ${endedFirst?.stderr}`);
    watcher.close();
    try {
      const during = await host.request(probe);
      assert.equal(during.list_version, 1);
      assert.deepEqual(during.results.map((r) => r.verdict), ['listed', 'clear']);
      const busy = await sb.importList(largeList);
      assert.equal(busy.status, EXIT.FAILED, 'a second import at the same time should be refused');
      assert.equal(busy.result.error.code, 'busy');
    } finally {
      child.kill('SIGCONT');
    }
    const r = await importing;
    assert.equal(r.status, EXIT.OK, r.stderr);

    const afterwards = await host.request(probe);
    assert.equal(afterwards.list_version, 2);
    assert.deepEqual(afterwards.results.map((x) => x.verdict), ['clear', 'listed']);
    const hello = await host.request({ type: 'hello' });
    assert.equal(hello.list.entries, LARGE_COUNT);
    assert.equal((await host.close()).code, 0);
  });
});

function sizeOf(file) {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

describe('a full disk', () => {
  // A file-size limit makes writes fail with EFBIG, as a full disk fails them with ENOSPC.
  const LIMIT_BLOCKS = 256;
  const limitedImport = (sb, file) =>
    run('sh', ['-c', `trap "" XFSZ; ulimit -f ${LIMIT_BLOCKS}; exec "$0" import "$1"`, CLI_BIN, file], { env: sb.env, cwd: sb.work });

  // The limit in bytes, as this shell counts blocks.
  async function limitInBytes(sb) {
    const probe = sb.file('probe');
    await run('sh', ['-c', `trap "" XFSZ; ulimit -f ${LIMIT_BLOCKS}; exec head -c 4000000 /dev/zero > "$0"`, probe]);
    const size = sizeOf(probe);
    fs.unlinkSync(probe);
    assert.ok(size > 0 && size < 4_000_000, 'ulimit -f should limit file sizes');
    return size;
  }

  test('import should fail clearly when the list cannot be staged, and leave the old list answering', async (t) => {
    const sb = await sandboxWithList(t);
    const r = await limitedImport(sb, largeList);
    assert.equal(r.signal, null);
    assert.equal(r.status, EXIT.FAILED, r.stdout);
    assert.match(r.stderr, /import refused: cannot write .*: the file size limit \(ulimit -f\) is too small for the list/);
    await assertAnswersFrom(sb, 1);
    assert.deepEqual(sb.dataFiles(), SETTLED_DATA_FILES, 'no temporary file is left in DATA');
    const again = await sb.importList(largeList);
    assert.equal(again.status, EXIT.OK, again.stderr);
  });

  test('import should fail clearly when the new database cannot be written, and leave the old list answering', async (t) => {
    const sb = await sandboxWithList(t);
    // Many numeric ids per entry: the database comes out larger than the list, so the list can
    // be staged under the limit and the database cannot be built under it.
    const entries = Array.from({ length: 180 }, (_, i) => ({
      platform: 'x', accounts: Array.from({ length: 32 }, (_, j) => String(1_000_000_000_000 + i * 32 + j)), entity: { name: `Entity ${i}` },
    }));
    const file = await sb.publish('wide.jsonl', { key: largeKey, version: 2, entries });
    assert.ok(fs.statSync(file).size < await limitInBytes(sb), 'the list itself fits under the limit');
    const r = await limitedImport(sb, file);
    assert.equal(r.signal, null);
    assert.equal(r.status, EXIT.FAILED, r.stdout);
    assert.match(r.stderr, /import refused: cannot write the new database/);
    await assertAnswersFrom(sb, 1);
    assert.deepEqual(sb.dataFiles(), SETTLED_DATA_FILES, 'no temporary file is left in DATA');
    const last = JSON.parse(fs.readFileSync(sb.data('last-import.json'), 'utf8'));
    assert.equal(last.ok, false);
    const again = await sb.importList(file);
    assert.equal(again.status, EXIT.OK, again.stderr);
    await assertAnswersFrom(sb, 2, { account: 'id:1000000000000' });
  });
});

describe('a damaged database', () => {
  for (const [what, damage] of [
    ['garbage', (db) => fs.writeFileSync(db, Buffer.alloc(64 * 1024, 0x5a))],
    ['an empty file', (db) => fs.writeFileSync(db, '')],
    ['its first half only', (db) => fs.truncateSync(db, Math.floor(fs.statSync(db).size / 2))],
  ]) {
    test(`a database overwritten with ${what} should answer unknown with a reason, be reported, and be repaired by a newer list only`, async (t) => {
      const sb = await makeSandbox(t);
      const key = await sb.install(1);
      await sb.install(2, { key });
      const running = sb.host();
      assert.equal((await running.request({ type: 'check', platform: 'x', account: '@candidate_one' })).list_version, 2);

      damage(sb.data('netral.db'));

      // A host started now finds the damage.
      const host = sb.host();
      const check = await host.request({ id: 'c', type: 'check', platform: 'x', account: '@candidate_one' });
      assert.equal(check.id, 'c');
      assert.equal(check.verdict, 'unknown', JSON.stringify(check));
      assert.equal(typeof check.reason, 'string');
      assert.match(check.reason, /database|list/);
      const hello = await host.request({ type: 'hello' });
      assert.equal(hello.list, null);
      assert.ok(hello.list_problem.length > 0);
      // A host that had it open does not crash: it answers from what it had read, or unknown.
      for (const account of ['@candidate_one', '@nobody', 'id:1', 'id:1234567890']) {
        const r = await running.request({ type: 'check', platform: 'x', account });
        assert.ok(['listed', 'clear', 'unknown'].includes(r.verdict), JSON.stringify(r));
        if (r.verdict === 'unknown') assert.ok(r.reason.length > 0);
      }

      const status = await sb.cli(['status']);
      assert.equal(status.status, EXIT.UNKNOWN);
      assert.match(status.stdout, /List: +none \(.+\)/);
      const cliCheck = await sb.cli(['check', 'x', '@candidate_one']);
      assert.equal(cliCheck.status, EXIT.UNKNOWN);

      // The verified copy in DATA/list.jsonl still says version 2: older lists stay refused.
      const older = await sb.publish('older.jsonl', { key, version: 1, issuer: 'Rollback attempt' });
      const refused = await sb.importList(older);
      assert.equal(refused.status, EXIT.FAILED);
      assert.equal(refused.result.error.code, 'rollback');
      assert.match(refused.result.error.message, /installed version 2/);
      assert.equal((await host.request({ type: 'check', platform: 'x', account: '@candidate_one' })).verdict, 'unknown');

      const newer = await sb.publish('newer.jsonl', { key, version: 3 });
      const repaired = await sb.importList(newer);
      assert.equal(repaired.status, EXIT.OK, repaired.stderr);
      assert.equal(repaired.result.previous_version, 2);
      await assertAnswersFrom(sb, 3);
      for (const h of [host, running]) {
        const r = await h.request({ type: 'check', platform: 'x', account: '@candidate_one' });
        assert.equal(r.verdict, 'listed');
        assert.equal(r.list_version, 3);
      }
      assert.equal((await host.close()).code, 0);
      assert.equal((await running.close()).code, 0);
      assert.deepEqual(sb.dataFiles(), SETTLED_DATA_FILES);
    });
  }
});
