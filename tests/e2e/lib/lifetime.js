// What a browser test file holds (servers, browsers, policy files, scratch directories), what it
// is waiting for, and how long it may run. A failed step must never leave the file hanging
// until CTest's timeout: each file sets a deadline well below it, and on expiry says which
// test was running and what it was waiting for, releases what it holds, and exits 1.
import { afterEach, beforeEach } from 'node:test';

const held = new Map();        // id → {what, release}: released in reverse order on abort
let nextId = 1;
let runningTest = null;
const waits = [];              // [{what, since}], innermost last

/**
 * Records a resource and how to release it synchronously if the file is aborted (the
 * normal path releases it itself). Returns a function that forgets it.
 */
export function hold(what, release) {
  const id = nextId;
  nextId += 1;
  held.set(id, { what, release });
  return () => held.delete(id);
}

/** Awaits PROMISE (or what FN returns), recorded as what the file is waiting for. */
export async function waitingFor(what, promiseOrFn) {
  const entry = { what, since: Date.now() };
  waits.push(entry);
  try {
    return await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } finally {
    waits.splice(waits.indexOf(entry), 1);
  }
}

function releaseAll() {
  for (const [id, { what, release }] of [...held].reverse()) {
    held.delete(id);
    try {
      release();
    } catch (error) {
      process.stderr.write(`  could not release ${what}: ${error.message}\n`);
    }
  }
}

/**
 * Gives this test file SECONDS (NETRAL_E2E_DEADLINE overrides) to finish. Call once, at the
 * top of the file.
 */
export function fileDeadline(seconds, file) {
  const limit = Number(process.env.NETRAL_E2E_DEADLINE) || seconds;
  beforeEach((t) => { runningTest = t.fullName || t.name; });
  afterEach(() => { runningTest = null; });
  const timer = setTimeout(() => {
    const now = Date.now();
    const lines = [`DEADLINE: ${file} ran past its ${limit} s.`,
      `  running test: ${runningTest ?? '(none: a hook, or after the last test)'}`];
    if (waits.length) {
      for (const wait of waits) lines.push(`  waiting for: ${wait.what} (for ${((now - wait.since) / 1000).toFixed(1)} s)`);
    } else {
      lines.push('  waiting for: nothing the harness started (a page or browser call, or a handle left open)');
    }
    lines.push(`  still held: ${[...held.values()].map((entry) => entry.what).join('; ') || 'nothing'}`);
    process.stderr.write(`${lines.join('\n')}\n`);
    releaseAll();
    process.exit(1);
  }, limit * 1000);
  timer.unref();
  process.on('exit', releaseAll);
}
