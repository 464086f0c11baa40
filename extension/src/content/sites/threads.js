// Threads. Controls are div[role=button] around an <svg aria-label>; the Repost menu and the
// reply composer open in layers outside the post, so they act on the post whose control
// opened them. The post's author is read from its permalink (/@name/post/...), which also
// skips the "reposted by" line of a repost.
(function attach(root) {
  'use strict';

  const CONTROL = '[role="button"]';
  const icon = (...labels) => labels.map((label) => `svg[aria-label="${label}"]`).join(', ');

  root.Netral.sites.register({
    platform: 'threads',
    hosts: ['threads.net', 'threads.com'],
    posts: ['[data-pressable-container="true"]'],
    authors: [{ find: 'a[href*="/post/"]' }, { find: 'a[href^="/@"]' }],
    pageAccount: [{ scope: 'location' }],
    rules: [
      { action: 'like', selector: CONTROL, has: icon('Like', 'Suka') },
      { action: 'reply', selector: CONTROL, has: icon('Reply', 'Balas'), opensContext: true },
      { action: 'repost', selector: CONTROL, has: icon('Repost', 'Posting ulang'), opensContext: true },
      { action: 'share', selector: CONTROL, has: icon('Share', 'Bagikan') },
      { action: 'repost', selector: '[role="menuitem"]', text: '^(repost|posting ulang)', account: [{ scope: 'context' }] },
      { action: 'quote', selector: '[role="menuitem"]', text: '^(quote|kutip)', account: [{ scope: 'context' }] },
      {
        action: 'reply',
        selector: `[role="dialog"] ${CONTROL}`,
        text: '^(post|posting)$',
        account: [{ scope: '[role="dialog"]', find: 'a[href^="/@"]' }, { scope: 'context' }],
      },
      { action: 'follow', selector: CONTROL, text: '^(follow|ikuti|follow back|ikuti balik)$', account: [{ scope: 'location' }] },
    ],
  });
})(globalThis);
