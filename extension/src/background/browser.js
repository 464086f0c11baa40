// The one handle on the WebExtension API: Firefox's promise-based `browser`, else Chromium's
// `chrome` (promise-returning in Manifest V3).
export const api = globalThis.browser ?? globalThis.chrome;
