#include "publisher.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "clock.h"
#include "content_digest.h"
#include "fileio.h"
#include "json.h"
#include "listfile.h"
#include "os.h"
#include "repository.h"
#include "site_rules.h"

/* What publishing needs of a list: its header (parsed, and as JSON for a delta to carry), the
 * digest of its rows and its counts. Its rows go into a table of a scratch database. */
typedef struct {
    list_header header;
    cJSON *header_json;
    content_digest digest;
    int64_t entries, accounts;
} list_facts;

static int db_fail(sqlite3 *db, netral_error *err, const char *what)
{
    return netral_fail(err, NETRAL_E_DATABASE, "%s: %s", what, db ? sqlite3_errmsg(db) : "no database");
}

/* Reads the list at PATH into TABLE (created here) of DB. */
static int load_list(sqlite3 *db, const char *table, const char *path, list_facts *facts, netral_error *err)
{
    line_reader *r = malloc(sizeof *r);
    list_entry *entry = malloc(sizeof *entry);
    sqlite3_stmt *insert = NULL;
    char sql[256];
    const char *line;
    size_t len;
    int fd = -1, got, rc = -1;
    json_problem problem;

    memset(facts, 0, sizeof *facts);
    if (r == NULL || entry == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        goto done;
    }
    snprintf(sql, sizeof sql, "CREATE TABLE %s (platform TEXT, account TEXT, name TEXT, role TEXT, party TEXT, "
             "election TEXT, region TEXT, PRIMARY KEY (platform, account)) WITHOUT ROWID", table);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        db_fail(db, err, "cannot make a scratch table");
        goto done;
    }
    snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", table);
    if (sqlite3_prepare_v2(db, sql, -1, &insert, NULL) != SQLITE_OK) {
        db_fail(db, err, "cannot make a scratch table");
        goto done;
    }
    fd = os_open_read(path);
    if (fd < 0) {
        netral_fail(err, NETRAL_E_IO, "cannot open %s: %s", path, strerror(errno));
        goto done;
    }
    line_reader_init(r, fd);
    got = line_reader_next(r, &line, &len, err);
    if (got <= 0) {
        if (got == 0) netral_fail(err, NETRAL_E_FORMAT, "%s is empty", path);
        goto done;
    }
    if (list_parse_header(line, len, &facts->header, err) != 0) goto done;
    facts->header_json = json_parse_exact(line, len, &problem);
    while ((got = line_reader_next(r, &line, &len, err)) == 1) {
        netral_error line_err;
        if (list_parse_entry(line, len, entry, &line_err) != 0) {
            netral_fail(err, line_err.code, "%s line %llu: %s", path, (unsigned long long)r->line_number, line_err.msg);
            goto done;
        }
        for (size_t i = 0; i < entry->account_count; i++) {
            const char *values[] = {platform_name(entry->accounts[i].platform), entry->accounts[i].account,
                                    entry->entity.name, entry->entity.role, entry->entity.party,
                                    entry->entity.election, entry->entity.region};
            for (int v = 0; v < 7; v++) sqlite3_bind_text(insert, v + 1, values[v], -1, SQLITE_STATIC);
            int step = sqlite3_step(insert);
            sqlite3_reset(insert);
            if (step == SQLITE_CONSTRAINT) {
                netral_fail(err, NETRAL_E_FORMAT, "%s line %llu: %s %s is listed twice", path,
                            (unsigned long long)r->line_number, values[0], values[1]);
                goto done;
            }
            if (step != SQLITE_DONE) {
                db_fail(db, err, "cannot fill a scratch table");
                goto done;
            }
            content_digest_add(&facts->digest, &entry->accounts[i], &entry->entity);
            facts->accounts++;
        }
        facts->entries++;
    }
    if (got < 0) goto done;
    rc = 0;
done:
    sqlite3_finalize(insert);
    if (fd >= 0) close(fd);
    free(r);
    free(entry);
    return rc;
}

static void free_facts(list_facts *facts)
{
    cJSON_Delete(facts->header_json);
    facts->header_json = NULL;
}

/* Writes one JSON line for the operation in the row ST points at (columns as load_list's). */
static int write_op(FILE *out, sqlite3_stmt *st, int add)
{
    cJSON *line = cJSON_CreateObject(), *body = cJSON_AddObjectToObject(line, add ? "add" : "remove");
    char *text;
    int rc;
    cJSON_AddStringToObject(body, "platform", (const char *)sqlite3_column_text(st, 0));
    cJSON_AddStringToObject(body, "account", (const char *)sqlite3_column_text(st, 1));
    if (add) {
        static const char *const FIELDS[] = {"name", "role", "party", "election", "region"};
        cJSON *entity = cJSON_AddObjectToObject(body, "entity");
        for (int f = 0; f < 5; f++) {
            const char *value = (const char *)sqlite3_column_text(st, 2 + f);
            if (value != NULL && value[0] != '\0') cJSON_AddStringToObject(entity, FIELDS[f], value);
        }
    }
    text = cJSON_PrintUnformatted(line);
    rc = text != NULL && fprintf(out, "%s\n", text) > 0 ? 0 : -1;
    cJSON_free(text);
    cJSON_Delete(line);
    return rc;
}

/* The rows of FROM that TO lacks or lists for another entity: removed (ADD 0) or added (ADD 1). */
static int write_ops(sqlite3 *db, FILE *out, const char *from, const char *to, int add, netral_error *err)
{
    char sql[512];
    sqlite3_stmt *st = NULL;
    int step, rc = -1;
    snprintf(sql, sizeof sql,
             "SELECT f.* FROM %s f LEFT JOIN %s t ON t.platform = f.platform AND t.account = f.account "
             "WHERE t.account IS NULL OR t.name IS NOT f.name OR t.role IS NOT f.role OR t.party IS NOT f.party "
             "OR t.election IS NOT f.election OR t.region IS NOT f.region ORDER BY f.platform, f.account",
             add ? to : from, add ? from : to);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return db_fail(db, err, "cannot compare the lists");
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (write_op(out, st, add) != 0) {
            netral_fail(err, NETRAL_E_IO, "cannot write the delta: %s", strerror(errno));
            goto done;
        }
    }
    if (step != SQLITE_DONE) {
        db_fail(db, err, "cannot compare the lists");
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(st);
    return rc;
}

/* Signs the file at PATH, writing PATH.minisig, with TRUSTED_COMMENT. */
static int sign_file(const minisign_seckey *key, const char *path, const char *trusted_comment, netral_error *err)
{
    unsigned char hash[MINISIGN_HASH_BYTES];
    char sig_path[NETRAL_PATH_BYTES], *sig_text = NULL;
    int rc = -1;
    if (snprintf(sig_path, sizeof sig_path, "%s.minisig", path) >= (int)sizeof sig_path)
        return netral_fail(err, NETRAL_E_TOO_LARGE, "path too long: %s", path);
    if (minisign_hash_file(path, MAX_LIST_BYTES, hash, err) == 0 &&
        minisign_sign(key, hash, "signature from netral publish", trusted_comment, &sig_text, err) == 0 &&
        file_write_atomic(sig_path, sig_text, strlen(sig_text), err) == 0)
        rc = 0;
    free(sig_text);
    return rc;
}

/* Writes DIR/delta-FROM-TO.jsonl from the tables OLD and NEW, signs it, and describes it in F. */
static int make_delta(sqlite3 *db, const publish_request *req, const list_facts *old_list, const list_facts *new_list,
                      repo_file *f, netral_error *err)
{
    char name[REPO_NAME_BYTES], sig_name[REPO_NAME_BYTES], path[NETRAL_PATH_BYTES], tmp[NETRAL_PATH_BYTES];
    char old_digest[CONTENT_DIGEST_HEX_BYTES], new_digest[CONTENT_DIGEST_HEX_BYTES], comment[128];
    cJSON *header = cJSON_CreateObject();
    char *header_text = NULL;
    FILE *out = NULL;
    int rc = -1;

    snprintf(name, sizeof name, "delta-%lld-%lld.jsonl", (long long)old_list->header.version,
             (long long)new_list->header.version);
    if (snprintf(sig_name, sizeof sig_name, "%s.minisig", name) >= (int)sizeof sig_name ||
        path_join(path, sizeof path, req->dir, name, err) != 0 ||
        snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, os_process_id()) >= (int)sizeof tmp) {
        netral_fail(err, NETRAL_E_TOO_LARGE, "path too long in %s", req->dir);
        goto done;
    }
    content_digest_hex(&old_list->digest, old_digest);
    content_digest_hex(&new_list->digest, new_digest);
    cJSON_AddStringToObject(header, "format", DELTA_FORMAT_NAME);
    json_add_integer(header, "format_version", DELTA_FORMAT_VERSION);
    json_add_integer(header, "from", old_list->header.version);
    cJSON_AddStringToObject(header, "from_digest", old_digest);
    json_add_integer(header, "to", new_list->header.version);
    cJSON_AddStringToObject(header, "to_digest", new_digest);
    json_add_integer(header, "entries", new_list->entries);
    json_add_integer(header, "accounts", new_list->accounts);
    cJSON_AddItemReferenceToObject(header, "header", new_list->header_json);
    header_text = cJSON_PrintUnformatted(header);
    out = fopen(tmp, "w");
    if (header_text == NULL || out == NULL || fprintf(out, "%s\n", header_text) < 0) {
        netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", tmp, strerror(errno));
        goto done;
    }
    if (write_ops(db, out, "old", "new", 0, err) != 0 || write_ops(db, out, "old", "new", 1, err) != 0) goto done;
    if (fflush(out) != 0 || os_sync_fd(fileno(out)) != 0 || fclose(out) != 0) {
        out = NULL;
        netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", tmp, strerror(errno));
        goto done;
    }
    out = NULL;
    if (os_replace(tmp, path) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", path, strerror(errno));
        goto done;
    }
    snprintf(comment, sizeof comment, "netral delta from version %lld to %lld", (long long)old_list->header.version,
             (long long)new_list->header.version);
    if (sign_file(req->list_key, path, comment, err) != 0 ||
        repo_file_describe(req->dir, name, sig_name, old_list->header.version, f, err) != 0)
        goto done;
    rc = 0;
done:
    if (out != NULL) fclose(out);
    if (rc != 0) (void)unlink(tmp);
    cJSON_free(header_text);
    cJSON_Delete(header);
    return rc;
}

/* The versions of the lists already published in DIR (list-N.jsonl), newest first, at most MAX. */
static size_t published_versions(const char *dir, int64_t below, int64_t *versions, size_t max)
{
    DIR *d = opendir(dir);
    struct dirent *ent;
    size_t count = 0;
    if (d == NULL) return 0;
    while ((ent = readdir(d)) != NULL) {
        long long v = 0;
        int used = 0;
        if (sscanf(ent->d_name, "list-%lld.jsonl%n", &v, &used) != 1 || ent->d_name[used] != '\0' || v < 1 || v >= below)
            continue;
        /* keep the MAX newest, in order */
        size_t at = count;
        while (at > 0 && versions[at - 1] < v) at--;
        if (at >= max) continue;
        if (count < max) count++;
        memmove(versions + at + 1, versions + at, (count - 1 - at) * sizeof *versions);
        versions[at] = v;
    }
    closedir(d);
    return count;
}

/* The serial of DIR's current index, or 0. The authority's own directory: not verified here. */
static int64_t current_serial(const char *dir)
{
    char path[NETRAL_PATH_BYTES], *text = NULL;
    size_t len = 0;
    netral_error ignored;
    repo_index *index = malloc(sizeof *index);
    int64_t serial = 0;
    if (index != NULL && path_join(path, sizeof path, dir, INDEX_FILE, &ignored) == 0 &&
        file_read_bounded(path, MAX_INDEX_BYTES, &text, &len, &ignored) == 0 &&
        repo_index_parse(text, len, index, &ignored) == 0)
        serial = index->serial;
    free(text);
    free(index);
    return serial;
}

static int write_index(const publish_request *req, repo_index *index, publish_result *out, netral_error *err)
{
    char path[NETRAL_PATH_BYTES], comment[128], *text;
    int rc;
    index->serial = current_serial(req->dir) + 1;
    index->issued = netral_now();
    index->expires = index->issued + req->valid_seconds;
    text = repo_index_print(index);
    if (text == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    snprintf(comment, sizeof comment, "netral index %lld: list version %lld", (long long)index->serial,
             (long long)index->list_version);
    rc = path_join(path, sizeof path, req->dir, INDEX_FILE, err) != 0 ||
                 file_write_atomic(path, text, strlen(text), err) != 0 || sign_file(req->index_key, path, comment, err) != 0
             ? -1
             : 0;
    cJSON_free(text);
    out->serial = index->serial;
    out->expires = index->expires;
    out->version = index->list_version;
    return rc;
}

/* Copies the file SRC into DIR as NAME (unless it is that file already). */
static int copy_into(const char *src, const char *dir, const char *name, netral_error *err)
{
    char dst[NETRAL_PATH_BYTES], *text = NULL;
    size_t len = 0;
    int rc;
    if (path_join(dst, sizeof dst, dir, name, err) != 0) return -1;
    if (strcmp(src, dst) == 0) return 0;
    if (file_read_bounded(src, MAX_LIST_BYTES, &text, &len, err) != 0) return -1;
    rc = file_write_atomic(dst, text, len, err);
    free(text);
    return rc;
}

/* Whether DIR holds NAME, signed (NAME.minisig): 1, 0 when it holds no NAME, -1 unsigned. */
static int signed_file_in(const char *dir, const char *name, char path[NETRAL_PATH_BYTES], netral_error *err)
{
    char sig[NETRAL_PATH_BYTES];
    if (path_join(path, NETRAL_PATH_BYTES, dir, name, err) != 0) return -1;
    if (!os_exists(path)) return 0;
    if (snprintf(sig, sizeof sig, "%s.minisig", path) >= (int)sizeof sig || !os_exists(sig))
        return netral_fail(err, NETRAL_E_IO, "%s is not signed", path);
    return 1;
}

/* What the authority put in DIR beside the lists goes with them: a key statement (keys.json) and
 * the site rules (netral-sites.json), each signed (docs/updates.md, docs/site-rules.md). */
static int describe_extras(const char *dir, repo_index *index, netral_error *err)
{
    char path[NETRAL_PATH_BYTES], *text = NULL;
    size_t len = 0;
    site_rules_header header;
    netral_error why;
    int found;
    index->has_keys = index->has_sites = 0;
    if ((found = signed_file_in(dir, KEY_STATEMENT_FILE, path, err)) < 0) return -1;
    if (found) {
        if (repo_file_describe(dir, KEY_STATEMENT_FILE, KEY_STATEMENT_FILE ".minisig", 0, &index->keys, err) != 0)
            return -1;
        index->has_keys = 1;
    }
    if ((found = signed_file_in(dir, SITE_RULES_FILE, path, err)) <= 0) return found;
    if (file_read_bounded(path, MAX_SITE_RULES_BYTES, &text, &len, err) != 0) return -1;
    found = site_rules_check_header(text, len, netral_now(), &header, &why);
    free(text);
    if (found != 0) return netral_fail(err, why.code, "%s: %s", path, why.msg);
    if (repo_file_describe(dir, SITE_RULES_FILE, SITE_RULES_FILE ".minisig", 0, &index->sites, err) != 0) return -1;
    index->sites_version = header.version;
    index->has_sites = 1;
    return 0;
}

int publish_list(const publish_request *req, publish_result *out, netral_error *err)
{
    char sig_path[NETRAL_PATH_BYTES], name[REPO_NAME_BYTES], sig_name[REPO_NAME_BYTES], old_path[NETRAL_PATH_BYTES];
    int64_t versions[MAX_INDEX_DELTAS];
    repo_index *index = calloc(1, sizeof *index);
    list_facts new_list = {0}, old_list = {0};
    sqlite3 *db = NULL;
    size_t count;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (index == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (snprintf(sig_path, sizeof sig_path, "%s.minisig", req->list_path) >= (int)sizeof sig_path) {
        netral_fail(err, NETRAL_E_TOO_LARGE, "path too long: %s", req->list_path);
        goto done;
    }
    if (!os_exists(sig_path)) {
        netral_fail(err, NETRAL_E_IO, "%s is not signed (no %s): sign it with `netral sign` first", req->list_path,
                    sig_path);
        goto done;
    }
    if (sqlite3_open("", &db) != SQLITE_OK) {   /* a scratch database on disk, gone when closed */
        db_fail(db, err, "cannot make a scratch database");
        goto done;
    }
    if (load_list(db, "new", req->list_path, &new_list, err) != 0) goto done;
    snprintf(name, sizeof name, "list-%lld.jsonl", (long long)new_list.header.version);
    if (snprintf(sig_name, sizeof sig_name, "%s.minisig", name) >= (int)sizeof sig_name) {
        netral_fail(err, NETRAL_E_TOO_LARGE, "file name too long: %s", name);
        goto done;
    }
    if (os_make_dir(req->dir) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot create %s: %s", req->dir, strerror(errno));
        goto done;
    }
    if (copy_into(req->list_path, req->dir, name, err) != 0 || copy_into(sig_path, req->dir, sig_name, err) != 0 ||
        repo_file_describe(req->dir, name, sig_name, 0, &index->list, err) != 0)
        goto done;
    index->list_version = new_list.header.version;
    index->entries = new_list.entries;
    index->accounts = new_list.accounts;
    content_digest_hex(&new_list.digest, index->content_digest);

    count = published_versions(req->dir, new_list.header.version, versions,
                               req->keep < MAX_INDEX_DELTAS ? req->keep : MAX_INDEX_DELTAS);
    for (size_t i = 0; i < count; i++) {
        char old_name[REPO_NAME_BYTES];
        snprintf(old_name, sizeof old_name, "list-%lld.jsonl", (long long)versions[i]);
        if (path_join(old_path, sizeof old_path, req->dir, old_name, err) != 0 ||
            sqlite3_exec(db, "DROP TABLE IF EXISTS old", NULL, NULL, NULL) != SQLITE_OK ||
            load_list(db, "old", old_path, &old_list, err) != 0 ||
            make_delta(db, req, &old_list, &new_list, &index->deltas[index->delta_count], err) != 0)
            goto done;
        free_facts(&old_list);
        index->delta_count++;
    }
    out->deltas = (unsigned)index->delta_count;
    if (describe_extras(req->dir, index, err) != 0) goto done;
    rc = write_index(req, index, out, err);
done:
    free_facts(&old_list);
    free_facts(&new_list);
    sqlite3_close(db);
    free(index);
    return rc;
}

int publish_refresh(const publish_request *req, publish_result *out, netral_error *err)
{
    char path[NETRAL_PATH_BYTES], *text = NULL;
    size_t len = 0;
    repo_index *index = malloc(sizeof *index);
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (index == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (path_join(path, sizeof path, req->dir, INDEX_FILE, err) == 0 &&
        file_read_bounded(path, MAX_INDEX_BYTES, &text, &len, err) == 0 && repo_index_parse(text, len, index, err) == 0) {
        out->deltas = (unsigned)index->delta_count;
        rc = describe_extras(req->dir, index, err) == 0 ? write_index(req, index, out, err) : -1;
    }
    free(text);
    free(index);
    return rc;
}
