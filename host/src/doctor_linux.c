#include "doctor_linux.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fileio.h"
#include "os.h"
#include "xpi.h"

#define MAX_INI_BYTES (64u * 1024u)
#define MAX_POLICY_BYTES (1u << 20)

typedef struct {
    finding_sink sink;
    void *ctx;
    int failures;
} findings;

static void emit(findings *o, finding_level level, const char *subject, const char *fix, const char *fmt, ...)
    NETRAL_PRINTF(5, 6);

static void emit(findings *o, finding_level level, const char *subject, const char *fix, const char *fmt, ...)
{
    finding f;
    va_list ap;
    memset(&f, 0, sizeof f);
    f.level = level;
    snprintf(f.subject, sizeof f.subject, "%s", subject);
    snprintf(f.fix, sizeof f.fix, "%s", fix ? fix : "");
    va_start(ap, fmt);
    vsnprintf(f.message, sizeof f.message, fmt, ap);
    va_end(ap);
    if (level == FINDING_FAIL) o->failures++;
    o->sink(&f, o->ctx);
}

/* ---- snaps and Flatpaks ----
 * Sources (docs/deployment.md, "Snap and Flatpak browsers"): the Chromium snap has no native
 * messaging; the Firefox snap has it through the WebExtensions portal of Ubuntu's
 * xdg-desktop-portal; a Flatpak Firefox (157 and later) through xdg-native-messaging-proxy. */

typedef enum { PACKAGED_SNAP, PACKAGED_FLATPAK } packaging;

typedef struct {
    browser_kind browser;
    const char *label;
    packaging how;
    const char *name;   /* the snap's name, or the Flatpak application id */
} confined_browser;

static const confined_browser CONFINED[] = {
    {BROWSER_CHROMIUM, "Chromium", PACKAGED_SNAP, "chromium"},
    {BROWSER_FIREFOX, "Firefox", PACKAGED_SNAP, "firefox"},
    {BROWSER_CHROMIUM, "Chromium", PACKAGED_FLATPAK, "org.chromium.Chromium"},
    {BROWSER_CHROME, "Google Chrome", PACKAGED_FLATPAK, "com.google.Chrome"},
    {BROWSER_EDGE, "Microsoft Edge", PACKAGED_FLATPAK, "com.microsoft.Edge"},
    {BROWSER_FIREFOX, "Firefox", PACKAGED_FLATPAK, "org.mozilla.firefox"},
};

/* Where snapd and Flatpak put an installed package: PREFIX, its name, SUFFIX. /var/lib/snapd/snap
 * is where distributions without /snap (Fedora, Arch) mount snaps. */
typedef struct {
    const char *prefix, *suffix;
} place;

static const place SNAP_PLACES[] = {{"/snap/bin/", ""}, {"/snap/", "/current"}, {"/var/lib/snapd/snap/bin/", ""}};
static const place FLATPAK_SYSTEM_PLACE = {"/var/lib/flatpak/app/", ""};
static const place FLATPAK_USER_PLACE = {"/.local/share/flatpak/app/", ""};   /* under $HOME */

/* 1 with FOUND set when the package is installed here. */
static int confined_installed(const confined_browser *c, char *found, size_t size)
{
    char path[NETRAL_PATH_BYTES], where[512];
    netral_error ignored;
    const char *home = getenv("HOME");
    if (c->how == PACKAGED_SNAP) {
        for (size_t i = 0; i < sizeof SNAP_PLACES / sizeof SNAP_PLACES[0]; i++) {
            snprintf(where, sizeof where, "%s%s%s", SNAP_PLACES[i].prefix, c->name, SNAP_PLACES[i].suffix);
            if (system_path(where, path, sizeof path, &ignored) == 0 && os_exists(path)) {
                snprintf(found, size, "%s", where);
                return 1;
            }
        }
        return 0;
    }
    snprintf(where, sizeof where, "%s%s%s", FLATPAK_SYSTEM_PLACE.prefix, c->name, FLATPAK_SYSTEM_PLACE.suffix);
    if (system_path(where, path, sizeof path, &ignored) == 0 && os_is_plain_dir(path)) {
        snprintf(found, size, "%s", where);
        return 1;
    }
    if (home == NULL || home[0] != '/') return 0;
    int n = snprintf(path, sizeof path, "%s%s%s%s", home, FLATPAK_USER_PLACE.prefix, c->name, FLATPAK_USER_PLACE.suffix);
    if (n > 0 && (size_t)n < sizeof path && os_is_plain_dir(path)) {
        snprintf(found, size, "%s", path);
        return 1;
    }
    return 0;
}

static void check_snap_firefox(findings *o, const char *found)
{
    char manifest[NETRAL_PATH_BYTES];
    netral_error err;
    int have = 0;
    if (manifest_locate(BROWSER_FIREFOX, SCOPE_SYSTEM, manifest, sizeof manifest, &have, &err) != 0) have = 0;
    if (!have) {
        emit(o, FINDING_FAIL, "firefox", "netral install --system --browser firefox",
             "Firefox is installed as a snap (%s): it starts native hosts only through the WebExtensions portal, "
             "which looks for the host manifest where a packaged Firefox does (%s), and there is none",
             found, manifest);
        return;
    }
    emit(o, FINDING_WARN, "firefox",
         "keep xdg-desktop-portal updated and tell employees to allow the request; or use a .deb Firefox "
         "(Mozilla's APT repository) or Firefox ESR, which start the host themselves",
         "Firefox is installed as a snap (%s): it starts Netral's host only through the WebExtensions portal of "
         "Ubuntu's xdg-desktop-portal (Ubuntu 22.04 and later), which reads %s and asks the employee once whether "
         "the extension may start it",
         found, manifest);
}

int doctor_check_sandboxed_browsers(finding_sink sink, void *ctx)
{
    findings o = {sink, ctx, 0};
    for (size_t i = 0; i < sizeof CONFINED / sizeof CONFINED[0]; i++) {
        const confined_browser *c = &CONFINED[i];
        const char *subject = browser_name(c->browser);
        char found[NETRAL_PATH_BYTES], fix[NETRAL_ERROR_MSG_BYTES];
        if (!confined_installed(c, found, sizeof found)) continue;
        if (c->how == PACKAGED_SNAP && c->browser == BROWSER_FIREFOX) {
            check_snap_firefox(&o, found);
        } else if (c->how == PACKAGED_SNAP) {
            snprintf(fix, sizeof fix, "use Google Chrome's .deb or a Chromium .deb (not Ubuntu's chromium-browser, "
                     "which installs the snap), then sudo snap remove %s and netral install --system", c->name);
            emit(&o, FINDING_FAIL, subject, fix,
                 "%s is installed as a snap (%s): the snap's confinement does not let it start native messaging "
                 "hosts, so Netral cannot reach its host and does not warn in it", c->label, found);
        } else if (c->browser == BROWSER_FIREFOX) {
            emit(&o, FINDING_WARN, subject,
                 "use a .deb Firefox (Mozilla's APT repository) or Firefox ESR; or install xdg-native-messaging-proxy "
                 "and enable it for each user (systemctl --user enable --now xdg-native-messaging-proxy.service)",
                 "Firefox is installed as a Flatpak (%s): from its sandbox it reaches native hosts only through "
                 "xdg-native-messaging-proxy on the host (Firefox 157 and later, Mozilla bug 1955255); "
                 "not tested with Netral", found);
        } else {
            snprintf(fix, sizeof fix, "use the browser's .deb and remove the Flatpak (flatpak uninstall %s), then "
                     "netral install --system", c->name);
            emit(&o, FINDING_FAIL, subject, fix,
                 "%s is installed as a Flatpak (%s): no Chromium-based browser is known to start native messaging "
                 "hosts from the Flatpak sandbox, so Netral does not warn in it", c->label, found);
        }
    }
    return o.failures;
}

/* ---- Firefox: release or ESR, and a signed .xpi ---- */

/* Where Firefox builds are installed: Debian's firefox-esr, Mozilla's .deb and tarball, the
 * snap, the Flatpak. Each has application.ini and defaults/pref/channel-prefs.js. */
static const char *const FIREFOX_DIRS[] = {
    "/usr/lib/firefox-esr",
    "/usr/lib/firefox",
    "/usr/lib64/firefox",
    "/opt/firefox",
    "/snap/firefox/current/usr/lib/firefox",
    "/var/lib/flatpak/app/org.mozilla.firefox/current/active/files/lib/firefox",
    NULL,
};

/* Read by every Firefox on Linux, beside each installation's own distribution/policies.json. */
#define FIREFOX_SYSTEM_POLICY "/etc/firefox/policies/policies.json"

typedef struct {
    const char *dir;               /* as the system sees it (for messages) */
    char version[64];
    char channel[32];              /* app.update.channel: release, esr, beta, aurora, nightly, ... */
    int esr;
} firefox_build;

/* The value of KEY= in the INI text TEXT (LEN bytes), copied to OUT; 0 when found. */
static int ini_value(const char *text, size_t len, const char *key, char *out, size_t size)
{
    size_t key_len = strlen(key), at = 0;
    while (at < len) {
        const char *line = text + at, *nl = memchr(line, '\n', len - at);
        size_t line_len = nl ? (size_t)(nl - line) : len - at;
        if (line_len > key_len && memcmp(line, key, key_len) == 0 && line[key_len] == '=') {
            size_t v = line_len - key_len - 1;
            while (v > 0 && line[key_len + v] == '\r') v--;
            if (v >= size) v = size - 1;
            memcpy(out, line + key_len + 1, v);
            out[v] = '\0';
            return 0;
        }
        at += line_len + 1;
    }
    return -1;
}

/* The channel named in channel-prefs.js: pref("app.update.channel", "esr"); */
static void read_channel(const char *text, size_t len, char *out, size_t size)
{
    static const char key[] = "\"app.update.channel\"";
    const char *p = len >= sizeof key - 1 ? strstr(text, key) : NULL, *q, *end;
    out[0] = '\0';
    if (p == NULL) return;
    q = strchr(p + sizeof key - 1, '"');
    end = q ? strchr(q + 1, '"') : NULL;
    if (end == NULL || (size_t)(end - q - 1) >= size) return;
    memcpy(out, q + 1, (size_t)(end - q - 1));
    out[end - q - 1] = '\0';
}

/* 1 when a Firefox is installed in DIR (a system path), with what it is. */
static int firefox_at(const char *dir, firefox_build *b)
{
    char base[NETRAL_PATH_BYTES], path[NETRAL_PATH_BYTES], repository[512] = "", *text = NULL;
    size_t len = 0;
    netral_error err;
    memset(b, 0, sizeof *b);
    if (system_path(dir, base, sizeof base, &err) != 0 || path_join(path, sizeof path, base, "application.ini", &err) != 0 ||
        file_read_bounded(path, MAX_INI_BYTES, &text, &len, &err) != 0)
        return 0;
    b->dir = dir;
    if (ini_value(text, len, "Version", b->version, sizeof b->version) != 0) snprintf(b->version, sizeof b->version, "?");
    (void)ini_value(text, len, "SourceRepository", repository, sizeof repository);
    free(text);
    text = NULL;
    if (path_join(path, sizeof path, base, "defaults/pref/channel-prefs.js", &err) == 0 &&
        file_read_bounded(path, MAX_INI_BYTES, &text, &len, &err) == 0)
        read_channel(text, len, b->channel, sizeof b->channel);
    free(text);
    b->esr = strcmp(b->channel, "esr") == 0 || strstr(repository, "mozilla-esr") != NULL;
    return 1;
}

/* Mozilla: ESR, Developer Edition (aurora) and Nightly honour xpinstall.signatures.required =
 * false; release and beta builds ignore it. */
static int may_allow_unsigned(const firefox_build *b)
{
    return b->esr || strcmp(b->channel, "aurora") == 0 || strcmp(b->channel, "nightly") == 0;
}

static int signatures_turned_off(const cJSON *policies)
{
    const cJSON *pref = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(policies, "Preferences"),
                                                         "xpinstall.signatures.required");
    if (cJSON_IsObject(pref)) pref = cJSON_GetObjectItemCaseSensitive(pref, "Value");
    return cJSON_IsFalse(pref);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The local path of a file:///... URL, percent-decoded; -1 for anything else. */
static int file_url_path(const char *url, char *out, size_t size)
{
    static const char scheme[] = "file://";
    const char *p;
    size_t n = 0;
    if (strncmp(url, scheme, sizeof scheme - 1) != 0 || url[sizeof scheme - 1] != '/') return -1;
    for (p = url + sizeof scheme - 1; *p != '\0' && *p != '?' && *p != '#'; p++) {
        int c = (unsigned char)*p;
        if (c == '%') {
            int hi = hex_digit(p[1]), lo = hi < 0 ? -1 : hex_digit(p[2]);
            if (lo < 0) return -1;
            c = hi * 16 + lo;
            p += 2;
        }
        if (c == 0 || n + 1 >= size) return -1;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return 0;
}

static void describe(const firefox_build *b, char *out, size_t size)
{
    snprintf(out, size, "Firefox %s%s (%s, channel %s)", b->version, b->esr ? " ESR" : "", b->dir,
             b->channel[0] ? b->channel : "unknown");
}

/* The .xpi that POLICY_FILE tells build B to force-install, when it is a local file: signed? */
static void check_policy_xpi(findings *o, const firefox_build *b, const char *policy_file, const host_identity *id)
{
    char real[NETRAL_PATH_BYTES], xpi_path[NETRAL_PATH_BYTES], xpi_real[NETRAL_PATH_BYTES], which[NETRAL_PATH_BYTES];
    char signature[64], *text = NULL, *xpi = NULL;
    size_t len = 0, xpi_len = 0;
    netral_error err;
    int is_signed = 0;
    cJSON *root = NULL;
    const cJSON *policies, *mine;
    const char *url;

    if (system_path(policy_file, real, sizeof real, &err) != 0 || !os_exists(real) ||
        file_read_bounded(real, MAX_POLICY_BYTES, &text, &len, &err) != 0)
        goto done;   /* absent; an unreadable or broken file is reported by doctor.c */
    root = cJSON_ParseWithLength(text, len);
    policies = cJSON_GetObjectItemCaseSensitive(root, "policies");
    mine = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(policies, "ExtensionSettings"), id->gecko_id);
    url = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(mine, "install_url"));
    if (url == NULL || file_url_path(url, xpi_path, sizeof xpi_path) != 0)
        goto done;   /* none, or on a server: doctor does not download it */
    describe(b, which, sizeof which);
    if (system_path(xpi_path, xpi_real, sizeof xpi_real, &err) != 0 ||
        file_read_bounded(xpi_real, MAX_XPI_BYTES, &xpi, &xpi_len, &err) != 0) {
        emit(o, FINDING_FAIL, "firefox", "put the .xpi there, or correct install_url",
             "%s force-installs %s for %s, which cannot be read: %s", policy_file, xpi_path, which, err.msg);
        goto done;
    }
    if (xpi_find_signature((const unsigned char *)xpi, xpi_len, &is_signed, signature, sizeof signature, &err) != 0) {
        emit(o, FINDING_FAIL, "firefox", "serve the .xpi the Netral package ships, signed (docs/deployment.md, section 3)",
             "%s force-installs %s, which is not an .xpi Firefox can install: %s", policy_file, xpi_path, err.msg);
        goto done;
    }
    if (is_signed) {
        emit(o, FINDING_OK, "firefox", NULL, "%s force-installs %s, signed (it holds %s), for %s", policy_file, xpi_path,
             signature, which);
    } else if (!may_allow_unsigned(b)) {
        emit(o, FINDING_FAIL, "firefox",
             "sign the .xpi as an unlisted add-on on addons.mozilla.org (web-ext sign --channel=unlisted) and point "
             "install_url at the signed file; or use Firefox ESR with manifests/policies/firefox/policies-esr-unsigned.json",
             "%s installs only add-ons signed by Mozilla, and %s (install_url in %s) is unsigned: the installation "
             "fails with a signature error", which, xpi_path, policy_file);
    } else if (!signatures_turned_off(policies)) {
        emit(o, FINDING_FAIL, "firefox",
             "set Preferences xpinstall.signatures.required to false (locked), as "
             "manifests/policies/firefox/policies-esr-unsigned.json does; or serve an .xpi signed by Mozilla",
             "%s requires signed add-ons unless told otherwise, and %s (install_url in %s) is unsigned", which,
             xpi_path, policy_file);
    } else {
        emit(o, FINDING_OK, "firefox", NULL, "%s force-installs the unsigned %s for %s, with signature checks off",
             policy_file, xpi_path, which);
    }
done:
    free(xpi);
    cJSON_Delete(root);
    free(text);
}

int doctor_check_firefox_signing(const host_identity *id, finding_sink sink, void *ctx)
{
    findings o = {sink, ctx, 0};
    for (const char *const *dir = FIREFOX_DIRS; *dir != NULL; dir++) {
        char own_policy[NETRAL_PATH_BYTES];
        netral_error err;
        firefox_build b;
        if (!firefox_at(*dir, &b)) continue;
        check_policy_xpi(&o, &b, FIREFOX_SYSTEM_POLICY, id);
        if (path_join(own_policy, sizeof own_policy, *dir, "distribution/policies.json", &err) == 0)
            check_policy_xpi(&o, &b, own_policy, id);
    }
    return o.failures;
}
