// The popup: host connection, list, mode, and what Netral does with the account names.
import '../common/strings.js';
import { api } from '../background/browser.js';

const { create } = globalThis.Netral.strings;

function formatDate(iso, language) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return '—';
  return date.toLocaleString(language === 'en' ? 'en-GB' : 'id-ID', { dateStyle: 'long', timeZone: 'UTC' });
}

function formatDateTime(iso, language) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return '—';
  return date.toLocaleString(language === 'en' ? 'en-GB' : 'id-ID', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';
}

// The host's error codes (host/src/error.c) in plain words; the host's own message is kept for IT.
const UPDATE_ERRORS = {
  io: 'updateError_io', signature: 'updateError_signature', key: 'updateError_signature', rollback: 'updateError_rollback',
  expired: 'updateError_expired', format: 'updateError_format', too_large: 'updateError_format', busy: 'updateError_busy',
};
const UPDATE_HOW = new Set(['file', 'web']);
// The worker's own fetches from the policy's mirrors (background/list-updater.js): its codes
// (network, http, host) and the host's, as above.
const WEB_ERRORS = {
  ...UPDATE_ERRORS, network: 'webError_network', http: 'webError_http', host: 'webError_host', io: 'webError_io',
};
const WEB_OUTCOMES = new Set(['current', 'spooled']);

const fetchesOverWeb = (status) => Boolean(status.policy && Array.isArray(status.policy.listUrl) && status.policy.listUrl.length);

function row(list, term, value) {
  const dt = document.createElement('dt');
  const dd = document.createElement('dd');
  dt.textContent = term;
  dd.textContent = value;
  list.append(dt, dd);
  return dd;
}

function hostReason(t, reason) {
  if (!reason) return t('hostSilent');
  if (/not found|no such native application/i.test(reason)) return t('hostNotFound');
  if (/exited|disconnected/i.test(reason)) return t('hostExited');
  if (/in time|timeout/i.test(reason)) return t('hostSilent');
  return reason;
}

function render(status, t, language) {
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  document.documentElement.lang = language;

  const host = document.getElementById('host-state');
  host.textContent = status.connected
    ? t('popupHostConnected', status.hostVersion || '?')
    : t('popupHostDisconnected', hostReason(t, status.reason));
  host.className = status.connected ? 'ok' : 'bad';

  const facts = document.getElementById('list-facts');
  facts.replaceChildren();
  document.getElementById('no-list').hidden = Boolean(status.list);
  if (status.list) {
    const { list } = status;
    row(facts, t('popupListVersion'), String(list.version));
    row(facts, t('popupListIssuer'), list.issuer || '—');
    row(facts, t('popupListIssued'), formatDate(list.issued, language));
    row(facts, t('popupListExpires'), formatDate(list.expires, language));
    row(facts, t('popupListEntries'), String(list.entries));
    const state = row(facts, t('popupListState'), t(list.stale ? 'popupListStale' : 'popupListCurrent'));
    state.className = list.stale ? 'bad' : 'ok';
  }
  // The site rules in use: published ones the host holds (docs/site-rules.md), or the extension's own.
  if (status.list || status.siteRules) {
    const rules = status.siteRules;
    row(facts, t('popupSiteRules'), rules ? t('siteRulesPublished', String(rules.version), formatDate(rules.expires, language)) : t('siteRulesBundled'));
  }

  renderUpdates(status, t, language);
  renderRecognition(status, t, language);

  const { policy } = status;
  document.getElementById('mode').textContent = `${t(`mode_${policy.mode}`)}; ${t(`failMode_${policy.failMode}`)}`;
  renderModes(status, t);
  renderAudit(status, t, language);
  renderCleanUp(status, t);
  const contact = document.getElementById('contact');
  contact.replaceChildren();
  if (policy.contactText || policy.contactUrl) {
    contact.append(`${t('popupContact')}: `);
    if (policy.contactUrl) {
      const link = document.createElement('a');
      link.href = policy.contactUrl;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.textContent = policy.contactText || policy.contactUrl;
      contact.append(link);
    } else {
      contact.append(policy.contactText);
    }
  }
}

// How the list is kept current: by updates (file or web) with their last check, success and
// error, or by hand (no update state). "out_of_date_since": the last verified index expired.
function renderUpdates(status, t, language) {
  const facts = document.getElementById('update-facts');
  facts.replaceChildren();
  const { update } = status;
  const web = fetchesOverWeb(status);
  document.getElementById('updates').hidden = !status.list && !update && !web;
  renderWebUpdate(status, t, language);
  if (!update) {
    if (status.list && !web) row(facts, t('popupUpdateHow'), t('updateHow_manual'));
    return;
  }
  row(facts, t('popupUpdateHow'), t(UPDATE_HOW.has(update.how) ? `updateHow_${update.how}` : 'updateHow_file'));
  row(facts, t('popupUpdateLastCheck'), formatDateTime(update.last_check, language));
  const success = update.last_success
    ? formatDateTime(update.last_success, language) + (update.via === 'delta' || update.via === 'full' || update.via === 'current' ? ` (${t(`updateVia_${update.via}`)})` : '')
    : t('popupUpdateNever');
  row(facts, t('popupUpdateLastSuccess'), success);
  if (update.last_error) {
    const error = row(facts, t('popupUpdateLastError'), t(UPDATE_ERRORS[update.last_error.code] || 'updateError_other'));
    error.className = 'bad';
    if (update.last_error.message) error.title = update.last_error.message;
  }
  row(facts, t('popupUpdateIndexExpires'), formatDateTime(update.index_expires, language));
  if (update.out_of_date_since) {
    const frozen = row(facts, t('popupListState'), t('listOutOfDateSince', formatDateTime(update.out_of_date_since, language)));
    frozen.className = 'bad';
  }
}

// What the browser itself last fetched from the list server (policy listUrl), and a button to
// try now. The host's facts above say what was installed; these say whether fetching works.
function renderWebUpdate(status, t, language) {
  const box = document.getElementById('web-update');
  const facts = document.getElementById('web-facts');
  facts.replaceChildren();
  box.hidden = !fetchesOverWeb(status);
  if (box.hidden) return;
  const web = status.webUpdate || {};
  row(facts, t('popupWebLastAttempt'), web.lastAttempt ? formatDateTime(web.lastAttempt, language) : t('popupUpdateNever'));
  const success = web.lastSuccess
    ? formatDateTime(web.lastSuccess, language) + (WEB_OUTCOMES.has(web.outcome) ? ` (${t(`webOutcome_${web.outcome}`)})` : '')
    : t('popupUpdateNever');
  row(facts, t('popupUpdateLastSuccess'), success);
  if (web.lastError) {
    const error = row(facts, t('popupUpdateLastError'), t(WEB_ERRORS[web.lastError.code] || 'updateError_other'));
    error.className = 'bad';
    if (web.lastError.message) error.title = web.lastError.message;
  }
}

// Sites where the rules in use may no longer match (background/recognition.js): shown only
// where the counts say so, with the counts for IT.
function renderRecognition(status, t, language) {
  const box = document.getElementById('recognition');
  const list = document.getElementById('recognition-sites');
  list.replaceChildren();
  const names = Object.fromEntries((status.platforms || []).map(({ name, display }) => [name, display]));   // the worker's list
  const sites = Object.entries(status.recognition || {}).filter(([platform, site]) => site.outOfDate && names[platform]);
  box.hidden = sites.length === 0;
  for (const [platform, site] of sites) {
    const warning = document.createElement('p');
    warning.className = 'bad';
    warning.textContent = t('recognitionOutOfDate', names[platform]);
    const counts = document.createElement('p');
    counts.className = 'meta';
    counts.textContent = t('recognitionCounts', String(site.rules), formatDateTime(site.since, language),
      String(site.unrecognised || 0), String(site.noAccount || 0), String(site.ruleError || 0), String(site.noPosts || 0));
    list.append(warning, counts);
  }
}

const MODES = new Set(['off', 'audit', 'warn', 'acknowledge', 'block']);

// The modes the policy sets per action and per site (common/policy.js: the action's, else the
// site's, else the one above), as "follow: Block, X: Warn".
function renderModes(status, t) {
  const { policy } = status;
  const names = Object.fromEntries((status.platforms || []).map(({ name, display }) => [name, display]));
  const named = (table, label) => Object.entries(table || {}).filter(([, mode]) => MODES.has(mode))
    .map(([key, mode]) => `${label(key)}: ${t(`mode_${mode}`)}`);
  const exceptions = [
    ...named(policy.actionModes, (action) => t(`action_name_${action}`)),
    ...named(policy.siteModes, (platform) => names[platform] || platform),
  ];
  const line = document.getElementById('mode-exceptions');
  line.hidden = exceptions.length === 0;
  line.textContent = exceptions.length ? t('modeExceptions', exceptions.join(', ')) : '';
}

// Audit mode (background/audit.js): that it is on, what is counted, and the counts per day.
function renderAudit(status, t, language) {
  const { policy } = status;
  const names = Object.fromEntries((status.platforms || []).map(({ name, display }) => [name, display]));
  const days = Object.entries(status.audit || {});
  const on = [policy.mode, ...Object.values(policy.actionModes || {}), ...Object.values(policy.siteModes || {})].includes('audit');
  document.getElementById('audit').hidden = !on && days.length === 0;
  document.getElementById('audit-none').hidden = days.length > 0;
  const list = document.getElementById('audit-days');
  list.replaceChildren();
  for (const [day, platforms] of days) {
    const counts = Object.entries(platforms).map(([platform, actions]) => `${names[platform] || platform}: `
      + Object.entries(actions).map(([action, count]) => `${t(`action_name_${action}`)} ${count}`).join(', '));
    row(list, formatDate(`${day}T12:00:00Z`, language), counts.join('; '));
  }
}

// Where each site lists what the employee follows, joined or liked (the pages Netral marks:
// content/marks.js). A link where the page has an address of its own; else the site, and the
// way there from one's profile.
const CLEAN_UP = {
  x: [{ url: 'https://x.com/', hint: 'cleanUpX' }],
  instagram: [{ url: 'https://www.instagram.com/', hint: 'cleanUpInstagram' }],
  facebook: [{ url: 'https://www.facebook.com/groups/joins/', hint: 'cleanUpFacebookGroups' },
    { url: 'https://www.facebook.com/me/', hint: 'cleanUpFacebookPages' }],
  tiktok: [{ url: 'https://www.tiktok.com/', hint: 'cleanUpTiktok' }],
  youtube: [{ url: 'https://www.youtube.com/feed/channels', hint: 'cleanUpYoutubeChannels' },
    { url: 'https://www.youtube.com/playlist?list=LL', hint: 'cleanUpYoutubeLiked' }],
  threads: [{ url: 'https://www.threads.com/', hint: 'cleanUpThreads' }],
};

function renderCleanUp(status, t) {
  const names = Object.fromEntries((status.platforms || []).map(({ name, display }) => [name, display]));
  const watched = status.policy && status.policy.sites && status.policy.sites.length ? status.policy.sites : Object.keys(CLEAN_UP);
  const list = document.getElementById('clean-up-links');
  list.replaceChildren();
  for (const platform of Object.keys(CLEAN_UP).filter((p) => watched.includes(p))) {
    for (const { url, hint } of CLEAN_UP[platform]) {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.textContent = names[platform] || platform;
      item.append(link, ` — ${t(hint)}`);
      list.append(item);
    }
  }
  document.getElementById('clean-up').hidden = list.children.length === 0;
}

function onCheckNow(t, language) {
  const button = document.getElementById('check-now');
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = t('popupChecking');
    try {
      await api.runtime.sendMessage({ type: 'updateNow' });   // the reply is the state status gives too
      render(await api.runtime.sendMessage({ type: 'status' }), t, language);
    } finally {
      button.disabled = false;
      button.textContent = t('popupCheckNow');
    }
  });
}

async function main() {
  const status = await api.runtime.sendMessage({ type: 'status' });
  let t = create(null, api.i18n);
  let language = api.i18n.getUILanguage().toLowerCase().startsWith('en') ? 'en' : 'id';
  if (status.policy && status.policy.language !== 'auto') {
    language = status.policy.language;
    const { messages } = await api.runtime.sendMessage({ type: 'strings', language });
    t = create(messages);
  }
  render(status, t, language);
  onCheckNow(t, language);
}

main();
