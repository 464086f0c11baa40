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
    sqlite3_stmt *add_entity, *add_account;
    char *path;
    int64_t entries, accounts;
    content_digest digest;   /* of the rows added */
};

static const char SCHEMA_SQL[] =
    "PRAGMA journal_mode = OFF;"       /* a half-built file is deleted, never used */
    "PRAGMA synchronous = OFF;"        /* durability comes from the fsync before the rename */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
    "CREATE TABLE entity (id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,"
    "  party TEXT NOT NULL, election TEXT NOT NULL, region TEXT NOT NULL);"
    "CREATE TABLE account (platform TEXT NOT NULL, account TEXT NOT NULL,"
    "  entity_id INTEGER NOT NULL REFERENCES entity(id), PRIMARY KEY (platform, account)) WITHOUT ROWID;"
    "CREATE TABLE account_filter (block INTEGER PRIMARY KEY, bits BLOB NOT NULL);"
    "CREATE TABLE account_bucket (bucket INTEGER PRIMARY KEY, entries BLOB NOT NULL);"
    "BEGIN;";

/* netral_spread(platform, account): the spread of an account (account_hash.h), for the build. */
static void sql_spread(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *platform = (const char *)sqlite3_value_text(argv[0]);
    int platform_len = sqlite3_value_bytes(argv[0]);
    const char *account = (const char *)sqlite3_value_text(argv[1]);
    int account_len = sqlite3_value_bytes(argv[1]);
    (void)argc;
    if (platform == NULL || account == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_int64(ctx, account_spread_text(platform, (size_t)platform_len, account, (size_t)account_len));
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
        int step;
        account_filter_seal(w->bits, row);
        memset(w->bits, 0, sizeof w->bits);
        sqlite3_bind_int64(w->put, 1, w->next);
        sqlite3_bind_blob(w->put, 2, row, sizeof row, SQLITE_STATIC);
        step = sqlite3_step(w->put);
        sqlite3_reset(w->put);
        if (step == SQLITE_FULL) return netral_fail(err, NETRAL_E_IO, "cannot write the new database: the disk is full");
        if (step != SQLITE_DONE) return store_db_fail(err, w->db, "cannot write the account filter");
        w->next++;
    }
    return 0;
}

/* Column COL as text, "" for NULL (which the schema does not allow, but out of memory gives). */
static const char *column_text(sqlite3_stmt *st, int col)
{
    const char *text = (const char *)sqlite3_column_text(st, col);
    return text != NULL ? text : "";
}

static int put_bucket(sqlite3 *db, sqlite3_stmt *put, int64_t bucket, const unsigned char *row, size_t len,
                      netral_error *err)
{
    int step;
    sqlite3_bind_int64(put, 1, bucket);
    sqlite3_bind_blob(put, 2, row, (int)len, SQLITE_STATIC);
    step = sqlite3_step(put);
    sqlite3_reset(put);
    if (step == SQLITE_DONE) return 0;
    if (step == SQLITE_FULL) return netral_fail(err, NETRAL_E_IO, "cannot write the new database: the disk is full");
    return store_db_fail(err, db, "cannot write the account buckets");
}

/* Writes what is derived from the tables written, in one pass over the accounts in spread
 * order (account_hash.h; SQLite sorts in bounded memory, spilling to a temporary file): the
 * account buckets (account_bucket.h), each row packed as its accounts come, and the account
 * filter (account_filter.h, layout 2), a block at a time. Sets the number of each. */
static int write_derived(sqlite3 *db, int64_t accounts, int64_t *filter_blocks, int64_t *bucket_count,
                         netral_error *err)
{
    static const char SCAN_SQL[] =
        "SELECT netral_spread(a.platform, a.account) AS s, a.platform, a.account, e.name, e.role, e.party,"
        " e.election, e.region FROM account a JOIN entity e ON e.id = a.entity_id ORDER BY s";
    uint32_t buckets = account_bucket_count((uint64_t)accounts);
    filter_writer *filter = calloc(1, sizeof *filter);
    unsigned char *row = malloc(BUCKET_MAX_ROW_BYTES);
    sqlite3_stmt *scan = NULL, *put = NULL;
    int64_t current = -1;
    size_t len = 0;
    int step, rc = -1;
    if (row == NULL || filter == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory for the account filter and buckets");
        goto done;
    }
    filter->db = db;
    filter->blocks = account_filter_blocks((uint64_t)accounts);
    if (sqlite3_create_function(db, "netral_spread", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_spread, NULL,
                                NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, SCAN_SQL, -1, &scan, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO account_bucket (bucket, entries) VALUES (?1, ?2)", -1, &put, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO account_filter (block, bits) VALUES (?1, ?2)", -1, &filter->put, NULL) !=
            SQLITE_OK) {
        store_db_fail(err, db, "cannot write the account buckets");
        goto done;
    }
    while ((step = sqlite3_step(scan)) == SQLITE_ROW) {
        uint32_t spread = (uint32_t)sqlite3_column_int64(scan, 0);
        int64_t bucket = account_spread_place(spread, buckets);
        const char *platform = column_text(scan, 1), *account = column_text(scan, 2);
        account_ref ref;
        filter_position position;
        list_entity e;
        if (platform_parse(platform, strlen(platform), &ref.platform) != 0 || strlen(account) >= sizeof ref.account) {
            netral_fail(err, NETRAL_E_DATABASE, "cannot write the account filter: an account the list cannot have");
            goto done;
        }
        strcpy(ref.account, account);
        account_filter_position(&ref, filter->blocks, FILTER_LAYOUT_SPREAD, &position);
        if (position.block < filter->next) {   /* would set bits in the wrong block: never silently */
            netral_fail(err, NETRAL_E_DATABASE, "cannot write the account filter: accounts out of spread order");
            goto done;
        }
        if (filter_write_until(filter, position.block, err) != 0) goto done;   /* the blocks before are whole */
        account_filter_set(filter->bits, &position);
        snprintf(e.name, sizeof e.name, "%s", column_text(scan, 3));
        snprintf(e.role, sizeof e.role, "%s", column_text(scan, 4));
        snprintf(e.party, sizeof e.party, "%s", column_text(scan, 5));
        snprintf(e.election, sizeof e.election, "%s", column_text(scan, 6));
        snprintf(e.region, sizeof e.region, "%s", column_text(scan, 7));
        if (bucket != current) {
            if (len > 0 && put_bucket(db, put, current, row, len, err) != 0) goto done;
            current = bucket;
            len = 0;
        }
        /* A record that does not fit is left out: its account is found in the tables. */
        (void)account_bucket_append(row, &len, platform, account, &e);
    }
    if (step == SQLITE_FULL) {
        netral_fail(err, NETRAL_E_IO, "cannot write the new database: the disk is full");
        goto done;
    }
    if (step != SQLITE_DONE) {
        store_db_fail(err, db, "cannot write the account buckets");
        goto done;
    }
    if (len > 0 && put_bucket(db, put, current, row, len, err) != 0) goto done;
    if (filter_write_until(filter, filter->blocks, err) != 0) goto done;
    *filter_blocks = filter->blocks;
    *bucket_count = buckets;
    rc = 0;
done:
    sqlite3_finalize(scan);
    sqlite3_finalize(put);
    if (filter != NULL) sqlite3_finalize(filter->put);
    free(filter);
    free(row);
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
        sqlite3_prepare_v2(b->db, "INSERT INTO entity (name, role, party, election, region) VALUES (?1, ?2, ?3, ?4, ?5)",
                           -1, &b->add_entity, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(b->db, "INSERT INTO account (platform, account, entity_id) VALUES (?1, ?2, ?3)",
                           -1, &b->add_account, NULL) != SQLITE_OK) {
        store_db_fail(err, b->db, "cannot create the new database");
        store_builder_abort(b);
        return -1;
    }
    *out = b;
    return 0;
}

static int step_done(store_builder *b, sqlite3_stmt *st, const char *what, netral_error *err)
{
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step == SQLITE_DONE) return 0;
    if (step == SQLITE_FULL) return netral_fail(err, NETRAL_E_IO, "%s: the disk is full", what);
    return store_db_fail(err, b->db, what);
}

int store_builder_add(store_builder *b, const list_entry *entry, netral_error *err)
{
    const list_entity *e = &entry->entity;
    sqlite3_bind_text(b->add_entity, 1, e->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(b->add_entity, 2, e->role, -1, SQLITE_STATIC);
    sqlite3_bind_text(b->add_entity, 3, e->party, -1, SQLITE_STATIC);
    sqlite3_bind_text(b->add_entity, 4, e->election, -1, SQLITE_STATIC);
    sqlite3_bind_text(b->add_entity, 5, e->region, -1, SQLITE_STATIC);
    if (step_done(b, b->add_entity, "cannot write the new database", err) != 0) return -1;
    sqlite3_int64 entity_id = sqlite3_last_insert_rowid(b->db);

    for (size_t i = 0; i < entry->account_count; i++) {
        const account_ref *a = &entry->accounts[i];
        int step;
        sqlite3_bind_text(b->add_account, 1, platform_name(a->platform), -1, SQLITE_STATIC);
        sqlite3_bind_text(b->add_account, 2, a->account, -1, SQLITE_STATIC);
        sqlite3_bind_int64(b->add_account, 3, entity_id);
        step = sqlite3_step(b->add_account);
        sqlite3_reset(b->add_account);
        if (step == SQLITE_CONSTRAINT)
            return netral_fail(err, NETRAL_E_FORMAT, "%s %s is listed twice", platform_name(a->platform), a->account);
        if (step == SQLITE_FULL) return netral_fail(err, NETRAL_E_IO, "cannot write the new database: the disk is full");
        if (step != SQLITE_DONE) return store_db_fail(err, b->db, "cannot write the new database");
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
    return step_done(b, st, "cannot write the new database", err);
}

static int put_meta_text(store_builder *b, sqlite3_stmt *st, const char *key, const char *value, netral_error *err)
{
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    return step_done(b, st, "cannot write the new database", err);
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
    if (write_derived(b->db, b->accounts, &filter_blocks, &buckets, err) != 0) goto done;
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
    sqlite3_finalize(b->add_entity);
    sqlite3_finalize(b->add_account);
    b->add_entity = b->add_account = NULL;
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
    sqlite3_finalize(b->add_entity);
    sqlite3_finalize(b->add_account);
    if (b->db != NULL) sqlite3_close(b->db);
    (void)unlink(b->path);
    free(b->path);
    free(b);
}
