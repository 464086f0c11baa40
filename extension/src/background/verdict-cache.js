// Verdicts the host gave, kept so repeated checks need no round trip. Bounded (oldest out
// first) and dropped whole when the host reports another list version.

export function createVerdictCache({ maxEntries = 10_000 } = {}) {
  const entries = new Map();
  let listVersion = null;

  const keyOf = (platform, account) => `${platform}\n${account}`;

  return {
    get(platform, account) {
      const key = keyOf(platform, account);
      const value = entries.get(key);
      if (value === undefined) return null;
      entries.delete(key);          // re-insert: most recently used last
      entries.set(key, value);
      return value;
    },
    set(platform, account, value) {
      const key = keyOf(platform, account);
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value);
    },
    /** Drops everything when VERSION differs from the one the entries were given under. */
    noteListVersion(version) {
      if (version === listVersion) return false;
      entries.clear();
      listVersion = version;
      return true;
    },
    get size() { return entries.size; },
  };
}
