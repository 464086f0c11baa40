// Account normalisation: the rules of docs/accounts.md, kept in step with host/src/account.c
// through tests/vectors/accounts.json.
//
// A classic script (no import/export) so the same file serves the content scripts, the
// service worker (imported for its side effect) and the unit tests: it attaches
// `Netral.account` to globalThis.
(function attach(root) {
  'use strict';

  const MAX_INPUT_BYTES = 2048;

  // The platforms, their other names and their hosts: extension/platforms.json (common/platforms.js).
  const PLATFORM_LIST = root.Netral.platforms;
  const PLATFORM_ALIASES = Object.fromEntries(PLATFORM_LIST.flatMap((platform) => [
    [platform.name, platform.name], ...platform.aliases.map((alias) => [alias, platform.name]),
  ]));

  // Handle rules per platform: characters besides a-z and 0-9, and length (before any
  // dots are dropped). Facebook ignores dots, so they are removed from the canonical form.
  const HANDLES = {
    x: { extra: '_', min: 1, max: 15 },
    instagram: { extra: '._', min: 1, max: 30 },
    threads: { extra: '._', min: 1, max: 30 },
    tiktok: { extra: '._', min: 2, max: 24 },
    youtube: { extra: '._-', min: 3, max: 30 },
    facebook: { extra: '.', min: 1, max: 50, ignoresDots: true },
  };

  const PLATFORMS_WITH_NUMERIC_IDS = new Set(['x', 'instagram', 'facebook', 'tiktok', 'threads']);
  const DIGITS = /^[0-9]+$/;
  const NUMERIC_ID = /^[1-9][0-9]{0,19}$/;
  const GROUP_NAME = /^[a-z0-9._-]{1,100}$/;
  const CHANNEL_ID = /^UC[A-Za-z0-9_-]{22}$/;

  const HOSTS = Object.fromEntries(PLATFORM_LIST.map((platform) => [platform.name, platform.hosts]));

  const RESERVED = {
    x: words('home explore search notifications messages settings i intent compose hashtag login logout signup tos privacy share account jobs'),
    instagram: words('p reel reels tv explore accounts direct stories about developer legal web'),
    facebook: words('watch events marketplace gaming login help settings photo.php photo reel reels share sharer.php sharer hashtag stories notifications messages friends search home.php bookmarks saved'),
  };

  function words(text) { return new Set(text.split(' ')); }

  function platformOf(name) {
    if (typeof name !== 'string') return null;
    return PLATFORM_ALIASES[name.toLowerCase()] || null;
  }

  function platformOfHost(host) {
    for (const [platform, hosts] of Object.entries(HOSTS)) {
      if (hosts.includes(host)) return platform;
    }
    return null;
  }

  function utf8Length(text) {
    let bytes = 0;
    for (const char of text) {
      const code = char.codePointAt(0);
      bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    }
    return bytes;
  }

  function trimAscii(text) {
    return text.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
  }

  function handle(platform, name) {
    const rule = HANDLES[platform];
    const lower = name.toLowerCase();
    if (lower.length < rule.min || lower.length > rule.max) return null;
    const allowed = new RegExp(`^[a-z0-9${rule.extra.replace('-', '\\-')}]+$`);
    if (!allowed.test(lower)) return null;
    const canonical = rule.ignoresDots ? lower.replace(/\./g, '') : lower;
    return canonical ? `@${canonical}` : null;
  }

  function numericId(platform, digits) {
    if (!PLATFORMS_WITH_NUMERIC_IDS.has(platform) || !NUMERIC_ID.test(digits)) return null;
    return `id:${digits}`;
  }

  function channel(platform, id) {
    return platform === 'youtube' && CHANNEL_ID.test(id) ? `channel:${id}` : null;
  }

  function group(platform, name) {
    if (platform !== 'facebook') return null;
    const lower = name.toLowerCase();
    return GROUP_NAME.test(lower) ? `group:${lower}` : null;
  }

  // A bare account: @name, name, digits, or a canonical form.
  function bareAccount(platform, text) {
    const prefixed = /^(id|channel|group):/i.exec(text);
    if (prefixed) {
      const value = text.slice(prefixed[0].length);
      const kind = prefixed[1].toLowerCase();
      if (kind === 'id') return numericId(platform, value);
      if (kind === 'channel') return channel(platform, value);
      return group(platform, value);
    }
    if (text.startsWith('@')) return handle(platform, text.slice(1));
    if (DIGITS.test(text) && PLATFORMS_WITH_NUMERIC_IDS.has(platform)) return numericId(platform, text);
    if (platform === 'youtube' && CHANNEL_ID.test(text)) return channel(platform, text);
    return handle(platform, text);
  }

  // Splits an http(s) URL by hand: the rules forbid what URL parsers would quietly fix
  // (escapes, user info, ports), so the text is read exactly as written.
  function splitUrl(text) {
    const scheme = /^https?:\/\//i.exec(text);
    if (!scheme || text.includes('%')) return null;
    let rest = text.slice(scheme[0].length);
    const hash = rest.indexOf('#');
    if (hash >= 0) rest = rest.slice(0, hash);
    const authorityEnd = rest.search(/[/?]/);
    const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
    rest = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
    if (!authority || /[@:]/.test(authority)) return null;
    const question = rest.indexOf('?');
    const path = question < 0 ? rest : rest.slice(0, question);
    const query = question < 0 ? '' : rest.slice(question + 1);
    const segments = path.split('/').filter((segment) => segment !== '');
    return { host: authority.toLowerCase(), segments, params: parseQuery(query) };
  }

  function parseQuery(query) {
    const params = new Map();
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const key = pair.slice(0, eq);
      if (!params.has(key)) params.set(key, pair.slice(eq + 1));
    }
    return params;
  }

  function same(segment, word) {
    return segment !== undefined && segment.toLowerCase() === word;
  }

  function notReserved(platform, segment) {
    return !RESERVED[platform].has(segment.toLowerCase());
  }

  const URL_RULES = {
    x({ segments: [first, second, third], params }) {
      if (!first) return null;
      if (same(first, 'i') && same(second, 'user') && third !== undefined) return numericId('x', third);
      if (same(first, 'intent') && (same(second, 'user') || same(second, 'follow'))) {
        if (params.has('screen_name')) return handle('x', params.get('screen_name'));
        if (params.has('user_id')) return numericId('x', params.get('user_id'));
        return null;
      }
      return notReserved('x', first) ? handle('x', first) : null;
    },
    instagram({ segments: [first, second] }) {
      if (!first) return null;
      if (same(first, 'stories') && second !== undefined) return handle('instagram', second);
      return notReserved('instagram', first) ? handle('instagram', first) : null;
    },
    threads: atHandle('threads'),
    tiktok: atHandle('tiktok'),
    youtube(url) {
      const [first, second] = url.segments;
      if (same(first, 'channel') && second !== undefined) return channel('youtube', second);
      return atHandle('youtube')(url);
    },
    facebook({ segments: [first, second, third], params }) {
      if (!first) return null;
      if (['profile.php', 'permalink.php', 'story.php'].some((word) => same(first, word))) {
        return params.has('id') ? numericId('facebook', params.get('id')) : null;
      }
      if (same(first, 'people') || same(first, 'pages')) {
        return third !== undefined ? numericId('facebook', third) : null;
      }
      if (same(first, 'groups')) return second !== undefined ? group('facebook', second) : null;
      if (DIGITS.test(first)) return numericId('facebook', first);
      return notReserved('facebook', first) ? handle('facebook', first) : null;
    },
  };

  // "/@name/..." as TikTok, Threads and YouTube write handles.
  function atHandle(platform) {
    return ({ segments: [first] }) => (
      first && first.length >= 2 && first.startsWith('@') ? handle(platform, first.slice(1)) : null
    );
  }

  /**
   * Reduces (platform, input) to the canonical pair, or returns null when the input names
   * no account. `platform` may be omitted (null) when `input` is a URL.
   * @returns {{platform: string, account: string} | null}
   */
  function normalise(platformName, input) {
    if (typeof input !== 'string' || utf8Length(input) > MAX_INPUT_BYTES) return null;
    const given = platformName == null ? null : platformOf(platformName);
    if (platformName != null && !given) return null;
    const text = trimAscii(input);
    if (!text || /[\x00-\x1f\x7f]/.test(text)) return null;

    if (/^https?:\/\//i.test(text)) {
      const url = splitUrl(text);
      const platform = url && platformOfHost(url.host);
      if (!platform || (given && given !== platform)) return null;
      const account = URL_RULES[platform](url);
      return account ? { platform, account } : null;
    }
    if (!given) return null;
    const account = bareAccount(given, text);
    return account ? { platform: given, account } : null;
  }

  const netral = root.Netral || (root.Netral = {});
  netral.account = { normalise, platformOf, platformOfHost, platforms: PLATFORM_LIST.map((platform) => platform.name) };
})(globalThis);
