// A throwaway TLS certificate for the fixture server, made with openssl at test time.
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
