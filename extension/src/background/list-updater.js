// Lists over the web: on a jittered alarm, fetches the published list from the policy's
// mirrors (listUrl) and hands it to the host, which verifies it with the system's keys and
// spools it for the system updater (docs/protocol.md, "List updates over the web"). The
// worker trusts nothing it fetches; it only keeps to plain file names and to the sizes and
// caps the host names, so a mirror cannot make it read or send more.

import { FetchError, readAll, streamBody } from './bounded-fetch.js';
import { toBase64 } from './base64.js';

export const ALARM_NAME = 'netral-list-update';
export const STATE_KEY = 'listUpdate';

const MAX_INDEX_BYTES = 1 << 20;
const MAX_SIGNATURE_BYTES = 16 << 10;
const CHUNK_BYTES = 1 << 20;   // the most bytes one update_file carries
const MAX_FILES = 64;          // of one offer, `more` included (a repository names a handful)
const MINUTE_MS = 60_000;
// What one mirror got wrong (its files, its server): the next mirror may do better. Any other
// error (busy, io, key, the host not answering) would be the same from every mirror.
const NEXT_MIRROR = new Set(['signature', 'format', 'rollback', 'expired', 'too_large', 'network', 'http']);
const PLAIN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;

class UpdateError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function describe(error) {
  if (error instanceof UpdateError || error instanceof FetchError) return { code: error.code, message: error.message };
  return { code: 'other', message: String(error && error.message) };
}

/**
 * @param request (message) → Promise of the host's reply (host-connection's request)
 * @param fetch   the browser's fetch
 * @param alarms  chrome.alarms
 * @param storage chrome.storage.local (the state of the last run, under STATE_KEY)
 */
export function createListUpdater({ request, fetch, alarms, storage, now = Date.now, random = Math.random }) {
  let policy = { listUrl: [], updateIntervalMinutes: 360 };
  let running = null;

  // Minutes: a profile that never fetched (just installed) within the first minute; one that did,
  // 1 to 5 minutes after the browser starts; then the interval, ±20%.
  const freshDelay = () => 0.5 + 0.5 * random();
  const firstDelay = () => 1 + 4 * random();
  const nextDelay = () => policy.updateIntervalMinutes * (0.8 + 0.4 * random());
  const arm = (minutes) => alarms.create(ALARM_NAME, { delayInMinutes: minutes });
  const rearm = async () => {
    try {
      await arm(nextDelay());
    } catch {
      // Left unarmed, the alarm is armed by schedule() when the worker next starts.
    }
  };

  async function ask(message) {
    let reply;
    try {
      reply = await request(message);
    } catch (error) {
      throw new UpdateError('host', `${message.type}: ${error.message}`);
    }
    if (!reply || typeof reply !== 'object') throw new UpdateError('host', `${message.type}: no reply`);
    if (reply.error) throw new UpdateError(String(reply.error.code || 'host'), String(reply.error.message || ''));
    return reply;
  }

  async function readText(url, limit) {
    const bytes = await readAll(fetch, url, limit);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new UpdateError('format', `${url}: not UTF-8 text`);
    }
  }

  // Streams one file to the host in update_file chunks. Bytes are held until more than a chunk
  // is known, so the last chunk (last: true) is only sent once the body has ended.
  async function sendFile(mirror, file) {
    const name = file && file.name;
    if (typeof name !== 'string' || !PLAIN_NAME.test(name) || name.includes('..')) {
      throw new UpdateError('format', `the host asked for ${JSON.stringify(String(name).slice(0, 80))}, not a plain file name`);
    }
    const exact = Number.isSafeInteger(file.size) && file.size >= 0 ? file.size : null;
    const limit = exact ?? (Number.isSafeInteger(file.max) && file.max >= 0 ? file.max : null);
    if (limit === null) throw new UpdateError('host', `${name}: the host named neither its size nor a cap`);
    const url = mirror + name;
    const held = [];
    let heldBytes = 0;
    let offset = 0;

    const take = (count) => {
      const bytes = new Uint8Array(count);
      for (let at = 0; at < count;) {
        const piece = held[0];
        const used = Math.min(piece.length, count - at);
        bytes.set(piece.subarray(0, used), at);
        at += used;
        if (used === piece.length) held.shift();
        else held[0] = piece.subarray(used);
      }
      heldBytes -= count;
      return bytes;
    };
    const send = async (bytes, last) => {
      const reply = await ask({ type: 'update_file', name, offset, data: toBase64(bytes), last });
      offset += bytes.length;
      if (reply.received !== offset) throw new UpdateError('host', `${name}: the host has ${reply.received} bytes of ${offset} sent`);
      return reply;
    };

    const total = await streamBody(fetch, url, {
      limit,
      onPiece: async (piece) => {
        held.push(piece);
        heldBytes += piece.length;
        while (heldBytes > CHUNK_BYTES) await send(take(CHUNK_BYTES), false);
      },
    });
    if (exact !== null && total !== exact) throw new UpdateError('format', `${url}: ${total} bytes, the index names ${exact}`);
    const reply = await send(take(heldBytes), true);
    if (reply.complete !== true) throw new UpdateError('host', `${name}: the host did not take it as complete`);
    return Array.isArray(reply.more) ? reply.more : [];
  }

  async function fromMirror(mirror) {
    const index = await readText(`${mirror}index.json`, MAX_INDEX_BYTES);
    const signature = await readText(`${mirror}index.json.minisig`, MAX_SIGNATURE_BYTES);
    const offer = await ask({ type: 'update_offer', index, signature, source: mirror, full: false });
    if (offer.state === 'current') return { outcome: 'current', listVersion: offer.list_version ?? null };
    if (offer.state !== 'needed' || !Array.isArray(offer.files)) throw new UpdateError('host', 'update_offer: an unexpected reply');
    const queue = [...offer.files];
    for (let i = 0; i < queue.length; i += 1) {
      if (i === MAX_FILES) throw new UpdateError('host', `update_offer: more than ${MAX_FILES} files`);
      queue.push(...await sendFile(mirror, queue[i]));
    }
    const commit = await ask({ type: 'update_commit' });
    if (commit.state !== 'spooled') throw new UpdateError('host', 'update_commit: an unexpected reply');
    return { outcome: 'spooled', listVersion: commit.list_version ?? null };
  }

  /** The outcome of the last run (kept across restarts), or null before the first. */
  async function state() {
    const stored = await storage.get(STATE_KEY);
    return (stored && stored[STATE_KEY]) || null;
  }

  // One run: the mirrors in order until one gives a current or spooled list. The state names
  // only the mirror (policy) and the outcome, nothing of what the user does.
  async function run() {
    const mirrors = policy.listUrl;
    if (mirrors.length === 0) return state();
    try {
      const lastAttempt = new Date(now()).toISOString();
      let lastError = null;
      for (const mirror of mirrors) {
        try {
          const { outcome, listVersion } = await fromMirror(mirror);
          const done = { lastAttempt, lastSuccess: new Date(now()).toISOString(), mirror, outcome, listVersion, lastError: null };
          await storage.set({ [STATE_KEY]: done });
          return done;
        } catch (error) {
          lastError = describe(error);
          if (!NEXT_MIRROR.has(lastError.code)) break;
        }
      }
      const failed = { lastSuccess: null, mirror: null, outcome: null, listVersion: null, ...await state(), lastAttempt, lastError };
      await storage.set({ [STATE_KEY]: failed });
      return failed;
    } finally {
      if (policy.listUrl.length > 0) await rearm();   // after any outcome
    }
  }

  /** Runs an update now; a call while one runs gets that run's promise. */
  function runNow() {
    if (!running) running = run().finally(() => { running = null; });
    return running;
  }

  /**
   * Arms the alarm for POLICY (or clears it without mirrors). An alarm already armed is kept:
   * the worker restarts often, and arming anew at each start would push updates back for ever;
   * one later than the interval allows (the interval was shortened) is brought forward.
   */
  async function schedule(next) {
    policy = next;
    if (policy.listUrl.length === 0) {
      await alarms.clear(ALARM_NAME);
      return;
    }
    if (running) return;   // the run arms the next alarm as it ends
    const alarm = await alarms.get(ALARM_NAME);
    if (alarm && alarm.scheduledTime <= now() + policy.updateIntervalMinutes * 1.2 * MINUTE_MS) return;
    await arm(alarm ? nextDelay() : (await state()) ? firstDelay() : freshDelay());
  }

  function onAlarm(alarm) {
    return alarm && alarm.name === ALARM_NAME ? runNow() : Promise.resolve(null);
  }

  return { schedule, runNow, onAlarm, state };
}
