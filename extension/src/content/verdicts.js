// The content script's view of verdicts: what is already known (so a click can be judged at
// once, with no round trip), pre-resolving accounts in batches, and asking for one account
// with a bounded wait. Replies come from the service worker, which owns the host connection.
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});

  const MAX_KNOWN = 2000;
  const KNOWN_FOR_MS = 5 * 60 * 1000;
  const BATCH_LIMIT = 200;   // the host's check_batch limit

  function keyOf(target) {
    return `${target.platform}\n${target.account}`;
  }

  /**
   * @param send   (message) → Promise<reply>: a request to the service worker (channel.js)
   * @param now    () → milliseconds
   * @param defer  (fn) → void: how a batch is put off to collect more accounts. By default
   *               only to the end of the current task: the accounts a page change brings
   *               go in one batch, and none waits on a timer (a click may follow at once).
   */
  function createVerdicts({ send, now = Date.now, defer = (fn) => queueMicrotask(fn) }) {
    const known = new Map();     // key → {reply, at}
    const inFlight = new Map();  // key → Promise<reply>
    let queued = new Map();      // key → target, waiting for the next batch
    let listVersion = null;

    function remember(target, reply) {
      if (reply.list && reply.list.version !== listVersion) {
        if (listVersion !== null) known.clear();  // a new list: earlier verdicts may be wrong
        listVersion = reply.list.version;
      }
      // Verdicts that say the host could not answer are not kept: the next click asks again.
      if (reply.verdict !== 'listed' && reply.verdict !== 'clear') return;
      known.delete(keyOf(target));
      known.set(keyOf(target), { reply, at: now() });
      if (known.size > MAX_KNOWN) known.delete(known.keys().next().value);
    }

    /** The known reply for TARGET, or null. Never waits. */
    function peek(target) {
      const entry = known.get(keyOf(target));
      if (!entry) return null;
      if (now() - entry.at > KNOWN_FOR_MS) { known.delete(keyOf(target)); return null; }
      return entry.reply;
    }

    function ask(target, action) {
      const key = keyOf(target);
      if (inFlight.has(key)) return inFlight.get(key);
      const request = send({ type: 'check', platform: target.platform, account: target.account, action })
        .then((reply) => { remember(target, reply); return reply; })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, request);
      return request;
    }

    /** Resolves with the reply, or with {verdict: 'unavailable'} after TIMEOUT_MS. */
    function check(target, action, timeoutMs) {
      const cached = peek(target);
      if (cached) return Promise.resolve(cached);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ verdict: 'unavailable', reason: 'timeout' }), timeoutMs);
        ask(target, action).then(
          (reply) => { clearTimeout(timer); resolve(reply); },
          () => { clearTimeout(timer); resolve({ verdict: 'unavailable', reason: 'no-reply' }); },
        );
      });
    }

    function flush() {
      const batch = [...queued.values()];
      queued = new Map();
      for (let start = 0; start < batch.length; start += BATCH_LIMIT) {
        const items = batch.slice(start, start + BATCH_LIMIT);
        const request = send({ type: 'check_batch', items });
        for (const item of items) inFlight.set(keyOf(item), request.then((replies) => replies[items.indexOf(item)]));
        request.then((replies) => {
          items.forEach((item, index) => { if (replies[index]) remember(item, replies[index]); });
        }).catch(() => {}).finally(() => items.forEach((item) => inFlight.delete(keyOf(item))));
      }
    }

    /** Queues accounts for the next batch; those known or already asked are skipped. */
    function prefetch(targets) {
      const wasEmpty = queued.size === 0;
      for (const target of targets) {
        const key = keyOf(target);
        if (peek(target) || inFlight.has(key) || queued.has(key)) continue;
        queued.set(key, { platform: target.platform, account: target.account });
      }
      if (wasEmpty && queued.size > 0) defer(flush);
    }

    /**
     * The replies for TARGETS, known ones at once and the rest in batches: resolves with one
     * reply per target, in order ({verdict: 'unavailable'} for any the host did not answer).
     */
    function lookup(targets) {
      const replies = targets.map((target) => peek(target));
      const missing = new Map();   // key → target, each account once
      targets.forEach((target, i) => { if (!replies[i]) missing.set(keyOf(target), target); });
      // An account already asked about (a prefetch's batch) is waited for, not asked again.
      const asked = [];
      const unknown = [];
      for (const [key, target] of missing) {
        if (inFlight.has(key)) asked.push(inFlight.get(key).then((reply) => [[key, reply || null]], () => []));
        else unknown.push(target);
      }
      for (let start = 0; start < unknown.length; start += BATCH_LIMIT) {
        const items = unknown.slice(start, start + BATCH_LIMIT).map((t) => ({ platform: t.platform, account: t.account }));
        const request = send({ type: 'check_batch', items });
        items.forEach((item, index) => inFlight.set(keyOf(item), request.then((results) => results[index])));
        asked.push(request.then((results) => {
          items.forEach((item, index) => { if (results && results[index]) remember(item, results[index]); });
          return items.map((item, index) => [keyOf(item), (results && results[index]) || null]);
        }, () => []).finally(() => items.forEach((item) => inFlight.delete(keyOf(item)))));
      }
      return Promise.all(asked).then((answered) => {
        const byKey = new Map(answered.flat());
        return targets.map((target, i) => replies[i] || byKey.get(keyOf(target)) || { verdict: 'unavailable', reason: 'no-reply' });
      });
    }

    return { peek, check, prefetch, lookup, keyOf };
  }

  netral.verdicts = { createVerdicts, keyOf };
})(globalThis);
