// Where the site rules are kept; content/main.js picks the adapter for the page's host.
// The rules come as one document (site-rules.js checks and expands it): the bundled one,
// which sites/bundled.js, made by the build from extension/rules/netral-sites.json, loads.
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});
  let adapters = [];
  let version = null;

  /**
   * Uses DOCUMENT's rules from now on, if it passes; returns compile()'s result. The
   * bundled document was checked whole when the extension was built: should this browser
   * refuse one of its selectors, it is still used, and that selector's rule fails safe
   * where it is used (resolve.js), rather than leaving every site without rules.
   */
  function load(documentValue, { bundled = false, extensionVersion = null } = {}) {
    const { siteRules } = netral;
    const selectorOk = root.document ? siteRules.selectorCheck(root) : null;
    let result = siteRules.compile(documentValue, { selectorOk, extensionVersion });
    if (!result.ok && bundled) {
      console.error(`Netral: the bundled site rules do not all work in this browser:\n${siteRules.describe(result.errors)}`);
      const structural = siteRules.compile(documentValue, {});
      if (structural.ok) result = { ...structural, errors: result.errors };
    }
    if (result.sites) {
      adapters = result.sites;
      version = result.version;
    }
    return result;
  }

  function forHost(hostname) {
    const host = hostname.toLowerCase();
    return adapters.find((adapter) => adapter.hosts.some(
      (known) => host === known || host.endsWith(`.${known}`),
    )) || null;
  }

  netral.sites = { load, forHost, all: () => adapters.slice(), version: () => version };
})(globalThis);
