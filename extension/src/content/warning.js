// The warning shown before an action on a listed account, and the short notice after a
// replay. Both live in a closed shadow root: page CSS cannot reach inside, page scripts get
// no handle on it (host.shadowRoot is null for them). The dialog is opened with showModal(),
// so it sits in the top layer above any page overlay and the rest of the page is inert.
// If a page script removes the host element, the held action is simply never replayed.
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});
  const ownHosts = new WeakSet();
  // Put where the account goes in a sentence, so the account can be set in bold.
  const ACCOUNT_MARK = '\uE000';

  // Inline !important beats any page stylesheet, !important or not.
  const HOST_STYLE = 'all: initial !important; display: block !important; position: fixed !important;'
    + ' inset: 0 auto auto 0 !important; width: 0 !important; height: 0 !important;'
    + ' z-index: 2147483647 !important; visibility: visible !important; opacity: 1 !important;';

  // Sizes in em from the user's default font size (font-size: medium on the host: not rem,
  // which the page could shrink through its root element), and a width capped by the
  // viewport, keep it readable at 200% zoom.
  const CSS = `
    :host { all: initial; font-size: medium; }
    dialog {
      box-sizing: border-box; width: min(34em, calc(100vw - 2em)); max-height: calc(100vh - 2em);
      overflow: auto; padding: 1.5em; border: 0.2em solid #b3261e; border-radius: 0.75em;
      background: #fff; color: #1c1b1f; font: 1em/1.5 system-ui, sans-serif; text-align: left;
    }
    dialog::backdrop { background: rgba(0, 0, 0, 0.6); }
    h2 { margin: 0 0 0.75em; font-size: 1.35em; line-height: 1.3; color: #b3261e; }
    p { margin: 0 0 0.75em; }
    dl { margin: 0 0 0.75em; display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 0.75em; }
    dt { font-weight: 600; }
    dd { margin: 0; overflow-wrap: anywhere; }
    .account { font-weight: 700; overflow-wrap: anywhere; }
    .rule { padding: 0.75em; background: #fdecea; border-radius: 0.5em; }
    .meta { font-size: 0.9em; color: #49454f; }
    /* The buttons stay in view at the bottom while a long warning scrolls (small screens, zoom). */
    .buttons {
      display: flex; flex-wrap: wrap; gap: 0.75em; justify-content: flex-end; margin-top: 1em;
      position: sticky; bottom: -1.5em; padding: 0.75em 0 1.5em; margin-bottom: -1.5em; background: #fff;
    }
    button {
      font: inherit; padding: 0.6em 1.2em; border-radius: 0.5em; cursor: pointer;
      border: 0.1em solid #49454f; background: #fff; color: #1c1b1f;
    }
    button.primary { background: #b3261e; border-color: #b3261e; color: #fff; font-weight: 700; }
    button:focus-visible { outline: 0.2em solid #1a73e8; outline-offset: 0.15em; }
    a { color: #0b57d0; }
    .notice {
      position: fixed; left: 50%; bottom: 1.5em; transform: translateX(-50%);
      max-width: calc(100vw - 2em); box-sizing: border-box; padding: 0.75em 1.25em;
      border-radius: 0.5em; background: #1c1b1f; color: #fff; font: 1em/1.4 system-ui, sans-serif;
      pointer-events: none;   /* a notice never takes a click meant for the page */
    }
  `;

  function element(doc, tag, attributes = {}, text = null) {
    const node = doc.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== null) node.textContent = text;
    return node;
  }

  function attachShadowHost(doc) {
    const host = doc.createElement('div');
    host.setAttribute('style', HOST_STYLE);
    const shadow = host.attachShadow({ mode: 'closed' });
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      shadow.adoptedStyleSheets = [sheet];
    } catch {
      shadow.append(element(doc, 'style', {}, CSS)); // browsers without constructable sheets here
    }
    // Keys and clicks inside the warning are not the page's business (X's "l" shortcut, ...).
    for (const type of ['keydown', 'keyup', 'keypress', 'click', 'dblclick', 'mousedown', 'pointerdown']) {
      shadow.addEventListener(type, (event) => event.stopPropagation());
    }
    ownHosts.add(host);
    (doc.body || doc.documentElement).append(host);
    return { host, shadow };
  }

  function formatDate(iso, language) {
    const date = new Date(iso);
    if (!iso || Number.isNaN(date.getTime())) return '—';
    return date.toLocaleDateString(language === 'en' ? 'en-GB' : 'id-ID', {
      year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC',
    });
  }

  function entityList(doc, t, entity) {
    const list = element(doc, 'dl');
    const rows = [
      ['entityName', entity.name], ['entityRole', entity.role], ['entityParty', entity.party],
      ['entityElection', entity.election], ['entityRegion', entity.region],
    ];
    for (const [key, value] of rows) {
      if (!value) continue;
      list.append(element(doc, 'dt', {}, t(key)), element(doc, 'dd', {}, String(value)));
    }
    return list;
  }

  function contactParagraph(doc, t, contact) {
    const paragraph = element(doc, 'p', { class: 'meta' });
    const label = contact.text || t('contactDefault');
    if (contact.url) {
      const link = element(doc, 'a', { href: contact.url, target: '_blank', rel: 'noopener noreferrer' }, label);
      paragraph.append(t('contactLine', '').trim(), ' ', link);
    } else {
      paragraph.textContent = t('contactLine', label);
    }
    return paragraph;
  }

  // Tab and Shift+Tab cycle between the dialog's own buttons and links; moved by hand so it
  // behaves the same in every browser and never leaves the dialog.
  function keepFocusInside(dialog) {
    dialog.addEventListener('keydown', (event) => {
      if (event.key !== 'Tab') return;
      event.preventDefault();
      const focusable = [...dialog.querySelectorAll('button, a[href]')];
      const current = focusable.indexOf(event.target);
      const step = event.shiftKey ? -1 : 1;
      focusable[(current + step + focusable.length) % focusable.length].focus();
    });
  }

  /**
   * Shows the warning and resolves 'cancel' or 'proceed'.
   * view: {kind: 'listed'|'unchecked', allowProceed, action, accountLabel, entity, list,
   *        contact: {text, url}, language, t}
   */
  function showWarning(doc, view) {
    const { t } = view;
    const { host, shadow } = attachShadowHost(doc);
    const dialog = element(doc, 'dialog', {
      role: 'alertdialog', 'aria-modal': 'true',
      'aria-labelledby': 'netral-title', 'aria-describedby': 'netral-summary',
      'data-netral': 'warning',
    });
    const listed = view.kind === 'listed';
    dialog.append(element(doc, 'h2', { id: 'netral-title' }, t(listed ? 'warningTitle' : 'uncheckedTitle')));

    const summary = element(doc, 'p', { id: 'netral-summary' });
    const sentence = listed ? t(`action_${view.action}`, ACCOUNT_MARK) : t('uncheckedBody', ACCOUNT_MARK);
    const [before, after = ''] = sentence.split(ACCOUNT_MARK);
    summary.append(before, element(doc, 'span', { class: 'account' }, view.accountLabel), after);
    dialog.append(summary);

    if (listed && view.entity) {
      dialog.append(element(doc, 'p', {}, t('entityIntro')), entityList(doc, t, view.entity));
    }
    dialog.append(element(doc, 'p', { class: 'rule' }, t('ruleText')));
    if (listed && view.list) {
      dialog.append(element(doc, 'p', { class: 'meta' }, t('listLine', view.list.version,
        formatDate(view.list.issued, view.language), view.list.issuer || '—')));
      if (view.list.stale) dialog.append(element(doc, 'p', { class: 'meta' }, t('listStale')));
    }
    if (!view.allowProceed) dialog.append(element(doc, 'p', {}, t('blockedNote')));
    dialog.append(contactParagraph(doc, t, view.contact || {}));

    const buttons = element(doc, 'div', { class: 'buttons' });
    const cancel = element(doc, 'button', { type: 'button', class: 'primary', 'data-netral': 'cancel', autofocus: '' }, t('cancel'));
    buttons.append(cancel);
    let proceed = null;
    if (view.allowProceed) {
      proceed = element(doc, 'button', { type: 'button', 'data-netral': 'proceed' }, t('proceed'));
      buttons.append(proceed);
    }
    dialog.append(buttons);
    shadow.append(dialog);
    keepFocusInside(dialog);

    return new Promise((resolve) => {
      const finish = (choice) => {
        if (typeof dialog.close === 'function' && dialog.open) dialog.close();
        host.remove();
        resolve(choice);
      };
      cancel.addEventListener('click', () => finish('cancel'));
      if (proceed) proceed.addEventListener('click', () => finish('proceed'));
      dialog.addEventListener('cancel', (event) => { event.preventDefault(); finish('cancel'); });
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');   // no top layer here (jsdom): still shown
      cancel.focus({ preventScroll: true });   // the title stays in view on small screens
      dialog.scrollTop = 0;
    });
  }

  /** A short polite notice at the bottom of the page, gone after a few seconds. */
  function showNotice(doc, text, durationMs = 6000) {
    const { host, shadow } = attachShadowHost(doc);
    const notice = element(doc, 'div', { class: 'notice', role: 'status', 'data-netral': 'notice' }, text);
    shadow.append(notice);
    setTimeout(() => host.remove(), durationMs);
    return host;
  }

  function isOwn(node) {
    return ownHosts.has(node);
  }

  netral.warning = { showWarning, showNotice, isOwn };
})(globalThis);
