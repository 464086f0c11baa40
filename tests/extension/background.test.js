// The service worker's parts with a fake native port, fake timers and fake senders: the
// persistent host connection (ids, timeouts, reconnect with backoff), the verdict cache, the
// checker that answers content scripts, and the dispatcher's sender checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHostConnection, HostUnavailableError } from '../../extension/src/background/host-connection.js';
import { createVerdictCache } from '../../extension/src/background/verdict-cache.js';
import { createChecker } from '../../extension/src/background/checker.js';
import { createDispatcher } from '../../extension/src/background/dispatcher.js';
import { createRecognition, OUT_OF_DATE_AT } from '../../extension/src/background/recognition.js';
import { createAudit, MAX_DAYS } from '../../extension/src/background/audit.js';
import { createSiteRulesSource } from '../../extension/src/background/site-rules-source.js';
import { loadInContext } from './helpers.js';

const { normalise } = loadInContext(['src/common/account.js']).account;

/** A native port the test drives: it sees what the extension posts and can answer or exit. */
function fakePort() {
  const messageListeners = [];
  const disconnectListeners = [];
  return {
    posted: [],
    postMessage(message) { this.posted.push(message); },
    onMessage: { addListener: (fn) => messageListeners.push(fn) },
    onDisconnect: { addListener: (fn) => disconnectListeners.push(fn) },
    reply(message) { messageListeners.forEach((fn) => fn(message)); },
    exit() { disconnectListeners.forEach((fn) => fn()); },
  };
}

/** Timers the test fires by hand. */
function fakeTimers() {
  const timers = new Map();
  let next = 1;
  return {
    setTimer: (fn, ms) => { const id = next++; timers.set(id, { fn, ms }); return id; },
    clearTimer: (id) => timers.delete(id),
    pending: () => [...timers.values()].map((t) => t.ms),
    fire(ms) {
      for (const [id, timer] of [...timers]) {
        if (timer.ms === ms) { timers.delete(id); timer.fn(); }
      }
    },
  };
}

function connectionWith({ ports = [], now = () => 0, lastError = () => null } = {}) {
  const timers = fakeTimers();
  const opened = [];
  const connection = createHostConnection({
    connectNative: (name) => {
      assert.equal(name, 'id.netral.host');
      const port = ports.length ? ports.shift() : fakePort();
      opened.push(port);
      return port;
    },
    lastError,
    now,
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
  });
  return { connection, timers, opened };
}

test('one port carries many requests; replies find their request by id, in any order', async () => {
  const { connection, opened } = connectionWith();
  const first = connection.request({ type: 'check', platform: 'x', account: '@a' });
  const second = connection.request({ type: 'check', platform: 'x', account: '@b' });
  assert.equal(opened.length, 1, 'a single native host process');
  const [a, b] = opened[0].posted;
  assert.notEqual(a.id, b.id);
  opened[0].reply({ id: b.id, verdict: 'clear' });
  opened[0].reply({ id: a.id, verdict: 'listed' });
  assert.equal((await first).verdict, 'listed');
  assert.equal((await second).verdict, 'clear');
});

test('a request the host does not answer in time fails as "host unavailable"', async () => {
  const { connection, timers } = connectionWith();
  const pending = connection.request({ type: 'hello' }, 800);
  timers.fire(800);
  await assert.rejects(pending, HostUnavailableError);
});

test('when the host exits, pending requests fail at once and the port is reopened with growing backoff', async () => {
  const { connection, timers, opened } = connectionWith({ lastError: () => 'Native host has exited.' });
  const pending = connection.request({ type: 'hello' });
  opened[0].exit();
  await assert.rejects(pending, /Native host has exited/);
  assert.equal(connection.isConnected(), false);
  assert.equal(connection.reason(), 'Native host has exited.');
  await assert.rejects(connection.request({ type: 'hello' }), HostUnavailableError, 'fails fast while waiting to reconnect');
  assert.deepEqual(timers.pending(), [500]);
  timers.fire(500);
  assert.equal(opened.length, 2, 'reconnected');
  opened[1].exit();
  assert.deepEqual(timers.pending(), [1000], 'the next wait is longer');
});

test('a host missing entirely is reported with the browser\'s reason', async () => {
  const { connection, opened } = connectionWith({ lastError: () => 'Specified native messaging host not found.' });
  connection.connect();
  opened[0].exit();
  assert.match(connection.reason(), /not found/);
});

test('the verdict cache is bounded and forgets everything when the list version changes', () => {
  const cache = createVerdictCache({ maxEntries: 2 });
  cache.noteListVersion(1);
  cache.set('x', '@a', { verdict: 'clear' });
  cache.set('x', '@b', { verdict: 'clear' });
  cache.get('x', '@a');                       // @a used recently: @b is the oldest
  cache.set('x', '@c', { verdict: 'listed' });
  assert.equal(cache.get('x', '@b'), null);
  assert.deepEqual(cache.get('x', '@a'), { verdict: 'clear' });
  assert.equal(cache.noteListVersion(1), false);
  assert.equal(cache.noteListVersion(2), true);
  assert.equal(cache.size, 0);
});

/** A connection stand-in answering like netral-host over a small list. */
function fakeHost({ version = 3, listed = ['x @timmenang'], update = null } = {}) {
  const asked = [];
  const host = {
    version,
    asked,
    request: async (message) => {
      asked.push(message);
      if (message.type === 'hello') return { protocol: 1, host_version: '0.1.0', list: { version: host.version, issuer: 'Uji', issued: '2026-11-01T00:00:00Z', entries: 1, stale: false }, update };
      const answer = (item) => ({
        platform: item.platform, account: item.account, list_version: host.version, stale: false,
        verdict: listed.includes(`${item.platform} ${item.account}`) ? 'listed' : 'clear',
        ...(listed.includes(`${item.platform} ${item.account}`) ? { entity: { name: 'Calon A' } } : {}),
      });
      if (message.type === 'check') return answer(message);
      return { results: message.items.map((item) => (item.account === '@bad!' ? { error: { code: 'bad_account' } } : answer(item))), list_version: host.version };
    },
  };
  return host;
}

test('the checker asks the host once per account; the second click on it needs no round trip', async () => {
  const host = fakeHost();
  const checker = createChecker({ connection: host, cache: createVerdictCache(), normalise });
  await checker.refreshList();
  const first = await checker.check({ platform: 'x', account: 'https://x.com/TimMenang', action: 'like' });
  assert.equal(first.verdict, 'listed');
  assert.equal(first.account, '@timmenang');
  assert.equal(first.entity.name, 'Calon A');
  assert.equal(first.list.version, 3);
  const checks = host.asked.filter((m) => m.type === 'check').length;
  await checker.check({ platform: 'x', account: '@timmenang', action: 'like' });
  assert.equal(host.asked.filter((m) => m.type === 'check').length, checks);
});

test('a list whose updates stopped: its verdicts say since when it may be out of date (for the warning)', async () => {
  const host = fakeHost({ update: { how: 'file', index_expires: '2026-12-04T00:00:00Z', out_of_date_since: '2026-12-04T00:00:00Z' } });
  const checker = createChecker({ connection: host, cache: createVerdictCache(), normalise });
  await checker.refreshList();
  const reply = await checker.check({ platform: 'x', account: '@timmenang', action: 'like' });
  assert.equal(reply.list.outOfDateSince, '2026-12-04T00:00:00Z');
  assert.equal(checker.update().how, 'file');
  const current = createChecker({ connection: fakeHost(), cache: createVerdictCache(), normalise });
  await current.refreshList();
  assert.equal((await current.check({ platform: 'x', account: '@timmenang' })).list.outOfDateSince, null);
});

test('a new list version on the host drops the cached verdicts and reloads the list facts', async () => {
  const host = fakeHost();
  const checker = createChecker({ connection: host, cache: createVerdictCache(), normalise });
  await checker.refreshList();
  await checker.check({ platform: 'x', account: '@tetangga' });
  host.version = 4;
  await checker.check({ platform: 'x', account: '@other' });
  assert.equal(checker.list().version, 4);
  const before = host.asked.length;
  await checker.check({ platform: 'x', account: '@tetangga' });
  assert.equal(host.asked.length, before + 1, 'asked again after the list changed');
});

test('check_batch: one reply per item, in order, sent in chunks of at most 200', async () => {
  const host = fakeHost();
  const checker = createChecker({ connection: host, cache: createVerdictCache(), normalise });
  await checker.refreshList();
  const items = Array.from({ length: 250 }, (_, i) => ({ platform: 'x', account: `@user${i}` }));
  items[7] = { platform: 'x', account: '@TimMenang' };
  items[9] = { platform: 'x', account: 'not an account!' };
  const replies = await checker.checkBatch(items);
  assert.equal(replies.length, 250);
  assert.equal(replies[7].verdict, 'listed');
  assert.equal(replies[9].verdict, 'clear', 'an impossible account cannot be listed');
  assert.equal(replies[8].account, '@user8');
  const batches = host.asked.filter((m) => m.type === 'check_batch');
  assert.deepEqual(batches.map((b) => b.items.length), [200, 49]);
});

test('when the host cannot be reached the checker says "unavailable" (failMode decides)', async () => {
  const checker = createChecker({
    connection: { request: async () => { throw new HostUnavailableError('Specified native messaging host not found.'); } },
    cache: createVerdictCache(),
    normalise,
  });
  const reply = await checker.check({ platform: 'x', account: '@timmenang' });
  assert.equal(reply.verdict, 'unavailable');
  const [batch] = await checker.checkBatch([{ platform: 'x', account: '@timmenang' }]);
  assert.equal(batch.verdict, 'unavailable');
});

const EXTENSION = { id: 'agbjhpfjmmgmllicjnfkepfagmiajhfi', base: 'chrome-extension://agbjhpfjmmgmllicjnfkepfagmiajhfi/' };
const fromTab = (url) => ({ id: EXTENSION.id, tab: { id: 4 }, url });
const fromPopup = { id: EXTENSION.id, url: `${EXTENSION.base}src/popup/popup.html` };

function dispatcher() {
  const calls = [];
  const dispatch = createDispatcher({
    extensionId: EXTENSION.id,
    extensionBase: EXTENSION.base,
    platforms: loadInContext(['src/common/account.js']).account.platforms,
    domains: loadInContext([]).platforms.flatMap((platform) => platform.domains),
    handlers: {
      check: async (m) => { calls.push(['check', m]); return { verdict: 'clear' }; },
      checkBatch: async (items) => { calls.push(['batch', items]); return items.map(() => ({ verdict: 'clear' })); },
      strings: async (language) => ({ messages: { language } }),
      status: async () => ({ connected: true }),
      updateNow: async () => { calls.push(['updateNow']); return { outcome: 'current' }; },
      recognition: async (m) => { calls.push(['recognition', m]); },
      audit: async (m) => { calls.push(['audit', m]); },
    },
  });
  return { dispatch, calls };
}

test('content scripts on the watched sites may check accounts', async () => {
  const { dispatch, calls } = dispatcher();
  const reply = await dispatch({ type: 'check', platform: 'x', account: '@a', action: 'like' }, fromTab('https://x.com/home'));
  assert.equal(reply.verdict, 'clear');
  assert.deepEqual(calls, [['check', { platform: 'x', account: '@a', action: 'like' }]]);
  const batch = await dispatch({ type: 'check_batch', items: [{ platform: 'x', account: '@a' }] }, fromTab('https://www.youtube.com/watch?v=1'));
  assert.equal(batch.results.length, 1);
});

test('messages from other pages, other extensions or without a tab are refused', async () => {
  const { dispatch, calls } = dispatcher();
  const check = { type: 'check', platform: 'x', account: '@a' };
  await assert.rejects(dispatch(check, fromTab('https://evil.example/')), /sender not allowed/);
  await assert.rejects(dispatch(check, fromTab('https://x.com.evil.example/')), /sender not allowed/);
  await assert.rejects(dispatch(check, fromTab('http://x.com/')), /sender not allowed/);
  await assert.rejects(dispatch(check, { ...fromTab('https://x.com/'), id: 'someotherextension' }), /sender not allowed/);
  await assert.rejects(dispatch(check, { id: EXTENSION.id, url: 'https://x.com/' }), /sender not allowed/);
  assert.deepEqual(calls, []);
});

test('the status is for the extension\'s own pages only', async () => {
  const { dispatch } = dispatcher();
  assert.deepEqual(await dispatch({ type: 'status' }, fromPopup), { connected: true });
  await assert.rejects(dispatch({ type: 'status' }, fromTab('https://x.com/home')), /sender not allowed/);
});

test('"check for a new list now" is for the extension\'s own pages only', async () => {
  const { dispatch, calls } = dispatcher();
  assert.deepEqual(await dispatch({ type: 'updateNow' }, fromPopup), { outcome: 'current' });
  await assert.rejects(dispatch({ type: 'updateNow' }, fromTab('https://x.com/home')), /sender not allowed/);
  await assert.rejects(dispatch({ type: 'updateNow' }, { ...fromPopup, id: 'someotherextension' }), /sender not allowed/);
  await assert.rejects(dispatch({ type: 'updateNow' }, { id: EXTENSION.id, url: 'https://evil.example/' }), /sender not allowed/);
  assert.deepEqual(calls, [['updateNow']]);
});

test('malformed and unknown messages are refused', async () => {
  const { dispatch } = dispatcher();
  const tab = fromTab('https://x.com/home');
  await assert.rejects(dispatch({ type: 'check', platform: 'x', account: '@a', action: 'hack' }, tab), /malformed/);
  await assert.rejects(dispatch({ type: 'check', platform: 'x', account: 'a'.repeat(3000) }, tab), /malformed/);
  await assert.rejects(dispatch({ type: 'check_batch', items: Array(201).fill({ platform: 'x', account: '@a' }) }, tab), /malformed/);
  await assert.rejects(dispatch({ type: 'strings', language: 'fr' }, tab), /malformed/);
  await assert.rejects(dispatch({ type: 'import_list' }, fromPopup), /unknown message type/);
  await assert.rejects(dispatch({ type: '__proto__' }, fromPopup), /unknown message type/);
  await assert.rejects(dispatch(null, fromPopup), /unknown message type/);
});

// ---- how well the rules match, counted on this device (background/recognition.js) ----

function memoryStorage() {
  const data = {};
  return {
    data,
    get: async (key) => (key in data ? { [key]: structuredClone(data[key]) } : {}),
    set: async (items) => { Object.assign(data, structuredClone(items)); },
  };
}

test('recognition counts per site and rules version, nothing else; a new rules version starts afresh', async () => {
  const storage = memoryStorage();
  const recognition = createRecognition({ storage, now: () => Date.parse('2026-12-03T08:00:00Z') });
  // Concurrent reports (several tabs) are all counted.
  await Promise.all([
    ...Array.from({ length: OUT_OF_DATE_AT }, () => recognition.note({ platform: 'x', kind: 'unrecognised', rules: 1 })),
    recognition.note({ platform: 'x', kind: 'noAccount', rules: 1 }),
    recognition.note({ platform: 'tiktok', kind: 'ruleError', rules: 1 }),
  ]);
  let state = await recognition.state();
  assert.deepEqual(state.x, { rules: 1, since: '2026-12-03T08:00:00Z', unrecognised: OUT_OF_DATE_AT, noAccount: 1, ruleError: 0, noPosts: 0, outOfDate: true });
  assert.equal(state.tiktok.outOfDate, false);
  // Only counts, the rules version and a time are stored: no account, URL or label.
  assert.deepEqual(Object.keys(storage.data.recognition.sites.x).sort(), ['noAccount', 'noPosts', 'ruleError', 'rules', 'since', 'unrecognised']);
  await recognition.note({ platform: 'x', kind: 'noAccount', rules: 2 });
  state = await recognition.state();
  assert.deepEqual({ ...state.x, since: null }, { rules: 2, since: null, unrecognised: 0, noAccount: 1, ruleError: 0, noPosts: 0, outOfDate: false });
});

test('recognition reports come only from content scripts on the watched sites, in the known kinds', async () => {
  const { dispatch, calls } = dispatcher();
  await dispatch({ type: 'recognition', platform: 'x', kind: 'unrecognised', rules: 1 }, fromTab('https://x.com/home'));
  assert.deepEqual(calls, [['recognition', { platform: 'x', kind: 'unrecognised', rules: 1 }]]);
  await assert.rejects(dispatch({ type: 'recognition', platform: 'x', kind: 'unrecognised', rules: 1 }, fromPopup), /sender not allowed/);
  for (const bad of [{ kind: 'clicks' }, { platform: 'myspace' }, { rules: 0 }, { rules: '1' }]) {
    await assert.rejects(dispatch({ type: 'recognition', platform: 'x', kind: 'noAccount', rules: 1, ...bad }, fromTab('https://x.com/home')), /malformed/);
  }
  assert.equal(calls.length, 1);
});

test('site rules from the host: asked with the version held, at most once a minute, newer ones told to every page', async () => {
  let clock = 0;
  const asked = [];
  const pushed = [];
  let offer = { id: 1, sites: null };
  const source = createSiteRulesSource({
    request: async (message) => { asked.push(message); return offer; },
    push: (document) => pushed.push(document.version),
    now: () => clock,
  });
  assert.equal(await source.current(), null);   // none installed: the bundled rules stay
  offer = { id: 1, sites_version: 2, sites: { netral_sites: 1, version: 2 } };
  assert.equal(await source.current(), null);   // asked a moment ago: not again
  clock = 60_000;
  const [a, b] = await Promise.all([source.current(), source.current()]);
  assert.equal(a.version, 2);
  assert.equal(b.version, 2);
  assert.deepEqual(asked, [{ type: 'sites' }, { type: 'sites' }]);
  assert.deepEqual(pushed, [2]);
  offer = { id: 1, sites_version: 2, sites: null, current: true };
  assert.equal((await source.current({ force: true })).version, 2);
  assert.deepEqual(asked.at(-1), { type: 'sites', have: 2 });
  offer = { id: 1, sites_version: 1, sites: { netral_sites: 1, version: 1 } };   // never backwards
  assert.equal((await source.current({ force: true })).version, 2);
  offer = { id: 1, sites_version: 3, sites: { netral_sites: 1, version: 3 } };
  assert.equal((await source.current({ force: true })).version, 3);
  assert.deepEqual(pushed, [2, 3]);
});

test('recognition counts go to the host, together, a moment after they change: counts only', async () => {
  const storage = memoryStorage();
  const timers = [];
  const reports = [];
  const recognition = createRecognition({
    storage, now: () => Date.parse('2026-12-03T08:00:00Z'), report: async (sites) => { reports.push(sites); },
    setTimer: (fn) => timers.push(fn),
  });
  await Promise.all([
    recognition.note({ platform: 'x', kind: 'unrecognised', rules: 1 }),
    recognition.note({ platform: 'x', kind: 'noAccount', rules: 1 }),
  ]);
  assert.equal(timers.length, 1, 'one report for counts noted together');
  timers.shift()();
  await recognition.state();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(reports, [{ x: { rules: 1, since: '2026-12-03T08:00:00Z', unrecognised: 1, noAccount: 1, ruleError: 0, noPosts: 0 } }]);
  await recognition.note({ platform: 'x', kind: 'unrecognised', rules: 1 });
  assert.equal(timers.length, 1, 'a later count is reported again');
});

// ---- audit mode's counts (background/audit.js) ----

test('audit counts per day, platform and action, nothing else; the last 31 days are kept', async () => {
  const storage = memoryStorage();
  let clock = new Date(2026, 11, 3, 9, 30).getTime();   // the computer's own calendar
  const audit = createAudit({ storage, now: () => clock, setTimer: () => {} });
  // Concurrent reports (several tabs) are all counted.
  await Promise.all([
    audit.note({ platform: 'x', action: 'like' }), audit.note({ platform: 'x', action: 'like' }),
    audit.note({ platform: 'x', action: 'follow' }), audit.note({ platform: 'tiktok', action: 'share' }),
  ]);
  assert.deepEqual(await audit.state(), { '2026-12-03': { x: { like: 2, follow: 1 }, tiktok: { share: 1 } } });
  assert.deepEqual(Object.keys(storage.data), ['audit'], 'one key, of numbers only');
  clock = new Date(2026, 11, 4, 0, 5).getTime();
  await audit.note({ platform: 'x', action: 'like' });
  assert.deepEqual(Object.keys(await audit.state()), ['2026-12-04', '2026-12-03'], 'the newest day first');
  for (let day = 5; day < 5 + MAX_DAYS; day += 1) {
    clock = new Date(2026, 11, day, 12).getTime();
    await audit.note({ platform: 'youtube', action: 'subscribe' });
  }
  const days = Object.keys(await audit.state());
  assert.equal(days.length, MAX_DAYS);
  assert.equal(days.includes('2026-12-03'), false, 'the oldest day went');
  assert.equal(days[0], '2027-01-04');
});

test('audit counts go to the host together, a moment after they change, as audit_counts would carry them', async () => {
  const storage = memoryStorage();
  const timers = [];
  const reports = [];
  const audit = createAudit({
    storage, now: () => new Date(2026, 11, 3, 10).getTime(), report: async (days) => { reports.push(days); }, setTimer: (fn) => timers.push(fn),
  });
  await Promise.all([audit.note({ platform: 'x', action: 'like' }), audit.note({ platform: 'x', action: 'follow' })]);
  assert.equal(timers.length, 1, 'one report for counts noted together');
  timers.shift()();
  await audit.state();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(reports, [{ '2026-12-03': { x: { like: 1, follow: 1 } } }]);
});

test('audit reports come only from content scripts on the watched sites, with a known platform and action', async () => {
  const { dispatch, calls } = dispatcher();
  assert.deepEqual(await dispatch({ type: 'audit', platform: 'x', action: 'like', account: '@tim' }, fromTab('https://x.com/home')), {});
  assert.deepEqual(calls, [['audit', { platform: 'x', action: 'like' }]], 'the platform and action only are passed on');
  await assert.rejects(dispatch({ type: 'audit', platform: 'x', action: 'like' }, fromPopup), /sender not allowed/);
  await assert.rejects(dispatch({ type: 'audit', platform: 'x', action: 'like' }, fromTab('https://evil.example/')), /sender not allowed/);
  for (const bad of [{ action: 'click' }, { action: undefined }, { platform: 'myspace' }, { platform: '__proto__' }]) {
    await assert.rejects(dispatch({ type: 'audit', platform: 'x', action: 'like', ...bad }, fromTab('https://x.com/home')), /malformed/);
  }
  assert.equal(calls.length, 1);
});
