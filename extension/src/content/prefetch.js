// Pre-resolve: accounts of posts coming into view, of the page itself (profiles, channels)
// and of any action button the pointer or focus reaches are checked in batches ahead of the
// click, so the click usually finds its verdict known and goes on with no round trip.
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});
  const SCAN_DELAY_MS = 100;
  const VIEWPORT_MARGIN = '400px 0px';

  function postSelector(adapter) {
    return (adapter.posts || []).map((post) => (typeof post === 'string' ? post : post.selector)).join(',');
  }

  /**
   * @param enabled () → false while the policy turns Netral off here: nothing is checked then
   */
  function createPrefetcher({ window, adapter, verdicts, enabled = () => true }) {
    const doc = window.document;
    const { accountsIn, classify, pageAccount } = netral.resolve;
    const watched = new WeakSet();
    const selector = postSelector(adapter);
    let lastUrl = null;
    let scanScheduled = false;

    const inView = new window.IntersectionObserver((entries) => {
      if (!enabled()) return;
      const targets = [];
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        inView.unobserve(entry.target);
        targets.push(...accountsIn(adapter, entry.target));
      }
      verdicts.prefetch(targets);
    }, { rootMargin: VIEWPORT_MARGIN });

    function scan() {
      scanScheduled = false;
      if (!enabled()) return;
      if (doc.location.href !== lastUrl) {
        lastUrl = doc.location.href;
        const page = pageAccount(adapter, doc);
        if (page) verdicts.prefetch([page]);
      }
      if (!selector) return;
      for (const post of doc.querySelectorAll(selector)) {
        if (watched.has(post)) continue;
        watched.add(post);
        inView.observe(post);
      }
    }

    function scheduleScan() {
      if (scanScheduled) return;
      scanScheduled = true;
      setTimeout(scan, SCAN_DELAY_MS);
    }

    // Hover and focus come a few hundred milliseconds before a click.
    function onApproach(event) {
      if (!enabled()) return;
      const element = event.target && event.target.nodeType === 1 ? event.target : null;
      if (!element) return;
      const hit = classify(adapter, element, 'click') || classify(adapter, element, 'enter');
      if (hit && hit.target) verdicts.prefetch([hit.target]);
    }

    function start() {
      new window.MutationObserver(scheduleScan).observe(doc, { childList: true, subtree: true });
      window.addEventListener('pointerover', onApproach, { capture: true, passive: true });
      window.addEventListener('focusin', onApproach, { capture: true, passive: true });
      scheduleScan();
    }

    return { start, scan };
  }

  netral.prefetch = { createPrefetcher };
})(globalThis);
