// Managed policy for the extension, as IT would set it: Chromium reads
// /etc/chromium/policies/managed/*.json (root only) and hands "3rdparty.extensions.<id>" to
// chrome.storage.managed. The file names only this extension's id, and is removed after.
import fs from 'node:fs';
import path from 'node:path';

const CHROMIUM_POLICY_DIR = process.env.NETRAL_CHROMIUM_POLICY_DIR || '/etc/chromium/policies/managed';

export function canWriteChromiumPolicy() {
  try {
    fs.mkdirSync(CHROMIUM_POLICY_DIR, { recursive: true });
    fs.accessSync(CHROMIUM_POLICY_DIR, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether process PID is running. */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/**
 * Removes the policy files that a test run killed before its cleanup left behind (named after
 * a process that is gone): every Chromium of the machine reads them, so a later run would get
 * another test's mode. Returns the names removed.
 */
export function removeStaleChromiumPolicies() {
  let names = [];
  try {
    names = fs.readdirSync(CHROMIUM_POLICY_DIR);
  } catch {
    return [];
  }
  return names.filter((name) => {
    const m = /^netral-(?:e2e|it)-(\d+)\.json$/.exec(name);
    if (!m || alive(Number(m[1]))) return false;
    fs.rmSync(path.join(CHROMIUM_POLICY_DIR, name), { force: true });
    return true;
  });
}

/** Installs the policy; returns a function that removes it. */
export function setChromiumPolicy(extensionId, values) {
  const file = path.join(CHROMIUM_POLICY_DIR, `netral-e2e-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify({ '3rdparty': { extensions: { [extensionId]: values } } }));
  return () => fs.rmSync(file, { force: true });
}

/** Waits until the extension sees VALUES in storage.managed (they may come late). */
export async function waitForManagedPolicy(browser, extensionId, values, timeoutMs = 15000) {
  const page = await browser.newPage();
  try {
    await page.goto(`chrome-extension://${extensionId}/src/popup/popup.html`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const managed = await page.evaluate(() => chrome.storage.managed.get());
      if (Object.entries(values).every(([key, value]) => JSON.stringify(managed[key]) === JSON.stringify(value))) return;
      if (Date.now() > deadline) throw new Error(`managed policy not applied: ${JSON.stringify(managed)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await page.close();
  }
}
