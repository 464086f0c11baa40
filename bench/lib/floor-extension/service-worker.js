// The floor's service worker: one persistent port to the native host (the C echo host), each
// content script message forwarded as is and answered with the host's next reply.
const pending = [];
let port = null;

function connect() {
  port = chrome.runtime.connectNative('id.netral.host');
  port.onMessage.addListener((reply) => { pending.shift()?.(reply); });
  port.onDisconnect.addListener(() => { port = null; });
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (!port) connect();
  pending.push(sendResponse);
  port.postMessage({ id: 0, ...message });
  return true;   // answered asynchronously
});
connect();
