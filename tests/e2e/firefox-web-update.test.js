// Lists over the web in Firefox ESR (headless, the real extension and host): the enterprise
// policy's 3rdparty listUrl names a local HTTPS mirror; in a fresh profile the background script's
// first alarm (within a minute) fetches the list and streams it to the host, the host spools it,
// and `netral update --spool` installs it (issue 10; the popup's "Check now", deltas and refusals
// are tested in chromium-web-update.test.js: WebDriver BiDi may not open an extension page in
// Firefox). Firefox reaches the mirror through the test's CONNECT proxy, as it reaches the sites.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeCertificate } from './lib/certificate.js';
import { GECKO_ID, launchFirefox } from './lib/firefox.js';
import { fileDeadline, hold, waitingFor } from './lib/lifetime.js';
import { startMirror } from './lib/mirror-server.js';
import { prepare } from './lib/scenario.js';
import { hostCli, publishVersion } from './lib/web-update.js';

fileDeadline(300, 'e2e/firefox-web-update.test.js');

const FIREFOX_POLICY = '/etc/firefox/policies/policies.json';
const MIRROR_HOST = 'netral-mirror.test';

function canWriteFirefoxPolicy() {
  try {
    fs.mkdirSync(path.dirname(FIREFOX_POLICY), { recursive: true });
    fs.accessSync(path.dirname(FIREFOX_POLICY), fs.constants.W_OK);
    return !fs.existsSync(FIREFOX_POLICY);   // never overwrite a machine's own policy
  } catch {
    return false;
  }
}
const skip = canWriteFirefoxPolicy() ? false : `needs to write ${FIREFOX_POLICY} (root, and no policy of the machine's there)`;

describe('Firefox ESR: lists over the web from the policy\'s mirror', { skip }, () => {
  let env;
  let mirror;
  let firefox;
  let forget = () => {};
  let repo;
  let cli;
  let spooled;   // resolves when the host has committed an update to its spool

  before(async () => {
    env = await prepare({ pages: ['x-repost-menu'] });
    cli = hostCli(path.join(env.dir, 'host'));
    repo = path.join(env.dir, 'repo');
    publishVersion(path.join(env.dir, 'host'), repo, 6);
    const certDir = path.join(env.dir, 'mirror-cert');
    fs.mkdirSync(certDir);
    mirror = await startMirror(makeCertificate(certDir, [MIRROR_HOST]), repo);
    const port = new URL(mirror.url).port;
    fs.writeFileSync(FIREFOX_POLICY, JSON.stringify({ policies: {
      '3rdparty': { Extensions: { [GECKO_ID]: { listUrl: [`https://${MIRROR_HOST}:${port}/repo/`] } } },
    } }));
    const forgetPolicy = hold(FIREFOX_POLICY, () => fs.rmSync(FIREFOX_POLICY, { force: true }));
    const forgetMirror = hold(`list mirror ${mirror.url}`, () => mirror.closeNow());
    // The host's spool, made here so that its commit (SPOOL/UID.ready) can be watched for.
    const spool = path.join(env.dir, 'host', 'data', 'spool');
    fs.mkdirSync(spool);
    const watcher = fs.watch(spool);
    spooled = new Promise((resolve) => watcher.on('change', (_, name) => {
      if (name === `${process.getuid()}.ready`) resolve();
    })).finally(() => watcher.close());
    forget = () => { forgetPolicy(); forgetMirror(); watcher.close(); };
    firefox = await launchFirefox({
      extensionDir: env.extension.firefox, homeDir: path.join(env.dir, 'home'), port: env.server.port,
      hostWrapper: env.hostWrapper, routes: { [MIRROR_HOST]: Number(port) },
    });
  });

  after(async () => {
    await firefox?.close();
    await mirror?.close();
    fs.rmSync(FIREFOX_POLICY, { force: true });
    forget();
    await env?.cleanup();
  });

  test('a fresh profile fetches the list on its first alarm, unasked; the spool updater installs it', async () => {
    await waitingFor('the first alarm\'s run to spool list 6', spooled);
    assert.ok(mirror.log.some((r) => r.name === 'list-6.jsonl' && r.status === 200), JSON.stringify(mirror.log));
    const installed = cli(['update', '--spool', '--json']);
    assert.equal(installed.status, 0, installed.stderr);
    assert.equal(installed.json.via, 'full');
    assert.equal(cli(['check', 'x', '@tim_v6']).status, 3);
    assert.match(cli(['status']).stdout, /Updates: +from https:\/\/netral-mirror\.test:\d+\/repo\/ \(web\)/);
  });
});
