// A throwaway TLS certificate for the test servers, made with openssl at test time, and the trust in it of a browser profile.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function makeCertificate(dir, hostnames) {
  const key = path.join(dir, 'server.key');
  const cert = path.join(dir, 'server.crt');
  const names = hostnames.flatMap((host) => [`DNS:${host}`, `DNS:*.${host}`]).join(',');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=netral-e2e',
    '-addext', `subjectAltName=${names},IP:127.0.0.1`, '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

/**
 * Makes HOME/.pki/nssdb trust the certificate made in DIR, for a Chromium started with that HOME:
 * a response with a certificate error is never cached, so --ignore-certificate-errors alone would
 * hide the browser's HTTP cache (conditional requests).
 */
export function trustInBrowserHome(home, dir) {
  const db = path.join(home, '.pki', 'nssdb');
  fs.mkdirSync(db, { recursive: true });
  for (const args of [['-N', '--empty-password'], ['-A', '-t', 'P,,', '-n', 'netral-test', '-i', path.join(dir, 'server.crt')]]) {
    execFileSync('certutil', ['-d', `sql:${db}`, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}
