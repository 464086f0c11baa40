// Where the site rules are kept; content/main.js picks the adapter for the page's host.
// The rules come as one document (site-rules.js checks and expands it): the bundled one,
// which sites/bundled.js, made by the build from extension/rules/netral-sites.json, loads.
(function attach(root) {
  'use strict';

  const netral = root.Netral || (root.Netral = {});
  let adapters = [];
  let version = null;
  const live = new Map();   // platform → the adapter handed out, which reads the rules in use

  // What forHost hands out reads, at each use, the platform's adapter of the rules in use: the
  // interceptor and the prefetcher hold it from the page's start, and a newer document takes
  // effect from the next event on, without a reload.
  function liveAdapter(platform) {
    if (!live.has(platform)) {
      const current = () => adapters.find((adapter) => adapter.platform === platform);
      live.set(platform, new Proxy({}, {
        get: (_, key) => current()[key],
        has: (_, key) => key in current(),
        ownKeys: () => Reflect.ownKeys(current()),
        getOwnPropertyDescriptor: (_, key) => {
          const descriptor = Reflect.getOwnPropertyDescriptor(current(), key);
          return descriptor && { ...descriptor, configurable: true };
        },
        set: () => false,
        defineProperty: () => false,
        deleteProperty: () => false,
      }));
    }
    return live.get(platform);
  }

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
    if (result.ok && !bundled) result = followsInUse(result);
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

  // Rules that replace those in use: a newer version (never a rollback), and every site of the
  // rules in use still there (a page's adapter must not vanish under it).
  function followsInUse(result) {
    const errors = [];
    if (version !== null && result.version <= version) {
      errors.push({ path: '.version', message: `is not newer than the rules in use (version ${version})` });
    }
    for (const adapter of adapters) {
      if (!result.sites.some((site) => site.platform === adapter.platform)) {
        errors.push({ path: '.sites', message: `holds no rules for ${adapter.platform}` });
      }
    }
    return errors.length ? { ok: false, errors } : result;
  }

  function forHost(hostname) {
    const host = hostname.toLowerCase();
    const adapter = adapters.find((candidate) => candidate.hosts.some(
      (known) => host === known || host.endsWith(`.${known}`),
    ));
    return adapter ? liveAdapter(adapter.platform) : null;
  }

  netral.sites = { load, forHost, all: () => adapters.slice(), version: () => version };
})(globalThis);
