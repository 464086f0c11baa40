// Every site adapter over the project's own fixture pages (tests/fixtures/sites/), each with an
// .expect.json saying what each click or key press is: {action, platform, account}, or null for
// "not an action". The saved real pages get the same cases in tests/real-pages/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specNames } from '../lib/fixtures.js';
import { adapterCases, loadPage, only, visit } from './adapter-cases.js';

adapterCases(specNames());

test('YouTube: the watch page\'s channel id is checked with the owner, but not once the page moved to another video', () => {
  const page = loadPage('youtube-en');
  const like = only(page.window.document, 'ytd-watch-flexy like-button-view-model button');
  const hit = page.Netral.resolve.classify(page.adapter, like, 'click');
  assert.deepEqual([...hit.aliases.map((a) => a.account)], ['channel:UCq3Z9a1bC2dE3fG4hI5jK6L']);
  visit(page.window, 'https://www.youtube.com/watch?v=Zx9Cv8Bn7Ml');
  const after = page.Netral.resolve.classify(page.adapter, like, 'click');
  assert.deepEqual([...after.aliases], []);
});

test('Facebook: "Share now" in a share dialog that no judged Share button opened is never taken for a share of the page in the URL', () => {
  for (const [name, label] of [['facebook-en', 'Share now'], ['facebook-id', 'Bagikan sekarang']]) {
    const page = loadPage(name);
    visit(page.window, 'https://www.facebook.com/timpemenanganmerahputih');
    const shareNow = only(page.window.document, `div[role="dialog"] div[aria-label="${label}"]`);
    const hit = page.Netral.resolve.classify(page.adapter, shareNow, 'click');
    assert.equal(hit.action, 'share');
    assert.equal(hit.target, null, `${name}: no account is known without the post that opened the dialog`);
  }
});

test('Instagram: a double-click on the photo likes the post also when the feed sits in a page-wide <section>', () => {
  const page = loadPage('instagram-en');
  const { document } = page.window;
  const feed = document.getElementById('feed');
  const wrapper = document.createElement('section');   // the page's own wrapper, outside every post
  feed.replaceWith(wrapper);
  wrapper.append(feed);
  const overlay = only(document, '#feed > article:nth-of-type(2) > div > div:nth-child(2) > [role="button"] + div');
  const hit = page.Netral.resolve.classify(page.adapter, overlay, 'dblclick');
  assert.equal(hit.action, 'like');
  assert.equal(hit.target.account, '@dinas.kominfo.contoh');
});
