#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "environment.h"
#include "fileio.h"
#include "keychain.h"
#include "os.h"

static int set_dir(char out[NETRAL_PATH_BYTES], const char *env_name, const char *fallback, netral_error *err)
{
    const char *value = environment_get(env_name);
    if (value == NULL) value = fallback;
    if (strlen(value) >= NETRAL_PATH_BYTES - 64)
        return netral_fail(err, NETRAL_E_TOO_LARGE, "%s is too long", env_name);
    strcpy(out, value);
    return 0;
}

int paths_resolve(netral_paths *out, netral_error *err)
{
    if (set_dir(out->config_dir, "NETRAL_CONFIG_DIR", NETRAL_DEFAULT_CONFIG_DIR, err) != 0 ||
        set_dir(out->data_dir, "NETRAL_DATA_DIR", NETRAL_DEFAULT_DATA_DIR, err) != 0 ||
        path_join(out->db_path, sizeof out->db_path, out->data_dir, DB_FILE, err) != 0)
        return -1;
    if (environment_get("NETRAL_SPOOL_DIR") == NULL && environment_get("NETRAL_DATA_DIR") != NULL)
        return path_join(out->spool_dir, sizeof out->spool_dir, out->data_dir, "spool", err);
    return set_dir(out->spool_dir, "NETRAL_SPOOL_DIR", NETRAL_DEFAULT_SPOOL_DIR, err);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

int trusted_keys_load(const netral_paths *paths, trusted_keys *out, netral_error *err)
{
    char dir[NETRAL_PATH_BYTES], file[NETRAL_PATH_BYTES];
    DIR *d = NULL;
    struct dirent *ent;

    memset(out, 0, sizeof *out);
    if (path_join(dir, sizeof dir, paths->config_dir, KEYS_SUBDIR, err) != 0) return -1;
    if (os_check_private(dir, out->refused, sizeof out->refused) != 0) return 0;
    d = opendir(dir);
    if (d == NULL) {
        if (errno == ENOENT) return 0;
        return netral_fail(err, NETRAL_E_KEY, "cannot read %s: %s", dir, strerror(errno));
    }
    while ((ent = readdir(d)) != NULL) {
        char *text = NULL;
        size_t len = 0;
        netral_error key_err;
        if (!ends_with(ent->d_name, ".pub")) continue;
        if (out->count == MAX_TRUSTED_KEYS) {
            out->rejected++;
            snprintf(out->first_problem, sizeof out->first_problem, "more than %u keys in %.200s", MAX_TRUSTED_KEYS, dir);
            continue;
        }
        if (path_join(file, sizeof file, dir, ent->d_name, &key_err) != 0 ||
            file_read_bounded(file, MAX_KEY_FILE_BYTES, &text, &len, &key_err) != 0 ||
            minisign_pubkey_parse(text, len, &out->keys[out->count], &key_err) != 0) {
            if (out->rejected++ == 0)
                snprintf(out->first_problem, sizeof out->first_problem, "%.100s: %.300s", ent->d_name, key_err.msg);
        } else {
            snprintf(out->names[out->count], sizeof out->names[out->count], "%s", ent->d_name);
            out->roles[out->count] = ends_with(ent->d_name, INDEX_KEY_SUFFIX) ? KEY_ROLE_INDEX : KEY_ROLE_LIST;
            out->count++;
        }
        free(text);
    }
    closedir(d);
    for (size_t i = 0; i < out->count && out->refused[0] == '\0'; i++) {   /* in CONFIG itself */
        for (size_t k = i + 1; k < out->count; k++) {
            if (memcmp(out->keys[i].keynum, out->keys[k].keynum, MINISIGN_KEYNUM_BYTES) != 0) continue;
            char id[MINISIGN_KEY_ID_HEX_BYTES];
            minisign_key_id_hex(out->keys[i].keynum, id);
            snprintf(out->refused, sizeof out->refused,
                     "%.60s and %.60s in %.200s have the same key id %s: remove the one that is not the authority's",
                     out->names[i], out->names[k], dir, id);
            break;
        }
    }
    if (out->refused[0] == '\0') {
        netral_error ignored;
        (void)keychain_apply(paths, out, &out->statement_serial, &ignored);   /* its problems: first_problem */
    }
    return 0;
}

const minisign_pubkey *trusted_keys_find(const trusted_keys *keys,
                                         const unsigned char keynum[MINISIGN_KEYNUM_BYTES], key_role *role)
{
    for (size_t i = 0; i < keys->count; i++) {
        if (memcmp(keys->keys[i].keynum, keynum, MINISIGN_KEYNUM_BYTES) != 0) continue;
        if (role != NULL) *role = keys->roles[i];
        return &keys->keys[i];
    }
    return NULL;
}
