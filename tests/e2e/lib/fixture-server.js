// Serves fixture pages over HTTPS at their real URLs (the browser maps the sites' host names
// to this server). The pages' own scripts and external references are removed, a strict
// CSP blocks whatever is left, and the test's site handler is the only script.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HANDLER_PATH = '/__netral__/site-handler.js';
const HANDLER = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'site-handler.js'));
const CSP = "default-src 'self' data: blob:; script-src 'self'; style-src 'self' 'unsafe-inline'; "
  + "img-src 'self' data:; font-src 'self' data:; media-src 'self' data: blob:; connect-src 'self'; "
  + "frame-src 'none'; object-src 'none'";

/** The page without its scripts, frames and external resources, with the site handler added. */
export function sanitise(html) {
  const stripped = html
    .replace(/<script\b[\s\S]*?<\/script\s*>/gi, '')
    .replace(/<script\b[^>]*\/>/gi, '')
    .replace(/<link\b[^>]*>/gi, '')
    .replace(/<(base|meta)\b[^>]*(href|http-equiv)=[^>]*>/gi, '')
    .replace(/<(source|embed)\b[^>]*>/gi, '')
    // Media elements stay (sites' rules find reels and videos by them), loading nothing: their
    // src and poster go below, their <source>s above, and the CSP allows no other media.
    .replace(/<(iframe|object)\b[^>]*>/gi, '<span hidden>')
    .replace(/<\/(iframe|object)\s*>/gi, '</span>')
    .replace(/\s(src|srcset|poster)=("[^"]*"|'[^']*')/gi, (whole, name, value) => (
      /^["']data:/i.test(value) ? whole : ''))
    .replace(/url\((["']?)https?:[^)]*\)/gi, 'none');
  const tag = `<script src="${HANDLER_PATH}"></script>`;
  return /<head[^>]*>/i.test(stripped)
    ? stripped.replace(/<head[^>]*>/i, (head) => `${head}${tag}`)
    : `${tag}${stripped}`;
}

export function startFixtureServer({ key, cert }) {
  const pages = new Map();   // "host/path" → html
  const requests = [];
  const server = https.createServer({ key, cert }, (request, response) => {
    const host = (request.headers.host || '').replace(/:\d+$/, '');
    const { pathname } = new URL(request.url, 'https://placeholder');
    requests.push(`${host}${request.url}`);
    if (pathname === HANDLER_PATH) {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(HANDLER);
      return;
    }
    const fixture = /(?:^|;\s*)netral_fixture=([\w-]+)/.exec(request.headers.cookie || '');
    const html = pages.get(`${fixture ? fixture[1] : ''} ${host}${pathname}`) ?? pages.get(` ${host}${pathname}`);
    if (html === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not a fixture');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP });
    response.end(html);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      port: server.address().port,
      requests,
      /**
       * Serves HTML (sanitised) at URL. Pages of two fixtures may share a URL (English and
       * Indonesian): a "netral_fixture" cookie naming FIXTURE picks one.
       */
      addPage(url, html, fixture = '') {
        const { host, pathname } = new URL(url);
        pages.set(`${fixture} ${host}${pathname}`, sanitise(html));
        if (fixture) pages.set(` ${host}${pathname}`, sanitise(html));
      },
      close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
      /** Drops every connection and stops listening, without waiting (an aborted test file). */
      closeNow: () => { server.closeAllConnections(); server.close(); },
    }));
  });
}

/**
 * An HTTPS-only forward proxy for browsers without host-resolver rules (Firefox): CONNECTs to
 * the sites' hosts go to the fixture server at PORT, the hosts of ROUTES ({host: port}) to their
 * local port; everything else is refused, so nothing leaves 127.0.0.1.
 */
export function startConnectProxy(port, siteHosts, routes = {}) {
  const refused = [];
  const proxy = http.createServer((request, response) => {
    refused.push(request.url);
    response.writeHead(403);
    response.end();
  });
  proxy.on('connect', (request, client) => {
    const host = request.url.replace(/:\d+$/, '').toLowerCase();
    const routed = Object.hasOwn(routes, host) ? routes[host] : null;
    if (routed === null && !siteHosts.some((site) => host === site || host.endsWith(`.${site}`))) {
      refused.push(request.url);
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(routed ?? port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return new Promise((resolve) => {
    proxy.listen(0, '127.0.0.1', () => resolve({
      port: proxy.address().port,
      refused,
      close: () => new Promise((done) => { proxy.closeAllConnections(); proxy.close(done); }),
      closeNow: () => { proxy.closeAllConnections(); proxy.close(); },
    }));
  });
}
