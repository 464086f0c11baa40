// The administrator's policy (chrome.storage.managed, see managed_schema.json) read into
// one object with defaults. Without a policy: warn, and let actions through when the host
// cannot answer (failMode "open").
(function attach(root) {
  'use strict';

  const PLATFORMS = ['x', 'instagram', 'facebook', 'tiktok', 'youtube', 'threads'];
  const DEFAULTS = Object.freeze({
    mode: 'warn',
    failMode: 'open',
    sites: PLATFORMS,
    language: 'auto',
    contactText: '',
    contactUrl: '',
  });

  function oneOf(value, allowed, fallback) {
    return allowed.includes(value) ? value : fallback;
  }

  function text(value, maxLength) {
    return typeof value === 'string' ? value.slice(0, maxLength) : '';
  }

  // Only https: and mailto: links are shown to the user.
  function safeUrl(value) {
    return typeof value === 'string' && /^(https:\/\/|mailto:)/i.test(value) ? value.slice(0, 2048) : '';
  }

  /** A complete, valid policy from whatever storage.managed holds (unknown keys ignored). */
  function fromManaged(managed) {
    const raw = managed && typeof managed === 'object' ? managed : {};
    const sites = Array.isArray(raw.enabledSites)
      ? PLATFORMS.filter((platform) => raw.enabledSites.includes(platform))
      : DEFAULTS.sites;
    return Object.freeze({
      mode: oneOf(raw.mode, ['warn', 'block', 'off'], DEFAULTS.mode),
      failMode: oneOf(raw.failMode, ['open', 'closed'], DEFAULTS.failMode),
      sites,
      language: oneOf(raw.language, ['auto', 'id', 'en'], DEFAULTS.language),
      contactText: text(raw.contactText, 500),
      contactUrl: safeUrl(raw.contactUrl),
    });
  }

  const netral = root.Netral || (root.Netral = {});
  netral.policy = { fromManaged, DEFAULTS, PLATFORMS };
})(globalThis);
