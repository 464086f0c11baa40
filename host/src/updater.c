#include "updater.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "clock.h"
#include "fileio.h"
#include "importer.h"
#include "isotime.h"
#include "json.h"
#include "keychain.h"
#include "os.h"
#include "repository.h"
#include "site_rules.h"
#include "spool.h"
#include "store.h"
#include "update_state.h"

static void write_state(const char *state_path, const char *how, const char *source, const update_memory *memory,
                        int64_t offered_version, const update_result *res, const netral_error *failure)
{
    char when[ISOTIME_BYTES];
    cJSON *o = cJSON_CreateObject();
    char *text;
    netral_error ignored;
    if (o == NULL) return;
    isotime_format(netral_now(), when);
    json_add_text(o, "source", source);
    cJSON_AddStringToObject(o, "how", how);
    /* A delta that did not apply is not offered again: the host asks for the full list. */
    if (res->delta_problem[0] != '\0') json_add_integer(o, "delta_refused_to", offered_version);
    else if (failure != NULL && memory->delta_refused_to > 0) json_add_integer(o, "delta_refused_to", memory->delta_refused_to);
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

/* Reads and verifies DIR's index (a link is not followed: DIR may be a user's spool). */
static int read_index(const netral_paths *paths, const char *dir, repo_index *index, netral_error *err)
{
    char path[NETRAL_PATH_BYTES], sig_path[NETRAL_PATH_BYTES];
    char *text = NULL, *sig_text = NULL;
    size_t len = 0, sig_len = 0;
    int rc = -1;

    if (path_join(path, sizeof path, dir, INDEX_FILE, err) != 0 ||
        path_join(sig_path, sizeof sig_path, dir, INDEX_FILE ".minisig", err) != 0 ||
        file_read_bounded_plain(path, MAX_INDEX_BYTES, &text, &len, err) != 0 ||
        file_read_bounded_plain(sig_path, MAX_SIG_FILE_BYTES, &sig_text, &sig_len, err) != 0)
        goto done;
    rc = repo_index_accept(paths, text, len, sig_text, sig_len, index, err);
done:
    free(text);
    free(sig_text);
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

/* Keeps the site rules INDEX names in DIR when they verify and are newer than the kept ones:
 * the signature and the document in one file (site_rules.h), replaced as one. */
static void keep_site_rules(const netral_paths *paths, const char *dir, const repo_index *index, update_result *out)
{
    char path[NETRAL_PATH_BYTES], sig_path[NETRAL_PATH_BYTES], kept[NETRAL_PATH_BYTES];
    char *text = NULL, *sig_text = NULL, *packed = NULL;
    size_t len = 0, sig_len = 0, packed_len = 0;
    site_rules_header header;
    netral_error err;

    out->sites_version = site_rules_kept_version(paths, netral_now());
    if (!index->has_sites || index->sites_version <= out->sites_version) return;
    if (repo_file_check(dir, &index->sites, &err) != 0 || path_join(path, sizeof path, dir, index->sites.file, &err) != 0 ||
        path_join(sig_path, sizeof sig_path, dir, index->sites.signature, &err) != 0 ||
        path_join(kept, sizeof kept, paths->data_dir, SITE_RULES_KEPT_FILE, &err) != 0 ||
        file_read_bounded_plain(path, MAX_SITE_RULES_BYTES, &text, &len, &err) != 0 ||
        file_read_bounded_plain(sig_path, MAX_SIG_FILE_BYTES, &sig_text, &sig_len, &err) != 0 ||
        site_rules_verify(paths, text, len, sig_text, sig_len, netral_now(), &header, &err) != 0)
        goto failed;
    if (header.version != index->sites_version) {
        netral_fail(&err, NETRAL_E_FORMAT, "the site rules are version %lld, the index says %lld",
                    (long long)header.version, (long long)index->sites_version);
        goto failed;
    }
    packed = site_rules_pack(text, len, sig_text, sig_len, &packed_len);
    if (packed == NULL) {
        netral_fail(&err, NETRAL_E_NOMEM, "out of memory");
        goto failed;
    }
    if (file_write_atomic(kept, packed, packed_len, &err) != 0) goto failed;
    out->sites_version = header.version;
    out->sites_installed = 1;
    goto done;
failed:
    snprintf(out->sites_problem, sizeof out->sites_problem, "%s", err.msg);
done:
    free(text);
    free(sig_text);
    free(packed);
}

/* The update from the repository in DIR; HOW ("file", "web") and SOURCE are recorded. */
static int update_from(const netral_paths *paths, const char *dir, const char *how, const char *source,
                       update_result *out, netral_error *err)
{
    char state_path[NETRAL_PATH_BYTES], digest[LIST_DIGEST_HEX_BYTES];
    repo_index *index = malloc(sizeof *index);
    update_memory memory;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (index == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    index->list_version = 0;
    if (path_join(state_path, sizeof state_path, paths->data_dir, UPDATE_STATE_FILE, err) != 0) {
        free(index);
        return -1;
    }
    update_memory_read(paths, &memory);
    if (read_index(paths, dir, index, err) != 0) goto done;
    out->index_serial = index->serial;
    out->index_expires = index->expires;
    installed(paths, &out->from_version, digest);
    if (update_memory_behind(&memory, how, index->serial, index->list_version, out->from_version)) {
        out->via = "behind";   /* nothing recorded: the way that brought the newer index stays the one shown */
        out->list_version = out->from_version;
        free(index);
        return 0;
    }
    if (repo_index_judge(index, memory.index_serial, out->from_version, netral_now(), err) != 0) goto done;
    /* A key statement first: the list may be signed by a key it adds. */
    if (index->has_keys &&
        (repo_file_check(dir, &index->keys, err) != 0 || keychain_accept(paths, dir, index->keys.file, err) != 0))
        goto done;
    if (index->list_version == out->from_version && strcmp(index->content_digest, digest) == 0) {
        out->via = "current";
        out->list_version = out->from_version;
    } else if (install_from(paths, dir, index, out->from_version, out, err) != 0) {
        goto done;
    }
    keep_site_rules(paths, dir, index, out);
    rc = 0;
done:
    if (paths->data_dir[0] != '\0' && os_make_dir(paths->data_dir) == 0)
        write_state(state_path, how, source, &memory, index->list_version, out, rc == 0 ? NULL : err);
    free(index);
    return rc;
}

int update_from_dir(const netral_paths *paths, const char *dir, update_result *out, netral_error *err)
{
    return update_from(paths, dir, "file", dir, out, err);
}

/* ---- the spool: repositories the users' browsers fetched ---- */

/* The spooled repository under SPOOL/NAME, when it holds a verified index: its serial and list. */
static int spool_candidate(const netral_paths *paths, const char *dir, int64_t *serial, int64_t *version,
                           netral_error *err)
{
    repo_index *index = malloc(sizeof *index);
    int rc;
    if (index == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    rc = read_index(paths, dir, index, err);
    if (rc == 0) {
        *serial = index->serial;
        *version = index->list_version;
    }
    free(index);
    return rc;
}

/* Copies NAME from SRC to DST if SRC has it, within what *TOTAL leaves of the spool's cap. */
static int stage_file(const char *src, const char *dst, const char *name, int required, uint64_t *total, netral_error *err)
{
    char from[NETRAL_PATH_BYTES], to[NETRAL_PATH_BYTES];
    uint64_t copied = 0;
    if (path_join(from, sizeof from, src, name, err) != 0 || path_join(to, sizeof to, dst, name, err) != 0) return -1;
    if (!required && !os_exists(from)) return 0;   /* the updater says so if it needed it */
    if (file_copy_plain(from, to, SPOOL_MAX_BYTES - *total, &copied, err) != 0) return -1;
    *total += copied;
    return 0;
}

/* Copies the spooled repository SRC into DST (this updater's own, private directory): the index,
 * the files it names and a key statement's proofs, plain files only, no links, bounded; what is
 * verified and installed is that copy, which the user who filled the spool cannot change. */
static int stage_spool(const char *src, const char *dst, netral_error *err)
{
    char why[NETRAL_ERROR_MSG_BYTES], path[NETRAL_PATH_BYTES], prefix[REPO_NAME_BYTES + 1];
    const repo_file *files[REPO_INDEX_MAX_FILES];
    char *text = NULL;
    size_t len = 0, prefix_len, count;
    uint64_t total = 0;
    repo_index *index = malloc(sizeof *index);
    struct dirent *ent;
    DIR *d;
    int rc = -1;
    if (index == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (os_make_private_dir(dst, why, sizeof why) != 0) {
        netral_fail(err, NETRAL_E_IO, "%s", why);
        goto done;
    }
    if (stage_file(src, dst, INDEX_FILE, 1, &total, err) != 0 || stage_file(src, dst, INDEX_FILE ".minisig", 1, &total, err) != 0 ||
        stage_file(src, dst, SPOOL_SOURCE_FILE, 0, &total, err) != 0 || path_join(path, sizeof path, dst, INDEX_FILE, err) != 0 ||
        file_read_bounded(path, MAX_INDEX_BYTES, &text, &len, err) != 0 || repo_index_parse(text, len, index, err) != 0)
        goto done;   /* its names only: update_from verifies the copy */
    count = repo_index_files(index, files);
    for (size_t i = 0; i < count; i++)
        if (stage_file(src, dst, files[i]->file, 0, &total, err) != 0 ||
            stage_file(src, dst, files[i]->signature, 0, &total, err) != 0)
            goto done;
    if (index->has_keys) {
        /* the statement's proofs, which it names itself: KEYS.KEYID.minisig */
        prefix_len = (size_t)snprintf(prefix, sizeof prefix, "%s.", index->keys.file);
        d = opendir(src);
        if (d == NULL) {
            netral_fail(err, NETRAL_E_IO, "cannot read %s: %s", src, strerror(errno));
            goto done;
        }
        while ((ent = readdir(d)) != NULL) {
            size_t n = strlen(ent->d_name);
            if (n < REPO_NAME_BYTES && n > prefix_len + 8 && strncmp(ent->d_name, prefix, prefix_len) == 0 &&
                strcmp(ent->d_name + n - 8, ".minisig") == 0 && strcmp(ent->d_name, index->keys.signature) != 0 &&
                stage_file(src, dst, ent->d_name, 0, &total, err) != 0) {
                closedir(d);
                goto done;
            }
        }
        closedir(d);
    }
    rc = 0;
done:
    free(text);
    free(index);
    return rc;
}

/* Removes the staged copy (plain files in one directory). */
static void unstage(const char *dir)
{
    char file[NETRAL_PATH_BYTES];
    netral_error ignored;
    struct dirent *ent;
    DIR *d = opendir(dir);
    if (d == NULL) return;
    while ((ent = readdir(d)) != NULL)
        if (ent->d_name[0] != '.' && path_join(file, sizeof file, dir, ent->d_name, &ignored) == 0) (void)unlink(file);
    closedir(d);
    (void)rmdir(dir);
}

/* A user's spool that holds a verified index. */
typedef struct {
    int64_t serial, version;
    int64_t since;   /* the index file's time */
    char name[256];
} spool_entry;

static int newest_first(const void *a, const void *b)
{
    const spool_entry *x = a, *y = b;
    if (x->serial != y->serial) return x->serial < y->serial ? 1 : -1;
    return x->version < y->version ? 1 : x->version > y->version ? -1 : 0;
}

/* The users' spools that hold a verified index, newest first, at most MAX of them; FIRST gets
 * why the first one that does not verify was refused. -1 when the spool cannot be read. */
static int list_spools(const netral_paths *paths, spool_entry *entries, size_t max, size_t *count,
                       netral_error *first, netral_error *err)
{
    char dir[NETRAL_PATH_BYTES], index_path[NETRAL_PATH_BYTES];
    struct dirent *ent;
    struct stat st;
    DIR *d = opendir(paths->spool_dir);
    *count = 0;
    first->code = NETRAL_OK;
    if (d == NULL) return netral_fail(err, NETRAL_E_IO, "cannot read the spool %s: %s", paths->spool_dir, strerror(errno));
    while ((ent = readdir(d)) != NULL && *count < max) {
        netral_error candidate_err;
        spool_entry *e = &entries[*count];
        if (ent->d_name[0] == '.' || strlen(ent->d_name) >= sizeof e->name ||
            path_join(dir, sizeof dir, paths->spool_dir, ent->d_name, &candidate_err) != 0 || !os_is_plain_dir(dir))
            continue;   /* the "ready" signals are files */
        if (path_join(index_path, sizeof index_path, dir, INDEX_FILE, &candidate_err) != 0 || stat(index_path, &st) != 0)
            continue;   /* nothing spooled yet */
        if (spool_candidate(paths, dir, &e->serial, &e->version, &candidate_err) != 0) {
            if (first->code == NETRAL_OK) *first = candidate_err;
            continue;
        }
        e->since = (int64_t)st.st_mtime;
        strcpy(e->name, ent->d_name);
        (*count)++;
    }
    closedir(d);
    qsort(entries, *count, sizeof *entries, newest_first);
    return 0;
}

int update_spool_waiting(const netral_paths *paths, spool_waiting *out)
{
    spool_entry *entries = calloc(SPOOL_MAX_USERS, sizeof *entries);
    netral_error first, ignored;
    update_memory memory;
    size_t count = 0;
    int found = 0;
    memset(out, 0, sizeof *out);
    if (entries == NULL) return 0;
    update_memory_read(paths, &memory);
    if (list_spools(paths, entries, SPOOL_MAX_USERS, &count, &first, &ignored) == 0 && count > 0 &&
        entries[0].serial > memory.index_serial &&
        path_join(out->dir, sizeof out->dir, paths->spool_dir, entries[0].name, &ignored) == 0) {
        out->index_serial = entries[0].serial;
        out->list_version = entries[0].version;
        out->since = entries[0].since;
        found = 1;
    }
    free(entries);
    return found;
}

int update_from_spool(const netral_paths *paths, update_result *out, netral_error *err)
{
    char dir[NETRAL_PATH_BYTES], staged[NETRAL_PATH_BYTES], source[SPOOL_SOURCE_MAX_BYTES + 1];
    char index_path[NETRAL_PATH_BYTES], *source_text = NULL;
    size_t source_len = 0, count = 0;
    spool_entry *entries = calloc(SPOOL_MAX_USERS, sizeof *entries);
    netral_error first;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (entries == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (list_spools(paths, entries, SPOOL_MAX_USERS, &count, &first, err) != 0) goto done;
    if (count == 0) {
        if (first.code != NETRAL_OK) netral_fail(err, first.code, "%s", first.msg);
        else netral_fail(err, NETRAL_E_NO_LIST, "nothing in the spool %s: no browser has fetched a list yet", paths->spool_dir);
        goto done;
    }
    if (path_join(staged, sizeof staged, paths->data_dir, ".spool-intake", err) != 0) goto done;
    /* The newest first; one user's spool that does not install (files missing, too large) does
     * not keep another's from being installed. */
    for (size_t i = 0; i < count && rc != 0; i++) {
        unstage(staged);   /* what a killed run, or the candidate before, left */
        if (path_join(dir, sizeof dir, paths->spool_dir, entries[i].name, err) != 0) break;
        if (stage_spool(dir, staged, err) == 0) {
            /* "source" holds the mirror the browser fetched from, for `netral status` */
            snprintf(source, sizeof source, "%.2000s", dir);
            if (path_join(index_path, sizeof index_path, staged, SPOOL_SOURCE_FILE, err) == 0 && os_exists(index_path) &&
                file_read_bounded(index_path, SPOOL_SOURCE_MAX_BYTES, &source_text, &source_len, err) == 0 &&
                memchr(source_text, '\0', source_len) == NULL)
                snprintf(source, sizeof source, "%s", source_text);
            free(source_text);
            source_text = NULL;
            rc = update_from(paths, staged, "web", source, out, err);
        }
        if (rc != 0 && err->code == NETRAL_E_BUSY) break;   /* another import: the next run tries again */
    }
    unstage(staged);
done:
    free(entries);
    return rc;
}
