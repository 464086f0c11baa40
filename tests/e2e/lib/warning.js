// The warning as the user sees it, found the way no page script can. In the page: our
// element's closed shadow root holds an open <dialog> with the warning's extension-origin
// <iframe>; the DevTools protocol sees into closed shadow roots (DOM.getDocument with
// pierce), which is how the test finds that frame element and checks where it sits. What the
// warning says is inside the frame (an out-of-process frame in Chromium): the test reads it
// and presses its buttons through puppeteer's handle on that frame, with real mouse input.
import { waitingFor } from './lifetime.js';

const FRAME_PATH = '/src/warning/warning.html';

function walk(node, visit, ancestors = []) {
  if (visit(node, ancestors)) return node;
  const inside = [...ancestors, node];
  for (const child of [...(node.children || []), ...(node.shadowRoots || []), ...(node.contentDocument ? [node.contentDocument] : [])]) {
    const found = walk(child, visit, inside);
    if (found) return found;
  }
  return null;
}

function attribute(node, name) {
  const attributes = node.attributes || [];
  for (let i = 0; i < attributes.length; i += 2) if (attributes[i] === name) return attributes[i + 1];
  return null;
}

// A function that puppeteer can run with the element as `this`, from the source of
// `function () { ... }` (no eval in the page: puppeteer sends this function's own text).
function asMethod(functionSource) {
  // eslint-disable-next-line no-new-func
  return new Function('element', `return (${functionSource}).call(element);`);
}

export class WarningProbe {
  constructor(page, cdp) {
    this.page = page;
    this.cdp = cdp;
  }

  static async attach(page) {
    return new WarningProbe(page, await page.createCDPSession());
  }

  /** Our frame element in the page: {backendNodeId, closedRoot, shown, notice} or null. */
  async frameElement() {
    const { root } = await this.cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    let found = null;
    walk(root, (node, ancestors) => {
      if (node.nodeName !== 'IFRAME' || !(attribute(node, 'src') || '').endsWith(FRAME_PATH)) return false;
      const dialog = ancestors.findLast((ancestor) => ancestor.nodeName === 'DIALOG');
      found = {
        backendNodeId: node.backendNodeId,
        closedRoot: ancestors.some((ancestor) => ancestor.shadowRootType === 'closed'),
        shown: Boolean(dialog) && attribute(dialog, 'open') !== null,   // modal: only a warning
        notice: Boolean(dialog) && /\bnotice\b/.test(attribute(dialog, 'class') || ''),
        dialogBackendNodeId: dialog ? dialog.backendNodeId : null,
      };
      return true;
    });
    return found;
  }

  /** The warning's frame (puppeteer's Frame), or null before it is added. */
  frame() {
    return this.page.frames().find((frame) => frame.url().endsWith(FRAME_PATH) && !frame.detached) || null;
  }

  /**
   * The warning shown, or null when none is: a node (its handle is the warning's dialog in
   * the frame) with {closedRoot, frame, outer, cancel, proceed}; cancel and proceed are nodes
   * too (proceed is null in block mode) and outer is our frame element in the page.
   */
  async find() {
    const outer = await this.frameElement();
    if (!outer || !outer.shown || outer.notice) return null;
    const frame = this.frame();
    if (!frame) return null;
    const node = async (selector) => {
      const handle = await frame.$(selector).catch(() => null);
      return handle ? { handle } : null;
    };
    const dialog = await node('[role="alertdialog"]');
    if (!dialog) return null;
    return {
      handle: dialog.handle, closedRoot: outer.closedRoot, frame, outer,
      cancel: await node('[data-netral="cancel"]'), proceed: await node('[data-netral="proceed"]'),
    };
  }

  /** Waits (polling, bounded) until a warning is shown, or until none is. */
  async waitFor(shown, timeoutMs = 5000) {
    return waitingFor(shown ? 'the warning to appear' : 'the warning to go away', async () => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = await this.find();
        if (Boolean(found) === shown) return found;
        if (Date.now() > deadline) throw new Error(shown ? 'no warning appeared' : 'the warning did not go away');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    });
  }

  /** The notices the frame shows: [{seq, text}]. */
  async notices() {
    const outer = await this.frameElement();
    const frame = this.frame();
    if (!outer || !outer.notice || !frame) return [];
    return frame.evaluate(() => [...document.querySelectorAll('[data-netral="notice"]')]
      .map((node) => ({ seq: node.dataset.seq, text: node.innerText }))).catch(() => []);
  }

  /** Waits until a notice whose seq is not in BEFORE is shown; returns its text. */
  async waitForNewNotice(before, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fresh = (await this.notices()).find((notice) => !before.has(notice.seq));
      if (fresh) return fresh.text;
      if (Date.now() > deadline) throw new Error('no notice appeared');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Runs FUNCTION_SOURCE (`function () {…}`) with `this` bound to the node; returns its (JSON) result. */
  async evaluateOn(node, functionSource) {
    return node.handle.evaluate(asMethod(functionSource));
  }

  /** Runs FUNCTION_SOURCE on an element of the page itself (by backend node id), closed shadow roots included. */
  async evaluateOnPage(backendNodeId, functionSource) {
    const { object } = await this.cdp.send('DOM.resolveNode', { backendNodeId });
    const { result } = await this.cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId, functionDeclaration: functionSource, returnByValue: true,
    });
    return result.value;
  }

  async text(node) {
    return node.handle.evaluate((element) => element.innerText);
  }

  /**
   * A real mouse click in the middle of the node (scrolled into view first, as a user would).
   * The frame has just been shown: wait until it and the page have drawn twice, as a person
   * sees it only then. Until the page has drawn the opened dialog, the browser still routes
   * the pointer by the page's last frame, in which the warning's frame was not there yet.
   */
  async press(node) {
    await node.handle.evaluate(() => {
      // What reached the frame, for a test that fails to say so.
      if (!window.__probeInput) {
        window.__probeInput = [];
        for (const type of ['pointerdown', 'click']) {
          window.addEventListener(type, (event) => window.__probeInput.push(`${type} ${event.target.dataset?.netral || event.target.nodeName}`), true);
        }
      }
      return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    });
    await this.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await node.handle.click();
  }

  /** What input reached the warning's frame since the first press (see press). */
  async inputSeen() {
    const frame = this.frame();
    return frame ? frame.evaluate(() => (window.__probeInput || []).join(', ')).catch((error) => error.message) : 'no frame';
  }
}
