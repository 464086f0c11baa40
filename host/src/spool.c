#include "spool.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "clock.h"
#include "fileio.h"
#include "json.h"
#include "minisign.h"
#include "os.h"
#include "site_rules.h"
#include "update_state.h"

struct spool {
    const netral_paths *paths;
    char dir[NETRAL_PATH_BYTES];        /* SPOOL/USER */
    char incoming[NETRAL_PATH_BYTES];   /* SPOOL/USER/incoming */
    char ready[NETRAL_PATH_BYTES];      /* SPOOL/USER.ready */
    int lock_fd;                        /* held while an offer is open */
    int offered;
    repo_index index;                   /* the verified index of the open offer */
    char *index_text, *sig_text;
    size_t index_len, sig_len;
    char source[SPOOL_SOURCE_MAX_BYTES + 1];
    spool_need needs[SPOOL_MAX_FILES];
    size_t need_count;
    int receiving_fd;                   /* the file under way, or -1 */
    size_t receiving;                   /* its index in needs */
};

spool *spool_new(const netral_paths *paths)
{
    spool *sp = calloc(1, sizeof *sp);
    if (sp == NULL) return NULL;
    sp->paths = paths;
    sp->lock_fd = -1;
    sp->receiving_fd = -1;
    return sp;
}

/* Closes the file under way, removing it unless it was finished. */
static void stop_receiving(spool *sp, int remove)
{
    char path[NETRAL_PATH_BYTES];
    netral_error ignored;
    if (sp->receiving_fd < 0) return;
    close(sp->receiving_fd);
    sp->receiving_fd = -1;
    if (remove && path_join(path, sizeof path, sp->incoming, sp->needs[sp->receiving].name, &ignored) == 0)
        (void)unlink(path);
    if (remove) sp->needs[sp->receiving].received = 0;
}

/* Ends the open offer (its incoming files stay until the next one clears them). */
static void close_offer(spool *sp)
{
    stop_receiving(sp, 1);
    free(sp->index_text);
    free(sp->sig_text);
    sp->index_text = sp->sig_text = NULL;
    sp->offered = 0;
    sp->need_count = 0;
    if (sp->lock_fd >= 0) close(sp->lock_fd);
    sp->lock_fd = -1;
}

void spool_free(spool *sp)
{
    if (sp == NULL) return;
    close_offer(sp);
    free(sp);
}

int spool_user_dir(const netral_paths *paths, char out[NETRAL_PATH_BYTES], int make, netral_error *err)
{
    char user[128], why[NETRAL_ERROR_MSG_BYTES];
    if (os_user_name(user, sizeof user) != 0) return netral_fail(err, NETRAL_E_IO, "cannot tell this user's name");
    if (path_join(out, NETRAL_PATH_BYTES, paths->spool_dir, user, err) != 0) return -1;
    if (!make) return 0;
    /* a per-user install makes its spool; a system one has it from the package */
    if (!os_exists(paths->spool_dir) && os_make_dir(paths->spool_dir) != 0)
        return netral_fail(err, NETRAL_E_IO, "the spool %s is missing and cannot be made (%s): reinstall Netral",
                           paths->spool_dir, strerror(errno));
    if (os_make_private_dir(out, why, sizeof why) != 0) return netral_fail(err, NETRAL_E_IO, "%s", why);
    return 0;
}

/* Makes SPOOL/USER and its incoming/ (private to this user) and takes the lock. */
static int open_dirs(spool *sp, netral_error *err)
{
    char why[NETRAL_ERROR_MSG_BYTES], lock[NETRAL_PATH_BYTES];
    if (spool_user_dir(sp->paths, sp->dir, 1, err) != 0) return -1;
    if (path_join(sp->incoming, sizeof sp->incoming, sp->dir, SPOOL_INCOMING_DIR, err) != 0 ||
        path_join(lock, sizeof lock, sp->dir, ".lock", err) != 0 ||
        snprintf(sp->ready, sizeof sp->ready, "%s.ready", sp->dir) >= (int)sizeof sp->ready)
        return netral_fail(err, NETRAL_E_TOO_LARGE, "the spool's path is too long");
    if (os_make_private_dir(sp->incoming, why, sizeof why) != 0) return netral_fail(err, NETRAL_E_IO, "%s", why);
    if (sp->lock_fd >= 0) return 0;
    sp->lock_fd = os_open_locked(lock);
    if (sp->lock_fd < 0) {
        if (errno == EWOULDBLOCK || errno == EAGAIN)
            return netral_fail(err, NETRAL_E_BUSY, "another browser profile is sending a list update: it is tried again later");
        return netral_fail(err, NETRAL_E_IO, "cannot lock %s: %s", lock, strerror(errno));
    }
    return 0;
}

/* Whether NAME stays in the spool with the offer's index: the index, what it names, and what
 * was sent for it (a key statement's proofs are named by the statement). */
static int keeps(const spool *sp, const char *name)
{
    static const char *const own[] = {INDEX_FILE, INDEX_FILE ".minisig", SPOOL_SOURCE_FILE, NULL};
    const repo_file *files[REPO_INDEX_MAX_FILES];
    size_t count = repo_index_files(&sp->index, files);
    for (const char *const *k = own; *k != NULL; k++)
        if (strcmp(name, *k) == 0) return 1;
    for (size_t i = 0; i < count; i++)
        if (strcmp(name, files[i]->file) == 0 || strcmp(name, files[i]->signature) == 0) return 1;
    for (size_t i = 0; i < sp->need_count; i++)
        if (strcmp(name, sp->needs[i].name) == 0) return 1;
    return 0;
}

/* Removes the plain files in DIR that the offer does not keep (SP NULL: all of them). */
static void remove_others(const char *dir, const spool *sp)
{
    char path[NETRAL_PATH_BYTES];
    netral_error ignored;
    struct dirent *ent;
    DIR *d = opendir(dir);
    if (d == NULL) return;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.' || strcmp(ent->d_name, SPOOL_INCOMING_DIR) == 0) continue;
        if ((sp == NULL || !keeps(sp, ent->d_name)) && path_join(path, sizeof path, dir, ent->d_name, &ignored) == 0)
            (void)unlink(path);
    }
    closedir(d);
}

static int add_need(spool *sp, const char *name, uint64_t max, const char *blake2b, netral_error *err)
{
    spool_need *n;
    for (size_t i = 0; i < sp->need_count; i++)
        if (strcmp(sp->needs[i].name, name) == 0) return 0;   /* named twice */
    if (sp->need_count == SPOOL_MAX_FILES) return netral_fail(err, NETRAL_E_TOO_LARGE, "the update names too many files");
    if (strlen(name) >= REPO_NAME_BYTES) return netral_fail(err, NETRAL_E_TOO_LARGE, "file name too long: %.80s", name);
    n = &sp->needs[sp->need_count++];
    memset(n, 0, sizeof *n);
    strcpy(n->name, name);
    n->max = max;
    n->exact = blake2b != NULL;
    if (blake2b != NULL) snprintf(n->blake2b, sizeof n->blake2b, "%s", blake2b);
    return 0;
}

static int add_file(spool *sp, const repo_file *f, netral_error *err)
{
    return add_need(sp, f->file, f->size, f->blake2b, err) != 0 ||
                   add_need(sp, f->signature, MAX_SIG_FILE_BYTES, NULL, err) != 0
               ? -1
               : 0;
}

/* Writes DATA under NAME in the spool, in one step. */
static int write_named(spool *sp, const char *name, const void *data, size_t len, netral_error *err)
{
    char path[NETRAL_PATH_BYTES];
    return path_join(path, sizeof path, sp->dir, name, err) != 0 ? -1 : file_write_atomic(path, data, len, err);
}

/* Spools the offer's index: its signature first, the index last, then the updater's signal. */
static int write_index(spool *sp, netral_error *err)
{
    char serial[32];
    netral_error ignored;
    if (write_named(sp, SPOOL_SOURCE_FILE, sp->source, strlen(sp->source), err) != 0 ||
        write_named(sp, INDEX_FILE ".minisig", sp->sig_text, sp->sig_len, err) != 0 ||
        write_named(sp, INDEX_FILE, sp->index_text, sp->index_len, err) != 0)
        return -1;
    remove_others(sp->dir, sp);
    remove_others(sp->incoming, NULL);
    snprintf(serial, sizeof serial, "%lld\n", (long long)sp->index.serial);
    (void)file_write_atomic(sp->ready, serial, strlen(serial), &ignored);   /* no path unit: no harm */
    return 0;
}

int spool_offer(spool *sp, const char *index, size_t index_len, const char *sig, size_t sig_len, const char *source,
                int want_full, const spool_installed *installed, spool_offer_result *out, netral_error *err)
{
    update_memory memory;
    const repo_file *delta = NULL;
    int rc = -1;

    close_offer(sp);   /* an offer starts over whatever an earlier one left */
    memset(out, 0, sizeof *out);
    if (index_len > MAX_INDEX_BYTES) return netral_fail(err, NETRAL_E_TOO_LARGE, "the index is over %u bytes", MAX_INDEX_BYTES);
    if (sig_len > MAX_SIG_FILE_BYTES) return netral_fail(err, NETRAL_E_TOO_LARGE, "the signature is over %u bytes", MAX_SIG_FILE_BYTES);
    if (strlen(source) > SPOOL_SOURCE_MAX_BYTES) return netral_fail(err, NETRAL_E_TOO_LARGE, "the source is too long");
    if (repo_index_accept(sp->paths, index, index_len, sig, sig_len, &sp->index, err) != 0) return -1;
    update_memory_read(sp->paths, &memory);
    if (update_memory_behind(&memory, "web", sp->index.serial, sp->index.list_version, installed->version)) {
        out->current = 1;   /* a folder brought a newer index: nothing to fetch, nothing to spool */
        out->list_version = installed->version;
        out->index_serial = sp->index.serial;
        return 0;
    }
    if (repo_index_judge(&sp->index, memory.index_serial, installed->version, netral_now(), err) != 0) return -1;
    if (open_dirs(sp, err) != 0) goto done;
    sp->index_text = malloc(index_len + 1);
    sp->sig_text = malloc(sig_len + 1);
    if (sp->index_text == NULL || sp->sig_text == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        goto done;
    }
    memcpy(sp->index_text, index, index_len);
    memcpy(sp->sig_text, sig, sig_len);
    sp->index_len = index_len;
    sp->sig_len = sig_len;
    snprintf(sp->source, sizeof sp->source, "%s", source);
    out->list_version = sp->index.list_version;
    out->index_serial = sp->index.serial;

    /* The last committed index stays until this offer's commit replaces it: files arrive in
     * incoming/ and move beside it only when whole and checked, under names of their own. */
    remove_others(sp->incoming, NULL);
    if (sp->index.has_keys && add_file(sp, &sp->index.keys, err) != 0) goto done;
    if (sp->index.has_sites && sp->index.sites_version > site_rules_kept_version(sp->paths, netral_now()) &&
        add_file(sp, &sp->index.sites, err) != 0)
        goto done;
    if (sp->index.list_version == installed->version && installed->content_digest != NULL &&
        strcmp(sp->index.content_digest, installed->content_digest) == 0) {
        /* Current: the index alone tells the updater so, and when it expires. */
        sp->offered = 1;
        if (sp->need_count == 0) {
            if (write_index(sp, err) != 0) goto done;
            out->current = 1;
            close_offer(sp);
            return 0;
        }
    } else {
        /* A delta onto exactly this version, unless one for this list did not apply here. */
        if (!want_full && installed->version > 0 && memory.delta_refused_to != sp->index.list_version)
            for (size_t i = 0; i < sp->index.delta_count && delta == NULL; i++)
                if (sp->index.deltas[i].from == installed->version) delta = &sp->index.deltas[i];
        if (add_file(sp, delta != NULL ? delta : &sp->index.list, err) != 0) goto done;
    }
    sp->offered = 1;
    out->needs = sp->needs;
    out->need_count = sp->need_count;
    rc = 0;
done:
    if (rc != 0) close_offer(sp);
    return rc;
}

/* The key ids a received key statement adds: their proofs become needed. */
static int need_proofs(spool *sp, const spool_need *statement, netral_error *err)
{
    char path[NETRAL_PATH_BYTES], id[MINISIGN_KEY_ID_HEX_BYTES], name[REPO_NAME_BYTES];
    char *text = NULL;
    size_t len = 0;
    cJSON *o = NULL;
    const cJSON *add, *entry;
    json_problem problem;
    int rc = -1;
    if (path_join(path, sizeof path, sp->dir, statement->name, err) != 0 ||
        file_read_bounded(path, MAX_KEY_STATEMENT_BYTES, &text, &len, err) != 0)
        return -1;
    o = json_parse_exact(text, len, &problem);
    add = cJSON_GetObjectItemCaseSensitive(o, "add");
    if (o == NULL || problem != JSON_OK) {
        netral_fail(err, NETRAL_E_FORMAT, "%s is not JSON", statement->name);
        goto done;
    }
    cJSON_ArrayForEach(entry, add) {
        const cJSON *pub = cJSON_GetObjectItemCaseSensitive(entry, "public_key");
        minisign_pubkey key;
        if (!cJSON_IsString(pub) || minisign_pubkey_parse(pub->valuestring, strlen(pub->valuestring), &key, err) != 0)
            goto done;   /* the updater would refuse it too */
        minisign_key_id_hex(key.keynum, id);
        if (snprintf(name, sizeof name, "%s.%s.minisig", statement->name, id) >= (int)sizeof name ||
            add_need(sp, name, MAX_SIG_FILE_BYTES, NULL, err) != 0)
            goto done;
    }
    rc = 0;
done:
    cJSON_Delete(o);
    free(text);
    return rc;
}

/* Ends the file under way: size and digest against the index, then out of incoming/. */
static int finish_file(spool *sp, spool_need *n, netral_error *err)
{
    char from[NETRAL_PATH_BYTES], to[NETRAL_PATH_BYTES];
    repo_file f;
    memset(&f, 0, sizeof f);
    if (os_sync_fd(sp->receiving_fd) != 0) return netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", n->name, strerror(errno));
    close(sp->receiving_fd);
    sp->receiving_fd = -1;
    if (n->exact) {
        snprintf(f.file, sizeof f.file, "%s", n->name);
        snprintf(f.blake2b, sizeof f.blake2b, "%s", n->blake2b);
        f.size = n->max;
        if (repo_file_check(sp->incoming, &f, err) != 0) return -1;
    }
    if (path_join(from, sizeof from, sp->incoming, n->name, err) != 0 ||
        path_join(to, sizeof to, sp->dir, n->name, err) != 0)
        return -1;
    if (os_replace(from, to) != 0) return netral_fail(err, NETRAL_E_IO, "cannot move %s into the spool: %s", n->name, strerror(errno));
    n->complete = 1;
    return 0;
}

int spool_receive(spool *sp, const char *name, uint64_t offset, const unsigned char *data, size_t len, int last,
                  spool_receive_result *out, netral_error *err)
{
    char path[NETRAL_PATH_BYTES];
    spool_need *n = NULL;
    size_t which = 0, known = sp->need_count;
    netral_error ignored;

    memset(out, 0, sizeof *out);
    if (!sp->offered) return netral_fail(err, NETRAL_E_NOT_OFFERED, "no update was offered (send update_offer first)");
    for (size_t i = 0; i < sp->need_count && n == NULL; i++)
        if (strcmp(sp->needs[i].name, name) == 0) n = &sp->needs[which = i];
    if (n == NULL) return netral_fail(err, NETRAL_E_NOT_OFFERED, "the offer does not need %.80s", name);
    if (n->complete) return netral_fail(err, NETRAL_E_OUT_OF_ORDER, "%s was already received", n->name);
    if (offset != n->received || (offset > 0 && (sp->receiving_fd < 0 || sp->receiving != which))) {
        netral_fail(err, NETRAL_E_OUT_OF_ORDER, "%s: a chunk at byte %llu, but %llu bytes were received", n->name,
                    (unsigned long long)offset, (unsigned long long)n->received);
        goto failed;
    }
    if (offset == 0) {   /* a file starts (any other under way is dropped) */
        stop_receiving(sp, 1);
        if (path_join(path, sizeof path, sp->incoming, n->name, err) != 0) goto failed;
        sp->receiving_fd = os_create_file(path, 1, 1);
        if (sp->receiving_fd < 0) {
            netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", path, strerror(errno));
            goto failed;
        }
        sp->receiving = which;
    }
    if (len > n->max - n->received) {
        netral_fail(err, NETRAL_E_TOO_LARGE, "%s is longer than the %llu bytes %s: cut off there", n->name,
                    (unsigned long long)n->max, n->exact ? "the index names" : "a signature may have");
        goto failed;
    }
    if (fd_write_all(sp->receiving_fd, data, len) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot write %s to the spool %s: %s", n->name, sp->dir,
                    errno == EFBIG ? "the file size limit (ulimit -f) is too small" : strerror(errno));
        goto failed;
    }
    n->received += len;
    out->received = n->received;
    if (last) {
        if (finish_file(sp, n, err) != 0) goto failed;
        if (sp->index.has_keys && strcmp(n->name, sp->index.keys.file) == 0 && need_proofs(sp, n, err) != 0) goto failed;
        out->complete = 1;
        out->more = sp->needs + known;
        out->more_count = sp->need_count - known;
    }
    return 0;
failed:
    if (sp->receiving_fd >= 0 && sp->receiving == which) stop_receiving(sp, 1);
    else if (path_join(path, sizeof path, sp->incoming, n->name, &ignored) == 0) (void)unlink(path);
    n->received = 0;
    n->complete = 0;
    return -1;
}

int spool_commit(spool *sp, int64_t *list_version, int64_t *index_serial, netral_error *err)
{
    if (!sp->offered) return netral_fail(err, NETRAL_E_NOT_OFFERED, "no update was offered (send update_offer first)");
    for (size_t i = 0; i < sp->need_count; i++)
        if (!sp->needs[i].complete)
            return netral_fail(err, NETRAL_E_INCOMPLETE, "%s has not been received in full", sp->needs[i].name);
    if (write_index(sp, err) != 0) {
        close_offer(sp);
        return -1;
    }
    *list_version = sp->index.list_version;
    *index_serial = sp->index.serial;
    close_offer(sp);
    return 0;
}
