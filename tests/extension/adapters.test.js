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
