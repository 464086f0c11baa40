// The warning shown before an action on a listed account, and the short notice after a
// replay, as the page around them sees them: one element of ours, added once while the page
// is idle (not when a warning opens), a 0×0 fixed <div> whose closed shadow root holds a
// <dialog> with an extension-origin <iframe> (warning/warning.html). What the warning says is
// rendered only inside that frame: page scripts cannot read another origin's document
// (window.find, getSelection, innerText and their MutationObservers stop at it), page CSS
// cannot reach into the shadow root or the frame, and the frame always fills the viewport,
// so its size says nothing either. Opening a warning changes nothing the page can observe
// in its DOM: showModal() acts inside the closed shadow root, puts the dialog in the top
// layer above any page overlay and makes the rest of the page inert.
//
// The content script talks to the frame over a MessagePort it posts to the frame, addressed
// to the extension's origin, with a random token the frame knows from its name (see
// warning/frame-main.js). A frame that is removed, moved, restyled or navigated by the page
// counts as Batalkan: the held action is dropped, and the next one is judged on a new frame.
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});
  const READY_WITHIN_MS = 3000;   // a warning the frame has not shown by then is given up

  // Inline !important beats any page stylesheet, !important or not.
  const HOST_STYLE = 'all: initial !important; display: block !important; position: fixed !important;'
    + ' inset: 0 auto auto 0 !important; width: 0 !important; height: 0 !important;'
    + ' z-index: 2147483647 !important; visibility: visible !important; opacity: 1 !important;';

  // The dialog and its frame fill the viewport; the frame draws the warning (or the notice).
  const CSS = `
    :host { all: initial; }
    /* Open (showModal) for a warning; shown by its class, without the top layer, for a notice. */
    dialog {
      display: none; position: fixed; inset: 0; width: auto; height: auto; max-width: none; max-height: none;
      margin: 0; padding: 0; border: 0; background: transparent; overflow: hidden;
      visibility: visible; opacity: 1;
    }
    dialog[open], dialog.notice { display: block; }
    dialog.notice { pointer-events: none; }   /* a notice never takes a click */
    dialog::backdrop { background: rgba(0, 0, 0, 0.6); }
    iframe { display: block; width: 100%; height: 100%; border: 0; background: transparent; color-scheme: light; }
    /* An element of ours over a corner of the frame: Chromium then routes each click over the
       frame by this document's layout at that moment, not by the last frame it drew, so a
       click just after the warning opens or closes lands where the user sees it (without it,
       1 click in 30 right after opening and 2 in 5 right after closing went astray here). */
    .edge { position: absolute; left: 0; top: 0; width: 1px; height: 1px; }
    .fallback {
      position: fixed; left: 50%; bottom: 1.5em; transform: translateX(-50%); font-size: medium;
      max-width: calc(100vw - 2em); box-sizing: border-box; padding: 0.75em 1.25em; pointer-events: none;
      border-radius: 0.5em; background: #1c1b1f; color: #fff; font: 1em/1.4 system-ui, sans-serif;
    }
  `;

  function randomToken() {
    const bytes = new Uint8Array(16);
    root.crypto.getRandomValues(bytes);
    return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  }

  // Each time the frame loads, a fresh MessageChannel: one end kept, the other posted to the
  // frame, addressed to the extension's origin (if the frame was navigated elsewhere, the
  // post goes nowhere). A load after the first means the frame was navigated: RELOADED.
  function connectByPostMessage({ iframe, token, origin, onPort, onReload }) {
    let loads = 0;
    iframe.addEventListener('load', () => {
      loads += 1;
      if (loads > 1) { onReload(); return; }
      const channel = new root.MessageChannel();
      iframe.contentWindow.postMessage({ netral: 'connect', token }, origin, [channel.port2]);
      onPort(channel.port1);
    });
  }

  /**
   * @param window      the page's window
   * @param frameUrl    runtime.getURL('src/warning/warning.html') (Chromium: a per-session URL)
   * @param frameOrigin the extension's origin, where the port is posted
   * @param connectFrame how the port reaches the frame (tests stand in for the browser)
   * @param readyWithinMs how long a warning may wait for the frame before it is given up
   */
  function createWarnings({
    window, frameUrl, frameOrigin, connectFrame = connectByPostMessage, readyWithinMs = READY_WITHIN_MS,
  }) {
    const doc = window.document;
    const ownHosts = new WeakSet();
    let surface = null;   // {host, shadow, dialog, iframe, port, ready, alive, pending, observer}
    let open = null;      // what is shown: {id, kind: 'warning'|'notice', surface, resolve, timer}
    let nextId = 1;
    let config = { messages: null, language: 'id', fallbackText: () => '' };

    function element(tag, attributes = {}, text = null) {
      const node = doc.createElement(tag);
      for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
      if (text !== null) node.textContent = text;
      return node;
    }

    function attachShadowHost() {
      const host = element('div', { style: HOST_STYLE });
      const shadow = host.attachShadow({ mode: 'closed' });
      try {
        const sheet = new window.CSSStyleSheet();
        sheet.replaceSync(CSS);
        shadow.adoptedStyleSheets = [sheet];
      } catch {
        shadow.append(element('style', {}, CSS)); // browsers without constructable sheets here
      }
      // Keys and clicks on our element are not the page's business (X's "l" shortcut, ...).
      for (const type of ['keydown', 'keyup', 'keypress', 'click', 'dblclick', 'mousedown', 'pointerdown']) {
        shadow.addEventListener(type, (event) => event.stopPropagation());
      }
      ownHosts.add(host);
      return { host, shadow };
    }

    // Messages wait until the frame says it is ready; of the content, only the latest counts.
    function send(s, message) {
      if (message.type === 'configure') s.pending.configure = message;
      else s.pending.content = message;
      if (!s.ready || !s.port) return;
      for (const key of ['configure', 'content']) {
        if (s.pending[key]) s.port.postMessage(s.pending[key]);
        s.pending[key] = null;
      }
    }

    function onFrameMessage(s, message) {
      if (!s.alive || !message) return;
      if (message.type === 'ready') {
        s.ready = true;
        send(s, { type: 'configure', messages: config.messages });
      } else if (message.type === 'shown' && open && open.id === message.id) {
        // Shown: a warning is no longer at risk of being given up; a notice starts its time.
        window.clearTimeout(open.timer);
        const { id, kind, durationMs } = open;
        open.timer = kind === 'notice' ? window.setTimeout(() => settle(null, id), durationMs) : null;
      } else if (message.type === 'choice' && open && open.id === message.id && open.kind === 'warning') {
        settle(message.choice === 'proceed' ? 'proceed' : 'cancel', message.id);
      }
    }

    function build() {
      const { host, shadow } = attachShadowHost();
      const dialog = element('dialog');
      const iframe = element('iframe', { title: 'Netral' });
      const token = randomToken();
      iframe.name = token;        // before the frame loads: it reads its token from its name
      iframe.src = frameUrl;
      dialog.append(iframe, element('div', { class: 'edge' }));
      shadow.append(dialog);
      const s = {
        host, shadow, dialog, iframe, port: null, ready: false, alive: true, pending: {}, observer: null,
      };
      // Escape while the focus is on our dialog rather than in the frame.
      dialog.addEventListener('cancel', (event) => {
        event.preventDefault();
        if (open && open.kind === 'warning' && open.surface === s) settle('cancel', open.id);
      });
      connectFrame({
        iframe, token, origin: frameOrigin,
        onPort: (port) => {
          s.port = port;
          port.onmessage = (event) => onFrameMessage(s, event.data);
        },
        onReload: () => discard(s),
      });
      // The page removing, moving or restyling our element ends what it shows (Batalkan).
      s.observer = new window.MutationObserver((records) => {
        const tampered = host.parentNode !== doc.documentElement
          || records.some((record) => record.type === 'attributes' && record.target === host);
        if (tampered) discard(s);
      });
      doc.documentElement.append(host);
      s.observer.observe(doc, { childList: true });
      s.observer.observe(doc.documentElement, { childList: true });
      s.observer.observe(host, { attributes: true });
      surface = s;
      return s;
    }

    function usableSurface() {
      if (surface && surface.alive && surface.host.parentNode === doc.documentElement) return surface;
      if (surface) discard(surface);
      return build();
    }

    function closeDialog(dialog) {
      if (typeof dialog.close === 'function' && dialog.open) dialog.close();
      dialog.removeAttribute('open');
      dialog.className = '';
    }

    function discard(s) {
      if (!s.alive) return;
      s.alive = false;
      s.observer.disconnect();
      if (s.port) s.port.onmessage = null;
      if (surface === s) surface = null;
      if (s.host.isConnected) s.host.remove();
      if (open && open.surface === s) settle(open.kind === 'warning' ? 'cancel' : null, open.id);
    }

    function settle(choice, id) {
      if (!open || open.id !== id) return;
      const current = open;
      open = null;
      window.clearTimeout(current.timer);
      const s = current.surface;
      if (s.alive) {
        closeDialog(s.dialog);
        send(s, { type: 'hide' });
      }
      if (current.resolve) current.resolve(choice);
    }

    // The frame did not show the warning in time (it could not load): Batalkan, and a notice
    // in the page that says only that the action was stopped.
    function givenUp(s, id) {
      if (!open || open.id !== id) return;
      discard(s);
      fallbackNotice(config.fallbackText());
    }

    function fallbackNotice(text) {
      if (!text) return;
      const { host, shadow } = attachShadowHost();
      shadow.append(element('div', { class: 'fallback', role: 'status' }, text));
      doc.documentElement.append(host);
      window.setTimeout(() => host.remove(), 8000);
    }

    /**
     * Shows the warning for VIEW (see warning/frame.js) and resolves 'cancel' or 'proceed'.
     * It always settles: a warning the page takes away, or that cannot be shown, is 'cancel'.
     */
    function show(view) {
      if (open) settle(open.kind === 'warning' ? 'cancel' : null, open.id);
      const id = nextId;
      nextId += 1;
      return new Promise((resolve) => {
        let s = null;
        try {
          s = usableSurface();
          open = { id, kind: 'warning', surface: s, resolve, timer: null };
          const { dialog, iframe } = s;
          // The frame first: it builds the warning while this page opens the dialog.
          send(s, { type: 'show', id, view });
          closeDialog(dialog);   // a notice
          if (typeof dialog.showModal === 'function') dialog.showModal();
          else dialog.setAttribute('open', '');   // no top layer here (jsdom): still shown
          if (s.shadow.activeElement !== iframe) iframe.focus({ preventScroll: true });
          open.timer = window.setTimeout(() => givenUp(s, id), readyWithinMs);
        } catch (error) {
          console.error('Netral:', error);
          if (s) discard(s);
          if (open && open.id === id) settle('cancel', id);
          resolve('cancel');
        }
      });
    }

    /** A short polite notice (a message key) at the bottom of the page, gone after a while. */
    function notice(key, durationMs = 6000) {
      if (open && open.kind === 'warning') return;   // never over a warning
      if (open) settle(null, open.id);
      const s = usableSurface();
      const id = nextId;
      nextId += 1;
      open = { id, kind: 'notice', surface: s, resolve: null, timer: null, durationMs };
      // Shown by its class, not show(): a notice takes neither the focus nor the top layer.
      s.dialog.className = 'notice';
      send(s, { type: 'notice', id, key, language: config.language });
      open.timer = window.setTimeout(() => settle(null, id), durationMs + readyWithinMs);
    }

    /** The locale forced by policy (messages, or null for the browser's) and the language. */
    function configure({ messages = null, language = 'id', fallbackText = () => '' }) {
      config = { messages, language, fallbackText };
      if (surface && surface.alive) send(surface, { type: 'configure', messages });
    }

    /** Adds the frame ahead of the first warning, so that a warning opens at once. */
    function prepare() {
      if (doc.documentElement) usableSurface();
    }

    return {
      show, notice, configure, prepare,
      isOwn: (node) => ownHosts.has(node),
      isOpen: () => Boolean(open && open.kind === 'warning'),
    };
  }

  netral.warning = { createWarnings };
})(globalThis);
