// Answers the content scripts' questions about accounts from the cache or the host, in the
// shape the interceptor reads: {verdict, platform, account, entity?, list?, reason?}.
// verdict: 'listed' | 'clear' | 'unknown' (host has no valid list) | 'unavailable'.

const BATCH_LIMIT = 200;

export function createChecker({ connection, cache, normalise }) {
  let list = null;     // the hello/status reply's "list" object, or null
  let update = null;   // its "update" object (how the list is kept current), or null

  function listInfo(stale) {
    if (!list) return null;
    return {
      version: list.version, issuer: list.issuer, issued: list.issued, expires: list.expires, stale: Boolean(stale),
      outOfDateSince: (update && update.out_of_date_since) || null,
    };
  }

  async function refreshList() {
    const reply = await connection.request({ type: 'hello' });
    if (!reply.error) setList(reply.list, reply.update);
    return reply;
  }

  function setList(next, nextUpdate = null) {
    list = next || null;
    update = nextUpdate || null;
    cache.noteListVersion(list ? list.version : null);
  }

  // A reply naming another list version than the one we know: the host imported a new list.
  async function noteVersion(version) {
    if ((list ? list.version : null) === (version ?? null)) return;
    cache.noteListVersion(version ?? null);
    await refreshList().catch(() => {});
  }

  function fromHost(result) {
    if (result.error) return { verdict: 'unavailable', reason: result.error.code };
    const reply = { verdict: result.verdict, platform: result.platform, account: result.account, list: listInfo(result.stale) };
    if (result.entity) reply.entity = result.entity;
    return reply;
  }

  function unavailable(error) {
    return { verdict: 'unavailable', reason: error.message };
  }

  function remember(reply) {
    if (reply.verdict === 'listed' || reply.verdict === 'clear') cache.set(reply.platform, reply.account, reply);
  }

  // An account our normaliser rejects cannot be on the list: the host applies the same rules.
  function notAnAccount(platform, account) {
    return { verdict: 'clear', platform, account, reason: 'not-an-account', list: listInfo(false) };
  }

  async function check({ platform, account, action }) {
    const canonical = normalise(platform, account);
    if (!canonical) return notAnAccount(platform, account);
    const cached = cache.get(canonical.platform, canonical.account);
    if (cached) return cached;
    try {
      const message = { type: 'check', platform: canonical.platform, account: canonical.account };
      if (action) message.action = action;
      const result = await connection.request(message);
      if (result.error) return { verdict: 'unavailable', reason: result.error.code };
      await noteVersion(result.list_version);
      const reply = fromHost(result);
      remember(reply);
      return reply;
    } catch (error) {
      return unavailable(error);
    }
  }

  /** One reply per item, in order. */
  async function checkBatch(items) {
    const replies = new Array(items.length);
    const asks = [];   // {index, platform, account}
    items.forEach((item, index) => {
      const canonical = normalise(item.platform, item.account);
      if (!canonical) { replies[index] = notAnAccount(item.platform, item.account); return; }
      const cached = cache.get(canonical.platform, canonical.account);
      if (cached) replies[index] = cached;
      else asks.push({ index, ...canonical });
    });
    for (let start = 0; start < asks.length; start += BATCH_LIMIT) {
      const chunk = asks.slice(start, start + BATCH_LIMIT);
      try {
        const result = await connection.request({
          type: 'check_batch', items: chunk.map(({ platform, account }) => ({ platform, account })),
        });
        if (result.error || !Array.isArray(result.results)) throw new Error(result.error ? result.error.code : 'bad reply');
        await noteVersion(result.list_version);
        chunk.forEach(({ index }, i) => {
          const reply = result.results[i] ? fromHost(result.results[i]) : unavailable(new Error('missing result'));
          remember(reply);
          replies[index] = reply;
        });
      } catch (error) {
        chunk.forEach(({ index }) => { replies[index] = unavailable(error); });
      }
    }
    return replies;
  }

  return { check, checkBatch, refreshList, setList, list: () => list, update: () => update };
}
