// TikTok. Actions carry data-e2e attributes; the author is the avatar link of the video.
(function attach(root) {
  'use strict';

  const ACCOUNT_NAMES = '[data-e2e="user-title"], [data-e2e="browse-username"], a[href^="/@"]';

  root.Netral.sites.register({
    platform: 'tiktok',
    hosts: ['tiktok.com'],
    posts: [
      '[data-e2e="comment-level-1"]',
      '[data-e2e="comment-level-2"]',
      'article[data-e2e="recommend-list-item-container"]',
      '[data-e2e="user-post-item"]',
    ],
    authors: [
      { find: 'a[data-e2e="video-author-avatar"]' },
      { find: '[data-e2e="video-author-uniqueid"]', attr: 'text' },
      { find: 'a[href^="/@"]' },
    ],
    // Video and profile pages name their account in the URL.
    pageAccount: [{ scope: 'location' }],
    rules: [
      { action: 'like', selector: 'button, [role="button"]', has: '[data-e2e="like-icon"], [data-e2e="browse-like-icon"]' },
      { action: 'like', selector: '[data-e2e="like-icon"], [data-e2e="browse-like-icon"]' },
      { action: 'like', selector: '[data-e2e="comment-like-icon"]' },
      // A double-click on the playing video likes it.
      { action: 'like', event: 'dblclick', selector: '[data-e2e="feed-video"], [data-e2e="browse-video"]' },
      { action: 'share', selector: 'button, [role="button"]', has: '[data-e2e="share-icon"]', opensContext: true },
      { action: 'share', selector: '[data-e2e="share-icon"]', opensContext: true },
      { action: 'share', selector: '[data-e2e="share-btn"]', account: [{ scope: 'location' }] },
      { action: 'repost', selector: '[data-e2e="share-repost"]', account: [{ scope: 'context' }, { scope: 'location' }] },
      // Opening the comments only sets which video a comment will go to.
      { action: null, selector: 'button, [role="button"]', has: '[data-e2e="comment-icon"]', opensContext: true },
      { action: 'follow', selector: '[data-e2e="feed-follow"], [data-e2e="browse-follow"]' },
      { action: 'follow', selector: '[data-e2e="follow-button"]', account: [{ scope: 'nearest', find: ACCOUNT_NAMES }, { scope: 'location' }] },
      { action: 'comment', selector: '[data-e2e="comment-post"]', account: [{ scope: 'context' }, { scope: 'location' }] },
      {
        action: 'comment',
        event: 'enter',
        selector: '[data-e2e="comment-input"] [contenteditable="true"], [data-e2e="comment-text"] [contenteditable="true"]',
        account: [{ scope: 'context' }, { scope: 'location' }],
      },
    ],
  });
})(globalThis);
