// X (Twitter). Buttons carry stable data-testid values in every UI language; only the
// share button and the quote menu item need their label, given here in English and Indonesian.
(function attach(root) {
  'use strict';

  const TWEET = 'article[data-testid="tweet"]';
  // A quoted post has no action bar of its own: a card around one is the post's body.
  const QUOTED = `${TWEET} div[role="link"]:not(:has([data-testid="reply"], [data-testid="retweet"], [data-testid="unretweet"], [data-testid="like"], [data-testid="unlike"]))`;
  const AUTHOR_IN_POST = [
    { find: '[data-testid="User-Name"] a[href]' },
    { find: '[data-testid^="UserAvatar-Container-"]', attr: 'data-testid', pattern: '^UserAvatar-Container-(.+)$', prefix: '@' },
    { find: 'a[href*="/status/"]' },
  ];
  const AUTHOR_IN_DIALOG = AUTHOR_IN_POST.map((source) => ({ ...source, scope: '[role="dialog"]' }));
  // Follow buttons read "<numeric id>-follow"; their label names the same account by handle,
  // which is checked too (a list may name either form).
  const FOLLOWED = [
    { scope: 'self', attr: 'data-testid', pattern: '^([0-9]+)-follow$', prefix: 'id:' },
    { scope: 'self', attr: 'aria-label', pattern: '@([A-Za-z0-9_]{1,15})', alias: true },
    { scope: 'location' },
  ];

  root.Netral.sites.register({
    platform: 'x',
    hosts: ['x.com', 'twitter.com'],
    posts: [
      // A quoted post inside a post: acting inside it targets the quoted author.
      { selector: QUOTED, has: '[data-testid="User-Name"]' },
      TWEET,
    ],
    authors: AUTHOR_IN_POST,
    pageAccount: [{ scope: 'location' }],
    rules: [
      { action: 'like', selector: '[data-testid="like"]' },
      { action: 'repost', selector: '[data-testid="retweet"]', opensContext: true },
      { action: 'repost', selector: '[data-testid="retweetConfirm"]', account: [{ scope: 'context' }] },
      {
        action: 'quote',
        selector: '[role="menuitem"]',
        has: 'a[href*="/compose/"], [href*="/compose/"]',
        account: [{ scope: 'context' }],
      },
      { action: 'quote', selector: 'a[role="menuitem"][href*="/compose/"]', account: [{ scope: 'context' }] },
      { action: 'reply', selector: '[data-testid="reply"]', opensContext: true },
      { action: 'share', selector: 'button[aria-label]', text: '^(share post|bagikan postingan)\\b', opensContext: true },
      { action: 'follow', selector: '[data-testid$="-follow"]', account: FOLLOWED },
      // Posting the reply: the modal composer shows the post replied to; the inline one sits
      // under the post the page is about.
      { action: 'reply', selector: '[data-testid="tweetButton"]', account: [...AUTHOR_IN_DIALOG, { scope: 'context' }] },
      { action: 'reply', selector: '[data-testid="tweetButtonInline"]', account: [{ scope: 'location' }] },
      {
        action: 'reply',
        event: 'enter',
        modifier: true,
        selector: '[data-testid^="tweetTextarea_"]',
        account: [...AUTHOR_IN_DIALOG, { scope: 'location' }],
      },
    ],
    keys: [
      { key: 'l', button: '[data-testid="like"]' },
      { key: 't', button: '[data-testid="retweet"]' },
      { key: 'r', button: '[data-testid="reply"]' },
    ],
  });
})(globalThis);
