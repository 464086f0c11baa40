#!/usr/bin/env node
// Writes a synthetic list of N entries (one account each, @bench0 … @bench<N-1>, spread over
// the six platforms: entry i is on platform i % 6) to stdout, for benchmarks.
// Usage: node make-list.mjs N [VERSION] [--lean] [--changed K]
// --lean: entities with name, party and region only (about 127 bytes a line instead of 190),
// so that 2,000,000 entries stay under the format's 256 MiB limit.
// --changed K: the first K entries have another account (@benchnew<i>): a day's changes.
const args = process.argv.slice(2);
const lean = args.includes('--lean');
const changedAt = args.indexOf('--changed');
const changed = changedAt >= 0 ? Number(args[changedAt + 1]) : 0;
const [countArg, versionArg] = args.filter((arg, i) => !arg.startsWith('--') && (changedAt < 0 || i !== changedAt + 1));
const count = Number(countArg ?? 1000);
const version = Number(versionArg ?? 1);
const PLATFORMS = ['x', 'instagram', 'facebook', 'tiktok', 'youtube', 'threads'];
const out = [];
out.push(JSON.stringify({
  format: 'netral-list', format_version: 1, version, issued: '2026-11-01T00:00:00Z',
  expires: '2030-01-01T00:00:00Z', issuer: 'Benchmark', elections: ['Pilkada Benchmark'],
}));
for (let i = 0; i < count; i++) {
  const entity = lean
    ? { name: `Tim ${i}`, party: 'Koalisi Uji', region: `Wilayah ${i % 514}` }
    : { name: `Tim Benchmark ${i}`, role: 'akun pemenangan', party: 'Koalisi Uji',
        election: 'Pilkada Benchmark', region: `Wilayah ${i % 514}` };
  out.push(JSON.stringify({ platform: PLATFORMS[i % PLATFORMS.length], accounts: [i < changed ? `@benchnew${i}` : `@bench${i}`], entity }));
  if (out.length >= 10000) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; }
}
process.stdout.write(out.length ? out.join('\n') + '\n' : '');
