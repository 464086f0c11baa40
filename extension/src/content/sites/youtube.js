// YouTube. The video's owner comes from the owner renderer's link (a handle or /channel/UC…),
// a Short's from the channel bar over it, a comment's author from its author link. Pressed
// toggles (already liked) are not actions.
(function attach(root) {
  'use strict';

  // The channel id in the server-rendered microformat is checked alongside the owner's
  // handle, but only while it describes the video in the URL (in-app navigation leaves it).
  const CHANNEL_ID_META = {
    scope: 'page',
    find: 'meta[itemprop="channelId"]',
    attr: 'content',
    freshIf: { find: 'meta[itemprop="videoId"]', attr: 'content', param: 'v' },
  };
  // Shorts: each Short is its own renderer (the next ones are rendered ahead of the scroll); its
  // channel is the link in the channel bar (2024-) or in the older header renderer.
  const SHORT = 'ytd-reel-video-renderer';
  const SHORT_CHANNEL = 'yt-reel-channel-bar-view-model a[href], ytd-reel-player-header-renderer a[href]';
  const OWNER = [
    { scope: SHORT, find: SHORT_CHANNEL },
    { scope: 'page', find: 'ytd-watch-flexy ytd-video-owner-renderer a[href], ytd-watch-metadata ytd-channel-name a[href]' },
    // The comments panel of a Short sits beside the player, outside the Short: the one playing.
    { scope: 'page', find: `${SHORT}[is-active] yt-reel-channel-bar-view-model a[href], ${SHORT}[is-active] ytd-reel-player-header-renderer a[href]` },
    { scope: 'location' },
    { ...CHANNEL_ID_META, alias: true },
  ];

  root.Netral.sites.register({
    platform: 'youtube',
    hosts: ['youtube.com'],
    posts: ['ytd-comment-view-model', 'ytd-comment-renderer', SHORT],
    authors: [{ find: SHORT_CHANNEL }, { find: '[id="author-text"]' }, { find: '[id="author-thumbnail"] a[href]' }],
    pageAccount: OWNER,
    rules: [
      { action: 'like', selector: 'like-button-view-model button:not([aria-pressed="true"])', account: OWNER },
      { action: 'like', selector: '[id="like-button"] button:not([aria-pressed="true"])' },
      { action: 'reply', selector: '[id="reply-button-end"] button', opensContext: true },
      {
        action: 'subscribe',
        selector: 'ytd-subscribe-button-renderer button, yt-subscribe-button-view-model button',
        text: '^(subscribe\\b|berlangganan\\b)',
        account: OWNER,
      },
      { action: 'join', selector: 'button', text: '^(join this channel|gabung ke channel ini)', account: OWNER },
      {
        action: 'share',
        selector: `#top-level-buttons-computed button, ytd-watch-metadata button, ${SHORT} [id="share-button"] button`,
        text: '^(share|bagikan)',
        account: OWNER,
      },
      // Sending a comment: on the video, or (inside a comment's reply box) on that comment.
      { action: 'comment', selector: '[id="submit-button"] button' },
      { action: 'comment', event: 'enter', modifier: true, selector: '[id="contenteditable-root"]' },
    ],
  });
})(globalThis);
