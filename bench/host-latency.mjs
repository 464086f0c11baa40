#!/usr/bin/env node
// Round-trip time of `check` and `check_batch` through a real netral-host over a pipe, as the
// extension's persistent port sees it. Needs an installed list (NETRAL_CONFIG_DIR/NETRAL_DATA_DIR).
// Usage: node host-latency.mjs HOST_BINARY [ROUNDS]
import { spawn } from 'node:child_process';

const [hostPath, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 5000);
const host = spawn(hostPath, ['chrome-extension://bench/'], { stdio: ['pipe', 'pipe', 'inherit'] });
let pending = Buffer.alloc(0);
let waiting = null;
host.stdout.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  if (pending.length >= 4 && pending.length >= 4 + pending.readUInt32LE(0)) {
    const size = pending.readUInt32LE(0);
    const reply = JSON.parse(pending.subarray(4, 4 + size));
    pending = pending.subarray(4 + size);
    const resolve = waiting;
    waiting = null;
    resolve(reply);
  }
});
function ask(request) {
  const body = Buffer.from(JSON.stringify(request));
  const frame = Buffer.alloc(4 + body.length);
  frame.writeUInt32LE(body.length, 0);
  body.copy(frame, 4);
  return new Promise((resolve) => { waiting = resolve; host.stdin.write(frame); });
}
function percentiles(samples) {
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(3);
  return `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${samples.at(-1).toFixed(3)} ms`;
}
async function measure(name, makeRequest) {
  const samples = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    const reply = await ask(makeRequest(i));
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (reply.error) throw new Error(JSON.stringify(reply.error));
  }
  console.log(`${name.padEnd(26)} ${rounds} rounds: ${percentiles(samples)}`);
}
const hello = await ask({ id: 0, type: 'hello' });
console.log(`list: ${hello.list ? `version ${hello.list.version}, ${hello.list.accounts} accounts` : 'none'}`);
await measure('check (listed)', (i) => ({ id: i, type: 'check', platform: 'x', account: `@bench${(i * 6) % 1000}`, action: 'like' }));
await measure('check (clear)', (i) => ({ id: i, type: 'check', platform: 'x', account: `@nobody${i}`, action: 'like' }));
await measure('check (URL)', (i) => ({ id: i, type: 'check', account: `https://x.com/bench${(i * 6) % 1000}/status/1` }));
await measure('check_batch (50 items)', (i) => ({
  id: i, type: 'check_batch',
  items: Array.from({ length: 50 }, (_, k) => ({ platform: 'instagram', account: `@bench${(i + k) * 6 + 1}` })),
}));
host.stdin.end();
