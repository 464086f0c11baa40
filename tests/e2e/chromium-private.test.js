// What a page script can learn of the warning, in Chromium with the real extension and host:
// nothing of what it says. The page tries what a script can do (window.find, getSelection,
// select-all, innerText and textContent, a MutationObserver on the whole document, what
// has the focus, the performance timeline) while the warning shows an account, its entity,
// party, election and region, the list's issuer and the IT contact; and after "Tetap
// lanjutkan", while the notice says the action went ahead. Opening the warning also changes
// nothing in the page's DOM that its observer could see.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canWriteChromiumPolicy } from './lib/policy.js';
import { fileDeadline } from './lib/lifetime.js';
import { assertPointerCanReach, inTab, loadSpec, openChromium, prepare } from './lib/scenario.js';

fileDeadline(300, 'e2e/chromium-private.test.js');

const NAME = 'x-post';
const spec = loadSpec(NAME);
const LIKE = spec.clicks.find((item) => item.what === 'Like').selector;
const CONTACT = 'Biro Umum Kepegawaian, ext. 123';
const withPolicy = canWriteChromiumPolicy();

// Only the warning says these; the page itself never does (checked first).
const SECRETS = [
  'Tim Pemenangan Merah Putih (uji)', 'akun pemenangan resmi', 'Koalisi Uji', 'Pilkada Uji 2026', 'Kota Uji',
  'Otoritas Uji Netral (e2e)', 'SKB No. 2/2022', ...(withPolicy ? [CONTACT] : []),
];

/** The warning's title and the label of its way through, in the browser's language. */
async function wordsOf(probe, warning) {
  const title = await warning.handle.evaluate((card) => card.querySelector('h2').innerText);
  return [title, await probe.text(warning.proceed)];
}

/** Starts the page's spy: a MutationObserver on everything, and what gets the focus. */
const startSpy = () => {
  const spy = { records: [], focused: [] };
  const describeNode = (node) => [node.nodeName, node.textContent || '', node.nodeType === 1 ? node.outerHTML : '',
    node.shadowRoot ? 'has an open shadow root' : ''].join(' ');
  spy.observer = new MutationObserver((records) => {
    for (const record of records) {
      spy.records.push(`${record.type} ${record.attributeName || ''} ${describeNode(record.target)} ${[...record.addedNodes].map(describeNode).join(' ')}`);
    }
  });
  spy.observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener('focusin', (event) => spy.focused.push(describeNode(event.target)), true);
  window.__spy = spy;
};

/** Everything the page's own script can read, after trying to find each of SECRETS. */
const pageLearns = (secrets) => {
  const selection = getSelection();
  const found = secrets.filter((secret) => {
    selection.removeAllRanges();
    return window.find(secret, false, false, true, false, true, false);
  });
  selection.removeAllRanges();
  document.execCommand('selectAll');
  const selectedAll = selection.toString();
  selection.selectAllChildren(document.documentElement);
  const selectedChildren = selection.toString();
  selection.removeAllRanges();
  const active = document.activeElement;
  window.__spy.observer.takeRecords().forEach(() => window.__spy.records.push('(unreported record)'));
  return {
    found,
    readable: [selectedAll, selectedChildren, document.documentElement.innerText, document.documentElement.textContent,
      active ? `${active.innerText} ${active.textContent} ${active.outerHTML}` : '',
      performance.getEntries().map((entry) => entry.name).join(' '), window.__spy.focused.join(' ')].join('\n'),
    records: window.__spy.records,
    activeShadowRoot: active ? active.shadowRoot : 'none',
    frames: window.length,
  };
};

function assertLearnsNothing(learnt, secrets) {
  assert.deepEqual(learnt.found, [], 'window.find finds none of it');
  for (const secret of secrets) assert.equal(learnt.readable.includes(secret), false, `"${secret}" is not readable by the page`);
  assert.equal(learnt.activeShadowRoot, null, 'the focused element gives no handle inside');
  assert.equal(learnt.frames, 0, 'the warning\'s frame is not among the page\'s frames');
}

describe('Chromium: page scripts learn nothing of what the warning says', () => {
  let env;
  let chromium;
  before(async () => {
    env = await prepare({ pages: [NAME] });
    chromium = await openChromium(env, withPolicy
      ? { policy: { contactText: CONTACT, contactUrl: 'mailto:it@instansi.go.id' }, name: 'profile-private' }
      : {});
  });
  after(async () => {
    await chromium?.close();
    await env?.cleanup();
  });

  async function openPage(page, probe) {
    await assertPointerCanReach(page, LIKE, 'chromium-private-unreachable.png');
    // Our element is added while the page is idle, before any warning.
    await page.waitForFunction(() => document.readyState === 'complete');
    for (let i = 0; i < 100 && !(await probe.frameElement()); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(await probe.frameElement(), 'the warning\'s frame is ready ahead of any warning');
    await page.evaluate(startSpy);
    const control = await page.evaluate(pageLearns, ['Terima kasih relawan', ...SECRETS]);
    assert.deepEqual(control.found, ['Terima kasih relawan'], 'window.find works here, and the page itself says none of the secrets');
    await page.evaluate(() => { window.__spy.records.length = 0; window.__spy.focused.length = 0; });
  }

  test('listed, verdict known: the warning shows it all, the page can read none of it, and saw nothing change', async (t) => {
    await inTab(chromium.browser, spec.url, async (page, probe) => {
      await openPage(page, probe);
      await page.click(LIKE);
      const warning = await probe.waitFor(true);
      const said = await probe.text(warning);
      const secrets = [...SECRETS, ...await wordsOf(probe, warning)];
      for (const secret of secrets) assert.ok(said.includes(secret), `the warning says "${secret}"`);
      assert.equal(warning.closedRoot, true);
      const learnt = await page.evaluate(pageLearns, secrets);
      assertLearnsNothing(learnt, secrets);
      assert.deepEqual(learnt.records, [], 'no change in the page\'s DOM when the warning opened');
      const outer = await probe.frameElement();
      const src = await probe.evaluateOnPage(outer.backendNodeId, 'function () { return this.src; }');
      assert.ok(!src.includes(chromium.extensionId), `the frame is loaded from the per-session URL, not the extension's id (${src})`);
      t.diagnostic(`the page's observer saw ${learnt.records.length} records; the focus went to: ${learnt.readable.split('\n').at(-1) || '—'}`);
      await probe.press(warning.cancel);
      await probe.waitFor(false);
      assert.equal(await page.evaluate((s) => window.__netral.count(s, 'click'), LIKE), 0, 'cancelled');
    }, NAME);
  });

  test('listed, clicked as the post appears (verdict not known yet): the same', async () => {
    await inTab(chromium.browser, spec.url, async (page, probe) => {
      await openPage(page, probe);
      // A new post by another listed account, added by the page and clicked at once.
      const box = await page.evaluate(() => {
        const post = document.querySelector('article[data-testid="tweet"]').cloneNode(true);
        for (const link of post.querySelectorAll('a[href^="/TimMerahPutih"]')) link.setAttribute('href', link.getAttribute('href').replace('/TimMerahPutih', '/kikobeats'));
        post.querySelector('[data-testid^="UserAvatar-Container-"]')?.setAttribute('data-testid', 'UserAvatar-Container-kikobeats');
        post.id = 'fresh-post';
        document.querySelector('article[data-testid="tweet"]').before(post);
        window.__spy.observer.takeRecords();
        window.__spy.records.length = 0;
        const like = post.querySelector('[data-testid="like"]').getBoundingClientRect();
        return { x: like.x + like.width / 2, y: like.y + like.height / 2 };
      });
      await page.mouse.click(box.x, box.y);
      const warning = await probe.waitFor(true);
      assert.match(await probe.text(warning), /@kikobeats \(X\)/);
      const secrets = [...SECRETS, ...await wordsOf(probe, warning), '@kikobeats (X)'];
      const learnt = await page.evaluate(pageLearns, secrets);
      assertLearnsNothing(learnt, secrets);
      assert.deepEqual(learnt.records, [], 'no change in the page\'s DOM when the warning opened');
      await page.keyboard.press('Escape');
      await probe.waitFor(false);
      assert.equal(await page.evaluate(() => window.__netral.count('#fresh-post [data-testid="like"]', 'click')), 0);
    }, NAME);
  });

  test('after Tetap lanjutkan, the notice that the action went ahead is not readable by the page either', async () => {
    await inTab(chromium.browser, spec.url, async (page, probe) => {
      await openPage(page, probe);
      await page.click(LIKE);
      const warning = await probe.waitFor(true);
      const words = await wordsOf(probe, warning);
      await probe.press(warning.proceed);
      const notice = await probe.waitForNewNotice(new Set());
      assert.match(notice, /dilanjutkan|went ahead/);
      assert.equal(await page.evaluate((s) => window.__netral.count(s, 'click'), LIKE), 1, 'went ahead once');
      const learnt = await page.evaluate(pageLearns, [notice, ...SECRETS, ...words]);
      assertLearnsNothing(learnt, [notice, ...SECRETS, ...words]);
    }, NAME);
  });
});
