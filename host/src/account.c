#include "account.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A view of part of the input: never NUL-terminated, always with its length. */
typedef struct {
    const char *p;
    size_t n;
} span;

/* The platforms' names and hosts (platforms.h, from extension/platforms.json). */
static const platform_names NAMES[PLATFORM_COUNT] = NETRAL_PLATFORM_NAMES;

/* What Netral knows of each platform's accounts. Order matches netral_platform. */
typedef struct {
    const char *handle_extra;     /* characters allowed in a handle besides a-z and 0-9 */
    size_t handle_min, handle_max;
    int has_numeric_ids;
    int handle_ignores_dots;
    const char *reserved[40];     /* first path segments that are never an account */
} platform_rules;

static const platform_rules RULES[PLATFORM_COUNT] = {
    [PLATFORM_X] = {
        "_", 1, 15, 1, 0,
        {"home", "explore", "search", "notifications", "messages", "settings", "i", "intent",
         "compose", "hashtag", "login", "logout", "signup", "tos", "privacy", "share", "account",
         "jobs", NULL},
    },
    [PLATFORM_INSTAGRAM] = {
        "._", 1, 30, 1, 0,
        {"p", "reel", "reels", "tv", "explore", "accounts", "direct", "stories", "about",
         "developer", "legal", "web", NULL},
    },
    [PLATFORM_FACEBOOK] = {
        ".", 1, 50, 1, 1,
        {"watch", "events", "marketplace", "gaming", "login", "help", "settings", "photo.php",
         "photo", "reel", "reels", "share", "sharer.php", "sharer", "hashtag", "stories",
         "notifications", "messages", "friends", "search", "home.php", "bookmarks", "saved",
         NULL},
    },
    [PLATFORM_TIKTOK] = {
        "._", 2, 24, 1, 0,
        {NULL},
    },
    [PLATFORM_YOUTUBE] = {
        "._-", 3, 30, 0, 0,
        {NULL},
    },
    [PLATFORM_THREADS] = {
        "._", 1, 30, 1, 0,
        {NULL},
    },
};

#define MAX_DIGITS 20u
#define CHANNEL_ID_BYTES 24u
#define MAX_GROUP_BYTES 100u

static int span_eq_nocase(span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n == n && strncasecmp(s.p, lit, n) == 0;
}

static int span_starts_nocase(span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n >= n && strncasecmp(s.p, lit, n) == 0;
}

static span span_from(span s, size_t skip)
{
    span r = {s.p + skip, s.n - skip};
    return r;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int all_digits(span s)
{
    if (s.n == 0) return 0;
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] < '0' || s.p[i] > '9') return 0;
    return 1;
}

static int is_channel_id(span s)
{
    if (s.n != CHANNEL_ID_BYTES || s.p[0] != 'U' || s.p[1] != 'C') return 0;
    for (size_t i = 2; i < s.n; i++) {
        char c = s.p[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-';
        if (!ok) return 0;
    }
    return 1;
}

static int emit(account_ref *out, netral_platform platform, const char *prefix, span value,
                netral_error *err)
{
    size_t n = strlen(prefix);   /* no snprintf: this runs for every account checked */
    if (value.n >= sizeof out->account - n) return netral_fail(err, NETRAL_E_ACCOUNT, "account too long");
    memcpy(out->account, prefix, n);
    memcpy(out->account + n, value.p, value.n);
    out->account[n + value.n] = '\0';
    out->platform = platform;
    return 0;
}

static int make_id(netral_platform platform, span digits, account_ref *out, netral_error *err)
{
    if (!RULES[platform].has_numeric_ids)
        return netral_fail(err, NETRAL_E_ACCOUNT, "%s has no numeric account ids", NAMES[platform].name);
    if (!all_digits(digits) || digits.n > MAX_DIGITS || digits.p[0] == '0')
        return netral_fail(err, NETRAL_E_ACCOUNT, "not a numeric id: '%.*s'",
                           (int)(digits.n > 64 ? 64 : digits.n), digits.p);
    return emit(out, platform, "id:", digits, err);
}

static int make_channel(netral_platform platform, span id, account_ref *out, netral_error *err)
{
    if (platform != PLATFORM_YOUTUBE)
        return netral_fail(err, NETRAL_E_ACCOUNT, "channel ids belong to youtube, not %s",
                           NAMES[platform].name);
    if (!is_channel_id(id))
        return netral_fail(err, NETRAL_E_ACCOUNT,
                           "not a YouTube channel id (UC followed by 22 of A-Z a-z 0-9 _ -)");
    return emit(out, platform, "channel:", id, err);
}

static int make_handle(netral_platform platform, span name, account_ref *out, netral_error *err)
{
    const platform_rules *r = &RULES[platform];
    char buf[MAX_CANONICAL_ACCOUNT_BYTES];
    size_t used = 0;

    if (name.n < r->handle_min || name.n > r->handle_max)
        return netral_fail(err, NETRAL_E_ACCOUNT, "a handle on %s has %zu to %zu characters, not %zu",
                           NAMES[platform].name, r->handle_min, r->handle_max, name.n);
    for (size_t i = 0; i < name.n; i++) {
        char c = lower(name.p[i]);
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 (c != '\0' && strchr(r->handle_extra, c) != NULL);
        if (!ok)
            return netral_fail(err, NETRAL_E_ACCOUNT,
                               "a handle on %s has only letters, digits and '%s', not '%.*s'",
                               NAMES[platform].name, r->handle_extra, (int)(name.n > 64 ? 64 : name.n), name.p);
        if (c == '.' && r->handle_ignores_dots) continue;
        buf[used++] = c;
    }
    if (used == 0)
        return netral_fail(err, NETRAL_E_ACCOUNT, "empty %s handle", NAMES[platform].name);
    span canonical = {buf, used};
    return emit(out, platform, "@", canonical, err);
}

static int make_group(netral_platform platform, span name, account_ref *out, netral_error *err)
{
    char buf[MAX_GROUP_BYTES];

    if (platform != PLATFORM_FACEBOOK)
        return netral_fail(err, NETRAL_E_ACCOUNT, "groups belong to facebook, not %s", NAMES[platform].name);
    if (name.n == 0 || name.n > MAX_GROUP_BYTES)
        return netral_fail(err, NETRAL_E_ACCOUNT, "a group name has 1 to %u characters", MAX_GROUP_BYTES);
    for (size_t i = 0; i < name.n; i++) {
        char c = lower(name.p[i]);
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) return netral_fail(err, NETRAL_E_ACCOUNT, "not a valid Facebook group name");
        buf[i] = c;
    }
    span canonical = {buf, name.n};
    return emit(out, platform, "group:", canonical, err);
}

/* A bare account: "@name", "name", digits, or a canonical form. */
static int normalize_bare(netral_platform platform, span s, account_ref *out, netral_error *err)
{
    if (span_starts_nocase(s, "id:")) return make_id(platform, span_from(s, 3), out, err);
    if (span_starts_nocase(s, "channel:")) return make_channel(platform, span_from(s, 8), out, err);
    if (span_starts_nocase(s, "group:")) return make_group(platform, span_from(s, 6), out, err);
    if (s.n > 0 && s.p[0] == '@') return make_handle(platform, span_from(s, 1), out, err);
    if (all_digits(s) && RULES[platform].has_numeric_ids) return make_id(platform, s, out, err);
    if (platform == PLATFORM_YOUTUBE && is_channel_id(s)) return make_channel(platform, s, out, err);
    return make_handle(platform, s, out, err);
}

/* ---- URLs ---- */

#define MAX_SEGMENTS 4

typedef struct {
    span host, query;
    span seg[MAX_SEGMENTS];   /* first non-empty path segments */
    size_t nseg;
} url_parts;

static int split_url(span s, url_parts *u, netral_error *err)
{
    size_t i;
    memset(u, 0, sizeof *u);

    if (span_starts_nocase(s, "https://")) s = span_from(s, 8);
    else s = span_from(s, 7);   /* caller checked for "http://" */

    for (i = 0; i < s.n && s.p[i] != '/' && s.p[i] != '?' && s.p[i] != '#'; i++) {
        if (s.p[i] == '@' || s.p[i] == ':')
            return netral_fail(err, NETRAL_E_ACCOUNT, "URLs with a user name or port are not accepted");
    }
    u->host.p = s.p;
    u->host.n = i;
    if (u->host.n == 0) return netral_fail(err, NETRAL_E_ACCOUNT, "URL without a host");

    /* path: up to '?' or '#' */
    size_t start = i;
    while (i < s.n && s.p[i] != '?' && s.p[i] != '#') {
        if (s.p[i] == '/') { i++; start = i; continue; }
        while (i < s.n && s.p[i] != '/' && s.p[i] != '?' && s.p[i] != '#') i++;
        if (u->nseg < MAX_SEGMENTS) {
            u->seg[u->nseg].p = s.p + start;
            u->seg[u->nseg].n = i - start;
            u->nseg++;
        }
    }
    if (i < s.n && s.p[i] == '?') {
        size_t q = ++i;
        while (i < s.n && s.p[i] != '#') i++;
        u->query.p = s.p + q;
        u->query.n = i - q;
    }
    return 0;
}

/* Value of KEY in a query string "a=1&b=2"; an empty span when absent. */
static span query_value(span query, const char *key)
{
    size_t klen = strlen(key), i = 0;
    span none = {NULL, 0};
    while (i < query.n) {
        size_t end = i;
        while (end < query.n && query.p[end] != '&') end++;
        if (end - i > klen && strncmp(query.p + i, key, klen) == 0 && query.p[i + klen] == '=') {
            span v = {query.p + i + klen + 1, end - i - klen - 1};
            return v;
        }
        i = end + 1;
    }
    return none;
}

static netral_platform platform_of_host(span host)
{
    for (int p = 0; p < PLATFORM_COUNT; p++)
        for (const char *const *h = NAMES[p].hosts; *h != NULL; h++)
            if (span_eq_nocase(host, *h)) return (netral_platform)p;
    return PLATFORM_NONE;
}

static int is_reserved(netral_platform platform, span seg)
{
    for (const char *const *r = RULES[platform].reserved; *r != NULL; r++)
        if (span_eq_nocase(seg, *r)) return 1;
    return 0;
}

static int no_account_in_url(netral_error *err)
{
    return netral_fail(err, NETRAL_E_ACCOUNT, "this URL does not name an account");
}

/* "/@name/..." as used by TikTok, Threads and YouTube handles. */
static int at_handle(netral_platform platform, const url_parts *u, account_ref *out, netral_error *err)
{
    if (u->nseg == 0 || u->seg[0].n < 2 || u->seg[0].p[0] != '@') return no_account_in_url(err);
    return make_handle(platform, span_from(u->seg[0], 1), out, err);
}

static int x_url(const url_parts *u, account_ref *out, netral_error *err)
{
    if (u->nseg == 0) return no_account_in_url(err);
    if (u->nseg >= 3 && span_eq_nocase(u->seg[0], "i") && span_eq_nocase(u->seg[1], "user"))
        return make_id(PLATFORM_X, u->seg[2], out, err);
    if (u->nseg >= 2 && span_eq_nocase(u->seg[0], "intent") &&
        (span_eq_nocase(u->seg[1], "user") || span_eq_nocase(u->seg[1], "follow"))) {
        span name = query_value(u->query, "screen_name");
        span id = query_value(u->query, "user_id");
        if (name.p != NULL) return make_handle(PLATFORM_X, name, out, err);
        if (id.p != NULL) return make_id(PLATFORM_X, id, out, err);
        return no_account_in_url(err);
    }
    if (is_reserved(PLATFORM_X, u->seg[0])) return no_account_in_url(err);
    return make_handle(PLATFORM_X, u->seg[0], out, err);
}

static int instagram_url(const url_parts *u, account_ref *out, netral_error *err)
{
    if (u->nseg == 0) return no_account_in_url(err);
    if (u->nseg >= 2 && span_eq_nocase(u->seg[0], "stories"))
        return make_handle(PLATFORM_INSTAGRAM, u->seg[1], out, err);
    if (is_reserved(PLATFORM_INSTAGRAM, u->seg[0])) return no_account_in_url(err);
    return make_handle(PLATFORM_INSTAGRAM, u->seg[0], out, err);
}

static int youtube_url(const url_parts *u, account_ref *out, netral_error *err)
{
    if (u->nseg >= 2 && span_eq_nocase(u->seg[0], "channel"))
        return make_channel(PLATFORM_YOUTUBE, u->seg[1], out, err);
    return at_handle(PLATFORM_YOUTUBE, u, out, err);
}

static int facebook_url(const url_parts *u, account_ref *out, netral_error *err)
{
    const netral_platform fb = PLATFORM_FACEBOOK;
    if (u->nseg == 0) return no_account_in_url(err);
    span first = u->seg[0];
    if (span_eq_nocase(first, "profile.php") || span_eq_nocase(first, "permalink.php") ||
        span_eq_nocase(first, "story.php")) {
        span id = query_value(u->query, "id");
        return id.p != NULL ? make_id(fb, id, out, err) : no_account_in_url(err);
    }
    if (span_eq_nocase(first, "people") || span_eq_nocase(first, "pages"))
        return u->nseg >= 3 ? make_id(fb, u->seg[2], out, err) : no_account_in_url(err);
    if (span_eq_nocase(first, "groups"))
        return u->nseg >= 2 ? make_group(fb, u->seg[1], out, err) : no_account_in_url(err);
    if (all_digits(first)) return make_id(fb, first, out, err);
    if (is_reserved(fb, first)) return no_account_in_url(err);
    return make_handle(fb, first, out, err);
}

static int normalize_url(netral_platform given, span s, account_ref *out, netral_error *err)
{
    url_parts u;
    netral_platform platform;

    if (memchr(s.p, '%', s.n) != NULL)
        return netral_fail(err, NETRAL_E_ACCOUNT, "URLs with %%-escapes are not accepted");
    if (split_url(s, &u, err) != 0) return -1;
    platform = platform_of_host(u.host);
    if (platform == PLATFORM_NONE)
        return netral_fail(err, NETRAL_E_ACCOUNT, "not a site Netral knows: %.*s",
                           (int)(u.host.n > 100 ? 100 : u.host.n), u.host.p);
    if (given != PLATFORM_NONE && given != platform)
        return netral_fail(err, NETRAL_E_ACCOUNT, "the URL is on %s, not %s",
                           NAMES[platform].name, NAMES[given].name);
    switch (platform) {
    case PLATFORM_X: return x_url(&u, out, err);
    case PLATFORM_INSTAGRAM: return instagram_url(&u, out, err);
    case PLATFORM_FACEBOOK: return facebook_url(&u, out, err);
    case PLATFORM_YOUTUBE: return youtube_url(&u, out, err);
    case PLATFORM_TIKTOK:
    case PLATFORM_THREADS: return at_handle(platform, &u, out, err);
    default: return no_account_in_url(err);
    }
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int account_normalize(netral_platform platform, const char *input, size_t len,
                      account_ref *out, netral_error *err)
{
    span s = {input, len};

    if (platform < PLATFORM_NONE || platform >= PLATFORM_COUNT)
        return netral_fail(err, NETRAL_E_ACCOUNT, "unknown platform");
    if (input == NULL || len > MAX_ACCOUNT_INPUT_BYTES)
        return netral_fail(err, NETRAL_E_ACCOUNT, "account longer than %u bytes", MAX_ACCOUNT_INPUT_BYTES);
    while (s.n > 0 && is_space(s.p[0])) s = span_from(s, 1);
    while (s.n > 0 && is_space(s.p[s.n - 1])) s.n--;
    if (s.n == 0) return netral_fail(err, NETRAL_E_ACCOUNT, "empty account");
    for (size_t i = 0; i < s.n; i++)
        if ((unsigned char)s.p[i] < 0x20 || s.p[i] == 0x7f)
            return netral_fail(err, NETRAL_E_ACCOUNT, "control character in account");

    if (span_starts_nocase(s, "http://") || span_starts_nocase(s, "https://"))
        return normalize_url(platform, s, out, err);
    if (platform == PLATFORM_NONE)
        return netral_fail(err, NETRAL_E_ACCOUNT, "name the platform, or give the account as a URL");
    return normalize_bare(platform, s, out, err);
}

int platform_parse(const char *name, size_t len, netral_platform *out)
{
    span s = {name, len};
    if (name == NULL) return -1;
    for (int p = 0; p < PLATFORM_COUNT; p++) {
        int known = span_eq_nocase(s, NAMES[p].name);
        for (const char *const *a = NAMES[p].aliases; *a != NULL && !known; a++) known = span_eq_nocase(s, *a);
        if (known) {
            *out = (netral_platform)p;
            return 0;
        }
    }
    return -1;
}

const char *platform_name(netral_platform platform)
{
    if (platform < 0 || platform >= PLATFORM_COUNT) return "none";
    return NAMES[platform].name;
}
