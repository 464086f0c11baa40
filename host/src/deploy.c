#include "deploy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include "registry.h"
#endif

#include <cjson/cJSON.h>

#include "environment.h"
#include "fileio.h"
#include "os.h"

typedef struct {
    const char *name;
    const char *system_dir;       /* absolute; on Windows with %VARIABLES% */
    const char *user_dir;         /* relative to $HOME; on Windows absolute with %VARIABLES% */
    const char *registry_key;     /* Windows: the key whose default value names the manifest */
    const char *executables[4];   /* any of these present means the browser is installed */
} browser_place;

#if defined(_WIN32)
/* On Windows a manifest may live anywhere: the browser finds it through a registry key (in
 * HKLM for --system, HKCU for --user) whose default value is the manifest's path. */
#define NMH_DIR(scope_root, name) scope_root "\\Netral\\NativeMessagingHosts\\" name
#define NMH_KEY(vendor) "Software\\" vendor "\\NativeMessagingHosts\\" NETRAL_HOST_NAME
static const browser_place PLACES[BROWSER_COUNT] = {
    [BROWSER_CHROME] = {"chrome", NMH_DIR("%ProgramFiles%", "chrome"), NMH_DIR("%LOCALAPPDATA%", "chrome"),
                        NMH_KEY("Google\\Chrome"),
                        {"%ProgramFiles%\\Google\\Chrome\\Application\\chrome.exe",
                         "%ProgramFiles(x86)%\\Google\\Chrome\\Application\\chrome.exe",
                         "%LOCALAPPDATA%\\Google\\Chrome\\Application\\chrome.exe", NULL}},
    [BROWSER_CHROMIUM] = {"chromium", NMH_DIR("%ProgramFiles%", "chromium"), NMH_DIR("%LOCALAPPDATA%", "chromium"),
                          NMH_KEY("Chromium"),
                          {"%ProgramFiles%\\Chromium\\Application\\chrome.exe",
                           "%LOCALAPPDATA%\\Chromium\\Application\\chrome.exe", NULL}},
    [BROWSER_EDGE] = {"edge", NMH_DIR("%ProgramFiles%", "edge"), NMH_DIR("%LOCALAPPDATA%", "edge"),
                      NMH_KEY("Microsoft\\Edge"),
                      {"%ProgramFiles(x86)%\\Microsoft\\Edge\\Application\\msedge.exe",
                       "%ProgramFiles%\\Microsoft\\Edge\\Application\\msedge.exe", NULL}},
    [BROWSER_FIREFOX] = {"firefox", NMH_DIR("%ProgramFiles%", "firefox"), NMH_DIR("%LOCALAPPDATA%", "firefox"),
                         NMH_KEY("Mozilla"),
                         {"%ProgramFiles%\\Mozilla Firefox\\firefox.exe",
                          "%ProgramFiles(x86)%\\Mozilla Firefox\\firefox.exe", NULL}},
};
#elif defined(__APPLE__)
static const browser_place PLACES[BROWSER_COUNT] = {
    [BROWSER_CHROME] = {"chrome", "/Library/Google/Chrome/NativeMessagingHosts",
                        "Library/Application Support/Google/Chrome/NativeMessagingHosts", NULL,
                        {"/Applications/Google Chrome.app", NULL}},
    [BROWSER_CHROMIUM] = {"chromium", "/Library/Application Support/Chromium/NativeMessagingHosts",
                          "Library/Application Support/Chromium/NativeMessagingHosts", NULL,
                          {"/Applications/Chromium.app", NULL}},
    [BROWSER_EDGE] = {"edge", "/Library/Microsoft/Edge/NativeMessagingHosts",
                      "Library/Application Support/Microsoft Edge/NativeMessagingHosts", NULL,
                      {"/Applications/Microsoft Edge.app", NULL}},
    [BROWSER_FIREFOX] = {"firefox", "/Library/Application Support/Mozilla/NativeMessagingHosts",
                         "Library/Application Support/Mozilla/NativeMessagingHosts", NULL,
                         {"/Applications/Firefox.app", NULL}},
};
#else
static const browser_place PLACES[BROWSER_COUNT] = {
    [BROWSER_CHROME] = {"chrome", "/etc/opt/chrome/native-messaging-hosts",
                        ".config/google-chrome/NativeMessagingHosts", NULL,
                        {"/usr/bin/google-chrome", "/usr/bin/google-chrome-stable", "/opt/google/chrome/chrome", NULL}},
    [BROWSER_CHROMIUM] = {"chromium", "/etc/chromium/native-messaging-hosts", ".config/chromium/NativeMessagingHosts",
                          NULL, {"/usr/bin/chromium", "/usr/bin/chromium-browser", NULL}},
    [BROWSER_EDGE] = {"edge", "/etc/opt/edge/native-messaging-hosts", ".config/microsoft-edge/NativeMessagingHosts",
                      NULL, {"/usr/bin/microsoft-edge", "/usr/bin/microsoft-edge-stable", "/opt/microsoft/msedge/msedge", NULL}},
    [BROWSER_FIREFOX] = {"firefox", "/usr/lib/mozilla/native-messaging-hosts", ".mozilla/native-messaging-hosts",
                         NULL, {"/usr/bin/firefox-esr", "/usr/bin/firefox", NULL}},
};
#endif

const char *browser_name(browser_kind browser)
{
    return browser >= 0 && browser < BROWSER_COUNT ? PLACES[browser].name : "?";
}

int browser_parse(const char *name, browser_kind *out)
{
    for (int b = 0; b < BROWSER_COUNT; b++) {
        if (strcmp(name, PLACES[b].name) == 0) {
            *out = (browser_kind)b;
            return 0;
        }
    }
    return -1;
}

#ifdef _WIN32
int system_path(const char *absolute_path, char *out, size_t size, netral_error *err)
{
    /* %VARIABLES% expanded; NETRAL_ROOT has no meaning where paths start with a drive. */
    DWORD n = ExpandEnvironmentStringsA(absolute_path, out, (DWORD)size);
    if (n == 0 || n > size) return netral_fail(err, NETRAL_E_TOO_LARGE, "path too long: %s", absolute_path);
    return 0;
}
#else
int system_path(const char *absolute_path, char *out, size_t size, netral_error *err)
{
    const char *root = environment_get("NETRAL_ROOT");   /* only for a program this user could replace */
    int n = snprintf(out, size, "%s%s", root ? root : "", absolute_path);
    if (n < 0 || (size_t)n >= size) return netral_fail(err, NETRAL_E_TOO_LARGE, "path too long");
    return 0;
}
#endif

int browser_present(browser_kind browser)
{
    char path[NETRAL_PATH_BYTES];
    for (const char *const *exe = PLACES[browser].executables; *exe != NULL; exe++)
        if (system_path(*exe, path, sizeof path, NULL) == 0 && os_exists(path)) return 1;
    return 0;
}

int manifest_dir(browser_kind browser, install_scope scope, char *out, size_t size, netral_error *err)
{
#ifdef _WIN32
    return system_path(scope == SCOPE_SYSTEM ? PLACES[browser].system_dir : PLACES[browser].user_dir, out, size, err);
#else
    int n;
    const char *home = getenv("HOME");
    if (scope == SCOPE_SYSTEM) return system_path(PLACES[browser].system_dir, out, size, err);
    if (home == NULL || home[0] != '/') return netral_fail(err, NETRAL_E_IO, "HOME is not set to an absolute path");
    n = snprintf(out, size, "%s/%s", home, PLACES[browser].user_dir);
    if (n < 0 || (size_t)n >= size) return netral_fail(err, NETRAL_E_TOO_LARGE, "path too long");
    return 0;
#endif
}

int manifest_path(browser_kind browser, install_scope scope, char *out, size_t size, netral_error *err)
{
    char dir[NETRAL_PATH_BYTES];
    if (manifest_dir(browser, scope, dir, sizeof dir, err) != 0) return -1;
    return path_join(out, size, dir, NETRAL_HOST_NAME ".json", err);
}

#ifdef _WIN32
static registry_hive hive_of(install_scope scope)
{
    return scope == SCOPE_SYSTEM ? REGISTRY_MACHINE : REGISTRY_USER;
}

int manifest_registration(browser_kind browser, install_scope scope, char *out, size_t size)
{
    return snprintf(out, size, "%s\\%s", registry_hive_name(hive_of(scope)), PLACES[browser].registry_key) < 0 ? -1 : 0;
}

int manifest_locate(browser_kind browser, install_scope scope, char *out, size_t size, int *found, netral_error *err)
{
    int rc = registry_get_string(hive_of(scope), PLACES[browser].registry_key, NULL, out, size, err);
    *found = rc == 0;
    if (rc == 1) return manifest_path(browser, scope, out, size, err);   /* where install would put it */
    return rc;
}
#else
int manifest_registration(browser_kind browser, install_scope scope, char *out, size_t size)
{
    return manifest_path(browser, scope, out, size, NULL);
}

int manifest_locate(browser_kind browser, install_scope scope, char *out, size_t size, int *found, netral_error *err)
{
    *found = 0;
    if (manifest_path(browser, scope, out, size, err) != 0) return -1;
    *found = os_exists(out);
    return 0;
}
#endif

char *manifest_json(browser_kind browser, const host_identity *id)
{
    cJSON *m = cJSON_CreateObject(), *allowed;
    char origin[128];
    char *text;

    cJSON_AddStringToObject(m, "name", NETRAL_HOST_NAME);
    cJSON_AddStringToObject(m, "description", "Netral: checks accounts against the signed list of campaign accounts");
    cJSON_AddStringToObject(m, "path", id->host_path);
    cJSON_AddStringToObject(m, "type", "stdio");
    if (browser == BROWSER_FIREFOX) {
        allowed = cJSON_AddArrayToObject(m, "allowed_extensions");
        cJSON_AddItemToArray(allowed, cJSON_CreateString(id->gecko_id));
    } else {
        allowed = cJSON_AddArrayToObject(m, "allowed_origins");
        snprintf(origin, sizeof origin, "chrome-extension://%s/", id->extension_id);
        cJSON_AddItemToArray(allowed, cJSON_CreateString(origin));
    }
    text = cJSON_Print(m);
    cJSON_Delete(m);
    if (text != NULL) {   /* end with a line break, as the packaged copies from manifests/host/ do */
        size_t n = strlen(text);
        char *with_newline = cJSON_malloc(n + 2);
        if (with_newline != NULL) {
            memcpy(with_newline, text, n);
            memcpy(with_newline + n, "\n", 2);
        }
        cJSON_free(text);
        text = with_newline;
    }
    return text;
}

/* mkdir -p for the few levels a manifest directory has. */
static int make_dirs(const char *path, netral_error *err)
{
    char buf[NETRAL_PATH_BYTES];
    size_t len = strlen(path);
    if (len >= sizeof buf) return netral_fail(err, NETRAL_E_TOO_LARGE, "path too long");
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1; *p != '\0'; p++) {
        if (*p != '/' && *p != OS_DIR_SEPARATOR) continue;
        char separator = *p;
        if (p[-1] == ':') continue;   /* C:\ is no directory to make */
        *p = '\0';
        if (os_make_dir(buf) != 0) return netral_fail(err, NETRAL_E_IO, "cannot create %s: %s", buf, strerror(errno));
        *p = separator;
    }
    if (os_make_dir(buf) != 0) return netral_fail(err, NETRAL_E_IO, "cannot create %s: %s", buf, strerror(errno));
    return 0;
}

int manifest_install(browser_kind browser, install_scope scope, const host_identity *id, int *changed,
                     netral_error *err)
{
    char dir[NETRAL_PATH_BYTES], path[NETRAL_PATH_BYTES], *want = NULL, *have = NULL;
    size_t have_len = 0;
    int rc = -1;

    *changed = 0;
    if (manifest_dir(browser, scope, dir, sizeof dir, err) != 0 ||
        path_join(path, sizeof path, dir, NETRAL_HOST_NAME ".json", err) != 0)
        return -1;
    want = manifest_json(browser, id);
    if (want == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (file_read_bounded(path, 65536, &have, &have_len, err) != 0 || have_len != strlen(want) ||
        memcmp(have, want, have_len) != 0) {
        if (make_dirs(dir, err) != 0 || file_write_atomic(path, want, strlen(want), err) != 0) goto done;
        *changed = 1;
    }
#ifdef _WIN32
    {   /* the file is right; now the key that leads the browser to it */
        char registered[NETRAL_PATH_BYTES];
        int got = registry_get_string(hive_of(scope), PLACES[browser].registry_key, NULL, registered,
                                      sizeof registered, err);
        if (got < 0 || got == 1 || strcmp(registered, path) != 0) {
            if (registry_set_string(hive_of(scope), PLACES[browser].registry_key, NULL, path, err) != 0) goto done;
            *changed = 1;
        }
    }
#endif
    rc = 0;
done:
    free(have);
    cJSON_free(want);
    return rc;
}

int manifest_uninstall(browser_kind browser, install_scope scope, int *removed, netral_error *err)
{
    char path[NETRAL_PATH_BYTES];
    *removed = 0;
#ifdef _WIN32
    if (registry_delete_key(hive_of(scope), PLACES[browser].registry_key, removed, err) != 0) return -1;
#endif
    if (manifest_path(browser, scope, path, sizeof path, err) != 0) return -1;
    if (unlink(path) == 0) {
        *removed = 1;
        return 0;
    }
    if (errno == ENOENT) return 0;
    return netral_fail(err, NETRAL_E_IO, "cannot remove %s: %s", path, strerror(errno));
}
