// The site rules as data: the bundled document (extension/rules/netral-sites.json) against
// the published schema (docs/site-rules.schema.json) and the extension's own check
// (src/content/site-rules.js), what the check refuses and where it says the fault is, and
// what the extension does with a document it refuses.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import Ajv from 'ajv/dist/2020.js';
import { contentScriptFiles, pageWithScripts, readJson, repoRoot } from './helpers.js';
import { pageHtml } from '../lib/fixtures.js';

const SCRIPTS = contentScriptFiles().filter((file) => !file.endsWith('/main.js'));
const BUNDLED = readJson(path.join(repoRoot, 'extension/rules/netral-sites.json'));
const EXTENSION_VERSION = readJson(path.join(repoRoot, 'extension/manifest/base.json')).version;   // what min_extension is read against
const schema = new Ajv({ allErrors: true, strict: true }).compile(readJson(path.join(repoRoot, 'docs/site-rules.schema.json')));

function page(html = '<!DOCTYPE html><html><body></body></html>', url = 'https://x.com/home') {
  const dom = pageWithScripts(html, url, SCRIPTS);
  const { Netral } = dom.window;
  return { window: dom.window, Netral, check: Netral.siteRules.selectorCheck(dom.window) };
}

const copy = () => structuredClone(BUNDLED);
const siteOf = (doc, platform) => doc.sites.find((site) => site.platform === platform);

test('the bundled rules pass the schema and the extension\'s check, every selector tried in a DOM', () => {
  assert.equal(schema(BUNDLED), true, JSON.stringify(schema.errors));
  const { Netral, check } = page();
  const result = Netral.siteRules.compile(BUNDLED, { selectorOk: check, extensionVersion: EXTENSION_VERSION });
  assert.equal(result.ok, true, result.errors && Netral.siteRules.describe(result.errors));
  assert.deepEqual(result.sites.map((site) => site.platform).sort(), [...Netral.account.platforms].sort());
  // What the content scripts use is that document: the registry loaded it at start.
  assert.equal(Netral.sites.version(), BUNDLED.version);
  assert.deepEqual([...Netral.sites.all().map((site) => site.platform)], BUNDLED.sites.map((site) => site.platform));
});

test('named source lists expand where they are used, with the fields given there; notes are dropped', () => {
  const { Netral } = page();
  const x = Netral.sites.forHost('x.com');
  const named = siteOf(BUNDLED, 'x').sources.authorInPost;
  const dialogReply = x.rules.find((rule) => rule.selector === '[data-testid="tweetButton"]');
  assert.deepEqual(JSON.parse(JSON.stringify(dialogReply.account)), [
    ...named.map((source) => ({ ...source, scope: '[role="dialog"]' })),
    { scope: 'context' },
  ]);
  assert.deepEqual(JSON.parse(JSON.stringify(x.authors)), named);
  const youtube = Netral.sites.forHost('www.youtube.com');
  assert.equal(youtube.pageAccount.length, 5);
  assert.equal(youtube.pageAccount.at(-1).alias, true);
  assert.equal(youtube.pageAccount.at(-1).freshIf.param, 'v');
  assert.equal(youtube.rules.find((rule) => rule.action === 'subscribe').account.length, 5);
  assert.doesNotMatch(JSON.stringify(Netral.sites.all()), /"note"|"use"/);
  assert.equal(Object.isFrozen(x.rules[0]), true);
  assert.equal(Object.isFrozen(dialogReply.account[0]), true);
});

// Each fault: how it is made, the path the check names, and whether the schema alone can
// see it (a selector or pattern is checked by trying it, which the schema cannot).
const FAULTS = [
  ['an unknown field of a rule', (d) => { siteOf(d, 'x').rules[0].onHover = true; }, '.sites[0].rules[0].onHover', true],
  ['an unknown action', (d) => { siteOf(d, 'x').rules[0].action = 'retweet'; }, '.sites[0].rules[0].action', true],
  ['an unknown event', (d) => { siteOf(d, 'x').rules[0].event = 'mouseup'; }, '.sites[0].rules[0].event', true],
  ['an unknown field of a source', (d) => { siteOf(d, 'x').pageAccount[0].from = 'url'; }, '.sites[0].pageAccount[0].from', true],
  ['an unknown platform', (d) => { siteOf(d, 'threads').platform = 'bluesky'; }, '.sites[5].platform', true],
  ['a rule without a selector', (d) => { delete siteOf(d, 'tiktok').rules[2].selector; }, '.sites[1].rules[2].selector', true],
  ['an invalid selector', (d) => { siteOf(d, 'instagram').rules[1].selector = '[role="button"]]'; }, '.sites[2].rules[1].selector', false],
  ['an invalid selector in has', (d) => { siteOf(d, 'instagram').rules[0].has = 'svg[aria-label=Like] >'; }, '.sites[2].rules[0].has', false],
  ['an invalid selector as a scope', (d) => { siteOf(d, 'threads').rules[6].account[0].scope = 'dialog >'; }, '.sites[5].rules[6].account[0].scope', false],
  ['an invalid text pattern', (d) => { siteOf(d, 'facebook').rules[3].text = '^(like|suka'; }, '.sites[3].rules[3].text', false],
  ['an account pattern that captures nothing', (d) => { siteOf(d, 'x').sources.authorInPost[1].pattern = '^UserAvatar-Container-.+$'; }, '.sites[0].sources.authorInPost[1].pattern', false],
  ['a list used that the site does not name', (d) => { siteOf(d, 'youtube').pageAccount = [{ use: 'owners' }]; }, '.sites[4].pageAccount[0].use', false],
  ['scope "nearest" without find', (d) => { delete siteOf(d, 'facebook').rules[7].account[0].find; }, '.sites[3].rules[7].account[0].find', false],
  ['a null action on a control that opens nothing', (d) => { delete siteOf(d, 'tiktok').rules[8].opensContext; }, '.sites[1].rules[8].action', false],
  ['a modifier on a click rule', (d) => { siteOf(d, 'x').rules[0].modifier = true; }, '.sites[0].rules[0].modifier', false],
  ['a feed pattern that does not compile', (d) => { siteOf(d, 'x').feeds = ['^/home$', '^/(home']; }, '.sites[0].feeds[1]', false],
  ['a platform given twice', (d) => { siteOf(d, 'threads').platform = 'x'; }, '.sites[5].platform', false],
  ['a host of another platform', (d) => { siteOf(d, 'tiktok').hosts.push('youtube.com'); }, '.sites[1].hosts[1]', false],
  ['another format', (d) => { d.netral_sites = 2; }, '.netral_sites', true],
  ['a version that is not a whole number', (d) => { d.version = 1.5; }, '.version', true],
  ['rules for a newer extension', (d) => { d.min_extension = '9.0'; }, '.min_extension', false],
];

for (const [what, mutate, faultPath, schemaSees] of FAULTS) {
  test(`refused whole, with its path: ${what}`, () => {
    const { Netral, check } = page();
    const doc = copy();
    mutate(doc);
    const result = Netral.siteRules.compile(doc, { selectorOk: check, extensionVersion: EXTENSION_VERSION });
    assert.equal(result.ok, false);
    assert.equal(result.sites, undefined, 'nothing of a refused document is handed out');
    assert.ok(result.errors.some((error) => error.path === faultPath),
      `expected a fault at ${faultPath}, got:\n${Netral.siteRules.describe(result.errors)}`);
    if (schemaSees) assert.equal(schema(doc), false, 'the published schema refuses it too');
  });
}

test('a document refused at load leaves the rules in use as they were', () => {
  const { Netral } = page();
  const before = Netral.sites.forHost('x.com');
  const doc = copy();
  doc.version = 2;
  siteOf(doc, 'x').rules[0].selector = '[data-testid="like"]]';
  const result = Netral.sites.load(doc);
  assert.equal(result.ok, false);
  assert.equal(Netral.sites.version(), 1);
  assert.equal(Netral.sites.forHost('x.com'), before);
});

test('a good document loaded later is used from then on, without reloading the page', () => {
  const { window, Netral } = page('<!DOCTYPE html><html><body><article data-testid="tweet"><div data-testid="User-Name"><a href="/TimMenang">Tim</a></div><button data-testid="favourite">♥</button></article></body></html>');
  const button = window.document.querySelector('[data-testid="favourite"]');
  // The adapter the interceptor took when the page started, held on to.
  const held = Netral.sites.forHost('x.com');
  assert.equal(Netral.resolve.classify(held, button, 'click'), null);
  const doc = copy();
  doc.version = 2;
  siteOf(doc, 'x').rules.unshift({ action: 'like', selector: '[data-testid="favourite"]' });
  assert.equal(Netral.sites.load(doc).ok, true);
  assert.equal(Netral.sites.version(), 2);
  const hit = Netral.resolve.classify(held, button, 'click');
  assert.equal(hit.action, 'like');
  assert.deepEqual({ ...hit.target }, { platform: 'x', account: '@timmenang' });
});

test('bundled rules with a selector this browser refuses are still used; that rule fails safe, never silent', (t) => {
  t.mock.method(console, 'error', () => {});
  const { window, Netral } = page('<!DOCTYPE html><html><body><article data-testid="tweet"><div data-testid="User-Name"><a href="/TimMenang">Tim</a></div><button data-testid="like">♥</button></article></body></html>');
  const doc = copy();
  siteOf(doc, 'x').rules[0].selector = '[data-testid="like"]:future-pseudo(1)';
  const result = Netral.sites.load(doc, { bundled: true });
  assert.equal(result.ok, true);
  assert.ok(result.errors.some((error) => error.path === '.sites[0].rules[0].selector'));
  assert.match(console.error.mock.calls[0].arguments[0], /bundled site rules do not all work/);
  // The rule that cannot be tried counts as matching: the click is an action whose
  // classification failed (hit.error), which the interceptor treats by failMode.
  const hit = Netral.resolve.classify(Netral.sites.forHost('x.com'), window.document.querySelector('[data-testid="like"]'), 'click');
  assert.equal(hit.action, 'like');
  assert.equal(hit.error, true);
});

test('check-rules.mjs: the tool for whoever edits the rules says ok, or each fault with its path, and exits 1', () => {
  const tool = path.join(repoRoot, 'extension/tools/check-rules.mjs');
  const good = spawnSync(process.execPath, [tool], { encoding: 'utf8' });
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /version 1, 6 sites, \d+ rules: ok\n$/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netral-rules-'));
  try {
    const doc = copy();
    siteOf(doc, 'youtube').rules[0].account = [{ use: 'channel' }];
    siteOf(doc, 'x').rules[1].selector = 'button]]';
    fs.writeFileSync(path.join(dir, 'rules.json'), JSON.stringify(doc));
    const bad = spawnSync(process.execPath, [tool, path.join(dir, 'rules.json')], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^\.sites\[0\]\.rules\[1\]\.selector: is not a valid CSS selector/m);
    assert.match(bad.stderr, /^\.sites\[4\]\.rules\[0\]\.account\[0\]\.use: names no list/m);
    fs.writeFileSync(path.join(dir, 'rules.json'), '{"netral_sites": 1,');
    const broken = spawnSync(process.execPath, [tool, path.join(dir, 'rules.json')], { encoding: 'utf8' });
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /not a JSON document/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('rules that would replace those in use must be newer and keep every site', () => {
  const { Netral } = page();
  const newer = copy();
  newer.version = 3;
  assert.equal(Netral.sites.load(newer).ok, true);
  for (const version of [3, 2]) {
    const older = copy();
    older.version = version;
    const result = Netral.sites.load(older);
    assert.equal(result.ok, false);
    assert.match(Netral.siteRules.describe(result.errors), /^\.version: is not newer than the rules in use \(version 3\)$/);
  }
  const fewer = copy();
  fewer.version = 4;
  fewer.sites = fewer.sites.filter((site) => site.platform !== 'tiktok');
  assert.match(Netral.siteRules.describe(Netral.sites.load(fewer).errors), /^\.sites: holds no rules for tiktok$/);
  assert.equal(Netral.sites.version(), 3);
  assert.equal(Netral.sites.forHost('www.tiktok.com').platform, 'tiktok');
});

test('the content script\'s port: a push from the worker goes to onPush, replies still to their requests', async () => {
  const { Netral } = page();
  let listener = null;
  const posted = [];
  const pushes = [];
  const channel = Netral.channel.createChannel({
    connect: () => ({
      onMessage: { addListener: (fn) => { listener = fn; } },
      onDisconnect: { addListener: () => {} },
      postMessage: (envelope) => posted.push(envelope),
    }),
    onPush: (envelope) => pushes.push(envelope),
  });
  const reply = channel.request({ type: 'sites' });
  listener({ push: 'sites', document: { version: 9 } });
  listener({ id: posted[0].id, reply: { document: null } });
  assert.deepEqual(await reply, { document: null });
  assert.deepEqual(pushes, [{ push: 'sites', document: { version: 9 } }]);
});

test('a reply in a video\'s comments is on the comment\'s author and on the video\'s channel', () => {
  const { window, Netral } = page(pageHtml('youtube-en'), 'https://www.youtube.com/watch?v=Qw3rTy7uIoP');
  const submit = window.document.querySelector('#contents > ytd-comment-thread-renderer:nth-of-type(2) #reply-dialog #submit-button button');
  const hit = Netral.resolve.classify(Netral.sites.forHost('www.youtube.com'), submit, 'click');
  assert.equal(hit.action, 'comment');
  assert.equal(hit.target.account, '@andi.wijaya-99');
  assert.ok(hit.aliases.some((alias) => alias.account === '@timmerahputih'), 'the video\'s channel is checked too');
});

test('a reply to a comment on Facebook is on the comment\'s author and on the post it sits under', () => {
  const { window, Netral } = page(pageHtml('facebook-en'), 'https://www.facebook.com/');
  const reply = [...window.document.querySelectorAll('[aria-posinset="1"] [role="article"] [role="button"]')]
    .find((button) => button.textContent === 'Reply');
  const hit = Netral.resolve.classify(Netral.sites.forHost('www.facebook.com'), reply, 'click');
  assert.equal(hit.action, 'reply');
  assert.equal(hit.target.account, '@rinawulandari77');
  assert.deepEqual([...hit.aliases.map((alias) => alias.account)], ['@timpemenanganmerahputih']);
  // A Like on the comment stays on the comment's author only.
  const like = [...window.document.querySelectorAll('[aria-posinset="1"] [role="article"] [role="button"]')]
    .find((button) => button.textContent === 'Like');
  const liked = Netral.resolve.classify(Netral.sites.forHost('www.facebook.com'), like, 'click');
  assert.equal(liked.target.account, '@rinawulandari77');
  assert.equal(liked.aliases.length, 0);
});
