// How well the site rules match, as the extension counted it (host/src/recognition.h): the host
// keeps the last counts a user's browser sent in that user's spool, `netral status` shows them
// and `netral doctor` warns IT of a site whose rules may be out of date. Counts only; anything
// else is refused, and what a user writes into their own spool is checked again before use.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { makeSandbox } from './lib.mjs';

const spoolOf = (sb) => path.join(sb.dataDir, 'spool', String(process.getuid()));
const COUNTS = {
  x: { rules: 2, since: '2026-12-01T00:00:00Z', unrecognised: 4, noAccount: 1, ruleError: 0, noPosts: 0 },
  tiktok: { rules: 2, since: '2026-12-01T00:00:00Z', unrecognised: 1, noAccount: 0, ruleError: 0, noPosts: 0 },
};

async function send(sb, sites) {
  const host = sb.host();
  const reply = await host.request({ id: 1, type: 'recognition', sites });
  await host.close();
  return reply;
}

async function doctorFindings(sb) {
  return JSON.parse((await sb.cli(['doctor', '--json'])).stdout).findings.filter((f) => f.subject === 'site rules');
}

describe('recognition counts', () => {
  test('kept for the user, shown by status, and a site that may be out of date is named by doctor', async (t) => {
    const sb = await makeSandbox(t);
    assert.deepEqual(await send(sb, COUNTS), { id: 1, stored: true });
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(spoolOf(sb), '.recognition.json'), 'utf8')), COUNTS);
    const status = (await sb.cli(['status'])).stdout;
    assert.match(status, /^Recognition: +x MAY BE OUT OF DATE: 4 not recognised, 1 without account, 0 rules not usable, 0 feeds without posts \(site rules 2, since 2026-12-01T00:00:00Z\)$/m);
    assert.match(status, /^Recognition: +tiktok: 1 not recognised/m);
    const findings = await doctorFindings(sb);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].level, 'warn');
    assert.match(findings[0].message, new RegExp(`^recognition may be out of date on x \\(user ${process.getuid()}, site rules version 2, since 2026-12-01T00:00:00Z\\): 4 clicks`));
    // Counts an older extension sends (without noPosts) count it as 0.
    const { noPosts, ...older } = COUNTS.x;
    await send(sb, { x: older });
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(spoolOf(sb), '.recognition.json'), 'utf8')), { x: COUNTS.x });
    // The next counts replace them (a new rules version starts afresh in the extension).
    await send(sb, { x: { rules: 3, since: '2026-12-03T00:00:00Z', unrecognised: 0, noAccount: 0, ruleError: 0 } });
    assert.deepEqual(await doctorFindings(sb), []);
  });

  test('anything but counts is refused, and the kept counts stay', async (t) => {
    const sb = await makeSandbox(t);
    await send(sb, COUNTS);
    for (const [sites, why] of [
      [{ myspace: COUNTS.x }, /unknown platform/],
      [{ twitter: COUNTS.x }, /unknown platform/],
      [{ x: { ...COUNTS.x, url: 'https://x.com/home' } }, /unknown count "url"/],
      [{ x: { ...COUNTS.x, unrecognised: -1 } }, /"unrecognised" must be a count/],
      [{ x: { ...COUNTS.x, noAccount: 1.5 } }, /"noAccount" must be a count/],
      [{ x: { ...COUNTS.x, since: 'yesterday' } }, /"since"/],
      [{ x: { ...COUNTS.x, rules: 0 } }, /"rules"/],
      [[COUNTS.x], /must be an object/],
      [undefined, /must be an object/],
    ]) {
      const reply = await send(sb, sites);
      assert.equal(reply.error?.code, 'bad_request', JSON.stringify(sites));
      assert.match(reply.error.message, why);
    }
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(spoolOf(sb), '.recognition.json'), 'utf8')), COUNTS);
  });

  test('counts a user wrote into their own spool are checked again: junk is not reported', async (t) => {
    const sb = await makeSandbox(t);
    await send(sb, COUNTS);
    const file = path.join(spoolOf(sb), '.recognition.json');
    fs.writeFileSync(file, JSON.stringify({ x: { ...COUNTS.x, note: '\u001b[2J fake finding' } }));
    assert.deepEqual(await doctorFindings(sb), []);
    fs.writeFileSync(file, 'x'.repeat(100_000));
    assert.deepEqual(await doctorFindings(sb), []);
    assert.doesNotMatch((await sb.cli(['status'])).stdout, /^Recognition:/m);
  });
});
