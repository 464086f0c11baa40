// Facebook. Labels are aria-labels or texts, in English and Indonesian. Links carry
// tracking parameters; only id= (profile.php, permalink.php) names an account. In a group
// post the author's link is /groups/NAME/user/ID/; the group is only the post's context.
// The reaction picker opens, on hover, and the share dialog, on Share, in layers outside the
// post; they act for the post whose control opened them.
(function attach(root) {
  'use strict';

  const CONTROL = '[role="button"]';
  const REACTIONS = 'Love|Care|Haha|Wow|Sad|Angry|Super|Peduli|Sedih|Marah';
  const PAGE_LINK = 'a[href]';

  root.Netral.sites.register({
    platform: 'facebook',
    hosts: ['facebook.com'],
    keepParams: ['id'],
    posts: ['[role="article"]', '[aria-posinset]', '[data-pagelet^="FeedUnit"]'],
    authors: [
      { find: 'a[href*="/groups/"][href*="/user/"]', pattern: '/user/([0-9]+)', prefix: 'id:' },
      { find: '[data-ad-rendering-role="profile_name"] a[href], h2 a[href], h3 a[href], h4 a[href]' },
      { find: PAGE_LINK },
    ],
    pageAccount: [{ scope: 'location' }],
    rules: [
      // The picker: Like is a like, the other six are reactions, on the post that opened it.
      { action: 'like', selector: `[role="dialog"] ${CONTROL}`, text: '^(like|suka)$', account: [{ scope: 'context' }] },
      { action: 'react', selector: `[role="dialog"] ${CONTROL}`, text: `^(${REACTIONS})$`, account: [{ scope: 'context' }] },
      // The share dialog's "Share now" shares the post that opened it; the page's URL never says which.
      { action: 'share', selector: `[role="dialog"] ${CONTROL}`, text: '^(share now|bagikan sekarang)$', account: [{ scope: 'context' }] },
      { action: 'like', selector: CONTROL, text: '^(like|suka)\\b', opensContext: 'hover' },
      { action: 'reply', selector: CONTROL, text: '^(reply|balas)$' },
      { action: 'comment', selector: CONTROL, text: '^(leave a comment|comment|beri komentar|komentari)\\b' },
      { action: 'share', selector: CONTROL, text: '^(send this to friends|kirim ini ke teman|share|bagikan)\\b', opensContext: true },
      { action: 'follow', selector: CONTROL, text: '^(follow|ikuti)\\b', account: [{ scope: 'nearest', find: PAGE_LINK }, { scope: 'location' }] },
      {
        action: 'join',
        selector: CONTROL,
        text: '^(join|join group|gabung|gabung ke grup|bergabung)\\b',
        account: [{ scope: 'nearest', find: 'a[href*="/groups/"]' }, { scope: 'location' }],
      },
      { action: 'comment', event: 'enter', selector: '[role="textbox"][contenteditable="true"]' },
    ],
  });
})(globalThis);
