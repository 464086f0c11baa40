#include "updater.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "clock.h"
#include "fileio.h"
#include "importer.h"
#include "isotime.h"
#include "json.h"
#include "keychain.h"
#include "os.h"
#include "repository.h"
#include "store.h"

/* What the last update run knew, kept across runs. */
typedef struct {
    int64_t index_serial;
    char last_success[ISOTIME_BYTES], index_expires[ISOTIME_BYTES];
} update_memory;

static void read_memory(const char *state_path, update_memory *out)
{
    cJSON *o = json_read_file(state_path, 64 * 1024);
    const cJSON *serial = cJSON_GetObjectItemCaseSensitive(o, "index_serial");
    const cJSON *success = cJSON_GetObjectItemCaseSensitive(o, "last_success");
    const cJSON *expires = cJSON_GetObjectItemCaseSensitive(o, "index_expires");
    memset(out, 0, sizeof *out);
    if (cJSON_IsNumber(serial) && serial->valuedouble >= 0 && serial->valuedouble < 9007199254740992.0)
        out->index_serial = (int64_t)serial->valuedouble;
    if (cJSON_IsString(success) && strlen(success->valuestring) < sizeof out->last_success)
        strcpy(out->last_success, success->valuestring);
    if (cJSON_IsString(expires) && strlen(expires->valuestring) < sizeof out->index_expires)
        strcpy(out->index_expires, expires->valuestring);
    cJSON_Delete(o);
}

static void write_state(const char *state_path, const char *dir, const update_memory *memory, const update_result *res,
                        const netral_error *failure)
{
    char when[ISOTIME_BYTES];
    cJSON *o = cJSON_CreateObject();
    char *text;
    netral_error ignored;
    if (o == NULL) return;
    isotime_format(netral_now(), when);
    json_add_text(o, "source", dir);
    cJSON_AddStringToObject(o, "how", "file");
    cJSON_AddStringToObject(o, "last_check", when);
    if (failure == NULL) {
        cJSON_AddStringToObject(o, "last_success", when);
        cJSON_AddStringToObject(o, "via", res->via);
        json_add_integer(o, "list_version", res->list_version);
        json_add_integer(o, "index_serial", res->index_serial);
        isotime_format(res->index_expires, when);
        cJSON_AddStringToObject(o, "index_expires", when);
        cJSON_AddNullToObject(o, "last_error");
    } else {
        /* What the last verified index said stays: it decides from when the list is out of date. */
        if (memory->last_success[0] != '\0') cJSON_AddStringToObject(o, "last_success", memory->last_success);
        json_add_integer(o, "index_serial", memory->index_serial);
        if (memory->index_expires[0] != '\0') cJSON_AddStringToObject(o, "index_expires", memory->index_expires);
        cJSON *e = cJSON_AddObjectToObject(o, "last_error");
        cJSON_AddStringToObject(e, "code", netral_code_name(failure->code));
        json_add_text(e, "message", failure->msg);
    }
    text = cJSON_PrintUnformatted(o);
    if (text != NULL) (void)file_write_atomic(state_path, text, strlen(text), &ignored);
    cJSON_free(text);
    cJSON_Delete(o);
}

/* The installed version and content, or version 0. */
static void installed(const netral_paths *paths, int64_t *version, char digest[LIST_DIGEST_HEX_BYTES])
{
    store *s = NULL;
    store_meta *meta = malloc(sizeof *meta);
    netral_error ignored;
    *version = 0;
    digest[0] = '\0';
    if (meta != NULL && store_open(paths->db_path, &s, &ignored) == 0 && store_get_meta(s, meta, &ignored) == 0) {
        *version = meta->version;
        snprintf(digest, LIST_DIGEST_HEX_BYTES, "%s", meta->content_digest);
    }
    store_close(s);
    free(meta);
}

/* Reads and verifies DIR's index. */
static int read_index(const netral_paths *paths, const char *dir, repo_index *index, netral_error *err)
{
    char path[NETRAL_PATH_BYTES], sig_path[NETRAL_PATH_BYTES], key_id[MINISIGN_KEY_ID_HEX_BYTES];
    char *text = NULL, *sig_text = NULL;
    size_t len = 0, sig_len = 0;
    trusted_keys *keys = malloc(sizeof *keys);
    int rc = -1;

    if (keys == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (path_join(path, sizeof path, dir, INDEX_FILE, err) != 0 ||
        path_join(sig_path, sizeof sig_path, dir, INDEX_FILE ".minisig", err) != 0 ||
        file_read_bounded(path, MAX_INDEX_BYTES, &text, &len, err) != 0 ||
        file_read_bounded(sig_path, MAX_SIG_FILE_BYTES, &sig_text, &sig_len, err) != 0 ||
        trusted_keys_load(paths, keys, err) != 0)
        goto done;
    if (keys->refused[0] != '\0') {
        netral_fail(err, NETRAL_E_KEY, "the trusted keys are not usable: %s", keys->refused);
        goto done;
    }
    if (repo_index_verify(keys, text, len, sig_text, sig_len, key_id, err) != 0) goto done;
    rc = repo_index_parse(text, len, index, err);   /* only once its signature holds */
done:
    free(text);
    free(sig_text);
    free(keys);
    return rc;
}

/* Installs INDEX's list from DIR: a delta onto the installed version when the index offers one
 * and it fits, else the full list. */
static int install_from(const netral_paths *paths, const char *dir, const repo_index *index, int64_t from,
                        update_result *out, netral_error *err)
{
    char file[NETRAL_PATH_BYTES], sig[NETRAL_PATH_BYTES];
    import_result result;
    for (size_t i = 0; i < index->delta_count; i++) {
        const repo_file *d = &index->deltas[i];
        netral_error delta_err;
        int not_applicable = 0;
        if (d->from != from) continue;
        if (repo_file_check(dir, d, &delta_err) == 0 && path_join(file, sizeof file, dir, d->file, &delta_err) == 0 &&
            path_join(sig, sizeof sig, dir, d->signature, &delta_err) == 0 &&
            import_delta(paths, file, sig, index->content_digest, &result, &not_applicable, &delta_err) == 0) {
            out->via = "delta";
            out->list_version = result.meta.version;
            return 0;
        }
        if (delta_err.code == NETRAL_E_BUSY) return netral_fail(err, delta_err.code, "%s", delta_err.msg);
        snprintf(out->delta_problem, sizeof out->delta_problem, "%s", delta_err.msg);
        break;   /* the full list, then */
    }
    if (repo_file_check(dir, &index->list, err) != 0 || path_join(file, sizeof file, dir, index->list.file, err) != 0 ||
        path_join(sig, sizeof sig, dir, index->list.signature, err) != 0 ||
        import_list_expecting(paths, file, sig, index->content_digest, &result, err) != 0)
        return -1;
    out->via = "full";
    out->list_version = result.meta.version;
    return 0;
}

int update_from_dir(const netral_paths *paths, const char *dir, update_result *out, netral_error *err)
{
    char state_path[NETRAL_PATH_BYTES], digest[LIST_DIGEST_HEX_BYTES], when[ISOTIME_BYTES];
    repo_index *index = malloc(sizeof *index);
    update_memory memory;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (index == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (path_join(state_path, sizeof state_path, paths->data_dir, UPDATE_STATE_FILE, err) != 0) {
        free(index);
        return -1;
    }
    read_memory(state_path, &memory);
    if (read_index(paths, dir, index, err) != 0) goto done;
    out->index_serial = index->serial;
    out->index_expires = index->expires;
    if (index->serial < memory.index_serial) {
        netral_fail(err, NETRAL_E_ROLLBACK, "the index (serial %lld) is older than one verified before (serial %lld): "
                    "a stale or replayed copy of the repository", (long long)index->serial, (long long)memory.index_serial);
        goto done;
    }
    if (index->expires <= netral_now()) {
        isotime_format(index->expires, when);
        netral_fail(err, NETRAL_E_EXPIRED, "the index expired at %s: the repository is no longer being re-signed, "
                    "so the list may be out of date", when);
        goto done;
    }
    /* A key statement first: the list may be signed by a key it adds. */
    if (index->has_keys &&
        (repo_file_check(dir, &index->keys, err) != 0 || keychain_accept(paths, dir, index->keys.file, err) != 0))
        goto done;
    installed(paths, &out->from_version, digest);
    if (index->list_version == out->from_version && strcmp(index->content_digest, digest) == 0) {
        out->via = "current";
        out->list_version = out->from_version;
    } else if (index->list_version < out->from_version) {
        netral_fail(err, NETRAL_E_ROLLBACK, "the index names list version %lld, older than the installed version %lld",
                    (long long)index->list_version, (long long)out->from_version);
        goto done;
    } else if (install_from(paths, dir, index, out->from_version, out, err) != 0) {
        goto done;
    }
    rc = 0;
done:
    if (paths->data_dir[0] != '\0' && os_make_dir(paths->data_dir) == 0)
        write_state(state_path, dir, &memory, out, rc == 0 ? NULL : err);
    free(index);
    return rc;
}
