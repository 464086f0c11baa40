// The content digest (host/src/content_digest.h): the same rows give the same digest however
// they are ordered and grouped into entries, a changed row changes it, it matches an
// independent computation, and a list whose header names another digest is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { EXIT, contentDigest, makeSandbox } from './lib.mjs';

const A = { name: 'Tim A', role: 'akun pemenangan', party: 'Koalisi A', election: 'Pilkada Uji', region: 'Kota Uji' };
const B = { name: 'Tim B' };
const ROWS = [
  { platform: 'x', account: '@tim_a', entity: A }, { platform: 'x', account: 'id:12345', entity: A },
  { platform: 'tiktok', account: '@tim.b', entity: B },
];

async function digestOf(sb, version, entries, header = {}) {
  const key = sb.defaultKey ??= await sb.newKey({ name: 'authority' });
  const file = await sb.publish(`v${version}.jsonl`, { key, version, entries, header });
  const r = await sb.importList(file);
  if (r.status !== EXIT.OK) return { error: r.result.error };
  const host = sb.host();
  const reply = await host.request({ id: 1, type: 'hello' });
  await host.close();
  return { digest: reply.list.content_digest };
}

test('the digest is the independent sum of the rows, whatever their grouping and order', async (t) => {
  const sb = await makeSandbox(t);
  const grouped = await digestOf(sb, 1, [
    { platform: 'x', accounts: ['@tim_a', 'id:12345'], entity: A }, { platform: 'tiktok', accounts: ['@tim.b'], entity: B },
  ]);
  assert.equal(grouped.digest, contentDigest(ROWS));
  const apart = await digestOf(sb, 2, [
    { platform: 'tiktok', accounts: ['@Tim.B'], entity: B }, { platform: 'x', accounts: ['id:12345'], entity: A },
    { platform: 'x', accounts: ['https://x.com/Tim_A'], entity: A },
  ]);
  assert.equal(apart.digest, grouped.digest, 'accounts are digested in their canonical form');
  const changed = await digestOf(sb, 3, [
    { platform: 'x', accounts: ['@tim_a', 'id:12345'], entity: { ...A, region: 'Kota Lain' } }, { platform: 'tiktok', accounts: ['@tim.b'], entity: B },
  ]);
  assert.notEqual(changed.digest, grouped.digest);
});

test('a header that names the digest must be right', async (t) => {
  const sb = await makeSandbox(t);
  const entries = [{ platform: 'x', accounts: ['@tim_a', 'id:12345'], entity: A }, { platform: 'tiktok', accounts: ['@tim.b'], entity: B }];
  const right = await digestOf(sb, 1, entries, { content_digest: contentDigest(ROWS) });
  assert.equal(right.digest, contentDigest(ROWS));
  const wrong = await digestOf(sb, 2, entries, { content_digest: contentDigest(ROWS.slice(1)) });
  assert.match(wrong.error.message, /do not add up to the content digest/);
});
