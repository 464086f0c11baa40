// The list authority's tools: `netral list build` (the spreadsheet, saved as CSV, to a list) and
// `netral list diff` (what changed from one list to the next). What build writes must sign and
// import with the real CLI; every problem in a spreadsheet is named with its line and column, and
// then nothing is written.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';

import { EXIT, largeListText, listText, makeSandbox } from './lib.mjs';

const BOM = '\uFEFF';
const ISSUER = 'Bawaslu RI (uji)';
const DIFF = { SAME: 0, DIFFERENT: 1, TROUBLE: 2 };   // diff(1)'s exit statuses

// Writes CSV (an array of rows joined with EOL, or text) to NAME and runs `netral list build` on
// it with the options a list needs (OPTIONS override them; null drops one).
async function build(sb, csv, { name = 'daftar.csv', eol = '\n', options = {}, args = [] } = {}) {
  const file = sb.file(name);
  fs.writeFileSync(file, Array.isArray(csv) ? csv.join(eol) + eol : csv);
  const given = { '--version': '42', '--issuer': ISSUER, '--expires': '2099-01-01', ...options };
  const flags = Object.entries(given).filter(([, v]) => v !== null).flatMap(([k, v]) => [k, v]);
  const r = await sb.cli(['list', 'build', name, ...flags, ...args]);   // in the work directory
  return { ...r, file };
}

// Builds and expects success: the list's lines, parsed.
async function buildList(sb, csv, opts = {}) {
  const r = await build(sb, csv, opts);
  assert.equal(r.status, EXIT.OK, `build should succeed: ${r.stderr}`);
  const out = opts.args?.includes('-o') ? opts.args[opts.args.indexOf('-o') + 1]
    : (opts.name ?? 'daftar.csv').replace(/\.csv$/, '.jsonl');
  const text = fs.readFileSync(sb.file(out), 'utf8');
  assert.ok(text.endsWith('\n') && !text.includes('\r'), 'one JSON object per LF-ended line');
  const [header, ...entries] = text.trimEnd().split('\n').map((l) => JSON.parse(l));
  return { r, header, entries, text, file: sb.file(out) };
}

// Builds and expects refusal: the problems as printed ("daftar.csv:LINE: ..." lines), and that
// no list (nor a temporary file) was written.
async function buildRefused(sb, csv, opts = {}) {
  const before = fs.readdirSync(sb.work);
  const r = await build(sb, csv, opts);
  assert.equal(r.status, EXIT.FAILED, `build should be refused; stdout: ${r.stdout} stderr: ${r.stderr}`);
  const name = opts.name ?? 'daftar.csv';
  const after = fs.readdirSync(sb.work).filter((f) => !before.includes(f) && f !== name);
  assert.deepEqual(after, [], 'nothing should be written when the spreadsheet has problems');
  assert.match(r.stderr, /not written/);
  return r.stderr.split('\n').filter((l) => l.startsWith(`${name}:`));
}

const HEADER_ID = 'platform,akun,id,nama,peran,partai,pemilihan,wilayah';
const HEADER_EN = 'Platform,Account,ID,Name,Role,Party,Election,Region';

describe('list build', () => {
  test('build should read a spreadsheet with Indonesian headers in any order, a BOM and CRLF', async (t) => {
    const sb = await makeSandbox(t);
    const { header, entries } = await buildList(sb, [
      `${BOM}Wilayah,NAMA,Akun,platform,Id,Peran,Partai,Pemilihan`,
      'DKI Jakarta,Tim Pemenangan Paslon 01,@Tim_Pemenangan,X,1700000000000000001,akun pemenangan resmi,"Koalisi ""Maju""",Pilkada Serentak 2026',
      '"Jawa Barat, Kab. Bogor",Relawan Dua,https://www.instagram.com/relawan.dua/,instagram,,relawan,,Pilkada Serentak 2026',
      ',,,,,,,',
      ',Tim Tiga,@timtiga,tiktok,,,,Pemilu 2029',
    ], { eol: '\r\n', options: { '--issued': '2026-11-01T00:00:00Z' } });
    assert.deepEqual(header, {
      format: 'netral-list', format_version: 1, version: 42, issued: '2026-11-01T00:00:00Z',
      expires: '2099-01-01T00:00:00Z', issuer: ISSUER, elections: ['Pilkada Serentak 2026', 'Pemilu 2029'],
    });
    assert.deepEqual(entries, [
      {
        platform: 'x', accounts: ['@tim_pemenangan', 'id:1700000000000000001'],
        entity: { name: 'Tim Pemenangan Paslon 01', role: 'akun pemenangan resmi', party: 'Koalisi "Maju"', election: 'Pilkada Serentak 2026', region: 'DKI Jakarta' },
      },
      {
        platform: 'instagram', accounts: ['@relawan.dua'],
        entity: { name: 'Relawan Dua', role: 'relawan', election: 'Pilkada Serentak 2026', region: 'Jawa Barat, Kab. Bogor' },
      },
      { platform: 'tiktok', accounts: ['@timtiga'], entity: { name: 'Tim Tiga', election: 'Pemilu 2029' } },
    ]);
  });

  test('build should read English headers', async (t) => {
    const sb = await makeSandbox(t);
    const { header, entries } = await buildList(sb, [
      HEADER_EN,
      'youtube,@CandidateOne,UCabcdefghijklmnopqrstuv,Candidate One,campaign channel,Party A,Regional election 2026,Region 1',
    ]);
    assert.deepEqual(header.elections, ['Regional election 2026']);
    assert.deepEqual(entries, [{
      platform: 'youtube', accounts: ['@candidateone', 'channel:UCabcdefghijklmnopqrstuv'],
      entity: { name: 'Candidate One', role: 'campaign channel', party: 'Party A', election: 'Regional election 2026', region: 'Region 1' },
    }]);
  });

  test('build should read a file without a header row in the default column order', async (t) => {
    const sb = await makeSandbox(t);
    const { entries } = await buildList(sb, ['x,@tim_a,,Tim A,,,Pilkada 2026,', 'x,@tim_b,,Tim B,,,Pilkada 2026,']);
    assert.deepEqual(entries.map((e) => e.accounts), [['@tim_a'], ['@tim_b']]);
  });

  test('build should group the rows of one entity on one platform, in the order of their first row', async (t) => {
    const sb = await makeSandbox(t);
    const { entries } = await buildList(sb, [
      HEADER_ID,
      'x,@a1,,Tim A,akun resmi,Partai P,Pilkada 2026,Jakarta',
      'instagram,@a_ig,,Tim A,akun resmi,Partai P,Pilkada 2026,Jakarta',
      'x,@b1,,Tim B,akun resmi,Partai P,Pilkada 2026,Jakarta',
      'x,@a2,,Tim A,akun resmi,Partai P,Pilkada 2026,Jakarta',
      'x,@a3,,  Tim A ,akun resmi,Partai P,Pilkada 2026,Jakarta',      // spaces around a cell do not count
      'x,@a_relawan,,Tim A,relawan,Partai P,Pilkada 2026,Jakarta',     // another role: another entity
      'x,@a_bogor,,Tim A,akun resmi,Partai P,Pilkada 2026,Bogor',       // another region: another entity
      'Twitter,@a4,,Tim A,akun resmi,Partai P,Pilkada 2026,Jakarta',    // twitter is x
    ]);
    assert.deepEqual(entries.map((e) => [e.platform, e.entity.name, e.entity.role, e.entity.region, e.accounts]), [
      ['x', 'Tim A', 'akun resmi', 'Jakarta', ['@a1', '@a2', '@a3', '@a4']],
      ['instagram', 'Tim A', 'akun resmi', 'Jakarta', ['@a_ig']],
      ['x', 'Tim B', 'akun resmi', 'Jakarta', ['@b1']],
      ['x', 'Tim A', 'relawan', 'Jakarta', ['@a_relawan']],
      ['x', 'Tim A', 'akun resmi', 'Bogor', ['@a_bogor']],
    ]);
  });

  test('build should accept 32 accounts for one entity on one platform', async (t) => {
    const sb = await makeSandbox(t);
    const rows = [HEADER_ID];
    for (let i = 0; i < 16; i++) rows.push(`x,@akun${i},${1000 + i},Tim Besar,,,Pilkada 2026,`);
    const { entries } = await buildList(sb, rows);
    assert.equal(entries.length, 1);
    assert.equal(entries[0].accounts.length, 32);
  });

  test('build should write X numeric ids as id:DIGITS, the account and the id of a row side by side', async (t) => {
    const sb = await makeSandbox(t);
    const { entries } = await buildList(sb, [
      HEADER_ID,
      'x,@tim_a,1700000000000000001,Tim A,,,Pilkada 2026,',
      'x,,44196397,Tim A,,,Pilkada 2026,',              // an id alone
      'x,https://x.com/i/user/783214,,Tim A,,,Pilkada 2026,',   // an id URL in the account column
      'facebook,https://www.facebook.com/profile.php?id=100004,,Tim A,,,Pilkada 2026,',
      'facebook,,100005,Tim A,,,Pilkada 2026,',
    ]);
    assert.deepEqual(entries.map((e) => [e.platform, e.accounts]), [
      ['x', ['@tim_a', 'id:1700000000000000001', 'id:44196397', 'id:783214']],
      ['facebook', ['id:100004', 'id:100005']],
    ]);
  });

  test('build should normalise profile URLs given as accounts', async (t) => {
    const sb = await makeSandbox(t);
    const { entries } = await buildList(sb, [
      'platform,account,name,election',
      'x,https://twitter.com/Tim_A/status/123,Tim A,P',
      'x,https://mobile.x.com/tim_b,Tim A,P',
      'instagram,https://www.instagram.com/Tim.A/?hl=id,Tim A,P',
      'tiktok,https://www.tiktok.com/@tim.a?lang=id,Tim A,P',
      'threads,https://www.threads.net/@tim.a,Tim A,P',
      'youtube,https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv,Tim A,P',
      'youtube,https://m.youtube.com/@TimA/videos,Tim A,P',
      'facebook,https://web.facebook.com/Tim.A.Resmi,Tim A,P',
      'facebook,https://www.facebook.com/groups/relawan.tim.a/,Tim A,P',
    ]);
    assert.deepEqual(entries.map((e) => [e.platform, e.accounts]), [
      ['x', ['@tim_a', '@tim_b']],
      ['instagram', ['@tim.a']],
      ['tiktok', ['@tim.a']],
      ['threads', ['@tim.a']],
      ['youtube', ['channel:UCabcdefghijklmnopqrstuv', '@tima']],
      ['facebook', ['@timaresmi', 'group:relawan.tim.a']],
    ]);
  });

  test('build should read cells separated by semicolons with --separator, and say so without it', async (t) => {
    const sb = await makeSandbox(t);
    const rows = ['platform;akun;nama;partai;pemilihan', 'x;@tim_a;"Tim A; relawan";Koalisi 1,5;Pilkada 2026'];
    const lines = await buildRefused(sb, rows);
    assert.deepEqual(lines, ["daftar.csv:1: one column only, with semicolons in it: the file seems separated by semicolons "
      + "(Excel writes those under Indonesian regional settings): use --separator ';'"]);
    const { entries } = await buildList(sb, rows, { args: ['--separator', ';'] });
    assert.deepEqual(entries, [{ platform: 'x', accounts: ['@tim_a'], entity: { name: 'Tim A; relawan', party: 'Koalisi 1,5', election: 'Pilkada 2026' } }]);
  });

  test('build should take the elections from --election, and write where -o says', async (t) => {
    const sb = await makeSandbox(t);
    const { header, r } = await buildList(sb, [HEADER_ID, 'x,@tim_a,,Tim A,,,,'],
      { args: ['--election', 'Pilkada 2026', '--election', 'Pemilu 2029', '-o', 'terbit.jsonl'] });
    assert.deepEqual(header.elections, ['Pilkada 2026', 'Pemilu 2029']);
    assert.match(r.stdout, /terbit\.jsonl/);
    assert.equal(fs.existsSync(sb.file('daftar.jsonl')), false);
  });

  test('build --json should say what it wrote', async (t) => {
    const sb = await makeSandbox(t);
    const r = await build(sb, [HEADER_ID, 'x,@tim_a,17,Tim A,,,P,', 'x,@tim_b,,Tim B,,,P,'], { args: ['--json'] });
    assert.equal(r.status, EXIT.OK, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out, { ok: true, file: 'daftar.jsonl', version: 42, entries: 2, accounts: 3, rows: 2, warnings: [] });
  });

  test('build should warn about an id a spreadsheet has rounded to 15 digits, and still write the list', async (t) => {
    const sb = await makeSandbox(t);
    const { r, entries } = await buildList(sb, [
      HEADER_ID,
      'x,@tim_a,1700000000000000000,Tim A,,,P,',    // typed into a number cell: 1700000000000000001 rounded
      'x,@tim_b,1700000000000000001,Tim B,,,P,',
      'x,@tim_c,100000000000000,Tim C,,,P,',         // 15 digits: a spreadsheet keeps them all
    ]);
    assert.equal(entries.length, 3);
    assert.deepEqual(r.stderr.trimEnd().split('\n'), [
      'daftar.csv:2: column C (id): warning: the id 1700000000000000000 ends in zeros after its 15th digit, as a '
        + 'spreadsheet writes a long number it has rounded: check it (and format the column as text)',
    ]);
  });

  test('the built list should sign and import with the real CLI, and check should answer for its accounts', async (t) => {
    const sb = await makeSandbox(t);
    const { file } = await buildList(sb, [
      HEADER_ID,
      'x,https://x.com/Tim_Pemenangan,1700000000000000001,Tim Pemenangan Paslon 01,akun pemenangan resmi,Koalisi Maju,Pilkada Serentak 2026,DKI Jakarta',
      'instagram,relawan.dua,,Relawan Dua,,,Pilkada Serentak 2026,',
    ]);
    const key = await sb.newKey({ name: 'authority' });
    await sb.sign(file, key, { trustedComment: 'Daftar akun kampanye, versi 42' });
    const imported = await sb.importList(file);
    assert.equal(imported.status, EXIT.OK, imported.stderr);
    assert.equal(imported.result.version, 42);
    assert.equal(imported.result.entries, 2);
    assert.equal(imported.result.accounts, 3);

    for (const args of [['x', '@tim_pemenangan'], ['https://twitter.com/TIM_PEMENANGAN'], ['https://x.com/i/user/1700000000000000001'],
      ['instagram', 'https://www.instagram.com/relawan.dua/']]) {
      const r = await sb.cli(['check', ...args, '--json']);
      assert.equal(r.status, EXIT.LISTED, `${args.join(' ')} should be listed: ${r.stdout} ${r.stderr}`);
    }
    const r = await sb.cli(['check', 'x', '@tim_pemenangan', '--json']);
    const reply = JSON.parse(r.stdout);
    assert.equal(reply.entity.name, 'Tim Pemenangan Paslon 01');
    assert.equal(reply.entity.party, 'Koalisi Maju');
    assert.equal(reply.list_version, 42);
    assert.equal((await sb.cli(['check', 'x', '@someone_else'])).status, EXIT.OK);
  });
});

describe('list build: problems, each with its line and column', () => {
  test('an account that is not valid should be named with its line, column and the reason', async (t) => {
    const sb = await makeSandbox(t);
    const lines = await buildRefused(sb, [
      HEADER_ID,
      'x,@tim_a,,Tim A,,,P,',
      'x,tim a!,,Tim B,,,P,',
      'instagram,https://www.youtube.com/@tim,,Tim C,,,P,',
      'x,,1.7E+18,Tim D,,,P,',
      'x,,@tim_d,Tim D,,,P,',
      'youtube,,12345,Tim E,,,P,',
    ]);
    assert.equal(lines.length, 5, lines.join('\n'));
    assert.match(lines[0], /^daftar\.csv:3: column B \(akun\): "tim a!" is not a valid account on x: .*handle/);
    assert.match(lines[1], /^daftar\.csv:4: column B \(akun\): "https:\/\/www\.youtube\.com\/@tim" is not a valid account on instagram: /);
    assert.match(lines[2], /^daftar\.csv:5: column C \(id\): "1\.7E\+18" is a number in scientific notation: format the id column as text/);
    assert.match(lines[3], /^daftar\.csv:6: column C \(id\): "@tim_d" is not a numeric id/);
    assert.match(lines[4], /^daftar\.csv:7: column C \(id\): "12345" is not a YouTube channel id/);
  });

  test('an account listed twice should be named with both lines, however it is written', async (t) => {
    const sb = await makeSandbox(t);
    const lines = await buildRefused(sb, [
      HEADER_ID,
      'x,@Tim_A,1700000000000000001,Tim A,,,P,',
      'instagram,@tim_a,,Tim A,,,P,',                  // another platform: not the same account
      ',,,,,,,',
      'x,https://x.com/tim_a,,Tim B,,,P,',
      'x,https://x.com/i/user/1700000000000000001,,Tim A,,,P,',
      'x,12345,12345,Tim E,,,P,',                       // digits in the account column are an id too
    ]);
    assert.deepEqual(lines, [
      'daftar.csv:5: column B (akun): x @tim_a is listed twice: on line 2 (column B) and on line 5',
      'daftar.csv:6: column B (akun): x id:1700000000000000001 is listed twice: on line 2 (column C) and on line 6',
      'daftar.csv:7: column C (id): x id:12345 is listed twice on line 7 (columns B and C)',
    ]);
  });

  test('an unknown platform, a missing name, a row without account or id should each be named', async (t) => {
    const sb = await makeSandbox(t);
    const lines = await buildRefused(sb, [
      HEADER_ID,
      'myspace,@tim,,Tim A,,,P,',
      'x,@tim_b,,,,,P,',
      'x,,,Tim C,,,P,',
      ',@tim_d,,Tim D,,,P,',
    ]);
    assert.equal(lines.length, 4, lines.join('\n'));
    assert.match(lines[0], /^daftar\.csv:2: column A \(platform\): unknown platform "myspace": one of x, instagram, facebook, tiktok, youtube, threads \(twitter is x\)/);
    assert.match(lines[1], /^daftar\.csv:3: column D \(nama\): no name/);
    assert.match(lines[2], /^daftar\.csv:4: column B \(akun\): neither an account nor an id/);
    assert.match(lines[3], /^daftar\.csv:5: column A \(platform\): no platform/);
  });

  test('missing required columns, unknown and repeated column names should be named on the header line', async (t) => {
    const sb = await makeSandbox(t);
    let lines = await buildRefused(sb, ['akun,peran', 'x,@tim_a'], { name: 'a.csv' });
    assert.deepEqual(lines, [
      'a.csv:1: no platform column (platform)',
      'a.csv:1: no name column (name or nama)',
    ]);
    lines = await buildRefused(sb, ['platform,nama', 'x,Tim A'], { name: 'b.csv' });
    assert.deepEqual(lines, ['b.csv:1: no account column (account or akun) and no id column: one of them is needed']);
    lines = await buildRefused(sb, ['platform,akun,nama,keterangan,Name', 'x,@tim_a,Tim A,,'], { name: 'c.csv' });
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0], /^c\.csv:1: column D \(keterangan\): unknown column "keterangan": the columns are platform, account \(akun\)/);
    assert.match(lines[1], /^c\.csv:1: column E \(Name\): a second name column \(the first is column C\)/);
  });

  test('a value in a column the header does not name should be refused', async (t) => {
    const sb = await makeSandbox(t);
    const lines = await buildRefused(sb, ['platform,akun,nama,', 'x,@tim_a,Tim A,', 'x,@tim_b,Tim B,catatan', 'x,@tim_c,Tim C,,lagi']);
    assert.deepEqual(lines, [
      'daftar.csv:3: column D: a value in a column without a name in the header row',
      'daftar.csv:4: column E: a value in a column without a name in the header row',
    ]);
  });

  test('fields over 256 bytes and fields with control characters should be refused', async (t) => {
    const sb = await makeSandbox(t);
    const lines = await buildRefused(sb, [
      HEADER_ID,
      `x,@tim_a,,${'N'.repeat(257)},,,P,`,
      'x,@tim_b,,"Tim\nB",,,P,',
      `x,@tim_c,,Tim C,${'é'.repeat(129)},,P,`,
      `x,@tim_d,,${'N'.repeat(256)},,,P,`,            // 256 bytes: fine
    ]);
    assert.deepEqual(lines, [
      'daftar.csv:2: column D (nama): the name is longer than 256 bytes (the list format\'s limit)',
      'daftar.csv:3: column D (nama): the name has a control character (a line break or a tab inside the cell?)',
      'daftar.csv:5: column E (peran): the role is longer than 256 bytes (the list format\'s limit)',
    ]);
  });

  test('more than 32 accounts for one entity on one platform should be refused, naming where its rows start', async (t) => {
    const sb = await makeSandbox(t);
    const rows = [HEADER_ID, 'x,@kecil,,Tim Kecil,,,P,'];
    for (let i = 0; i < 40; i++) rows.push(`x,@akun${i},,Tim Besar,,,P,`);
    const lines = await buildRefused(sb, rows);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /^daftar\.csv:35: Tim Besar has more than 32 accounts on x \(its rows start on line 3\)/);
  });

  test('an empty file, and a header without rows, should be refused', async (t) => {
    const sb = await makeSandbox(t);
    assert.deepEqual(await buildRefused(sb, '', { name: 'kosong.csv' }), ['kosong.csv:1: the file is empty: no rows']);
    assert.deepEqual(await buildRefused(sb, `${BOM}\r\n,,,\r\n`, { name: 'kosong2.csv' }), ['kosong2.csv:1: the file is empty: no rows']);
    assert.deepEqual(await buildRefused(sb, [HEADER_ID, ',,,,,,,'], { name: 'header.csv' }),
      ['header.csv:1: no rows after the header row: the list would be empty']);
  });

  test('rows CSV cannot read should be named, and the rows after them still read', async (t) => {
    const sb = await makeSandbox(t);
    const lines = await buildRefused(sb, [
      HEADER_ID,
      'x,@tim "a",,Tim A,,,P,',
      'x,"@tim_b"x,,Tim B,,,P,',
      'x,tim c!,,Tim C,,,P,',
      `x,@tim_d,,${'D'.repeat(20000)},,,P,`,
      'x,@tim_e,,"Tim E,,,P,',
      'x,@tim_f,,Tim F,,,P,',
    ]);
    assert.equal(lines.length, 5, lines.join('\n'));
    assert.match(lines[0], /^daftar\.csv:2: column B \(akun\): a double quote inside a field that does not start with one/);
    assert.match(lines[1], /^daftar\.csv:3: column B \(akun\): text after the closing double quote/);
    assert.match(lines[2], /^daftar\.csv:4: column B \(akun\): "tim c!" is not a valid account/);
    assert.match(lines[3], /^daftar\.csv:5: column D \(nama\): the row is longer than 16384 bytes/);
    assert.match(lines[4], /^daftar\.csv:6: column D \(nama\): a quoted field that starts on line 6 is never closed/);
  });

  test('a file that is not UTF-8 should be refused with the advice to save it as CSV UTF-8', async (t) => {
    const sb = await makeSandbox(t);
    const lines = await buildRefused(sb, Buffer.concat([Buffer.from(`${HEADER_ID}\nx,@tim_a,,Tim A,,,P,Jawa Barat\nx,@tim_b,,Tim B,,,P,Bal`),
      Buffer.from([0xee]), Buffer.from('\n')]));
    assert.deepEqual(lines, ['daftar.csv:3: column H (wilayah): not UTF-8 text: save the spreadsheet as "CSV UTF-8"']);
  });

  test('elections: a row naming one that --election does not, and a list without any, should be refused', async (t) => {
    const sb = await makeSandbox(t);
    let lines = await buildRefused(sb, [HEADER_ID, 'x,@tim_a,,Tim A,,,Pilkada 2026,', 'x,@tim_b,,Tim B,,,Pilkada 2062,'],
      { args: ['--election', 'Pilkada 2026'] });
    assert.deepEqual(lines, ['daftar.csv:3: column G (pemilihan): the election "Pilkada 2062" is not one of the --election values']);
    lines = await buildRefused(sb, ['platform,akun,nama', 'x,@tim_a,Tim A'], { name: 'b.csv' });
    assert.deepEqual(lines, ['b.csv: no election: fill the election (pemilihan) column, or name the elections with --election']);
  });

  test('every problem should be reported, up to 100, and then no list written', async (t) => {
    const sb = await makeSandbox(t);
    const rows = [HEADER_ID];
    for (let i = 0; i < 150; i++) rows.push(`x,bad handle ${i},,Tim ${i},,,P,`);
    const lines = await buildRefused(sb, rows);
    assert.equal(lines.length, 100);
    assert.match(lines[0], /^daftar\.csv:2: /);
    assert.match(lines[99], /^daftar\.csv:101: /);
    const r = await build(sb, rows, { args: ['--json'] });
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, false);
    assert.equal(out.more_problems, true);
    assert.equal(out.problems.length, 100);
    assert.deepEqual(out.problems[0], {
      file: 'daftar.csv', line: 2, column: 'B', column_name: 'akun',
      message: out.problems[0].message,
    });
    assert.match(out.problems[0].message, /"bad handle 0" is not a valid account on x/);
  });

  test('a refused build should leave an existing list as it was', async (t) => {
    const sb = await makeSandbox(t);
    fs.writeFileSync(sb.file('daftar.jsonl'), 'the last list\n');
    await buildRefused(sb, [HEADER_ID, 'x,bad!,,Tim A,,,P,']);
    assert.equal(fs.readFileSync(sb.file('daftar.jsonl'), 'utf8'), 'the last list\n');
  });

  test('build should refuse missing or bad options with exit 2, writing nothing', async (t) => {
    const sb = await makeSandbox(t);
    const rows = [HEADER_ID, 'x,@tim_a,,Tim A,,,P,'];
    for (const [options, message] of [
      [{ '--version': null }, /--version/],
      [{ '--issuer': null }, /--issuer/],
      [{ '--expires': null }, /--expires/],
      [{ '--version': '0' }, /--version: "0" is not a whole number/],
      [{ '--version': '9007199254740992' }, /not a whole number/],
      [{ '--expires': '2099-13-01' }, /--expires: .* is not a UTC time/],
      [{ '--expires': '2020-01-01' }, /in the past/],
      [{ '--issued': '2099-02-01', '--expires': '2099-01-01' }, /--expires must be after --issued/],
      [{ '--issuer': '' }, /--issuer: the value is empty/],
      [{ '--issuer': 'x'.repeat(257) }, /--issuer: the value is longer than 256 bytes/],
      [{ '--separator': '|' }, /--separator is ',' or ';'/],
    ]) {
      const r = await build(sb, rows, { options });
      assert.equal(r.status, EXIT.USAGE, `${JSON.stringify(options)}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(fs.existsSync(sb.file('daftar.jsonl')), false);
    }
    const same = await build(sb, rows, { args: ['-o', 'daftar.csv'] });
    assert.equal(same.status, EXIT.USAGE);
    assert.match(same.stderr, /would replace the spreadsheet/);
    const missing = await sb.cli(['list', 'build', 'no-such.csv', '--version', '1', '--issuer', 'B', '--expires', '2099-01-01']);
    assert.equal(missing.status, EXIT.FAILED);
    assert.match(missing.stderr, /cannot open no-such\.csv/);
  });
});

// Two lists that differ in every way diff reports: header, added, removed, changed, per platform.
function listsForDiff() {
  const e = (platform, accounts, name, extra = {}) => ({ platform, accounts, entity: { name, election: 'Pilkada 2026', ...extra } });
  const old = listText({
    version: 41, issued: '2026-10-01T00:00:00Z', expires: '2099-01-01T00:00:00Z', issuer: 'Bawaslu', elections: ['Pilkada 2026'],
    entries: [
      e('x', ['@tetap', 'id:111'], 'Tim Tetap', { role: 'akun resmi' }),
      e('x', ['@pindah'], 'Tim Lama'),
      e('x', ['@hapus'], 'Tim Hapus'),
      e('instagram', ['https://www.instagram.com/Tetap.IG/'], 'Tim Tetap'),
    ],
  });
  const next = listText({
    version: 42, issued: '2026-11-01T00:00:00Z', expires: '2099-01-01T00:00:00Z', issuer: 'Bawaslu RI', elections: ['Pilkada 2026'],
    entries: [
      e('instagram', ['@tetap.ig', '@baru.ig'], 'Tim Tetap'),                 // same account, another form: unchanged
      e('x', ['id:111', '@TETAP'], 'Tim Tetap', { role: 'akun resmi' }),
      e('x', ['@pindah'], 'Tim Baru', { party: 'Koalisi' }),
      e('x', ['@tambah'], 'Tim Tambah'),
    ],
  });
  return { old, next };
}

describe('list diff', () => {
  test('diff of a list with itself, or with the same list written otherwise, should say so and exit 0', async (t) => {
    const sb = await makeSandbox(t);
    const a = await sb.publish('a.jsonl', { version: 7 });
    let r = await sb.cli(['list', 'diff', a, a]);
    assert.equal(r.status, DIFF.SAME, r.stderr);
    assert.match(r.stdout, /No differences/);
    // the same accounts in other forms and another order, in entries split otherwise: the same list
    const lines = fs.readFileSync(a, 'utf8').trimEnd().split('\n');
    const [head, ...entries] = lines;
    const respelled = entries.reverse().map((l) => l.replace('"@Candidate_One"', '"https://x.com/candidate_one"'));
    const b = await sb.publish('b.jsonl', { text: [head, ...respelled].join('\r\n') + '\r\n' });
    r = await sb.cli(['list', 'diff', a, b, '--json']);
    assert.equal(r.status, DIFF.SAME, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.identical, true);
    assert.deepEqual(out.counts, { added: 0, removed: 0, changed: 0 });
    assert.deepEqual(out.header_changes, {});
    assert.deepEqual(out.platforms, {});
  });

  test('diff should name the header changes and the accounts added, removed and changed, per platform, and exit 1', async (t) => {
    const sb = await makeSandbox(t);
    const { old, next } = listsForDiff();
    const a = await sb.publish('lama.jsonl', { text: old });
    const b = await sb.publish('baru.jsonl', { text: next });
    const r = await sb.cli(['list', 'diff', a, b]);
    assert.equal(r.status, DIFF.DIFFERENT, r.stderr);
    const out = r.stdout;
    assert.match(out, /old: .*lama\.jsonl, version 41, 4 entries with 5 accounts/);
    assert.match(out, /new: .*baru\.jsonl, version 42, 4 entries with 6 accounts/);
    assert.match(out, /version +41 → 42/);
    assert.match(out, /issued +2026-10-01T00:00:00Z → 2026-11-01T00:00:00Z/);
    assert.match(out, /issuer +Bawaslu → Bawaslu RI/);
    assert.doesNotMatch(out, /expires|elections/);
    assert.match(out, /Accounts: 2 added, 1 removed, 1 changed/);
    assert.match(out, /\nx: 1 added, 1 removed, 1 changed\n {2}added \(1\):\n {4}\+ @tambah {2}Tim Tambah \(Pilkada 2026\)\n {2}removed \(1\):\n {4}- @hapus {2}Tim Hapus \(Pilkada 2026\)\n {2}changed \(1\):\n {4}~ @pindah {2}Tim Lama \(Pilkada 2026\) → Tim Baru \(Koalisi; Pilkada 2026\)\n/);
    assert.match(out, /\ninstagram: 1 added\n {2}added \(1\):\n {4}\+ @baru\.ig {2}Tim Tetap \(Pilkada 2026\)\n/);
    assert.doesNotMatch(out, /@tetap|id:111/);
    assert.ok(out.indexOf('\nx:') < out.indexOf('\ninstagram:'), 'platforms in their usual order');
  });

  test('diff --json should give the same in a fixed shape', async (t) => {
    const sb = await makeSandbox(t);
    const { old, next } = listsForDiff();
    const a = await sb.publish('lama.jsonl', { text: old });
    const b = await sb.publish('baru.jsonl', { text: next });
    const r = await sb.cli(['list', 'diff', a, b, '--json']);
    assert.equal(r.status, DIFF.DIFFERENT, r.stderr);
    const out = JSON.parse(r.stdout);
    const entity = (name, extra = {}) => ({ name, role: '', party: '', election: 'Pilkada 2026', region: '', ...extra });
    assert.deepEqual(out, {
      identical: false,
      old: { file: a, version: 41, issued: '2026-10-01T00:00:00Z', expires: '2099-01-01T00:00:00Z', issuer: 'Bawaslu', elections: ['Pilkada 2026'], entries: 4, accounts: 5 },
      new: { file: b, version: 42, issued: '2026-11-01T00:00:00Z', expires: '2099-01-01T00:00:00Z', issuer: 'Bawaslu RI', elections: ['Pilkada 2026'], entries: 4, accounts: 6 },
      header_changes: {
        version: { old: 41, new: 42 },
        issued: { old: '2026-10-01T00:00:00Z', new: '2026-11-01T00:00:00Z' },
        issuer: { old: 'Bawaslu', new: 'Bawaslu RI' },
      },
      counts: { added: 2, removed: 1, changed: 1 },
      platforms: {
        x: {
          counts: { added: 1, removed: 1, changed: 1 },
          added: [{ account: '@tambah', entity: entity('Tim Tambah') }],
          removed: [{ account: '@hapus', entity: entity('Tim Hapus') }],
          changed: [{ account: '@pindah', old: entity('Tim Lama'), new: entity('Tim Baru', { party: 'Koalisi' }) }],
        },
        instagram: {
          counts: { added: 1, removed: 0, changed: 0 },
          added: [{ account: '@baru.ig', entity: entity('Tim Tetap') }],
          removed: [],
          changed: [],
        },
      },
    });
  });

  test('diff should say when the new version is not newer than the old one', async (t) => {
    const sb = await makeSandbox(t);
    const a = await sb.publish('a.jsonl', { version: 7 });
    const b = await sb.publish('b.jsonl', { version: 7, issuer: 'Other' });
    const r = await sb.cli(['list', 'diff', a, b]);
    assert.equal(r.status, DIFF.DIFFERENT);
    assert.match(r.stdout, /not greater than the old one: import refuses it/);
  });

  test('diff should exit 2 naming the file and line of a list it cannot read', async (t) => {
    const sb = await makeSandbox(t);
    const a = await sb.publish('a.jsonl', { version: 1 });
    const bad = await sb.publish('bad.jsonl', { entries: [{ platform: 'x', accounts: ['@ok'], entity: { name: 'A' } }, '{"platform":"x"'] });
    let r = await sb.cli(['list', 'diff', a, bad]);
    assert.equal(r.status, DIFF.TROUBLE);
    assert.match(r.stderr, /bad\.jsonl:3: the entry/);
    assert.equal(r.stdout, '');

    const dup = await sb.publish('dup.jsonl', {
      entries: [{ platform: 'x', accounts: ['@a'], entity: { name: 'A' } }, { platform: 'x', accounts: ['@b'], entity: { name: 'B' } },
        { platform: 'x', accounts: ['https://x.com/A'], entity: { name: 'C' } }],
    });
    r = await sb.cli(['list', 'diff', dup, a, '--json']);
    assert.equal(r.status, DIFF.TROUBLE);
    assert.match(r.stderr, /dup\.jsonl:4: x @a is listed twice, on lines 2 and 4/);
    assert.equal(JSON.parse(r.stdout).problems[0].line, 4);

    const header = await sb.publish('header.jsonl', { header: { format: 'other' } });
    r = await sb.cli(['list', 'diff', header, a]);
    assert.equal(r.status, DIFF.TROUBLE);
    assert.match(r.stderr, /header\.jsonl:1: not a Netral list/);

    fs.writeFileSync(sb.file('empty.jsonl'), '');
    r = await sb.cli(['list', 'diff', a, sb.file('empty.jsonl')]);
    assert.equal(r.status, DIFF.TROUBLE);
    assert.match(r.stderr, /empty\.jsonl: the list is empty/);

    r = await sb.cli(['list', 'diff', a, sb.file('missing.jsonl')]);
    assert.equal(r.status, DIFF.TROUBLE);
    assert.match(r.stderr, /cannot open .*missing\.jsonl/);
    assert.equal((await sb.cli(['list', 'diff', a])).status, DIFF.TROUBLE);   // usage
  });

  test('diff should compare two lists of 200,000 entries', async (t) => {
    const sb = await makeSandbox(t);
    const oldText = largeListText({ version: 1, count: 200_000 });
    const lines = oldText.trimEnd().split('\n');
    lines[0] = lines[0].replace('"version":1', '"version":2');
    lines.splice(1, 10);                                                      // @u0..@u9 and their ids removed
    lines[500] = lines[500].replace(/"name":"Bulk entity \d+"/, '"name":"Renamed"');   // 2 accounts changed
    lines.push('{"platform":"tiktok","accounts":["@new.one"],"entity":{"name":"New"}}');
    const a = await sb.publish('old.jsonl', { text: oldText });
    const b = await sb.publish('new.jsonl', { text: lines.join('\n') + '\n' });
    const r = await sb.cli(['list', 'diff', a, b, '--json']);
    assert.equal(r.status, DIFF.DIFFERENT, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.old.accounts, 400_000);
    assert.equal(out.new.entries, 199_991);
    assert.deepEqual(out.counts, { added: 1, removed: 20, changed: 2 });
    assert.deepEqual(Object.keys(out.platforms), ['x', 'tiktok']);
    assert.deepEqual(out.platforms.x.changed.map((c) => c.new.name), ['Renamed', 'Renamed']);
    assert.deepEqual(out.platforms.tiktok.added, [{ account: '@new.one', entity: { name: 'New', role: '', party: '', election: '', region: '' } }]);
  });
});

describe('usage', () => {
  test('netral list --help should name both tools; each has its own --help', async (t) => {
    const sb = await makeSandbox(t);
    let r = await sb.cli(['list', '--help']);
    assert.equal(r.status, EXIT.OK);
    assert.match(r.stdout, /usage: netral list build/);
    assert.match(r.stdout, /netral list diff/);
    for (const tool of ['build', 'diff']) {
      r = await sb.cli(['list', tool, '--help']);
      assert.equal(r.status, EXIT.OK);
      assert.match(r.stdout, new RegExp(`^usage: netral list ${tool}`));
    }
    r = await sb.cli(['list', 'frobnicate']);
    assert.equal(r.status, EXIT.USAGE);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    assert.deepEqual(fs.readdirSync(sb.work), []);
  });
});
