// Audit mode's counts (host/src/audit.h): the host keeps the last counts a user's browser sent
// (per day, platform and action) in that user's spool, and `netral status` prints them.
// Counts only; anything else is refused with a reason, and what a user writes into their own
// spool is checked again before it is shown.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { makeSandbox } from './lib.mjs';

const spoolOf = (sb) => path.join(sb.dataDir, 'spool', String(process.getuid()));
const DAYS = {
  '2026-12-02': { x: { follow: 1 } },
  '2026-12-03': { x: { like: 2, follow: 1 }, tiktok: { share: 3 } },
};

async function send(sb, days) {
  const host = sb.host();
  const reply = await host.request({ id: 1, type: 'audit_counts', days });
  await host.close();
  return reply;
}

const kept = (sb) => JSON.parse(fs.readFileSync(path.join(spoolOf(sb), '.audit.json'), 'utf8'));

describe('audit counts', () => {
  test('kept for the user and printed by netral status (and --json)', async (t) => {
    const sb = await makeSandbox(t);
    assert.deepEqual(await send(sb, DAYS), { id: 1, stored: true });
    assert.deepEqual(kept(sb), DAYS);
    const status = (await sb.cli(['status'])).stdout;
    assert.match(status, /^Audit: +2026-12-03 x: like 2 follow 1 \(would have warned; counts only\)$/m);
    assert.match(status, /^Audit: +2026-12-03 tiktok: share 3 /m);
    assert.match(status, /^Audit: +2026-12-02 x: follow 1 /m);
    assert.deepEqual(JSON.parse((await sb.cli(['status', '--json'])).stdout).audit, DAYS);
    // The next counts replace them whole (the extension sends all it keeps).
    await send(sb, { '2026-12-04': { youtube: { subscribe: 1 } } });
    assert.deepEqual(kept(sb), { '2026-12-04': { youtube: { subscribe: 1 } } });
    assert.doesNotMatch((await sb.cli(['status'])).stdout, /2026-12-03/);
  });

  test('without counts, status says nothing of audit', async (t) => {
    const sb = await makeSandbox(t);
    assert.doesNotMatch((await sb.cli(['status'])).stdout, /^Audit:/m);
    assert.equal('audit' in JSON.parse((await sb.cli(['status', '--json'])).stdout), false);
  });

  test('anything but counts is refused with the reason, and the kept counts stay', async (t) => {
    const sb = await makeSandbox(t);
    await send(sb, DAYS);
    const manyDays = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`2026-01-${String(i + 1).padStart(2, '0')}`, {}]));
    for (const [days, why] of [
      [{ '2026-12-03': { myspace: { like: 1 } } }, /unknown platform "myspace"/],
      [{ '2026-12-03': { x: { like: 1, account: 1 } } }, /unknown action "account"/],
      [{ '2026-12-03': { x: { url: 'https://x.com/tim' } } }, /unknown action "url"/],
      [{ '2026-12-03': { x: { like: -1 } } }, /"like" must be a count/],
      [{ '2026-12-03': { x: { like: 1.5 } } }, /"like" must be a count/],
      [{ '2026-12-03': { x: { like: 1000001 } } }, /"like" must be a count/],
      [{ '2026-12-03': { x: { like: '1' } } }, /"like" must be a count/],
      [{ '2026-02-30': { x: { like: 1 } } }, /not a day/],
      [{ '2026-12-03T10:00:00Z': { x: { like: 1 } } }, /not a day/],
      [{ yesterday: { x: { like: 1 } } }, /not a day/],
      [{ '2026-12-03': ['x'] }, /must be an object of counts by platform/],
      [{ '2026-12-03': { x: 5 } }, /must be an object of counts by action/],
      [manyDays, /at most 31 days/],
      [[DAYS], /must be an object/],
      [undefined, /must be an object/],
    ]) {
      const reply = await send(sb, days);
      assert.equal(reply.error?.code, 'bad_request', String(JSON.stringify(days)).slice(0, 80));
      assert.match(reply.error.message, why);
    }
    assert.deepEqual(kept(sb), DAYS);
  });

  test('counts a user wrote into their own spool are checked again: junk is not printed', async (t) => {
    const sb = await makeSandbox(t);
    await send(sb, DAYS);
    const file = path.join(spoolOf(sb), '.audit.json');
    fs.writeFileSync(file, JSON.stringify({ '2026-12-03': { x: { like: 1, '\u001b[2J': 1 } } }));
    assert.doesNotMatch((await sb.cli(['status'])).stdout, /^Audit:/m);
    fs.writeFileSync(file, 'x'.repeat(100_000));
    assert.doesNotMatch((await sb.cli(['status'])).stdout, /^Audit:/m);
  });
});
