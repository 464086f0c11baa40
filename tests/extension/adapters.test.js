// Every site adapter over saved pages: the real X and TikTok pages and the hand-written
// fixtures, each with an .expect.json (format: tests/fixtures/sites/README.md) saying what
// each click or key press is: {action, platform, account}, or null for "not an action".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { contentScriptFiles, pageWithScripts, readJson, repoRoot } from './helpers.js';

const SITES_DIR = path.join(repoRoot, 'tests/fixtures/sites');
// The saved real pages live in shared/ beside the repository (as in CI).
const REAL_DIR = process.env.NETRAL_REAL_FIXTURES || path.join(repoRoot, '..', 'shared', 'fixtures', 'real');
const SCRIPTS = contentScriptFiles().filter((file) => !file.endsWith('/main.js'));

const expectations = fs.readdirSync(SITES_DIR).filter((name) => name.endsWith('.expect.json')).sort();

function pagePath(spec) {
  return spec.source === 'real' ? path.join(REAL_DIR, spec.page) : path.join(SITES_DIR, spec.page);
}

function loadPage(spec) {
  const dom = pageWithScripts(fs.readFileSync(pagePath(spec), 'utf8'), spec.url, SCRIPTS);
  const { Netral } = dom.window;
  const adapter = Netral.sites.forHost(new URL(spec.url).hostname);
  return { dom, window: dom.window, Netral, adapter };
}

function only(document, selector) {
  const found = document.querySelectorAll(selector);
  assert.equal(found.length, 1, `selector ${selector} matches ${found.length} elements`);
  return found[0];
}

function outcome(hit) {
  if (!hit || !hit.action) return null;
  return { action: hit.action, platform: hit.target && hit.target.platform, account: hit.target && hit.target.account };
}

// The view a click belongs to, in a composite page (same origin, another path).
function visit(window, url) {
  if (window.location.href !== url) window.history.replaceState(null, '', url);
}

// The account the layer's opener set, as the interceptor remembers it.
function contextFrom(page, openedBy) {
  if (!openedBy) return null;
  const opener = only(page.window.document, openedBy.selector);
  const hit = page.Netral.resolve.classify(page.adapter, opener, 'click');
  return hit && hit.rule.opensContext ? hit.target : null;
}

for (const file of expectations) {
  const spec = readJson(path.join(SITES_DIR, file));
  if (spec.source === 'real' && !fs.existsSync(pagePath(spec))) {
    test(`${spec.page}`, { skip: `real page not found at ${pagePath(spec)}` }, () => {});
    continue;
  }
  const page = loadPage(spec);
  const { document } = page.window;

  test(`${spec.page}: the adapter for ${new URL(spec.url).hostname} exists`, () => {
    assert.ok(page.adapter);
  });

  for (const click of spec.clicks || []) {
    const event = click.event || 'click';
    const said = click.expect ? `${click.expect.action} ${click.expect.account}` : 'nothing';
    test(`${spec.page}: ${event} on ${click.what} → ${said}`, () => {
      visit(page.window, click.url || spec.url);
      const element = only(document, click.selector);
      const hit = page.Netral.resolve.classifyEvent(
        page.adapter, { type: event, target: element }, contextFrom(page, click.opened_by),
      );
      assert.deepEqual(outcome(hit), click.expect);
      // Other forms checked alongside must be forms of the same account.
      const aliases = hit && hit.aliases ? hit.aliases.map((alias) => alias.account) : [];
      for (const alias of aliases) assert.ok((click.aliases || []).includes(alias), `${alias} is not an alias of ${click.expect.account}`);
    });
  }

  for (const press of spec.keys || []) {
    const said = press.expect ? `${press.expect.action} ${press.expect.account}` : 'nothing';
    const modifiers = press.modifiers || [];
    test(`${spec.page}: ${modifiers.map((m) => `${m}+`).join('')}${press.key} in ${press.what} → ${said}`, () => {
      visit(page.window, press.url || spec.url);
      const focused = only(document, press.focus);
      if (!focused.hasAttribute('tabindex') && !/^(INPUT|TEXTAREA|BUTTON|A)$/.test(focused.tagName)
        && !focused.isContentEditable) focused.setAttribute('tabindex', '-1');
      focused.focus();
      if (press.text !== undefined) {
        if ('value' in focused && focused.tagName !== 'BUTTON') focused.value = press.text;
        else focused.textContent = press.text;
      }
      const hit = page.Netral.resolve.classifyEvent(page.adapter, {
        type: 'keydown', target: focused, key: press.key,
        shiftKey: modifiers.includes('Shift'), ctrlKey: modifiers.includes('Control'),
        metaKey: modifiers.includes('Meta'), altKey: modifiers.includes('Alt'),
      });
      assert.deepEqual(outcome(hit), press.expect);
    });
  }

  // Pre-resolve: each account a click acts on is found by scanning the page before any
  // click, so the click finds its verdict known.
  test(`${spec.page}: pre-resolve finds every account acted on`, () => {
    const wanted = new Set();
    for (const item of [...(spec.clicks || []), ...(spec.keys || [])]) {
      if (item.expect && !item.opened_by) wanted.add(`${item.expect.platform} ${item.expect.account}@${item.url || spec.url}`);
    }
    const missing = [];
    for (const entry of wanted) {
      const [key, url] = entry.split('@http');
      visit(page.window, `http${url}`);
      const found = new Set(page.Netral.resolve.accountsIn(page.adapter, document)
        .map((t) => `${t.platform} ${t.account}`));
      const here = page.Netral.account.normalise(page.adapter.platform, page.window.location.href);
      if (here) found.add(`${here.platform} ${here.account}`);
      if (!found.has(key)) missing.push(key);
    }
    assert.deepEqual(missing, []);
  });
}

test('YouTube: the watch page\'s channel id is checked with the owner, but not once the page moved to another video', () => {
  const spec = readJson(path.join(SITES_DIR, 'youtube-en.expect.json'));
  const page = loadPage(spec);
  const like = only(page.window.document, 'ytd-watch-flexy like-button-view-model button');
  const hit = page.Netral.resolve.classify(page.adapter, like, 'click');
  assert.deepEqual([...hit.aliases.map((a) => a.account)], ['channel:UCq3Z9a1bC2dE3fG4hI5jK6L']);
  visit(page.window, 'https://www.youtube.com/watch?v=Zx9Cv8Bn7Ml');
  const after = page.Netral.resolve.classify(page.adapter, like, 'click');
  assert.deepEqual([...after.aliases], []);
});
