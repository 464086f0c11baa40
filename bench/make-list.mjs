#!/usr/bin/env node
// Writes a synthetic list of N entries (one account each, spread over the six platforms) to
// stdout, for benchmarks. Usage: node make-list.mjs N [VERSION]
const count = Number(process.argv[2] ?? 1000);
const version = Number(process.argv[3] ?? 1);
const platforms = ['x', 'instagram', 'facebook', 'tiktok', 'youtube', 'threads'];
const out = [];
out.push(JSON.stringify({
  format: 'netral-list', format_version: 1, version, issued: '2026-11-01T00:00:00Z',
  expires: '2030-01-01T00:00:00Z', issuer: 'Benchmark', elections: ['Pilkada Benchmark'],
}));
for (let i = 0; i < count; i++) {
  out.push(JSON.stringify({
    platform: platforms[i % platforms.length],
    accounts: [`@bench${i}`],
    entity: { name: `Tim Benchmark ${i}`, role: 'akun pemenangan', party: 'Koalisi Uji',
              election: 'Pilkada Benchmark', region: `Wilayah ${i % 514}` },
  }));
  if (out.length >= 10000) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; }
}
process.stdout.write(out.length ? out.join('\n') + '\n' : '');
