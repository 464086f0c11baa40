// The warning lives in a closed shadow root, out of reach of page scripts and of
// puppeteer's selectors. The DevTools protocol still sees it (DOM.getDocument with pierce),
// which is how the test finds it, reads it and presses its buttons with real mouse input.
import { waitingFor } from './lifetime.js';

function walk(node, visit) {
  if (visit(node)) return node;
  for (const child of [...(node.children || []), ...(node.shadowRoots || []), ...(node.contentDocument ? [node.contentDocument] : [])]) {
    const found = walk(child, visit);
    if (found) return found;
  }
  return null;
}

function attribute(node, name) {
  const attributes = node.attributes || [];
  for (let i = 0; i < attributes.length; i += 2) if (attributes[i] === name) return attributes[i + 1];
  return null;
}

export class WarningProbe {
  constructor(page, cdp) {
    this.page = page;
    this.cdp = cdp;
  }

  static async attach(page) {
    return new WarningProbe(page, await page.createCDPSession());
  }

  /** The warning dialog as {backendNodeId, closedRoot, cancel, proceed} or null when none is shown. */
  async find() {
    const { root } = await this.cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    let closedRoot = false;
    const dialog = walk(root, (node) => {
      if (node.shadowRootType === 'closed' && walk(node, (inner) => attribute(inner, 'role') === 'alertdialog')) closedRoot = true;
      return attribute(node, 'role') === 'alertdialog';
    });
    if (!dialog) return null;
    const button = (name) => walk(dialog, (node) => attribute(node, 'data-netral') === name);
    return { backendNodeId: dialog.backendNodeId, closedRoot, cancel: button('cancel'), proceed: button('proceed') };
  }

  /** Waits (polling the DOM, bounded) until a warning is shown, or until none is. */
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

  async notices() {
    const { root } = await this.cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const found = [];
    walk(root, (node) => { if (attribute(node, 'data-netral') === 'notice') found.push(node); return false; });
    return found;
  }

  /** Waits until a notice not in BEFORE (backend node ids) is shown; returns its text. */
  async waitForNewNotice(before, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fresh = (await this.notices()).find((node) => !before.has(node.backendNodeId));
      if (fresh) return this.text(fresh);
      if (Date.now() > deadline) throw new Error('no notice appeared');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Runs FUNCTION_SOURCE with `this` bound to the node; returns its (JSON) result. */
  async evaluateOn(node, functionSource) {
    const { object } = await this.cdp.send('DOM.resolveNode', { backendNodeId: node.backendNodeId });
    const { result } = await this.cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId, functionDeclaration: functionSource, returnByValue: true,
    });
    return result.value;
  }

  async text(node) {
    const { object } = await this.cdp.send('DOM.resolveNode', { backendNodeId: node.backendNodeId });
    const { result } = await this.cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId, functionDeclaration: 'function () { return this.innerText; }', returnByValue: true,
    });
    return result.value;
  }

  /** A real mouse click in the middle of the node (scrolled into view first, as a user would). */
  async press(node) {
    await this.cdp.send('DOM.scrollIntoViewIfNeeded', { backendNodeId: node.backendNodeId });
    const { model } = await this.cdp.send('DOM.getBoxModel', { backendNodeId: node.backendNodeId });
    const [x1, y1, , , x3, y3] = model.border;
    await this.page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2);
  }
}
