// Notices, on the page, when the site rules may have stopped matching the site: a trusted
// click on a control labelled like an action (its whole label, in English or Indonesian)
// that no rule knew, an action whose account could not be read, a rule that could not be
// used, a feed page on which no post is found. Only the kind is reported (to the worker, which counts it: background/recognition.js);
// never the label, the URL or an account. A page reports each kind a few times at most.
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});
  const REPORTS_PER_PAGE = 5;
  const CONTROL = 'button, [role="button"], [role="menuitem"]';
  const MAX_LABEL = 40;
  // The labels the six sites give their action controls, whole (counts and other words around
  // them are not matched: "Following", "Likes", "Unfollow" are not actions).
  const ACTION_LABEL = new RegExp('^(like|suka|love|react|share|share post|bagikan|bagikan postingan'
    + '|repost|posting ulang|retweet|quote|kutip|reply|balas|comment|komentar|komentari|beri komentar'
    + '|follow|ikuti|follow back|ikuti balik|subscribe|berlangganan|join|join group|gabung|bergabung)$', 'i');

  // A label, and each of its sentences ("15022 Likes. Like" is X's like button).
  function labels(control) {
    const found = [control.getAttribute('aria-label'), control.textContent];
    const icon = control.querySelector('svg[aria-label], img[alt]');
    if (icon) found.push(icon.getAttribute('aria-label') || icon.getAttribute('alt'));
    return found.map((label) => (label || '').replace(/\s+/g, ' ').trim())
      .filter((label) => label && label.length <= MAX_LABEL)
      .flatMap((label) => [label, ...label.split(/[.·]\s+/).map((part) => part.trim()).filter(Boolean)]);
  }

  /** Whether ELEMENT is, or is inside, a control whose label names an action. */
  function looksLikeAction(element) {
    const control = element && element.closest ? element.closest(CONTROL) : null;
    return Boolean(control) && labels(control).some((label) => ACTION_LABEL.test(label));
  }

  /**
   * Whether WINDOW shows one of the adapter's feeds (a path where posts are always shown once
   * the page has loaded) and none of its posts is found: the post selectors may no longer match.
   */
  function postsMissing(window, adapter) {
    const path = window.location.pathname;
    const feed = (adapter.feeds || []).some((pattern) => {
      try {
        return new RegExp(pattern).test(path);
      } catch {
        return false;
      }
    });
    if (!feed) return false;
    const selector = netral.resolve.postSelector(adapter, window.document);
    return !selector || window.document.querySelector(selector) === null;
  }

  /** @param send (kind) → void: hands one report on; at most REPORTS_PER_PAGE of each kind. */
  function createReporter(send) {
    const sent = new Map();
    return function report(kind) {
      const count = sent.get(kind) || 0;
      if (count >= REPORTS_PER_PAGE) return;
      sent.set(kind, count + 1);
      try {
        send(kind);
      } catch {
        // Counting must never get in the way of a click.
      }
    };
  }

  netral.recognition = { looksLikeAction, postsMissing, createReporter };
})(globalThis);
