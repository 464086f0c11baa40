#include "deploy.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "fileio.h"

typedef struct {
    const char *name;
    const char *system_dir;       /* absolute */
    const char *user_dir;         /* relative to $HOME */
    const char *executables[4];   /* any of these present means the browser is installed */
} browser_place;

#if defined(__APPLE__)
static const browser_place PLACES[BROWSER_COUNT] = {
    [BROWSER_CHROME] = {"chrome", "/Library/Google/Chrome/NativeMessagingHosts",
                        "Library/Application Support/Google/Chrome/NativeMessagingHosts",
                        {"/Applications/Google Chrome.app", NULL}},
    [BROWSER_CHROMIUM] = {"chromium", "/Library/Application Support/Chromium/NativeMessagingHosts",
                          "Library/Application Support/Chromium/NativeMessagingHosts",
                          {"/Applications/Chromium.app", NULL}},
    [BROWSER_EDGE] = {"edge", "/Library/Microsoft/Edge/NativeMessagingHosts",
                      "Library/Application Support/Microsoft Edge/NativeMessagingHosts",
                      {"/Applications/Microsoft Edge.app", NULL}},
    [BROWSER_FIREFOX] = {"firefox", "/Library/Application Support/Mozilla/NativeMessagingHosts",
                         "Library/Application Support/Mozilla/NativeMessagingHosts",
                         {"/Applications/Firefox.app", NULL}},
};
#else
static const browser_place PLACES[BROWSER_COUNT] = {
    [BROWSER_CHROME] = {"chrome", "/etc/opt/chrome/native-messaging-hosts",
                        ".config/google-chrome/NativeMessagingHosts",
                        {"/usr/bin/google-chrome", "/usr/bin/google-chrome-stable", "/opt/google/chrome/chrome", NULL}},
    [BROWSER_CHROMIUM] = {"chromium", "/etc/chromium/native-messaging-hosts", ".config/chromium/NativeMessagingHosts",
                          {"/usr/bin/chromium", "/usr/bin/chromium-browser", NULL}},
    [BROWSER_EDGE] = {"edge", "/etc/opt/edge/native-messaging-hosts", ".config/microsoft-edge/NativeMessagingHosts",
                      {"/usr/bin/microsoft-edge", "/usr/bin/microsoft-edge-stable", "/opt/microsoft/msedge/msedge", NULL}},
    [BROWSER_FIREFOX] = {"firefox", "/usr/lib/mozilla/native-messaging-hosts", ".mozilla/native-messaging-hosts",
                         {"/usr/bin/firefox-esr", "/usr/bin/firefox", NULL}},
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

int system_path(const char *absolute_path, char *out, size_t size, netral_error *err)
{
    const char *root = getenv("NETRAL_ROOT");
    int n = snprintf(out, size, "%s%s", root ? root : "", absolute_path);
    if (n < 0 || (size_t)n >= size) return netral_fail(err, NETRAL_E_TOO_LARGE, "path too long");
    return 0;
}

int browser_present(browser_kind browser)
{
    char path[NETRAL_PATH_BYTES];
    for (const char *const *exe = PLACES[browser].executables; *exe != NULL; exe++)
        if (system_path(*exe, path, sizeof path, NULL) == 0 && access(path, F_OK) == 0) return 1;
    return 0;
}

int manifest_dir(browser_kind browser, install_scope scope, char *out, size_t size, netral_error *err)
{
    int n;
    if (scope == SCOPE_SYSTEM) {
        return system_path(PLACES[browser].system_dir, out, size, err);
    } else {
        const char *home = getenv("HOME");
        if (home == NULL || home[0] != '/')
            return netral_fail(err, NETRAL_E_IO, "HOME is not set to an absolute path");
        n = snprintf(out, size, "%s/%s", home, PLACES[browser].user_dir);
    }
    if (n < 0 || (size_t)n >= size) return netral_fail(err, NETRAL_E_TOO_LARGE, "path too long");
    return 0;
}

int manifest_path(browser_kind browser, install_scope scope, char *out, size_t size, netral_error *err)
{
    char dir[NETRAL_PATH_BYTES];
    if (manifest_dir(browser, scope, dir, sizeof dir, err) != 0) return -1;
    return path_join(out, size, dir, NETRAL_HOST_NAME ".json", err);
}

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
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return netral_fail(err, NETRAL_E_IO, "cannot create %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        return netral_fail(err, NETRAL_E_IO, "cannot create %s: %s", buf, strerror(errno));
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
    if (file_read_bounded(path, 65536, &have, &have_len, err) == 0 && have_len == strlen(want) &&
        memcmp(have, want, have_len) == 0) {
        rc = 0;   /* already as it should be */
        goto done;
    }
    if (make_dirs(dir, err) != 0 || file_write_atomic(path, want, strlen(want), err) != 0) goto done;
    *changed = 1;
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
    if (manifest_path(browser, scope, path, sizeof path, err) != 0) return -1;
    if (unlink(path) == 0) {
        *removed = 1;
        return 0;
    }
    if (errno == ENOENT) return 0;
    return netral_fail(err, NETRAL_E_IO, "cannot remove %s: %s", path, strerror(errno));
}
