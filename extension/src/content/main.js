// Content script entry, last in the manifest's list: picks the site's adapter and installs
// the interceptor synchronously at document_start, before the page's own scripts run.
(function main(root) {
  'use strict';

  const netral = root.Netral;
  const api = root.browser || root.chrome;
  const adapter = netral.sites.forHost(root.location.hostname);
  if (!adapter) return;

  function uiLanguage() {
    return api.i18n.getUILanguage().toLowerCase().startsWith('en') ? 'en' : 'id';
  }

  let policy = netral.policy.fromManaged(null);
  let language = uiLanguage();
  let t = netral.strings.create(null, api.i18n);

  async function send(message) {
    const reply = await api.runtime.sendMessage(message);
    if (!reply || reply.error) throw new Error(reply ? reply.error.message : 'no reply');
    return message.type === 'check_batch' ? reply.results : reply;
  }

  async function applyPolicy(managed) {
    policy = netral.policy.fromManaged(managed);
    if (policy.language === 'auto') {
      language = uiLanguage();
      t = netral.strings.create(null, api.i18n);
      return;
    }
    const { messages } = await send({ type: 'strings', language: policy.language });
    language = policy.language;
    t = netral.strings.create(messages);
  }

  function loadPolicy() {
    api.storage.managed.get().then(applyPolicy, () => applyPolicy(null)).catch(() => {});
  }

  const enabled = () => policy.mode !== 'off' && policy.sites.includes(adapter.platform);
  const verdicts = netral.verdicts.createVerdicts({ send });
  netral.interceptor.createInterceptor({
    window: root, adapter, verdicts, settings: () => ({ policy, t, language }),
  }).install();
  netral.prefetch.createPrefetcher({ window: root, adapter, verdicts, enabled }).start();

  loadPolicy();
  api.storage.onChanged.addListener((changes, area) => { if (area === 'managed') loadPolicy(); });
})(globalThis);
