// Reads a site adapter (plain data: a site of extension/rules/netral-sites.json as
// site-rules.js expands it; docs/site-rules.md) and answers one question for an event:
// which action is this, and which account does it target?
//
// Adapter shape:
//   platform     'x', 'instagram', ...
//   hosts        host names the adapter runs on (subdomains included)
//   posts        things that have an author (posts, quoted posts, comments): selectors, or
//                {selector, has} for one that counts only when it contains `has`;
//                the innermost one around the clicked element is "the post"
//   authors      account sources tried in order inside the post
//   pageAccount  account sources tried on the whole document (profile, channel, group pages)
//   rules        [{action, selector, event?, has?, text?, unless?, account?, opensContext?,
//                  modifier?}]
//                action: null for an element that only opens a context (see opensContext)
//                event: 'click' (default), 'dblclick', 'enter' (Enter in a text box), 'submit'
//                has:   the element must contain this selector
//                text:  regular expression its aria-label or text must match (both languages)
//                unless: not when inside this selector
//                opensContext: it opens a menu, drawer or composer that acts on its account
//                       (read back by the 'context' account source); 'hover' when merely
//                       hovering it opens that layer (Facebook's reaction picker)
//                modifier: for 'enter', Ctrl or Cmd must be held (sites that post that way)
//                account: sources for this rule; default: the post's authors, then the page
//   keys         [{key, button}] keyboard shortcuts: the key acts as a click on `button`
//                inside the focused post
//   keepParams   query parameters that name an account (Facebook's id=); every other
//                parameter and the fragment are dropped from links before normalising
//
// An account source: {scope?, find?, attr?, pattern?, prefix?, alias?, freshIf?}
//   scope  'post' (default), 'self' (the matched element), 'page' (the document),
//          'location' (the page URL), 'nearest' (the closest ancestor that contains `find`),
//          'context' (the account of the last opener: menus and composers outside the post),
//          or a selector for closest()
//   find   selector looked up inside the scope (the scope itself when omitted)
//   attr   attribute to read ('href' when omitted and the element is a link, else text)
//   pattern regular expression whose first group is the account; prefix is put before it
//   alias  after the target is found, this source may add another form of the same account
//   freshIf {find, attr, param}: use the source only while that element's attribute equals
//          the page URL's query parameter (server-rendered data that in-app navigation
//          leaves stale, like YouTube's channelId meta, must belong to the current video)
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});

  const compiled = new Map();   // adapters hold patterns as strings; compile each once
  function regex(source, flags = '') {
    const key = `${flags}/${source}`;
    if (!compiled.has(key)) compiled.set(key, new RegExp(source, flags));
    return compiled.get(key);
  }

  // A selector or pattern of the adapter that the browser refuses throws wherever it is
  // used. It must not let an action through unjudged: each use gives a safe answer instead
  // (a rule counts as matching, an exclusion as not applying, a source as yielding nothing),
  // the classification is marked (hit.error), and the error is reported once.
  const reported = new Set();
  let failures = 0;
  function guarded(what, fallback, fn) {
    try {
      return fn();
    } catch (error) {
      failures += 1;
      if (!reported.has(what)) {
        reported.add(what);
        console.error(`Netral: the site adapter's ${JSON.stringify(String(what))} cannot be used:`, error);
      }
      return fallback;
    }
  }

  // What a control says: its aria-label and its text, each tried on its own.
  function labelsOf(element) {
    const aria = element.getAttribute('aria-label');
    const text = (element.textContent || '').replace(/\s+/g, ' ').trim();
    return aria ? [aria.trim(), text] : [text];
  }

  function ruleMatches(rule, element, eventKind) {
    if ((rule.event || 'click') !== eventKind) return false;
    if (!guarded(rule.selector, true, () => element.matches(rule.selector))) return false;
    if (rule.has && !guarded(rule.has, true, () => element.querySelector(rule.has) !== null)) return false;
    if (rule.text && !guarded(rule.text, true, () => labelsOf(element).some((label) => regex(rule.text, 'i').test(label)))) return false;
    if (rule.unless && guarded(rule.unless, false, () => element.closest(rule.unless) !== null)) return false;
    return true;
  }

  // Innermost-first: the closest element that matches any rule decides.
  function findRule(adapter, start, eventKind) {
    for (let node = start; node && node.nodeType === 1; node = node.parentElement) {
      for (const rule of adapter.rules) {
        if (ruleMatches(rule, node, eventKind)) return { rule, element: node };
      }
    }
    return null;
  }

  function isPost(adapter, node) {
    return (adapter.posts || []).some((post) => (
      typeof post === 'string'
        ? guarded(post, false, () => node.matches(post))
        : guarded(post.selector, false, () => node.matches(post.selector) && node.querySelector(post.has) !== null)
    ));
  }

  function postOf(adapter, element) {
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      if (isPost(adapter, node)) return node;
    }
    return null;
  }

  function nearestWith(element, selector) {
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      if (guarded(selector, null, () => node.querySelector(selector))) return node;
    }
    return null;
  }

  function rawValue(element, source) {
    if (source.attr === 'text') return element.textContent || '';
    if (source.attr) return element.getAttribute(source.attr) || '';
    if (element.hasAttribute('href')) return element.getAttribute('href');
    return element.textContent || '';
  }

  function absolute(value, doc) {
    if (value.startsWith('/') && !value.startsWith('//')) return doc.location.origin + value;
    return value;
  }

  // Links carry tracking parameters (often %-escaped, which the normaliser rightly refuses):
  // keep only the parameters that name an account.
  function withoutNoise(value, keepParams) {
    if (!/^https?:\/\//i.test(value)) return value;
    const [beforeHash] = value.split('#');
    const [base, query = ''] = beforeHash.split('?');
    const kept = query.split('&').filter((pair) => keepParams.includes(pair.split('=')[0]));
    return kept.length ? `${base}?${kept.join('&')}` : base;
  }

  function isFresh({ find, attr, param }, doc) {
    const marker = guarded(find, null, () => doc.querySelector(find));
    const wanted = new URLSearchParams(doc.location.search).get(param);
    return Boolean(marker && wanted) && marker.getAttribute(attr) === wanted;
  }

  function scopeFor(source, element, post, doc) {
    const scope = source.scope || 'post';
    if (scope === 'post') return post;
    if (scope === 'self') return element;
    if (scope === 'page') return doc;
    if (scope === 'nearest') return nearestWith(element, source.find);
    return guarded(scope, null, () => element.closest(scope));
  }

  function accountFrom(adapter, source, element, post, doc, context) {
    const { platform } = adapter;
    const normalise = netral.account.normalise;
    if (source.scope === 'location') return normalise(platform, withoutNoise(doc.location.href, adapter.keepParams || []));
    if (source.scope === 'context') return context && context.platform === platform ? context : null;
    if (source.freshIf && !isFresh(source.freshIf, doc)) return null;
    const scope = scopeFor(source, element, post, doc);
    if (!scope) return null;
    const candidates = source.find
      ? guarded(source.find, [], () => scope.querySelectorAll(source.find))
      : [scope];
    for (const candidate of candidates) {
      if (candidate.nodeType !== 1) continue;
      let value = rawValue(candidate, source).trim();
      if (source.pattern) {
        const match = guarded(source.pattern, null, () => regex(source.pattern).exec(value));
        if (!match) continue;
        value = match[1];
      }
      value = withoutNoise(absolute((source.prefix || '') + value, doc), adapter.keepParams || []);
      const result = normalise(platform, value);
      if (result) return result;
    }
    return null;
  }

  // The target is what the first source that yields an account gives (READ(source): the
  // account or null). Sources marked `alias: true` after it, in the same list, may name the
  // same account in another form (X's follow button: its numeric id and its @handle); those
  // are checked too.
  function targetWithAliases(sources, read) {
    let target = null;
    const aliases = [];
    for (const source of sources) {
      if (target && !source.alias) continue;
      const found = read(source);
      if (!found) continue;
      if (!target) target = found;
      else if (found.account !== target.account && !aliases.some((a) => a.account === found.account)) aliases.push(found);
    }
    return { target, aliases };
  }

  // A rule without its own sources uses the post's authors, else the page's account: two lists.
  function accountsFor(adapter, rule, element, doc, context) {
    const post = postOf(adapter, element);
    const lists = rule.account ? [rule.account] : [post ? adapter.authors || [] : [], adapter.pageAccount || []];
    for (const sources of lists) {
      const found = targetWithAliases(sources, (source) => ((source.scope || 'post') === 'post' && !post ? null
        : accountFrom(adapter, source, element, post, doc, context)));
      if (found.target) return found;
    }
    return { target: null, aliases: [] };
  }

  /**
   * Classifies an event on `target`.
   * @param eventKind 'click' | 'dblclick' | 'enter' | 'submit'
   * @param context   the account of the last context opener, or null
   * @returns null when no rule matches; otherwise {action, element, rule, target, aliases,
   *          error} where action is null for a mere context opener, target is
   *          {platform, account} or null when no account could be read, aliases are other
   *          forms of it, and error says a selector or pattern of the adapter failed on the way.
   */
  function classify(adapter, target, eventKind, context = null) {
    if (!target || target.nodeType !== 1) return null;
    const failuresBefore = failures;
    const hit = findRule(adapter, target, eventKind);
    if (!hit) return null;
    const accounts = accountsFor(adapter, hit.rule, hit.element, target.ownerDocument, context);
    return {
      action: hit.rule.action, rule: hit.rule, element: hit.element, ...accounts, error: failures !== failuresBefore,
    };
  }

  function isEmptyTextBox(element) {
    const value = 'value' in element ? element.value : element.textContent;
    return !value || !value.trim();
  }

  /**
   * Classifies a DOM event as the interceptor sees it: a click or double-click on an
   * element, Enter in a text box, a keyboard shortcut on the focused post, a form submission.
   * EVENT needs only type, target and, for keys, key and the modifier flags.
   * @returns like classify(), or null
   */
  function classifyEvent(adapter, event, context = null) {
    const target = event.target && event.target.nodeType === 1 ? event.target
      : (event.target && event.target.parentElement) || null;
    if (!target) return null;
    if (event.type === 'click' || event.type === 'dblclick' || event.type === 'submit') {
      return classify(adapter, target, event.type, context);
    }
    if (event.type !== 'keydown') return null;
    if (event.key === 'Enter') {
      if (event.shiftKey || event.isComposing) return null;
      const hit = classify(adapter, target, 'enter', context);
      if (!hit) return null;
      if (hit.rule.modifier && !(event.ctrlKey || event.metaKey)) return null;
      if (isEmptyTextBox(target)) return null;
      return hit;
    }
    const button = shortcutButton(adapter, event);
    return button ? classify(adapter, button, 'click', context) : null;
  }

  /** The action button a keyboard shortcut stands for, inside the focused post. */
  function shortcutButton(adapter, event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return null;
    const shortcut = (adapter.keys || []).find((k) => k.key === event.key);
    if (!shortcut) return null;
    const doc = event.target.ownerDocument || event.target;
    const focused = doc.activeElement;
    if (!focused || isEditable(focused)) return null;
    const post = postOf(adapter, focused);
    // A refused selector here throws on: whether the key acts is not known (failMode decides).
    return post ? post.querySelector(shortcut.button) : null;
  }

  function isEditable(element) {
    return element.isContentEditable
      || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName)
      || element.closest('[contenteditable=""], [contenteditable="true"]') !== null;
  }

  const MENTION = /(?:^|[^\p{L}\p{N}_@.])@([\p{L}\p{N}_.]{1,64})/gu;
  const MAX_MENTIONS = 20;
  const COMPOSER_LEVELS = 8;   // from a send button up to the box it sends

  function editableText(element) {
    return 'value' in element && element.tagName !== 'BUTTON' ? String(element.value || '') : element.textContent || '';
  }

  /**
   * The text being sent by ELEMENT (a text box, or a send button beside one): the box itself,
   * or the nearest box in the button's ancestors (not beyond its post); '' when there is none.
   */
  function composerText(adapter, element) {
    const box = (node) => (isEditable(node) ? node.closest('textarea, input, [contenteditable=""], [contenteditable="true"]') || node : null);
    if (isEditable(element)) return editableText(box(element));
    const post = postOf(adapter, element);
    let node = element.parentElement;
    for (let level = 0; node && level < COMPOSER_LEVELS && node !== post; level++, node = node.parentElement) {
      const found = node.querySelector('textarea, [contenteditable="true"], [contenteditable=""]');
      if (found) return editableText(found);
    }
    return '';
  }

  /** The accounts TEXT mentions with @ (canonical, for the adapter's platform), at most 20. */
  function mentionsIn(adapter, text) {
    const found = new Map();
    for (const match of String(text).matchAll(MENTION)) {
      const target = netral.account.normalise(adapter.platform, `@${match[1].replace(/\.+$/, '')}`);
      if (target) found.set(target.account, target);
      if (found.size === MAX_MENTIONS) break;
    }
    return [...found.values()];
  }

  /** The account the page itself is about (a profile, channel, group), or null. */
  function pageAccount(adapter, doc) {
    return netral.account.normalise(adapter.platform, withoutNoise(doc.location.href, adapter.keepParams || []));
  }

  /** Every account a post mentions through the adapter's rules: what pre-resolve checks. */
  function accountsIn(adapter, container) {
    const found = new Map();
    const add = (result) => { if (result) found.set(`${result.platform}\n${result.account}`, result); };
    const doc = container.ownerDocument || container;
    const selectors = [...new Set(adapter.rules.map((r) => r.selector))];
    const elements = guarded(selectors.join(','), null, () => container.querySelectorAll(selectors.join(',')))
      || selectors.flatMap((selector) => [...guarded(selector, [], () => container.querySelectorAll(selector))]);
    for (const element of elements) {
      const hit = findRule(adapter, element, 'click')
        || findRule(adapter, element, 'dblclick')
        || findRule(adapter, element, 'enter')
        || findRule(adapter, element, 'submit');
      if (!hit) continue;
      const { target, aliases } = accountsFor(adapter, hit.rule, hit.element, doc, null);
      [target, ...aliases].forEach(add);
    }
    return [...found.values()];
  }

  /** One selector for the adapter's posts, leaving out any the browser refuses (reported). */
  function postSelector(adapter, doc) {
    const probe = doc.createDocumentFragment();
    return (adapter.posts || []).map((post) => (typeof post === 'string' ? post : post.selector))
      .filter((selector) => guarded(selector, false, () => { probe.querySelector(selector); return true; }))
      .join(',');
  }

  /** The adapter's account lists shown at PATH (the URL's path), in the adapter's order. */
  function listsAt(adapter, path) {
    return (adapter.accountLists || []).filter((list) => guarded(list.path, false, () => regex(list.path).test(path)));
  }

  // A row of a list that mixes followed and other accounts (someone else's list, suggestions)
  // counts only while it says it is followed: an element of it whose label or text matches.
  function saysFollowed(list, row) {
    const { find, text } = list.followedIf;
    return [...guarded(find, [], () => row.querySelectorAll(find))].some((element) => (
      [element.getAttribute('aria-label'), element.textContent].some((label) => label
        && guarded(text, false, () => regex(text, 'i').test(label.trim())))
    ));
  }

  /** The rows of LIST (an entry of adapter.accountLists) in DOC, in document order. */
  function listRows(adapter, list, doc) {
    const scopes = list.within ? [...guarded(list.within, [], () => doc.querySelectorAll(list.within))] : [doc];
    const rows = new Set();
    for (const scope of scopes) {
      for (const row of guarded(list.row, [], () => scope.querySelectorAll(list.row))) {
        if (!list.followedIf || saysFollowed(list, row)) rows.add(row);
      }
    }
    return [...rows];
  }

  /**
   * The rows of LIST that ROOT (an element the page added) is in or holds: the row around it,
   * else the rows inside it, within the list's scope and, with followedIf, saying followed.
   */
  function rowsIn(adapter, list, root) {
    if (!root || root.nodeType !== 1) return [];
    // Rows inside it first (a page adds whole rows, often many at once); only an element added
    // into a row (no row inside it) is looked up the ancestors.
    let candidates = [...guarded(list.row, [], () => root.querySelectorAll(list.row))];
    if (!candidates.length) {
      const around = guarded(list.row, null, () => root.closest(list.row));
      candidates = around ? [around] : [];
    }
    return candidates.filter((row) => (!list.within || guarded(list.within, null, () => row.closest(list.within)))
      && (!list.followedIf || saysFollowed(list, row)));
  }

  /** ROW's account (read as a post: LIST's sources, or the site's authors), or null. */
  function rowAccount(adapter, list, row) {
    return rowAccounts(adapter, list, row).target;
  }

  /**
   * ROW's account and its other forms: {target, aliases}, as for a click: the first source that
   * yields one, then the `alias: true` sources after it (X's numeric id beside the @handle).
   */
  function rowAccounts(adapter, list, row) {
    return targetWithAliases(list.account || adapter.authors || [],
      (source) => accountFrom(adapter, source, row, row, row.ownerDocument, null));
  }

  netral.resolve = {
    classify, classifyEvent, shortcutButton, accountsIn, pageAccount, postOf, postSelector, isEditable, listsAt, listRows,
    rowAccount, rowAccounts, rowsIn, composerText, mentionsIn,
  };
})(globalThis);
