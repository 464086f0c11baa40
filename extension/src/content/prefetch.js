// Pre-resolve: the accounts of posts as they come into the page (or are filled in), of the
// page itself (profiles, channels) and of any action button the pointer or focus reaches
// are checked ahead of the click, in one batch per page change and with no timer in
// between, so the click usually finds its verdict known and goes on untouched, as the
// user's own event. A post shown and clicked at once still finds its check under way.
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});

  /**
   * @param enabled () → false while the policy turns Netral off here: nothing is checked then
   */
  function createPrefetcher({ window, adapter, verdicts, enabled = () => true }) {
    const doc = window.document;
    const { accountsIn, classify, pageAccount, postSelector } = netral.resolve;
    const asked = new WeakSet();   // posts whose accounts were sent for checking
    let lastUrl = null;
    // The posts' selector, made again when newer site rules are in use (sites/registry.js).
    let selectorOf = null;
    let selectorFor;
    function postsSelector() {
      const version = netral.sites ? netral.sites.version() : null;
      if (selectorOf === null || version !== selectorFor) {
        selectorOf = postSelector(adapter, doc);
        selectorFor = version;
      }
      return selectorOf;
    }

    function checkPage() {
      if (doc.location.href === lastUrl) return;
      lastUrl = doc.location.href;
      const page = pageAccount(adapter, doc);
      if (page) verdicts.prefetch([page]);
    }

    function ask(posts) {
      const targets = [];
      for (const post of posts) {
        if (asked.has(post)) continue;
        const accounts = accountsIn(adapter, post);
        if (accounts.length === 0) continue;   // not filled in yet: asked again when it is
        asked.add(post);
        targets.push(...accounts);
      }
      if (targets.length) verdicts.prefetch(targets);
    }

    /** Checks the page's account and every post in the document. */
    function scan() {
      if (!enabled()) return;
      checkPage();
      const selector = postsSelector();
      if (selector) ask(doc.querySelectorAll(selector));
    }

    // Only what changed is looked at: posts added, and posts that something was added to.
    function onMutations(records) {
      if (!enabled()) return;
      checkPage();
      const selector = postsSelector();
      if (!selector) return;
      const posts = new Set();
      for (const record of records) {
        if (record.addedNodes.length === 0) continue;
        const around = record.target.nodeType === 1 ? record.target.closest(selector) : null;
        if (around && !asked.has(around)) posts.add(around);
        for (const node of record.addedNodes) {
          if (node.nodeType !== 1) continue;
          if (node.matches(selector)) posts.add(node);
          for (const post of node.querySelectorAll(selector)) posts.add(post);
        }
      }
      ask(posts);
    }

    // Hover and focus come a few hundred milliseconds before a click.
    function onApproach(event) {
      if (!enabled()) return;
      const element = event.target && event.target.nodeType === 1 ? event.target : null;
      if (!element) return;
      const hit = classify(adapter, element, 'click') || classify(adapter, element, 'enter');
      if (hit && hit.target) verdicts.prefetch([hit.target, ...(hit.aliases || [])]);
    }

    function start() {
      new window.MutationObserver(onMutations).observe(doc, { childList: true, subtree: true });
      window.addEventListener('pointerover', onApproach, { capture: true, passive: true });
      window.addEventListener('focusin', onApproach, { capture: true, passive: true });
      scan();
    }

    return { start, scan };
  }

  netral.prefetch = { createPrefetcher };
})(globalThis);
