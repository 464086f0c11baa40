// Where site adapters register; content/main.js picks the one for the page's host.
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});
  const adapters = [];

  function register(adapter) {
    adapters.push(Object.freeze(adapter));
  }

  function forHost(hostname) {
    const host = hostname.toLowerCase();
    return adapters.find((adapter) => adapter.hosts.some(
      (known) => host === known || host.endsWith(`.${known}`),
    )) || null;
  }

  netral.sites = { register, forHost, all: () => adapters.slice() };
})(globalThis);
