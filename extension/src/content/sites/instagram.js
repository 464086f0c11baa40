// Instagram. Controls are div[role=button] around an <svg aria-label>; labels are given in
// English and Indonesian. A comment's small Like acts on the commenter.
(function attach(root) {
  'use strict';

  const LIKE_ICON = 'svg[aria-label="Like"], svg[aria-label="Suka"]';
  const CONTROL = '[role="button"], button';
  const PROFILE_LINK = 'a[href]';
  const NEAREST_PROFILE = [{ scope: 'nearest', find: PROFILE_LINK }];

  root.Netral.sites.register({
    platform: 'instagram',
    hosts: ['instagram.com'],
    posts: ['article'],
    authors: [{ find: PROFILE_LINK }],
    pageAccount: [{ scope: 'location' }],
    rules: [
      { action: 'like', selector: 'article section [role="button"], article section button', has: LIKE_ICON },
      // Outside the action bar, a Like belongs to a comment: its author is the nearest link.
      { action: 'like', selector: CONTROL, has: LIKE_ICON, unless: 'section', account: NEAREST_PROFILE },
      { action: 'comment', selector: CONTROL, has: 'svg[aria-label="Comment"], svg[aria-label="Komentar"]' },
      { action: 'share', selector: CONTROL, has: 'svg[aria-label="Share"], svg[aria-label="Bagikan"], svg[aria-label="Share Post"], svg[aria-label="Bagikan Postingan"]' },
      { action: 'follow', selector: CONTROL, text: '^(follow|ikuti|follow back|ikuti balik)$', account: [...NEAREST_PROFILE, { scope: 'location' }] },
      { action: 'comment', selector: `form ${CONTROL.split(', ').join(', form ')}`, text: '^(post|kirim)$' },
      { action: 'comment', event: 'enter', selector: 'form textarea, article textarea' },
      // A double-click on the photo or video likes the post. The feed covers each photo with an
      // empty div, the next sibling of the photo's container: that is where the click lands.
      {
        action: 'like',
        event: 'dblclick',
        selector: 'article img, article video, article [role="button"], article div:has(> img, > video) + div:empty',
        unless: 'a, article header, article section, form',   // the post's own bars, not a page's wrapper
      },
    ],
  });
})(globalThis);
