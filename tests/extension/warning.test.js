// The warning's two halves on their own: the frame (src/warning/, what it says and how the
// keyboard works it) and the content script's side (content/warning.js: one frame per page,
// added ahead of any warning, the port and its token, what counts as Batalkan), plus the
// content script's persistent port to the service worker and the manifest that lets the
// frame be loaded only where the content scripts run.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { manifestFor } from '../../extension/tools/build.mjs';
import { servePort } from '../../extension/src/background/dispatcher.js';
import { contentScriptFiles, extensionRoot, loadInContext, pageWithScripts, readJson } from './helpers.js';
import { FRAME_ORIGIN, FRAME_URL, frameConnector, frameWindow, portPair, readExtensionFile } from './frame-harness.js';

const MESSAGES = readJson(path.join(extensionRoot, '_locales/id/messages.json'));
const VIEW = {
  kind: 'listed', allowProceed: true, action: 'follow', accountLabel: '@timmenang (X)',
  entity: { name: 'Calon A', party: 'Partai Contoh' }, list: { version: 3, issuer: 'Bawaslu', issued: '2026-01-02T00:00:00Z' },
  contact: {}, language: 'id',
};
const closing = [];
after(() => closing.forEach((window) => window.close()));
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function frameUnderTest() {
  const { window, frame } = frameWindow(MESSAGES);
  closing.push(window);
  const [contentPort, framePort] = portPair();
  const heard = [];
  contentPort.onmessage = (event) => heard.push(event.data);
  frame.connect(framePort);
  return { window, doc: window.document, contentPort, heard };
}

test('the frame shows nothing until asked, says it is ready, and answers with the warning\'s id', async () => {
  const f = frameUnderTest();
  await tick();
  assert.deepEqual(f.heard, [{ type: 'ready' }]);
  assert.equal(f.doc.body.textContent, '');
  f.contentPort.postMessage({ type: 'show', id: 7, view: VIEW });
  await tick();
  assert.match(f.doc.body.textContent, /Anda akan mengikuti @timmenang \(X\)/);
  assert.match(f.doc.body.textContent, /Partai Contoh/);
  assert.equal(f.doc.documentElement.lang, 'id');
  assert.equal(f.doc.activeElement.dataset.netral, 'cancel', 'Batalkan has the focus');
  f.doc.querySelector('[data-netral="proceed"]').click();
  await tick();
  assert.deepEqual(f.heard.slice(1), [{ type: 'shown', id: 7 }, { type: 'choice', id: 7, choice: 'proceed' }]);
  assert.equal(f.doc.body.textContent, '', 'cleared once answered');
  f.doc.dispatchEvent(new f.window.KeyboardEvent('keydown', { key: 'Escape' }));
  await tick();
  assert.equal(f.heard.length, 3, 'no second answer');
});

test('the frame: block mode has no way through; Escape is Batalkan; hide clears it; a notice says its text', async () => {
  const f = frameUnderTest();
  f.contentPort.postMessage({ type: 'show', id: 1, view: { ...VIEW, allowProceed: false } });
  await tick();
  assert.equal(f.doc.querySelector('[data-netral="proceed"]'), null);
  assert.match(f.doc.body.textContent, /tidak mengizinkan/);
  f.doc.activeElement.dispatchEvent(new f.window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
  await tick();
  assert.deepEqual(f.heard.at(-1), { type: 'choice', id: 1, choice: 'cancel' });
  f.contentPort.postMessage({ type: 'show', id: 2, view: VIEW });
  f.contentPort.postMessage({ type: 'hide' });
  await tick();
  assert.equal(f.doc.body.textContent, '');
  f.contentPort.postMessage({ type: 'configure', messages: readJson(path.join(extensionRoot, '_locales/en/messages.json')) });
  f.contentPort.postMessage({ type: 'notice', id: 3, key: 'replayDone', language: 'en' });
  await tick();
  assert.equal(f.doc.querySelector('[data-netral="notice"]').textContent, 'The action went ahead.');
  assert.equal(f.doc.querySelector('[data-netral="notice"]').getAttribute('role'), 'status');
});

test('the frame says when the list may be out of date (updates stopped), and nothing of it while they arrive', async () => {
  const f = frameUnderTest();
  f.contentPort.postMessage({ type: 'show', id: 1, view: { ...VIEW, list: { ...VIEW.list, outOfDateSince: '2026-11-30T00:00:00Z' } } });
  await tick();
  assert.match(f.doc.body.textContent, /Daftar mungkin sudah usang sejak 30 November 2026/);
  f.contentPort.postMessage({ type: 'show', id: 2, view: VIEW });
  await tick();
  assert.doesNotMatch(f.doc.body.textContent, /usang/);
});

// ---- acknowledge mode: going on needs the box ticked; no single Enter goes on ----

const ACK_VIEW = { ...VIEW, acknowledge: true };
const key = (f, target, name, init = {}) => target.dispatchEvent(new f.window.KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true, ...init }));

test('acknowledge: "Tetap lanjutkan" stays disabled until the box is ticked, and the box is labelled by the SKB sentence', async () => {
  const f = frameUnderTest();
  f.contentPort.postMessage({ type: 'show', id: 1, view: ACK_VIEW });
  await tick();
  const box = f.doc.querySelector('[data-netral="acknowledge"]');
  const proceed = f.doc.querySelector('[data-netral="proceed"]');
  assert.equal(box.type, 'checkbox');
  assert.equal(box.checked, false);
  assert.equal(box.closest('label').textContent.trim(), 'Saya memahami tindakan ini dapat melanggar SKB No. 2/2022',
    'the whole sentence is the box\'s label (what a screen reader says)');
  assert.equal(proceed.disabled, true);
  proceed.click();
  await tick();
  assert.equal(f.heard.some((m) => m.type === 'choice'), false, 'a click on the disabled button does nothing');
  box.click();
  assert.equal(proceed.disabled, false, 'ticked: the button can be used');
  box.click();
  assert.equal(proceed.disabled, true, 'unticked again: disabled again');
  box.click();
  proceed.click();
  await tick();
  assert.deepEqual(f.heard.at(-1), { type: 'choice', id: 1, choice: 'proceed' });
});

test('acknowledge: Enter goes nowhere (on Batalkan it cancels, on the box it ticks nothing), Tab reaches the box, Escape cancels', async () => {
  const f = frameUnderTest();
  f.contentPort.postMessage({ type: 'show', id: 1, view: ACK_VIEW });
  await tick();
  const box = f.doc.querySelector('[data-netral="acknowledge"]');
  const proceed = f.doc.querySelector('[data-netral="proceed"]');
  assert.equal(f.doc.activeElement.dataset.netral, 'cancel', 'the focus starts on Batalkan');
  // Tab cycles over the box and Batalkan only: the disabled button is skipped.
  key(f, f.doc.activeElement, 'Tab');
  assert.equal(f.doc.activeElement, box);
  key(f, f.doc.activeElement, 'Tab');
  assert.equal(f.doc.activeElement.dataset.netral, 'cancel');
  key(f, f.doc.activeElement, 'Tab', { shiftKey: true });
  assert.equal(f.doc.activeElement, box);
  assert.equal(key(f, box, 'Enter'), false, 'Enter on the box is swallowed');
  assert.equal(box.checked, false);
  assert.equal(proceed.disabled, true);
  assert.equal(f.heard.some((m) => m.type === 'choice'), false);
  // Ticked (Space or a click), the button joins the cycle.
  box.click();
  key(f, box, 'Tab');
  assert.equal(f.doc.activeElement.dataset.netral, 'cancel');
  key(f, f.doc.activeElement, 'Tab');
  assert.equal(f.doc.activeElement, proceed);
  key(f, f.doc.activeElement, 'Escape');
  await tick();
  assert.deepEqual(f.heard.at(-1), { type: 'choice', id: 1, choice: 'cancel' });
});

test('acknowledge with a reason: going on needs 10 characters typed; Enter in the field goes nowhere; the reason is never sent', async () => {
  const f = frameUnderTest();
  f.contentPort.postMessage({ type: 'show', id: 1, view: { ...VIEW, acknowledge: 'reason' } });
  await tick();
  const reason = f.doc.querySelector('[data-netral="reason"]');
  const proceed = f.doc.querySelector('[data-netral="proceed"]');
  assert.equal(f.doc.querySelector('[data-netral="acknowledge"]'), null, 'no box: a reason instead');
  assert.equal(reason.tagName, 'TEXTAREA');
  assert.match(reason.closest('label').textContent, /Alasan Anda melanjutkan \(minimal 10 karakter; alasan ini tidak disimpan/);
  const type = (text) => { reason.value = text; reason.dispatchEvent(new f.window.Event('input', { bubbles: true })); };
  assert.equal(proceed.disabled, true);
  type('   tugas    ');
  assert.equal(proceed.disabled, true, 'spaces do not count');
  key(f, reason, 'Enter');
  await tick();
  assert.equal(f.heard.some((m) => m.type === 'choice'), false);
  key(f, f.doc.querySelector('[data-netral="cancel"]'), 'Tab');
  assert.equal(f.doc.activeElement, reason, 'Tab reaches the field');
  type('Liputan resmi humas instansi');
  assert.equal(proceed.disabled, false);
  proceed.click();
  await tick();
  assert.deepEqual(f.heard.at(-1), { type: 'choice', id: 1, choice: 'proceed' });
  assert.equal(JSON.stringify(f.heard).includes('Liputan'), false, 'the reason goes nowhere');
  assert.equal(f.doc.body.textContent, '', 'and is gone with the warning');
});

test('warn and block modes have no box; acknowledge in a warning with no way through has none either', async () => {
  const f = frameUnderTest();
  f.contentPort.postMessage({ type: 'show', id: 1, view: VIEW });
  await tick();
  assert.equal(f.doc.querySelector('[data-netral="acknowledge"]'), null);
  assert.equal(f.doc.querySelector('[data-netral="proceed"]').disabled, false);
  f.contentPort.postMessage({ type: 'show', id: 2, view: { ...ACK_VIEW, allowProceed: false } });
  await tick();
  assert.equal(f.doc.querySelector('[data-netral="acknowledge"]'), null);
  assert.equal(f.doc.querySelector('[data-netral="proceed"]'), null);
});

// ---- the agency's guidance ----

test('the agency\'s guidance is shown as text (markup stays text) with an https: link; other links are not', async () => {
  const f = frameUnderTest();
  const text = 'Sanksi: hukuman disiplin berat (PP 94/2021). <img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a>';
  f.contentPort.postMessage({ type: 'show', id: 1, view: { ...VIEW, guidance: { text, url: 'https://sdm.instansi.go.id/netralitas' } } });
  await tick();
  const guidance = f.doc.querySelector('[data-netral="guidance"]');
  assert.ok(guidance.textContent.startsWith(text), 'the text as given');
  assert.equal(guidance.querySelector('img'), null, 'no markup from the policy');
  const links = [...guidance.querySelectorAll('a')];
  assert.equal(links.length, 1);
  assert.equal(links[0].href, 'https://sdm.instansi.go.id/netralitas');
  assert.equal(links[0].textContent, 'Panduan instansi Anda');
  assert.equal(links[0].rel, 'noopener noreferrer');
  f.contentPort.postMessage({ type: 'show', id: 2, view: { ...VIEW, guidance: { text: '', url: 'javascript:alert(1)' } } });
  await tick();
  assert.equal(f.doc.querySelector('[data-netral="guidance"]'), null, 'nothing to show: no paragraph');
  f.contentPort.postMessage({ type: 'show', id: 3, view: { ...VIEW, guidance: { text: 'Hanya teks.', url: '' } } });
  await tick();
  assert.equal(f.doc.querySelector('[data-netral="guidance"]').textContent, 'Hanya teks.');
});

test('the frame takes its port only from its parent, with the token it was named with, and forgets the name', () => {
  const dom = new JSDOM('<!DOCTYPE html><html><head></head><body></body></html>', { url: FRAME_URL, runScripts: 'outside-only' });
  closing.push(dom.window);
  const { window } = dom;
  window.name = 'secret-token';
  window.chrome = { i18n: { getMessage: () => '' } };
  for (const file of ['src/common/strings.js', 'src/warning/frame.js', 'src/warning/frame-main.js']) window.eval(readExtensionFile(file));
  assert.equal(window.name, '', 'the name is cleared at once');
  const port = (label) => ({ label, posted: [], postMessage(message) { this.posted.push(message); } });
  const stranger = port('stranger');
  const ours = port('ours');
  const post = (data, carried, source = window.parent) => window.dispatchEvent(new window.MessageEvent('message', { data, ports: [carried], source }));
  post({ netral: 'connect', token: 'guessed' }, stranger);
  post({ netral: 'connect', token: 'secret-token' }, stranger, null);
  assert.deepEqual(stranger.posted, [], 'a wrong token, or a message from elsewhere, is ignored');
  post({ netral: 'connect', token: 'secret-token' }, ours);
  assert.deepEqual(JSON.parse(JSON.stringify(ours.posted)), [{ type: 'ready' }]);
  post({ netral: 'connect', token: 'secret-token' }, stranger);
  assert.deepEqual(stranger.posted, [], 'the first port with the token is the only one');
});

function pageUnderTest({ connect = 'at once' } = {}) {
  const dom = pageWithScripts('<!DOCTYPE html><html><body><p>page</p></body></html>', 'https://x.com/home',
    contentScriptFiles().filter((file) => !file.endsWith('/main.js')));
  closing.push(dom.window);
  const frames = frameConnector({ i18nMessages: MESSAGES, connect });
  closing.push({ close: frames.close });
  const warnings = dom.window.Netral.warning.createWarnings({
    window: dom.window, frameUrl: FRAME_URL, frameOrigin: FRAME_ORIGIN, connectFrame: frames.connectFrame,
  });
  warnings.configure({ messages: MESSAGES, language: 'id' });
  return { window: dom.window, doc: dom.window.document, frames, warnings };
}

test('one frame per page, added ahead of any warning and kept; nothing of the warning in the page', async () => {
  const page = pageUnderTest();
  page.warnings.prepare();
  const added = [...page.doc.documentElement.children].filter((child) => child.tagName === 'DIV');
  assert.equal(added.length, 1, 'our one element, beside <body>');
  assert.equal(added[0].shadowRoot, null, 'its shadow root is closed');
  const iframe = page.frames.latest().iframe;
  assert.equal(iframe.getAttribute('src'), FRAME_URL);
  assert.match(iframe.name, /^[0-9a-f]{32}$/, 'named with a random token');
  const observed = [];
  new page.window.MutationObserver((records) => observed.push(...records)).observe(page.doc, { subtree: true, childList: true, attributes: true, characterData: true });
  const shown = page.warnings.show(VIEW);
  await tick();
  assert.equal(page.frames.frames.length, 1, 'the same frame');
  assert.deepEqual(observed, [], 'the page\'s observer sees nothing when it opens');
  assert.equal(page.doc.documentElement.textContent.includes('timmenang'), false);
  assert.match(page.frames.latest().window.document.body.textContent, /timmenang/);
  page.frames.latest().window.document.querySelector('[data-netral="cancel"]').click();
  assert.equal(await shown, 'cancel');
});

test('a notice never covers a warning, takes no focus, and goes after its time', async () => {
  const page = pageUnderTest();
  const shown = page.warnings.show(VIEW);
  await tick();
  page.warnings.notice('replayDone');
  await tick();
  const frameDoc = page.frames.latest().window.document;
  assert.ok(frameDoc.querySelector('[role="alertdialog"]'), 'the warning is still there');
  frameDoc.querySelector('[data-netral="cancel"]').click();
  assert.equal(await shown, 'cancel');
  page.doc.querySelector('p').tabIndex = 0;
  page.doc.querySelector('p').focus();
  page.warnings.notice('replayDone', 20);
  await tick();
  assert.match(frameDoc.querySelector('[data-netral="notice"]').textContent, /Tindakan dilanjutkan/);
  assert.equal(page.doc.activeElement.tagName, 'P', 'the focus stays where it was');
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(frameDoc.querySelector('[data-netral="notice"]'), null, 'gone after its time');
});

test('the frame navigated away counts as Batalkan, and the next warning gets a new frame', async () => {
  const page = pageUnderTest();
  const shown = page.warnings.show(VIEW);
  await tick();
  page.frames.latest().onReload();
  assert.equal(await shown, 'cancel');
  page.warnings.show(VIEW);
  await tick();
  assert.equal(page.frames.frames.length, 2);
  assert.match(page.frames.latest().window.document.body.textContent, /timmenang/);
});

test('the content script\'s port to the worker: many requests on one port; a closed port fails them and the next opens anew', async () => {
  const { channel } = loadInContext(['src/content/channel.js']);
  const opened = [];
  const fakePort = () => {
    const listeners = { message: [], disconnect: [] };
    const port = {
      posted: [],
      postMessage(message) { this.posted.push(message); },
      onMessage: { addListener: (fn) => listeners.message.push(fn) },
      onDisconnect: { addListener: (fn) => listeners.disconnect.push(fn) },
      reply: (message) => listeners.message.forEach((fn) => fn(message)),
      close: () => listeners.disconnect.forEach((fn) => fn()),
    };
    opened.push(port);
    return port;
  };
  const line = channel.createChannel({ connect: ({ name }) => { assert.equal(name, 'netral'); return fakePort(); } });
  const first = line.request({ type: 'check', account: '@a' });
  const second = line.request({ type: 'check', account: '@b' });
  assert.equal(opened.length, 1);
  const [a, b] = opened[0].posted;
  opened[0].reply({ id: b.id, reply: { verdict: 'clear' } });
  opened[0].reply({ id: a.id, error: { message: 'malformed message' } });
  assert.deepEqual(await second, { verdict: 'clear' });
  await assert.rejects(first, /malformed/);
  const pending = line.request({ type: 'check', account: '@c' });
  opened[0].close();
  await assert.rejects(pending, /closed/);
  const again = line.request({ type: 'check', account: '@d' });
  assert.equal(opened.length, 2, 'a new port');
  opened[1].reply({ id: opened[1].posted[0].id, reply: { verdict: 'listed' } });
  assert.equal((await again).verdict, 'listed');
});

test('the worker answers a port\'s requests by id, each checked against the port\'s sender', async () => {
  const listeners = [];
  const posted = [];
  const port = {
    sender: { id: 'netral', tab: { id: 3 }, url: 'https://x.com/home' },
    onMessage: { addListener: (fn) => listeners.push(fn) },
    postMessage: (message) => posted.push(message),
  };
  const seen = [];
  servePort(port, async (message, sender) => {
    seen.push(sender);
    if (message.type === 'bad') throw new Error('malformed message');
    return { verdict: 'clear' };
  });
  listeners[0]({ id: 1, message: { type: 'check' } });
  listeners[0]({ id: 2, message: { type: 'bad' } });
  listeners[0]({ message: { type: 'check' } });   // no id: not answered
  await tick();
  assert.deepEqual(posted, [{ id: 1, reply: { verdict: 'clear' } }, { id: 2, error: { code: 'bad_request', message: 'malformed message' } }]);
  assert.deepEqual(seen, [port.sender, port.sender]);
});

test('the warning page can be loaded only where the content scripts run; in Chromium only by its per-session URL', () => {
  for (const browser of ['chromium', 'firefox']) {
    const manifest = manifestFor(browser);
    const [resource, ...others] = manifest.web_accessible_resources;
    assert.deepEqual(others, []);
    assert.deepEqual(resource.resources, ['src/warning/warning.html']);
    assert.deepEqual(resource.matches, manifest.content_scripts[0].matches);
    assert.equal(resource.use_dynamic_url, browser === 'chromium' ? true : undefined, 'Firefox refuses the key (its URLs are random per install anyway)');
  }
});
