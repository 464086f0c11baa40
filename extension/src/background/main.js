// Service worker (Chromium) / background script (Firefox): wires the host connection, the
// verdict cache, the policy and the list updater to the message dispatcher.
import '../common/account.js';
import '../common/policy.js';
import { api } from './browser.js';
import { createHostConnection } from './host-connection.js';
import { createVerdictCache } from './verdict-cache.js';
import { createChecker } from './checker.js';
import { createDispatcher, servePort } from './dispatcher.js';
import { createListUpdater } from './list-updater.js';
import { createRecognition } from './recognition.js';

const { normalise, platforms } = globalThis.Netral.account;
const { fromManaged } = globalThis.Netral.policy;

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

const recognition = createRecognition({ storage: api.storage.local });

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
    recognition: await recognition.state().catch(() => ({})),
    policy,
  };
}

const dispatch = createDispatcher({
  extensionId: api.runtime.id,
  extensionBase: api.runtime.getURL(''),
  platforms,
  handlers: {
    check: (m) => checker.check(m),
    checkBatch: (items) => checker.checkBatch(items),
    strings,
    status,
    updateNow: () => policyRead.then(() => updater.runNow()),
    recognition: (m) => recognition.note(m),
  },
});

// Content scripts ask over a persistent port (content/channel.js); the popup with sendMessage.
api.runtime.onConnect.addListener((port) => {
  if (port.name === 'netral') servePort(port, dispatch);
  else port.disconnect();
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
api.alarms.onAlarm.addListener((alarm) => { policyRead.then(() => updater.onAlarm(alarm)).catch(() => {}); });
const policyRead = readPolicy();
connection.connect();
