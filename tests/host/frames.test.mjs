// Native messaging framing and bad input: the host answers every framed request, keeps serving
// while the stream can be trusted, and stops cleanly when it cannot.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { LIMITS, encodeFrame, lengthPrefix, makeSandbox } from './lib.mjs';

const HELLO = { id: 'after', type: 'hello' };

// After a bad but framed request, the same process still answers a hello.
async function assertStillServing(host) {
  const reply = await host.request(HELLO);
  assert.equal(reply.id, 'after');
  assert.equal(reply.error, undefined);
  assert.equal(reply.protocol, 1);
}

function assertError(reply, code, id = null) {
  assert.ok(reply.error, `expected an error reply, got ${JSON.stringify(reply)}`);
  assert.equal(reply.error.code, code, `error code (message: ${reply.error.message})`);
  assert.equal(typeof reply.error.message, 'string');
  assert.ok(reply.error.message.length > 0, 'the error should say why');
  assert.deepEqual(reply.id, id);
}

describe('framing', () => {
  test('host should exit 0 on EOF without writing anything', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    const { code, signal } = await host.close();
    assert.equal(signal, null);
    assert.equal(code, 0);
  });

  for (const [browser, args] of [
    ['Chrome', ['chrome-extension://abcdefghijklmnopabcdefghijklmnop/']],
    ['Chrome on Windows', ['chrome-extension://abcdefghijklmnopabcdefghijklmnop/', '--parent-window=4242']],
    ['Firefox', ['/usr/lib/mozilla/native-messaging-hosts/id.netral.host.json', 'netral@example.org']],
    ['no browser', []],
  ]) {
    test(`host should accept the launch arguments of ${browser}`, async (t) => {
      const sb = await makeSandbox(t);
      const host = sb.host({ args });
      const reply = await host.request({ id: 1, type: 'hello' });
      assert.equal(reply.id, 1);
      assert.equal(reply.protocol, 1);
      const { code, signal, stderr } = await host.close();
      assert.equal(signal, null);
      assert.equal(code, 0, stderr);
    });
  }

  test('host should write replies as native-endian length then UTF-8 JSON, and nothing else on stdout', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    const raw = [];
    host.child.stdout.on('data', (c) => raw.push(c));
    const reply = await host.request({ id: 'ünï', type: 'hello' });
    await host.close();
    const all = Buffer.concat(raw);
    const body = Buffer.from(JSON.stringify(reply));
    // the JSON may differ in spacing or escapes, so compare the decoded length prefix with the rest
    assert.deepEqual(all.subarray(0, 4), lengthPrefix(all.length - 4), 'one frame, with a native-endian length');
    assert.equal(JSON.stringify(JSON.parse(all.subarray(4).toString('utf8'))), body.toString());
  });

  test('host should answer pipelined requests in order', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    const frames = [];
    for (let i = 0; i < 50; i++) frames.push(encodeFrame({ id: i, type: i % 2 ? 'hello' : 'nope' }));
    await host.writeRaw(Buffer.concat(frames));
    for (let i = 0; i < 50; i++) {
      const reply = await host.next();
      assert.equal(reply.id, i);
      if (i % 2) assert.equal(reply.protocol, 1);
      else assert.equal(reply.error.code, 'unknown_type');
    }
    assert.equal((await host.close()).code, 0);
  });

  test('host should read a frame that arrives a byte at a time', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    const frame = encodeFrame({ id: 'slow', type: 'hello' });
    for (const byte of frame) {
      await host.writeRaw(Buffer.from([byte]));
    }
    const reply = await host.next();
    assert.equal(reply.id, 'slow');
    assert.equal(reply.protocol, 1);
    assert.equal((await host.close()).code, 0);
  });

  test('host should exit without crashing when the browser stops reading its replies', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    assert.equal((await host.request({ id: 1, type: 'hello' })).id, 1);
    host.child.stdout.destroy();   // the reading end of the host's stdout is gone
    await host.send({ id: 2, type: 'hello' });
    const { signal } = await host.exited;
    assert.equal(signal, null, 'a write to a closed pipe is an error, not a SIGPIPE death');
  });

  test('host should accept a request of exactly the size limit', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    const json = JSON.stringify({ id: 'big', type: 'hello', pad: '' });
    const body = Buffer.from(json.slice(0, -2) + 'x'.repeat(LIMITS.MAX_REQUEST_BYTES - json.length) + '"}');
    assert.equal(body.length, LIMITS.MAX_REQUEST_BYTES);
    const reply = await host.request(body);
    assert.equal(reply.id, 'big');
    assert.equal(reply.error, undefined);
    assert.equal(reply.protocol, 1);
    assert.equal((await host.close()).code, 0);
  });

  // The length says where the next frame starts, so a frame over the limit is refused and
  // read past: the stream stays framed and the host keeps serving.
  test('host should refuse a frame one byte over the limit, read past its body, and answer the next request', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    const json = JSON.stringify({ id: 'big', type: 'hello', pad: '' });
    const body = Buffer.from(json.slice(0, -2) + 'x'.repeat(LIMITS.MAX_REQUEST_BYTES + 1 - json.length) + '"}');
    assert.equal(body.length, LIMITS.MAX_REQUEST_BYTES + 1);
    await host.writeRaw(Buffer.concat([lengthPrefix(body.length), body]));
    const reply = await host.next();
    assertError(reply, 'frame_too_large');
    assert.match(reply.error.message, new RegExp(`${LIMITS.MAX_REQUEST_BYTES + 1} bytes`));
    await assertStillServing(host);
    assert.equal((await host.close()).code, 0);
  });

  test('host should answer an over-limit length at once, before its body arrives', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    await host.writeRaw(lengthPrefix(LIMITS.MAX_REQUEST_BYTES + 10));
    assertError(await host.next(), 'frame_too_large');
    await host.writeRaw(Buffer.alloc(LIMITS.MAX_REQUEST_BYTES + 10, 0x20));   // the body, read past
    await assertStillServing(host);
    assert.equal((await host.close()).code, 0);
  });

  for (const [what, length] of [['of 4 GiB', 0xffffffff], ['with the top bit set', 0x80000000]]) {
    test(`host should refuse a length ${what} with an error reply, and report the stream cut short inside it`, async (t) => {
      const sb = await makeSandbox(t);
      const host = sb.host();
      await assertStillServing(host);
      await host.writeRaw(lengthPrefix(length));
      assertError(await host.next(), 'frame_too_large');
      host.child.stdin.end();   // the browser goes away long before 2 GiB arrive
      assertError(await host.next(), 'truncated_frame');
      const { code, signal, stderr } = await host.finish();
      assert.equal(signal, null, 'no crash');
      assert.notEqual(code, 0);
      assert.ok(stderr.length > 0, 'the reason should be logged on stderr');
    });
  }

  for (const [what, bytes] of [
    ['inside the body', Buffer.concat([lengthPrefix(100), Buffer.from('{"id":1,"type":"hel')])],
    ['inside the length', Buffer.from([5, 0])],
    ['right after the length', lengthPrefix(10)],
  ]) {
    test(`host should report a stream that ends ${what}, then exit with a failure status`, async (t) => {
      const sb = await makeSandbox(t);
      const host = sb.host();
      await assertStillServing(host);
      await host.writeRaw(bytes);
      host.child.stdin.end();
      assertError(await host.next(), 'truncated_frame');
      const { code, signal } = await host.finish();
      assert.equal(signal, null, 'no crash');
      assert.notEqual(code, 0);
    });
  }
});

describe('bad requests in a trusted stream', () => {
  const cases = [
    // [name, frame body (Buffer or string), error code, id in the reply]
    ['an empty frame', Buffer.alloc(0), 'invalid_json'],
    ['a lone continuation byte', Buffer.from([0x7b, 0x80, 0x7d]), 'invalid_utf8'],
    ['an overlong encoding', Buffer.from('{"id":"\xc0\xaf","type":"hello"}', 'latin1'), 'invalid_utf8'],
    ['a UTF-16 surrogate', Buffer.from('{"id":"\xed\xa0\x80","type":"hello"}', 'latin1'), 'invalid_utf8'],
    ['a code point past U+10FFFF', Buffer.from('{"id":"\xf4\x90\x80\x80","type":"hello"}', 'latin1'), 'invalid_utf8'],
    ['a 0xFF byte', Buffer.from('{"id":1,"type":"hello"}\xff', 'latin1'), 'invalid_utf8'],
    ['a sequence cut short', Buffer.from('{"id":"\xe2\x82","type":"hello"}', 'latin1'), 'invalid_utf8'],
    ['a NUL byte', Buffer.from('{"id":1,"type":"hello"}\0'), 'invalid_json'],
    ['text that is not JSON', 'hello', 'invalid_json'],
    ['JSON cut short', '{"id":1,"type":"hello"', 'invalid_json'],
    ['two JSON values', '{"id":1,"type":"hello"}{"id":2}', 'invalid_json'],
    ['JSON nested beyond reason', '['.repeat(100000) + ']'.repeat(100000), 'invalid_json'],
    ['a JSON array', '[{"id":1,"type":"hello"}]', 'not_an_object'],
    ['a JSON string', '"hello"', 'not_an_object'],
    ['a JSON number', '42', 'not_an_object'],
    ['JSON null', 'null', 'not_an_object'],
    ['no type', { id: 7 }, 'bad_request', 7],
    ['a numeric type', { id: 7, type: 1 }, 'bad_request', 7],
    ['a null type', { id: 7, type: null }, 'bad_request', 7],
    ['an unknown type', { id: 7, type: 'delete_everything' }, 'unknown_type', 7],
    ['a type in the wrong case', { id: 7, type: 'HELLO' }, 'unknown_type', 7],
    ['check without an account', { id: 7, type: 'check', platform: 'x' }, 'bad_request', 7],
    ['check with a numeric account', { id: 7, type: 'check', platform: 'x', account: 12345 }, 'bad_request', 7],
    ['check with a numeric platform', { id: 7, type: 'check', platform: 1, account: '@a' }, 'bad_request', 7],
    ['check with an object account', { id: 7, type: 'check', platform: 'x', account: { a: 1 } }, 'bad_request', 7],
    ['check with an unknown action', { id: 7, type: 'check', platform: 'x', account: '@a', action: 'buy' }, 'bad_request', 7],
    ['check with a numeric action', { id: 7, type: 'check', platform: 'x', account: '@a', action: 3 }, 'bad_request', 7],
    ['check with an unknown platform', { id: 7, type: 'check', platform: 'myspace', account: '@a' }, 'bad_account', 7],
    ['check with an account the platform cannot have', { id: 7, type: 'check', platform: 'x', account: '@no spaces' }, 'bad_account', 7],
    ['check with an account over the input limit', { id: 7, type: 'check', platform: 'x', account: 'a'.repeat(LIMITS.MAX_ACCOUNT_INPUT_BYTES + 1) }, 'bad_account', 7],
    ['check of a handle without a platform', { id: 7, type: 'check', account: '@candidate_one' }, 'bad_account', 7],
    ['check of a URL of another site', { id: 7, type: 'check', account: 'https://example.com/candidate_one' }, 'bad_account', 7],
    ['check of a URL that disagrees with the platform', { id: 7, type: 'check', platform: 'instagram', account: 'https://x.com/candidate_one' }, 'bad_account', 7],
    ['check_batch without items', { id: 7, type: 'check_batch' }, 'bad_request', 7],
    ['check_batch with an object for items', { id: 7, type: 'check_batch', items: { 0: {} } }, 'bad_request', 7],
    ['check_batch with too many items', { id: 7, type: 'check_batch', items: Array(LIMITS.MAX_BATCH_ITEMS + 1).fill({ platform: 'x', account: '@a' }) }, 'too_many_items', 7],
  ];
  for (const [name, body, code, id = null] of cases) {
    test(`host should answer ${name} with error ${code} and keep serving`, async (t) => {
      const sb = await makeSandbox(t);
      const host = sb.host();
      const reply = await host.request(body);
      assertError(reply, code, id);
      await assertStillServing(host);
      const { code: status, signal } = await host.close();
      assert.equal(signal, null);
      assert.equal(status, 0);
    });
  }

  test('host should keep serving after every kind of bad request in one session', async (t) => {
    const sb = await makeSandbox(t);
    const host = sb.host();
    for (const [, body, code, id = null] of cases) {
      assertError(await host.request(body), code, id);
    }
    await assertStillServing(host);
    assert.equal((await host.close()).code, 0);
  });
});
