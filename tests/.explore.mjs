import { JSDOM } from 'jsdom';
import fs from 'node:fs';
const [file, url, sel, up] = process.argv.slice(2);
const dom = new JSDOM(fs.readFileSync(file,'utf8'), { url });
const d = dom.window.document;
const els = d.querySelectorAll(sel);
console.log('count', els.length);
for (const e of [...els].slice(0,3)) {
  let n = e; for (let i=0;i<Number(up||0);i++) n = n.parentElement;
  console.log('---', n.tagName, n.className?.slice?.(0,80));
  console.log(n.outerHTML.replace(/<(svg|path|img)[^>]*>/g,'<$1>').replace(/ class="[^"]*"/g,'').replace(/ style="[^"]*"/g,'').slice(0,1500));
}
