// Service worker (Chromium) / background script (Firefox): wires the host connection, the
// verdict cache, the policy and the list updater to the message dispatcher.
import '../common/platforms.js';   // made by the build from extension/platforms.json
import '../common/account.js';
import '../common/policy.js';
import { api } from './browser.js';
import { createHostConnection } from './host-connection.js';
import { createVerdictCache } from './verdict-cache.js';
import { createChecker } from './checker.js';
import { createDispatcher, servePort } from './dispatcher.js';
import { createListUpdater } from './list-updater.js';
import { createRecognition } from './recognition.js';
import { createAudit } from './audit.js';
import { createSiteRulesSource } from './site-rules-source.js';

const { normalise, platforms } = globalThis.Netral.account;
const { fromManaged, modeFor } = globalThis.Netral.policy;

let policy = fromManaged(null);
let hostVersion = null;

const cache = createVerdictCache();
const connection = createHostConnection({
  connectNative: (name) => api.runtime.connectNative(name),
  lastError: () => api.runtime.lastError && api.runtime.lastError.message,
  onConnect: () => {
    checker.refreshList().then((reply) => { hostVersion = reply.host_version || null; }).catch(() => {});
  },
  onDisconnect: () => { hostVersion = null; },
});
const checker = createChecker({ connection, cache, normalise });

// Update requests wait on the host's disk (a 1 MiB chunk, the commit), not on a click.
const UPDATE_REQUEST_TIMEOUT_MS = 30_000;
const updater = createListUpdater({
  request: (message) => connection.request(message, UPDATE_REQUEST_TIMEOUT_MS),
  fetch: (url, init) => fetch(url, init),   // called unbound, fetch throws "Illegal invocation"
  alarms: api.alarms,
  storage: api.storage.local,
});

const recognition = createRecognition({
  storage: api.storage.local,
  report: (sites) => connection.request({ type: 'recognition', sites }),
});

// Audit mode's counts: kept here, handed to the host for `netral status`.
const audit = createAudit({
  storage: api.storage.local,
  report: (days) => connection.request({ type: 'audit_counts', days }),
});

// The content scripts' ports: newer site rules are told to every open page.
const pagePorts = new Set();
const siteRules = createSiteRulesSource({
  request: (message) => connection.request(message),
  push: (document) => {
    for (const port of pagePorts) {
      try {
        port.postMessage({ push: 'sites', document });
      } catch {
        pagePorts.delete(port);
      }
    }
  },
});

async function readPolicy() {
  try {
    policy = fromManaged(await api.storage.managed.get());
  } catch {
    policy = fromManaged(null);   // no policy installed: defaults
  }
  await updater.schedule(policy).catch(() => {});
}

const localeCache = new Map();
async function strings(language) {
  if (!localeCache.has(language)) {
    const response = await fetch(api.runtime.getURL(`_locales/${language}/messages.json`));
    localeCache.set(language, await response.json());
  }
  return { messages: localeCache.get(language) };
}

async function status() {
  let host = null;
  try {
    host = await connection.request({ type: 'status' });
    if (!host.error) {
      hostVersion = host.host_version || hostVersion;
      checker.setList(host.list, host.update);
    }
  } catch {
    host = null;
  }
  return {
    connected: connection.isConnected() && Boolean(host) && !host.error,
    reason: connection.reason(),
    hostVersion,
    list: checker.list(),
    update: checker.update(),
    webUpdate: await updater.state().catch(() => null),
    siteRules: await siteRules.current().then((document) => (document ? { version: document.version, issued: document.issued, expires: document.expires } : null)).catch(() => null),
    recognition: await recognition.state().catch(() => ({})),
    audit: await audit.state().catch(() => ({})),
    platforms: globalThis.Netral.platforms.map(({ name, display }) => ({ name, display })),
    policy,
  };
}

const dispatch = createDispatcher({
  extensionId: api.runtime.id,
  extensionBase: api.runtime.getURL(''),
  platforms,
  domains: globalThis.Netral.platforms.flatMap((platform) => platform.domains),
  handlers: {
    check: (m) => checker.check(m),
    checkBatch: (items) => checker.checkBatch(items),
    strings,
    status,
    // "Periksa sekarang": new lists and, whatever the lists did, new site rules.
    updateNow: () => policyRead.then(() => updater.runNow())
      .finally(() => siteRules.current({ force: true }).catch(() => {})),
    recognition: (m) => recognition.note(m),
    // Counted only where the worker's policy says audit for that action there (a page that still
    // runs under an older policy counts nothing).
    audit: (m) => (modeFor(policy, m.platform, m.action) === 'audit' ? audit.note(m) : undefined),
    sites: () => siteRules.current(),
  },
});

// Content scripts ask over a persistent port (content/channel.js); the popup with sendMessage.
api.runtime.onConnect.addListener((port) => {
  if (port.name !== 'netral') {
    port.disconnect();
    return;
  }
  servePort(port, dispatch);
  pagePorts.add(port);
  port.onDisconnect.addListener(() => pagePorts.delete(port));
});

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  dispatch(message, sender).then(
    sendResponse,
    (error) => sendResponse({ error: { code: 'bad_request', message: error.message } }),
  );
  return true;   // the reply is sent asynchronously
});

api.storage.onChanged.addListener((changes, area) => { if (area === 'managed') readPolicy(); });
// A worker woken by the alarm runs with the policy it reads first (the mirrors are in it).
// The updater's alarm also looks for newer site rules (the system updater may have installed
// some since): open pages switch within the update interval.
api.alarms.onAlarm.addListener((alarm) => {
  policyRead.then(() => updater.onAlarm(alarm)).catch(() => {}).then(() => siteRules.current({ force: true }));
});
const policyRead = readPolicy();
connection.connect();
