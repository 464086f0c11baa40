// The adapter cases of a set of fixtures: every click and key press of each page's
// .expect.json (format: tests/fixtures/sites/README.md) classified by the adapter of its site,
// and pre-resolve finding every account acted on. Used for the project's own pages
// (adapters.test.js) and for the saved real pages (tests/real-pages/adapters.test.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentScriptFiles, pageWithScripts } from './helpers.js';
import { loadSpec, pageHtml } from '../lib/fixtures.js';

const SCRIPTS = contentScriptFiles().filter((file) => !file.endsWith('/main.js'));

/** The fixture NAME in jsdom with the content scripts, and the adapter for its site. */
export function loadPage(name) {
  const spec = loadSpec(name);
  const dom = pageWithScripts(pageHtml(name), spec.url, SCRIPTS);
  const { Netral } = dom.window;
  const adapter = Netral.sites.forHost(new URL(spec.url).hostname);
  return { dom, window: dom.window, Netral, adapter };
}

export function only(document, selector) {
  const found = document.querySelectorAll(selector);
  assert.equal(found.length, 1, `selector ${selector} matches ${found.length} elements`);
  return found[0];
}

function outcome(hit) {
  if (!hit || !hit.action) return null;
  return { action: hit.action, platform: hit.target && hit.target.platform, account: hit.target && hit.target.account };
}

// The view a click belongs to, in a composite page (same origin, another path).
export function visit(window, url) {
  if (window.location.href !== url) window.history.replaceState(null, '', url);
}

// The account the layer's opener set, as the interceptor remembers it.
function contextFrom(page, openedBy) {
  if (!openedBy) return null;
  const opener = only(page.window.document, openedBy.selector);
  const hit = page.Netral.resolve.classify(page.adapter, opener, 'click');
  return hit && hit.rule.opensContext ? hit.target : null;
}

/** Registers the cases of the fixtures NAMES (see tests/lib/fixtures.js). */
export function adapterCases(names) {
  for (const name of names) {
    const spec = loadSpec(name);
    const page = loadPage(name);
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

    // Account lists (following, groups, likes): at the list's URL, the site's list of that kind
    // finds exactly the rows the page lists, in order, each with its account (null: unreadable).
    for (const list of spec.lists || []) {
      const url = list.url || spec.url;
      test(`${spec.page}: the ${list.kind} list at ${new URL(url).pathname} finds its ${list.rows.length} rows and their accounts`, () => {
        visit(page.window, url);
        const lists = page.Netral.resolve.listsAt(page.adapter, page.window.location.pathname)
          .filter((candidate) => candidate.kind === list.kind);
        assert.ok(lists.length > 0, `no ${list.kind} list of ${page.adapter.platform} is shown at ${url}`);
        const found = lists.flatMap((candidate) => page.Netral.resolve.listRows(page.adapter, candidate, document)
          .map((row) => ({ row, target: page.Netral.resolve.rowAccount(page.adapter, candidate, row) })));
        const expected = list.rows.map((row) => ({ row: only(document, row.selector), account: row.account }));
        assert.equal(found.length, expected.length, `rows found: ${found.length}, expected: ${expected.length}`);
        found.forEach((f, i) => {
          assert.ok(f.row === expected[i].row, `row ${i + 1} is not ${list.rows[i].what}`);
          const got = f.target && { platform: f.target.platform, account: f.target.account };
          assert.deepEqual(got, expected[i].account, `row ${i + 1} (${list.rows[i].what})`);
        });
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
}
