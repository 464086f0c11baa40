// Forgeries, one by one: each is refused by import with a clear reason, and the list installed
// before keeps answering, unchanged.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';

import { EXIT, SETTLED_DATA_FILES, assertAnswersFrom, listText, makeSandbox } from './lib.mjs';

function flipBase64Byte(line, index) {
  const bin = Buffer.from(line, 'base64');
  bin[index] ^= 0x01;
  return bin.toString('base64');
}

function editSigLine(sigText, lineIndex, edit) {
  const lines = sigText.split('\n');
  lines[lineIndex] = edit(lines[lineIndex]);
  return lines.join('\n');
}

// Installs version 1, publishes version 2 signed by the trusted key, lets FORGE change it, and
// checks that the import is refused with CODE and a message matching MESSAGE.
async function assertRefused(t, forge, { code, message }) {
  const sb = await makeSandbox(t);
  const key = await sb.install(1);
  const v1Copy = fs.readFileSync(sb.data('list.jsonl'));
  const file = await sb.publish('list-v2.jsonl', { key, version: 2 });
  const sig = `${file}.minisig`;
  const ctx = { sb, key, file, sig, text: fs.readFileSync(file, 'utf8'), sigText: fs.readFileSync(sig, 'utf8') };
  const importArgs = (await forge(ctx)) ?? {};

  const r = await sb.importList(ctx.file, importArgs);
  assert.equal(r.status, EXIT.FAILED, `the forgery should be refused; stdout: ${r.stdout}`);
  assert.equal(r.result.ok, false);
  assert.equal(r.result.error.code, code, r.result.error.message);
  assert.match(r.result.error.message, message);
  assert.match(r.stderr, /import refused: /);

  await assertAnswersFrom(sb, 1);
  assert.deepEqual(sb.dataFiles(), SETTLED_DATA_FILES, 'nothing staged is left behind');
  assert.deepEqual(fs.readFileSync(sb.data('list.jsonl')), v1Copy, 'the kept verified copy is untouched');
  const last = JSON.parse(fs.readFileSync(sb.data('last-import.json'), 'utf8'));
  assert.equal(last.ok, false);
  assert.equal(last.error.code, code);
  return sb;
}

const BAD_SIGNATURE = { code: 'signature', message: /signature verification failed/ };
const BAD_COMMENT = { code: 'signature', message: /trusted comment verification failed/ };

describe('forgeries refused by import', () => {
  test('import should refuse a list with a changed byte in an entry', async (t) => {
    await assertRefused(t, ({ file, text }) => {
      const changed = text.replace('"Candidate One"', '"Candidate Onf"');
      assert.notEqual(changed, text);
      fs.writeFileSync(file, changed);
    }, BAD_SIGNATURE);
  });

  test('import should refuse a list with a changed byte in the header line', async (t) => {
    await assertRefused(t, ({ file, text }) => {
      const changed = text.replace('"version":2', '"version":9');
      assert.notEqual(changed, text);
      fs.writeFileSync(file, changed);
    }, BAD_SIGNATURE);
  });

  test('import should refuse a flipped bit in the signature', async (t) => {
    await assertRefused(t, ({ sig, sigText }) => {
      fs.writeFileSync(sig, editSigLine(sigText, 1, (l) => flipBase64Byte(l, 40)));
    }, BAD_SIGNATURE);
  });

  test('import should refuse a flipped bit in the key id of the signature', async (t) => {
    await assertRefused(t, ({ sig, sigText }) => {
      fs.writeFileSync(sig, editSigLine(sigText, 1, (l) => flipBase64Byte(l, 2)));
    }, { code: 'key', message: /not a trusted key/ });
  });

  test('import should refuse a changed trusted comment', async (t) => {
    await assertRefused(t, ({ sig, sigText }) => {
      fs.writeFileSync(sig, editSigLine(sigText, 2, (l) => l.replace('timestamp:', 'timestamp:9')));
    }, BAD_COMMENT);
  });

  test('import should refuse a flipped bit in the global signature', async (t) => {
    await assertRefused(t, ({ sig, sigText }) => {
      fs.writeFileSync(sig, editSigLine(sigText, 3, (l) => flipBase64Byte(l, 17)));
    }, BAD_COMMENT);
  });

  test('import should refuse a list signed by a key that is not trusted', async (t) => {
    await assertRefused(t, async ({ sb, file }) => {
      const stranger = await sb.newKey({ trusted: false, name: 'stranger' });
      await sb.sign(file, stranger);
    }, { code: 'key', message: /not a trusted key/ });
  });

  test('import should refuse an untrusted key\'s signature that claims the trusted key id', async (t) => {
    await assertRefused(t, async ({ sb, file, sig, sigText }) => {
      const stranger = await sb.newKey({ trusted: false, name: 'stranger' });
      await sb.sign(file, stranger);
      const trustedKeyId = Buffer.from(sigText.split('\n')[1], 'base64').subarray(2, 10);
      fs.writeFileSync(sig, editSigLine(fs.readFileSync(sig, 'utf8'), 1, (l) => {
        const bin = Buffer.from(l, 'base64');
        trustedKeyId.copy(bin, 2);
        return bin.toString('base64');
      }));
    }, BAD_SIGNATURE);
  });

  test('import should refuse another list\'s valid signature', async (t) => {
    await assertRefused(t, async ({ sb, key, file, sig }) => {
      const other = await sb.publish('other.jsonl', { key, version: 2, issuer: 'Someone else' });
      fs.copyFileSync(`${other}.minisig`, sig);
      assert.notEqual(fs.readFileSync(other, 'utf8'), fs.readFileSync(file, 'utf8'));
    }, BAD_SIGNATURE);
  });

  test('import should refuse a legacy signature (minisign -S -l)', async (t) => {
    await assertRefused(t, async ({ sb, key, file }) => {
      await sb.sign(file, key, { tool: 'minisign', legacy: true });
    }, { code: 'signature', message: /legacy/ });
  });

  test('import should refuse a prehashed signature relabelled as legacy', async (t) => {
    await assertRefused(t, ({ sig, sigText }) => {
      fs.writeFileSync(sig, editSigLine(sigText, 1, (l) => {
        const bin = Buffer.from(l, 'base64');
        bin.write('Ed', 0, 'latin1');
        return bin.toString('base64');
      }));
    }, { code: 'signature', message: /legacy/ });
  });

  test('import should refuse an unknown signature algorithm', async (t) => {
    await assertRefused(t, ({ sig, sigText }) => {
      fs.writeFileSync(sig, editSigLine(sigText, 1, (l) => {
        const bin = Buffer.from(l, 'base64');
        bin.write('EX', 0, 'latin1');
        return bin.toString('base64');
      }));
    }, { code: 'signature', message: /unknown signature algorithm/ });
  });

  test('import should refuse a truncated list', async (t) => {
    await assertRefused(t, ({ file, text }) => {
      fs.writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    }, BAD_SIGNATURE);
  });

  test('import should refuse a list that lost its last line break', async (t) => {
    await assertRefused(t, ({ file, text }) => {
      fs.writeFileSync(file, text.slice(0, -1));
    }, BAD_SIGNATURE);
  });

  for (const [what, cut, message] of [
    ['after its first line', (s) => s.split('\n')[0] + '\n', /signature line/],
    ['inside the signature line', (s) => s.slice(0, s.indexOf('\n') + 30), /signature line/],
    ['before the global signature', (s) => s.split('\n').slice(0, 3).join('\n') + '\n', /global signature/],
    ['inside the global signature', (s) => s.slice(0, s.lastIndexOf('\n', s.length - 2) + 20), /global signature/],
  ]) {
    test(`import should refuse a signature file truncated ${what}`, async (t) => {
      await assertRefused(t, ({ sig, sigText }) => {
        fs.writeFileSync(sig, cut(sigText));
      }, { code: 'signature', message });
    });
  }

  test('import should refuse a signature file with text after the signature', async (t) => {
    await assertRefused(t, ({ sig, sigText }) => {
      fs.writeFileSync(sig, sigText + 'trusted comment: a second opinion\n');
    }, { code: 'signature', message: /after the signature/ });
  });

  test('import should refuse a list with a line appended after signing', async (t) => {
    await assertRefused(t, ({ file }) => {
      fs.appendFileSync(file, JSON.stringify({ platform: 'x', accounts: ['@smuggled'], entity: { name: 'Smuggled' } }) + '\n');
    }, BAD_SIGNATURE);
  });

  test('import should refuse an empty list file', async (t) => {
    await assertRefused(t, ({ file }) => {
      fs.writeFileSync(file, '');
    }, BAD_SIGNATURE);
  });

  test('import should refuse an empty signature file', async (t) => {
    await assertRefused(t, ({ sig }) => {
      fs.writeFileSync(sig, '');
    }, { code: 'signature', message: /untrusted comment/ });
  });

  test('import should refuse a list without a signature file', async (t) => {
    await assertRefused(t, ({ sig }) => {
      fs.unlinkSync(sig);
    }, { code: 'io', message: /minisig/ });
  });

  test('import should refuse a validly signed empty file', async (t) => {
    await assertRefused(t, async ({ sb, key, file }) => {
      fs.writeFileSync(file, '');
      await sb.sign(file, key);
    }, { code: 'format', message: /empty/ });
  });

  test('import should refuse a validly signed file that is not a list', async (t) => {
    await assertRefused(t, async ({ sb, key, file }) => {
      fs.writeFileSync(file, '{"hello":"world"}\n');
      await sb.sign(file, key);
    }, { code: 'format', message: /not a Netral list/ });
  });

  test('import should refuse a signature file over its size limit', async (t) => {
    await assertRefused(t, ({ sig, sigText }) => {
      fs.writeFileSync(sig, sigText + '\n'.repeat(20000));
    }, { code: 'too_large', message: /over the limit/ });
  });
});

describe('what is not a forgery', () => {
  test('import should accept a signature whose untrusted comment was changed', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.install(1);
    const file = await sb.publish('list-v2.jsonl', { key, version: 2 });
    const sig = `${file}.minisig`;
    fs.writeFileSync(sig, editSigLine(fs.readFileSync(sig, 'utf8'), 0, () => 'untrusted comment: anything at all'));
    const r = await sb.importList(file);
    assert.equal(r.status, EXIT.OK, r.stderr);
    await assertAnswersFrom(sb, 2);
  });

  test('import should accept a list signed by any one of several trusted keys', async (t) => {
    const sb = await makeSandbox(t);
    await sb.install(1);
    const second = await sb.newKey({ name: 'second' });
    const file = await sb.publish('list-v2.jsonl', { key: second, version: 2 });
    const r = await sb.importList(file);
    assert.equal(r.status, EXIT.OK, r.stderr);
    assert.equal(r.result.key_id, second.id);
    await assertAnswersFrom(sb, 2);
  });

  test('import should still load the trusted keys when one key file is damaged', async (t) => {
    const sb = await makeSandbox(t);
    const key = await sb.newKey();
    fs.writeFileSync(`${sb.keysDir}/broken.pub`, 'untrusted comment: broken\nRWnotakey\n');
    const file = sb.file('list.jsonl');
    fs.writeFileSync(file, listText({ version: 1 }));
    await sb.sign(file, key);
    const r = await sb.importList(file);
    assert.equal(r.status, EXIT.OK, r.stderr);
  });
});
