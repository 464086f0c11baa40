// Audit mode (policy: a mode "audit", for everything or per action or site): Netral warns about
// nothing and holds nothing, and only counts, on this device, how often it would have warned.
// Per day (the computer's calendar), platform and action, a number: no account, no URL, no
// time of day. The last MAX_DAYS days are kept. The popup shows them, and they go to the native
// host on this computer, which keeps them for `netral status` (host/src/audit.h); nothing
// leaves the device.

export const MAX_DAYS = 31;
const KEY = 'audit';
const MAX_COUNT = 1_000_000;
// Counts noted within this time go to the host together.
const REPORT_AFTER_MS = 2000;

// The computer's own date (the day the employee lived), as YYYY-MM-DD.
function dayOf(ms) {
  const date = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * @param storage  chrome.storage.local (get/set)
 * @param now      () → ms since the epoch
 * @param report   (days) → Promise: hands the counts to the host ({day: {platform: {action: n}}})
 */
export function createAudit({
  storage, now = () => Date.now(), report = async () => {}, setTimer = setTimeout, reportAfterMs = REPORT_AFTER_MS,
}) {
  let queue = Promise.resolve();   // one read-modify-write at a time: no count is lost
  let reportDue = false;

  function reportSoon() {
    if (reportDue) return;
    reportDue = true;
    setTimer(() => {
      reportDue = false;
      queue.then(read).then(({ days }) => report(days)).catch(() => {});
    }, reportAfterMs);
  }

  async function read() {
    const stored = (await storage.get(KEY))[KEY];
    return stored && typeof stored === 'object' && stored.days && typeof stored.days === 'object' ? stored : { days: {} };
  }

  /** Counts one ACTION on PLATFORM today. */
  function note({ platform, action }) {
    queue = queue.then(async () => {
      const state = await read();
      const today = dayOf(now());
      const day = state.days[today] || (state.days[today] = {});
      const site = day[platform] || (day[platform] = {});
      site[action] = Math.min(MAX_COUNT, (site[action] || 0) + 1);
      for (const old of Object.keys(state.days).sort().slice(0, -MAX_DAYS)) delete state.days[old];
      await storage.set({ [KEY]: state });
    }).catch(() => {});
    reportSoon();
    return queue;
  }

  /** {day: {platform: {action: count}}}, the newest day first. */
  async function state() {
    await queue;
    const { days } = await read();
    return Object.fromEntries(Object.keys(days).sort().reverse().map((day) => [day, days[day]]));
  }

  return { note, state };
}
