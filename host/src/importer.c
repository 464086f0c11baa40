#include "importer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "clock.h"
#include "fileio.h"
#include "isotime.h"
#include "listfile.h"
#include "os.h"
#include "store_build.h"

#define STAGED_LIST ".list.jsonl.new"
#define STAGED_DB ".netral.db.new"
#define COPY_SIG_FILE LIST_COPY_FILE ".minisig"

typedef struct {
    char lock[NETRAL_PATH_BYTES], staged_list[NETRAL_PATH_BYTES], staged_db[NETRAL_PATH_BYTES];
    char list_copy[NETRAL_PATH_BYTES], sig_copy[NETRAL_PATH_BYTES], last_import[NETRAL_PATH_BYTES];
} import_paths;

static int import_paths_make(const netral_paths *p, import_paths *out, netral_error *err)
{
    const char *d = p->data_dir;
    return path_join(out->lock, sizeof out->lock, d, IMPORT_LOCK_FILE, err) ||
                   path_join(out->staged_list, sizeof out->staged_list, d, STAGED_LIST, err) ||
                   path_join(out->staged_db, sizeof out->staged_db, d, STAGED_DB, err) ||
                   path_join(out->list_copy, sizeof out->list_copy, d, LIST_COPY_FILE, err) ||
                   path_join(out->sig_copy, sizeof out->sig_copy, d, COPY_SIG_FILE, err) ||
                   path_join(out->last_import, sizeof out->last_import, d, LAST_IMPORT_FILE, err)
               ? -1
               : 0;
}

/* Copies SRC to the new file DST while hashing it: the copy is what gets parsed, so a file
 * changed after verification cannot slip past it. */
static int copy_and_hash(const char *src, const char *dst, unsigned char hash[MINISIGN_HASH_BYTES],
                         netral_error *err)
{
    crypto_generichash_state state;
    unsigned char buf[65536];
    size_t total = 0;
    int in = -1, out = -1, rc = -1;

    in = os_open_read(src);
    if (in < 0) return netral_fail(err, NETRAL_E_IO, "cannot open %s: %s", src, strerror(errno));
    out = os_create_new(dst);   /* readable by all: the kept copy is public */
    if (out < 0) {
        netral_fail(err, NETRAL_E_IO, "cannot create %s: %s", dst, strerror(errno));
        goto done;
    }
    crypto_generichash_init(&state, NULL, 0, MINISIGN_HASH_BYTES);
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            netral_fail(err, NETRAL_E_IO, "cannot read %s: %s", src, strerror(errno));
            goto done;
        }
        if (n == 0) break;
        total += (size_t)n;
        if (total > MAX_LIST_BYTES) {
            netral_fail(err, NETRAL_E_TOO_LARGE, "the list is over the limit of %u bytes", MAX_LIST_BYTES);
            goto done;
        }
        crypto_generichash_update(&state, buf, (unsigned long long)n);
        if (fd_write_all(out, buf, (size_t)n) != 0) {
            netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", dst, strerror(errno));
            goto done;
        }
    }
    if (os_sync_fd(out) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", dst, strerror(errno));
        goto done;
    }
    crypto_generichash_final(&state, hash, MINISIGN_HASH_BYTES);
    rc = 0;
done:
    if (in >= 0) close(in);
    if (out >= 0 && close(out) != 0 && rc == 0)
        rc = netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", dst, strerror(errno));
    return rc;
}

/* Reads the signature at SIG_PATH and finds the trusted key that made it. */
static int load_signature(const netral_paths *paths, const char *sig_path, minisign_sig *sig,
                          minisign_pubkey *key, netral_error *err)
{
    char *text = NULL;
    size_t len = 0;
    trusted_keys *keys = NULL;
    const minisign_pubkey *found;
    char id[MINISIGN_KEY_ID_HEX_BYTES];
    int rc = -1;

    if (file_read_bounded(sig_path, MAX_SIG_FILE_BYTES, &text, &len, err) != 0) goto done;
    if (minisign_sig_parse(text, len, sig, err) != 0) goto done;
    keys = malloc(sizeof *keys);
    if (keys == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        goto done;
    }
    if (trusted_keys_load(paths, keys, err) != 0) goto done;
    minisign_key_id_hex(sig->keynum, id);
    if (keys->count == 0) {
        netral_fail(err, NETRAL_E_KEY, "no trusted key in %s%c" KEYS_SUBDIR " (the list is signed by key %s)",
                    paths->config_dir, OS_DIR_SEPARATOR, id);
        goto done;
    }
    found = trusted_keys_find(keys, sig->keynum);
    if (found == NULL) {
        netral_fail(err, NETRAL_E_KEY, "the list is signed by key %s, which is not a trusted key", id);
        goto done;
    }
    *key = *found;
    rc = 0;
done:
    free(keys);
    free(text);
    return rc;
}

/* Verifies LIST against SIG with a trusted key, staging a copy at STAGED (left in place on
 * success, removed on failure). */
static int verify_into(const netral_paths *paths, const char *list, const char *sig_path,
                       const char *staged, minisign_sig *sig, netral_error *err)
{
    minisign_pubkey key;
    unsigned char hash[MINISIGN_HASH_BYTES];
    if (load_signature(paths, sig_path, sig, &key, err) != 0) return -1;
    if (copy_and_hash(list, staged, hash, err) != 0 || minisign_verify(&key, sig, hash, err) != 0) {
        (void)unlink(staged);
        return -1;
    }
    return 0;
}

static int read_header(const char *path, line_reader *r, int *fd, list_header *h, netral_error *err)
{
    const char *line;
    size_t len;
    int got;
    *fd = os_open_read(path);
    if (*fd < 0) return netral_fail(err, NETRAL_E_IO, "cannot open %s: %s", path, strerror(errno));
    line_reader_init(r, *fd);
    got = line_reader_next(r, &line, &len, err);
    if (got < 0) return -1;
    if (got == 0) return netral_fail(err, NETRAL_E_FORMAT, "the list is empty");
    return list_parse_header(line, len, h, err);
}

/* The version installed now: the newer of the database's and of the kept verified copy's, so
 * that a damaged or deleted database does not open the door to an old list. */
static int64_t installed_version(const netral_paths *paths, const import_paths *ip)
{
    int64_t version = 0;
    store *s = NULL;
    store_meta meta;
    netral_error ignored;
    char probe[NETRAL_PATH_BYTES];
    minisign_sig *sig = malloc(sizeof *sig);
    line_reader *r = malloc(sizeof *r);
    list_header *h = malloc(sizeof *h);
    int fd = -1;

    if (store_open(paths->db_path, &s, &ignored) == 0 && store_get_meta(s, &meta, &ignored) == 0)
        version = meta.version;
    store_close(s);
    if (sig == NULL || r == NULL || h == NULL) goto done;
    if (snprintf(probe, sizeof probe, "%s.check-%ld", ip->staged_list, os_process_id()) >= (int)sizeof probe) goto done;
    if (os_exists(ip->list_copy) && verify_into(paths, ip->list_copy, ip->sig_copy, probe, sig, &ignored) == 0) {
        if (read_header(probe, r, &fd, h, &ignored) == 0 && h->version > version) version = h->version;
        (void)unlink(probe);
    }
done:
    if (fd >= 0) close(fd);
    free(sig);
    free(r);
    free(h);
    return version;
}

static void record_outcome(const import_paths *ip, const char *list_path, const import_result *res,
                           const netral_error *failure)
{
    char when[ISOTIME_BYTES];
    cJSON *o = cJSON_CreateObject();
    char *text = NULL;
    netral_error ignored;

    if (o == NULL) return;
    isotime_format(netral_now(), when);
    cJSON_AddStringToObject(o, "at", when);
    cJSON_AddStringToObject(o, "file", list_path);
    cJSON_AddBoolToObject(o, "ok", failure == NULL);
    if (failure == NULL) {
        cJSON_AddNumberToObject(o, "version", (double)res->meta.version);
        cJSON_AddNumberToObject(o, "previous_version", (double)res->previous_version);
        cJSON_AddNumberToObject(o, "entries", (double)res->meta.entries);
        cJSON_AddNumberToObject(o, "accounts", (double)res->meta.accounts);
        cJSON_AddStringToObject(o, "key_id", res->meta.key_id);
    } else {
        cJSON *e = cJSON_AddObjectToObject(o, "error");
        cJSON_AddStringToObject(e, "code", netral_code_name(failure->code));
        cJSON_AddStringToObject(e, "message", failure->msg);
    }
    text = cJSON_PrintUnformatted(o);
    if (text != NULL) (void)file_write_atomic(ip->last_import, text, strlen(text), &ignored);
    cJSON_free(text);
    cJSON_Delete(o);
}

static int build_database(const import_paths *ip, line_reader *r, list_header *h, import_result *out,
                          netral_error *err)
{
    store_builder *b = NULL;
    list_entry *entry = malloc(sizeof *entry);
    const char *line;
    size_t len;
    int got, rc = -1;

    if (entry == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (store_builder_create(ip->staged_db, &b, err) != 0) goto done;
    while ((got = line_reader_next(r, &line, &len, err)) == 1) {
        netral_error line_err;
        if (len == 0) {
            netral_fail(err, NETRAL_E_FORMAT, "line %llu is empty", (unsigned long long)r->line_number);
            goto done;
        }
        if (r->line_number > MAX_LIST_ENTRIES + 1) {
            netral_fail(err, NETRAL_E_TOO_LARGE, "the list has more than %u entries", MAX_LIST_ENTRIES);
            goto done;
        }
        if (list_parse_entry(line, len, entry, &line_err) != 0 || store_builder_add(b, entry, &line_err) != 0) {
            netral_fail(err, line_err.code, "line %llu: %s", (unsigned long long)r->line_number, line_err.msg);
            goto done;
        }
    }
    if (got < 0) goto done;
    out->meta.version = h->version;
    out->meta.issued = h->issued;
    out->meta.expires = h->expires;
    out->meta.imported_at = netral_now();
    snprintf(out->meta.issuer, sizeof out->meta.issuer, "%s", h->issuer);
    snprintf(out->meta.elections_json, sizeof out->meta.elections_json, "%s", h->elections_json);
    rc = store_builder_finish(b, &out->meta, err);
    b = NULL;   /* finished or aborted by finish */
done:
    store_builder_abort(b);
    free(entry);
    return rc;
}

int import_list(const netral_paths *paths, const char *list_path, const char *sig_path,
                import_result *out, netral_error *err)
{
    import_paths ip;
    minisign_sig *sig = malloc(sizeof *sig);
    line_reader *r = malloc(sizeof *r);
    list_header *h = malloc(sizeof *h);
    char *sig_text = NULL;
    size_t sig_len = 0;
    int lock_fd = -1, list_fd = -1, rc = -1, recorded = 0;

    memset(out, 0, sizeof *out);
    if (sig == NULL || r == NULL || h == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        goto done;
    }
    if (import_paths_make(paths, &ip, err) != 0) goto done;
    if (os_make_dir(paths->data_dir) != 0) {   /* readable by all: hosts must reach the database */
        netral_fail(err, NETRAL_E_IO, "cannot create %s: %s", paths->data_dir, strerror(errno));
        goto done;
    }
    lock_fd = os_open_locked(ip.lock);
    if (lock_fd < 0) {
        if (errno == EWOULDBLOCK) netral_fail(err, NETRAL_E_BUSY, "another import is running");
        else netral_fail(err, NETRAL_E_IO, "cannot lock %s: %s", ip.lock, strerror(errno));
        goto done;
    }
    recorded = 1;   /* from here on, the outcome is worth recording */
    /* Leftovers of an import that was killed: nobody else can be using them under the lock. */
    (void)unlink(ip.staged_list);
    (void)unlink(ip.staged_db);

    out->previous_version = installed_version(paths, &ip);
    if (verify_into(paths, list_path, sig_path, ip.staged_list, sig, err) != 0) goto done;
    minisign_key_id_hex(sig->keynum, out->meta.key_id);

    /* Only now, with the bytes verified, is anything in the list believed. */
    if (read_header(ip.staged_list, r, &list_fd, h, err) != 0) goto done;
    if (h->version <= out->previous_version) {
        netral_fail(err, NETRAL_E_ROLLBACK, "list version %lld is not newer than the installed version %lld",
                    (long long)h->version, (long long)out->previous_version);
        goto done;
    }
    if (h->expires <= netral_now()) {
        char when[ISOTIME_BYTES];
        isotime_format(h->expires, when);
        netral_fail(err, NETRAL_E_EXPIRED, "the list expired at %s", when);
        goto done;
    }
    if (build_database(&ip, r, h, out, err) != 0) goto done;

    /* The switch: one rename. Before it the old list answers, after it the new one. */
    if (os_replace(ip.staged_db, paths->db_path) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot install the new database: %s", strerror(errno));
        goto done;
    }
    if (fsync_parent_dir(paths->db_path, err) != 0) goto done;

    /* Keep the verified list and its signature beside it (for audits and repairs). */
    if (os_replace(ip.staged_list, ip.list_copy) != 0 ||
        file_read_bounded(sig_path, MAX_SIG_FILE_BYTES, &sig_text, &sig_len, err) != 0 ||
        file_write_atomic(ip.sig_copy, sig_text, sig_len, err) != 0) {
        fprintf(stderr, "netral: the list is installed, but its copy in %s could not be kept\n", paths->data_dir);
    }
    rc = 0;
done:
    if (recorded) {
        record_outcome(&ip, list_path, out, rc == 0 ? NULL : err);
        (void)unlink(ip.staged_list);
        (void)unlink(ip.staged_db);
    }
    if (list_fd >= 0) close(list_fd);
    if (lock_fd >= 0) close(lock_fd);
    free(sig_text);
    free(sig);
    free(r);
    free(h);
    return rc;
}
