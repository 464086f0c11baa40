// The interceptor and the warning in jsdom, with the X adapter over a small X-like page (and
// the Facebook adapter over its fixture page) and a stand-in for the service worker. "Site handler" listeners (bubble phase, as the page's
// own) record whether the action ran; the test plays the user. The warning's frame is a
// second jsdom window running the real frame scripts (frame-harness.js).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { contentScriptFiles, extensionRoot, pageWithScripts, readJson } from './helpers.js';
import { FRAME_ORIGIN, FRAME_URL, frameConnector, readExtensionFile } from './frame-harness.js';
import { pageHtml } from '../lib/fixtures.js';

const SCRIPTS = contentScriptFiles().filter((file) => !file.endsWith('/main.js'));
const MESSAGES = {
  id: readJson(path.join(extensionRoot, '_locales/id/messages.json')),
  en: readJson(path.join(extensionRoot, '_locales/en/messages.json')),
};

const PAGE = `<!DOCTYPE html><html><body>
  <article data-testid="tweet" tabindex="0" id="listed-post">
    <div data-testid="User-Name"><a href="/TimMenang">Tim Menang</a></div>
    <p>Pilih kami!</p>
    <button data-testid="like" id="listed-like">Like</button>
    <button data-testid="retweet" id="listed-retweet">Repost</button>
  </article>
  <article data-testid="tweet" tabindex="0" id="clear-post">
    <div data-testid="User-Name"><a href="/tetangga">Tetangga</a></div>
    <button data-testid="like" id="clear-like">Like</button>
  </article>
  <div id="layers"></div>
  <textarea id="search"></textarea>
</body></html>`;

const windows = [];
after(() => windows.forEach((window) => window.close()));   // stops the notices' timers

const LISTED = {
  verdict: 'listed', platform: 'x', account: '@timmenang',
  entity: { name: 'Calon A', role: 'Calon Gubernur', party: 'Partai Contoh', election: 'Pilkada 2027', region: 'Jawa Barat' },
  list: { version: 7, issuer: 'Bawaslu Contoh', issued: '2026-11-01T00:00:00Z', stale: false },
};
const CLEAR = { verdict: 'clear', platform: 'x', account: '@tetangga', list: LISTED.list };

/**
 * A page with the interceptor installed: HTML at URL (the X-like page unless told), with the
 * adapter of URL's site. `host` answers checks: {known: {account: reply},
 * answer: (target) → Promise<reply>}. `adapt` may change the adapter; `frame` is how the
 * warning's frame behaves ('at once' or 'never'). Returns helpers to act and observe.
 */
function setup({
  known = {}, answer = null, policy = {}, language = 'id', userEvents = true, effectWithinMs = 1500,
  adapt = (adapter) => adapter, frame = 'at once', readyWithinMs = 3000, forcedLanguage = true,
  html = PAGE, url = 'https://x.com/home',
} = {}) {
  const reports = [];
  const audits = [];
  const dom = pageWithScripts(html, url, []);
  const { window } = dom;
  windows.push(window);
  // Keep a handle on closed shadow roots: the page's script could not, the test can.
  const shadows = [];
  const attachShadow = window.Element.prototype.attachShadow;
  window.Element.prototype.attachShadow = function keep(init) {
    const shadow = attachShadow.call(this, init);
    shadows.push(shadow);
    return shadow;
  };
  for (const file of SCRIPTS) dom.window.eval(readExtensionFile(file));
  const { Netral } = window;
  const frames = frameConnector({ i18nMessages: MESSAGES[language], connect: frame });
  windows.push({ close: frames.close });

  const asked = [];
  const verdicts = {
    peek: (target) => known[target.account] || null,
    check: (target, action) => { asked.push({ ...target, action }); return answer(target); },
    prefetch: () => {},
  };
  const userMade = new WeakSet();
  const ran = [];
  for (const id of ['listed-like', 'clear-like', 'listed-retweet']) {
    window.document.getElementById(id)?.addEventListener('click', (event) => {
      ran.push(id);
      if (event.target.dataset.testid === 'like') event.target.dataset.testid = 'unlike';
    });
  }
  const warnings = Netral.warning.createWarnings({
    window, frameUrl: FRAME_URL, frameOrigin: FRAME_ORIGIN, connectFrame: frames.connectFrame, readyWithinMs,
  });
  warnings.configure({
    messages: forcedLanguage ? MESSAGES[language] : null, language,
    fallbackText: () => Netral.strings.create(MESSAGES[language])('warningUnavailable'),
  });
  Netral.interceptor.createInterceptor({
    window,
    adapter: adapt(Netral.sites.forHost(new URL(url).hostname)),
    verdicts,
    warnings,
    settings: () => ({ policy: Netral.policy.fromManaged(policy), language }),
    isUserEvent: userEvents ? (event) => userMade.has(event) : undefined,
    effectWithinMs,
    report: (kind) => reports.push(kind),
    audit: (platform, action) => audits.push(`${platform} ${action}`),
  }).install();

  function user(event, target) {
    userMade.add(event);
    return target.dispatchEvent(event);
  }
  const pageDialogs = () => shadows.map((shadow) => shadow.querySelector('dialog')).filter((d) => d && d.isConnected);
  const frameDocument = () => (frames.latest() ? frames.latest().window.document : null);
  return {
    window,
    Netral,
    ran,
    asked,
    reports,
    audits,
    frames,
    warnings,
    click: (id) => user(new window.MouseEvent('click', { bubbles: true, cancelable: true, composed: true }), window.document.getElementById(id)),
    press: (selector) => user(new window.MouseEvent('click', { bubbles: true, cancelable: true, composed: true }), window.document.querySelector(selector)),
    key: (key, target) => user(new window.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, composed: true }), target),
    /** The warning as the user sees it: the frame's card while our dialog is open, or null. */
    dialog: () => {
      const open = pageDialogs().some((d) => d.hasAttribute('open'));
      return open && frameDocument() ? frameDocument().querySelector('[role="alertdialog"]') : null;
    },
    /** Every element the extension added to the page (the hosts of its shadow roots). */
    hosts: () => shadows.map((shadow) => shadow.host).filter((host) => host.isConnected),
    pageDialog: () => pageDialogs()[0] || null,
    notices: () => (frameDocument() ? [...frameDocument().querySelectorAll('[data-netral="notice"]')] : []),
    settle: () => new Promise((resolve) => window.setTimeout(resolve, 0)),
    nextNotice: () => new Promise((resolve) => {
      const poll = () => {
        const doc = frameDocument();
        const notice = doc && doc.querySelector('[data-netral="notice"]');
        if (notice) resolve(notice.textContent);
        else window.setTimeout(poll, 2);
      };
      poll();
    }),
  };
}

function buttonLabelled(dialog, name) {
  return dialog.querySelector(`button[data-netral="${name}"]`);
}

test('a like on a clear account goes through at once, with no warning and no check', () => {
  const page = setup({ known: { '@tetangga': CLEAR } });
  const notCancelled = page.click('clear-like');
  assert.equal(notCancelled, true);
  assert.deepEqual(page.ran, ['clear-like']);
  assert.equal(page.dialog(), null);
  assert.deepEqual(page.asked, []);
});

test('a like on a listed account is stopped before the site sees it and a warning names the account', async () => {
  const page = setup({ known: { '@timmenang': LISTED } });
  page.click('listed-like');
  assert.deepEqual(page.ran, []);
  assert.ok(page.pageDialog().hasAttribute('open'), 'the dialog opens at the click');
  await page.settle();
  const dialog = page.dialog();
  assert.ok(dialog, 'warning shown');
  const text = dialog.textContent;
  assert.match(text, /Anda akan menyukai postingan dari @timmenang \(X\)/);
  assert.match(text, /Calon A/);
  assert.match(text, /Calon Gubernur/);
  assert.match(text, /Pilkada 2027/);
  assert.match(text, /SKB No\. 2\/2022/);
  assert.match(text, /versi 7, diterbitkan 1 November 2026 oleh Bawaslu Contoh/);
  assert.equal(dialog.getAttribute('aria-modal'), 'true');
  assert.equal(page.window.document.activeElement.tagName, 'DIV', 'focus is inside the shadow host');
  assert.equal(page.window.document.body.textContent.includes('Calon A'), false, 'what it says is in the frame, not the page');
  assert.equal(buttonLabelled(dialog, 'cancel').textContent, 'Batalkan');
  assert.equal(buttonLabelled(dialog, 'proceed').textContent, 'Tetap lanjutkan');
});

test('Batalkan drops the action: the site handler never runs', async () => {
  const page = setup({ known: { '@timmenang': LISTED } });
  page.click('listed-like');
  await page.settle();
  buttonLabelled(page.dialog(), 'cancel').click();
  await page.settle();
  assert.equal(page.dialog(), null);
  assert.deepEqual(page.ran, []);
});

test('Escape cancels like Batalkan does, in the frame or on the dialog around it', async () => {
  const page = setup({ known: { '@timmenang': LISTED } });
  page.click('listed-like');
  await page.settle();
  const frame = page.frames.latest().window;
  buttonLabelled(page.dialog(), 'cancel').dispatchEvent(new frame.KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
  await page.settle();
  assert.equal(page.dialog(), null);
  page.click('listed-like');
  await page.settle();
  page.pageDialog().dispatchEvent(new page.window.Event('cancel', { cancelable: true }));
  await page.settle();
  assert.equal(page.dialog(), null);
  assert.deepEqual(page.ran, []);
});

test('Tetap lanjutkan replays the like exactly once and confirms it took effect', async () => {
  const page = setup({ known: { '@timmenang': LISTED } });
  page.click('listed-like');
  await page.settle();
  const notice = page.nextNotice();
  buttonLabelled(page.dialog(), 'proceed').click();
  assert.match(await notice, /Tindakan dilanjutkan/);
  assert.deepEqual(page.ran, ['listed-like']);
  assert.equal(page.window.document.getElementById('listed-like').dataset.testid, 'unlike');
  assert.equal(page.dialog(), null);
});

test('when the site ignores the replay, the user is told to click again and that click goes through', async () => {
  const page = setup({ known: { '@timmenang': LISTED }, effectWithinMs: 20 });
  const button = page.window.document.getElementById('listed-retweet');
  // A site that ignores the replayed click (as one that checks isTrusted would).
  let ignoring = true;
  button.addEventListener('click', (event) => { if (ignoring) event.stopImmediatePropagation(); }, { capture: true });
  page.click('listed-retweet');
  await page.settle();
  const notice = page.nextNotice();
  buttonLabelled(page.dialog(), 'proceed').click();
  assert.match(await notice, /Klik sekali lagi/);
  assert.deepEqual(page.ran, []);
  ignoring = false;
  page.click('listed-retweet');
  assert.equal(page.dialog(), null, 'no second warning');
  assert.deepEqual(page.ran, ['listed-retweet']);
});

test('in block mode the warning has no way through', async () => {
  const page = setup({ known: { '@timmenang': LISTED }, policy: { mode: 'block' } });
  page.click('listed-like');
  await page.settle();
  const dialog = page.dialog();
  assert.ok(dialog);
  assert.equal(buttonLabelled(dialog, 'proceed'), null);
  assert.match(dialog.textContent, /tidak mengizinkan/);
  assert.deepEqual(page.ran, []);
});

test('mode off: nothing is intercepted', () => {
  const page = setup({ known: { '@timmenang': LISTED }, policy: { mode: 'off' } });
  page.click('listed-like');
  assert.deepEqual(page.ran, ['listed-like']);
  assert.equal(page.dialog(), null);
});

test('a site left out of enabledSites is not intercepted', () => {
  const page = setup({ known: { '@timmenang': LISTED }, policy: { enabledSites: ['tiktok'] } });
  page.click('listed-like');
  assert.deepEqual(page.ran, ['listed-like']);
});

// ---- modes per action and site, audit, acknowledge, guidance ----

test('a mode per action: the like is blocked while the repost on the same post warns', async () => {
  const page = setup({ known: { '@timmenang': LISTED }, policy: { mode: 'warn', actionModes: { like: 'block' } } });
  page.click('listed-like');
  await page.settle();
  assert.equal(buttonLabelled(page.dialog(), 'proceed'), null, 'like: no way through');
  buttonLabelled(page.dialog(), 'cancel').click();
  await page.settle();
  page.click('listed-retweet');
  await page.settle();
  assert.ok(buttonLabelled(page.dialog(), 'proceed'), 'repost: the employee may go on');
  assert.deepEqual(page.ran, []);
});

test('a mode per site: block on X from siteModes, the action\'s own mode still first', async () => {
  const page = setup({ known: { '@timmenang': LISTED }, policy: { siteModes: { x: 'block', tiktok: 'off' }, actionModes: { repost: 'off' } } });
  page.click('listed-like');
  await page.settle();
  assert.equal(buttonLabelled(page.dialog(), 'proceed'), null);
  buttonLabelled(page.dialog(), 'cancel').click();
  await page.settle();
  page.click('listed-retweet');
  assert.deepEqual(page.ran, ['listed-retweet'], 'repost off: untouched');
  assert.equal(page.dialog(), null);
});

test('audit, verdict known: no warning, the action goes on untouched as the user\'s own, and it is counted', async () => {
  const page = setup({ known: { '@timmenang': LISTED, '@tetangga': CLEAR }, policy: { mode: 'audit' } });
  assert.equal(page.click('listed-like'), true, 'not cancelled');
  assert.deepEqual(page.ran, ['listed-like']);
  assert.equal(page.pageDialog()?.hasAttribute('open') ?? false, false);
  page.click('clear-like');
  assert.deepEqual(page.audits, ['x like'], 'only the listed account is counted: platform and action');
});

test('audit, verdict not known yet: nothing is held; counted once the host says listed, not when clear', async () => {
  const answers = [];
  const page = setup({ answer: () => new Promise((resolve) => answers.push(resolve)), policy: { mode: 'warn', actionModes: { like: 'audit' } } });
  assert.equal(page.click('listed-like'), true);
  assert.deepEqual(page.ran, ['listed-like'], 'it ran at the click, before any verdict');
  answers.shift()(LISTED);
  await page.settle();
  assert.deepEqual(page.audits, ['x like']);
  page.click('clear-like');
  answers.shift()(CLEAR);
  await page.settle();
  assert.deepEqual(page.ran, ['listed-like', 'clear-like']);
  assert.deepEqual(page.audits, ['x like']);
  assert.equal(page.dialog(), null);
});

test('audit with failMode closed and no host: nothing held, nothing counted', async () => {
  const page = setup({ answer: async () => ({ verdict: 'unavailable', reason: 'host not found' }), policy: { mode: 'audit', failMode: 'closed' } });
  page.click('listed-like');
  await page.settle();
  assert.deepEqual(page.ran, ['listed-like']);
  assert.equal(page.dialog(), null);
  assert.deepEqual(page.audits, []);
});

test('acknowledge: the warning goes on only once its box is ticked, then replays once', async () => {
  const page = setup({ known: { '@timmenang': LISTED }, policy: { mode: 'acknowledge' } });
  page.click('listed-like');
  await page.settle();
  const proceed = buttonLabelled(page.dialog(), 'proceed');
  assert.equal(proceed.disabled, true);
  proceed.click();
  await page.settle();
  assert.ok(page.dialog(), 'still open');
  assert.deepEqual(page.ran, []);
  const notice = page.nextNotice();
  page.dialog().querySelector('[data-netral="acknowledge"]').click();
  proceed.click();
  assert.match(await notice, /Tindakan dilanjutkan/);
  assert.deepEqual(page.ran, ['listed-like']);
});

test('acknowledge with a reason by policy: the warning asks for one, and only acknowledge mode does', async () => {
  const page = setup({ known: { '@timmenang': LISTED }, policy: { mode: 'warn', actionModes: { like: 'acknowledge' }, acknowledgeWith: 'reason' } });
  page.click('listed-like');
  await page.settle();
  assert.ok(page.dialog().querySelector('[data-netral="reason"]'));
  assert.equal(buttonLabelled(page.dialog(), 'proceed').disabled, true);
  buttonLabelled(page.dialog(), 'cancel').click();
  await page.settle();
  page.click('listed-retweet');
  await page.settle();
  assert.equal(page.dialog().querySelector('[data-netral="reason"]'), null, 'repost: plain warn');
  assert.equal(buttonLabelled(page.dialog(), 'proceed').disabled, false);
});

test('the guidance is shown in the warning\'s language, else in the other one', async () => {
  const guidanceUrl = 'https://sdm.instansi.go.id/netralitas';
  let page = setup({ known: { '@timmenang': LISTED }, policy: { guidanceText: { id: 'Sanksi: hukuman disiplin.', en: 'Sanction: discipline.' }, guidanceUrl } });
  page.click('listed-like');
  await page.settle();
  assert.match(page.dialog().querySelector('[data-netral="guidance"]').textContent, /^Sanksi: hukuman disiplin\. Panduan instansi Anda$/);
  page = setup({ known: { '@timmenang': LISTED }, language: 'en', policy: { guidanceText: { id: 'Sanksi: hukuman disiplin.' } } });
  page.click('listed-like');
  await page.settle();
  assert.equal(page.dialog().querySelector('[data-netral="guidance"]').textContent, 'Sanksi: hukuman disiplin.', 'no English text: the Indonesian');
});

test('a click whose verdict is not known is held, then replayed once when the account is clear', async () => {
  let release;
  const page = setup({ answer: () => new Promise((resolve) => { release = resolve; }) });
  page.click('clear-like');
  assert.deepEqual(page.ran, [], 'held while asking');
  assert.deepEqual(page.asked, [{ platform: 'x', account: '@tetangga', action: 'like' }]);
  release(CLEAR);
  await page.settle();
  assert.deepEqual(page.ran, ['clear-like']);
  assert.equal(page.dialog(), null);
});

test('pressing again while a click is held does not make the action happen twice', async () => {
  let release;
  const page = setup({ answer: () => new Promise((resolve) => { release = resolve; }) });
  page.click('clear-like');
  page.click('clear-like');
  release(CLEAR);
  await page.settle();
  assert.deepEqual(page.ran, ['clear-like']);
});

test('a held click on a listed account shows the warning when the verdict arrives', async () => {
  const page = setup({ answer: async () => LISTED });
  page.click('listed-like');
  await page.settle();
  await page.settle();
  assert.deepEqual(page.ran, []);
  assert.ok(page.dialog());
});

test('host missing with failMode open: the action goes on', async () => {
  const page = setup({ answer: async () => ({ verdict: 'unavailable', reason: 'host not found' }) });
  page.click('listed-like');
  await page.settle();
  assert.deepEqual(page.ran, ['listed-like']);
  assert.equal(page.dialog(), null);
});

test('host missing with failMode closed: the action is held with a "could not be checked" warning', async () => {
  const page = setup({
    answer: async () => ({ verdict: 'unavailable', reason: 'host not found' }),
    policy: { failMode: 'closed' },
  });
  page.click('listed-like');
  await page.settle();
  await page.settle();
  assert.deepEqual(page.ran, []);
  const dialog = page.dialog();
  assert.match(dialog.textContent, /tidak dapat diperiksa/i);
  assert.equal(buttonLabelled(dialog, 'proceed'), null);
});

test('events the page makes itself (untrusted) are not judged', () => {
  const page = setup({ known: { '@timmenang': LISTED }, userEvents: false });
  page.window.document.getElementById('listed-like').click();
  assert.deepEqual(page.ran, ['listed-like']);
  assert.equal(page.dialog(), null);
});

test('the l shortcut on a focused listed post is caught; typing l in a text box is not', async () => {
  const page = setup({ known: { '@timmenang': LISTED } });
  const post = page.window.document.getElementById('listed-post');
  const search = page.window.document.getElementById('search');
  search.focus();
  page.key('l', search);
  assert.equal(page.dialog(), null);
  post.focus();
  page.key('l', post);
  await page.settle();
  assert.ok(page.dialog());
});

test('after going on at the repost button, the repost menu that opens outside the post needs no second warning', async () => {
  const page = setup({ known: { '@timmenang': LISTED } });
  const layers = page.window.document.getElementById('layers');
  const menuItems = [];
  page.window.document.getElementById('listed-retweet').addEventListener('click', () => {
    layers.innerHTML = '<div role="menu"><div role="menuitem" data-testid="retweetConfirm" id="confirm">Repost</div></div>';
    layers.querySelector('#confirm').addEventListener('click', () => menuItems.push('confirm'));
  });
  page.click('listed-retweet');
  await page.settle();
  buttonLabelled(page.dialog(), 'proceed').click();
  await page.settle();
  page.click('confirm');
  assert.deepEqual(menuItems, ['confirm']);
  assert.equal(page.dialog(), null);
});

test('a stronger mode in the menu is not passed by going on at its opener: repost warns, quote from its menu is blocked', async () => {
  const page = setup({ known: { '@timmenang': LISTED }, policy: { actionModes: { quote: 'block' } } });
  const layers = page.window.document.getElementById('layers');
  const menuItems = [];
  page.window.document.getElementById('listed-retweet').addEventListener('click', () => {
    layers.innerHTML = '<div role="menu"><div role="menuitem" data-testid="retweetConfirm" id="confirm">Repost</div>'
      + '<a role="menuitem" href="/compose/post" id="quote">Quote</a></div>';
    for (const id of ['confirm', 'quote']) layers.querySelector(`#${id}`).addEventListener('click', (event) => { event.preventDefault(); menuItems.push(id); });
  });
  page.click('listed-retweet');
  await page.settle();
  buttonLabelled(page.dialog(), 'proceed').click();
  await page.settle();
  page.click('quote');
  await page.settle();
  assert.deepEqual(menuItems, [], 'quote is judged on its own');
  assert.equal(buttonLabelled(page.dialog(), 'proceed'), null, 'and blocked');
  buttonLabelled(page.dialog(), 'cancel').click();
  await page.settle();
  page.click('confirm');
  assert.deepEqual(menuItems, ['confirm'], 'the repost the user went on with needs no second warning');
});

test('audit at the opener does not let a warned item of its menu through', async () => {
  const page = setup({ known: { '@timmenang': LISTED }, policy: { mode: 'warn', actionModes: { repost: 'audit' } } });
  const layers = page.window.document.getElementById('layers');
  const menuItems = [];
  page.window.document.getElementById('listed-retweet').addEventListener('click', () => {
    layers.innerHTML = '<div role="menu"><a role="menuitem" href="/compose/post" id="quote">Quote</a></div>';
    layers.querySelector('#quote').addEventListener('click', (event) => { event.preventDefault(); menuItems.push('quote'); });
  });
  page.click('listed-retweet');
  assert.deepEqual(page.audits, ['x repost']);
  page.click('quote');
  await page.settle();
  assert.deepEqual(menuItems, []);
  assert.ok(page.dialog(), 'quote warns');
});

// Facebook's share dialog opens outside the post, and names neither the post nor its author.
const FACEBOOK_LISTED = { ...LISTED, platform: 'facebook', account: '@timpemenanganmerahputih' };
const SHARE_OF_PAGE_POST = '[data-pagelet="FeedUnit_0"] div[aria-label="Send this to friends or post it on your profile."]';
const SHARE_NOW = 'div[role="dialog"][aria-label="Share"] div[aria-label="Share now"]';

function facebookFeed(options) {
  const page = setup({ html: pageHtml('facebook-en'), ...options });
  const shared = [];
  page.window.document.querySelector(SHARE_NOW).addEventListener('click', () => shared.push('share now'));
  return { ...page, shared };
}

test('Facebook: after going on at a post\'s Share, the share dialog\'s "Share now" shares it without a second warning', async () => {
  // On the Page's own URL, where the dialog (outside the post) was taken for a share of the page.
  const page = facebookFeed({ url: 'https://www.facebook.com/timpemenanganmerahputih', known: { '@timpemenanganmerahputih': FACEBOOK_LISTED } });
  page.press(SHARE_OF_PAGE_POST);
  await page.settle();
  assert.match(page.dialog().textContent, /@timpemenanganmerahputih/);
  buttonLabelled(page.dialog(), 'proceed').click();
  await page.settle();
  page.press(SHARE_NOW);
  await page.settle();
  assert.equal(page.dialog(), null, 'no second warning');
  assert.deepEqual(page.shared, ['share now']);
});

test('Facebook: on the home feed, "Share now" after a Share that was not warned about is judged as a share of that post', async () => {
  // The host did not answer in time for the Share button (failMode open let it go); by "Share now" it does.
  const replies = [{ verdict: 'unavailable', reason: 'timeout' }, FACEBOOK_LISTED];
  const page = facebookFeed({ url: 'https://www.facebook.com/', answer: async () => replies.shift() });
  page.press(SHARE_OF_PAGE_POST);
  await page.settle();
  assert.equal(page.dialog(), null);
  page.press(SHARE_NOW);
  await page.settle();
  await page.settle();
  assert.deepEqual(page.shared, [], 'held');
  assert.match(page.dialog().textContent, /@timpemenanganmerahputih/);
  assert.deepEqual(page.asked.map(({ action, account }) => `${action} ${account}`),
    ['share @timpemenanganmerahputih', 'share @timpemenanganmerahputih']);
});

test('a follow is caught when the list names the account by handle while the button carries its id', async () => {
  const dom = pageWithScripts(`<div data-testid="placementTracking"><button aria-label="Follow @TimMenang" data-testid="1700000000000000001-follow" id="follow">Follow</button></div>`,
    'https://x.com/TimMenang', SCRIPTS);
  const { Netral } = dom.window;
  const hit = Netral.resolve.classify(Netral.sites.forHost('x.com'), dom.window.document.getElementById('follow'), 'click');
  assert.equal(hit.target.account, 'id:1700000000000000001');
  assert.deepEqual([...hit.aliases.map((a) => a.account)], ['@timmenang']);
  const page = setup({
    known: { '@timmenang': LISTED },
    answer: async (target) => (target.account === '@timmenang' ? LISTED : { verdict: 'clear', platform: 'x', account: target.account }),
  });
  page.window.document.body.insertAdjacentHTML('beforeend', '<button aria-label="Follow @TimMenang" data-testid="1700000000000000001-follow" id="follow2">Follow</button>');
  const ran = [];
  page.window.document.getElementById('follow2').addEventListener('click', () => ran.push('follow'));
  page.click('follow2');
  await page.settle();
  await page.settle();
  assert.deepEqual(ran, [], 'the site never saw it');
  assert.match(page.dialog().textContent, /@timmenang/);
  dom.window.close();
});

test('the warning speaks English when the policy or the browser says so', async () => {
  for (const forcedLanguage of [true, false]) {
    const page = setup({ known: { '@timmenang': LISTED }, language: 'en', forcedLanguage });
    page.click('listed-like');
    await page.settle();
    const dialog = page.dialog();
    assert.match(dialog.textContent, /You are about to like a post by @timmenang \(X\)/);
    assert.equal(buttonLabelled(dialog, 'cancel').textContent, 'Cancel');
    assert.equal(buttonLabelled(dialog, 'proceed').textContent, 'Go on anyway');
    assert.equal(dialog.ownerDocument.documentElement.lang, 'en');
  }
});

test('the warning keeps the focus: it opens on Batalkan, and Tab / Shift+Tab cycle inside it', async () => {
  const page = setup({ known: { '@timmerahputih': { ...LISTED, account: '@timmerahputih' }, '@timmenang': LISTED } });
  page.click('listed-like');
  await page.settle();
  const dialog = page.dialog();
  const frame = dialog.ownerDocument;
  const cancel = buttonLabelled(dialog, 'cancel');
  const proceed = buttonLabelled(dialog, 'proceed');
  assert.equal(page.window.document.activeElement, page.hosts()[0], 'the page sees only our element focused');
  assert.equal(frame.activeElement, cancel, 'Batalkan has the focus');
  const tab = (from, shiftKey = false) => from.dispatchEvent(new frame.defaultView.KeyboardEvent('keydown', { key: 'Tab', shiftKey, bubbles: true, cancelable: true }));
  tab(cancel);
  assert.equal(frame.activeElement, proceed);
  tab(proceed);
  assert.equal(frame.activeElement, cancel, 'wraps around instead of leaving');
  tab(cancel, true);
  assert.equal(frame.activeElement, proceed);
});

test('keys pressed in the warning do not reach the page (no X shortcut fires behind it)', async () => {
  const page = setup({ known: { '@timmenang': LISTED } });
  const seen = [];
  page.window.document.addEventListener('keydown', (event) => seen.push(event.key));
  page.click('listed-like');
  await page.settle();
  const frame = page.frames.latest().window;
  buttonLabelled(page.dialog(), 'cancel').dispatchEvent(new frame.KeyboardEvent('keydown', { key: 'l', bubbles: true, composed: true }));
  // Nor keys on our element in the page, should the focus ever be there.
  page.pageDialog().dispatchEvent(new page.window.KeyboardEvent('keydown', { key: 'l', bubbles: true, composed: true }));
  assert.deepEqual(seen, []);
});

test('an out-of-date list is said so in the warning', async () => {
  const page = setup({ known: { '@timmenang': { ...LISTED, list: { ...LISTED.list, stale: true } } } });
  page.click('listed-like');
  await page.settle();
  assert.match(page.dialog().textContent, /Daftar ini sudah kedaluwarsa/);
});

test('the IT contact from policy is shown as a link, and only the text when there is no link', async () => {
  const page = setup({
    known: { '@timmenang': LISTED },
    policy: { contactText: 'Biro Umum', contactUrl: 'mailto:it@instansi.go.id' },
  });
  page.click('listed-like');
  await page.settle();
  const link = page.dialog().querySelector('a[href="mailto:it@instansi.go.id"]');
  assert.equal(link.textContent, 'Biro Umum');
  const plain = setup({ known: { '@timmenang': LISTED }, policy: { contactText: 'Biro Umum' } });
  plain.click('listed-like');
  await plain.settle();
  assert.equal(plain.dialog().querySelector('a'), null);
  assert.match(plain.dialog().textContent, /Biro Umum/);
});

// ---- failing safe ----

test('a warning the page removes counts as Batalkan, and later actions are judged again', async () => {
  const page = setup({ known: { '@timmenang': LISTED, '@tetangga': CLEAR } });
  page.click('listed-like');
  await page.settle();
  for (const host of page.hosts()) host.remove();   // what a page script can do to our element
  await page.settle();
  assert.deepEqual(page.ran, [], 'the removed warning dropped the action');
  page.click('listed-like');
  await page.settle();
  assert.deepEqual(page.ran, [], 'the next like on the listed account is held too');
  assert.ok(page.dialog(), 'and warned about, on a new frame');
  buttonLabelled(page.dialog(), 'cancel').click();
  await page.settle();
  page.click('clear-like');
  assert.deepEqual(page.ran, ['clear-like'], 'a clear account still goes on');
});

test('a warning the page restyles or moves counts as Batalkan', async () => {
  const page = setup({ known: { '@timmenang': LISTED } });
  page.click('listed-like');
  await page.settle();
  page.hosts()[0].setAttribute('style', 'display: none');
  await page.settle();
  assert.equal(page.dialog(), null);
  page.click('listed-like');
  await page.settle();
  assert.ok(page.dialog());
  page.window.document.body.append(page.hosts().at(-1));
  await page.settle();
  assert.equal(page.dialog(), null);
  page.click('listed-like');
  await page.settle();
  assert.ok(page.dialog());
  assert.deepEqual(page.ran, []);
});

test('an action that reaches the page while a warning is open is dropped, not let through', async () => {
  const page = setup({ known: { '@timmenang': LISTED, '@tetangga': CLEAR } });
  page.click('listed-like');
  await page.settle();
  page.click('listed-retweet');   // the page is inert under a modal dialog; here it is not
  assert.deepEqual(page.ran, []);
  assert.match(page.dialog().textContent, /menyukai/, 'still the first warning');
});

function withBrokenLikeSelector(adapter) {
  return { ...adapter, rules: adapter.rules.map((rule) => (rule.action === 'like' ? { ...rule, selector: 'button:contains("Like")' } : rule)) };
}

function capturingErrors(page) {
  const errors = [];
  page.window.console.error = (...args) => errors.push(args.map(String).join(' '));
  return errors;
}

test('an adapter selector the browser refuses does not let an action through: the listed like is warned, the error reported', async () => {
  const page = setup({ known: { '@timmenang': LISTED, '@tetangga': CLEAR }, adapt: withBrokenLikeSelector });
  const errors = capturingErrors(page);
  assert.throws(() => page.window.document.body.matches('button:contains("Like")'), 'the selector really is refused');
  page.click('listed-like');
  await page.settle();
  assert.deepEqual(page.ran, [], 'the site never saw it');
  assert.ok(page.dialog(), 'warned');
  assert.ok(errors.some((line) => line.includes(':contains')), `reported: ${errors.join('; ')}`);
  buttonLabelled(page.dialog(), 'cancel').click();
  await page.settle();
  page.click('clear-like');
  assert.deepEqual(page.ran, ['clear-like'], 'a clear account goes on');
});

test('a refused selector where the account cannot be read: failMode closed holds it, open lets it go', async () => {
  // The account sources of the like rule are broken: no account can be read.
  const brokenAccount = (adapter) => ({ ...adapter, authors: [{ find: 'a[href]:contains("@")' }], pageAccount: [] });
  const closed = setup({ known: {}, answer: async () => LISTED, adapt: brokenAccount, policy: { failMode: 'closed' } });
  capturingErrors(closed);
  closed.click('listed-like');
  await closed.settle();
  assert.deepEqual(closed.ran, []);
  assert.match(closed.dialog().textContent, /tidak dapat diperiksa/i);
  assert.equal(buttonLabelled(closed.dialog(), 'proceed'), null);
  const open = setup({ known: {}, answer: async () => LISTED, adapt: brokenAccount });
  capturingErrors(open);
  open.click('listed-like');
  assert.deepEqual(open.ran, ['listed-like']);
});

test('a frame that never shows the warning: given up as Batalkan, and the page is told only that the action stopped', async () => {
  const page = setup({ known: { '@timmenang': LISTED }, frame: 'never', readyWithinMs: 20 });
  page.click('listed-like');
  await new Promise((resolve) => page.window.setTimeout(resolve, 40));
  assert.deepEqual(page.ran, []);
  assert.equal(page.frames.frames[0].iframe.isConnected, false, 'the broken frame is gone');
  assert.equal(page.dialog(), null);
  const said = page.hosts().map((host) => host.textContent).join('');
  assert.equal(said.includes('timmenang'), false);
  page.click('listed-like');
  assert.deepEqual(page.ran, [], 'and the next action is judged again');
});

test('a keyboard shortcut whose button selector is refused: failMode closed holds the key, open lets it go', async () => {
  const brokenKeys = (adapter) => ({ ...adapter, keys: adapter.keys.map((key) => ({ ...key, button: 'button:contains("Like")' })) });
  for (const [failMode, expected] of [['closed', 0], ['open', 1]]) {
    const page = setup({ known: { '@timmenang': LISTED }, adapt: brokenKeys, policy: { failMode } });
    const errors = capturingErrors(page);
    const seen = [];
    page.window.document.addEventListener('keydown', (event) => seen.push(event.key));
    const post = page.window.document.getElementById('listed-post');
    post.focus();
    page.key('l', post);
    await page.settle();
    assert.equal(seen.length, expected, `failMode ${failMode}`);
    assert.ok(errors.length > 0, 'reported');
    if (failMode === 'closed') assert.match(page.dialog().textContent, /tidak dapat diperiksa/i);
  }
});

// ---- knowing when the rules stop matching (content/recognition.js) ----

test('a site that renamed its like button: the click is not judged, and it is counted as unrecognised', () => {
  const html = pageHtml('x-post').replaceAll('data-testid="like"', 'data-testid="like-2027"');
  const page = setup({ html, url: 'https://x.com/TimMenang/status/1' });
  const button = page.window.document.querySelector('[data-testid="like-2027"]');
  assert.match(button.getAttribute('aria-label'), /Likes\. Like$/);
  page.press('[data-testid="like-2027"]');
  assert.equal(page.dialog(), null);
  assert.deepEqual(page.asked, []);
  assert.deepEqual(page.reports, ['unrecognised']);
  // The same page as the rules know it: a like, judged, and nothing counted.
  const known = setup({ html: pageHtml('x-post'), url: 'https://x.com/TimMenang/status/1', known: { '@timmenang': CLEAR } });
  known.press('[data-testid="like"]');
  assert.deepEqual(known.reports, []);
});

test('ordinary clicks count nothing: a tab, a link, a text box, "Following", "Likes"', () => {
  const html = `<!DOCTYPE html><html><body>
    <a href="/TimMenang" id="link">Tim Menang</a><textarea id="box"></textarea>
    <button id="following">Following</button><div role="button" id="likes">Likes</div>
    <div role="tab" id="tab">Like</div><button id="unfollow" aria-label="Unfollow @tim">Unfollow</button>
  </body></html>`;
  const page = setup({ html });
  for (const id of ['link', 'box', 'following', 'likes', 'tab', 'unfollow']) page.click(id);
  assert.deepEqual(page.reports, []);
});

test('an action whose account cannot be read is counted (noAccount), a rule that throws too (ruleError)', () => {
  const html = `<!DOCTYPE html><html><body><article data-testid="tweet"><p>no author here</p>
    <button data-testid="like" id="orphan">Like</button></article></body></html>`;
  const page = setup({ html });
  page.click('orphan');
  assert.deepEqual(page.reports, ['noAccount']);
  const broken = setup({
    adapt: (adapter) => ({ ...adapter, rules: [{ action: 'like', selector: '[data-testid="like"]:bad(' }, ...adapter.rules] }),
    policy: { failMode: 'open' },
  });
  const error = console.error;
  console.error = () => {};
  try {
    broken.click('clear-like');
  } finally {
    console.error = error;
  }
  assert.deepEqual(broken.reports, ['ruleError']);
});

test('a page reports each kind a few times at most', () => {
  const { Netral } = setup();
  const sent = [];
  const report = Netral.recognition.createReporter((kind) => sent.push(kind));
  for (let i = 0; i < 20; i++) { report('unrecognised'); report('noAccount'); }
  assert.equal(sent.filter((kind) => kind === 'unrecognised').length, 5);
  assert.equal(sent.filter((kind) => kind === 'noAccount').length, 5);
});

test('a feed page on which no post is found says the post selectors may no longer match', () => {
  const feed = setup({ html: '<!DOCTYPE html><html><body><main><div data-testid="cellInnerDiv">Tim Menang: Pilih kami!</div></main></body></html>', url: 'https://x.com/home' });
  assert.equal(feed.Netral.recognition.postsMissing(feed.window, feed.Netral.sites.forHost('x.com')), true);
  const withPosts = setup({ url: 'https://x.com/home' });
  assert.equal(withPosts.Netral.recognition.postsMissing(withPosts.window, withPosts.Netral.sites.forHost('x.com')), false);
  // Not a feed (a profile, a post): no post there says nothing.
  const profile = setup({ html: '<!DOCTYPE html><html><body><main></main></body></html>', url: 'https://x.com/TimMenang' });
  assert.equal(profile.Netral.recognition.postsMissing(profile.window, profile.Netral.sites.forHost('x.com')), false);
});

// ---- posts, replies and comments that mention a listed account ----

const REPLY_PAGE = (text) => `<!DOCTYPE html><html><body>
  <article data-testid="tweet" id="clear-post">
    <div data-testid="User-Name"><a href="/tetangga">Tetangga</a></div>
    <button data-testid="reply" id="reply-opener">Reply</button>
  </article>
  <div id="inline-composer">
    <div data-testid="tweetTextarea_0" contenteditable="true">${text}</div>
    <div><button data-testid="tweetButtonInline" id="send">Reply</button></div>
  </div>
</body></html>`;

test('a reply whose text mentions a listed account warns at send, naming that account, not the one replied to', async () => {
  const page = setup({
    html: REPLY_PAGE('Setuju sekali @TimMenang, ayo!'), url: 'https://x.com/tetangga/status/123',
    known: { '@tetangga': CLEAR, '@timmenang': LISTED },
  });
  page.click('send');
  await page.settle();
  const dialog = page.dialog();
  assert.ok(dialog, 'warned');
  assert.match(dialog.textContent, /Balasan Anda menyebut @timmenang \(X\)/);
  assert.match(dialog.textContent, /Calon A/);
});

test('a new post from the page\'s own box that mentions a listed account warns; mentioning no listed one goes on', async () => {
  const answer = async (target) => (target.account === '@timmenang' ? LISTED : { ...CLEAR, account: target.account });
  let page = setup({ html: REPLY_PAGE('Halo @TimMenang dan @kawan'), url: 'https://x.com/home', answer });
  page.click('send');
  await page.settle();
  await page.settle();
  assert.ok(page.dialog(), 'warned');
  assert.match(page.dialog().textContent, /Postingan Anda menyebut @timmenang \(X\)/);
  assert.deepEqual(page.asked.map((a) => a.account).sort(), ['@kawan', '@timmenang']);

  page = setup({ html: REPLY_PAGE('Halo @kawan, email saya a@b.id'), url: 'https://x.com/home', answer });
  page.click('send');
  await page.settle();
  await page.settle();
  assert.equal(page.dialog(), null);
  assert.deepEqual(page.asked.map((a) => a.account), ['@kawan'], 'an e-mail address is no mention');
});

test('opening a reply (no text sent yet) checks no mentions: the reply box below is not its text', () => {
  const page = setup({
    html: REPLY_PAGE('@TimMenang'), url: 'https://x.com/tetangga/status/123', known: { '@tetangga': CLEAR },
  });
  page.click('reply-opener');
  assert.deepEqual(page.asked, [], 'nothing asked: the post\'s author is known clear, and no mention was read');
  assert.equal(page.dialog(), null);
});
