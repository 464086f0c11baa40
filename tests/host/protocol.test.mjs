// The host's requests and replies: hello, status, check, check_batch; ids echoed unchanged;
// answers from the installed list, "unknown" without one, "stale" past its expiry.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { DEFAULT_ELECTION, LIMITS, defaultEntries, makeSandbox } from './lib.mjs';

const CANDIDATE_ONE = {
  name: 'Candidate One', role: 'candidate', party: 'Party A', election: DEFAULT_ELECTION, region: 'Region 1',
};

async function hostVersion(sb) {
  const r = await sb.cli(['--version']);
  assert.equal(r.status, 0);
  return r.stdout.trim().replace(/^netral /, '');
}

describe('hello and status', () => {
  test('hello should report the protocol, the host version and no list when none is installed', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    const reply = await host.request({ id: 1, type: 'hello' });
    assert.equal(reply.id, 1);
    assert.equal(reply.protocol, 1);
    assert.equal(reply.host_version, await hostVersion(sb));
    assert.equal(reply.list, null);
    assert.equal(typeof reply.list_problem, 'string');
    assert.match(reply.list_problem, /no list/i);
    assert.equal((await host.close()).code, 0);
  });

  test('hello should describe the installed list', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(5, { issued: '2026-02-03T04:05:06Z', expires: '2098-07-08T09:10:11Z', issuer: 'Authority ü' });
    const host = sb.host();
    const reply = await host.request({ id: 'h', type: 'hello' });
    assert.equal(reply.list_problem, undefined);
    const { imported, content_digest: digest, ...list } = reply.list;
    assert.match(imported, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(digest, /^[0-9a-f]{128}$/);
    assert.deepEqual(list, {
      version: 5, issuer: 'Authority ü', issued: '2026-02-03T04:05:06Z', expires: '2098-07-08T09:10:11Z',
      entries: defaultEntries().length, accounts: 7, key_id: key.id, elections: [DEFAULT_ELECTION], stale: false,
    });
    await host.close();
  });

  test('status should add the directories, the database, the trusted keys and the last import', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(3);
    const other = await sb.newKey({ name: 'second' });
    const host = sb.host();
    const reply = await host.request({ id: [1], type: 'status' });
    assert.deepEqual(reply.id, [1]);
    assert.equal(reply.protocol, 1);
    assert.equal(reply.list.version, 3);
    assert.equal(reply.config_dir, sb.configDir);
    assert.equal(reply.data_dir, sb.dataDir);
    assert.equal(reply.database, sb.data('netral.db'));
    assert.deepEqual([...reply.trusted_keys].sort(), [key.id, other.id].sort());
    assert.equal(reply.last_import.ok, true);
    assert.equal(reply.last_import.version, 3);
    await host.close();
  });

  test('status should show a refused import as the last import', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(3);
    const old = await sb.publish('old.jsonl', { key, version: 2 });
    assert.equal((await sb.importList(old)).status, 1);
    const host = sb.host();
    const reply = await host.request({ type: 'status' });
    assert.equal(reply.id, null);
    assert.equal(reply.last_import.ok, false);
    assert.equal(reply.last_import.error.code, 'rollback');
    assert.equal(reply.list.version, 3);
    await host.close();
  });
});

describe('ids', () => {
  const ids = [
    ['zero', 0],
    ['a negative number', -17],
    ['a fraction', 1.5],
    ['a large integer', 1_700_000_000_123],
    ['a number past 2^64', 12345678901234567890],
    ['a tiny number', 5e-324],
    ['an empty string', ''],
    ['a string with unicode', 'ünïcødé ✓ 𝄞 😀 עברית \u2028 \u0001 "quoted" \\ /'],
    ['an object', { tab: 7, nested: { deep: [1, 'two', null, true, { x: [] }] } }],
    ['an array', [1, [2, [3]], {}]],
    ['true', true],
    ['false', false],
    ['null', null],
  ];
  for (const [what, id] of ids) {
    test(`every reply should echo an id that is ${what}, unchanged`, async (t) => {
      const sb = await makeSandbox(t);
      const host = sb.host();
      for (const request of [
        { type: 'hello' },
        { type: 'status' },
        { type: 'check', platform: 'x', account: '@someone' },
        { type: 'check', platform: 'x', account: 'not valid!' },
        { type: 'check_batch', items: [{ platform: 'x', account: '@a' }] },
        { type: 'no_such_type' },
        { type: 42 },
      ]) {
        const reply = await host.request({ ...request, id });
        assert.deepEqual(reply.id, id, `for ${JSON.stringify(request)}`);
      }
      await host.close();
    });
  }

  // Separate from the cases above: these are where a JSON library's defaults change an id.
  test('every reply should echo a number id that needs 16 or 17 digits, unchanged', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    for (const id of [2 ** 53 - 1, 0.1 + 0.2, 123456789.12345679, 2 ** 53 + 2]) {
      const reply = await host.request({ id, type: 'hello' });
      assert.equal(reply.id, id, `id ${id}`);
    }
    await host.close();
  });

  // cJSON cuts strings at NUL, so a request holding \u0000 cannot be echoed faithfully: the
  // protocol refuses it (docs/protocol.md) rather than answer with a changed id.
  test('a request holding U+0000 should be refused as bad_request, and the host keep serving', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    const reply = await host.request({ id: 'before\u0000after', type: 'hello' });
    assert.equal(reply.error?.code, 'bad_request');
    assert.equal(reply.id, null);
    const escaped = await host.request({ id: 'a\\u0000b', type: 'hello' });
    assert.equal(escaped.id, 'a\\u0000b', 'an escaped backslash followed by u0000 is ordinary text');
    assert.equal(escaped.protocol, 1);
    const batch = await host.request({ id: 77, type: 'check_batch', items: [{ platform: 'x', account: '@a\u0000b' }] });
    assert.equal(batch.error?.code, 'bad_request');
    assert.equal(batch.id, 77, 'a number id cannot have been cut, so the extension can still match the reply');
    await host.close();
  });

  test('a reply should have id null when the request has none', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    for (const request of [{ type: 'hello' }, { type: 'check', platform: 'x', account: '@a' }, { type: 'nope' }]) {
      const reply = await host.request(request);
      assert.ok(Object.hasOwn(reply, 'id'));
      assert.equal(reply.id, null);
    }
    await host.close();
  });

  test('the id should be echoed wherever it appears among the fields', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    const reply = await host.request('{"type":"hello","id":{"b":2,"a":1}}');
    assert.deepEqual(reply.id, { b: 2, a: 1 });
    await host.close();
  });
});

describe('check', () => {
  const listed = [
    ['a handle in another case', 'x', '@Candidate_One', 'x', '@candidate_one'],
    ['a handle without @', 'x', 'CANDIDATE_ONE', 'x', '@candidate_one'],
    ['a handle with surrounding white space', 'x', '  @candidate_one \t', 'x', '@candidate_one'],
    ['the platform alias twitter', 'Twitter', '@candidate_one', 'x', '@candidate_one'],
    ['a numeric id', 'x', '1234567890', 'x', 'id:1234567890'],
    ['a canonical id', 'x', 'id:1234567890', 'x', 'id:1234567890'],
    ['a profile URL', 'x', 'https://x.com/Candidate_One', 'x', '@candidate_one'],
    ['a post URL that names its author', 'x', 'https://mobile.twitter.com/candidate_one/status/1?s=20#top', 'x', '@candidate_one'],
    ['an intent URL with a user id', 'x', 'https://twitter.com/intent/user?user_id=1234567890', 'x', 'id:1234567890'],
    ['a URL without a platform', undefined, 'https://www.x.com/candidate_one/', 'x', '@candidate_one'],
    ['a YouTube channel URL', undefined, 'https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv/videos', 'youtube', 'channel:UCabcdefghijklmnopqrstuv'],
    ['a YouTube handle URL', 'youtube', 'https://m.youtube.com/@CandidateOne', 'youtube', '@candidateone'],
    ['a Facebook name with dots', 'facebook', 'Team.Two', 'facebook', '@teamtwo'],
    ['a Facebook group URL', undefined, 'https://web.facebook.com/groups/Volunteers.Two/about', 'facebook', 'group:volunteers.two'],
    ['an Instagram URL', 'instagram', 'https://www.instagram.com/team.two/', 'instagram', '@team.two'],
  ];
  for (const [what, platform, account, wantPlatform, wantAccount] of listed) {
    test(`check should find a listed account given as ${what}`, async (t) => {
      const sb = await makeSandbox(t);
      await sb.install(1);
      const host = sb.host();
      const reply = await host.request({ id: 9, type: 'check', platform, account, action: 'repost' });
      assert.equal(reply.error, undefined, JSON.stringify(reply.error));
      assert.equal(reply.verdict, 'listed');
      assert.equal(reply.platform, wantPlatform);
      assert.equal(reply.account, wantAccount);
      assert.equal(reply.list_version, 1);
      assert.equal(reply.stale, false);
      assert.deepEqual(Object.keys(reply.entity).sort(), ['election', 'name', 'party', 'region', 'role']);
      await host.close();
    });
  }

  test('check should return the entity of a listed account', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    const host = sb.host();
    assert.deepEqual((await host.request({ type: 'check', platform: 'x', account: '@candidate_one' })).entity, CANDIDATE_ONE);
    assert.deepEqual((await host.request({ type: 'check', platform: 'facebook', account: 'teamtwo' })).entity, {
      name: 'Team Two', role: 'campaign team', party: 'Coalition B', election: DEFAULT_ELECTION, region: 'Région 2 – ünïcode',
    });
    assert.deepEqual((await host.request({ type: 'check', platform: 'instagram', account: '@team.two' })).entity, {
      name: 'Team Two', role: '', party: '', election: DEFAULT_ELECTION, region: '',
    });
    await host.close();
  });

  test('check should say clear for an account that is not listed, with no entity', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    const host = sb.host();
    for (const [platform, account, canonical] of [
      ['x', '@candidate_two', '@candidate_two'],
      ['instagram', '@candidate_one', '@candidate_one'],   // listed on x, not on instagram
      ['x', '123456789', 'id:123456789'],
      ['youtube', '1234567890', '@1234567890'],           // on youtube, digits are a handle
    ]) {
      const reply = await host.request({ id: account, type: 'check', platform, account });
      assert.equal(reply.verdict, 'clear', JSON.stringify(reply));
      assert.equal(reply.account, canonical);
      assert.equal(reply.list_version, 1);
      assert.equal(reply.entity, undefined);
    }
    await host.close();
  });

  test('check should accept every documented action, and none', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    const host = sb.host();
    for (const action of ['like', 'react', 'repost', 'share', 'quote', 'reply', 'comment', 'follow', 'subscribe', 'join', undefined]) {
      const reply = await host.request({ type: 'check', platform: 'x', account: '@candidate_one', action });
      assert.equal(reply.verdict, 'listed', `action ${action}`);
    }
    await host.close();
  });

  test('check should say unknown, with a reason, when no list is installed', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    const reply = await host.request({ id: 2, type: 'check', platform: 'twitter', account: 'https://x.com/Candidate_One' });
    assert.equal(reply.error, undefined);
    assert.equal(reply.verdict, 'unknown');
    assert.equal(reply.platform, 'x');
    assert.equal(reply.account, '@candidate_one');
    assert.equal(typeof reply.reason, 'string');
    assert.ok(reply.reason.length > 0);
    assert.equal(reply.list_version, null);
    assert.equal(reply.entity, undefined);
    await host.close();
  });

  test('check should still answer from an expired list, marked stale', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1, { expires: '2030-06-01T00:00:00Z' });
    const before = sb.host({ env: { NETRAL_NOW: '2030-05-31T23:59:59Z' } });
    const fresh = await before.request({ type: 'check', platform: 'x', account: '@candidate_one' });
    assert.equal(fresh.stale, false);
    assert.equal((await before.request({ type: 'hello' })).list.stale, false);
    await before.close();

    const after = sb.host({ env: { NETRAL_NOW: '2030-06-01T00:00:00Z' } });
    const listed = await after.request({ type: 'check', platform: 'x', account: '@candidate_one' });
    assert.equal(listed.verdict, 'listed');
    assert.equal(listed.stale, true);
    assert.deepEqual(listed.entity, CANDIDATE_ONE);
    const clear = await after.request({ type: 'check', platform: 'x', account: '@nobody' });
    assert.equal(clear.verdict, 'clear');
    assert.equal(clear.stale, true);
    const hello = await after.request({ type: 'hello' });
    assert.equal(hello.list.stale, true);
    await after.close();
  });
});

describe('check_batch', () => {
  test('check_batch should give one result per item, in order, with inline errors for bad items', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(4);
    const host = sb.host();
    const reply = await host.request({
      id: 'batch', type: 'check_batch', items: [
        { platform: 'x', account: '@candidate_one' },
        { platform: 'x', account: '@candidate_two' },
        { platform: 'x', account: 'bad handle' },
        'not an object',
        { platform: 'x', account: 5 },
        { account: 'https://www.youtube.com/@candidateone' },
        null,
        { platform: 'x', account: '@candidate_one', action: 'steal' },
      ],
    });
    assert.equal(reply.id, 'batch');
    assert.equal(reply.error, undefined);
    assert.equal(reply.list_version, 4);
    const r = reply.results;
    assert.equal(r.length, 8);
    assert.equal(r[0].verdict, 'listed');
    assert.deepEqual(r[0].entity, CANDIDATE_ONE);
    assert.equal(r[1].verdict, 'clear');
    assert.equal(r[2].error.code, 'bad_account');
    assert.equal(r[3].error.code, 'bad_request');
    assert.equal(r[4].error.code, 'bad_request');
    assert.equal(r[5].verdict, 'listed');
    assert.equal(r[5].platform, 'youtube');
    assert.equal(r[6].error.code, 'bad_request');
    assert.equal(r[7].error.code, 'bad_request');
    for (const i of [2, 3, 4, 6, 7]) {
      assert.equal(typeof r[i].error.message, 'string');
      assert.equal(r[i].verdict, undefined);
    }
    await host.close();
  });

  test('check_batch should accept an empty list of items', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    const reply = await host.request({ id: 0, type: 'check_batch', items: [] });
    assert.deepEqual(reply.results, []);
    await host.close();
  });

  test('check_batch should say unknown for each item when no list is installed', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    const reply = await host.request({ type: 'check_batch', items: [{ platform: 'x', account: '@a' }, { platform: 'x', account: '@b' }] });
    assert.deepEqual(reply.results.map((r) => r.verdict), ['unknown', 'unknown']);
    assert.equal(reply.list_version, null);
    await host.close();
  });

  test('check_batch should answer the largest batch of long URLs with the longest id within the reply limit', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    const host = sb.host();
    const url = 'https://x.com/candidate_one/status/';
    const longUrl = url + '1'.repeat(LIMITS.MAX_ACCOUNT_INPUT_BYTES - url.length);
    const items = Array.from({ length: LIMITS.MAX_BATCH_ITEMS }, () => ({ platform: 'x', account: longUrl }));
    const id = 'ïd'.repeat(LIMITS.MAX_ID_BYTES / 3);   // 3 bytes a pair: within the limit
    await host.send(Buffer.from(JSON.stringify({ id, type: 'check_batch', items })));
    const { reply, size } = await host.nextFrame();   // checks size <= MAX_REPLY_BYTES
    assert.ok(size <= LIMITS.MAX_REPLY_BYTES);
    assert.equal(reply.id, id);
    assert.equal(reply.error, undefined, JSON.stringify(reply.error));
    assert.equal(reply.results.length, LIMITS.MAX_BATCH_ITEMS);
    for (const r of reply.results) {
      assert.equal(r.verdict, 'listed');
      assert.equal(r.account, '@candidate_one');
    }
    assert.equal((await host.request({ id: 'next', type: 'hello' })).id, 'next');
    assert.equal((await host.close()).code, 0);
  });

  test('the largest reply there can be (a full batch of the fattest entities, the longest id) fits in one reply', async (t) => {
    const sb = await makeSandbox(t);
    // Entity fields of quotes: each byte becomes two in the reply (\").
    const fat = '"'.repeat(LIMITS.MAX_ENTITY_FIELD_BYTES);
    const entity = { name: fat, role: fat, party: fat, election: fat, region: fat };
    await sb.install(1, { entries: [{ platform: 'x', accounts: ['@fat'], entity }] });
    const host = sb.host();
    const items = Array.from({ length: LIMITS.MAX_BATCH_ITEMS }, () => ({ platform: 'x', account: '@fat' }));
    const id = '"'.repeat(LIMITS.MAX_ID_BYTES);
    await host.send(Buffer.from(JSON.stringify({ id, type: 'check_batch', items })));
    const { reply, size } = await host.nextFrame();
    assert.ok(size <= LIMITS.MAX_REPLY_BYTES);
    assert.equal(reply.id, id);
    assert.equal(reply.error, undefined, JSON.stringify(reply.error));
    assert.equal(reply.results.length, LIMITS.MAX_BATCH_ITEMS);
    assert.deepEqual(reply.results[0].entity, entity);
    assert.equal((await host.close()).code, 0);
  });

  for (const [what, id] of [
    ['string', 'i'.repeat(LIMITS.MAX_ID_BYTES + 1)],
    ['array', Array.from({ length: LIMITS.MAX_ID_BYTES }, (_, i) => i)],
  ]) {
    test(`an id ${what} longer than ${LIMITS.MAX_ID_BYTES} bytes should be refused (it could not be echoed), and the host go on`, async (t) => {
      const sb = await makeSandbox(t);
      const host = sb.host();
      const reply = await host.request({ id, type: 'hello' });
      assert.equal(reply.id, null);
      assert.equal(reply.error.code, 'bad_request');
      assert.match(reply.error.message, /"id" is longer than/);
      assert.equal((await host.request({ id: 'next', type: 'hello' })).id, 'next');
      assert.equal((await host.close()).code, 0);
    });
  }

  test(`check_batch should refuse ${LIMITS.MAX_BATCH_ITEMS + 1} items with too_many_items`, async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    const host = sb.host();
    const items = Array.from({ length: LIMITS.MAX_BATCH_ITEMS + 1 }, (_, i) => ({ platform: 'x', account: `https://x.com/user${i}/status/1` }));
    const reply = await host.request({ id: 'too many', type: 'check_batch', items });
    assert.equal(reply.id, 'too many');
    assert.equal(reply.error.code, 'too_many_items');
    assert.equal(reply.results, undefined);
    assert.equal((await host.request({ id: 'next', type: 'hello' })).id, 'next');
    await host.close();
  });
});

describe('many hosts', () => {
  test('four hosts should read the same database at once', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(2);
    const hosts = Array.from({ length: 4 }, () => sb.host());
    // Every host gets its requests before any reply is read, so all have the database open at once.
    for (const [i, host] of hosts.entries()) {
      await host.send({ id: i, type: 'check', platform: 'x', account: '@candidate_one' });
      await host.send({ id: i, type: 'check_batch', items: [{ platform: 'youtube', account: 'channel:UCabcdefghijklmnopqrstuv' }, { platform: 'x', account: '@nobody' }] });
    }
    const replies = await Promise.all(hosts.map(async (host) => [await host.next(), await host.next()]));
    for (const [i, [check, batch]] of replies.entries()) {
      assert.equal(check.id, i);
      assert.equal(check.verdict, 'listed');
      assert.equal(check.list_version, 2);
      assert.deepEqual(batch.results.map((r) => r.verdict), ['listed', 'clear']);
    }
    const exits = await Promise.all(hosts.map((h) => h.close()));
    assert.deepEqual(exits.map((e) => e.code), [0, 0, 0, 0]);
  });
});
