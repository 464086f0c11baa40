#!/usr/bin/env node
// A native messaging client, as a browser is one: starts the host, writes each request given as
// a JSON argument in the browser's framing, prints each reply. Used by the demo.
// Usage: node nm-client.mjs HOST_BINARY '{"type":"hello"}' '{"type":"check",...}' ...
import { spawn } from 'node:child_process';

const [hostPath, ...requests] = process.argv.slice(2);
if (!hostPath || requests.length === 0) {
  console.error('usage: nm-client.mjs HOST_BINARY REQUEST_JSON...');
  process.exit(2);
}
const host = spawn(hostPath, ['chrome-extension://netral-demo/'], { stdio: ['pipe', 'pipe', 'inherit'] });
let pending = Buffer.alloc(0);
const replies = [];
host.stdout.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32LE(0)) {
    const size = pending.readUInt32LE(0);
    replies.push(JSON.parse(pending.subarray(4, 4 + size).toString('utf8')));
    pending = pending.subarray(4 + size);
  }
});
host.on('close', (code) => {
  for (const [i, reply] of replies.entries()) {
    console.log(`> ${requests[i]}\n< ${JSON.stringify(reply)}\n`);
  }
  process.exit(code === 0 && replies.length === requests.length ? 0 : 1);
});
requests.forEach((text, i) => {
  const body = Buffer.from(JSON.stringify({ id: i + 1, ...JSON.parse(text) }), 'utf8');
  const frame = Buffer.alloc(4 + body.length);
  frame.writeUInt32LE(body.length, 0);
  body.copy(frame, 4);
  host.stdin.write(frame);
});
host.stdin.end();
