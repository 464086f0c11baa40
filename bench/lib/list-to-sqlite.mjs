#!/usr/bin/env node
// What the sqlite3 shell needs to import a list the way a plain host would keep it, the
// benchmark's reference for `netral import` and the Python host's database:
// OUT_DIR/entity.csv, OUT_DIR/account.csv and OUT_DIR/import.sql (an entity table and an
// account table keyed by (platform, account); netral's pragmas, one transaction). Accounts are written in
// canonical form: the benchmark lists hold lowercase @handles only, which are canonical as they are.
// Usage: node list-to-sqlite.mjs LIST OUT_DIR     then: sqlite3 DB ".read OUT_DIR/import.sql"
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

export async function listToSqlite(listPath, outDir) {
  const csv = (value) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  const entities = fs.createWriteStream(path.join(outDir, 'entity.csv'));
  const accounts = fs.createWriteStream(path.join(outDir, 'account.csv'));
  const lines = readline.createInterface({ input: fs.createReadStream(listPath), crlfDelay: Infinity });
  let header = null;
  let id = 0;
  let entityChunk = [];
  let accountChunk = [];
  // Waits for each stream that is full, listening from the moment of the write (a 'drain' must
  // not go by while the other stream is waited for).
  const flush = async () => {
    const full = [];
    if (!entities.write(entityChunk.join(''))) full.push(once(entities, 'drain'));
    if (!accounts.write(accountChunk.join(''))) full.push(once(accounts, 'drain'));
    entityChunk = [];
    accountChunk = [];
    await Promise.all(full);
  };
  for await (const line of lines) {
    if (header === null) { header = JSON.parse(line); continue; }
    const entry = JSON.parse(line);
    const e = entry.entity;
    id += 1;
    entityChunk.push(`${id},${[e.name, e.role, e.party, e.election, e.region].map((v) => csv(v ?? '')).join(',')}\n`);
    for (const account of entry.accounts) accountChunk.push(`${entry.platform},${csv(account)},${id}\n`);
    if (entityChunk.length >= 10000) await flush();
  }
  await flush();
  await Promise.all([entities, accounts].map((s) => new Promise((resolve) => s.end(resolve))));
  const quote = (text) => `'${String(text).replaceAll("'", "''")}'`;
  fs.writeFileSync(path.join(outDir, 'import.sql'), [
    'PRAGMA journal_mode = OFF;',
    'PRAGMA synchronous = OFF;',
    'CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;',
    'CREATE TABLE entity (id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,'
      + '  party TEXT NOT NULL, election TEXT NOT NULL, region TEXT NOT NULL);',
    'CREATE TABLE account (platform TEXT NOT NULL, account TEXT NOT NULL,'
      + '  entity_id INTEGER NOT NULL REFERENCES entity(id), PRIMARY KEY (platform, account)) WITHOUT ROWID;',
    'BEGIN;',
    `.import --csv ${path.join(outDir, 'entity.csv')} entity`,
    `.import --csv ${path.join(outDir, 'account.csv')} account`,
    `INSERT INTO meta VALUES ('schema', 1), ('version', ${Number(header.version)}), ('issuer', ${quote(header.issuer)}),`
      + ` ('elections', ${quote(JSON.stringify(header.elections))}), ('entries', ${id});`,
    'COMMIT;',
    '',
  ].join('\n'));
  return { entries: id };
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const [listPath, outDir] = process.argv.slice(2);
  await listToSqlite(listPath, outDir);
}
