// The floor's content script. A trusted click on a like button is held, one round trip made
// (content script → service worker → host → back) and the click replayed, as Netral does for
// an account it does not know yet. A "bench-floor-rtt" event on the document (detail: N) runs
// N plain round trips and leaves their times (ms) in <html data-floor-rtt>.
(() => {
  let replaying = false;
  const ask = () => chrome.runtime.sendMessage({ type: 'check', platform: 'x', account: '@floor', action: 'like' });

  window.addEventListener('click', (event) => {
    if (replaying || !event.isTrusted || !event.target.closest?.('[data-testid="like"]')) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    ask().then(() => {
      replaying = true;
      try {
        event.target.dispatchEvent(new MouseEvent('click', {
          bubbles: true, cancelable: true, composed: true, view: event.view,
          clientX: event.clientX, clientY: event.clientY, button: event.button, detail: event.detail,
        }));
      } finally {
        replaying = false;
      }
    });
  }, { capture: true });

  document.addEventListener('bench-floor-rtt', async (event) => {
    const samples = [];
    for (let i = 0; i < event.detail; i++) {
      const start = performance.now();
      await ask();
      samples.push(performance.now() - start);
    }
    document.documentElement.setAttribute('data-floor-rtt', JSON.stringify(samples));
  });
})();
