// The site rules document (docs/site-rules.md, docs/site-rules.schema.json): checked whole,
// then expanded into the adapters resolve.js reads. The rules are data only (selectors,
// patterns and names from fixed sets), never code; a document with any fault is refused
// whole, with the path of each fault in it, so that no rule is used half-understood.
//
// The same file runs in the content scripts, in the extension's build (node, no DOM: the
// selectors are then checked by the tests, in jsdom, and by the browser where it loads a
// document) and in the tests. It attaches `Netral.siteRules` to globalThis.
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});

  const FORMAT = 1;
  const ACTIONS = ['like', 'react', 'repost', 'share', 'quote', 'reply', 'comment', 'follow', 'subscribe', 'join'];
  const EVENTS = ['click', 'dblclick', 'enter', 'submit'];
  const SCOPES = ['post', 'self', 'page', 'location', 'nearest', 'context'];
  const LIST_KINDS = ['following', 'groups', 'likes'];
  const MAX = {
    sites: 16, hosts: 8, posts: 32, feeds: 8, sources: 16, namedLists: 16, rules: 128, keys: 16, keepParams: 8, accountLists: 16,
    selector: 2048, pattern: 512, note: 1024, errors: 20,
  };
  const DOCUMENT_FIELDS = ['netral_sites', 'version', 'min_extension', 'issued', 'expires', 'note', 'sites'];
  const SITE_FIELDS = ['platform', 'note', 'hosts', 'sources', 'posts', 'feeds', 'authors', 'pageAccount', 'rules', 'keys', 'keepParams',
    'accountLists'];
  const ACCOUNT_LIST_FIELDS = ['kind', 'note', 'path', 'within', 'row', 'account', 'followedIf'];
  const RULE_FIELDS = ['action', 'note', 'selector', 'event', 'has', 'text', 'unless', 'account', 'opensContext', 'modifier'];
  const SOURCE_FIELDS = ['note', 'scope', 'find', 'attr', 'pattern', 'prefix', 'alias', 'freshIf'];
  const HOST_NAME = /^[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/;
  const LIST_NAME = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
  const ATTRIBUTE = /^([a-z][a-z0-9_:-]{0,63}|text)$/;
  const PREFIX = /^[A-Za-z0-9@:_.-]{0,16}$/;
  const PARAM = /^[A-Za-z0-9_.-]{1,32}$/;
  const VERSION = /^[0-9]{1,5}(\.[0-9]{1,5}){0,3}$/;
  const ISO_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/;

  const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

  /** -1, 0 or 1 as dotted version A is below, equal to or above B ("0.1.0"). */
  function compareVersions(a, b) {
    const pa = a.split('.').map(Number);
    const pb = b.split('.').map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const d = (pa[i] || 0) - (pb[i] || 0);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return 0;
  }

  // One pass over a document: faults are collected with their paths (up to MAX.errors).
  function checker({ selectorOk, platforms, platformOfHost }) {
    const errors = [];
    const fault = (path, message) => { if (errors.length < MAX.errors) errors.push({ path, message }); };

    function fields(value, allowed, path) {
      for (const key of Object.keys(value)) {
        if (!allowed.includes(key)) fault(`${path}.${key}`, 'is not a field of the format');
      }
    }

    function text(value, path, max, { required = true } = {}) {
      if (value === undefined && !required) return false;
      if (typeof value !== 'string' || value.length === 0) { fault(path, 'must be a non-empty text'); return false; }
      if (value.length > max) { fault(path, `is longer than ${max} characters`); return false; }
      return true;
    }

    function selector(value, path, options) {
      if (!text(value, path, MAX.selector, options)) return;
      if (selectorOk && !selectorOk(value)) fault(path, `is not a valid CSS selector: ${JSON.stringify(value)}`);
    }

    function pattern(value, path, { groups = 0, flags = '' } = {}) {
      if (!text(value, path, MAX.pattern)) return;
      try {
        new RegExp(value, flags);   // eslint-disable-line no-new
      } catch (error) {
        fault(path, `is not a valid regular expression: ${error.message}`);
        return;
      }
      // As RegExp counts them: an empty alternative after the pattern matches everything.
      const captured = new RegExp(`${value}|`, flags).exec('').length - 1;
      if (captured < groups) fault(path, 'must capture the account in its first group');
    }

    function list(value, path, max, { required = true, min = 0 } = {}) {
      if (value === undefined && !required) return [];
      if (!Array.isArray(value)) { fault(path, 'must be a list'); return []; }
      if (value.length < min) fault(path, `must hold at least ${min}`);
      if (value.length > max) { fault(path, `holds more than ${max}`); return []; }
      return value;
    }

    function source(value, path, named) {
      if (!isObject(value)) { fault(path, 'must be an object'); return; }
      if ('use' in value) {
        fields(value, ['use', ...SOURCE_FIELDS], path);
        if (named === null) fault(`${path}.use`, 'a named list cannot use another');
        else if (typeof value.use !== 'string' || !Object.hasOwn(named, value.use)) fault(`${path}.use`, 'names no list of this site\'s "sources"');
      } else {
        fields(value, SOURCE_FIELDS, path);
      }
      const scope = value.scope === undefined ? 'post' : value.scope;
      if (!SCOPES.includes(scope)) selector(scope, `${path}.scope`);
      if (scope === 'nearest' && !('use' in value) && value.find === undefined) fault(`${path}.find`, 'is needed with scope "nearest"');
      if ((scope === 'location' || scope === 'context') && ['find', 'attr', 'pattern', 'prefix', 'freshIf'].some((k) => k in value)) {
        fault(`${path}.scope`, `"${scope}" takes no find, attr, pattern, prefix or freshIf`);
      }
      if (value.find !== undefined) selector(value.find, `${path}.find`);
      if (value.attr !== undefined && (typeof value.attr !== 'string' || !ATTRIBUTE.test(value.attr))) fault(`${path}.attr`, 'must be an attribute name or "text"');
      if (value.pattern !== undefined) pattern(value.pattern, `${path}.pattern`, { groups: 1 });
      if (value.prefix !== undefined && (typeof value.prefix !== 'string' || !PREFIX.test(value.prefix))) fault(`${path}.prefix`, 'must be a short text of letters, digits and @:_.-');
      if (value.alias !== undefined && typeof value.alias !== 'boolean') fault(`${path}.alias`, 'must be true or false');
      if (value.note !== undefined) text(value.note, `${path}.note`, MAX.note);
      if (value.freshIf !== undefined) {
        const fresh = value.freshIf;
        if (!isObject(fresh)) {
          fault(`${path}.freshIf`, 'must be an object');
        } else {
          fields(fresh, ['find', 'attr', 'param'], `${path}.freshIf`);
          selector(fresh.find, `${path}.freshIf.find`);
          if (typeof fresh.attr !== 'string' || !ATTRIBUTE.test(fresh.attr)) fault(`${path}.freshIf.attr`, 'must be an attribute name');
          if (typeof fresh.param !== 'string' || !PARAM.test(fresh.param)) fault(`${path}.freshIf.param`, 'must be a query parameter name');
        }
      }
    }

    function sources(value, path, named, options) {
      list(value, path, MAX.sources, options).forEach((item, i) => source(item, `${path}[${i}]`, named));
    }

    function rule(value, path, named) {
      if (!isObject(value)) { fault(path, 'must be an object'); return; }
      fields(value, RULE_FIELDS, path);
      if (!('action' in value)) fault(`${path}.action`, 'is needed (null for a control that only opens a context)');
      else if (value.action !== null && !ACTIONS.includes(value.action)) fault(`${path}.action`, `must be one of ${ACTIONS.join(', ')} or null`);
      if (value.action === null && !value.opensContext) fault(`${path}.action`, 'may be null only for a control that opens a context');
      selector(value.selector, `${path}.selector`);
      if (value.event !== undefined && !EVENTS.includes(value.event)) fault(`${path}.event`, `must be one of ${EVENTS.join(', ')}`);
      if (value.has !== undefined) selector(value.has, `${path}.has`);
      if (value.unless !== undefined) selector(value.unless, `${path}.unless`);
      if (value.text !== undefined) pattern(value.text, `${path}.text`, { flags: 'i' });
      if (value.account !== undefined) sources(value.account, `${path}.account`, named, { min: 1 });
      if (value.opensContext !== undefined && value.opensContext !== true && value.opensContext !== 'hover') fault(`${path}.opensContext`, 'must be true or "hover"');
      if (value.modifier !== undefined && (typeof value.modifier !== 'boolean' || value.event !== 'enter')) fault(`${path}.modifier`, 'must be true or false, on an "enter" rule');
      if (value.note !== undefined) text(value.note, `${path}.note`, MAX.note);
    }

    function site(value, path, seen) {
      if (!isObject(value)) { fault(path, 'must be an object'); return; }
      fields(value, SITE_FIELDS, path);
      if (!platforms.includes(value.platform)) fault(`${path}.platform`, `must be one of ${platforms.join(', ')}`);
      else if (seen.platforms.has(value.platform)) fault(`${path}.platform`, 'is given twice');
      else seen.platforms.add(value.platform);
      list(value.hosts, `${path}.hosts`, MAX.hosts, { min: 1 }).forEach((host, i) => {
        const at = `${path}.hosts[${i}]`;
        if (typeof host !== 'string' || !HOST_NAME.test(host)) fault(at, 'must be a lowercase host name');
        else if (platformOfHost(host) !== value.platform) fault(at, `is not a host of ${value.platform}`);
        else if (seen.hosts.has(host)) fault(at, 'is given twice');
        else seen.hosts.add(host);
      });
      let named = {};
      if (value.sources !== undefined) {
        if (!isObject(value.sources)) {
          fault(`${path}.sources`, 'must be an object of named lists');
        } else {
          const names = Object.keys(value.sources);
          if (names.length > MAX.namedLists) fault(`${path}.sources`, `holds more than ${MAX.namedLists} lists`);
          for (const name of names) {
            if (!LIST_NAME.test(name)) fault(`${path}.sources.${name}`, 'is not a list name (a letter, then letters, digits or _)');
            sources(value.sources[name], `${path}.sources.${name}`, null, { min: 1 });
          }
          named = value.sources;
        }
      }
      list(value.posts, `${path}.posts`, MAX.posts, { required: false }).forEach((post, i) => {
        const at = `${path}.posts[${i}]`;
        if (typeof post === 'string') { selector(post, at); return; }
        if (!isObject(post)) { fault(at, 'must be a selector or {selector, has}'); return; }
        fields(post, ['selector', 'has', 'note'], at);
        selector(post.selector, `${at}.selector`);
        selector(post.has, `${at}.has`);
        if (post.note !== undefined) text(post.note, `${at}.note`, MAX.note);
      });
      list(value.feeds, `${path}.feeds`, MAX.feeds, { required: false }).forEach((feed, i) => pattern(feed, `${path}.feeds[${i}]`));
      sources(value.authors, `${path}.authors`, named, { required: false });
      sources(value.pageAccount, `${path}.pageAccount`, named, { required: false });
      list(value.rules, `${path}.rules`, MAX.rules, { min: 1 }).forEach((item, i) => rule(item, `${path}.rules[${i}]`, named));
      list(value.keys, `${path}.keys`, MAX.keys, { required: false }).forEach((key, i) => {
        const at = `${path}.keys[${i}]`;
        if (!isObject(key)) { fault(at, 'must be {key, button}'); return; }
        fields(key, ['key', 'button', 'note'], at);
        if (typeof key.key !== 'string' || key.key.length !== 1) fault(`${at}.key`, 'must be one character');
        selector(key.button, `${at}.button`);
      });
      list(value.keepParams, `${path}.keepParams`, MAX.keepParams, { required: false }).forEach((param, i) => {
        if (typeof param !== 'string' || !PARAM.test(param)) fault(`${path}.keepParams[${i}]`, 'must be a query parameter name');
      });
      list(value.accountLists, `${path}.accountLists`, MAX.accountLists, { required: false }).forEach((item, i) => {
        const at = `${path}.accountLists[${i}]`;
        if (!isObject(item)) { fault(at, 'must be an object'); return; }
        fields(item, ACCOUNT_LIST_FIELDS, at);
        if (!LIST_KINDS.includes(item.kind)) fault(`${at}.kind`, `must be one of ${LIST_KINDS.join(', ')}`);
        pattern(item.path, `${at}.path`);
        if (item.within !== undefined) selector(item.within, `${at}.within`);
        selector(item.row, `${at}.row`);
        if (item.account !== undefined) sources(item.account, `${at}.account`, named, { min: 1 });
        if (item.followedIf !== undefined) {
          const followed = item.followedIf;
          if (!isObject(followed)) {
            fault(`${at}.followedIf`, 'must be {find, text}');
          } else {
            fields(followed, ['find', 'text', 'note'], `${at}.followedIf`);
            selector(followed.find, `${at}.followedIf.find`);
            pattern(followed.text, `${at}.followedIf.text`, { flags: 'i' });
          }
        }
        if (item.note !== undefined) text(item.note, `${at}.note`, MAX.note);
      });
      if (value.note !== undefined) text(value.note, `${path}.note`, MAX.note);
    }

    function documentOf(value, extensionVersion) {
      if (!isObject(value)) { fault('', 'the rules must be a JSON object'); return errors; }
      fields(value, DOCUMENT_FIELDS, '');
      if (value.netral_sites !== FORMAT) fault('.netral_sites', `must be ${FORMAT} (the format this extension reads)`);
      if (!Number.isSafeInteger(value.version) || value.version < 1) fault('.version', 'must be a whole number from 1');
      if (typeof value.min_extension !== 'string' || !VERSION.test(value.min_extension)) fault('.min_extension', 'must be a version such as 0.1.0');
      else if (extensionVersion && compareVersions(extensionVersion, value.min_extension) < 0) {
        fault('.min_extension', `these rules need extension ${value.min_extension} or later (this is ${extensionVersion})`);
      }
      for (const key of ['issued', 'expires']) {
        if (value[key] !== undefined && (typeof value[key] !== 'string' || !ISO_TIME.test(value[key]))) fault(`.${key}`, 'must be a UTC time such as 2026-12-03T00:00:00Z');
      }
      if (value.note !== undefined) text(value.note, '.note', MAX.note);
      const seen = { platforms: new Set(), hosts: new Set() };
      list(value.sites, '.sites', MAX.sites, { min: 1 }).forEach((item, i) => site(item, `.sites[${i}]`, seen));
      return errors;
    }

    return { documentOf };
  }

  // ---- expansion: what resolve.js reads (see its header for the adapter's shape) ----

  function withoutNote(value) {
    const { note, ...rest } = value;
    return rest;
  }

  function expandSources(list, named) {
    return (list || []).flatMap((item) => {
      if (!('use' in item)) return [withoutNote(item)];
      const { use, note, ...overrides } = item;
      return named[use].map((base) => ({ ...withoutNote(base), ...overrides }));
    });
  }

  function deepFreeze(value) {
    if (value && typeof value === 'object') {
      Object.values(value).forEach(deepFreeze);
      Object.freeze(value);
    }
    return value;
  }

  function expandSite(site) {
    const named = site.sources || {};
    const adapter = {
      platform: site.platform,
      hosts: site.hosts.slice(),
      posts: (site.posts || []).map((post) => (typeof post === 'string' ? post : withoutNote(post))),
      feeds: (site.feeds || []).slice(),
      authors: expandSources(site.authors, named),
      pageAccount: expandSources(site.pageAccount, named),
      rules: site.rules.map((rule) => {
        const out = withoutNote(rule);
        if (rule.account) out.account = expandSources(rule.account, named);
        return out;
      }),
      keys: (site.keys || []).map(withoutNote),
      keepParams: (site.keepParams || []).slice(),
      accountLists: (site.accountLists || []).map((item) => {
        const out = withoutNote(item);
        if (item.account) out.account = expandSources(item.account, named);
        if (item.followedIf) out.followedIf = withoutNote(item.followedIf);
        return out;
      }),
    };
    return deepFreeze(adapter);
  }

  /**
   * Checks DOCUMENT (parsed JSON) and expands it.
   * @param selectorOk      (selector) → whether the browser can use it; omitted: not checked
   * @param extensionVersion this extension's version, against min_extension; omitted: not checked
   * @returns {ok: true, version, sites: [adapter]} or {ok: false, errors: [{path, message}]}
   */
  function compile(documentValue, { selectorOk = null, extensionVersion = null } = {}) {
    const { account } = netral;
    const errors = checker({
      selectorOk, platforms: account.platforms, platformOfHost: account.platformOfHost,
    }).documentOf(documentValue, extensionVersion);
    if (errors.length) return { ok: false, errors };
    return { ok: true, version: documentValue.version, sites: documentValue.sites.map(expandSite) };
  }

  /** The faults of a refused document, one per line, for logs and the CLI. */
  function describe(errors) {
    return errors.map(({ path, message }) => `${path || '(document)'}: ${message}`).join('\n');
  }

  /** A selector check for a window: what its querySelector refuses. */
  function selectorCheck(window) {
    const fragment = window.document.createDocumentFragment();
    return (selector) => {
      try {
        fragment.querySelector(selector);
        return true;
      } catch {
        return false;
      }
    };
  }

  netral.siteRules = { compile, describe, selectorCheck, compareVersions, FORMAT, ACTIONS, SCOPES, EVENTS, LIST_KINDS };
})(globalThis);
