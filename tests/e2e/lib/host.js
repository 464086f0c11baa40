// The real native host for a test: a fresh config and data directory, a throwaway minisign
// key trusted in it, a list signed with that key and imported with the real admin CLI, and
// a wrapper script (the host manifest's "path") that points netral-host at those directories.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';

export const HOST_NAME = 'id.netral.host';
const BUILD_DIR = process.env.NETRAL_BUILD_DIR || path.join(repoRoot, 'build');
export const HOST_BIN = process.env.NETRAL_HOST_BIN || path.join(BUILD_DIR, 'host/netral-host');
export const CLI_BIN = process.env.NETRAL_CLI_BIN || path.join(BUILD_DIR, 'host/netral');

export function hostBuilt() {
  return fs.existsSync(HOST_BIN) && fs.existsSync(CLI_BIN);
}

function listText({ version, entries }) {
  const header = {
    format: 'netral-list', format_version: 1, version,
    issued: '2026-11-01T00:00:00Z', expires: '2030-12-31T00:00:00Z',
    issuer: 'Otoritas Uji Netral (e2e)', elections: ['Pilkada Uji 2026'],
  };
  return [header, ...entries].map((line) => JSON.stringify(line)).join('\n') + '\n';
}

/**
 * @param dir      scratch directory (created)
 * @param entries  list entries: {platform, accounts: [...], entity: {...}}
 * @returns {wrapper, env}
 */
export function installHost(dir, { version = 5, entries }) {
  const config = path.join(dir, 'config');
  const data = path.join(dir, 'data');
  fs.mkdirSync(path.join(config, 'keys'), { recursive: true });
  fs.mkdirSync(data, { recursive: true });
  const env = { ...process.env, NETRAL_CONFIG_DIR: config, NETRAL_DATA_DIR: data };
  const secretKey = path.join(dir, 'list.sec');
  const listFile = path.join(dir, 'list.jsonl');
  execFileSync(CLI_BIN, ['keygen', '-W', '-p', path.join(config, 'keys', 'e2e.pub'), '-s', secretKey], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60000 });
  fs.writeFileSync(listFile, listText({ version, entries }));
  execFileSync(CLI_BIN, ['sign', '-W', '-s', secretKey, '-m', listFile], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60000 });
  execFileSync(CLI_BIN, ['import', listFile], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60000 });

  const wrapper = path.join(dir, 'netral-host-wrapper.sh');
  fs.writeFileSync(wrapper, [
    '#!/bin/sh',
    `export NETRAL_CONFIG_DIR='${config}'`,
    `export NETRAL_DATA_DIR='${data}'`,
    `exec '${HOST_BIN}' "$@"`,
    '',
  ].join('\n'), { mode: 0o755 });
  return { wrapper, env };
}

/** The native messaging host manifest, for Chromium (allowed_origins) or Firefox. */
export function hostManifest(wrapper, { chromiumOrigin, firefoxId }) {
  const manifest = { name: HOST_NAME, description: 'Netral host (e2e)', path: wrapper, type: 'stdio' };
  if (chromiumOrigin) manifest.allowed_origins = [chromiumOrigin];
  if (firefoxId) manifest.allowed_extensions = [firefoxId];
  return manifest;
}
