// The administrator's policy (chrome.storage.managed, see managed_schema.json) read into
// one object with defaults. Without a policy: warn, let actions through when the host
// cannot answer (failMode "open"), and fetch no list over the web.
//
// Which mode applies to an action (modeFor): the action's own (actionModes), else the site's
// (siteModes), else `mode`; a site left out of enabledSites is off whatever they say. A value
// that is not a mode never weakens Netral by accident: an unknown `mode` reads as warn, and an
// unknown entry in actionModes or siteModes is ignored unless what it falls back to is weaker
// than `mode`, in which case `mode` applies.
(function attach(root) {
  'use strict';

  const PLATFORMS = root.Netral.platforms.map((platform) => platform.name);   // common/platforms.js
  const ACTIONS = ['like', 'react', 'repost', 'share', 'quote', 'reply', 'comment', 'follow', 'subscribe', 'join'];
  // Weakest first: audit counts without warning; acknowledge wants a tick before going on.
  const MODES = ['off', 'audit', 'warn', 'acknowledge', 'block'];
  const DEFAULTS = Object.freeze({
    mode: 'warn',
    acknowledgeWith: 'tick',
    actionModes: Object.freeze({}),
    siteModes: Object.freeze({}),
    failMode: 'open',
    sites: PLATFORMS,
    language: 'auto',
    contactText: '',
    contactUrl: '',
    guidanceText: Object.freeze({ id: '', en: '' }),
    guidanceUrl: '',
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

  // Only https: links for the agency's guidance (a web page, not a mail address).
  function httpsUrl(value) {
    return typeof value === 'string' && /^https:\/\//i.test(value) ? value.slice(0, 2048) : '';
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

  const stronger = (a, b) => (MODES.indexOf(a) >= MODES.indexOf(b) ? a : b);

  // NAMES' entries of a policy object as modes: each a mode, or 'invalid' (see modeFor).
  function modeTable(value, names) {
    const raw = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
    const table = {};
    for (const name of names) {
      if (!Object.hasOwn(raw, name) || raw[name] === undefined) continue;
      table[name] = MODES.includes(raw[name]) ? raw[name] : 'invalid';
    }
    return Object.freeze(table);
  }

  /** The mode for ACTION on PLATFORM under POLICY (from fromManaged): one of MODES. */
  function modeFor(policy, platform, action) {
    if (!policy.sites.includes(platform)) return 'off';
    const own = (table, name) => (name && Object.hasOwn(table, name) ? table[name] : undefined);
    const siteMode = own(policy.siteModes, platform);
    const site = siteMode === undefined || siteMode === 'invalid' ? policy.mode : siteMode;
    const actionMode = own(policy.actionModes, action);
    if (actionMode === undefined) return site;
    return actionMode === 'invalid' ? stronger(site, policy.mode) : actionMode;
  }

  /** Whether any action on PLATFORM is watched (a mode other than off). */
  function watches(policy, platform) {
    return [null, ...ACTIONS].some((action) => modeFor(policy, platform, action) !== 'off');
  }

  function guidance(value) {
    const raw = value && typeof value === 'object' && !Array.isArray(value) ? value : {};
    return Object.freeze({ id: text(raw.id, 500), en: text(raw.en, 500) });
  }

  /** A complete, valid policy from whatever storage.managed holds (unknown keys ignored). */
  function fromManaged(managed) {
    const raw = managed && typeof managed === 'object' ? managed : {};
    const sites = Array.isArray(raw.enabledSites)
      ? PLATFORMS.filter((platform) => raw.enabledSites.includes(platform))
      : DEFAULTS.sites;
    return Object.freeze({
      mode: oneOf(raw.mode, MODES, DEFAULTS.mode),
      actionModes: modeTable(raw.actionModes, ACTIONS),
      siteModes: modeTable(raw.siteModes, PLATFORMS),
      acknowledgeWith: oneOf(raw.acknowledgeWith, ['tick', 'reason'], DEFAULTS.acknowledgeWith),
      failMode: oneOf(raw.failMode, ['open', 'closed'], DEFAULTS.failMode),
      sites,
      language: oneOf(raw.language, ['auto', 'id', 'en'], DEFAULTS.language),
      contactText: text(raw.contactText, 500),
      contactUrl: safeUrl(raw.contactUrl),
      guidanceText: guidance(raw.guidanceText),
      guidanceUrl: httpsUrl(raw.guidanceUrl),
      listUrl: mirrors(raw.listUrl),
      updateIntervalMinutes: minutes(raw.updateIntervalMinutes),
    });
  }

  const netral = root.Netral || (root.Netral = {});
  netral.policy = { fromManaged, modeFor, watches, DEFAULTS, PLATFORMS, ACTIONS, MODES };
})(globalThis);
