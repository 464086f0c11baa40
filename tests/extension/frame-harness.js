// The warning's frame for the jsdom tests: each frame the content script adds gets a second
// jsdom window that runs the real frame scripts (src/warning/), joined to the content script
// by a pair of ports that deliver like a MessageChannel does (a structured clone, later).
import { JSDOM } from 'jsdom';
import { readExtensionFile } from './helpers.js';

export { readExtensionFile };

export const FRAME_URL = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/src/warning/warning.html';
export const FRAME_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const FRAME_SCRIPTS = ['src/common/strings.js', 'src/warning/frame.js'];

/** Two connected ports: what one posts arrives at the other's onmessage, cloned, in a microtask. */
export function portPair() {
  const make = () => ({ onmessage: null, closed: false, peer: null, postMessage(data) {
    const copy = structuredClone(data);
    const { peer } = this;
    queueMicrotask(() => { if (!peer.closed && peer.onmessage) peer.onmessage({ data: copy }); });
  } });
  const a = make();
  const b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** The browser's i18n over MESSAGES (a parsed messages.json). */
export function fakeI18n(messages, substitute) {
  return { getMessage: (key, substitutions = []) => (messages[key] ? substitute(messages[key].message, substitutions) : '') };
}

/** A jsdom window running the frame scripts; returns {window, frame}. */
export function frameWindow(i18nMessages) {
  const dom = new JSDOM('<!DOCTYPE html><html><head></head><body></body></html>', {
    url: FRAME_URL, runScripts: 'outside-only', pretendToBeVisual: true,
  });
  for (const file of FRAME_SCRIPTS) dom.window.eval(readExtensionFile(file));
  const { Netral } = dom.window;
  const frame = Netral.warningFrame.createFrame({ window: dom.window, i18n: fakeI18n(i18nMessages, Netral.strings.substitute) });
  return { window: dom.window, frame };
}

/**
 * A connectFrame for warning.createWarnings: every frame the content script adds is a jsdom
 * window with the frame scripts. connect: 'at once' (the frame is ready as soon as it is
 * added), or 'never' (it never loads). Returns {connectFrame, frames, latest()}.
 */
export function frameConnector({ i18nMessages, connect = 'at once' }) {
  const frames = [];
  function connectFrame({ iframe, token, onPort, onReload }) {
    const entry = { iframe, token, onReload, ...frameWindow(i18nMessages) };
    frames.push(entry);
    if (connect === 'never') return;
    const [pagePort, framePort] = portPair();
    entry.pagePort = pagePort;
    onPort(pagePort);
    entry.frame.connect(framePort);
  }
  return {
    connectFrame,
    frames,
    latest: () => frames[frames.length - 1] || null,
    close: () => frames.forEach((entry) => entry.window.close()),
  };
}
