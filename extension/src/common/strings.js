// User-visible text. By default the browser's own i18n picks the language from _locales;
// when the policy forces a language, the caller passes that locale's messages.json instead.
(function attach(root) {
  'use strict';

  function substitute(message, substitutions) {
    return message.replace(/\$(\d|\$)/g, (whole, which) => (
      which === '$' ? '$' : String(substitutions[Number(which) - 1] ?? '')
    ));
  }

  /**
   * @param messages a parsed messages.json, or null to use the browser's i18n
   * @returns t(key, ...substitutions) → string
   */
  function create(messages, i18n) {
    if (messages) {
      return (key, ...substitutions) => {
        const entry = messages[key];
        return entry ? substitute(entry.message, substitutions) : key;
      };
    }
    return (key, ...substitutions) => i18n.getMessage(key, substitutions.map(String)) || key;
  }

  const netral = root.Netral || (root.Netral = {});
  netral.strings = { create, substitute };
})(globalThis);
