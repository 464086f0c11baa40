// The warning's own page, loaded in an extension-origin frame that the content script keeps
// in a closed shadow root (content/warning.js). What the warning says lives only here: the
// page around it cannot read another origin's document (window.find, getSelection, innerText
// and its MutationObservers stop at the frame), and no page stylesheet reaches inside. The
// content script sends what to show over a MessagePort and hears the user's choice back.
//
// Messages in: {type: 'configure', messages} (a locale forced by policy, or null for the
// browser's), {type: 'show', id, view}, {type: 'notice', id, key, language}, {type: 'hide'}.
// Messages out: {type: 'ready'}, {type: 'shown', id}, {type: 'choice', id, choice}.
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});
  // Put where the account goes in a sentence, so the account can be set in bold.
  const ACCOUNT_MARK = '\uE000';
  // A reason (acknowledgeWith "reason") of at least this many characters lets the employee go on.
  const MIN_REASON_CHARS = 10;
  const MAX_REASON_CHARS = 500;

  function element(doc, tag, attributes = {}, text = null) {
    const node = doc.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== null) node.textContent = text;
    return node;
  }

  // One formatter per language, made ahead (making one takes milliseconds; using it, not).
  const dateFormats = new Map();
  function dateFormat(language) {
    const locale = language === 'en' ? 'en-GB' : 'id-ID';
    if (!dateFormats.has(locale)) {
      dateFormats.set(locale, new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }));
    }
    return dateFormats.get(locale);
  }

  function formatDate(iso, language) {
    const date = new Date(iso);
    if (!iso || Number.isNaN(date.getTime())) return '—';
    return dateFormat(language).format(date);
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

  // Only https: and mailto: links (the policy reader already drops anything else).
  function contactParagraph(doc, t, contact) {
    const paragraph = element(doc, 'p', { class: 'meta' });
    const label = contact.text || t('contactDefault');
    if (contact.url && /^(https:\/\/|mailto:)/i.test(contact.url)) {
      const link = element(doc, 'a', { href: contact.url, target: '_blank', rel: 'noopener noreferrer' }, label);
      paragraph.append(t('contactLine', '').trim(), ' ', link);
    } else {
      paragraph.textContent = t('contactLine', label);
    }
    return paragraph;
  }

  // The agency's own guidance (policy guidanceText, guidanceUrl): its text, and an https: link.
  function guidanceParagraph(doc, t, guidance) {
    const url = guidance.url && /^https:\/\//i.test(guidance.url) ? guidance.url : '';
    if (!guidance.text && !url) return null;
    const paragraph = element(doc, 'p', { class: 'guidance', 'data-netral': 'guidance' });
    if (guidance.text) paragraph.append(guidance.text);
    if (url) {
      if (guidance.text) paragraph.append(' ');
      paragraph.append(element(doc, 'a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, t('guidanceLink')));
    }
    return paragraph;
  }

  // What the employee must do before going on in acknowledge mode: tick the box, or type a
  // reason. The reason is only read here to enable the button: it is never sent or kept.
  function acknowledgement(doc, t, how) {
    const label = element(doc, 'label', { class: `acknowledge ${how === 'reason' ? 'reason' : 'tick'}` });
    if (how === 'reason') {
      const input = element(doc, 'textarea', { 'data-netral': 'reason', rows: '2', maxlength: String(MAX_REASON_CHARS) });
      label.append(element(doc, 'span', {}, t('reasonLabel', String(MIN_REASON_CHARS))), input);
      return { label, input, done: () => input.value.trim().length >= MIN_REASON_CHARS };
    }
    const input = element(doc, 'input', { type: 'checkbox', 'data-netral': 'acknowledge' });
    label.append(input, ' ', t('acknowledgeLabel'));
    return { label, input, done: () => input.checked };
  }

  /**
   * The warning card for VIEW: {kind: 'listed'|'unchecked', allowProceed, acknowledge ('tick',
   * 'reason' or null), action, accountLabel, entity, list, contact: {text, url},
   * guidance: {text, url}, language}. With acknowledge, going on needs the box ticked (or a
   * reason typed) first: the button is disabled until then.
   * @returns {card, cancel, proceed (null in block mode), acknowledge ({input, done()} or null)}
   */
  function renderWarning(doc, view, t) {
    const listed = view.kind === 'listed';
    const card = element(doc, 'div', {
      class: 'card', role: 'alertdialog', 'aria-modal': 'true',
      'aria-labelledby': 'netral-title', 'aria-describedby': 'netral-summary',
      'data-netral': 'warning',
    });
    card.append(element(doc, 'h2', { id: 'netral-title' }, t(listed ? 'warningTitle' : 'uncheckedTitle')));

    const summary = element(doc, 'p', { id: 'netral-summary' });
    const sentence = !listed ? t('uncheckedBody', ACCOUNT_MARK)
      : t(view.mention ? `mention_${view.action}` : `action_${view.action}`, ACCOUNT_MARK);
    const [before, after = ''] = sentence.split(ACCOUNT_MARK);
    summary.append(before, element(doc, 'span', { class: 'account' }, view.accountLabel), after);
    card.append(summary);

    if (listed && view.entity) {
      card.append(element(doc, 'p', {}, t('entityIntro')), entityList(doc, t, view.entity));
    }
    card.append(element(doc, 'p', { class: 'rule' }, t('ruleText')));
    const guidance = guidanceParagraph(doc, t, view.guidance || {});
    if (guidance) card.append(guidance);
    if (listed && view.list) {
      card.append(element(doc, 'p', { class: 'meta' }, t('listLine', view.list.version,
        formatDate(view.list.issued, view.language), view.list.issuer || '—')));
      if (view.list.stale) card.append(element(doc, 'p', { class: 'meta' }, t('listStale')));
      else if (view.list.outOfDateSince) {
        card.append(element(doc, 'p', { class: 'meta' },
          t('listOutOfDateSince', formatDate(view.list.outOfDateSince, view.language))));
      }
    }
    if (!view.allowProceed) card.append(element(doc, 'p', {}, t('blockedNote')));
    card.append(contactParagraph(doc, t, view.contact || {}));

    // The box sits with the buttons, which stay in view while a long warning scrolls.
    const buttons = element(doc, 'div', { class: 'buttons' });
    const acknowledge = view.allowProceed && view.acknowledge ? acknowledgement(doc, t, view.acknowledge) : null;
    if (acknowledge) buttons.append(acknowledge.label);
    const cancel = element(doc, 'button', { type: 'button', class: 'primary', 'data-netral': 'cancel' }, t('cancel'));
    buttons.append(cancel);
    let proceed = null;
    if (view.allowProceed) {
      proceed = element(doc, 'button', { type: 'button', 'data-netral': 'proceed' }, t('proceed'));
      if (acknowledge) {
        proceed.disabled = true;
        const update = () => { proceed.disabled = !acknowledge.done(); };
        acknowledge.input.addEventListener('change', update);
        acknowledge.input.addEventListener('input', update);
      }
      buttons.append(proceed);
    }
    card.append(buttons);
    return { card, cancel, proceed, acknowledge };
  }

  /**
   * Runs the frame's side of the protocol in WINDOW. I18N is the browser's i18n API (used
   * unless a 'configure' message brings a locale forced by policy).
   * @returns {connect(port)}: starts talking to the content script over PORT
   */
  function createFrame({ window, i18n }) {
    const doc = window.document;
    let port = null;
    let t = netral.strings.create(null, i18n);
    let current = null;     // the warning shown: {id, card, cancel, proceed}
    let notices = 0;

    function post(message) {
      if (port) port.postMessage(message);
    }

    function clear() {
      current = null;
      doc.documentElement.className = '';
      doc.body.replaceChildren();
    }

    function choose(choice) {
      if (!current) return;
      const { id } = current;
      clear();
      post({ type: 'choice', id, choice });
    }

    function show({ id, view }) {
      clear();
      doc.documentElement.lang = view.language === 'en' ? 'en' : 'id';
      doc.documentElement.className = 'warning';
      const parts = renderWarning(doc, view, t);
      parts.cancel.addEventListener('click', () => choose('cancel'));
      if (parts.proceed) {
        parts.proceed.addEventListener('click', () => {
          if (!parts.proceed.disabled && (!parts.acknowledge || parts.acknowledge.done())) choose('proceed');
        });
      }
      doc.body.append(parts.card);
      current = { id, ...parts };
      parts.cancel.focus({ preventScroll: true });   // the title stays in view on small screens
      if (window.performance && window.performance.mark) window.performance.mark('netral-warning-shown');
      post({ type: 'shown', id });
    }

    function notice({ id, key, language }) {
      clear();
      doc.documentElement.lang = language === 'en' ? 'en' : 'id';
      notices += 1;
      doc.body.append(element(doc, 'div', {
        class: 'notice', role: 'status', 'data-netral': 'notice', 'data-seq': String(notices),
      }, t(key)));
      post({ type: 'shown', id });
    }

    const handlers = {
      configure: ({ messages }) => { t = netral.strings.create(messages || null, i18n); },
      show,
      notice,
      hide: clear,
    };

    // Escape is Batalkan; Tab and Shift+Tab cycle between the warning's own buttons, links and
    // box, moved by hand so it behaves the same in every browser and never leaves. Enter on the
    // box does nothing (only Space or a click ticks it): no single Enter goes on.
    doc.addEventListener('keydown', (event) => {
      if (!current) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        choose('cancel');
      } else if (event.key === 'Enter' && current.acknowledge && event.target === current.acknowledge.input
        && current.acknowledge.input.type === 'checkbox') {
        event.preventDefault();
      } else if (event.key === 'Tab') {
        event.preventDefault();
        const focusable = [...current.card.querySelectorAll('button:not([disabled]), a[href], input, textarea')];
        const at = focusable.indexOf(doc.activeElement);
        const step = event.shiftKey ? -1 : 1;
        focusable[(at + step + focusable.length) % focusable.length].focus();
      }
    }, true);
    // The content script focuses the frame as the warning opens; the focus then goes to
    // Batalkan (a frame cannot take the focus on its own before that).
    window.addEventListener('focus', () => {
      if (current && !current.card.contains(doc.activeElement)) current.cancel.focus({ preventScroll: true });
    });

    function connect(messagePort) {
      port = messagePort;
      port.onmessage = (event) => {
        const message = event.data;
        const handler = message && Object.hasOwn(handlers, message.type) ? handlers[message.type] : null;
        if (handler) handler(message);
      };
      post({ type: 'ready' });
      dateFormat('id');
      dateFormat('en');
    }

    return { connect };
  }

  netral.warningFrame = { createFrame, renderWarning };
})(globalThis);
