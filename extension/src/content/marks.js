// Marks on the pages where a site lists what the employee follows, joined or liked (the site's
// accountLists, docs/site-rules.md): each row whose account is on the list gets a mark beside
// it naming whose campaign it belongs to, and a bar at the top of the page counts them and
// steps from one to the next as the list scrolls in. The employee then undoes those with the
// site's own buttons: unfollowing, leaving and unliking are never held.
//
// Nothing is kept: what the rows hold is looked up (check_batch, through the worker) while the
// page is open and forgotten with it. The marks and the bar live in closed shadow roots with
// inline !important host styles, so the page's CSS cannot restyle or hide them; they carry
// their text for screen readers (role="note", the bar role="status").
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});

  const HOST_STYLE = 'all: initial !important; display: block !important; visibility: visible !important;'
    + ' opacity: 1 !important; position: static !important; margin: 4px 0 !important;';
  const BAR_STYLE = 'all: initial !important; display: block !important; visibility: visible !important;'
    + ' opacity: 1 !important; position: fixed !important; top: 8px !important; left: 50% !important;'
    + ' transform: translateX(-50%) !important; z-index: 2147483646 !important;';
  const MARK_CSS = `
    :host { all: initial; }
    .mark { display: inline-block; font: 600 13px/1.4 system-ui, sans-serif; color: #5c1a00; background: #ffe3d3;
      border: 1px solid #d4531c; border-radius: 4px; padding: 2px 8px; max-width: 100%; box-sizing: border-box; }
    .mark:focus { outline: 3px solid #1a56db; outline-offset: 2px; }
  `;
  const BAR_CSS = `
    :host { all: initial; }
    .bar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; font: 14px/1.4 system-ui, sans-serif; color: #fff;
      background: #7a2400; border-radius: 8px; padding: 8px 12px; box-shadow: 0 2px 8px rgba(0,0,0,.3); max-width: 90vw; }
    span { white-space: nowrap; }
    button { font: inherit; color: #7a2400; background: #fff; border: 0; border-radius: 4px; padding: 2px 10px; cursor: pointer; }
    button:focus { outline: 3px solid #8ab4ff; outline-offset: 2px; }
  `;
  const COUNT_KEYS = { following: 'marksCountFollowing', groups: 'marksCountGroups', likes: 'marksCountLikes' };
  const MARK_KEYS = { following: 'markFollowing', groups: 'markGroup', likes: 'markLiked' };

  /**
   * @param window   the page's window
   * @param adapter  the site's adapter (accountLists)
   * @param verdicts from verdicts.createVerdicts (lookup)
   * @param enabled  () → whether Netral watches this site now
   * @param strings  () → Promise of the strings function (common/strings.js) for the marks: in
   *                 the page's language, unless the policy forces one
   * @param schedule (fn) → void: when to look at the page again after it changed
   */
  function createMarks({
    window, adapter, verdicts, enabled, strings,
    schedule = (fn) => (typeof window.requestIdleCallback === 'function'
      ? window.requestIdleCallback(fn, { timeout: 300 }) : window.setTimeout(fn, 50)),
  }) {
    const doc = window.document;
    const { listsAt, listRows, rowAccounts, rowsIn } = netral.resolve;
    const seen = new WeakMap();   // row → its account, or null (read once)
    const listed = new WeakMap(); // row → {kind, target, reply}: what its mark says
    const marked = new Map();     // row → {row, host, kind, focus}
    const rowOfHost = new WeakMap();
    const added = new Set();      // elements the page added since the last look
    const unmarked = new Set();   // rows whose mark the page took away since the last look
    let lastPath = null;          // a new path (in-app navigation) is looked at whole
    const ownHosts = new WeakSet();
    let bar = null;
    let at = 0;                   // the mark the bar steps from
    let pending = false;
    let observer = null;
    let t = (key) => key;         // the strings of the last look

    function element(tag, attributes = {}, text = null) {
      const node = doc.createElement(tag);
      for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
      if (text !== null) node.textContent = text;
      return node;
    }

    // One parsed style sheet for every mark (a <style> in each would be parsed each time).
    const sheets = new Map();
    function styled(shadow, css) {
      try {
        if (!sheets.has(css)) {
          const sheet = new window.CSSStyleSheet();
          sheet.replaceSync(css);
          sheets.set(css, sheet);
        }
        shadow.adoptedStyleSheets = [sheets.get(css)];
      } catch {
        shadow.append(element('style', {}, css));   // no constructable style sheets here
      }
    }

    function shadowHost(style, css, tag = 'div') {
      const host = element(tag, { style });
      const shadow = host.attachShadow({ mode: 'closed' });
      styled(shadow, css);
      ownHosts.add(host);
      return { host, shadow };
    }

    function entityText(entity) {
      if (!entity) return '';
      return [entity.name, entity.party, entity.election].filter(Boolean).join(' · ');
    }

    // The marks still in the page, in the order the page shows their rows.
    function liveMarks() {
      return [...marked.values()].filter((m) => m.host.isConnected)
        .sort((a, b) => (a.row.compareDocumentPosition(b.row) & 4 ? -1 : 1));   // 4: FOLLOWING
    }

    function addMark(row, kind, target, reply) {
      listed.set(row, { kind, target, reply });
      const { host, shadow } = shadowHost(HOST_STYLE, MARK_CSS);
      const text = t(MARK_KEYS[kind], target.account, entityText(reply.entity));
      shadow.append(element('span', { class: 'mark', role: 'note', tabindex: '-1' }, text));
      host.dataset.netralMark = '';   // for people reading the page's DOM; the text stays inside
      row.prepend(host);
      rowOfHost.set(host, row);
      marked.set(row, { row, host, kind, focus: () => shadow.querySelector('.mark').focus({ preventScroll: true }) });
    }

    function step(by) {
      const live = liveMarks();
      if (!live.length) return;
      at = (at + by + live.length) % live.length;
      live[at].row.scrollIntoView({ block: 'center' });
      live[at].focus();
    }

    function showBar() {
      const live = [...marked.values()].filter((m) => m.host.isConnected);
      if (!live.length) {
        if (bar) bar.host.remove();
        return;
      }
      if (!bar || !bar.host.isConnected) {
        const { host, shadow } = shadowHost(BAR_STYLE, BAR_CSS);
        const box = element('div', { class: 'bar', role: 'status' });
        const count = element('span');
        const previous = element('button', { type: 'button' }, t('marksPrevious'));
        const next = element('button', { type: 'button' }, t('marksNext'));
        const close = element('button', { type: 'button', 'aria-label': t('marksClose') }, '×');
        previous.addEventListener('click', () => step(-1));
        next.addEventListener('click', () => step(1));
        close.addEventListener('click', () => { host.remove(); bar.closed = true; });
        box.append(count, previous, next, close);
        shadow.append(box);
        for (const type of ['click', 'keydown', 'mousedown', 'pointerdown']) shadow.addEventListener(type, (e) => e.stopPropagation());
        doc.documentElement.append(host);
        bar = { host, count, closed: false };
      }
      if (bar.closed) return;
      const kind = live[0].kind;
      bar.count.textContent = t(COUNT_KEYS[kind], String(live.length));
    }

    // The rows to read: all of the lists' rows on a new path, else those the page added since.
    function candidateRows(list, whole) {
      if (whole) return listRows(adapter, list, doc);
      const rows = new Set();
      for (const root of added) if (root.isConnected) for (const row of rowsIn(adapter, list, root)) rows.add(row);
      return [...rows];
    }

    // New rows of the lists shown here: their accounts looked up together, the listed marked.
    function look() {
      pending = false;
      if (!enabled()) return;
      const path = window.location.pathname;
      const whole = path !== lastPath;
      lastPath = path;
      const lists = listsAt(adapter, path);
      const fresh = [];
      let remarked = false;
      for (const row of unmarked) {   // the site redrew the row
        const known = listed.get(row);
        if (known && row.isConnected && !(marked.get(row) && marked.get(row).host.isConnected)) {
          addMark(row, known.kind, known.target, known.reply);
          remarked = true;
        }
      }
      unmarked.clear();
      for (const list of lists) {
        for (const row of candidateRows(list, whole)) {
          if (seen.has(row)) continue;
          const { target, aliases } = rowAccounts(adapter, list, row);
          seen.set(row, target);
          if (target) fresh.push({ row, forms: [target, ...aliases], kind: list.kind });
        }
      }
      added.clear();
      if (remarked) showBar();
      if (!fresh.length) return;
      // Every form of each row's account; a row is listed when one of its forms is.
      const forms = fresh.flatMap((f) => f.forms);
      Promise.all([verdicts.lookup(forms), strings()]).then(([replies, current]) => {
        t = current;
        let at = 0;
        for (const f of fresh) {
          const mine = replies.slice(at, at + f.forms.length);
          at += f.forms.length;
          const index = mine.findIndex((reply) => reply && reply.verdict === 'listed');
          if (index >= 0 && f.row.isConnected) addMark(f.row, f.kind, f.forms[0], mine[index]);   // named by its first form
        }
        showBar();
      }).catch((error) => console.error('Netral:', error));
    }

    function later() {
      if (pending) return;
      pending = true;
      schedule(look);
    }

    function start() {
      if (!(adapter.accountLists || []).length) return;
      observer = new window.MutationObserver((records) => {
        let worth = false;
        for (const record of records) {
          for (const node of record.addedNodes) {
            if (node.nodeType !== 1 || ownHosts.has(node)) continue;   // our own marks and bar
            added.add(node);
            worth = true;
          }
          for (const node of record.removedNodes) {
            if (rowOfHost.has(node)) { unmarked.add(rowOfHost.get(node)); worth = true; }
          }
        }
        if (worth || window.location.pathname !== lastPath) later();
      });
      const begin = () => {
        observer.observe(doc.documentElement, { childList: true, subtree: true });
        later();
      };
      if (doc.documentElement) begin();
      else window.addEventListener('DOMContentLoaded', begin, { once: true });
    }

    return {
      start, look, next: () => step(1), previous: () => step(-1),
      barText: () => (bar && bar.host.isConnected ? bar.count.textContent : null),
      isOwn: (node) => ownHosts.has(node),
      marks: () => liveMarks().map((m) => m.row),
    };
  }

  netral.marks = { createMarks };
})(globalThis);
