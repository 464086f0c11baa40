// Lists over the web in headless Chromium with the real extension and host (issue 10): policy
// listUrl names a local HTTPS mirror; the worker fetches the repository and streams it to the
// host, the host spools it, and `netral update --spool` (what the path unit runs) installs it.
// The popup's "Check now" starts each run; the popup says what happened, and a forged or stale
// mirror is refused while the installed list keeps answering.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeCertificate, trustInBrowserHome } from './lib/certificate.js';
import { fileDeadline, hold } from './lib/lifetime.js';
import { startMirror } from './lib/mirror-server.js';
import { canWriteChromiumPolicy } from './lib/policy.js';
import { openChromium, prepare } from './lib/scenario.js';
import { checkNow, hostCli, popupText, publishVersion } from './lib/web-update.js';

fileDeadline(300, 'e2e/chromium-web-update.test.js');

const noPolicy = canWriteChromiumPolicy() ? false : 'needs write access to /etc/chromium/policies/managed';

let env;
let cli;
let repo;
let mirror;
let forgetMirror = () => {};
let browserHome;

const popup = (chromium) => `chrome-extension://${chromium.extensionId}/src/popup/popup.html`;

before(async () => {
  env = await prepare({ pages: ['x-repost-menu'] });
  cli = hostCli(path.join(env.dir, 'host'));
  repo = path.join(env.dir, 'repo');
  const certDir = path.join(env.dir, 'mirror-cert');
  fs.mkdirSync(certDir);
  mirror = await startMirror(makeCertificate(certDir, ['netral-mirror.test']), repo);
  forgetMirror = hold(`list mirror ${mirror.url}`, () => mirror.closeNow());
  // Chromium trusts the mirror's certificate, so that the test sees its HTTP cache at work.
  browserHome = path.join(env.dir, 'browser-home');
  trustInBrowserHome(browserHome, certDir);
});

after(async () => {
  await mirror?.close();
  forgetMirror();
  await env?.cleanup();
});

describe('Chromium: lists over the web from the policy\'s mirror', { skip: noPolicy }, () => {
  let chromium;
  before(async () => {
    publishVersion(path.join(env.dir, 'host'), repo, 6);
    chromium = await openChromium(env, {
      policy: { listUrl: [mirror.url], updateIntervalMinutes: 360 }, name: 'profile-web', extraEnv: { HOME: browserHome },
    });
  });
  after(async () => { await chromium?.close(); });

  test('a laptop on list 5 fetches list 6 whole, then 7 as a delta; each is installed by the spool updater', async () => {
    const first = await checkNow(chromium.browser, popup(chromium));
    assert.match(first, /new list received|daftar baru diterima/i, first);
    const list6 = mirror.log.find((r) => r.name === 'list-6.jsonl' && r.status === 200);
    assert.ok(list6, JSON.stringify(mirror.log));
    // The browser asks for compression; the size the index names is of the decoded bytes.
    assert.equal(list6.encoding, 'gzip');
    assert.ok(list6.bytes < fs.statSync(path.join(repo, 'list-6.jsonl')).size);
    assert.match(await popupText(chromium.browser, popup(chromium)), /(Versi|Version)\s+5\b/, 'installed only by the updater');
    const installed = cli(['update', '--spool', '--json']);
    assert.equal(installed.status, 0, installed.stderr);
    assert.equal(installed.json.via, 'full');
    const six = await popupText(chromium.browser, popup(chromium));
    assert.match(six, /(Versi|Version)\s+6\b/);
    assert.match(six, /Otomatis, dari internet|Automatically, over the web/);
    assert.equal(cli(['check', 'x', '@tim_v6']).status, 3, 'the new account is listed');

    publishVersion(path.join(env.dir, 'host'), repo, 7);
    mirror.log.length = 0;
    const second = await checkNow(chromium.browser, popup(chromium));
    assert.match(second, /new list received|daftar baru diterima/i, second);
    const fetched = mirror.log.filter((r) => r.status === 200).map((r) => r.name);
    assert.ok(fetched.includes('delta-6-7.jsonl') && !fetched.includes('list-7.jsonl'), fetched.join());
    assert.equal(cli(['update', '--spool', '--json']).json.via, 'delta');
    assert.match(await popupText(chromium.browser, popup(chromium)), /(Versi|Version)\s+7\b/);

    // Nothing new: the index is revalidated (a conditional request) and the list is current.
    mirror.log.length = 0;
    const third = await checkNow(chromium.browser, popup(chromium));
    assert.match(third, /already current|sudah terbaru|sudah mutakhir/i, third);
    const index = mirror.log.find((r) => r.name === 'index.json');
    assert.ok(index && index.conditional, `the index is asked for conditionally: ${JSON.stringify(mirror.log)}`);
  });

  test('a tampered index and a mirror sending more than the index names are refused; list 7 keeps answering', async () => {
    const signed = fs.readFileSync(path.join(repo, 'index.json'), 'utf8');
    mirror.replace('index.json', Buffer.from(signed.replace(/"serial":(\d+)/, (_, n) => `"serial":${Number(n) + 5}`)));
    const forged = await checkNow(chromium.browser, popup(chromium));
    assert.match(forged, /not signed by a trusted key|tidak ditandatangani/i, forged);
    mirror.restore();

    publishVersion(path.join(env.dir, 'host'), repo, 8);
    const delta = fs.readFileSync(path.join(repo, 'delta-7-8.jsonl'));
    mirror.replace('delta-7-8.jsonl', Buffer.concat([delta, Buffer.alloc(4096, 0x20)]));
    const endless = await checkNow(chromium.browser, popup(chromium));
    assert.match(endless, /damaged or not what the index names|rusak/i, endless);
    mirror.restore();
    assert.equal(cli(['update', '--spool', '--json']).json.via, 'current', 'nothing of the refused run was spooled');
    assert.match(await popupText(chromium.browser, popup(chromium)), /(Versi|Version)\s+7\b/);
    assert.equal(cli(['check', 'x', '@tim_v7']).status, 3);

    // The honest mirror again: list 8 arrives.
    const honest = await checkNow(chromium.browser, popup(chromium));
    assert.match(honest, /new list received|daftar baru diterima/i, honest);
    assert.equal(cli(['update', '--spool', '--json']).json.via, 'delta');
    assert.equal(cli(['check', 'x', '@tim_v8']).status, 3);
  });
});
