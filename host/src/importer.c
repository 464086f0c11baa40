#include "importer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "clock.h"
#include "fileio.h"
#include "isotime.h"
#include "json.h"
#include "listfile.h"
#include "os.h"
#include "store_build.h"
#include "store_patch.h"

/* Names in the data directory. The kept pair (LIST_COPY_FILE and its .minisig) is exactly the
 * bytes last verified; the staged files are an import in progress, which only the import
 * holding the lock may touch. */
#define STAGED_LIST ".list.jsonl.new"
#define STAGED_SIG ".list.jsonl.minisig.new"
#define STAGED_DB ".netral.db.new"
#define STAGED_DELTA ".delta.jsonl.new"
#define FLOOR_FILE "floor.json"         /* the newest version installed, and its content digest */
#define COPY_SIG_FILE LIST_COPY_FILE ".minisig"
#define TMP_MARK ".tmp-"          /* file_write_atomic's temporary files: NAME.tmp-PID */
#define OLD_PROBE_MARK ".check-"  /* probes of earlier versions: .list.jsonl.new.check-PID */

/* A list may say it was issued this far in the future (clocks differ) before it is refused. */
#define ISSUED_AHEAD_SECONDS (24 * 3600)

typedef struct {
    char lock[NETRAL_PATH_BYTES], staged_list[NETRAL_PATH_BYTES], staged_sig[NETRAL_PATH_BYTES];
    char staged_db[NETRAL_PATH_BYTES], list_copy[NETRAL_PATH_BYTES], sig_copy[NETRAL_PATH_BYTES];
    char last_import[NETRAL_PATH_BYTES], staged_delta[NETRAL_PATH_BYTES], floor[NETRAL_PATH_BYTES];
} import_paths;

/* The newest list ever installed here, by an import or a delta: rollback protection that holds
 * when the database is lost and the kept list is older (a delta installed a newer version). */
typedef struct {
    int64_t version;
    char content_digest[LIST_DIGEST_HEX_BYTES];
    char file_hash[2 * MINISIGN_HASH_BYTES + 1];   /* of the list's bytes; "" when a delta installed it */
} install_floor;

/* What a verified list says of itself, with the digest that identifies its bytes. */
typedef struct {
    int64_t version;
    unsigned char hash[MINISIGN_HASH_BYTES];
} verified_list;

static int import_paths_make(const netral_paths *p, import_paths *out, netral_error *err)
{
    const char *d = p->data_dir;
    return path_join(out->lock, sizeof out->lock, d, IMPORT_LOCK_FILE, err) ||
                   path_join(out->staged_list, sizeof out->staged_list, d, STAGED_LIST, err) ||
                   path_join(out->staged_sig, sizeof out->staged_sig, d, STAGED_SIG, err) ||
                   path_join(out->staged_db, sizeof out->staged_db, d, STAGED_DB, err) ||
                   path_join(out->list_copy, sizeof out->list_copy, d, LIST_COPY_FILE, err) ||
                   path_join(out->sig_copy, sizeof out->sig_copy, d, COPY_SIG_FILE, err) ||
                   path_join(out->last_import, sizeof out->last_import, d, LAST_IMPORT_FILE, err) ||
                   path_join(out->staged_delta, sizeof out->staged_delta, d, STAGED_DELTA, err) ||
                   path_join(out->floor, sizeof out->floor, d, FLOOR_FILE, err)
               ? -1
               : 0;
}

/* The reason for a failed write, with what to do when it was the file size limit (ulimit -f). */
static const char *write_error(int e)
{
    return e == EFBIG ? "the file size limit (ulimit -f) is too small for the list" : strerror(e);
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
            netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", dst, write_error(errno));
            goto done;
        }
    }
    if (os_sync_fd(out) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", dst, write_error(errno));
        goto done;
    }
    crypto_generichash_final(&state, hash, MINISIGN_HASH_BYTES);
    rc = 0;
done:
    if (in >= 0) close(in);
    if (out >= 0 && close(out) != 0 && rc == 0)
        rc = netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", dst, write_error(errno));
    return rc;
}

/* The trusted keys, refused whole when they cannot be trusted as a set. */
static trusted_keys *load_keys(const netral_paths *paths, netral_error *err)
{
    trusted_keys *keys = malloc(sizeof *keys);
    if (keys == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        return NULL;
    }
    if (trusted_keys_load(paths, keys, err) != 0) {
        free(keys);
        return NULL;
    }
    if (keys->refused[0] != '\0') {
        netral_fail(err, NETRAL_E_KEY, "the trusted keys are not usable: %s", keys->refused);
        free(keys);
        return NULL;
    }
    return keys;
}

/* Parses the signature SIG_TEXT and finds the trusted key that made it. */
static int find_signer(const netral_paths *paths, const trusted_keys *keys, const char *sig_path,
                       const char *sig_text, size_t sig_len, minisign_sig *sig, minisign_pubkey *key,
                       netral_error *err)
{
    const minisign_pubkey *found;
    char id[MINISIGN_KEY_ID_HEX_BYTES];
    netral_error parse_err;

    if (minisign_sig_parse(sig_text, sig_len, sig, &parse_err) != 0)
        return netral_fail(err, parse_err.code, "%s: %s", sig_path, parse_err.msg);
    minisign_key_id_hex(sig->keynum, id);
    if (keys->count == 0 && keys->rejected > 0)
        return netral_fail(err, NETRAL_E_KEY, "no usable trusted key in %s%c" KEYS_SUBDIR ": %s", paths->config_dir,
                           OS_DIR_SEPARATOR, keys->first_problem);
    if (keys->count == 0)
        return netral_fail(err, NETRAL_E_KEY, "no trusted key in %s%c" KEYS_SUBDIR " (the list is signed by key %s)",
                           paths->config_dir, OS_DIR_SEPARATOR, id);
    key_role role;
    found = trusted_keys_find(keys, sig->keynum, &role);
    if (found == NULL)
        return netral_fail(err, NETRAL_E_KEY, "the list is signed by key %s, which is not a trusted key", id);
    if (role != KEY_ROLE_LIST)
        return netral_fail(err, NETRAL_E_KEY, "the list is signed by key %s, which may only sign the index", id);
    *key = *found;
    return 0;
}

/* The version in the header of the list file at PATH (whose bytes the caller verified). */
static int read_header(const char *path, list_header *h, netral_error *err)
{
    line_reader *r = malloc(sizeof *r);
    const char *line;
    size_t len;
    int fd = -1, rc = -1, got;

    if (r == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    fd = os_open_read(path);
    if (fd < 0) {
        netral_fail(err, NETRAL_E_IO, "cannot open %s: %s", path, strerror(errno));
        goto done;
    }
    line_reader_init(r, fd);
    got = line_reader_next(r, &line, &len, err);
    if (got == 0) netral_fail(err, NETRAL_E_FORMAT, "the list is empty");
    if (got == 1) rc = list_parse_header(line, len, h, err);
done:
    if (fd >= 0) close(fd);
    free(r);
    return rc;
}

/* Whether LIST (in the data directory) and the signature at SIG_PATH are a pair that verifies
 * with a trusted key; then OUT says which list it is. Files in the data directory are only
 * written by an import under the lock, so they are verified where they are. */
static int verify_in_place(const netral_paths *paths, const trusted_keys *keys, const char *list,
                           const char *sig_path, verified_list *out)
{
    minisign_sig *sig = malloc(sizeof *sig);
    list_header *h = malloc(sizeof *h);
    minisign_pubkey key;
    char *sig_text = NULL;
    size_t sig_len = 0;
    netral_error ignored;
    int rc = -1;

    if (sig == NULL || h == NULL || !os_exists(list) || !os_exists(sig_path)) goto done;
    if (file_read_bounded(sig_path, MAX_SIG_FILE_BYTES, &sig_text, &sig_len, &ignored) != 0 ||
        find_signer(paths, keys, sig_path, sig_text, sig_len, sig, &key, &ignored) != 0 ||
        minisign_hash_file(list, MAX_LIST_BYTES, out->hash, &ignored) != 0 ||
        minisign_verify(&key, sig, out->hash, &ignored) != 0 || read_header(list, h, &ignored) != 0)
        goto done;
    out->version = h->version;
    rc = 0;
done:
    free(sig_text);
    free(sig);
    free(h);
    return rc;
}

/* Removes what killed imports left behind: staged files, temporary files, old probes. Only an
 * import under the lock writes these, so none of them is in use now. */
static void remove_leftovers(const netral_paths *paths, const import_paths *ip)
{
    DIR *d = opendir(paths->data_dir);
    struct dirent *ent;
    (void)unlink(ip->staged_db);
    (void)unlink(ip->staged_delta);
    if (d == NULL) return;
    while ((ent = readdir(d)) != NULL) {
        char file[NETRAL_PATH_BYTES];
        netral_error ignored;
        if (strstr(ent->d_name, TMP_MARK) == NULL && strstr(ent->d_name, OLD_PROBE_MARK) == NULL) continue;
        if (path_join(file, sizeof file, paths->data_dir, ent->d_name, &ignored) == 0) (void)unlink(file);
    }
    closedir(d);
}

/* Makes the kept pair the newest list and signature that verify together, out of the kept and
 * the staged files: an import killed while it switched them may have left the new list with the
 * old signature, or the reverse. Whatever is not needed is removed. *KEPT is the kept list, or
 * version 0 when none verifies. */
static void settle_kept_pair(const netral_paths *paths, const trusted_keys *keys, const import_paths *ip,
                             const install_floor *floor_record, verified_list *kept)
{
    const char *lists[2] = {ip->list_copy, ip->staged_list}, *sigs[2] = {ip->sig_copy, ip->staged_sig};
    int best_list = -1, best_sig = -1;
    netral_error ignored;

    kept->version = 0;
    /* Nothing staged, and a floor record (written by every install before its kept pair): the
     * kept pair is whole and not newer than the floor, so it need not be read (a 200 MB list
     * costs a second to hash). Installs from before floor records are read. */
    if (floor_record->version > 0 && !os_exists(ip->staged_list) && !os_exists(ip->staged_sig)) return;
    for (int l = 0; l < 2; l++) {
        for (int s = 0; s < 2; s++) {
            verified_list candidate;
            if (verify_in_place(paths, keys, lists[l], sigs[s], &candidate) != 0 || candidate.version <= kept->version)
                continue;
            *kept = candidate;
            best_list = l;
            best_sig = s;
        }
    }
    /* Signature first: the list alone never names a version that its signature does not cover. */
    if (best_sig == 1 && os_replace(ip->staged_sig, ip->sig_copy) != 0) kept->version = 0;
    if (best_list == 1 && os_replace(ip->staged_list, ip->list_copy) != 0) kept->version = 0;
    if (best_list == 1 || best_sig == 1) (void)fsync_parent_dir(ip->list_copy, &ignored);
    (void)unlink(ip->staged_list);
    (void)unlink(ip->staged_sig);
}

static void read_floor(const import_paths *ip, install_floor *out)
{
    cJSON *o = json_read_file(ip->floor, 4096);
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(o, "version");
    const cJSON *digest = cJSON_GetObjectItemCaseSensitive(o, "content_digest");
    const cJSON *file_hash = cJSON_GetObjectItemCaseSensitive(o, "file_hash");
    memset(out, 0, sizeof *out);
    if (cJSON_IsNumber(version) && version->valuedouble >= 1 && version->valuedouble < 9007199254740992.0 &&
        cJSON_IsString(digest) && strlen(digest->valuestring) == LIST_DIGEST_HEX_BYTES - 1) {
        out->version = (int64_t)version->valuedouble;
        memcpy(out->content_digest, digest->valuestring, LIST_DIGEST_HEX_BYTES);
        if (cJSON_IsString(file_hash) && strlen(file_hash->valuestring) == sizeof out->file_hash - 1)
            memcpy(out->file_hash, file_hash->valuestring, sizeof out->file_hash);
    }
    cJSON_Delete(o);
}

static void hex_of_hash(const unsigned char hash[MINISIGN_HASH_BYTES], char out[2 * MINISIGN_HASH_BYTES + 1])
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < MINISIGN_HASH_BYTES; i++) {
        out[2 * i] = hex[hash[i] >> 4];
        out[2 * i + 1] = hex[hash[i] & 15];
    }
    out[2 * MINISIGN_HASH_BYTES] = '\0';
}

/* Records META's version as the floor; FILE_HASH is the list's, or NULL for a delta. */
static int write_floor(const import_paths *ip, const store_meta *meta, const unsigned char *file_hash, netral_error *err)
{
    char text[512], hex[2 * MINISIGN_HASH_BYTES + 1] = "";
    int n;
    if (file_hash != NULL) hex_of_hash(file_hash, hex);
    n = snprintf(text, sizeof text, "{\"version\":%lld,\"content_digest\":\"%s\"%s%s%s}", (long long)meta->version,
                 meta->content_digest, hex[0] ? ",\"file_hash\":\"" : "", hex, hex[0] ? "\"" : "");
    if (n < 0 || (size_t)n >= sizeof text) return netral_fail(err, NETRAL_E_IO, "cannot record the installed version");
    return file_write_atomic(ip->floor, text, (size_t)n, err);
}

/* The version the installed database holds, or 0 when there is none that can be read. One of
 * version OFFERED (the list being imported) is read whole first: a damaged database is as good
 * as lost, so that the same list can repair it. */
static int64_t database_version(const netral_paths *paths, int64_t offered)
{
    store *s = NULL;
    store_meta *meta = malloc(sizeof *meta);
    netral_error ignored;
    int64_t version = 0;
    if (meta != NULL && store_open(paths->db_path, &s, &ignored) == 0 && store_get_meta(s, meta, &ignored) == 0 &&
        (meta->version != offered || store_verify(s, &ignored) == 0))
        version = meta->version;
    store_close(s);
    free(meta);
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
    json_add_text(o, "file", list_path);
    cJSON_AddBoolToObject(o, "ok", failure == NULL);
    if (failure == NULL) {
        json_add_integer(o, "version", res->meta.version);
        json_add_integer(o, "previous_version", res->previous_version);
        json_add_integer(o, "entries", res->meta.entries);
        json_add_integer(o, "accounts", res->meta.accounts);
        cJSON_AddStringToObject(o, "key_id", res->meta.key_id);
        cJSON_AddBoolToObject(o, "repaired", res->repaired);
    } else {
        cJSON *e = cJSON_AddObjectToObject(o, "error");
        cJSON_AddStringToObject(e, "code", netral_code_name(failure->code));
        json_add_text(e, "message", failure->msg);
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
        if (list_parse_entry(line, len, entry, &line_err) != 0 || store_builder_add(b, entry, r->line_number, &line_err) != 0) {
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

/* The list to import must be a file we can read: said before anything about its signature. */
static int check_list_file(const char *list_path, netral_error *err)
{
    struct stat st;
    int fd = os_open_read(list_path);
    if (fd < 0) return netral_fail(err, NETRAL_E_IO, "cannot open the list %s: %s", list_path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return netral_fail(err, NETRAL_E_IO, "%s is not a file", list_path);
    }
    close(fd);
    return 0;
}

/* Whether list H (with content HASH) may replace what is installed: newer than the database, the
 * kept verified list and the recorded floor; or exactly what was installed again while the
 * database lacks it (a repair): the kept list's bytes, or the floor's content (then *DIGEST_TO_MATCH
 * is set, to be compared once the database is built). Anything older is refused. */
static int check_version(const list_header *h, const unsigned char hash[MINISIGN_HASH_BYTES], int64_t db_version,
                         const verified_list *kept, const install_floor *floor_record, import_result *out,
                         const char **digest_to_match, netral_error *err)
{
    int64_t floor = db_version > kept->version ? db_version : kept->version;
    if (floor_record->version > floor) floor = floor_record->version;
    out->previous_version = floor;
    *digest_to_match = NULL;
    if (h->version > floor) return 0;
    if (h->version == floor && db_version < floor) {
        if (kept->version == floor) {   /* the kept list's very bytes, nothing else */
            if (sodium_memcmp(hash, kept->hash, MINISIGN_HASH_BYTES) == 0) {
                out->repaired = 1;
                return 0;
            }
        } else if (floor_record->version == floor && floor_record->file_hash[0] != '\0') {   /* a full list */
            char hex[2 * MINISIGN_HASH_BYTES + 1];
            hex_of_hash(hash, hex);
            if (strcmp(hex, floor_record->file_hash) == 0) {
                out->repaired = 1;
                return 0;
            }
        } else if (floor_record->version == floor) {   /* installed by a delta: the same content */
            out->repaired = 1;
            *digest_to_match = floor_record->content_digest;
            return 0;
        }
        return netral_fail(err, NETRAL_E_ROLLBACK,
                           "list version %lld is not the one kept as verified (different content): only the same "
                           "list can repair the database, or a newer one replace it",
                           (long long)h->version);
    }
    if (h->version == floor)
        return netral_fail(err, NETRAL_E_ROLLBACK, "list version %lld is already installed", (long long)h->version);
    return netral_fail(err, NETRAL_E_ROLLBACK, "list version %lld is not newer than the installed version %lld",
                       (long long)h->version, (long long)floor);
}

static int check_dates(const list_header *h, netral_error *err)
{
    char when[ISOTIME_BYTES];
    int64_t now = netral_now();
    if (h->expires <= now) {
        isotime_format(h->expires, when);
        return netral_fail(err, NETRAL_E_EXPIRED, "the list expired at %s", when);
    }
    if (h->issued > now + ISSUED_AHEAD_SECONDS) {
        isotime_format(h->issued, when);
        return netral_fail(err, NETRAL_E_FORMAT,
                           "the list says it was issued at %s, in the future: check this computer's clock", when);
    }
    return 0;
}

int kept_list_check(const netral_paths *paths, const trusted_keys *keys, char *list_path, size_t size,
                    int64_t *version)
{
    import_paths ip;
    verified_list kept;
    netral_error ignored;
    if (import_paths_make(paths, &ip, &ignored) != 0 || strlen(ip.list_copy) >= size) return -1;
    strcpy(list_path, ip.list_copy);
    if (!os_exists(ip.list_copy) && !os_exists(ip.sig_copy)) return 0;
    if (verify_in_place(paths, keys, ip.list_copy, ip.sig_copy, &kept) != 0) return -1;
    *version = kept.version;
    return 1;
}

/* What an import holds once the file it was given is verified and staged in the data directory:
 * the lock, the signature's bytes (kept with the list), what was installed before, and a reader
 * positioned after the staged file's first line. */
typedef struct {
    int lock_fd, staged_fd;
    trusted_keys *keys;
    minisign_sig sig;
    char *sig_text;
    size_t sig_len;
    unsigned char hash[MINISIGN_HASH_BYTES];
    verified_list kept;
    install_floor floor;
    line_reader reader;
    const char *first_line;
    size_t first_len;
} intake;

/* Locks the data directory, then checks the file SRC (it is named first), reads its signature
 * SIG_PATH and the trusted keys, removes leftovers, settles the kept pair, and copies SRC to
 * STAGED while hashing it, verifying the signature over exactly those bytes. *LOCKED is set once
 * the lock is held (from then on the outcome is worth recording). WHAT names the file's kind. */
static int take_in(const netral_paths *paths, const import_paths *ip, const char *src, const char *sig_path,
                   const char *staged, const char *what, intake *in, int *locked, netral_error *err)
{
    char why[NETRAL_ERROR_MSG_BYTES - 16];
    minisign_pubkey key;
    int got;

#ifdef SIGXFSZ
    signal(SIGXFSZ, SIG_IGN);   /* a file size limit makes writes fail with EFBIG, said in words */
#endif
    if (os_make_dir(paths->data_dir) != 0)   /* readable by all: hosts must reach the database */
        return netral_fail(err, NETRAL_E_IO, "cannot create %s: %s", paths->data_dir, strerror(errno));
    if (os_check_private(paths->data_dir, why, sizeof why) != 0) return netral_fail(err, NETRAL_E_IO, "%s", why);
    in->lock_fd = os_open_locked(ip->lock);
    if (in->lock_fd < 0) {
        if (errno == EWOULDBLOCK) return netral_fail(err, NETRAL_E_BUSY, "another import is running");
        return netral_fail(err, NETRAL_E_IO, "cannot lock %s: %s", ip->lock, strerror(errno));
    }
    *locked = 1;
    /* The file first, then its signature, then the keys: each error names its own file. */
    if (check_list_file(src, err) != 0 ||
        file_read_bounded(sig_path, MAX_SIG_FILE_BYTES, &in->sig_text, &in->sig_len, err) != 0 ||
        (in->keys = load_keys(paths, err)) == NULL ||
        find_signer(paths, in->keys, sig_path, in->sig_text, in->sig_len, &in->sig, &key, err) != 0)
        return -1;
    remove_leftovers(paths, ip);
    read_floor(ip, &in->floor);
    settle_kept_pair(paths, in->keys, ip, &in->floor, &in->kept);
    if (copy_and_hash(src, staged, in->hash, err) != 0 || minisign_verify(&key, &in->sig, in->hash, err) != 0)
        return -1;
    /* Only now, with the bytes verified, is anything in the file believed. */
    in->staged_fd = os_open_read(staged);
    if (in->staged_fd < 0) return netral_fail(err, NETRAL_E_IO, "cannot open %s: %s", staged, strerror(errno));
    line_reader_init(&in->reader, in->staged_fd);
    got = line_reader_next(&in->reader, &in->first_line, &in->first_len, err);
    if (got == 0) return netral_fail(err, NETRAL_E_FORMAT, "the %s is empty", what);
    return got < 0 ? -1 : 0;
}

static void release(intake *in)
{
    if (in->staged_fd >= 0) close(in->staged_fd);
    if (in->lock_fd >= 0) close(in->lock_fd);
    free(in->sig_text);
    free(in->keys);
    free(in);
}

static intake *intake_new(void)
{
    intake *in = calloc(1, sizeof *in);
    if (in != NULL) in->lock_fd = in->staged_fd = -1;
    return in;
}

int import_list(const netral_paths *paths, const char *list_path, const char *sig_path,
                import_result *out, netral_error *err)
{
    return import_list_expecting(paths, list_path, sig_path, NULL, out, err);
}

int import_list_expecting(const netral_paths *paths, const char *list_path, const char *sig_path,
                          const char *expected_digest, import_result *out, netral_error *err)
{
    import_paths ip;
    const char *digest_to_match = NULL;
    intake *in = intake_new();
    line_reader *r = NULL;
    list_header *h = malloc(sizeof *h);
    int64_t db_version;
    int rc = -1, recorded = 0;

    memset(out, 0, sizeof *out);
    if (in == NULL || h == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        goto done;
    }
    if (import_paths_make(paths, &ip, err) != 0 ||
        take_in(paths, &ip, list_path, sig_path, ip.staged_list, "list", in, &recorded, err) != 0)
        goto done;
    minisign_key_id_hex(in->sig.keynum, out->meta.key_id);
    r = &in->reader;
    if (list_parse_header(in->first_line, in->first_len, h, err) != 0) goto done;
    db_version = database_version(paths, h->version);
    if (check_version(h, in->hash, db_version, &in->kept, &in->floor, out, &digest_to_match, err) != 0 ||
        check_dates(h, err) != 0)
        goto done;
    if (build_database(&ip, r, h, out, err) != 0) goto done;
    if (h->content_digest[0] != '\0' && strcmp(h->content_digest, out->meta.content_digest) != 0) {
        netral_fail(err, NETRAL_E_FORMAT, "the entries do not add up to the content digest in the header");
        goto done;
    }
    if (expected_digest != NULL && strcmp(expected_digest, out->meta.content_digest) != 0) {
        netral_fail(err, NETRAL_E_FORMAT, "the list's entries are not the content the index names");
        goto done;
    }
    if (digest_to_match != NULL && strcmp(digest_to_match, out->meta.content_digest) != 0) {
        netral_fail(err, NETRAL_E_ROLLBACK, "list version %lld is not the content installed before: only the same "
                    "list can repair the database, or a newer one replace it", (long long)h->version);
        goto done;
    }
    if (file_write_atomic(ip.staged_sig, in->sig_text, in->sig_len, err) != 0) goto done;   /* the bytes verified */

    /* The switch: one rename. Before it the old list answers, after it the new one. */
    if (os_replace(ip.staged_db, paths->db_path) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot install the new database: %s", strerror(errno));
        goto done;
    }
    if (fsync_parent_dir(paths->db_path, err) != 0) goto done;
    if (write_floor(&ip, &out->meta, in->hash, err) != 0) goto done;

    /* Keep the verified pair (for audits and repairs): signature, then list. A kill between the
     * two is settled by the next import (settle_kept_pair). */
    if (os_replace(ip.staged_sig, ip.sig_copy) != 0 || os_replace(ip.staged_list, ip.list_copy) != 0 ||
        fsync_parent_dir(ip.list_copy, err) != 0)
        fprintf(stderr, "netral: the list is installed, but its copy in %s could not be kept\n", paths->data_dir);
    rc = 0;
done:
    if (recorded) {
        record_outcome(&ip, list_path, out, rc == 0 ? NULL : err);
        /* A failed import leaves the kept pair as it found it: nothing staged survives. */
        (void)unlink(ip.staged_list);
        (void)unlink(ip.staged_sig);
        (void)unlink(ip.staged_db);
    }
    if (in != NULL) release(in);
    free(h);
    return rc;
}

/* Applies the verified delta at STAGED (its header in D) onto a copy of the database. */
static int apply_delta(const netral_paths *paths, const import_paths *ip, line_reader *r, const delta_header *d,
                       import_result *out, netral_error *err)
{
    store_patch *patch = NULL;
    delta_op *op = malloc(sizeof *op);
    const char *line;
    size_t len;
    int got, rc = -1, removing = 1;

    if (op == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (store_patch_begin(paths->db_path, ip->staged_db, &patch, err) != 0) goto done;
    while ((got = line_reader_next(r, &line, &len, err)) == 1) {
        netral_error op_err;
        if (delta_parse_op(line, len, op, &op_err) != 0 ||
            (op->add ? store_patch_add(patch, &op->account, &op->entity, &op_err)
                     : store_patch_remove(patch, &op->account, &op_err)) != 0) {
            netral_fail(err, op_err.code, "delta line %llu: %s", (unsigned long long)r->line_number, op_err.msg);
            goto done;
        }
        if (!op->add && !removing) {
            netral_fail(err, NETRAL_E_FORMAT, "delta line %llu: removals come before additions",
                        (unsigned long long)r->line_number);
            goto done;
        }
        if (op->add) removing = 0;
    }
    if (got < 0) goto done;
    out->meta.version = d->to;
    out->meta.issued = d->header.issued;
    out->meta.expires = d->header.expires;
    out->meta.imported_at = netral_now();
    out->meta.entries = d->entries;
    snprintf(out->meta.issuer, sizeof out->meta.issuer, "%s", d->header.issuer);
    snprintf(out->meta.elections_json, sizeof out->meta.elections_json, "%s", d->header.elections_json);
    rc = store_patch_finish(patch, &out->meta, err);
    patch = NULL;   /* finished, or aborted by finish */
done:
    store_patch_abort(patch);
    free(op);
    return rc;
}

int import_delta(const netral_paths *paths, const char *delta_path, const char *sig_path, const char *expected_digest,
                 import_result *out, int *not_applicable, netral_error *err)
{
    import_paths ip;
    intake *in = intake_new();
    delta_header *d = malloc(sizeof *d);
    store_meta *installed = malloc(sizeof *installed);
    int rc = -1, recorded = 0;
    store *db = NULL;

    memset(out, 0, sizeof *out);
    *not_applicable = 0;
    if (in == NULL || d == NULL || installed == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        goto done;
    }
    if (import_paths_make(paths, &ip, err) != 0 ||
        take_in(paths, &ip, delta_path, sig_path, ip.staged_delta, "delta", in, &recorded, err) != 0 ||
        delta_parse_header(in->first_line, in->first_len, d, err) != 0)
        goto done;
    minisign_key_id_hex(in->sig.keynum, out->meta.key_id);
    /* Exactly its base: the installed version and content. */
    if (store_open(paths->db_path, &db, err) != 0 || store_get_meta(db, installed, err) != 0) {
        *not_applicable = 1;
        goto done;
    }
    store_close(db);
    db = NULL;
    if (installed->version != d->from || strcmp(installed->content_digest, d->from_digest) != 0) {
        *not_applicable = 1;
        netral_fail(err, NETRAL_E_FORMAT, "the delta leads from version %lld, and version %lld (of other content) is "
                    "installed", (long long)d->from, (long long)installed->version);
        goto done;
    }
    {
        int64_t floor = installed->version > in->kept.version ? installed->version : in->kept.version;
        if (in->floor.version > floor) floor = in->floor.version;
        out->previous_version = installed->version;
        if (d->to <= floor) {
            netral_fail(err, NETRAL_E_ROLLBACK, "the delta leads to version %lld, not newer than version %lld",
                        (long long)d->to, (long long)floor);
            goto done;
        }
    }
    if (check_dates(&d->header, err) != 0) goto done;
    if (apply_delta(paths, &ip, &in->reader, d, out, err) != 0) {
        *not_applicable = err->code == NETRAL_E_FORMAT;
        goto done;
    }
    if (strcmp(out->meta.content_digest, d->to_digest) != 0 ||
        (expected_digest != NULL && strcmp(out->meta.content_digest, expected_digest) != 0)) {
        *not_applicable = 1;
        netral_fail(err, NETRAL_E_FORMAT, "the delta does not add up to the content it names: the full list is needed");
        goto done;
    }
    if (os_replace(ip.staged_db, paths->db_path) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot install the new database: %s", strerror(errno));
        goto done;
    }
    if (fsync_parent_dir(paths->db_path, err) != 0 || write_floor(&ip, &out->meta, NULL, err) != 0) goto done;
    rc = 0;
done:
    if (recorded) {
        record_outcome(&ip, delta_path, out, rc == 0 ? NULL : err);
        (void)unlink(ip.staged_delta);
        (void)unlink(ip.staged_db);
    }
    store_close(db);
    if (in != NULL) release(in);
    free(d);
    free(installed);
    return rc;
}
