#include "doctor.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#ifndef _WIN32
#include "doctor_linux.h"
#endif
#include "environment.h"
#include "fileio.h"
#include "importer.h"
#include "isotime.h"
#include "json.h"
#include "os.h"
#ifdef _WIN32
#include "registry.h"
#endif
#include "recognition.h"
#include "site_rules.h"
#include "store.h"
#include "updater.h"

/* How long a fetched list may wait in the spool before doctor says nothing installs it. */
#define SPOOL_WAIT_WARN_SECONDS (30 * 60)

#define HOST_ANSWER_TIMEOUT_MS 5000

typedef struct {
    finding_sink sink;
    void *ctx;
    int failures;
} report;

static void say(report *r, finding_level level, const char *subject, const char *fix, const char *fmt, ...)
    NETRAL_PRINTF(5, 6);

static void say(report *r, finding_level level, const char *subject, const char *fix, const char *fmt, ...)
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
    if (level == FINDING_FAIL) r->failures++;
    r->sink(&f, r->ctx);
}

/* ---- the host itself ---- */

/* Starts HOST_PATH as a browser would and asks it "hello"; 0 when it answers in time. */
static int host_answers(const char *host_path, const char *origin, char *why, size_t why_size)
{
    static const char hello[] = "{\"id\":\"doctor\",\"type\":\"hello\"}";
    unsigned char frame[4 + sizeof hello], reply[4096];
    uint32_t len = sizeof hello - 1;
    size_t got = 0;
    int rc = -1;

    memcpy(frame, &len, 4);   /* native byte order, as browsers send it */
    memcpy(frame + 4, hello, len);
    if (os_run_with_input(host_path, origin, frame, 4 + len, reply, sizeof reply, &got, HOST_ANSWER_TIMEOUT_MS, why,
                          why_size) != 0)
        return -1;
    if (got > 4) {
        uint32_t reply_len;
        memcpy(&reply_len, reply, 4);
        cJSON *answer = reply_len <= got - 4 ? cJSON_ParseWithLength((const char *)reply + 4, reply_len) : NULL;
        if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(answer, "protocol"))) rc = 0;
        cJSON_Delete(answer);
    }
    if (rc != 0 && why[0] == '\0') snprintf(why, why_size, "it exited without a valid answer");
    return rc;
}

/* ---- host manifests ---- */

static int json_array_has(const cJSON *array, const char *want)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, array) if (cJSON_IsString(item) && strcmp(item->valuestring, want) == 0) return 1;
    return 0;
}

/* Checks one manifest file; returns 1 when it is usable. */
static int check_manifest(report *r, browser_kind b, install_scope scope, const char *path, const host_identity *id,
                          int *host_checked)
{
    char *text = NULL, fix[512], why[256] = "";
    size_t len = 0;
    netral_error err;
    cJSON *m = NULL;
    int ok = 0;
    const char *name = browser_name(b);

    snprintf(fix, sizeof fix, "netral install --%s --browser %s", scope == SCOPE_SYSTEM ? "system" : "user", name);
    if (file_read_bounded(path, 65536, &text, &len, &err) != 0) {
        say(r, FINDING_FAIL, name, fix, "cannot read host manifest %s: %s", path, err.msg);
        goto done;
    }
    m = cJSON_ParseWithLength(text, len);
    if (!cJSON_IsObject(m)) {
        say(r, FINDING_FAIL, name, fix, "host manifest %s is not valid JSON: the browser ignores it", path);
        goto done;
    }
    const char *host_name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "name"));
    const char *host_path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "path"));
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(m, "type"));
    if (host_name == NULL || strcmp(host_name, NETRAL_HOST_NAME) != 0 || type == NULL || strcmp(type, "stdio") != 0) {
        say(r, FINDING_FAIL, name, fix, "host manifest %s does not name host " NETRAL_HOST_NAME " of type stdio", path);
        goto done;
    }
    if (host_path == NULL || !os_path_is_absolute(host_path) || !os_is_executable(host_path)) {
        say(r, FINDING_FAIL, name, fix, "host manifest %s points at %s, which is not an executable file", path,
            host_path ? host_path : "(nothing)");
        goto done;
    }
    if (b == BROWSER_FIREFOX) {
        if (!json_array_has(cJSON_GetObjectItemCaseSensitive(m, "allowed_extensions"), id->gecko_id)) {
            say(r, FINDING_FAIL, name, fix, "host manifest %s does not allow the extension %s", path, id->gecko_id);
            goto done;
        }
    } else {
        char origin[128];
        snprintf(origin, sizeof origin, "chrome-extension://%s/", id->extension_id);
        if (!json_array_has(cJSON_GetObjectItemCaseSensitive(m, "allowed_origins"), origin)) {
            say(r, FINDING_FAIL, name, fix, "host manifest %s does not allow the extension %s", path, id->extension_id);
            goto done;
        }
    }
    if (!*host_checked) {
        *host_checked = 1;
        if (host_answers(host_path, b == BROWSER_FIREFOX ? id->gecko_id : "chrome-extension://doctor/", why,
                         sizeof why) != 0) {
            say(r, FINDING_FAIL, "host", "reinstall the netral package", "%s does not answer: %s", host_path, why);
            goto done;
        }
        say(r, FINDING_OK, "host", NULL, "%s starts and answers", host_path);
    }
    say(r, FINDING_OK, name, NULL, "host manifest %s is valid", path);
    ok = 1;
done:
    cJSON_Delete(m);
    free(text);
    return ok;
}

static void check_manifests(report *r, const host_identity *id)
{
    int host_checked = 0;
    for (int b = 0; b < BROWSER_COUNT; b++) {
        char system_path[NETRAL_PATH_BYTES], user_path[NETRAL_PATH_BYTES], where[NETRAL_PATH_BYTES], fix[128];
        netral_error err;
        int have_system = 0, have_user = 0;
        const char *name = browser_name((browser_kind)b);

        snprintf(fix, sizeof fix, "netral install --system --browser %s", name);
        if (manifest_locate((browser_kind)b, SCOPE_SYSTEM, system_path, sizeof system_path, &have_system, &err) != 0) {
            say(r, FINDING_FAIL, name, fix, "%s", err.msg);
            continue;
        }
        if (manifest_locate((browser_kind)b, SCOPE_USER, user_path, sizeof user_path, &have_user, &err) != 0)
            have_user = 0;
        if (!browser_present((browser_kind)b) && !have_system && !have_user) continue;
        if (have_system) check_manifest(r, (browser_kind)b, SCOPE_SYSTEM, system_path, id, &host_checked);
        if (have_user) check_manifest(r, (browser_kind)b, SCOPE_USER, user_path, id, &host_checked);
        if (!have_system && !have_user) {
            manifest_registration((browser_kind)b, SCOPE_SYSTEM, where, sizeof where);
            say(r, FINDING_FAIL, name, fix, "no host manifest (looked for %s): the extension cannot reach the host",
                where);
        } else if (!have_system) {
            say(r, FINDING_WARN, name, "netral install --system", "only a user-level host manifest: managed laptops "
                "need the system-level one (Chrome's NativeMessagingUserLevelHosts policy can forbid user-level hosts)");
        }
    }
}

/* ---- browser policies ---- */

static int forced_in(const cJSON *policy, const char *extension_id)
{
    const cJSON *settings = cJSON_GetObjectItemCaseSensitive(policy, "ExtensionSettings");
    const cJSON *mine = cJSON_GetObjectItemCaseSensitive(settings, extension_id);
    const char *mode = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(mine, "installation_mode"));
    const cJSON *item;
    if (mode != NULL && (strcmp(mode, "force_installed") == 0 || strcmp(mode, "normal_installed") == 0)) return 1;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(policy, "ExtensionInstallForcelist")) {
        if (cJSON_IsString(item) && strncmp(item->valuestring, extension_id, strlen(extension_id)) == 0) return 1;
    }
    return 0;
}

static const char *const MODES[] = {"warn", "acknowledge", "block", "audit", "off", NULL};

static int is_mode(const char *value)
{
    for (const char *const *m = MODES; *m != NULL; m++)
        if (strcmp(value, *m) == 0) return 1;
    return 0;
}

/* The first entry of TABLE (actionModes, siteModes) that is not a mode, or NULL. */
static const cJSON *bad_mode_entry(const cJSON *table)
{
    const cJSON *entry;
    cJSON_ArrayForEach(entry, table) {
        if (!cJSON_IsString(entry) || !is_mode(entry->valuestring)) return entry;
    }
    return NULL;
}

static void check_extension_settings(report *r, const char *browser, const char *file, const cJSON *settings)
{
    const char *mode = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(settings, "mode"));
    const char *fail_mode = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(settings, "failMode"));
    const cJSON *bad_action = bad_mode_entry(cJSON_GetObjectItemCaseSensitive(settings, "actionModes"));
    const cJSON *bad_site = bad_mode_entry(cJSON_GetObjectItemCaseSensitive(settings, "siteModes"));
    const char *hint = "set it to warn, acknowledge, block, audit or off";
    if (mode != NULL && !is_mode(mode))
        say(r, FINDING_FAIL, browser, hint, "%s sets Netral's mode to \"%s\", which is not a mode", file, mode);
    else if (bad_action != NULL || bad_site != NULL)
        say(r, FINDING_FAIL, browser, hint, "%s sets %s.%s to something that is not a mode", file,
            bad_action ? "actionModes" : "siteModes", (bad_action ? bad_action : bad_site)->string);
    else if (fail_mode != NULL && strcmp(fail_mode, "open") != 0 && strcmp(fail_mode, "closed") != 0)
        say(r, FINDING_FAIL, browser, "set failMode to open or closed", "%s sets failMode to \"%s\"", file, fail_mode);
    else if (mode != NULL && strcmp(mode, "off") == 0)
        say(r, FINDING_WARN, browser, NULL, "%s turns Netral off (mode: off)", file);
    else if (mode != NULL && strcmp(mode, "audit") == 0)
        say(r, FINDING_WARN, browser, NULL, "%s sets mode: audit: no warning is shown, actions are only counted", file);
    else if (settings != NULL)
        say(r, FINDING_OK, browser, NULL, "%s sets Netral's mode to %s", file, mode ? mode : "warn (default)");
}

/* Checks one policy source (a JSON file, or the registry key read as the same shape); returns
 * 1 when it force-installs the extension. */
static int check_chromium_policy_object(report *r, const char *browser, const char *source, const cJSON *policy,
                                        const host_identity *id)
{
    const cJSON *block = cJSON_GetObjectItemCaseSensitive(policy, "NativeMessagingBlocklist");
    const cJSON *allow = cJSON_GetObjectItemCaseSensitive(policy, "NativeMessagingAllowlist");
    const cJSON *third = cJSON_GetObjectItemCaseSensitive(policy, "3rdparty");
    const cJSON *mine = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(third, "extensions"),
                                                         id->extension_id);
    if (json_array_has(block, "*") && !json_array_has(allow, NETRAL_HOST_NAME))
        say(r, FINDING_FAIL, browser, "add \"" NETRAL_HOST_NAME "\" to NativeMessagingAllowlist",
            "%s blocks all native hosts and does not allow Netral's", source);
    if (mine != NULL) check_extension_settings(r, browser, source, mine);
    return forced_in(policy, id->extension_id);
}

#ifdef _WIN32
/* Windows: Chrome, Chromium and Edge read machine policy from the registry. A list policy is a
 * key of numbered string values; ExtensionSettings is one string holding JSON. */
typedef struct {
    const char *browser;
    const char *key;   /* under HKEY_LOCAL_MACHINE */
} policy_key;

static const policy_key CHROMIUM_POLICY_KEYS[] = {
    {"chrome", "Software\\Policies\\Google\\Chrome"},
    {"chromium", "Software\\Policies\\Chromium"},
    {"edge", "Software\\Policies\\Microsoft\\Edge"},
};

static void add_to_array(const char *name, const char *value, void *array)
{
    (void)name;
    cJSON_AddItemToArray(array, cJSON_CreateString(value));
}

static void add_to_object(const char *name, const char *value, void *object)
{
    cJSON_AddItemToObject(object, name, cJSON_CreateString(value));
}

static void count_value(const char *name, const char *value, void *count)
{
    (void)name;
    (void)value;
    ++*(int *)count;
}

/* Reads the list policy NAME under KEY into POLICY as an array. */
static void read_list_policy(cJSON *policy, const char *key, const char *name)
{
    char sub[512];
    netral_error ignored;
    cJSON *array = cJSON_CreateArray();
    snprintf(sub, sizeof sub, "%s\\%s", key, name);
    if (registry_each_string(REGISTRY_MACHINE, sub, add_to_array, array, &ignored) == 0)
        cJSON_AddItemToObject(policy, name, array);
    else
        cJSON_Delete(array);
}

static void check_chromium_registry_policy(report *r, const policy_key *pk, const host_identity *id)
{
    char where[600], sub[600];
    static char settings_text[65536];
    netral_error err;
    int values = 0, got;
    cJSON *policy = NULL, *mine = NULL;

    snprintf(where, sizeof where, "HKEY_LOCAL_MACHINE\\%s", pk->key);
    if (registry_each_string(REGISTRY_MACHINE, pk->key, count_value, &values, &err) != 0) return;   /* no policy */
    policy = cJSON_CreateObject();
    got = registry_get_string(REGISTRY_MACHINE, pk->key, "ExtensionSettings", settings_text, sizeof settings_text, &err);
    if (got < 0) {
        say(r, FINDING_FAIL, pk->browser, "make ExtensionSettings a string (REG_SZ) of JSON", "%s", err.msg);
    } else if (got == 0) {
        cJSON *settings = cJSON_Parse(settings_text);
        if (!cJSON_IsObject(settings)) {
            say(r, FINDING_FAIL, pk->browser, "fix the JSON (the browser ignores the whole policy)",
                "ExtensionSettings in %s is not valid JSON", where);
            cJSON_Delete(settings);
        } else {
            cJSON_AddItemToObject(policy, "ExtensionSettings", settings);
        }
    }
    read_list_policy(policy, pk->key, "ExtensionInstallForcelist");
    read_list_policy(policy, pk->key, "NativeMessagingBlocklist");
    read_list_policy(policy, pk->key, "NativeMessagingAllowlist");
    snprintf(sub, sizeof sub, "%s\\3rdparty\\extensions\\%s\\policy", pk->key, id->extension_id);
    mine = cJSON_CreateObject();
    if (registry_each_string(REGISTRY_MACHINE, sub, add_to_object, mine, &err) == 0) {
        cJSON *extensions = cJSON_AddObjectToObject(cJSON_AddObjectToObject(policy, "3rdparty"), "extensions");
        cJSON_AddItemToObject(extensions, id->extension_id, mine);
    } else {
        cJSON_Delete(mine);
    }
    if (check_chromium_policy_object(r, pk->browser, where, policy, id))
        say(r, FINDING_OK, pk->browser, NULL, "policy in %s installs the extension %s", where, id->extension_id);
    else
        say(r, FINDING_WARN, pk->browser, "add ExtensionSettings force_installed (see manifests/policies/windows/)",
            "no policy in %s force-installs the extension %s: users can remove it", where, id->extension_id);
    cJSON_Delete(policy);
}
#endif

#ifndef _WIN32
/* Linux and macOS: Chrome, Chromium and Edge read every *.json in their managed policy directory. */
typedef struct {
    const char *browser;
    const char *dir;
} policy_dir;

static const policy_dir CHROMIUM_POLICY_DIRS[] = {
    {"chrome", "/etc/opt/chrome/policies/managed"},
    {"chromium", "/etc/chromium/policies/managed"},
    {"edge", "/etc/opt/edge/policies/managed"},
};

static void check_chromium_policy(report *r, const policy_dir *system_dir, const host_identity *id)
{
    char dir[NETRAL_PATH_BYTES];
    netral_error ignored;
    if (system_path(system_dir->dir, dir, sizeof dir, &ignored) != 0) return;
    policy_dir where = {system_dir->browser, dir}, *pd = &where;
    DIR *d = opendir(pd->dir);
    struct dirent *ent;
    int files = 0, forced = 0;
    if (d == NULL) return;   /* no managed policy for this browser: nothing to check */
    while ((ent = readdir(d)) != NULL) {
        char path[NETRAL_PATH_BYTES], *text = NULL;
        size_t len = 0;
        netral_error err;
        size_t n = strlen(ent->d_name);
        if (n < 6 || strcmp(ent->d_name + n - 5, ".json") != 0) continue;
        files++;
        if (path_join(path, sizeof path, pd->dir, ent->d_name, &err) != 0 ||
            file_read_bounded(path, 1 << 20, &text, &len, &err) != 0) {
            say(r, FINDING_FAIL, pd->browser, "make the file readable", "cannot read policy %s/%s", pd->dir, ent->d_name);
            continue;
        }
        cJSON *policy = cJSON_ParseWithLength(text, len);
        if (!cJSON_IsObject(policy))
            say(r, FINDING_FAIL, pd->browser, "fix the JSON (the browser ignores the whole file)",
                "policy %s is not valid JSON", path);
        else if (check_chromium_policy_object(r, pd->browser, path, policy, id))
            forced = 1;
        cJSON_Delete(policy);
        free(text);
    }
    closedir(d);
    if (files > 0 && forced)
        say(r, FINDING_OK, pd->browser, NULL, "policy in %s installs the extension %s", pd->dir, id->extension_id);
    else if (files > 0)
        say(r, FINDING_WARN, pd->browser, "add ExtensionSettings force_installed (see manifests/policies/)",
            "no policy in %s force-installs the extension %s: users can remove it", pd->dir, id->extension_id);
}
#endif

static void check_firefox_policy(report *r, const host_identity *id)
{
#ifdef _WIN32
    static const char *const paths[] = {"%ProgramFiles%\\Mozilla Firefox\\distribution\\policies.json",
                                        "%ProgramFiles(x86)%\\Mozilla Firefox\\distribution\\policies.json", NULL};
#else
    static const char *const paths[] = {"/etc/firefox/policies/policies.json",
                                        "/usr/lib/firefox-esr/distribution/policies.json",
                                        "/usr/lib/firefox/distribution/policies.json", NULL};
#endif
    for (const char *const *system_file = paths; *system_file != NULL; system_file++) {
        char *text = NULL, path[NETRAL_PATH_BYTES];
        size_t len = 0;
        netral_error err;
        if (system_path(*system_file, path, sizeof path, &err) != 0 || !os_exists(path)) continue;
        if (file_read_bounded(path, 1 << 20, &text, &len, &err) != 0) {
            say(r, FINDING_FAIL, "firefox", "make the file readable", "cannot read %s: %s", path, err.msg);
            continue;
        }
        cJSON *root = cJSON_ParseWithLength(text, len);
        const cJSON *policies = cJSON_GetObjectItemCaseSensitive(root, "policies");
        if (!cJSON_IsObject(policies)) {
            say(r, FINDING_FAIL, "firefox", "fix the JSON (Firefox ignores the whole file)",
                "%s is not valid JSON with a \"policies\" object", path);
        } else {
            const cJSON *settings = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(policies, "ExtensionSettings"), id->gecko_id);
            const char *mode = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(settings, "installation_mode"));
            const cJSON *mine = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(policies, "3rdparty"), "Extensions"),
                id->gecko_id);
            if (mode != NULL && strcmp(mode, "force_installed") == 0)
                say(r, FINDING_OK, "firefox", NULL, "%s installs the extension %s", path, id->gecko_id);
            else
                say(r, FINDING_WARN, "firefox", "add ExtensionSettings force_installed (see manifests/policies/)",
                    "%s does not force-install the extension %s", path, id->gecko_id);
            if (mine != NULL) check_extension_settings(r, "firefox", path, mine);
        }
        cJSON_Delete(root);
        free(text);
    }
}

/* ---- keys and list ---- */

static void check_keys(report *r, const netral_paths *paths, trusted_keys *keys)
{
    netral_error err;
    char dir[NETRAL_PATH_BYTES], fix[NETRAL_PATH_BYTES + 64];
    if (path_join(dir, sizeof dir, paths->config_dir, KEYS_SUBDIR, &err) != 0) {
        say(r, FINDING_FAIL, "keys", NULL, "%s", err.msg);
        return;
    }
    snprintf(fix, sizeof fix, "copy the list authority's public key (.pub) into %s", dir);
    if (trusted_keys_load(paths, keys, &err) != 0) {
        say(r, FINDING_FAIL, "keys", fix, "%s", err.msg);
        return;
    }
    if (keys->refused[0] != '\0') {
        say(r, FINDING_FAIL, "keys", NULL, "no list can be imported: %s", keys->refused);
        return;
    }
    if (keys->rejected > 0)
        say(r, FINDING_WARN, "keys", "remove or replace the file", "%zu key file(s) unusable: %s", keys->rejected,
            keys->first_problem);
    if (keys->count == 0)
        say(r, FINDING_FAIL, "keys", fix, "no trusted key in %s: no list can be imported", dir);
    else
        say(r, FINDING_OK, "keys", NULL, "%zu trusted key(s) in %s", keys->count, dir);
}

/* What `netral update` last knew (DATA/update-state.json), when it is used. */
static void check_updates(report *r, const netral_paths *paths)
{
    char path[NETRAL_PATH_BYTES];
    netral_error err;
    cJSON *state;
    if (path_join(path, sizeof path, paths->data_dir, UPDATE_STATE_FILE, &err) != 0 || !os_exists(path))
        return;   /* no updates configured: lists come by import */
    state = json_read_file(path, 64 * 1024);
    if (state == NULL) {
        say(r, FINDING_WARN, "updates", "run netral update again", "%s is damaged", path);
        return;
    }
    const cJSON *expires = cJSON_GetObjectItemCaseSensitive(state, "index_expires");
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(state, "last_error");
    const cJSON *source = cJSON_GetObjectItemCaseSensitive(state, "source");
    const cJSON *message = cJSON_IsObject(error) ? cJSON_GetObjectItemCaseSensitive(error, "message") : NULL;
    const char *from = cJSON_IsString(source) ? source->valuestring : "?";
    int64_t t;
    int expired = cJSON_IsString(expires) && isotime_parse(expires->valuestring, strlen(expires->valuestring), &t) == 0 &&
                  netral_now() >= t;
    if (expired)
        say(r, FINDING_WARN, "updates", "check that the repository is re-signed daily and reachable from this laptop",
            "the list may be out of date since %s: no newer signed index came from %s", expires->valuestring, from);
    if (cJSON_IsString(message))
        say(r, FINDING_WARN, "updates", NULL, "the last update from %s failed: %s", from, message->valuestring);
    else if (cJSON_IsString(expires) && !expired)
        say(r, FINDING_OK, "updates", NULL, "updated from %s; index valid until %s", from, expires->valuestring);
    cJSON_Delete(state);
}

static void check_data_dir(report *r, const netral_paths *paths)
{
    char why[NETRAL_ERROR_MSG_BYTES];
    if (os_check_private(paths->data_dir, why, sizeof why) != 0 || os_check_private(paths->db_path, why, sizeof why) != 0)
        say(r, FINDING_FAIL, "data", NULL, "the host refuses the installed list: %s", why);
}

static void check_list(report *r, const netral_paths *paths, const trusted_keys *keys)
{
    store *s = NULL;
    store_meta meta;
    netral_error err;
    char when[ISOTIME_BYTES], kept_path[NETRAL_PATH_BYTES], fix[NETRAL_PATH_BYTES + 96];
    int64_t kept_version = 0;
    int kept = kept_list_check(paths, keys, kept_path, sizeof kept_path, &kept_version);

    if (kept < 0)
        say(r, FINDING_WARN, "list", "netral import the authority's current list again",
            "the kept verified list %s does not verify with its signature (an interrupted import?)", kept_path);
    if (kept > 0) snprintf(fix, sizeof fix, "netral import %s (the kept verified copy, version %lld)", kept_path,
                           (long long)kept_version);
    else snprintf(fix, sizeof fix, "netral import the authority's current list");
    if (store_open(paths->db_path, &s, &err) != 0 || store_get_meta(s, &meta, &err) != 0 ||
        store_verify(s, &err) != 0) {
        if (err.code == NETRAL_E_NO_LIST)
            say(r, FINDING_FAIL, "list", kept > 0 ? fix : "netral import LIST.jsonl",
                "no list is installed in %s: nothing is checked", paths->data_dir);
        else
            say(r, FINDING_FAIL, "list", fix, "the database %s cannot be used: %s", paths->db_path, err.msg);
        store_close(s);
        return;
    }
    store_close(s);
    if (kept > 0 && kept_version > meta.version)
        say(r, FINDING_WARN, "list", fix, "list version %lld is kept as verified, but the database holds version %lld "
            "(an interrupted import?)", (long long)kept_version, (long long)meta.version);
    isotime_format(meta.expires, when);
    if (netral_now() >= meta.expires) {
        say(r, FINDING_FAIL, "list", "netral import the authority's current list",
            "list version %lld expired at %s: warnings rely on outdated data", (long long)meta.version, when);
        return;
    }
    int key_known = 0;
    for (size_t i = 0; i < keys->count; i++) {
        char hex[MINISIGN_KEY_ID_HEX_BYTES];
        minisign_key_id_hex(keys->keys[i].keynum, hex);
        if (strcmp(hex, meta.key_id) == 0) key_known = 1;
    }
    if (!key_known)
        say(r, FINDING_WARN, "list", "import a list signed with a trusted key",
            "list version %lld was signed by key %s, which is no longer trusted", (long long)meta.version, meta.key_id);
    say(r, FINDING_OK, "list", NULL, "list version %lld from %s, %lld accounts, valid until %s", (long long)meta.version,
        meta.issuer, (long long)meta.accounts, when);
}

/* The site rules kept by `netral update`: usable, or why the extension falls back to its own. */
static void check_site_rules(report *r, const netral_paths *paths)
{
    char path[NETRAL_PATH_BYTES], when[ISOTIME_BYTES];
    site_rules_header header;
    netral_error err;
    char *text = NULL;
    size_t len = 0;
    if (path_join(path, sizeof path, paths->data_dir, SITE_RULES_KEPT_FILE, &err) != 0 || !os_exists(path)) return;
    if (site_rules_read(paths, netral_now(), &text, &len, &header, &err) != 0) {
        say(r, FINDING_WARN, "site rules", "run netral update again (the authority may need to publish newer rules)",
            "the kept site rules are not used (the extension's own are): %s", err.msg);
        return;
    }
    free(text);
    isotime_format(header.expires, when);
    say(r, FINDING_OK, "site rules", NULL, "site rules version %lld, valid until %s", (long long)header.version, when);
}

/* The counts each user's browser sent (recognition.h): a site whose rules may no longer match. */
static void report_recognition(const char *user, const cJSON *counts, void *ctx)
{
    report *r = ctx;
    const cJSON *site;
    cJSON_ArrayForEach(site, counts) {
        if (!recognition_out_of_date(site)) continue;
        say(r, FINDING_WARN, "site rules", "tell the list authority: newer site rules fix it (docs/site-rules.md)",
            "recognition may be out of date on %s (user %s, site rules version %.0f, since %s): %.0f clicks on "
            "controls like actions not recognised, %.0f actions without a readable account, %.0f rules not usable, "
            "%.0f feed pages without posts",
            site->string, user, recognition_number(site, "rules"),
            cJSON_GetObjectItemCaseSensitive(site, "since")->valuestring, recognition_number(site, "unrecognised"),
            recognition_number(site, "noAccount"), recognition_number(site, "ruleError"),
            recognition_number(site, "noPosts"));
    }
}

/* A list a browser fetched that nothing installed: the spool updater is not running. */
static void check_spool(report *r, const netral_paths *paths)
{
    char since[ISOTIME_BYTES];
    spool_waiting waiting;
    if (!update_spool_waiting(paths, &waiting) || netral_now() - waiting.since < SPOOL_WAIT_WARN_SECONDS) return;
    isotime_format(waiting.since, since);
#ifdef _WIN32
    const char *fix = "enable the scheduled task Netral\\Spool (tasks\\netral-spool.xml), or run netral update --spool";
#else
    const char *fix = "systemctl enable --now netral-spool.path (or run netral update --spool)";
#endif
    say(r, FINDING_WARN, "updates", fix,
        "list version %lld, fetched by a browser, has waited in %s since %s: nothing installs it",
        (long long)waiting.list_version, waiting.dir, since);
}

int doctor_run(const netral_paths *paths, const host_identity *id, finding_sink sink, void *ctx)
{
    report r = {sink, ctx, 0};
    trusted_keys *keys = calloc(1, sizeof *keys);
    if (keys == NULL) {
        say(&r, FINDING_FAIL, "doctor", NULL, "out of memory");
        return r.failures;
    }
#ifndef _WIN32
    const char *image = environment_get("NETRAL_ROOT");
    if (image != NULL)   /* so that a report about another tree is never taken for this machine's */
        say(&r, FINDING_WARN, "doctor", NULL, "checking the system files under %s (NETRAL_ROOT), not this machine's",
            image);
#endif
    check_manifests(&r, id);
#ifdef _WIN32
    for (size_t i = 0; i < sizeof CHROMIUM_POLICY_KEYS / sizeof CHROMIUM_POLICY_KEYS[0]; i++)
        check_chromium_registry_policy(&r, &CHROMIUM_POLICY_KEYS[i], id);
#else
    for (size_t i = 0; i < sizeof CHROMIUM_POLICY_DIRS / sizeof CHROMIUM_POLICY_DIRS[0]; i++)
        check_chromium_policy(&r, &CHROMIUM_POLICY_DIRS[i], id);
#endif
    check_firefox_policy(&r, id);
#ifndef _WIN32
    r.failures += doctor_check_sandboxed_browsers(r.sink, r.ctx);
    r.failures += doctor_check_firefox_signing(id, r.sink, r.ctx);
#endif
    check_keys(&r, paths, keys);
    check_data_dir(&r, paths);
    check_list(&r, paths, keys);
    check_updates(&r, paths);
    check_site_rules(&r, paths);
    recognition_each_user(paths, report_recognition, &r);
    check_spool(&r, paths);
    free(keys);
    return r.failures;
}
