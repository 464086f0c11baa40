// The goals table (for the terminal and for docs/benchmarks.md) and the report itself.
import fs from 'node:fs';
import { ms, ratio } from './common.mjs';

const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
const sec = (s) => (s === undefined ? '—' : `${s.toFixed(s < 1 ? 3 : 2)} s`);
const count = (n) => n.toLocaleString('en');
const bytes = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

/** Rows {measure, netral, reference, ratio, goal, pass}: pass is true, false or null (no goal). */
export function goals(main, sizes, browser, web, marks = null) {
  const rows = [];
  const add = (measure, netral, reference, value, goal, pass) => rows.push({ measure, netral, reference, ratio: value, goal, pass });
  const vs = (a, b, limit) => ({ value: a / b, pass: a / b <= limit });
  let r;
  if (main) {
    const { check, batch, cold } = main;
    r = vs(check.netral.p50, check.echo.p50, 1.5);
    add('1. `check` p50 vs C echo host', ms(check.netral.p50), `${ms(check.echo.p50)} echo`, r.value, '≤ 1.5×', r.pass);
    r = vs(check.netral.p99, check.echo.p99, 3);
    add('1. `check` p99 vs C echo host', ms(check.netral.p99), `${ms(check.echo.p99)} echo`, r.value, '≤ 3×', r.pass);
    if (check.cjson) {
      add('1. `check` p50 vs cJSON alone (parse + print, no lookup)', ms(check.netral.p50), `${ms(check.cjson.p50)} cJSON`,
        check.netral.p50 / check.cjson.p50, 'no goal', null);
      add('1. the cJSON host itself vs C echo host, p50', ms(check.cjson.p50), `${ms(check.echo.p50)} echo`,
        check.cjson.p50 / check.echo.p50, 'no goal', null);
    }
    r = vs(check.netral.p50, check.python.p50, 0.5);
    add('1. `check` p50 vs Python host', ms(check.netral.p50), `${ms(check.python.p50)} Python`, r.value, '≤ 0.5×', r.pass);
    r = vs(check.netral.p99, check.python.p99, 0.5);
    add('1. `check` p99 vs Python host', ms(check.netral.p99), `${ms(check.python.p99)} Python`, r.value, '≤ 0.5×', r.pass);
    add(`2. \`check_batch\` of 100, p50`, ms(batch.netral.p50), `${ms(batch.python.p50)} Python`,
      batch.netral.p50 / batch.python.p50, '≤ 0.25 ms', batch.netral.p50 <= 0.25);
    if (batch.cjson) {
      add('2. `check_batch` of 100 vs cJSON alone, p50', ms(batch.netral.p50), `${ms(batch.cjson.p50)} cJSON`,
        batch.netral.p50 / batch.cjson.p50, 'no goal', null);
    }
    r = vs(cold.netral.p50, cold.echo.p50, 2.5);
    add('3. cold start to first reply, p50', ms(cold.netral.p50), `${ms(cold.echo.p50)} echo`, r.value, '≤ 2.5×', r.pass);
    r = vs(main.verify.netral, main.verify.minisign, 1.1);
    add('4. verify (`netral verify` vs `minisign -V`)', sec(main.verify.netral), `${sec(main.verify.minisign)} minisign`,
      r.value, '≈ 1.0× (≤ 1.1×)', r.pass);
    r = vs(main.import.netral, main.import.sqlite3, 1.35);
    add('5. import (`netral import` vs `sqlite3` shell)', sec(main.import.netral), `${sec(main.import.sqlite3)} sqlite3`,
      r.value, '≤ 1.35×', r.pass);
  }
  if (sizes.length > 1) {
    const first = sizes[0];
    const last = sizes.at(-1);
    r = vs(last.import.netralRssKib, first.import.netralRssKib, 1.5);
    add(`5. import peak RSS, ${count(last.entries)} vs ${count(first.entries)} entries`, mib(last.import.netralRssKib),
      mib(first.import.netralRssKib), r.value, 'flat (≤ 1.5×)', r.pass);
  }
  if (main && main.update) {
    const u = main.update;
    add(`6. a day's update (${count(u.changes)} accounts replaced): delta vs full list`, bytes(u.deltaBytes),
      `${bytes(u.fullBytes)} full list`, u.deltaBytes / u.fullBytes, '≤ 0.01× (1 %)', u.deltaBytes / u.fullBytes <= 0.01);
    add('6. `netral update` by that delta', sec(u.delta), `${sec(main.import.replacing)} full list`,
      u.delta / main.import.replacing, '≤ 1 s', u.delta <= 1);
    if (sizes.length > 1) {
      r = vs(u.deltaRssKib, sizes[0].import.netralRssKib, 1.5);
      add(`6. \`netral update\` by that delta, peak RSS`, mib(u.deltaRssKib),
        `${mib(sizes[0].import.netralRssKib)} import of ${count(sizes[0].entries)}`, r.value, 'flat (≤ 1.5×)', r.pass);
    }
  }
  if (web && !web.error) {
    const d = web.delta;
    add(`6. over the web, that delta: bytes on the wire (gzip)`, bytes(d.wireBytes), `${bytes(web.full.listBytes)} full list`,
      d.wireBytes / web.full.listBytes, '≤ 0.01× (1 %)', d.wireBytes / web.full.listBytes <= 0.01);
    add('6. over the web: the worker\'s run (fetch, verify, spool)', ms(d.fetch), `${ms(d.reference)} plain page fetch`,
      d.fetch / d.reference, 'no goal', null);
    add('6. over the web: publish → answering (run + `update --spool`)', ms(d.publishToAnswer),
      `${ms(web.full.fetch + web.full.install)} by the full list`, d.publishToAnswer / (web.full.fetch + web.full.install),
      'no goal (plus the interval)', null);
  }
  if (browser && !browser.error) {
    const s = browser.summary;
    add('7a. unlisted, pre-resolved: press → page handler, p50', ms(s.a.p50), `${ms(s.bare.p50)} no extension`,
      s.a.p50 / s.bare.p50, `no goal (adds ${ms(browser.added.p50)})`, null);
    add('7b. unlisted, clicked as it appears → handler, p50', ms(s.b.p50), `${ms(s.floorClick.p50)} floor`,
      s.b.p50 / s.floorClick.p50, '≤ 1.5 ms', s.b.p50 <= 1.5);
    add('7b. unlisted, clicked as it appears → handler, p99', ms(s.b.p99), `${ms(s.floorClick.p99)} floor`,
      s.b.p99 / s.floorClick.p99, '≤ 6 ms', s.b.p99 <= 6);
    add('7c. listed, verdict known: click → warning, p50', ms(s.c.p50), `${ms(s.floorClick.p50)} floor`,
      s.c.p50 / s.floorClick.p50, '≤ 1 ms', s.c.p50 <= 1);
    add('7d. listed, verdict not known: click → warning, p50', ms(s.d.p50), `${ms(s.floorClick.p50)} floor`,
      s.d.p50 / s.floorClick.p50, '≤ 2.5 ms', s.d.p50 <= 2.5);
  }
  if (marks && !marks.error) {
    const n = marks.netral;
    add(`8. marks on a Following list of ${count(n.rows)}: main thread per 100 rows`, ms(n.perHundredMs), `${count(n.marks)} rows marked`,
      null, '≤ 2 ms', n.perHundredMs <= 2);
    add('8. long tasks (> 50 ms) while the list grows', String(n.longTasks), `${marks.bare.longTasks} without the extension`,
      null, 'none caused by Netral', n.longTasks <= marks.bare.longTasks);
  }
  return rows;
}

const verdict = (pass) => (pass === null ? '' : pass ? 'PASS' : 'MISS');

// Two decimals, or three where two would read as exactly the limit the ratio is judged by.
function ratioText(value, goal) {
  const limit = Number((/([\d.]+)×\)?$/.exec(goal) || [])[1]);
  return Number.isFinite(value) && limit && ratio(value) === `${limit.toFixed(2)}×` ? `${value.toFixed(3)}×` : ratio(value);
}

export function goalsTable(main, sizes, browser, format, web = null, marks = null) {
  const rows = goals(main, sizes, browser, web, marks);
  const cells = rows.map((row) => [row.measure, row.netral, row.reference, ratioText(row.ratio, row.goal), row.goal, verdict(row.pass)]);
  const header = ['measure', 'Netral', 'reference', 'ratio', 'goal', 'result'];
  if (format === 'md') {
    return [`| ${header.join(' | ')} |`, '| --- | ---: | ---: | ---: | --- | --- |',
      ...cells.map((c) => `| ${c.map((v, i) => (i === 5 && v ? `**${v}**` : v)).join(' | ')} |`)].join('\n');
  }
  const plain = [header, ...cells].map((c) => c.map((v) => v.replaceAll('`', '')));
  const widths = header.map((_, i) => Math.max(...plain.map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => (i >= 1 && i <= 3 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  let text = [line(plain[0]), ...plain.slice(1).map(line)].join('\n');
  if (browser && browser.error) text += `\n7. click path: ${browser.error}`;
  return text;
}

const HOST_NAMES = { netral: 'netral-host', echo: 'C echo host', cjson: 'cJSON host', python: 'Python host' };

function pipeTable(main) {
  const row = (what, name, s) => `| ${what} | ${name} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.mean)} | ${count(s.n)} |`;
  const lines = ['| request | host | p50 | p99 | mean | samples |', '| --- | --- | ---: | ---: | ---: | ---: |'];
  for (const [what, key] of [['`check`', 'check'], ['`check_batch` (100 items)', 'batch'], ['cold start (spawn → first reply)', 'cold']]) {
    for (const name of ['netral', 'echo', 'cjson', 'python']) if (main[key][name]) lines.push(row(what, HOST_NAMES[name], main[key][name]));
    if (key === 'check' && main.checkByVerdict) {
      for (const [verdict, label] of [['listed', 'listed only'], ['clear', 'not listed only']]) {
        for (const name of ['netral', 'echo', 'cjson', 'python']) {
          const s = main.checkByVerdict[name]?.[verdict];
          if (s) lines.push(row(`\`check\`, ${label}`, HOST_NAMES[name], s));
        }
      }
    }
  }
  return lines.join('\n');
}

function growthTable(sizes) {
  const lines = [
    '| entries | list | database | `check` p50 netral / echo / Python | `check` p99 netral / echo | batch p50 netral / Python | cold start p50 netral / echo / Python | verify netral / minisign | import netral / sqlite3 | import peak RSS netral / sqlite3 |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const s of sizes) {
    lines.push(`| ${count(s.entries)} | ${mb(s.listBytes)} | ${mb(s.databaseBytes)} `
      + `| ${ms(s.check.netral.p50)} / ${ms(s.check.echo.p50)} / ${ms(s.check.python.p50)} `
      + `| ${ms(s.check.netral.p99)} / ${ms(s.check.echo.p99)} `
      + `| ${ms(s.batch.netral.p50)} / ${ms(s.batch.python.p50)} `
      + `| ${ms(s.cold.netral.p50)} / ${ms(s.cold.echo.p50)} / ${ms(s.cold.python.p50)} `
      + `| ${sec(s.verify.netral)} / ${sec(s.verify.minisign)} `
      + `| ${sec(s.import.netral)} / ${sec(s.import.sqlite3)} | ${mib(s.import.netralRssKib)} / ${mib(s.import.sqlite3RssKib)} |`);
  }
  return lines.join('\n');
}

function browserTable(b) {
  const s = b.summary;
  const rows = [
    ['(a) unlisted, pre-resolved: press → page handler, with Netral', s.a],
    ['(a) the same, release → page handler', s.aRelease],
    ['(a) no extension: press → page handler', s.bare],
    ['(a) no extension: release → page handler', s.bareRelease],
    ['(b) unlisted, clicked as the post appears: release → page handler (held and replayed, unless the verdict came first)', s.b],
    ['(c) listed, verdict known: release → warning shown', s.c],
    ['(d) listed, verdict not known: release → warning shown', s.d],
    ...(s.cFrame?.n ? [
      ['(c) of which: release → the page sees the warning\'s dialog open', s.cPage],
      ['(c) of which: release → the warning\'s frame has drawn it', s.cFrame],
      ['(d) of which: release → the page sees the warning\'s dialog open', s.dPage],
      ['(d) of which: release → the warning\'s frame has drawn it', s.dFrame],
    ] : []),
    ['floor: hold, one round trip to the C echo host, replay: release → page handler', s.floorClick],
    ['floor: content script → service worker → C echo host → content script', s.floorRtt],
  ];
  return ['| measure | p50 | p99 | mean | samples |', '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(([what, x]) => `| ${what} | ${ms(x.p50)} | ${ms(x.p99)} | ${ms(x.mean)} | ${count(x.n)} |`),
    `| (a) added by Netral, press → page handler (with − without) | ${ms(s.a.p50 - s.bare.p50)} | | ${ms(s.a.mean - s.bare.mean)} | |`,
    `| (a) added by Netral, release → page handler (with − without) | ${ms(s.aRelease.p50 - s.bareRelease.p50)} | | ${ms(s.aRelease.mean - s.bareRelease.mean)} | |`,
  ].join('\n');
}

export function writeReport(file, { machine, plan, minutes, sizes, browser, web, marks }) {
  const main = sizes.find((s) => s.entries === plan.main);
  const m = machine;
  const sizesText = sizes.map((s) => count(s.entries)).join(', ');
  const notes = [];
  if (main?.import.replacing !== undefined) {
    notes.push(`- Importing over an installed list (version 2 over version 1, as a daily update does) took`
      + ` ${sec(main.import.replacing)}, ${ratio(main.import.replacing / main.import.netral)} the import into an empty data directory.`);
  }
  if (browser && !browser.error) {
    const c = browser.checks;
    notes.push(`- Click checks over ${browser.rounds} rounds: (a) clicks held although their verdict was known: ${c.aHeld}`
      + ` (should be 0); (b) clicks held and replayed: ${c.bHeld}, clicks that found their verdict known already and went on`
      + ` untouched: ${c.bKnown} (the post is clicked one CDP round trip after it is inserted). Failed clicks, left out of`
      + ` the samples (lost: the page never saw it; leaked: a listed account's click reached the page; no-warning: held,`
      + ` but no warning within 3 s): ${Object.entries(browser.problems || {}).map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'}.`);
  }
  const text = `# Benchmarks

Generated by \`bench/run${plan.quick ? ' --quick' : ''}\` on ${m.date} (${minutes.toFixed(1)} minutes); do not edit by hand, re-run it.
The speed goals of the host and of the click path, each measure beside the reference it is judged
against, measured side by side in one run; re-run after each change. Where a goal is missed, the
references say how far it is from the floor of its kind: the cJSON host is what a host that must
parse and print with cJSON (as netral-host does) costs with no lookup at all.

**Machine:** ${m.cpu}, ${m.cores} cores, ${m.memory}; ${m.system}, Linux ${m.kernel}; node ${m.node},
SQLite ${m.sqlite}, ${m.minisign}, ${m.python}, ${browser?.chromium || 'Chromium (not run)'}.
**Load:** 1-minute load average ${m.load?.toFixed(1) ?? '—'} as the run started, ${m.loadAtEnd?.toFixed(1) ?? '—'} as it ended (the machine is shared: other work slows all contenders alike, but widens p99).
**Commit:** ${m.commit}${m.dirty ? ` with uncommitted changes in: ${m.dirty.split('\n').map((l) => `\`${l.trim().split(/\s+/).pop()}\``).join(', ')}` : ''};
host built with CMake Release (\`-O3\`) in \`${m.build.replace(/.*\/(build[^/]*)$/, '$1')}\`.
**List:** synthetic (\`bench/make-list.mjs --lean\`: one @handle per entry, name, party and region), signed with \`netral sign\`,
imported with \`netral import\`; main size ${count(plan.main)} entries, growth over ${sizesText}.

## Goals (${count(plan.main)}-entry list)

${goalsTable(main, sizes, browser, 'md', web, marks)}
${browser?.error ? `\nThe click path was not measured: ${browser.error}.\n` : ''}${web?.error ? `\nLists over the web were not measured: ${web.error}.\n` : ''}
## The host over a pipe (${count(plan.main)} entries)

A C client (\`bench/lib/pipe-client.c\`) keeps each host running on a pipe, as the extension's
port does, and sends the same request to each in turn (netral, echo, cJSON, Python, netral, …), timing
write → whole reply. \`check\`: ${count(plan.checks)} requests after ${count(plan.checkWarmup)} warm-up, half of them
listed accounts, at random over the list. \`check_batch\`: ${count(plan.batches)} batches of ${plan.batchItems} items (half listed)
after ${count(plan.batchWarmup)} warm-up. Cold start: ${count(plan.cold)} spawns each (after ${plan.coldWarmup} warm-up), one \`check\`, the time
until its whole reply (the exit is not timed).

${main ? pipeTable(main) : ''}

References, built by the benchmark: the **C echo host** (\`bench/lib/echo-host.c\`: reads a frame,
writes back one fixed small frame) is the floor of any host; the **cJSON host**
(\`bench/lib/cjson-host.c\`) is the floor of a host that reads and writes its JSON with cJSON, as
netral-host must: it parses each request with \`cJSON_ParseWithLengthOpts\` and builds and prints
netral-host's reply with cJSON (from an arena, no tree freed: the least cJSON costs), knowing the
verdict without any lookup (the benchmark's accounts are numbered); the **Python host**
(\`bench/lib/python-host.py\`, stdlib \`sqlite3\` and \`json\`) answers from the \`sqlite3\` shell's
import of the same list (account and entity tables, one JOIN per lookup: the schema a plain
host would use), with the same reply shape.

## Verify and import (${count(plan.main)} entries)

| | Netral | reference | ratio |
| --- | ---: | ---: | ---: |
| verify the signed list | ${sec(main?.verify.netral)} \`netral verify\` | ${sec(main?.verify.minisign)} \`minisign -V\` | ${ratio(main?.verify.netral / main?.verify.minisign)} |
| import into an empty data directory | ${sec(main?.import.netral)} \`netral import\` | ${sec(main?.import.sqlite3)} \`sqlite3\` shell | ${ratio(main?.import.netral / main?.import.sqlite3)} |
| import over the installed list | ${sec(main?.import.replacing)} | | |
| verify, CPU time (user + sys) | ${sec(main?.verify.netralCpu)} | ${sec(main?.verify.minisignCpu)} | ${ratio(main?.verify.netralCpu / main?.verify.minisignCpu)} |
| import, CPU time (user + sys) | ${sec(main?.import.netralCpu)} | ${sec(main?.import.sqlite3Cpu)} | ${ratio(main?.import.netralCpu / main?.import.sqlite3Cpu)} |
| import peak RSS | ${main ? mib(main.import.netralRssKib) : '—'} | ${main ? mib(main.import.sqlite3RssKib) : '—'} | |

Wall times are the best of ${plan.verifyRounds} (verify) and ${plan.importRounds} (import) alternating runs (these are fixed jobs:
other work on the machine only adds to them); the goals are judged on them. CPU times
(getrusage of the process, user + sys) are medians, and barely disturbed by other work. Peak RSS is getrusage's ru_maxrss of the process. The \`sqlite3\` shell imports CSV files made from the same list
(\`bench/lib/list-to-sqlite.mjs\`, not timed) into an entity table and an account table keyed by
(platform, account), with the same pragmas, in one transaction: the relational form of the same
data. \`netral import\` does more: it copies and hashes the list, verifies the signature, parses
JSON, normalises every account, sorts the accounts into sealed hash buckets (schema 2,
\`host/src/account_bucket.h\`) with the account filter, and fsyncs the copy and the database.

## Growth

![cost against list size](benchmarks-growth.svg)

${growthTable(sizes)}

## Lists over the web (${web && !web.error ? count(web.entries) : count(plan.main)} entries)

${web && !web.error ? `\`bench/web-update.mjs\`: ${web.chromium} headless with the real extension and host, a list mirror on
127.0.0.1 (HTTPS, gzip, ETag: \`tests/e2e/lib/mirror-server.js\`) named by a managed policy. Each of
${web.rounds} rounds the authority publishes the next version (${count(web.changes)} accounts replaced, one delta); the
popup's "Check now" starts the worker's run (what the alarm runs), timed in the popup from the press
to its end: index and signature fetched, verified by the host, the delta fetched and streamed to
the host, spooled; then \`netral update --spool\` (what the path unit runs) installs it. The
reference is a plain page of the mirror's origin in the same browser fetching the same four files.
Best of the rounds; then once with no delta that fits (the full list).

| | the worker's run | plain page fetch | \`update --spool\` | on the wire | the files |
| --- | ---: | ---: | ---: | ---: | ---: |
| by a delta | ${ms(web.delta.fetch)} | ${ms(web.delta.reference)} | ${ms(web.delta.install)} | ${bytes(web.delta.wireBytes)} | ${bytes(web.delta.fileBytes)} |
| by the full list | ${ms(web.full.fetch)} | ${ms(web.full.reference)} | ${ms(web.full.install)} | ${bytes(web.full.wireBytes)} | ${bytes(web.full.listBytes)} |

\`netral publish\` of each version took ${ms(web.delta.publish)} (best), on the authority's machine. From publish to
answering, a laptop waits for its next alarm (the interval, ±20 %), then the run and the install:
${ms(web.delta.publishToAnswer)} here. The synthetic list repeats a lot, so gzip does better on it than on a real one.` : 'Not measured in this run.'}

## The click path in Chromium (${count(plan.main)} entries)

${browser && !browser.error ? `\`bench/browser-click.mjs\`: ${browser.chromium} headless, the real extension
(\`extension/tools/build.mjs\`) and the real host, trusted clicks by CDP (puppeteer \`page.click\`)
on the like button of a minimal X page (\`bench/lib/x-bench.html\`) served at https://x.com/home by
the e2e fixture server. ${browser.rounds} rounds after warm-up; in each round every measure is taken once, in turn, in
three browsers open side by side: with Netral, with the floor extension, with no extension.
Times are taken in the page (\`performance.timeOrigin + performance.now()\`, which Chromium coarsens
to 0.1 ms on a page that is not cross-origin isolated): from the pointer's press or release to
the page's own click handler (bubble phase, on the document), or to the warning being shown. The
warning counts as shown when the page sees the focus land on an element of z-index 2147483647 (a
warning in a closed shadow root) or, for a warning drawn in an extension frame, when that frame's
\`alertdialog\` is attached, whichever is later; each is confirmed over CDP. (b) and (d) click the
post one CDP round trip after inserting it, at the place its like button will be; whatever the
pre-resolve finishes in that time, the click finds known. After each warning, Escape (Batalkan),
then the next click waits until no dialog is open and the page has drawn two frames (before it
draws, the browser still sends the pointer where the warning's frame was).

${browserTable(browser)}

The **floor** is a throwaway extension built by the benchmark (\`bench/lib/floor-extension\`, a
fresh key) with the C echo host: its content script holds a trusted click, makes one round trip
content script → service worker → native host → content script, and replays the click, the least
that (b) and (d) need; its plain round trip is timed alone too. Chromium and the hosts it starts
run on all CPUs (\`--chromium-cpus\`): pinned to one, the click path took about twice as long.`
    : 'Not measured in this run.'}

## Marks on a Following list

${marks && !marks.error ? `\`bench/marks.mjs\`: an X-like Following page (rows made from the fixture \`x-following-en\`) grows by
100 rows at a time to ${count(marks.netral.rows)} rows, 5 % of them listed, in headless Chromium with the real extension and
host, and in a Chromium without the extension. Netral's main-thread time is the CPU profile's samples with an
extension frame on the stack (its JavaScript and the DOM work it calls), sampled every 0.1 ms.

| | with Netral | without the extension |
| --- | ---: | ---: |
| rows / of them marked | ${count(marks.netral.rows)} / ${count(marks.netral.marks)} of ${count(marks.netral.expectedMarks)} listed | ${count(marks.bare.rows)} |
| main thread in Netral's code | ${ms(marks.netral.extensionMs)} (${ms(marks.netral.perHundredMs)} per 100 rows) | |
| long tasks (> 50 ms) while the list grows | ${marks.netral.longTasks} (longest ${ms(marks.netral.longestTaskMs)}) | ${marks.bare.longTasks} |
` : `Not measured${marks?.error ? `: ${marks.error}` : ' (--no-browser)'}.`}

## Method

- **Pinning.** Everything measured over pipes runs under \`taskset -c 0\`, client and host on the
  same CPU (a wake-up across CPUs about doubles a pipe round trip); \`bench/run\` itself runs on CPU 1.
- **Side by side.** Contenders alternate request by request (A, B, C, A, B, C …) or run by run,
  never one block after another, so that a noisy moment hits all of them.
- **Warm-up** requests, spawns and rounds are not counted. p50 and p99 are nearest-rank percentiles.
- Scratch files (lists, databases, profiles) live in a directory under \`$TMPDIR\` (or /tmp), on
  this machine on disk, removed at the end. The file system is flushed (\`sync -f\`, not timed)
  before each timed import and verify.
- Differences of times below the page's 0.1 ms resolution are best read from the means: Chromium
  coarsens with jitter, so means stay unbiased where percentiles move in 0.1 ms steps.
${notes.length ? `\n## Notes on this run\n\n${notes.join('\n')}\n` : ''}
## Reproduce

\`\`\`sh
bench/run            # everything above (${plan.quick ? 'the full run: about 6 minutes here' : `about ${Math.ceil(minutes)} minutes here`})
bench/run --quick    # smaller counts (${'10,000 and 1,000,000 entries, fewer requests and rounds'}): under 3 minutes
node bench/browser-click.mjs [--quick]   # the click path alone; prints the four measures and the floor
\`\`\`

\`bench/run\` builds the host (CMake Release, \`build-bench/\`), needs only what \`.ci/deps\` installs
(and installs what is missing when run as root), and writes this file and
\`docs/benchmarks-growth.svg\`. Options: \`--sizes N,N,…\`, \`--no-browser\`, \`--rev REV\` (benchmark a
git revision instead of the work tree), \`--keep\` (keep the scratch directory and results.json).
See [bench/README.md](../bench/README.md).
`;
  fs.writeFileSync(file, text);
}
