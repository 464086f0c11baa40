// A list mirror for the web-update tests: serves a published repository's directory over HTTPS
// on 127.0.0.1 the way a plain static server does (ETag, If-None-Match → 304, gzip for a client
// that accepts it, the CORS header a mirror must send), and can be told to serve other bytes for
// a file (a tampering mirror).
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import zlib from 'node:zlib';

export function startMirror({ key, cert }, root) {
  const replaced = new Map();   // file name → bytes served instead
  const log = [];               // {name, status, conditional, encoding}
  const server = https.createServer({ key, cert }, (request, response) => {
    const name = decodeURIComponent(new URL(request.url, 'https://placeholder').pathname.replace(/^\/repo\//, ''));
    const file = path.join(root, name);
    const conditional = 'if-none-match' in request.headers;
    const headers = { 'access-control-allow-origin': '*', 'cache-control': 'no-cache' };
    let body = replaced.get(name);
    if (body === undefined && (name.includes('/') || !fs.existsSync(file))) {
      log.push({ name, status: 404, conditional });
      response.writeHead(404, { ...headers, 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    body ??= fs.readFileSync(file);
    const etag = `"${crypto.createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (request.headers['if-none-match'] === etag) {
      log.push({ name, status: 304, conditional });
      response.writeHead(304, { ...headers, etag });
      response.end();
      return;
    }
    const gzip = /\bgzip\b/.test(request.headers['accept-encoding'] || '');
    const sent = gzip ? zlib.gzipSync(body) : body;
    log.push({ name, status: 200, conditional, encoding: gzip ? 'gzip' : null, bytes: sent.length });
    response.writeHead(200, {
      ...headers, etag, 'content-type': 'application/octet-stream', 'content-length': sent.length,
      ...(gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}),
    });
    response.end(sent);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `https://127.0.0.1:${server.address().port}/repo/`,
      log,
      replace(name, bytes) { replaced.set(name, bytes); },
      restore() { replaced.clear(); },
      close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
      closeNow: () => { server.closeAllConnections(); server.close(); },
    }));
  });
}
