// Served into every fixture page as the page's only script: it plays the site's own
// handlers. Bubble-phase listeners on the document (where React and friends listen) record
// each click, double-click, key press and submission that reaches the page, and change the
// control they land on, as a site would (like → liked), so a replay has a visible effect.
(() => {
  const runs = [];
  let pressedAt = null;   // when the pointer went down, to time how late the click arrives
  window.addEventListener('pointerdown', () => { pressedAt = performance.now(); }, true);
  window.__netral = {
    runs,
    /** Milliseconds from pointer down to the site seeing the click, per click on SELECTOR. */
    delays(selector) {
      const element = document.querySelector(selector);
      return runs.filter((run) => run.type === 'click' && run.delay !== null
        && (run.target === element || element.contains(run.target) || run.target.contains(element)))
        .map((run) => run.delay);
    },
    /** How many TYPE events the site saw on (or inside) the element SELECTOR picks. */
    count(selector, type, key) {
      const element = document.querySelector(selector);
      if (!element) return -1;
      return runs.filter((run) => run.type === type && (key === undefined || run.key === key)
        && (run.target === element || element.contains(run.target) || run.target.contains(element))).length;
    },
    trusted(selector, type) {
      const element = document.querySelector(selector);
      return runs.filter((run) => run.type === type
        && (run.target === element || element.contains(run.target) || run.target.contains(element)))
        .map((run) => run.trusted);
    },
  };
  for (const type of ['click', 'dblclick', 'keydown', 'submit']) {
    document.addEventListener(type, (event) => {
      if (type === 'keydown' && !['Enter', 'l', 't', 'r'].includes(event.key)) return;
      const target = event.target;
      const delay = type === 'click' && pressedAt !== null ? performance.now() - pressedAt : null;
      runs.push({ type, key: event.key, target, trusted: event.isTrusted, delay });
      if (target instanceof Element) target.setAttribute('data-site-handled', String(runs.length));
      // Single-page sites route links and forms themselves: no navigation away.
      if (type === 'submit' || (type === 'click' && target instanceof Element && target.closest('a[href]'))) {
        event.preventDefault();
      }
    });
  }
})();
