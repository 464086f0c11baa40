// Starts the warning frame. The content script named the frame with a random token (the
// page cannot read the name: the frame element is in a closed shadow root) and, once the
// frame has loaded, posts a MessagePort with that token, addressed to this extension's
// origin. The first port that carries the token is the one; nothing else is listened to.
// The name is cleared at once, so nothing that later lives in this frame can read it.
(function main(root) {
  'use strict';

  const api = root.browser || root.chrome;
  const token = root.name;
  root.name = '';
  const frame = root.Netral.warningFrame.createFrame({ window: root, i18n: api.i18n });

  function onMessage(event) {
    const data = event.data;
    if (event.source !== root.parent || !token || !data || data.netral !== 'connect' || data.token !== token || !event.ports[0]) return;
    root.removeEventListener('message', onMessage);
    frame.connect(event.ports[0]);
  }
  root.addEventListener('message', onMessage);
})(globalThis);
