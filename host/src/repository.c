#include "repository.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "fileio.h"
#include "isotime.h"
#include "json.h"
#include "os.h"

#define MAX_SAFE_INTEGER 9007199254740991.0

static void hex_of(const unsigned char *bin, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[bin[i] >> 4];
        out[2 * i + 1] = hex[bin[i] & 15];
    }
    out[2 * n] = '\0';
}

static int read_integer(const cJSON *o, const char *name, double min, int64_t *out, netral_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsNumber(item) || item->valuedouble < min || item->valuedouble > MAX_SAFE_INTEGER ||
        (double)(int64_t)item->valuedouble != item->valuedouble)
        return netral_fail(err, NETRAL_E_FORMAT, "index: \"%s\" must be a whole number from %.0f", name, min);
    *out = (int64_t)item->valuedouble;
    return 0;
}

static int read_time(const cJSON *o, const char *name, int64_t *out, netral_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsString(item) || isotime_parse(item->valuestring, strlen(item->valuestring), out) != 0)
        return netral_fail(err, NETRAL_E_FORMAT, "index: \"%s\" must be a UTC time like 2026-11-01T00:00:00Z", name);
    return 0;
}

/* A plain file name: no directory part, nothing hidden, nothing a shell or a URL would change. */
static int read_name(const cJSON *o, const char *name, char out[REPO_NAME_BYTES], netral_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, name);
    size_t n;
    if (!cJSON_IsString(item)) return netral_fail(err, NETRAL_E_FORMAT, "index: \"%s\" must be a file name", name);
    n = strlen(item->valuestring);
    if (n == 0 || n >= REPO_NAME_BYTES || item->valuestring[0] == '.' ||
        strspn(item->valuestring, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
        return netral_fail(err, NETRAL_E_FORMAT, "index: \"%s\" is not a plain file name", name);
    memcpy(out, item->valuestring, n + 1);
    return 0;
}

static int read_hex(const cJSON *o, const char *name, size_t digits, char *out, netral_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsString(item) || strlen(item->valuestring) != digits ||
        strspn(item->valuestring, "0123456789abcdef") != digits)
        return netral_fail(err, NETRAL_E_FORMAT, "index: \"%s\" must be %zu lower-case hex digits", name, digits);
    memcpy(out, item->valuestring, digits + 1);
    return 0;
}

static int read_file(const cJSON *o, int64_t from, repo_file *f, netral_error *err)
{
    int64_t size = 0;
    if (!cJSON_IsObject(o)) return netral_fail(err, NETRAL_E_FORMAT, "index: a file must be described by an object");
    f->from = from;
    if (read_name(o, "file", f->file, err) != 0 || read_name(o, "signature", f->signature, err) != 0 ||
        read_integer(o, "size", 0, &size, err) != 0 ||
        read_hex(o, "blake2b", REPO_HASH_HEX_BYTES - 1, f->blake2b, err) != 0)
        return -1;
    if ((uint64_t)size > MAX_LIST_BYTES)
        return netral_fail(err, NETRAL_E_TOO_LARGE, "index: %s is over the limit of %u bytes", f->file, MAX_LIST_BYTES);
    f->size = (uint64_t)size;
    return 0;
}

int repo_index_parse(const char *text, size_t len, repo_index *out, netral_error *err)
{
    json_problem problem;
    cJSON *o = json_parse_exact(text, len, &problem);
    const cJSON *format, *format_version, *list, *deltas, *delta;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (problem != JSON_OK) {
        netral_fail(err, NETRAL_E_FORMAT, "the index %s", json_problem_text(problem));
        goto done;
    }
    format = cJSON_GetObjectItemCaseSensitive(o, "format");
    format_version = cJSON_GetObjectItemCaseSensitive(o, "format_version");
    if (!cJSON_IsObject(o) || !cJSON_IsString(format) || strcmp(format->valuestring, INDEX_FORMAT_NAME) != 0) {
        netral_fail(err, NETRAL_E_FORMAT, "not a Netral index: it needs \"format\": \"%s\"", INDEX_FORMAT_NAME);
        goto done;
    }
    if (!cJSON_IsNumber(format_version) || format_version->valuedouble != INDEX_FORMAT_VERSION) {
        netral_fail(err, NETRAL_E_FORMAT, "unsupported index format version (this host reads version %d)",
                    INDEX_FORMAT_VERSION);
        goto done;
    }
    list = cJSON_GetObjectItemCaseSensitive(o, "list");
    if (!cJSON_IsObject(list)) {
        netral_fail(err, NETRAL_E_FORMAT, "index: \"list\" must describe the current list");
        goto done;
    }
    if (read_integer(o, "serial", 1, &out->serial, err) != 0 || read_time(o, "issued", &out->issued, err) != 0 ||
        read_time(o, "expires", &out->expires, err) != 0 ||
        read_integer(list, "version", 1, &out->list_version, err) != 0 ||
        read_integer(list, "entries", 0, &out->entries, err) != 0 ||
        read_integer(list, "accounts", 0, &out->accounts, err) != 0 ||
        read_hex(list, "content_digest", LIST_DIGEST_HEX_BYTES - 1, out->content_digest, err) != 0 ||
        read_file(list, 0, &out->list, err) != 0)
        goto done;
    if (out->expires <= out->issued) {
        netral_fail(err, NETRAL_E_FORMAT, "the index expires before it is issued");
        goto done;
    }
    deltas = cJSON_GetObjectItemCaseSensitive(o, "deltas");
    if (deltas != NULL && (!cJSON_IsArray(deltas) || cJSON_GetArraySize(deltas) > (int)MAX_INDEX_DELTAS)) {
        netral_fail(err, NETRAL_E_FORMAT, "index: \"deltas\" must list at most %u deltas", MAX_INDEX_DELTAS);
        goto done;
    }
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(o, "keys");
    if (keys != NULL) {
        if (read_file(keys, 0, &out->keys, err) != 0) goto done;
        out->has_keys = 1;
    }
    const cJSON *sites = cJSON_GetObjectItemCaseSensitive(o, "sites");
    if (sites != NULL) {
        if (read_integer(sites, "version", 1, &out->sites_version, err) != 0 || read_file(sites, 0, &out->sites, err) != 0)
            goto done;
        out->has_sites = 1;
    }
    cJSON_ArrayForEach(delta, deltas) {
        int64_t from = 0;
        if (read_integer(delta, "from", 1, &from, err) != 0 ||
            read_file(delta, from, &out->deltas[out->delta_count], err) != 0)
            goto done;
        if (from >= out->list_version) {
            netral_fail(err, NETRAL_E_FORMAT, "index: a delta must lead from a version older than the list's");
            goto done;
        }
        out->delta_count++;
    }
    rc = 0;
done:
    cJSON_Delete(o);
    return rc;
}

int repo_index_verify(const trusted_keys *keys, const char *text, size_t len, const char *sig_text, size_t sig_len,
                      char key_id[MINISIGN_KEY_ID_HEX_BYTES], netral_error *err)
{
    minisign_sig *sig = malloc(sizeof *sig);
    const minisign_pubkey *key;
    unsigned char hash[MINISIGN_HASH_BYTES];
    crypto_generichash_state state;
    int rc = -1;

    if (sig == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (minisign_sig_parse(sig_text, sig_len, sig, err) != 0) goto done;
    minisign_key_id_hex(sig->keynum, key_id);
    key = trusted_keys_find(keys, sig->keynum, NULL);   /* list and index keys may both sign it */
    if (key == NULL) {
        netral_fail(err, NETRAL_E_KEY, "the index is signed by key %s, which is not a trusted key", key_id);
        goto done;
    }
    crypto_generichash_init(&state, NULL, 0, MINISIGN_HASH_BYTES);
    crypto_generichash_update(&state, (const unsigned char *)text, len);
    crypto_generichash_final(&state, hash, MINISIGN_HASH_BYTES);
    rc = minisign_verify(key, sig, hash, err);
done:
    free(sig);
    return rc;
}

/* BLAKE2b-512 and size of DIR/NAME, reading at most LIMIT bytes (then *too_long is set). */
size_t repo_index_files(const repo_index *index, const repo_file *out[REPO_INDEX_MAX_FILES])
{
    size_t n = 0;
    out[n++] = &index->list;
    if (index->has_keys) out[n++] = &index->keys;
    if (index->has_sites) out[n++] = &index->sites;
    for (size_t i = 0; i < index->delta_count; i++) out[n++] = &index->deltas[i];
    return n;
}

int repo_index_accept(const netral_paths *paths, const char *text, size_t len, const char *sig_text, size_t sig_len,
                      repo_index *out, netral_error *err)
{
    char key_id[MINISIGN_KEY_ID_HEX_BYTES];
    trusted_keys *keys = malloc(sizeof *keys);
    int rc = -1;
    if (keys == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (trusted_keys_load(paths, keys, err) != 0) goto done;
    if (keys->refused[0] != '\0') {
        netral_fail(err, NETRAL_E_KEY, "the trusted keys are not usable: %s", keys->refused);
        goto done;
    }
    if (repo_index_verify(keys, text, len, sig_text, sig_len, key_id, err) != 0) goto done;
    rc = repo_index_parse(text, len, out, err);   /* only once its signature holds */
done:
    free(keys);
    return rc;
}

int repo_index_judge(const repo_index *index, int64_t last_serial, int64_t installed, int64_t now, netral_error *err)
{
    char when[ISOTIME_BYTES];
    if (index->serial < last_serial)
        return netral_fail(err, NETRAL_E_ROLLBACK, "the index (serial %lld) is older than one verified before (serial %lld): "
                           "a stale or replayed copy of the repository", (long long)index->serial, (long long)last_serial);
    if (index->expires <= now) {
        isotime_format(index->expires, when);
        return netral_fail(err, NETRAL_E_EXPIRED, "the index expired at %s: the repository is no longer being re-signed, "
                           "so the list may be out of date", when);
    }
    if (index->list_version < installed)
        return netral_fail(err, NETRAL_E_ROLLBACK, "the index names list version %lld, older than the installed version %lld",
                           (long long)index->list_version, (long long)installed);
    return 0;
}

static int hash_file(const char *dir, const char *name, uint64_t limit, unsigned char hash[MINISIGN_HASH_BYTES],
                     uint64_t *size, int *too_long, netral_error *err)
{
    char path[NETRAL_PATH_BYTES];
    unsigned char buf[65536];
    crypto_generichash_state state;
    struct stat st;
    int fd, rc = -1;

    *size = 0;
    *too_long = 0;
    if (path_join(path, sizeof path, dir, name, err) != 0) return -1;
    fd = os_open_read_plain(path);
    if (fd < 0 && errno == ELOOP)
        return netral_fail(err, NETRAL_E_FORMAT, "%s is a symbolic link: a repository holds plain files", path);
    if (fd < 0) return netral_fail(err, NETRAL_E_IO, "cannot open %s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        netral_fail(err, NETRAL_E_FORMAT, "%s is not a regular file: a repository holds plain files", path);
        goto done;
    }
    crypto_generichash_init(&state, NULL, 0, MINISIGN_HASH_BYTES);
    for (;;) {
        size_t want = sizeof buf;
        if (limit - *size + 1 < want) want = (size_t)(limit - *size + 1);   /* one byte past the limit at most */
        ssize_t n = os_read(fd, buf, want);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            netral_fail(err, NETRAL_E_IO, "cannot read %s: %s", path, strerror(errno));
            goto done;
        }
        if (n == 0) break;
        *size += (uint64_t)n;
        if (*size > limit) {
            *too_long = 1;
            break;
        }
        crypto_generichash_update(&state, buf, (unsigned long long)n);
    }
    crypto_generichash_final(&state, hash, MINISIGN_HASH_BYTES);
    rc = 0;
done:
    close(fd);
    return rc;
}

int repo_file_check(const char *dir, const repo_file *f, netral_error *err)
{
    unsigned char hash[MINISIGN_HASH_BYTES];
    char hex[REPO_HASH_HEX_BYTES];
    uint64_t size;
    int too_long;
    if (hash_file(dir, f->file, f->size, hash, &size, &too_long, err) != 0) return -1;
    if (too_long)
        return netral_fail(err, NETRAL_E_TOO_LARGE, "%s is longer than the %llu bytes the index names: cut off there",
                           f->file, (unsigned long long)f->size);
    hex_of(hash, sizeof hash, hex);
    if (size != f->size || strcmp(hex, f->blake2b) != 0)
        return netral_fail(err, NETRAL_E_SIGNATURE, "%s is not the file the index names (size or digest differ)",
                           f->file);
    return 0;
}

int repo_file_describe(const char *dir, const char *name, const char *signature, int64_t from, repo_file *f,
                       netral_error *err)
{
    unsigned char hash[MINISIGN_HASH_BYTES];
    int too_long;
    memset(f, 0, sizeof *f);
    if (strlen(name) >= REPO_NAME_BYTES || strlen(signature) >= REPO_NAME_BYTES)
        return netral_fail(err, NETRAL_E_TOO_LARGE, "file name too long: %s", name);
    if (hash_file(dir, name, MAX_LIST_BYTES, hash, &f->size, &too_long, err) != 0) return -1;
    if (too_long) return netral_fail(err, NETRAL_E_TOO_LARGE, "%s is over the limit of %u bytes", name, MAX_LIST_BYTES);
    hex_of(hash, sizeof hash, f->blake2b);
    strcpy(f->file, name);
    strcpy(f->signature, signature);
    f->from = from;
    return 0;
}

static cJSON *file_object(const repo_file *f)
{
    cJSON *o = cJSON_CreateObject();
    if (f->from > 0) json_add_integer(o, "from", f->from);
    cJSON_AddStringToObject(o, "file", f->file);
    json_add_integer(o, "size", (int64_t)f->size);
    cJSON_AddStringToObject(o, "blake2b", f->blake2b);
    cJSON_AddStringToObject(o, "signature", f->signature);
    return o;
}

char *repo_index_print(const repo_index *index)
{
    char when[ISOTIME_BYTES];
    cJSON *o = cJSON_CreateObject(), *list, *deltas;
    char *text;
    cJSON_AddStringToObject(o, "format", INDEX_FORMAT_NAME);
    json_add_integer(o, "format_version", INDEX_FORMAT_VERSION);
    json_add_integer(o, "serial", index->serial);
    isotime_format(index->issued, when);
    cJSON_AddStringToObject(o, "issued", when);
    isotime_format(index->expires, when);
    cJSON_AddStringToObject(o, "expires", when);
    list = file_object(&index->list);
    json_add_integer(list, "version", index->list_version);
    cJSON_AddStringToObject(list, "content_digest", index->content_digest);
    json_add_integer(list, "entries", index->entries);
    json_add_integer(list, "accounts", index->accounts);
    cJSON_AddItemToObject(o, "list", list);
    deltas = cJSON_AddArrayToObject(o, "deltas");
    for (size_t i = 0; i < index->delta_count; i++) cJSON_AddItemToArray(deltas, file_object(&index->deltas[i]));
    if (index->has_keys) cJSON_AddItemToObject(o, "keys", file_object(&index->keys));
    if (index->has_sites) {
        cJSON *sites = file_object(&index->sites);
        json_add_integer(sites, "version", index->sites_version);
        cJSON_AddItemToObject(o, "sites", sites);
    }
    text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}
