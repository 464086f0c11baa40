// Content script entry, last in the manifest's list: picks the site's adapter and installs
// the interceptor synchronously at document_start, before the page's own scripts run.
(function main(root) {
  'use strict';

  const netral = root.Netral;
  const POSTS_WITHIN_MS = 15000;
  const api = root.browser || root.chrome;
  const adapter = netral.sites.forHost(root.location.hostname);
  if (!adapter) return;

  function uiLanguage() {
    return api.i18n.getUILanguage().toLowerCase().startsWith('en') ? 'en' : 'id';
  }

  let policy = netral.policy.fromManaged(null);
  let language = uiLanguage();
  let t = netral.strings.create(null, api.i18n);

  // Newer site rules than the bundled ones, from the host through the worker (docs/site-rules.md):
  // checked whole here, in this page's DOM, and used from the next event on (sites/registry.js).
  const extensionVersion = api.runtime.getManifest().version;
  function useSiteRules(rules) {
    if (!rules || rules.version <= (netral.sites.version() || 0)) return;
    const result = netral.sites.load(rules, { extensionVersion });
    if (!result.ok) console.error(`Netral: site rules version ${rules.version} refused:\n${netral.siteRules.describe(result.errors)}`);
  }
  const channel = netral.channel.createChannel({
    connect: (info) => api.runtime.connect(info),
    onPush: (envelope) => { if (envelope.push === 'sites') useSiteRules(envelope.document); },
  });
  // Asked at the start (which also opens the port that later rules are pushed over).
  channel.request({ type: 'sites' }).then((reply) => useSiteRules(reply && reply.document)).catch(() => {});
  async function send(message) {
    const reply = await channel.request(message);
    if (!reply) throw new Error('no reply');
    return message.type === 'check_batch' ? reply.results : reply;
  }

  const warnings = netral.warning.createWarnings({
    window: root,
    frameUrl: api.runtime.getURL('src/warning/warning.html'),
    frameOrigin: new URL(api.runtime.getURL('')).origin,
  });
  function configureWarnings(messages) {
    warnings.configure({ messages, language, fallbackText: () => t('warningUnavailable') });
  }
  configureWarnings(null);

  async function applyPolicy(managed) {
    policy = netral.policy.fromManaged(managed);
    if (policy.language === 'auto') {
      language = uiLanguage();
      t = netral.strings.create(null, api.i18n);
      configureWarnings(null);
      return;
    }
    const { messages } = await send({ type: 'strings', language: policy.language });
    language = policy.language;
    t = netral.strings.create(messages);
    configureWarnings(messages);
  }

  function loadPolicy() {
    api.storage.managed.get().then(applyPolicy, () => applyPolicy(null)).catch(() => {});
  }

  const enabled = () => netral.policy.watches(policy, adapter.platform);
  const verdicts = netral.verdicts.createVerdicts({ send });
  // Counted by the worker, on this device only (background/recognition.js: the popup shows the
  // counts, and the host keeps them for netral status and doctor).
  const report = netral.recognition.createReporter((kind) => {
    channel.request({ type: 'recognition', platform: adapter.platform, kind, rules: netral.sites.version() }).catch(() => {});
  });
  // Audit mode: what would have been warned about, counted by the worker (background/audit.js).
  const audit = (platform, action) => { channel.request({ type: 'audit', platform, action }).catch(() => {}); };
  netral.interceptor.createInterceptor({
    window: root, adapter, verdicts, warnings, settings: () => ({ policy, language }), report, audit,
  }).install();
  // A feed shows its posts within seconds of loading: none by then (on the page the user is on
  // then) says the post selectors no longer match.
  root.addEventListener('load', () => {
    root.setTimeout(() => { if (enabled() && netral.recognition.postsMissing(root, adapter)) report('noPosts'); }, POSTS_WITHIN_MS);
  }, { once: true });
  netral.prefetch.createPrefetcher({ window: root, adapter, verdicts, enabled }).start();
  // The marks speak the page's language (its <html lang>), unless the policy forces one.
  const pageStrings = new Map();
  function marksStrings() {
    const lang = (root.document.documentElement.lang || '').toLowerCase();
    const page = lang.startsWith('en') ? 'en' : lang.startsWith('id') ? 'id' : null;
    if (policy.language !== 'auto' || !page) return Promise.resolve(t);
    if (!pageStrings.has(page)) {
      pageStrings.set(page, send({ type: 'strings', language: page })
        .then(({ messages }) => netral.strings.create(messages), () => t));
    }
    return pageStrings.get(page);
  }
  // Listed accounts among those followed, groups joined and posts liked, on the pages that
  // list them (the site's accountLists): marked, and counted in a bar.
  netral.marks.createMarks({ window: root, adapter, verdicts, enabled, strings: marksStrings }).start();

  // The warning's frame is added once the page has settled, whatever the page holds, so its
  // arrival says nothing about any account; a warning then opens without loading anything.
  function prepareWarnings() {
    if (!enabled()) return;
    if (typeof root.requestIdleCallback === 'function') root.requestIdleCallback(() => warnings.prepare(), { timeout: 1000 });
    else root.setTimeout(() => warnings.prepare(), 0);
  }
  if (root.document.readyState === 'loading') root.addEventListener('DOMContentLoaded', prepareWarnings, { once: true });
  else prepareWarnings();

  loadPolicy();
  api.storage.onChanged.addListener((changes, area) => { if (area === 'managed') loadPolicy(); });
})(globalThis);
