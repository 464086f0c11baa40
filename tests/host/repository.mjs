// A published repository for the update tests: the authority's keys, lists of each version,
// `netral publish`, key statements, and `netral update --from`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { EXIT, defaultEntries, makeSandbox } from './lib.mjs';

// A sandbox with a list key and an online index key (NAME.index.pub: may sign the index only).
export async function authority(t) {
  const sb = await makeSandbox(t);
  const listKey = await sb.newKey({ name: 'authority' });
  const indexKey = await sb.newKey({ name: 'online', trusted: false });
  fs.copyFileSync(indexKey.pub, path.join(sb.keysDir, 'online.index.pub'));
  const repo = sb.file('repo');
  return { sb, listKey, indexKey, repo };
}

// Entries of list VERSION: the default ones, and one account more per version.
export function entriesFor(version) {
  return [...defaultEntries(), ...Array.from({ length: version }, (_, i) => ({
    platform: 'x', accounts: [`@tim_v${i + 1}`], entity: { name: `Tim ${i + 1}` },
  }))];
}

export async function publish(a, version, { keep, validFor, entries = entriesFor(version) } = {}) {
  const file = await a.sb.publish(`v${version}.jsonl`, { key: a.listKey, version, entries });
  const args = ['publish', a.repo, file, '-s', a.listKey.sec, '-i', a.indexKey.sec, '-W'];
  if (keep !== undefined) args.push('-k', String(keep));
  if (validFor !== undefined) args.push('--valid-for', String(validFor));
  const r = await a.sb.cli(args);
  assert.equal(r.status, EXIT.OK, r.stderr);
  return file;
}

export async function update(sb, repo, env) {
  const r = await sb.cli(['update', '--from', repo, '--json'], { env });
  return { ...r, result: JSON.parse(r.stdout) };
}

// The authority's statement in the repository, signed by SIGNER and by every key it adds.
export async function statement(a, { serial, add = [], retire = [], signer = a.listKey, proofs = add }) {
  const file = path.join(a.repo, 'keys.json');
  fs.mkdirSync(a.repo, { recursive: true });
  fs.writeFileSync(file, JSON.stringify({
    format: 'netral-keys', format_version: 1, serial,
    add: add.map((key) => ({ public_key: fs.readFileSync(key.pub, 'utf8').trim().split('\n')[1], role: 'list', name: key.name })),
    retire: retire.map((key) => key.id),
  }));
  assert.equal((await a.sb.cli(['sign', '-W', '-s', signer.sec, '-m', file])).status, EXIT.OK);
  for (const key of proofs) {
    assert.equal((await a.sb.cli(['sign', '-W', '-s', key.sec, '-m', file, '-x', `${file}.${key.id}.minisig`])).status, EXIT.OK);
  }
}

export async function publishWith(a, version, key) {
  const file = await a.sb.publish(`v${version}.jsonl`, { key, version, entries: entriesFor(version) });
  const r = await a.sb.cli(['publish', a.repo, file, '-s', key.sec, '-i', a.indexKey.sec, '-W']);
  assert.equal(r.status, EXIT.OK, r.stderr);
}


const BUNDLED_RULES = JSON.parse(fs.readFileSync(new URL('../../extension/rules/netral-sites.json', import.meta.url), 'utf8'));

// The site rules of VERSION in the repository (netral-sites.json), signed by SIGNER: the bundled
// ones, with the times the host needs, and a rule of their own that says which version they are.
export async function siteRules(a, { version, signer = a.listKey, issued = '2026-01-01T00:00:00Z', expires = '2099-01-01T00:00:00Z', text } = {}) {
  const document = structuredClone(BUNDLED_RULES);
  Object.assign(document, { version, issued, expires });
  document.sites[0].rules.unshift({ action: 'like', selector: `[data-testid="like-v${version}"]` });
  const file = path.join(a.repo, 'netral-sites.json');
  fs.mkdirSync(a.repo, { recursive: true });
  fs.writeFileSync(file, text ?? JSON.stringify(document));
  const r = await a.sb.cli(['sign', '-W', '-s', signer.sec, '-m', file]);
  assert.equal(r.status, EXIT.OK, r.stderr);
  return document;
}

// The host's answer to {"type": "sites"} (HAVE: the version the extension has).
export async function sitesFromHost(sb, { have, env } = {}) {
  const host = sb.host({ env });
  const reply = await host.request({ id: 1, type: 'sites', ...(have === undefined ? {} : { have }) });
  await host.close();
  return reply;
}
