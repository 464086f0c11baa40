// The site rules through the list channel (docs/site-rules.md): the authority signs
// netral-sites.json and publishes it beside the lists, the index names it, `netral update` keeps
// the newest verified one, and the host hands it, verified again, to the extension. Tampered,
// older, expired or wrongly signed rules are not kept, and the rules kept before stay.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { EXIT } from './lib.mjs';
import { authority, publish, siteRules, sitesFromHost, update } from './repository.mjs';

const kept = (a) => path.join(a.sb.dataDir, 'netral-sites.kept');

describe('site rules through the list channel', () => {
  test('published beside the list, installed by the update, handed to the extension; "have" saves the copy', async (t) => {
    const a = await authority(t);
    assert.deepEqual(await sitesFromHost(a.sb), { id: 1, sites: null });   // none yet: not a problem
    await siteRules(a, { version: 2 });
    await publish(a, 1);
    const index = JSON.parse(fs.readFileSync(path.join(a.repo, 'index.json'), 'utf8'));
    assert.equal(index.sites.version, 2);
    assert.equal(index.sites.file, 'netral-sites.json');
    const r = await update(a.sb, a.repo);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.equal(r.result.sites_installed, true);
    assert.equal(r.result.sites_version, 2);
    const reply = await sitesFromHost(a.sb);
    assert.equal(reply.sites_version, 2);
    assert.equal(reply.sites.version, 2);
    assert.deepEqual(reply.sites.sites[0].rules[0], { action: 'like', selector: '[data-testid="like-v2"]' });
    assert.deepEqual(await sitesFromHost(a.sb, { have: 2 }), { id: 1, sites_version: 2, sites: null, current: true });
    assert.equal((await sitesFromHost(a.sb, { have: 1 })).sites.version, 2);

    // A newer list with the same rules: nothing to do for them. Newer rules with the same list: installed.
    await publish(a, 2);
    const same = await update(a.sb, a.repo);
    assert.equal(same.result.sites_installed, false);
    await siteRules(a, { version: 3 });
    const refreshed = await a.sb.cli(['publish', '--refresh', a.repo, '-i', a.indexKey.sec, '-W']);
    assert.equal(refreshed.status, EXIT.OK, refreshed.stderr);
    const text = await a.sb.cli(['update', '--from', a.repo]);
    assert.match(text.stdout, /List version 2 is current .*\nInstalled site rules version 3\.\n/);
    assert.equal((await sitesFromHost(a.sb)).sites.version, 3);
    const status = await a.sb.cli(['status']);
    assert.match(status.stdout, /^Site rules: +version 3, issued 2026-01-01T00:00:00Z, expires 2099-01-01T00:00:00Z$/m);
  });

  test('older, tampered, wrongly signed or expired rules are not kept; the list updates and the kept rules stay', async (t) => {
    const a = await authority(t);
    await siteRules(a, { version: 5 });
    await publish(a, 1);
    assert.equal((await update(a.sb, a.repo)).result.sites_version, 5);

    // Older rules, published later (a rollback): not installed, and not an error.
    await siteRules(a, { version: 4 });
    await publish(a, 2);
    let r = await update(a.sb, a.repo);
    assert.equal(r.result.version, 2);
    assert.deepEqual([r.result.sites_installed, r.result.sites_version, r.result.sites_problem], [false, 5, undefined]);

    // Changed after the index was signed.
    await siteRules(a, { version: 6 });
    await publish(a, 3);
    fs.appendFileSync(path.join(a.repo, 'netral-sites.json'), ' ');
    r = await update(a.sb, a.repo);
    assert.equal(r.result.version, 3);
    assert.equal(r.result.sites_version, 5);
    assert.match(r.result.sites_problem, /netral-sites\.json/);

    // Signed by a key that may sign only the index.
    await siteRules(a, { version: 7, signer: a.indexKey });
    await publish(a, 4);
    r = await update(a.sb, a.repo);
    assert.match(r.result.sites_problem, /not a trusted list key/);

    // Expired by the time the laptop updates (the index is still valid).
    const now = Date.now();
    const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    await siteRules(a, { version: 8, expires: iso(now + 30 * 86_400_000) });
    await publish(a, 5, { validFor: 24 * 365 });
    r = await update(a.sb, a.repo, { NETRAL_NOW: iso(now + 60 * 86_400_000) });
    assert.equal(r.result.version, 5);
    assert.match(r.result.sites_problem, /expired/);
    assert.equal((await sitesFromHost(a.sb)).sites.version, 5);

    // Kept rules that expire later are no longer handed out, and say why.
    const later = await sitesFromHost(a.sb, { env: { NETRAL_NOW: '2100-01-01T00:00:00Z' } });
    assert.equal(later.sites, null);
    assert.match(later.sites_problem, /expired/);
  });

  test('the kept rules, changed on disk, are not handed out: the extension keeps its bundled rules', async (t) => {
    const a = await authority(t);
    await siteRules(a, { version: 2 });
    await publish(a, 1);
    await update(a.sb, a.repo);
    const bytes = fs.readFileSync(kept(a), 'utf8');
    fs.writeFileSync(kept(a), bytes.replace('like-v2', 'like-v9'));
    const reply = await sitesFromHost(a.sb);
    assert.equal(reply.sites, null);
    assert.match(reply.sites_problem, /signature/i);
    // IT sees it: doctor warns (the extension uses its own rules), status says so.
    const doctor = JSON.parse((await a.sb.cli(['doctor', '--json'])).stdout);
    const finding = doctor.findings.find((f) => f.subject === 'site rules');
    assert.equal(finding.level, 'warn');
    assert.match(finding.message, /not used \(the extension's own are\): .*signature/i);
    assert.match((await a.sb.cli(['status'])).stdout, /^Site rules: +the extension's own \(the kept ones are not usable: .*signature/im);
    fs.writeFileSync(kept(a), bytes.slice(0, 40));
    assert.match((await sitesFromHost(a.sb)).sites_problem, /damaged/);
    // The next update puts verified rules back.
    await publish(a, 2);
    assert.equal((await update(a.sb, a.repo)).result.sites_installed, true);
    assert.equal((await sitesFromHost(a.sb)).sites.version, 2);
    const healed = JSON.parse((await a.sb.cli(['doctor', '--json'])).stdout).findings.find((f) => f.subject === 'site rules');
    assert.equal(healed.level, 'ok');
    assert.match(healed.message, /site rules version 2, valid until 2099-01-01/);
  });
});
