// How well the site rules still match each site, counted on this device only: per platform
// and rules version, how many times a control that looked like an action was clicked but no
// rule knew it, an action's account could not be read, a rule could not be used, or a feed
// showed no post. No URL,
// no account, no label is kept: only the counts, the rules version and when counting began.
// A new rules version starts its counts afresh (what the old rules missed says nothing of the
// new ones). The popup shows it, and the counts go to the native host on this computer, which
// keeps them for `netral status` and `netral doctor` (host/src/recognition.h); nothing leaves
// the device.

export const KINDS = ['unrecognised', 'noAccount', 'ruleError', 'noPosts'];
const KEY = 'recognition';
const MAX_COUNT = 1_000_000;
// From how many of one kind, in one rules version, the popup says recognition may be out of date.
export const OUT_OF_DATE_AT = 3;

// Counts noted within this time go to the host together.
const REPORT_AFTER_MS = 2000;

/**
 * @param storage  chrome.storage.local (get/set)
 * @param now      () → ms since the epoch
 * @param report   (sites) → Promise: hands the counts to the host ({platform: {rules, since, …}})
 */
export function createRecognition({
  storage, now = () => Date.now(), report = async () => {}, setTimer = setTimeout, reportAfterMs = REPORT_AFTER_MS,
}) {
  let queue = Promise.resolve();   // one read-modify-write at a time: no count is lost
  let reportDue = false;

  function reportSoon() {
    if (reportDue) return;
    reportDue = true;
    setTimer(() => {
      reportDue = false;
      queue.then(read).then(({ sites }) => report(sites)).catch(() => {});
    }, reportAfterMs);
  }

  async function read() {
    const stored = (await storage.get(KEY))[KEY];
    return stored && typeof stored === 'object' && stored.sites && typeof stored.sites === 'object' ? stored : { sites: {} };
  }

  /** Counts one KIND on PLATFORM with rules version RULES. */
  function note({ platform, kind, rules }) {
    queue = queue.then(async () => {
      const state = await read();
      let site = state.sites[platform];
      if (!site || site.rules !== rules) {
        // The host's time format: whole seconds.
        site = { rules, since: new Date(now()).toISOString().replace(/\.\d{3}Z$/, 'Z'), ...Object.fromEntries(KINDS.map((k) => [k, 0])) };
        state.sites[platform] = site;
      }
      site[kind] = Math.min(MAX_COUNT, (site[kind] || 0) + 1);
      await storage.set({ [KEY]: state });
    }).catch(() => {});
    reportSoon();
    return queue;
  }

  /** {platform: {rules, since, unrecognised, noAccount, ruleError, noPosts, outOfDate}} */
  async function state() {
    await queue;
    const { sites } = await read();
    return Object.fromEntries(Object.entries(sites).map(([platform, site]) => [platform, {
      ...site, outOfDate: KINDS.some((kind) => (site[kind] || 0) >= OUT_OF_DATE_AT),
    }]));
  }

  return { note, state };
}
