// The content script's line to the service worker: one persistent runtime.connect port per
// page, requests matched to replies by id. A message on an open port is one hop each way;
// runtime.sendMessage opens and closes a channel per request, which on the click path cost
// milliseconds. When the port closes (the worker restarted, the page went into the
// back/forward cache), what was pending fails at once and the next request opens a new port.
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});

  /**
   * @param connect (info) → Port, i.e. runtime.connect
   * @param onPush  (envelope) → void: what the worker sends unasked ({push: 'sites', document})
   * @returns {request(message) → Promise of the reply}; a refused message rejects
   */
  function createChannel({ connect, name = 'netral', onPush = () => {} }) {
    let port = null;
    let nextId = 1;
    const pending = new Map();   // id → {resolve, reject, port}

    function open() {
      const opened = connect({ name });
      opened.onMessage.addListener((envelope) => {
        if (envelope && typeof envelope.push === 'string') {
          onPush(envelope);
          return;
        }
        const entry = envelope && pending.get(envelope.id);
        if (!entry) return;
        pending.delete(envelope.id);
        if (envelope.error) entry.reject(new Error(envelope.error.message || 'refused'));
        else entry.resolve(envelope.reply);
      });
      opened.onDisconnect.addListener(() => {
        if (port === opened) port = null;
        for (const [id, entry] of pending) {
          if (entry.port !== opened) continue;
          pending.delete(id);
          entry.reject(new Error('the service worker closed the port'));
        }
      });
      port = opened;
    }

    function request(message) {
      return new Promise((resolve, reject) => {
        const id = nextId;
        nextId += 1;
        try {
          if (!port) open();
          pending.set(id, { resolve, reject, port });
          port.postMessage({ id, message });
        } catch (error) {   // the extension was reloaded or updated: this context is gone
          pending.delete(id);
          port = null;
          reject(error);
        }
      });
    }

    return { request };
  }

  netral.channel = { createChannel };
})(globalThis);
