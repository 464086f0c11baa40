import fs from 'node:fs';
import { pageWithScripts } from './extension/helpers.js';
const [file, url, sel] = process.argv.slice(2);
const files = ['src/common/account.js','src/content/resolve.js','src/content/sites/registry.js','src/content/sites/x.js','src/content/sites/tiktok.js'];
const dom = pageWithScripts(fs.readFileSync(file,'utf8'), url, files);
const w = dom.window; const N = w.Netral;
const adapter = N.sites.forHost(new URL(url).hostname);
for (const el of w.document.querySelectorAll(sel)) {
  const r = N.resolve.classify(adapter, el, 'click');
  console.log(el.tagName, (el.getAttribute('data-testid')||el.getAttribute('data-e2e')||el.getAttribute('aria-label')||'').slice(0,40), '→', r && r.action, r && r.target && r.target.account);
}
