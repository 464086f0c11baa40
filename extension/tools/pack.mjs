#!/usr/bin/env node
// Packs the extension for self-hosting by IT:
//   node extension/tools/pack.mjs --key KEY.pem --out DIR [--base-url URL] [--chromium PATH]
// writes DIR/netral.crx (CRX3, signed by KEY with Chromium's own packer), DIR/updates.xml (the
// update manifest a force-install policy's update_url points at), DIR/netral.xpi (Firefox) and
// DIR/extension-id.txt. The extension id follows from KEY: keep the production key offline and
// out of the repository (docs/deployment.md); tests pack with a throwaway key.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { build } from './build.mjs';

/** The Chromium extension id of a public key: SHA-256 of its DER, first 32 hex digits as a-p. */
export function extensionId(publicKeyDer) {
  const hex = crypto.createHash('sha256').update(publicKeyDer).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

export function pack({ keyPath, outDir, baseUrl, chromium = '/usr/bin/chromium' }) {
  const publicDer = crypto.createPublicKey(fs.readFileSync(keyPath)).export({ type: 'spki', format: 'der' });
  const id = extensionId(publicDer);
  const version = JSON.parse(fs.readFileSync(new URL('../manifest/base.json', import.meta.url), 'utf8')).version;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'netral-pack-'));
  try {
    const dirs = build(scratch);
    // The packed manifest names the packing key (so its id is the CRX's) and where updates come from.
    const manifestPath = path.join(dirs.chromium, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    manifest.key = publicDer.toString('base64');
    manifest.update_url = `${baseUrl}/updates.xml`;
    fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

    execFileSync(chromium, ['--headless=new', '--no-sandbox', `--pack-extension=${dirs.chromium}`,
      `--pack-extension-key=${path.resolve(keyPath)}`], { stdio: 'ignore', timeout: 120_000 });
    fs.mkdirSync(outDir, { recursive: true });
    fs.copyFileSync(`${dirs.chromium}.crx`, path.join(outDir, 'netral.crx'));
    fs.chmodSync(path.join(outDir, 'netral.crx'), 0o644);

    fs.writeFileSync(path.join(outDir, 'updates.xml'), [
      "<?xml version='1.0' encoding='UTF-8'?>",
      "<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>",
      `  <app appid='${id}'>`,
      `    <updatecheck codebase='${baseUrl}/netral.crx' version='${version}' />`,
      '  </app>',
      '</gupdate>',
      '',
    ].join('\n'));

    const xpi = path.join(outDir, 'netral.xpi');
    fs.rmSync(xpi, { force: true });
    execFileSync('zip', ['-q', '-r', '-X', '-D', xpi, '.'], { cwd: dirs.firefox });
    fs.writeFileSync(path.join(outDir, 'extension-id.txt'), `${id}\n`);
    return { id, version, outDir };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname;
if (isMain) {
  const { values } = parseArgs({ options: {
    key: { type: 'string' }, out: { type: 'string' },
    'base-url': { type: 'string', default: 'https://it.example.go.id/netral' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
    'print-id': { type: 'boolean', default: false },
  } });
  if (!values.key || (!values.out && !values['print-id'])) {
    console.error('usage: pack.mjs --key KEY.pem (--out DIR [--base-url URL] [--chromium PATH] | --print-id)');
    process.exit(2);
  }
  if (values['print-id']) {
    const der = crypto.createPublicKey(fs.readFileSync(values.key)).export({ type: 'spki', format: 'der' });
    console.log(extensionId(der));
  } else {
    const { id, outDir } = pack({ keyPath: values.key, outDir: values.out, baseUrl: values['base-url'].replace(/\/$/, ''),
      chromium: values.chromium });
    console.log(`packed extension ${id} into ${outDir}`);
  }
}
