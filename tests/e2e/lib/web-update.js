// What the web-update tests share: the list authority publishing a version to a repository
// directory with the real CLI, and the admin's `netral update --spool`, both with the test host's
// directories (installHost made them, and the key the host trusts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI_BIN } from './host.js';
import { waitingFor } from './lifetime.js';
import { LIST_ENTRIES, inTab } from './scenario.js';

/** The CLI with the host's directories under HOST_DIR (env.dir/host). */
export function hostCli(hostDir) {
  const env = { ...process.env, NETRAL_CONFIG_DIR: path.join(hostDir, 'config'), NETRAL_DATA_DIR: path.join(hostDir, 'data') };
  return (args) => {
    const r = spawnSync(CLI_BIN, args, { env, encoding: 'utf8', timeout: 60000 });
    return { ...r, json: r.stdout.trim().startsWith('{') ? JSON.parse(r.stdout) : null };
  };
}

/** Publishes list VERSION (the e2e entries and one account of its own, @tim_vVERSION) to REPO. */
export function publishVersion(hostDir, repo, version) {
  const cli = hostCli(hostDir);
  const list = path.join(hostDir, `published-${version}.jsonl`);
  const header = { format: 'netral-list', format_version: 1, version, issued: '2026-11-02T00:00:00Z',
    expires: '2030-12-31T00:00:00Z', issuer: 'Otoritas Uji Netral (e2e)', elections: ['Pilkada Uji 2026'] };
  const entries = [...LIST_ENTRIES, { platform: 'x', accounts: [`@tim_v${version}`], entity: { name: `Tim ${version}` } }];
  fs.writeFileSync(list, `${[header, ...entries].map((line) => JSON.stringify(line)).join('\n')}\n`);
  const secret = path.join(hostDir, 'list.sec');
  assert.equal(cli(['sign', '-W', '-s', secret, '-m', list]).status, 0);
  const r = cli(['publish', repo, list, '-s', secret, '-W']);
  assert.equal(r.status, 0, r.stderr);
}

/** Presses "Check now" in the popup at POPUP_URL, waits for the run to end; the popup's text then. */
export async function checkNow(browser, popupUrl) {
  return inTab(browser, popupUrl, async (page) => {
    await page.waitForSelector('#check-now', { visible: true, timeout: 5000 });
    await page.click('#check-now');   // the handler disables the button at once
    await waitingFor('the update run to end', page.waitForFunction(
      () => !document.getElementById('check-now').disabled, { timeout: 60000 }));
    return page.evaluate(() => document.body.innerText);
  });
}

/** The popup's text once it has heard from the host. */
export async function popupText(browser, popupUrl) {
  return inTab(browser, popupUrl, async (page) => {
    await page.waitForFunction(() => document.getElementById('host-state').textContent !== '', { timeout: 5000 });
    return page.evaluate(() => document.body.innerText);
  });
}
