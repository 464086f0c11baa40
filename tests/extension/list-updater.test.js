// Lists over the web, the worker's side: a fake host that answers update_offer / update_file /
// update_commit as docs/protocol.md says, and a fake fetch serving a small repository from
// memory with real Responses (streamed bodies), so the bounds are tested on real streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createListUpdater, ALARM_NAME, STATE_KEY } from '../../extension/src/background/list-updater.js';
import { toBase64 } from '../../extension/src/background/base64.js';
import { readAll } from '../../extension/src/background/bounded-fetch.js';

const MIB = 1 << 20;
const A = 'https://daftar.example.go.id/netral/';
const B = 'https://cermin.example.go.id/netral/';
const policyOf = (listUrl, updateIntervalMinutes = 360) => ({ listUrl, updateIntervalMinutes });

function bytesOf(length, seed) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}
const text = (s) => new TextEncoder().encode(s);

/** A mirror's files: index.json and its signature, a delta bigger than one chunk, and more. */
function repository() {
  return new Map([
    ['index.json', text('{"serial":18,"list_version":8}')],
    ['index.json.minisig', text('untrusted comment: signature\nRWQ...\n')],
    ['delta-7-8.jsonl', bytesOf(MIB + MIB / 2 + 5, 1)],
    ['delta-7-8.jsonl.minisig', text('untrusted comment: delta signature\n')],
    ['keys.json', text('{"keys":["K2"]}')],
    ['keys.json.K2.minisig', text('untrusted comment: proof\n')],
  ]);
}

/**
 * A fetch over MIRRORS ({base: Map name → bytes}); bodies come in 256 KiB pieces. `down` names
 * bases that cannot be reached (TypeError, as a browser gives); `overlong` names files served
 * with extra bytes past their size. Every request is recorded with its init and its stream.
 */
function fakeFetch(mirrors, { down = [], overlong = {} } = {}) {
  const calls = [];
  async function fetch(url, init) {
    const call = { url, init, cancelled: false };
    calls.push(call);
    const base = Object.keys(mirrors).find((b) => url.startsWith(b));
    if (down.some((d) => url.startsWith(d))) throw new TypeError('Failed to fetch');
    const name = base && url.slice(base.length);
    const file = base && mirrors[base].get(name);
    if (!file) return new Response('not found', { status: 404 });
    const body = overlong[name] ? new Uint8Array([...file, ...new Uint8Array(overlong[name])]) : file;
    let at = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (at >= body.length) { controller.close(); return; }
        controller.enqueue(body.slice(at, at + 256 * 1024));
        at += 256 * 1024;
      },
      cancel() { call.cancelled = true; },
    });
    return new Response(stream, { status: 200 });
  }
  return { fetch, calls, fetched: () => calls.map((c) => c.url) };
}

/**
 * A host that speaks the protocol: `offers` says what it answers an offer from each source
 * ('current', a files list, or an error code); `more` names files that follow a completed one.
 */
function fakeHost({ offers, more = {} }) {
  const host = { sent: [], files: new Map(), committed: false, offered: null };
  host.request = async (message) => {
    host.sent.push(message);
    const id = message.id;
    if (message.type === 'update_offer') {
      const offer = offers[message.source];
      host.offered = null;
      host.files.clear();
      if (typeof offer === 'string' && offer !== 'current') return { id, error: { code: offer, message: `${offer} (from the host)` } };
      if (offer === 'current') return { id, state: 'current', list_version: 7, index_serial: 18 };
      host.offered = [...offer];
      return { id, state: 'needed', list_version: 8, index_serial: 18, files: offer };
    }
    if (message.type === 'update_file') {
      const spec = host.offered && host.offered.find((f) => f.name === message.name);
      if (!spec) return { id, error: { code: 'not_offered', message: message.name } };
      const got = host.files.get(message.name) || { bytes: Buffer.alloc(0), chunks: [] };
      host.files.set(message.name, got);
      if (message.offset !== got.bytes.length) return { id, error: { code: 'out_of_order', message: 'offset' } };
      const data = Buffer.from(message.data, 'base64');
      assert.equal(data.toString('base64'), message.data, 'standard, padded base64');
      got.bytes = Buffer.concat([got.bytes, data]);
      got.chunks.push({ offset: message.offset, length: data.length, last: message.last });
      if (got.bytes.length > (spec.size ?? spec.max)) return { id, error: { code: 'too_large', message: message.name } };
      if (!message.last) return { id, received: got.bytes.length };
      got.complete = true;
      const next = more[message.name] || [];
      host.offered.push(...next);
      return { id, received: got.bytes.length, complete: true, more: next };
    }
    if (message.type === 'update_commit') {
      if (!host.offered || host.offered.some((f) => !(host.files.get(f.name) || {}).complete)) {
        return { id, error: { code: 'incomplete', message: 'commit' } };
      }
      host.committed = true;
      return { id, state: 'spooled', list_version: 8, index_serial: 18 };
    }
    return { id, error: { code: 'bad_request', message: message.type } };
  };
  return host;
}

function fakeAlarms(now) {
  const armed = new Map();
  return {
    created: [],
    cleared: 0,
    armed,
    create(name, { delayInMinutes }) {
      this.created.push({ name, delayInMinutes });
      armed.set(name, { name, scheduledTime: now() + delayInMinutes * 60_000 });
    },
    async get(name) { return armed.get(name); },
    async clear(name) { this.cleared += 1; return armed.delete(name); },
  };
}

function fakeStorage(initial = {}) {
  const data = { ...initial };
  return {
    data,
    async get(key) { return key in data ? { [key]: data[key] } : {}; },
    async set(items) { Object.assign(data, items); },
  };
}

const START = Date.parse('2026-12-05T06:00:00Z');

function updater({ mirrors = { [A]: repository() }, offers, more, fetchOptions, random = () => 0.5, storage = fakeStorage() }) {
  const now = () => START;
  const net = fakeFetch(mirrors, fetchOptions);
  const host = fakeHost({ offers, more });
  const alarms = fakeAlarms(now);
  const lists = createListUpdater({ request: host.request, fetch: net.fetch, alarms, storage, now, random });
  return { lists, net, host, alarms, storage };
}

const DELTA = [{ name: 'delta-7-8.jsonl', size: MIB + MIB / 2 + 5 }, { name: 'delta-7-8.jsonl.minisig', max: 16384 }];

test('a list that is current: index and signature offered as fetched, conditional and without cookies', async () => {
  const { lists, net, host, alarms, storage } = updater({ offers: { [A]: 'current' } });
  await lists.schedule(policyOf([A]));
  const state = await lists.runNow();
  assert.deepEqual(net.fetched(), [`${A}index.json`, `${A}index.json.minisig`]);
  for (const { init } of net.calls) {
    assert.equal(init.cache, 'no-cache', 'the browser revalidates (ETag / If-Modified-Since)');
    assert.equal(init.credentials, 'omit');
  }
  const [offer] = host.sent;
  assert.deepEqual(offer, {
    type: 'update_offer', index: '{"serial":18,"list_version":8}', signature: 'untrusted comment: signature\nRWQ...\n', source: A, full: false,
  });
  assert.deepEqual(state, {
    lastAttempt: '2026-12-05T06:00:00.000Z', lastSuccess: '2026-12-05T06:00:00.000Z', mirror: A, outcome: 'current', listVersion: 7, lastError: null,
  });
  assert.deepEqual(storage.data[STATE_KEY], state, 'kept in storage.local under one key');
  assert.deepEqual(await lists.state(), state);
  assert.equal(host.sent.length, 1, 'nothing else sent');
  assert.equal(alarms.created.at(-1).name, ALARM_NAME, 're-armed after the run');
});

test('a delta: each file in chunks of at most 1 MiB, offsets in order, base64 of exactly the served bytes, then the commit', async () => {
  const served = repository();
  const { lists, host } = updater({ mirrors: { [A]: served }, offers: { [A]: DELTA } });
  await lists.schedule(policyOf([A]));
  const state = await lists.runNow();
  assert.equal(state.outcome, 'spooled');
  assert.equal(state.listVersion, 8);
  assert.equal(state.lastError, null);
  const delta = host.files.get('delta-7-8.jsonl');
  assert.deepEqual(delta.chunks, [
    { offset: 0, length: MIB, last: false },
    { offset: MIB, length: MIB / 2 + 5, last: true },
  ]);
  assert.ok(delta.bytes.equals(served.get('delta-7-8.jsonl')), 'the base64 decodes to the served bytes');
  assert.ok(host.files.get('delta-7-8.jsonl.minisig').bytes.equals(served.get('delta-7-8.jsonl.minisig')));
  assert.deepEqual(host.sent.map((m) => m.type), ['update_offer', 'update_file', 'update_file', 'update_file', 'update_commit']);
  assert.ok(host.sent.filter((m) => m.type === 'update_file').every((m) => Buffer.from(m.data, 'base64').length <= MIB));
  assert.equal(host.committed, true);
});

test('files the host names in `more` are fetched and sent after the others', async () => {
  const { lists, net, host } = updater({
    offers: { [A]: [{ name: 'keys.json', size: 15 }] },
    more: { 'keys.json': [{ name: 'keys.json.K2.minisig', max: 16384 }] },
  });
  await lists.schedule(policyOf([A]));
  const state = await lists.runNow();
  assert.equal(state.outcome, 'spooled');
  assert.deepEqual(net.fetched().slice(2), [`${A}keys.json`, `${A}keys.json.K2.minisig`]);
  assert.equal(host.files.get('keys.json.K2.minisig').complete, true);
});

test('a server sending more than the size the index names is cut off: fetch aborted, too_large, no commit', async () => {
  const { lists, net, host } = updater({ offers: { [A]: DELTA }, fetchOptions: { overlong: { 'delta-7-8.jsonl': 300 * 1024 } } });
  await lists.schedule(policyOf([A]));
  const state = await lists.runNow();
  assert.equal(state.lastError.code, 'too_large');
  const call = net.calls.find((c) => c.url.endsWith('delta-7-8.jsonl'));
  assert.equal(call.init.signal.aborted, true, 'the fetch is aborted');
  assert.equal(call.cancelled, true, 'the body is not read any further');
  const sent = host.files.get('delta-7-8.jsonl');
  assert.ok(sent.bytes.length <= DELTA[0].size, 'the host never got a byte past the size');
  assert.ok(!host.sent.some((m) => m.type === 'update_commit'));
  assert.equal(state.lastSuccess, null);
});

test('a body shorter than its size, or a signature past its cap, is refused without a commit', async () => {
  let { lists, host } = updater({ offers: { [A]: [{ name: 'keys.json', size: 16 }] } });
  await lists.schedule(policyOf([A]));
  let state = await lists.runNow();
  assert.equal(state.lastError.code, 'format');
  assert.match(state.lastError.message, /15 bytes, the index names 16/);
  assert.ok(!host.sent.some((m) => m.type === 'update_commit'));
  assert.ok(!host.sent.some((m) => m.last), 'the short file is never sent as complete');

  ({ lists, host } = updater({ offers: { [A]: [{ name: 'delta-7-8.jsonl.minisig', max: 10 }] } }));
  await lists.schedule(policyOf([A]));
  state = await lists.runNow();
  assert.equal(state.lastError.code, 'too_large');
  assert.ok(!host.sent.some((m) => m.type === 'update_commit'));
});

test('an index over 1 MiB is not read to the end, and not offered', async () => {
  const big = repository();
  big.set('index.json', bytesOf(MIB + 1, 3));
  const { lists, net, host } = updater({ mirrors: { [A]: big }, offers: { [A]: 'current' } });
  await lists.schedule(policyOf([A]));
  const state = await lists.runNow();
  assert.equal(state.lastError.code, 'too_large');
  assert.equal(net.calls[0].init.signal.aborted, true);
  assert.equal(host.sent.length, 0);
});

test('a first mirror that fails (its signature refused, or HTTP 404) falls over to the next', async () => {
  let { lists, host } = updater({ mirrors: { [A]: repository(), [B]: repository() }, offers: { [A]: 'signature', [B]: DELTA } });
  await lists.schedule(policyOf([A, B]));
  let state = await lists.runNow();
  assert.equal(state.mirror, B);
  assert.equal(state.outcome, 'spooled');
  assert.equal(state.lastError, null);
  assert.deepEqual(host.sent.filter((m) => m.type === 'update_offer').map((m) => m.source), [A, B]);

  ({ lists, host } = updater({ mirrors: { [A]: new Map(), [B]: repository() }, offers: { [B]: 'current' } }));
  await lists.schedule(policyOf([A, B]));
  state = await lists.runNow();
  assert.equal(state.mirror, B);
  assert.equal(state.outcome, 'current');
});

test('the host busy (another profile updating) or short of disk stops the run: the next mirror would fare no better', async () => {
  for (const code of ['busy', 'io', 'key']) {
    const { lists, host } = updater({ mirrors: { [A]: repository(), [B]: repository() }, offers: { [A]: code, [B]: 'current' } });
    await lists.schedule(policyOf([A, B]));
    const state = await lists.runNow();
    assert.equal(state.lastError.code, code);
    assert.equal(host.sent.length, 1, `${code}: ${B} is not tried`);
  }
});

test('a network failure (offline, DNS, TLS, no CORS header) is recorded as "network"; the last success is kept', async () => {
  const earlier = { lastAttempt: '2026-12-04T06:00:00.000Z', lastSuccess: '2026-12-04T06:00:00.000Z', mirror: A, outcome: 'spooled', listVersion: 7, lastError: null };
  const { lists, host } = updater({
    mirrors: { [A]: repository(), [B]: repository() }, offers: {}, fetchOptions: { down: [A, B] },
    storage: fakeStorage({ [STATE_KEY]: earlier }),
  });
  await lists.schedule(policyOf([A, B]));
  const state = await lists.runNow();
  assert.equal(state.lastError.code, 'network');
  assert.match(state.lastError.message, /could not reach the server.*Access-Control-Allow-Origin/);
  assert.match(state.lastError.message, new RegExp(`^${B}index\\.json`), 'the last mirror tried');
  assert.equal(state.lastAttempt, '2026-12-05T06:00:00.000Z');
  assert.equal(state.lastSuccess, '2026-12-04T06:00:00.000Z');
  assert.equal(state.outcome, 'spooled');
  assert.equal(host.sent.length, 0);
});

test('names the host asks for must be plain names in the mirror\'s directory', async () => {
  for (const name of ['../secret', 'sub/list.jsonl', 'a\\b', '..', 'list..jsonl', '', '/etc/passwd']) {
    const { lists, net, host } = updater({ offers: { [A]: [{ name, size: 1 }] } });
    await lists.schedule(policyOf([A]));
    const state = await lists.runNow();
    assert.equal(state.lastError.code, 'format', name);
    assert.deepEqual(net.fetched(), [`${A}index.json`, `${A}index.json.minisig`], `${name}: not fetched`);
    assert.ok(!host.sent.some((m) => m.type === 'update_commit'));
  }
});

test('a fresh profile fetches within a minute, a later start 1 to 5 minutes after it, then at the interval ±20%', async () => {
  for (const r of [0, 0.5, 0.999]) {
    const { lists, alarms } = updater({ offers: { [A]: 'current' }, random: () => r });
    await lists.schedule(policyOf([A], 60));
    const fresh = alarms.created[0];
    assert.equal(fresh.name, ALARM_NAME);
    assert.ok(fresh.delayInMinutes >= 0.5 && fresh.delayInMinutes <= 1, `fresh: ${fresh.delayInMinutes}`);
    await lists.onAlarm({ name: ALARM_NAME });
    const next = alarms.created.at(-1).delayInMinutes;
    assert.ok(next >= 48 && next <= 72, `next: ${next}`);
    await alarms.clear(ALARM_NAME);   // the browser restarted without its alarm
    await lists.schedule(policyOf([A], 60));
    const restarted = alarms.created.at(-1).delayInMinutes;
    assert.ok(restarted >= 1 && restarted <= 5, `after a restart: ${restarted}`);
  }
});

test('a worker restart keeps the alarm armed (or brings it forward when the interval was shortened)', async () => {
  const { lists, alarms } = updater({ offers: { [A]: 'current' } });
  await lists.schedule(policyOf([A], 360));
  await lists.onAlarm({ name: ALARM_NAME });
  const armed = alarms.created.length;
  await lists.schedule(policyOf([A], 360));
  assert.equal(alarms.created.length, armed, 'not pushed back');
  await lists.schedule(policyOf([A], 15));
  assert.equal(alarms.created.length, armed + 1);
  assert.ok(alarms.created.at(-1).delayInMinutes <= 18);
});

test('without listUrl: no alarm (an armed one is cleared), and a run fetches nothing', async () => {
  const { lists, alarms, net } = updater({ offers: { [A]: 'current' } });
  await lists.schedule(policyOf([A]));
  assert.equal(alarms.armed.has(ALARM_NAME), true);
  await lists.schedule(policyOf([]));
  assert.equal(alarms.armed.has(ALARM_NAME), false);
  const created = alarms.created.length;
  assert.equal(await lists.runNow(), null);
  assert.equal(await lists.onAlarm({ name: ALARM_NAME }), null);
  assert.equal(alarms.created.length, created, 'not re-armed');
  assert.equal(net.calls.length, 0);
});

test('runs never overlap: a second "check now" during a run gets that run', async () => {
  const { lists, net } = updater({ offers: { [A]: DELTA } });
  await lists.schedule(policyOf([A]));
  const first = lists.runNow();
  const second = lists.runNow();
  const byAlarm = lists.onAlarm({ name: ALARM_NAME });
  assert.equal(first, second);
  assert.equal(first, byAlarm);
  await first;
  assert.equal(net.fetched().filter((u) => u.endsWith('/index.json')).length, 1);
  assert.equal(await lists.onAlarm({ name: 'someone-else' }), null, 'another alarm is not ours');
});

test('base64 of more than a stack\'s worth of bytes, as Buffer gives it', () => {
  const bytes = bytesOf(MIB + 7, 9);
  assert.equal(toBase64(bytes), Buffer.from(bytes).toString('base64'));
  assert.equal(toBase64(new Uint8Array(0)), '');
});

test('a server that goes silent is given up as "network" (its fetch aborted), not waited on for ever', async () => {
  let fire = null;
  let signal = null;
  const fetch = async (url, init) => {
    signal = init.signal;
    return new Response(new ReadableStream({ pull: () => new Promise(() => {}) }));   // never a byte
  };
  const reading = readAll(fetch, `${A}index.json`, MIB, {
    idleMs: 60_000, setTimer: (fn) => { fire = fn; return 1; }, clearTimer: () => {},
  });
  await new Promise((resolve) => setImmediate(resolve));
  fire();
  await assert.rejects(reading, (error) => error.code === 'network' && /no answer for 60 s/.test(error.message));
  assert.equal(signal.aborted, true);
});
