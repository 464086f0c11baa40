// The administrator's policy (chrome.storage.managed, see managed_schema.json) read into
// one object with defaults. Without a policy: warn, let actions through when the host
// cannot answer (failMode "open"), and fetch no list over the web.
(function attach(root) {
  'use strict';

  const PLATFORMS = root.Netral.platforms.map((platform) => platform.name);   // common/platforms.js
  const DEFAULTS = Object.freeze({
    mode: 'warn',
    failMode: 'open',
    sites: PLATFORMS,
    language: 'auto',
    contactText: '',
    contactUrl: '',
    listUrl: Object.freeze([]),
    updateIntervalMinutes: 360,
  });
  const MAX_MIRRORS = 8;
  const MAX_URL_CHARS = 2048;   // the host keeps the mirror as the update's source, up to 2,048 bytes
  const INTERVAL_MINUTES = [15, 10080];

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

  // A mirror is an https: directory (holding index.json), kept with a trailing "/" so file
  // names can be appended. No credentials, query or fragment: they would not survive that.
  function mirrorUrl(value) {
    if (typeof value !== 'string' || value.length > MAX_URL_CHARS) return '';
    let url;
    try {
      url = new URL(value);
    } catch {
      return '';
    }
    if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) return '';
    const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    const href = url.origin + path;   // an empty "?" or "#" goes too
    return href.length <= MAX_URL_CHARS ? href : '';
  }

  // One URL or a list of them (mirrors, tried in order); invalid entries and repeats dropped.
  function mirrors(value) {
    const entries = Array.isArray(value) ? value : [value];
    const kept = [];
    for (const entry of entries) {
      const url = mirrorUrl(entry);
      if (url && !kept.includes(url)) kept.push(url);
      if (kept.length === MAX_MIRRORS) break;
    }
    return Object.freeze(kept);
  }

  function minutes(value) {
    if (!Number.isInteger(value)) return DEFAULTS.updateIntervalMinutes;
    return Math.min(Math.max(value, INTERVAL_MINUTES[0]), INTERVAL_MINUTES[1]);
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
      listUrl: mirrors(raw.listUrl),
      updateIntervalMinutes: minutes(raw.updateIntervalMinutes),
    });
  }

  const netral = root.Netral || (root.Netral = {});
  netral.policy = { fromManaged, DEFAULTS, PLATFORMS };
})(globalThis);
