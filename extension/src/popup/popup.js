// The popup: host connection, list, mode, and what Netral does with the account names.
import '../common/strings.js';
import { api } from '../background/browser.js';

const { create } = globalThis.Netral.strings;

function formatDate(iso, language) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return '—';
  return date.toLocaleString(language === 'en' ? 'en-GB' : 'id-ID', { dateStyle: 'long', timeZone: 'UTC' });
}

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

  const { policy } = status;
  document.getElementById('mode').textContent = `${t(`mode_${policy.mode}`)}; ${t(`failMode_${policy.failMode}`)}`;
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
}

main();
