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
    const { listsAt, listRows, rowAccount } = netral.resolve;
    const seen = new WeakMap();   // row → its account, or null (read once)
    const listed = new WeakMap(); // row → {kind, target, reply}: what its mark says
    let marked = [];              // {row, host, kind, focus}
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

    function shadowHost(style, css, tag = 'div') {
      const host = element(tag, { style });
      const shadow = host.attachShadow({ mode: 'closed' });
      shadow.append(element('style', {}, css));
      ownHosts.add(host);
      return { host, shadow };
    }

    function entityText(entity) {
      if (!entity) return '';
      return [entity.name, entity.party, entity.election].filter(Boolean).join(' · ');
    }

    // Rows in the order the page shows them, whatever order they were found in.
    function inPageOrder(items) {
      return items.sort((a, b) => (a.row.compareDocumentPosition(b.row) & 4 ? -1 : 1));   // 4: FOLLOWING
    }

    function addMark(row, kind, target, reply) {
      listed.set(row, { kind, target, reply });
      const { host, shadow } = shadowHost(HOST_STYLE, MARK_CSS);
      const text = t(MARK_KEYS[kind], target.account, entityText(reply.entity));
      shadow.append(element('span', { class: 'mark', role: 'note', tabindex: '-1' }, text));
      host.dataset.netralMark = '';   // for people reading the page's DOM; the text stays inside
      row.prepend(host);
      marked = inPageOrder([...marked.filter((m) => m.row !== row), {
        row, host, kind, focus: () => shadow.querySelector('.mark').focus({ preventScroll: true }),
      }]);
    }

    function step(by) {
      const live = marked.filter((m) => m.host.isConnected);
      if (!live.length) return;
      at = (at + by + live.length) % live.length;
      live[at].row.scrollIntoView({ block: 'center' });
      live[at].focus();
    }

    function showBar() {
      const live = marked.filter((m) => m.host.isConnected);
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

    // New rows of the lists shown here: their accounts looked up together, the listed marked.
    function look() {
      pending = false;
      if (!enabled()) return;
      const lists = listsAt(adapter, window.location.pathname);
      const fresh = [];
      let remarked = false;
      for (const list of lists) {
        for (const row of listRows(adapter, list, doc)) {
          const known = listed.get(row);
          if (known && !marked.some((m) => m.row === row && m.host.isConnected)) {   // the site redrew the row
            addMark(row, known.kind, known.target, known.reply);
            remarked = true;
          }
          if (seen.has(row)) continue;
          const target = rowAccount(adapter, list, row);
          seen.set(row, target);
          if (target) fresh.push({ row, target, kind: list.kind });
        }
      }
      if (remarked) showBar();
      if (!fresh.length) return;
      Promise.all([verdicts.lookup(fresh.map((f) => f.target)), strings()]).then(([replies, current]) => {
        t = current;
        replies.forEach((reply, i) => {
          if (reply && reply.verdict === 'listed' && fresh[i].row.isConnected) addMark(fresh[i].row, fresh[i].kind, fresh[i].target, reply);
        });
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
        // Adding our own marks and bar changes nothing worth a look (removing them does).
        if (records.every((r) => r.removedNodes.length === 0 && [...r.addedNodes].every((n) => ownHosts.has(n)))) return;
        later();
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
      marks: () => marked.filter((m) => m.host.isConnected).map((m) => m.row),
    };
  }

  netral.marks = { createMarks };
})(globalThis);
