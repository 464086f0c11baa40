// The service worker's one message dispatcher. Messages from content scripts must come from
// a tab on a watched site; the status and "check for a new list now" (for the popup) only
// from the extension's own pages.

const ACTIONS = new Set(['like', 'react', 'repost', 'share', 'quote', 'reply', 'comment', 'follow', 'subscribe', 'join']);
const MAX_ACCOUNT_CHARS = 2048;
const MAX_BATCH = 200;
const RECOGNITION_KINDS = new Set(['unrecognised', 'noAccount', 'ruleError', 'noPosts']);
// Whether URL is an https page of one of DOMAINS (a watched site) or of a subdomain of one.
function isWatchedPage(url, domains) {
  try {
    const { protocol, hostname } = new URL(url);
    return protocol === 'https:' && domains.some((domain) => hostname === domain || hostname.endsWith(`.${domain}`));
  } catch {
    return false;
  }
}

function isItem(item) {
  return item && typeof item.platform === 'string' && item.platform.length <= 20
    && typeof item.account === 'string' && item.account.length <= MAX_ACCOUNT_CHARS;
}

export class MessageError extends Error {}

/**
 * @param extensionId   runtime.id
 * @param extensionBase runtime.getURL('')
 * @param handlers      {check, checkBatch, strings, status, updateNow, recognition, audit, sites}
 * @param platforms     the platforms' names, and
 * @param domains       their sites' domains (extension/platforms.json)
 * @returns (message, sender) → Promise of the reply
 */
export function createDispatcher({ extensionId, extensionBase, handlers, platforms, domains }) {
  const knownPlatforms = new Set(platforms);
  const fromContentScript = (sender) => sender.id === extensionId && Boolean(sender.tab) && isWatchedPage(sender.url, domains);
  const fromExtensionPage = (sender) => sender.id === extensionId && typeof sender.url === 'string'
    && sender.url.startsWith(extensionBase);

  const routes = {
    check: {
      allowed: fromContentScript,
      valid: (m) => isItem(m) && (m.action === undefined || ACTIONS.has(m.action)),
      run: (m) => handlers.check({ platform: m.platform, account: m.account, action: m.action }),
    },
    check_batch: {
      allowed: fromContentScript,
      valid: (m) => Array.isArray(m.items) && m.items.length <= MAX_BATCH && m.items.every(isItem),
      run: async (m) => ({ results: await handlers.checkBatch(m.items) }),
    },
    strings: {
      allowed: (sender) => fromContentScript(sender) || fromExtensionPage(sender),
      valid: (m) => m.language === 'id' || m.language === 'en',
      run: (m) => handlers.strings(m.language),
    },
    sites: {
      allowed: fromContentScript,
      valid: () => true,
      run: async () => ({ document: await handlers.sites() }),
    },
    recognition: {
      allowed: fromContentScript,
      valid: (m) => knownPlatforms.has(m.platform) && RECOGNITION_KINDS.has(m.kind) && Number.isSafeInteger(m.rules) && m.rules >= 1,
      run: async (m) => { await handlers.recognition({ platform: m.platform, kind: m.kind, rules: m.rules }); return {}; },
    },
    // Audit mode: an action that would have been warned about (the platform and action only).
    audit: {
      allowed: fromContentScript,
      valid: (m) => knownPlatforms.has(m.platform) && ACTIONS.has(m.action),
      run: async (m) => { await handlers.audit({ platform: m.platform, action: m.action }); return {}; },
    },
    status: {
      allowed: fromExtensionPage,
      valid: () => true,
      run: () => handlers.status(),
    },
    updateNow: {
      allowed: fromExtensionPage,
      valid: () => true,
      run: () => handlers.updateNow(),
    },
  };

  return async function dispatch(message, sender) {
    const route = message && typeof message.type === 'string' && Object.hasOwn(routes, message.type)
      ? routes[message.type] : null;
    if (!route) throw new MessageError('unknown message type');
    if (!route.allowed(sender)) throw new MessageError('sender not allowed');
    if (!route.valid(message)) throw new MessageError('malformed message');
    return route.run(message);
  };
}

/**
 * Answers requests that come over a content script's persistent port (content/channel.js):
 * {id, message} in, {id, reply} or {id, error} out. Every message is checked against the
 * port's sender like one sent with runtime.sendMessage.
 */
export function servePort(port, dispatch) {
  const post = (envelope) => {
    try {
      port.postMessage(envelope);
    } catch {
      // The page went away while its request was answered.
    }
  };
  port.onMessage.addListener((envelope) => {
    if (!envelope || typeof envelope.id !== 'number') return;
    dispatch(envelope.message, port.sender).then(
      (reply) => post({ id: envelope.id, reply }),
      (error) => post({ id: envelope.id, error: { code: 'bad_request', message: error.message } }),
    );
  });
}
