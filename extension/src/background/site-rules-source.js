// The newest site rules the host holds (`netral update` keeps them verified; docs/site-rules.md),
// for the content scripts. The worker keeps them in memory only: the host is asked again after a
// restart. A content script asks at its start; when the host has newer rules than those last
// handed out, every open page hears of them over its port and switches without a reload (each
// page checks them whole before use: content/sites/registry.js).

const ASK_AT_MOST_EVERY_MS = 60_000;

/**
 * @param request  (message) → Promise of the host's reply
 * @param push     (document) → void: tells every open page
 * @param now      () → ms
 */
export function createSiteRulesSource({ request, push, now = () => Date.now(), minIntervalMs = ASK_AT_MOST_EVERY_MS }) {
  let document = null;
  let askedAt = -Infinity;
  let asking = null;

  async function ask() {
    const reply = await request({ type: 'sites', ...(document ? { have: document.version } : {}) });
    const offered = reply && reply.sites;
    if (offered && typeof offered === 'object' && Number.isSafeInteger(offered.version)
      && (!document || offered.version > document.version)) {
      document = offered;
      push(document);
    }
  }

  /** The newest rules known, after asking the host unless it was asked within the minute (FORCE: ask). */
  async function current({ force = false } = {}) {
    if (force || now() - askedAt >= minIntervalMs) {
      askedAt = now();
      asking = asking || ask().catch(() => {}).finally(() => { asking = null; });
    }
    if (asking) await asking;
    return document;
  }

  return { current };
}
