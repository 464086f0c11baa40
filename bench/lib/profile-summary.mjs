#!/usr/bin/env node
// Where a CPU profile (.cpuprofile, e.g. from browser-click.mjs --profile) spends its time:
// inclusive time of the extension's functions, and self time of everything.
// Usage: node bench/lib/profile-summary.mjs FILE [TOP]
import fs from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children || []) parent.set(child, node.id);

const name = ({ callFrame: f }) => `${f.functionName || '(anonymous)'} ${f.url.replace(/^chrome-extension:\/\/[a-p]+\//, '')
  .replace(/^pptr:.*/, '(puppeteer)')}${f.lineNumber >= 0 ? `:${f.lineNumber + 1}` : ''}`;
const self = new Map();
const total = new Map();
profile.samples.forEach((id, i) => {
  const us = profile.timeDeltas[i + 1] ?? 0;
  self.set(name(nodes.get(id)), (self.get(name(nodes.get(id))) || 0) + us);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const key = name(nodes.get(at));
    if (!seen.has(key)) total.set(key, (total.get(key) || 0) + us);
    seen.add(key);
  }
});

function show(title, map, keep) {
  console.log(title);
  for (const [key, us] of [...map].filter(([key]) => keep(key)).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(us / 1000).toFixed(1).padStart(10)} ms  ${key}`);
  }
}
show('inclusive time, extension code:', total, (key) => /\bsrc\//.test(key));
show('\nself time:', self, (key) => !/^\((idle|root)\)/.test(key));
