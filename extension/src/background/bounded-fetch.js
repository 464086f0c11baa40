// Fetches one file of a list mirror and hands its body on piece by piece, never taking more
// than a cap: the cap is checked on every piece read, so a server that sends too much is cut
// off (the fetch aborted) instead of filling memory. Failures carry a code the updater acts on:
// 'network' (no answer: offline, DNS, TLS, a server without Access-Control-Allow-Origin, or
// silence), 'http' (an answer other than 2xx), 'too_large' (past the cap).

const IDLE_MS = 60_000;   // a server silent this long is given up

export class FetchError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'FetchError';
    this.code = code;
  }
}

function unreachable(url, error) {
  // fetch gives a bare TypeError for every kind of network failure, CORS included.
  return new FetchError('network', `${url}: could not reach the server (offline, DNS, TLS, or no `
    + `Access-Control-Allow-Origin header): ${error && error.message}`);
}

/**
 * Reads URL's body, calling onPiece(Uint8Array) for each piece as it arrives (awaited, so a
 * slow consumer slows the download). Throws FetchError('too_large') past LIMIT bytes.
 * @returns the number of bytes read
 */
export async function streamBody(fetch, url, { limit, onPiece, idleMs = IDLE_MS, setTimer = setTimeout, clearTimer = clearTimeout }) {
  const controller = new AbortController();
  // Each step (the answer, then each piece) has IDLE_MS; the timeout does not wait for the
  // abort to reach the step.
  const within = (step) => new Promise((resolve, reject) => {
    const timer = setTimer(() => {
      controller.abort();
      reject(new FetchError('network', `${url}: no answer for ${idleMs / 1000} s`));
    }, idleMs);
    Promise.resolve().then(step).then(
      (value) => { clearTimer(timer); resolve(value); },
      (error) => { clearTimer(timer); reject(error instanceof FetchError ? error : unreachable(url, error)); },
    );
  });

  // no-cache: the browser revalidates its copy (ETag / If-Modified-Since), a 304 reads as the copy.
  const response = await within(() => fetch(url, {
    cache: 'no-cache', credentials: 'omit', referrerPolicy: 'no-referrer', signal: controller.signal,
  }));
  if (!response.ok) {
    controller.abort();
    throw new FetchError('http', `${url}: the server answered HTTP ${response.status}`);
  }
  if (!response.body) return 0;
  const reader = response.body.getReader();
  let total = 0;
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await within(() => reader.read());
      if (done) {
        finished = true;
        return total;
      }
      total += value.length;
      if (total > limit) throw new FetchError('too_large', `${url}: more than the ${limit} bytes expected`);
      await onPiece(value);
    }
  } finally {
    if (!finished) {
      controller.abort();
      reader.cancel().catch(() => {});
    }
  }
}

/** The whole body of URL (at most LIMIT bytes) as one Uint8Array. */
export async function readAll(fetch, url, limit, options = {}) {
  const pieces = [];
  const total = await streamBody(fetch, url, { ...options, limit, onPiece: (piece) => { pieces.push(piece); } });
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    bytes.set(piece, at);
    at += piece.length;
  }
  return bytes;
}
