#include "store_patch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "account_bucket.h"
#include "account_filter.h"
#include "content_digest.h"
#include "fileio.h"
#include "os.h"
#include "store_sqlite.h"

struct store_patch {
    sqlite3 *db;
    sqlite3_stmt *put_meta;
    sqlite3_stmt *filter_get, *filter_put;   /* NULL when the database has no account filter */
    int64_t filter_blocks;
    int filter_layout;
    sqlite3_stmt *bucket_get, *bucket_put, *overflow_get, *overflow_add, *overflow_drop;
    uint32_t buckets;
    unsigned char *bucket_row;               /* BUCKET_MAX_ROW_BYTES, for rewriting one */
    char *path;
    store_meta meta;
    content_digest digest;
};

/* Copies SRC to the new file DST and makes the copy durable. */
static int copy_file(const char *src, const char *dst, netral_error *err)
{
    unsigned char buf[1 << 16];
    int in = os_open_read(src), out = -1, rc = -1;
    if (in < 0) return netral_fail(err, NETRAL_E_DATABASE, "cannot open %s: %s", src, strerror(errno));
    out = os_create_new(dst);
    if (out < 0) {
        netral_fail(err, NETRAL_E_IO, "cannot create %s: %s", dst, strerror(errno));
        goto done;
    }
    for (;;) {
        ssize_t n = os_read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            netral_fail(err, NETRAL_E_IO, "cannot read %s: %s", src, strerror(errno));
            goto done;
        }
        if (n == 0) break;
        if (fd_write_all(out, buf, (size_t)n) != 0) {
            netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", dst, errno == ENOSPC ? "the disk is full" : strerror(errno));
            goto done;
        }
    }
    rc = 0;
done:
    if (in >= 0) close(in);
    if (out >= 0 && close(out) != 0 && rc == 0)
        rc = netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", dst, strerror(errno));
    return rc;
}

static int prepare(store_patch *p, const char *sql, sqlite3_stmt **st, netral_error *err)
{
    if (sqlite3_prepare_v2(p->db, sql, -1, st, NULL) != SQLITE_OK)
        return store_db_fail(err, p->db, "the database is unreadable or damaged");
    return 0;
}

int store_patch_begin(const char *db_path, const char *new_path, store_patch **out, netral_error *err)
{
    store_patch *p = calloc(1, sizeof *p);
    store *installed = NULL;
    int rc = -1;

    if (p == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    p->path = strdup(new_path);
    if (p->path == NULL) {
        free(p);
        return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    }
    /* The metadata as the reader sees it, before the copy is touched. */
    if (store_open(db_path, &installed, err) != 0 || store_get_meta(installed, &p->meta, err) != 0) goto done;
    if (content_digest_parse(p->meta.content_digest, &p->digest) != 0) {
        netral_fail(err, NETRAL_E_DATABASE, "the installed database has no content digest: a delta cannot apply to it");
        goto done;
    }
    (void)unlink(new_path);
    if (copy_file(db_path, new_path, err) != 0) goto done;
    if (sqlite3_open_v2(new_path, &p->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_exec(p->db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN;", NULL, NULL, NULL) != SQLITE_OK) {
        store_db_fail(err, p->db, "cannot open the copy of the database");
        goto done;
    }
    if (prepare(p, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", &p->put_meta, err) != 0) goto done;
    /* the account filter, when the database has one: an addition sets its bits too */
    p->filter_blocks = store_meta_int(p->db, "filter_blocks");
    p->filter_layout = (int)store_meta_int(p->db, "filter_layout");
    if (p->filter_layout == 0) p->filter_layout = FILTER_LAYOUT_HASHED;
    if (p->filter_layout != FILTER_LAYOUT_HASHED && p->filter_layout != FILTER_LAYOUT_SPREAD) {
        netral_fail(err, NETRAL_E_DATABASE, "the installed account filter is of an unknown layout: import the full list");
        goto done;
    }
    if (p->filter_blocks > 0 &&
        (prepare(p, "SELECT bits FROM account_filter WHERE block = ?1", &p->filter_get, err) != 0 ||
         prepare(p, "UPDATE account_filter SET bits = ?2 WHERE block = ?1", &p->filter_put, err) != 0))
        goto done;
    /* every change goes into its bucket's row, or account_overflow */
    p->buckets = (uint32_t)store_meta_int(p->db, "buckets");   /* checked by store_open */
    p->bucket_row = malloc(BUCKET_MAX_ROW_BYTES);
    if (p->bucket_row == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        goto done;
    }
    if (prepare(p, BUCKET_ROW_SQL, &p->bucket_get, err) != 0 ||
        prepare(p, "UPDATE account_bucket SET entries = ?2 WHERE bucket = ?1", &p->bucket_put, err) != 0 ||
        prepare(p, OVERFLOW_SQL, &p->overflow_get, err) != 0 ||
        prepare(p, OVERFLOW_ADD_SQL, &p->overflow_add, err) != 0 ||
        prepare(p, "DELETE FROM account_overflow WHERE platform = ?1 AND account = ?2", &p->overflow_drop, err) != 0)
        goto done;
    *out = p;
    p = NULL;
    rc = 0;
done:
    store_close(installed);
    store_patch_abort(p);
    return rc;
}

const store_meta *store_patch_meta(const store_patch *p)
{
    return &p->meta;
}

static int step_done(store_patch *p, sqlite3_stmt *st, netral_error *err)
{
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step == SQLITE_DONE) return 0;
    if (step == SQLITE_FULL) return netral_fail(err, NETRAL_E_IO, "cannot write the new database: the disk is full");
    return store_db_fail(err, p->db, "cannot write the new database");
}

/* Reads ACCOUNT's bucket row, checked, into p->bucket_row: its number, records and flags. */
static int bucket_read(store_patch *p, const account_ref *account, uint32_t *bucket, size_t *len, unsigned *flags,
                       netral_error *err)
{
    int step, ok = 0;
    *bucket = account_bucket_of(account, p->buckets);
    sqlite3_bind_int64(p->bucket_get, 1, *bucket);
    step = sqlite3_step(p->bucket_get);
    if (step == SQLITE_ROW) {
        const unsigned char *row = sqlite3_column_blob(p->bucket_get, 0);
        int n = sqlite3_column_bytes(p->bucket_get, 0);
        ok = account_bucket_unseal(*bucket, row, (size_t)n, len, flags) == 0;
        if (ok) memcpy(p->bucket_row, row, *len);
    }
    sqlite3_reset(p->bucket_get);
    if (step != SQLITE_ROW && step != SQLITE_DONE) return store_db_fail(err, p->db, "cannot read the database");
    return ok ? 0 : store_damaged(err, *bucket);
}

/* Writes p->bucket_row (LEN bytes of records) back as bucket BUCKET's row, with FLAGS. */
static int bucket_write(store_patch *p, uint32_t bucket, size_t len, unsigned flags, netral_error *err)
{
    size_t n = account_bucket_seal(bucket, p->bucket_row, len, flags);
    sqlite3_bind_int64(p->bucket_put, 1, bucket);
    sqlite3_bind_blob(p->bucket_put, 2, p->bucket_row, (int)n, SQLITE_STATIC);
    if (step_done(p, p->bucket_put, err) != 0) return -1;
    if (sqlite3_changes(p->db) != 1) return store_damaged(err, bucket);
    return 0;
}

static void bind_account(sqlite3_stmt *st, const account_ref *account)
{
    sqlite3_bind_text(st, 1, platform_name(account->platform), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, account->account, -1, SQLITE_STATIC);
}

/* Where ACCOUNT is, with its bucket's row read into p->bucket_row (bucket_read): 1 in the row,
 * 2 in account_overflow, 0 in neither, -1 on damage; ENTITY (unless NULL) filled when found. */
static int locate(store_patch *p, const account_ref *account, uint32_t *bucket, size_t *len, unsigned *flags,
                  list_entity *entity, netral_error *err)
{
    int found;
    if (bucket_read(p, account, bucket, len, flags, err) != 0) return -1;
    found = account_bucket_find(p->bucket_row, *len, account, entity);
    if (found != 0) return found < 0 ? store_damaged(err, *bucket) : 1;
    if (!(*flags & BUCKET_OVERFLOWED)) return 0;
    found = store_overflow_lookup(p->db, p->overflow_get, account, entity, err);
    return found == 1 ? 2 : found;
}

int store_patch_remove(store_patch *p, const account_ref *account, netral_error *err)
{
    unsigned char *kept = NULL;
    list_entity entity;
    uint32_t bucket;
    size_t len, left;
    unsigned flags;
    int where, rc = -1;
    where = locate(p, account, &bucket, &len, &flags, &entity, err);
    if (where < 0) return -1;
    if (where == 0)
        return netral_fail(err, NETRAL_E_FORMAT, "%s %s is not listed, so it cannot be removed",
                           platform_name(account->platform), account->account);
    if (where == 1) {   /* out of the row */
        kept = malloc(BUCKET_MAX_ROW_BYTES);
        if (kept == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        if (account_bucket_remove(p->bucket_row, len, account, kept, &left) != 1) {
            store_damaged(err, bucket);
            goto done;
        }
        memcpy(p->bucket_row, kept, left);
        if (bucket_write(p, bucket, left, flags, err) != 0) goto done;
    } else {   /* out of account_overflow */
        bind_account(p->overflow_drop, account);
        if (step_done(p, p->overflow_drop, err) != 0) goto done;
        if (sqlite3_changes(p->db) != 1) {
            store_damaged(err, bucket);
            goto done;
        }
    }
    content_digest_remove(&p->digest, account, &entity);
    p->meta.accounts--;
    rc = 0;
done:
    free(kept);
    return rc;
}

/* Sets ACCOUNT's bits in its filter block. A block that does not match its digest would be read
 * as "no filter" by the host; the delta is then refused (the full list rebuilds the filter). */
static int filter_add(store_patch *p, const account_ref *account, netral_error *err)
{
    filter_position pos;
    unsigned char row[FILTER_ROW_BYTES];
    const unsigned char *kept;
    int ok;
    account_filter_position(account, (uint32_t)p->filter_blocks, p->filter_layout, &pos);
    sqlite3_bind_int64(p->filter_get, 1, pos.block);
    ok = sqlite3_step(p->filter_get) == SQLITE_ROW;
    kept = ok ? sqlite3_column_blob(p->filter_get, 0) : NULL;
    ok = kept != NULL && account_filter_unseal(kept, (size_t)sqlite3_column_bytes(p->filter_get, 0)) == 0;
    if (ok) memcpy(row, kept, FILTER_BLOCK_BYTES);
    sqlite3_reset(p->filter_get);
    if (!ok) return netral_fail(err, NETRAL_E_DATABASE, "the installed account filter is damaged: import the full list");
    account_filter_set(row, &pos);
    account_filter_seal(row, row);
    sqlite3_bind_int64(p->filter_put, 1, pos.block);
    sqlite3_bind_blob(p->filter_put, 2, row, sizeof row, SQLITE_STATIC);
    return step_done(p, p->filter_put, err);
}

int store_patch_add(store_patch *p, const account_ref *account, const list_entity *entity, netral_error *err)
{
    uint32_t bucket;
    size_t len;
    unsigned flags;
    int where = locate(p, account, &bucket, &len, &flags, NULL, err);
    if (where < 0) return -1;
    if (where > 0)
        return netral_fail(err, NETRAL_E_FORMAT, "%s %s is listed already", platform_name(account->platform),
                           account->account);
    /* In the row while it fits; once a bucket has overflowed, its further accounts go there too. */
    if (!(flags & BUCKET_OVERFLOWED) &&
        account_bucket_append(p->bucket_row, &len, platform_name(account->platform), account->account, entity) == 0) {
        if (bucket_write(p, bucket, len, flags, err) != 0) return -1;
    } else {
        const char *fields[5] = {entity->name, entity->role, entity->party, entity->election, entity->region};
        bind_account(p->overflow_add, account);
        for (int i = 0; i < 5; i++) sqlite3_bind_text(p->overflow_add, 3 + i, fields[i], -1, SQLITE_STATIC);
        if (step_done(p, p->overflow_add, err) != 0) return -1;
        if (!(flags & BUCKET_OVERFLOWED) && bucket_write(p, bucket, len, flags | BUCKET_OVERFLOWED, err) != 0)
            return -1;
    }
    content_digest_add(&p->digest, account, entity);
    p->meta.accounts++;
    return p->filter_blocks > 0 ? filter_add(p, account, err) : 0;
}

static int put_int(store_patch *p, const char *key, int64_t value, netral_error *err)
{
    sqlite3_bind_text(p->put_meta, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(p->put_meta, 2, value);
    return step_done(p, p->put_meta, err);
}

static int put_text(store_patch *p, const char *key, const char *value, netral_error *err)
{
    sqlite3_bind_text(p->put_meta, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(p->put_meta, 2, value, -1, SQLITE_STATIC);
    return step_done(p, p->put_meta, err);
}

static void finalize_statements(store_patch *p)
{
    sqlite3_stmt **all[] = {&p->put_meta,     &p->filter_get,   &p->filter_put,   &p->bucket_get,
                            &p->bucket_put,   &p->overflow_get, &p->overflow_add, &p->overflow_drop};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        sqlite3_finalize(*all[i]);
        *all[i] = NULL;
    }
}

int store_patch_finish(store_patch *p, store_meta *meta, netral_error *err)
{
    int commit;
    meta->accounts = p->meta.accounts;
    content_digest_hex(&p->digest, meta->content_digest);
    if (put_int(p, "version", meta->version, err) || put_int(p, "issued", meta->issued, err) ||
        put_int(p, "expires", meta->expires, err) || put_int(p, "imported_at", meta->imported_at, err) ||
        put_int(p, "entries", meta->entries, err) || put_int(p, "accounts", meta->accounts, err) ||
        put_text(p, "issuer", meta->issuer, err) || put_text(p, "key_id", meta->key_id, err) ||
        put_text(p, "elections", meta->elections_json, err) ||
        put_text(p, "content_digest", meta->content_digest, err))
        goto fail;
    commit = sqlite3_exec(p->db, "COMMIT", NULL, NULL, NULL);
    if (commit != SQLITE_OK) {
        if (commit == SQLITE_FULL) netral_fail(err, NETRAL_E_IO, "cannot write the new database: the disk is full");
        else store_db_fail(err, p->db, "cannot write the new database");
        goto fail;
    }
    finalize_statements(p);
    if (sqlite3_close(p->db) != SQLITE_OK) {
        store_db_fail(err, p->db, "cannot close the new database");
        goto fail;
    }
    p->db = NULL;
    if (os_sync_file(p->path) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot sync %s: %s", p->path, strerror(errno));
        goto fail;
    }
    free(p->bucket_row);
    free(p->path);
    free(p);
    return 0;
fail:
    store_patch_abort(p);
    return -1;
}

void store_patch_abort(store_patch *p)
{
    if (p == NULL) return;
    finalize_statements(p);
    if (p->db != NULL) sqlite3_close(p->db);
    (void)unlink(p->path);
    free(p->bucket_row);
    free(p->path);
    free(p);
}
