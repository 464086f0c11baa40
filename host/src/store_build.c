/* Building a new list database (the admin CLI's import). The host only reads (store.c). */
#include "store_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include <sqlite3.h>

#include "os.h"
#include "account_bucket.h"
#include "account_filter.h"
#include "account_hash.h"
#include "content_digest.h"
#include "store_sqlite.h"

struct store_builder {
    sqlite3 *db;
    sqlite3_stmt *add_pending;
    char *path;
    int64_t entries, accounts;
    content_digest digest;   /* of the rows added */
};

/* The accounts are gathered in a temporary table as they come, then written to their buckets
 * in spread order (SQLite sorts in bounded memory, spilling to a temporary file). */
static const char SCHEMA_SQL[] =
    "PRAGMA journal_mode = OFF;"       /* a half-built file is deleted, never used */
    "PRAGMA synchronous = OFF;"        /* durability comes from the fsync before the rename */
    "PRAGMA threads = 2;"              /* the sort may use a second core */
    "PRAGMA temp.cache_size = -512;"   /* the gathered accounts are only appended: a small cache */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE account_filter (block INTEGER PRIMARY KEY, bits BLOB NOT NULL);"
    "CREATE TABLE account_bucket (bucket INTEGER PRIMARY KEY, entries BLOB NOT NULL);"
    "CREATE TABLE account_overflow (platform TEXT NOT NULL, account TEXT NOT NULL, name TEXT NOT NULL,"
    "  role TEXT NOT NULL, party TEXT NOT NULL, election TEXT NOT NULL, region TEXT NOT NULL,"
    "  PRIMARY KEY (platform, account)) WITHOUT ROWID;"
    "CREATE TEMP TABLE pending (spread INTEGER NOT NULL, line INTEGER NOT NULL, platform TEXT NOT NULL, account TEXT NOT NULL,"
    "  name TEXT NOT NULL, role TEXT NOT NULL, party TEXT NOT NULL, election TEXT NOT NULL, region TEXT NOT NULL);"
    "BEGIN;";

static int step_once(sqlite3 *db, sqlite3_stmt *st, const char *what, netral_error *err)
{
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step == SQLITE_DONE) return 0;
    if (step == SQLITE_FULL) return netral_fail(err, NETRAL_E_IO, "%s: the disk is full", what);
    return store_db_fail(err, db, what);
}

/* The filter as it is built: blocks come in order, one in memory. */
typedef struct {
    sqlite3 *db;
    sqlite3_stmt *put;
    uint32_t blocks, next;            /* how many; the first not written yet */
    unsigned char bits[FILTER_BLOCK_BYTES];
} filter_writer;

/* Writes block W->next (the bits gathered, then cleared) and every block before UNTIL. */
static int filter_write_until(filter_writer *w, uint32_t until, netral_error *err)
{
    unsigned char row[FILTER_ROW_BYTES];
    while (w->next < until) {
        account_filter_seal(w->bits, row);
        memset(w->bits, 0, sizeof w->bits);
        sqlite3_bind_int64(w->put, 1, w->next);
        sqlite3_bind_blob(w->put, 2, row, sizeof row, SQLITE_STATIC);
        if (step_once(w->db, w->put, "cannot write the account filter", err) != 0) return -1;
        w->next++;
    }
    return 0;
}

/* The buckets as they are built: rows come in order, one in memory; every bucket gets one. */
typedef struct {
    sqlite3 *db;
    sqlite3_stmt *put, *overflow;
    uint32_t buckets, next;           /* how many; the first not written yet */
    unsigned flags;                   /* of bucket next */
    size_t len;                       /* of its records */
    unsigned char row[BUCKET_MAX_ROW_BYTES];
} bucket_writer;

/* Writes the row of bucket W->next (its records so far, sealed), then the empty row of every
 * bucket before UNTIL. */
static int bucket_write_until(bucket_writer *w, uint32_t until, netral_error *err)
{
    while (w->next < until) {
        size_t n = account_bucket_seal(w->next, w->row, w->len, w->flags);
        sqlite3_bind_int64(w->put, 1, w->next);
        sqlite3_bind_blob(w->put, 2, w->row, (int)n, SQLITE_STATIC);
        if (step_once(w->db, w->put, "cannot write the account buckets", err) != 0) return -1;
        w->next++;
        w->len = 0;
        w->flags = 0;
    }
    return 0;
}

static int listed_twice(const account_ref *ref, uint64_t line, netral_error *err)
{
    return netral_fail(err, NETRAL_E_FORMAT, "line %llu: %s %s is listed twice", (unsigned long long)line,
                       platform_name(ref->platform), ref->account);
}

/* Puts the record T of REF (from line LINE) in bucket W->next: in its row while it fits, else
 * (and for the bucket's every later record) in account_overflow. An account already there is
 * refused: the records of an account come together, its first line first. */
static int bucket_put(bucket_writer *w, const account_ref *ref, const bucket_record_texts *t, uint64_t line,
                      netral_error *err)
{
    int step;
    if (account_bucket_find(w->row, w->len, ref, NULL) != 0) return listed_twice(ref, line, err);
    if (!(w->flags & BUCKET_OVERFLOWED) && account_bucket_append_texts(w->row, &w->len, t) == 0) return 0;
    w->flags |= BUCKET_OVERFLOWED;
    for (int i = 0; i < BUCKET_RECORD_TEXTS; i++)
        sqlite3_bind_text(w->overflow, 1 + i, t->text[i], (int)t->len[i], SQLITE_STATIC);
    step = sqlite3_step(w->overflow);
    sqlite3_reset(w->overflow);
    if (step == SQLITE_CONSTRAINT) return listed_twice(ref, line, err);
    if (step == SQLITE_FULL) return netral_fail(err, NETRAL_E_IO, "cannot write the new database: the disk is full");
    if (step != SQLITE_DONE) return store_db_fail(err, w->db, "cannot write the account buckets");
    return 0;
}

/* Column COL as text and its length, "" for NULL (which the schema does not allow, but out
 * of memory gives). */
static const char *column_text(sqlite3_stmt *st, int col, size_t *len)
{
    const char *text = (const char *)sqlite3_column_text(st, col);
    *len = text != NULL ? (size_t)sqlite3_column_bytes(st, col) : 0;
    return text != NULL ? text : "";
}

/* Writes the accounts gathered, in one pass in spread order (account_hash.h): the account
 * buckets (account_bucket.h), a row at a time, and the account filter (account_filter.h,
 * layout 2), a block at a time. Sets the number of each. */
static int write_accounts(sqlite3 *db, int64_t accounts, int64_t *filter_blocks, int64_t *bucket_count,
                          netral_error *err)
{
    static const char SCAN_SQL[] =
        "SELECT spread, line, platform, account, name, role, party, election, region FROM pending"
        " ORDER BY spread, line";
    filter_writer *filter = calloc(1, sizeof *filter);
    bucket_writer *bucket = calloc(1, sizeof *bucket);
    sqlite3_stmt *scan = NULL;
    int step, rc = -1;
    if (filter == NULL || bucket == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory for the account filter and buckets");
        goto done;
    }
    filter->db = bucket->db = db;
    filter->blocks = account_filter_blocks((uint64_t)accounts);
    bucket->buckets = account_bucket_count((uint64_t)accounts);
    if (sqlite3_prepare_v2(db, SCAN_SQL, -1, &scan, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO account_bucket (bucket, entries) VALUES (?1, ?2)", -1, &bucket->put,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, OVERFLOW_ADD_SQL, -1, &bucket->overflow, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO account_filter (block, bits) VALUES (?1, ?2)", -1, &filter->put, NULL) !=
            SQLITE_OK) {
        store_db_fail(err, db, "cannot write the account buckets");
        goto done;
    }
    while ((step = sqlite3_step(scan)) == SQLITE_ROW) {
        uint32_t spread = (uint32_t)sqlite3_column_int64(scan, 0);
        uint32_t place = account_spread_place(spread, bucket->buckets);
        bucket_record_texts texts;
        account_ref ref;
        filter_position position;
        uint64_t line = (uint64_t)sqlite3_column_int64(scan, 1);
        for (int i = 0; i < BUCKET_RECORD_TEXTS; i++) texts.text[i] = column_text(scan, 2 + i, &texts.len[i]);
        if (platform_parse(texts.text[0], texts.len[0], &ref.platform) != 0 || texts.len[1] >= sizeof ref.account) {
            netral_fail(err, NETRAL_E_DATABASE, "cannot write the account buckets: an account the list cannot have");
            goto done;
        }
        memcpy(ref.account, texts.text[1], texts.len[1]);
        ref.account[texts.len[1]] = '\0';
        account_filter_position(&ref, filter->blocks, FILTER_LAYOUT_SPREAD, &position);
        if (position.block < filter->next || place < bucket->next) {   /* never silently in the wrong place */
            netral_fail(err, NETRAL_E_DATABASE, "cannot write the account buckets: accounts out of spread order");
            goto done;
        }
        if (filter_write_until(filter, position.block, err) != 0) goto done;   /* the blocks before are whole */
        account_filter_set(filter->bits, &position);
        if (bucket_write_until(bucket, place, err) != 0 || bucket_put(bucket, &ref, &texts, line, err) != 0) goto done;
    }
    if (step == SQLITE_FULL) {
        netral_fail(err, NETRAL_E_IO, "cannot write the new database: the disk is full");
        goto done;
    }
    if (step != SQLITE_DONE) {
        store_db_fail(err, db, "cannot write the account buckets");
        goto done;
    }
    if (bucket_write_until(bucket, bucket->buckets, err) != 0) goto done;
    if (filter_write_until(filter, filter->blocks, err) != 0) goto done;
    *filter_blocks = filter->blocks;
    *bucket_count = bucket->buckets;
    rc = 0;
done:
    sqlite3_finalize(scan);
    if (bucket != NULL) {
        sqlite3_finalize(bucket->put);
        sqlite3_finalize(bucket->overflow);
    }
    if (filter != NULL) sqlite3_finalize(filter->put);
    free(filter);
    free(bucket);
    return rc;
}

int store_builder_create(const char *path, store_builder **out, netral_error *err)
{
    store_builder *b = calloc(1, sizeof *b);
    int fd;
    if (b == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    b->path = strdup(path);
    if (b->path == NULL) {
        free(b);
        return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    }
    /* Create the file ourselves: exclusive, no symlink followed, readable by every browser user. */
    (void)unlink(path);
    fd = os_create_new(path);
    if (fd < 0) {
        netral_fail(err, NETRAL_E_IO, "cannot create %s: %s", path, strerror(errno));
        free(b->path);
        free(b);
        return -1;
    }
    close(fd);
    if (sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_exec(b->db, SCHEMA_SQL, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(b->db,
                           "INSERT INTO pending (spread, line, platform, account, name, role, party, election, region)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           -1, &b->add_pending, NULL) != SQLITE_OK) {
        store_db_fail(err, b->db, "cannot create the new database");
        store_builder_abort(b);
        return -1;
    }
    *out = b;
    return 0;
}

int store_builder_add(store_builder *b, const list_entry *entry, uint64_t line, netral_error *err)
{
    const list_entity *e = &entry->entity;
    const char *fields[5] = {e->name, e->role, e->party, e->election, e->region};
    sqlite3_bind_int64(b->add_pending, 2, (sqlite3_int64)line);
    for (int i = 0; i < 5; i++) sqlite3_bind_text(b->add_pending, 5 + i, fields[i], -1, SQLITE_STATIC);
    for (size_t i = 0; i < entry->account_count; i++) {
        const account_ref *a = &entry->accounts[i];
        sqlite3_bind_int64(b->add_pending, 1, account_spread(a));
        sqlite3_bind_text(b->add_pending, 3, platform_name(a->platform), -1, SQLITE_STATIC);
        sqlite3_bind_text(b->add_pending, 4, a->account, -1, SQLITE_STATIC);
        if (step_once(b->db, b->add_pending, "cannot write the new database", err) != 0) return -1;
        content_digest_add(&b->digest, a, e);
        b->accounts++;
    }
    b->entries++;
    return 0;
}

static int put_meta_int(store_builder *b, sqlite3_stmt *st, const char *key, int64_t value, netral_error *err)
{
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, value);
    return step_once(b->db, st, "cannot write the new database", err);
}

static int put_meta_text(store_builder *b, sqlite3_stmt *st, const char *key, const char *value, netral_error *err)
{
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    return step_once(b->db, st, "cannot write the new database", err);
}

static int sync_file(const char *path, netral_error *err)
{
    if (os_sync_file(path) != 0) return netral_fail(err, NETRAL_E_IO, "cannot sync %s: %s", path, strerror(errno));
    return 0;
}

int store_builder_finish(store_builder *b, store_meta *meta, netral_error *err)
{
    sqlite3_stmt *put = NULL;
    int rc = -1;

    meta->entries = b->entries;
    meta->accounts = b->accounts;
    content_digest_hex(&b->digest, meta->content_digest);
    int64_t filter_blocks = 0, buckets = 0;
    if (write_accounts(b->db, b->accounts, &filter_blocks, &buckets, err) != 0) goto done;
    if (sqlite3_prepare_v2(b->db, "INSERT INTO meta (key, value) VALUES (?1, ?2)", -1, &put, NULL) != SQLITE_OK) {
        store_db_fail(err, b->db, "cannot write the new database");
        goto done;
    }
    if (put_meta_int(b, put, "schema", SCHEMA_VERSION, err) || put_meta_int(b, put, "version", meta->version, err) ||
        put_meta_int(b, put, "issued", meta->issued, err) || put_meta_int(b, put, "expires", meta->expires, err) ||
        put_meta_int(b, put, "imported_at", meta->imported_at, err) ||
        put_meta_int(b, put, "entries", meta->entries, err) || put_meta_int(b, put, "accounts", meta->accounts, err) ||
        put_meta_text(b, put, "issuer", meta->issuer, err) || put_meta_text(b, put, "key_id", meta->key_id, err) ||
        put_meta_text(b, put, "elections", meta->elections_json, err) ||
        put_meta_text(b, put, "content_digest", meta->content_digest, err) ||
        put_meta_int(b, put, "filter_blocks", filter_blocks, err) ||
        put_meta_int(b, put, "filter_layout", FILTER_LAYOUT_SPREAD, err) || put_meta_int(b, put, "buckets", buckets, err))
        goto done;
    sqlite3_finalize(put);
    put = NULL;
    int commit = sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL);
    if (commit != SQLITE_OK) {
        if (commit == SQLITE_FULL) netral_fail(err, NETRAL_E_IO, "cannot write the new database: the disk is full");
        else store_db_fail(err, b->db, "cannot write the new database");
        goto done;
    }
    sqlite3_finalize(b->add_pending);
    b->add_pending = NULL;
    if (sqlite3_close(b->db) != SQLITE_OK) {
        store_db_fail(err, b->db, "cannot close the new database");
        goto done;
    }
    b->db = NULL;
    if (sync_file(b->path, err) != 0) goto done;
    free(b->path);
    free(b);
    return 0;
done:
    sqlite3_finalize(put);
    store_builder_abort(b);
    return rc;
}

void store_builder_abort(store_builder *b)
{
    if (b == NULL) return;
    sqlite3_finalize(b->add_pending);
    if (b->db != NULL) sqlite3_close(b->db);
    (void)unlink(b->path);
    free(b->path);
    free(b);
}
