// One persistent native messaging port to netral-host. connectNative keeps one host process
// for the whole session; sendNativeMessage would start one per message (~100 ms), too slow
// on a click path. Requests carry ids and time out; when the host exits, pending requests
// fail at once and the port is reopened with exponential backoff.

export const HOST_NAME = 'id.netral.host';

const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 30_000;
const STABLE_AFTER_MS = 10_000;   // a connection this old resets the backoff

export class HostUnavailableError extends Error {
  constructor(reason) {
    super(reason);
    this.name = 'HostUnavailableError';
  }
}

/**
 * @param connectNative (name) → Port, i.e. runtime.connectNative
 * @param lastError     () → the runtime.lastError message after a disconnect, if any
 * @param onConnect     called after each (re)connection, e.g. to say hello
 * @param onDisconnect  called with the reason when the port closes
 */
export function createHostConnection({
  connectNative, lastError = () => null, onConnect = () => {}, onDisconnect = () => {},
  timeoutMs = 1000, now = Date.now, setTimer = setTimeout, clearTimer = clearTimeout,
}) {
  let port = null;
  let connectedAt = 0;
  let retryDelay = BACKOFF_FIRST_MS;
  let retryTimer = null;
  let reason = 'not connected yet';
  let nextId = 1;
  const pending = new Map();   // id → {resolve, reject, timer}

  function failAll(error) {
    for (const { reject, timer } of pending.values()) {
      clearTimer(timer);
      reject(error);
    }
    pending.clear();
  }

  function onMessage(message) {
    const entry = message && pending.get(message.id);
    if (!entry) return;   // a reply after its timeout
    pending.delete(message.id);
    clearTimer(entry.timer);
    entry.resolve(message);
  }

  function handleDisconnect(closed) {
    if (closed !== port) return;
    reason = lastError() || (closed.error && closed.error.message) || 'host exited';
    port = null;
    if (now() - connectedAt >= STABLE_AFTER_MS) retryDelay = BACKOFF_FIRST_MS;
    failAll(new HostUnavailableError(reason));
    onDisconnect(reason);
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (retryTimer !== null) return;
    retryTimer = setTimer(() => { retryTimer = null; connect(); }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, BACKOFF_MAX_MS);
  }

  function connect() {
    if (port) return;
    let opened;
    try {
      opened = connectNative(HOST_NAME);
    } catch (error) {
      reason = error.message;
      scheduleReconnect();
      return;
    }
    port = opened;
    connectedAt = now();
    opened.onMessage.addListener(onMessage);
    opened.onDisconnect.addListener(() => handleDisconnect(opened));
    onConnect();
  }

  /** Sends MESSAGE (an id is added) and resolves with the host's reply. */
  function request(message, timeout = timeoutMs) {
    if (!port && retryTimer === null) connect();
    if (!port) return Promise.reject(new HostUnavailableError(reason));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimer(() => {
        pending.delete(id);
        reject(new HostUnavailableError('host did not answer in time'));
      }, timeout);
      pending.set(id, { resolve, reject, timer });
      try {
        port.postMessage({ ...message, id });
      } catch (error) {
        pending.delete(id);
        clearTimer(timer);
        reject(new HostUnavailableError(error.message));
      }
    });
  }

  return {
    connect,
    request,
    isConnected: () => port !== null,
    reason: () => (port ? null : reason),
  };
}
