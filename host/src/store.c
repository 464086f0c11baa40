#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "account_bucket.h"
#include "account_hash.h"
#include "account_filter.h"
#include "os.h"
#include "store_sqlite.h"

struct store {
    sqlite3 *db;
    /* The account filter (account_filter.h), its blocks read on first use; none in databases
     * from before it, or once a block does not match its digest. */
    uint32_t filter_blocks;
    int filter_layout;
    unsigned char **filter;
    sqlite3_stmt *filter_block;
    /* The accounts: their buckets (account_bucket.h), and the records that did not fit. */
    uint32_t buckets;
    sqlite3_stmt *bucket_row, *overflow;
};

int store_db_fail(netral_error *err, sqlite3 *db, const char *what)
{
    int sys = db ? sqlite3_system_errno(db) : 0;   /* e.g. ENOSPC behind "disk I/O error" */
    if (sys != 0)
        return netral_fail(err, NETRAL_E_DATABASE, "%s: %s (%s)", what, sqlite3_errmsg(db), strerror(sys));
    return netral_fail(err, NETRAL_E_DATABASE, "%s: %s", what, db ? sqlite3_errmsg(db) : "no database");
}

#ifdef _WIN32
/* Windows cannot replace a file that SQLite holds open (it opens without FILE_SHARE_DELETE), so
 * a host would block every import. The host reads the database into memory instead and holds
 * no handle: it costs the size of the database in memory. */
#define MAX_DATABASE_BYTES (1024u * 1024u * 1024u)

static int open_database(const char *path, sqlite3 **db, netral_error *err)
{
    unsigned char *image = NULL;
    sqlite3_int64 size = 0, used = 0;
    struct stat st;
    int fd = os_open_read(path), rc = -1;

    if (fd < 0) {
        if (errno == ENOENT) return netral_fail(err, NETRAL_E_NO_LIST, "no list is installed");
        return netral_fail(err, NETRAL_E_DATABASE, "cannot open %s: %s", path, strerror(errno));
    }
    if (fstat(fd, &st) != 0 || st.st_size < 0 || (unsigned long long)st.st_size > MAX_DATABASE_BYTES) {
        netral_fail(err, NETRAL_E_DATABASE, "%s is not a usable database file", path);
        goto done;
    }
    size = st.st_size;
    image = sqlite3_malloc64((sqlite3_uint64)(size > 0 ? size : 1));
    if (image == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory for the database (%lld bytes)", (long long)size);
        goto done;
    }
    while (used < size) {
        int n = read(fd, image + used, (unsigned)(size - used < 65536 ? size - used : 65536));
        if (n <= 0) {
            netral_fail(err, NETRAL_E_DATABASE, "cannot read %s: %s", path, n < 0 ? strerror(errno) : "it got shorter");
            goto done;
        }
        used += n;
    }
    if (sqlite3_open_v2(":memory:", db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        store_db_fail(err, *db, "cannot open the database");
        goto done;
    }
    rc = sqlite3_deserialize(*db, "main", image, size, size,
                             SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
    image = NULL;   /* SQLite owns it now, whatever the outcome */
    if (rc != SQLITE_OK) {
        rc = -1;
        store_db_fail(err, *db, "the database is unreadable or damaged");
        goto done;
    }
    rc = 0;
done:
    sqlite3_free(image);
    close(fd);
    return rc;
}
#else
#define MMAP_BYTES "1073741824"   /* 1 GiB: more than any list database */

static int open_database(const char *path, sqlite3 **db, netral_error *err)
{
    char uri[4200];
    struct stat st;
    int n;

    if (stat(path, &st) != 0) {
        if (errno == ENOENT) return netral_fail(err, NETRAL_E_NO_LIST, "no list is installed");
        return netral_fail(err, NETRAL_E_DATABASE, "cannot open %s: %s", path, strerror(errno));
    }
    /* immutable=1: the file is never changed in place (imports replace it by rename), so no
     * locks are needed and any number of hosts can read it at once. */
    n = snprintf(uri, sizeof uri, "file:%s?mode=ro&immutable=1", path);
    if (n < 0 || (size_t)n >= sizeof uri || strpbrk(path, "?#%") != NULL)
        return netral_fail(err, NETRAL_E_DATABASE, "unusable database path: %s", path);
    if (sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return store_db_fail(err, *db, "cannot open the database");
    /* Map the file: a lookup reads pages from memory instead of one pread each. The pages are
     * the page cache's, shared by every host on the machine. */
    if (sqlite3_exec(*db, "PRAGMA mmap_size = " MMAP_BYTES, NULL, NULL, NULL) != SQLITE_OK)
        return store_db_fail(err, *db, "cannot open the database");
    return 0;
}
#endif

static void filter_drop(store *s)
{
    if (s->filter != NULL)
        for (uint32_t i = 0; i < s->filter_blocks; i++) free(s->filter[i]);
    free(s->filter);
    s->filter = NULL;
    s->filter_blocks = 0;
}

int64_t store_meta_int(sqlite3 *db, const char *key)
{
    sqlite3_stmt *st = NULL;
    int64_t value = 0;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        value = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return value;
}

/* Column COL as text into OUT (SIZE bytes), cut to fit. */
static void copy_column(sqlite3_stmt *st, int col, char *out, size_t size)
{
    const unsigned char *text = sqlite3_column_text(st, col);
    size_t n = text ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (n >= size) n = size - 1;
    if (n > 0) memcpy(out, text, n);
    out[n] = '\0';
}

int store_damaged(netral_error *err, uint32_t bucket)
{
    return netral_fail(err, NETRAL_E_DATABASE,
                       "the list database is damaged (account bucket %u): install the list again", bucket);
}

/* Looks REF up in BUCKET (account_bucket_of): the bucket's row (BUCKET_ROW, prepared from
 * BUCKET_ROW_SQL), then account_overflow (OVERFLOW) when the row says some of its accounts are
 * there. 1 with ENTITY filled, 0 when not listed, -1 with ERR when the row is missing or damaged
 * (never "not listed") or SQLite fails. */
static int bucket_lookup(sqlite3 *db, sqlite3_stmt *bucket_row, sqlite3_stmt *overflow, uint32_t bucket,
                         const account_ref *ref, list_entity *entity, netral_error *err)
{
    size_t records = 0;
    unsigned flags = 0;
    int step, found = -1;
    sqlite3_bind_int64(bucket_row, 1, bucket);
    step = sqlite3_step(bucket_row);
    if (step == SQLITE_ROW) {
        const unsigned char *row = sqlite3_column_blob(bucket_row, 0);
        int len = sqlite3_column_bytes(bucket_row, 0);
        if (account_bucket_unseal(bucket, row, (size_t)len, &records, &flags) == 0)
            found = account_bucket_find(row, records, ref, entity);
        if (found < 0) store_damaged(err, bucket);
    } else if (step == SQLITE_DONE) {
        store_damaged(err, bucket);
    } else {
        store_db_fail(err, db, "lookup failed; the database may be damaged");
    }
    sqlite3_reset(bucket_row);
    if (found != 0 || !(flags & BUCKET_OVERFLOWED)) return found;
    return store_overflow_lookup(db, overflow, ref, entity, err);
}

int store_overflow_lookup(sqlite3 *db, sqlite3_stmt *overflow, const account_ref *ref, list_entity *entity,
                          netral_error *err)
{
    int step, found = 0;
    sqlite3_bind_text(overflow, 1, platform_name(ref->platform), -1, SQLITE_STATIC);
    sqlite3_bind_text(overflow, 2, ref->account, -1, SQLITE_STATIC);
    step = sqlite3_step(overflow);
    if (step == SQLITE_ROW) {
        found = 1;
        if (entity != NULL) {
            copy_column(overflow, 0, entity->name, sizeof entity->name);
            copy_column(overflow, 1, entity->role, sizeof entity->role);
            copy_column(overflow, 2, entity->party, sizeof entity->party);
            copy_column(overflow, 3, entity->election, sizeof entity->election);
            copy_column(overflow, 4, entity->region, sizeof entity->region);
        }
    } else if (step != SQLITE_DONE) {
        found = store_db_fail(err, db, "lookup failed; the database may be damaged");
    }
    sqlite3_reset(overflow);   /* both bindings are set again before the next step */
    return found;
}

/* Sets up the filter of an opened database, if it has one (a failure here only means none). */
static void filter_open(store *s)
{
    int64_t blocks = store_meta_int(s->db, "filter_blocks"), layout = store_meta_int(s->db, "filter_layout");
    if (layout == 0) layout = FILTER_LAYOUT_HASHED;   /* databases from before layouts */
    if (layout != FILTER_LAYOUT_HASHED && layout != FILTER_LAYOUT_SPREAD) return;   /* one this host does not know */
    s->filter_layout = (int)layout;
    if (blocks < 1 || blocks > FILTER_MAX_BLOCKS ||
        sqlite3_prepare_v2(s->db, "SELECT bits FROM account_filter WHERE block = ?1", -1, &s->filter_block, NULL) !=
            SQLITE_OK)
        return;
    s->filter = calloc((size_t)blocks, sizeof *s->filter);
    if (s->filter != NULL) s->filter_blocks = (uint32_t)blocks;
}

/* The block at P, read and checked on first use; NULL when the filter cannot be used. */
static const unsigned char *filter_block(store *s, const filter_position *p)
{
    const unsigned char *row;
    unsigned char *copy;
    int ok;
    if (s->filter[p->block] != NULL) return s->filter[p->block];
    sqlite3_bind_int64(s->filter_block, 1, p->block);
    ok = sqlite3_step(s->filter_block) == SQLITE_ROW;
    row = ok ? sqlite3_column_blob(s->filter_block, 0) : NULL;
    ok = row != NULL && account_filter_unseal(row, (size_t)sqlite3_column_bytes(s->filter_block, 0)) == 0;
    copy = ok ? malloc(FILTER_BLOCK_BYTES) : NULL;
    if (copy != NULL) memcpy(copy, row, FILTER_BLOCK_BYTES);
    sqlite3_reset(s->filter_block);
    if (copy == NULL) {   /* missing or damaged: every lookup reads its bucket */
        filter_drop(s);
        return NULL;
    }
    s->filter[p->block] = copy;
    return copy;
}

void store_init(void)
{
    /* Netral's programs use SQLite from one thread: no mutexes, no memory statistics (which take
     * a mutex on every allocation). Only possible before SQLite's first use; else a no-op. */
    (void)sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* The number of the last account bucket row, or -1 when there is none or it cannot be read. */
static int64_t last_bucket(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int64_t last = -1;
    if (sqlite3_prepare_v2(db, "SELECT max(bucket) FROM account_bucket", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_INTEGER)
        last = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return last;
}

int store_open(const char *path, store **out, netral_error *err)
{
    store *s = calloc(1, sizeof *s);
    int64_t schema, buckets, last;
    int rc = -1;

    if (s == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (open_database(path, &s->db, err) != 0) goto done;
    schema = store_meta_int(s->db, "schema");
    if (schema != SCHEMA_VERSION) {
        if (schema >= 1 && schema < SCHEMA_VERSION)
            netral_fail(err, NETRAL_E_DATABASE,
                        "the list database was made by an older Netral (schema %lld): install the list again",
                        (long long)schema);
        else
            netral_fail(err, NETRAL_E_DATABASE, "the database is not a Netral list database (schema %lld)",
                        (long long)schema);
        goto done;
    }
    /* The count places every account: it must be the one the rows were written for, or an
     * account would be looked for in another bucket's (whole) row and not found there. */
    buckets = store_meta_int(s->db, "buckets");
    if (buckets < 1 || buckets > BUCKET_MAX_COUNT) {
        netral_fail(err, NETRAL_E_DATABASE, "the list database is damaged (no account buckets): install the list again");
        goto done;
    }
    last = last_bucket(s->db);
    if (last != buckets - 1) {   /* names the first row missing, or the first one too many */
        store_damaged(err, (uint32_t)(last < buckets - 1 ? last + 1 : buckets));
        goto done;
    }
    s->buckets = (uint32_t)buckets;
    if (sqlite3_prepare_v2(s->db, BUCKET_ROW_SQL, -1, &s->bucket_row, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, OVERFLOW_SQL, -1, &s->overflow, NULL) != SQLITE_OK) {
        store_db_fail(err, s->db, "the database is unreadable or damaged");
        goto done;
    }
    filter_open(s);
    /* One read transaction for as long as the database is open: a lookup then neither takes nor
     * gives up the file lock. Nothing writes this file (an import or a delta writes a new one and
     * renames it over this one), so the lock stops no writer. */
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        store_db_fail(err, s->db, "the database is unreadable or damaged");
        goto done;
    }
    *out = s;
    s = NULL;
    rc = 0;
done:
    store_close(s);
    return rc;
}

void store_close(store *s)
{
    if (s == NULL) return;
    filter_drop(s);
    sqlite3_finalize(s->filter_block);
    sqlite3_finalize(s->bucket_row);
    sqlite3_finalize(s->overflow);
    sqlite3_close(s->db);
    free(s);
}

int store_get_meta(store *s, store_meta *out, netral_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = -1, step, schema = 0;

    memset(out, 0, sizeof *out);
    if (sqlite3_prepare_v2(s->db, "SELECT key, value FROM meta", -1, &st, NULL) != SQLITE_OK)
        return store_db_fail(err, s->db, "the database is unreadable or damaged");
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        if (key == NULL) continue;
        if (strcmp(key, "schema") == 0) schema = sqlite3_column_int(st, 1);
        else if (strcmp(key, "version") == 0) out->version = sqlite3_column_int64(st, 1);
        else if (strcmp(key, "issued") == 0) out->issued = sqlite3_column_int64(st, 1);
        else if (strcmp(key, "expires") == 0) out->expires = sqlite3_column_int64(st, 1);
        else if (strcmp(key, "imported_at") == 0) out->imported_at = sqlite3_column_int64(st, 1);
        else if (strcmp(key, "entries") == 0) out->entries = sqlite3_column_int64(st, 1);
        else if (strcmp(key, "accounts") == 0) out->accounts = sqlite3_column_int64(st, 1);
        else if (strcmp(key, "issuer") == 0) copy_column(st, 1, out->issuer, sizeof out->issuer);
        else if (strcmp(key, "key_id") == 0) copy_column(st, 1, out->key_id, sizeof out->key_id);
        else if (strcmp(key, "elections") == 0) copy_column(st, 1, out->elections_json, sizeof out->elections_json);
        else if (strcmp(key, "content_digest") == 0) copy_column(st, 1, out->content_digest, sizeof out->content_digest);
    }
    if (step != SQLITE_DONE) {
        store_db_fail(err, s->db, "the database is unreadable or damaged");
        goto done;
    }
    if (schema != SCHEMA_VERSION || out->version < 1) {
        netral_fail(err, NETRAL_E_DATABASE, "the database is not a Netral list database (schema %d)", schema);
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(st);
    return rc;
}

int store_lookup(store *s, const account_ref *ref, int *found, list_entity *entity, netral_error *err)
{
    uint32_t spread = account_spread(ref);   /* places the account in the filter and among the buckets */
    int listed;
    if (s->filter != NULL) {
        filter_position p;
        const unsigned char *block;
        account_filter_position_at(ref, spread, s->filter_blocks, s->filter_layout, &p);
        block = filter_block(s, &p);
        if (block != NULL && !account_filter_test(block, &p)) {   /* surely not listed */
            *found = 0;
            return 0;
        }
    }
    listed = bucket_lookup(s->db, s->bucket_row, s->overflow, account_spread_place(spread, s->buckets), ref, entity,
                           err);
    if (listed < 0) return -1;
    *found = listed;
    return 0;
}

int store_verify(store *s, netral_error *err)
{
    static const account_ref NO_ACCOUNT = {PLATFORM_X, ""};   /* matches no record: every one is read */
    sqlite3_stmt *st = NULL;
    uint32_t next = 0;
    int step, rc = -1;
    if (sqlite3_prepare_v2(s->db, "SELECT bucket, entries FROM account_bucket ORDER BY bucket", -1, &st, NULL) !=
        SQLITE_OK)
        return store_db_fail(err, s->db, "the database is unreadable or damaged");
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        size_t records;
        unsigned flags;
        if (sqlite3_column_int64(st, 0) != next || next >= s->buckets ||
            account_bucket_unseal(next, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), &records,
                                  &flags) != 0 ||
            account_bucket_find(sqlite3_column_blob(st, 1), records, &NO_ACCOUNT, NULL) < 0) {
            store_damaged(err, next);
            goto done;
        }
        next++;
    }
    if (step != SQLITE_DONE) {
        store_db_fail(err, s->db, "the database is unreadable or damaged");
        goto done;
    }
    if (next != s->buckets) {
        store_damaged(err, next);
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(st);
    return rc;
}

/* ---- reader that follows replacements ---- */

struct store_reader {
    char *path;
    store *current;
    store_meta meta;          /* of current, read once when it was opened */
    os_file_id id;            /* of the file current was opened from */
    os_file_watch *watch;     /* says when the file may have been replaced; from the 2nd request */
    unsigned long requests;
    netral_error problem;     /* why there is no current one */
};

store_reader *store_reader_new(const char *path)
{
    store_reader *r = calloc(1, sizeof *r);
    if (r == NULL) return NULL;
    r->path = strdup(path);
    if (r->path == NULL) {
        store_reader_free(r);
        return NULL;
    }
    netral_fail(&r->problem, NETRAL_E_NO_LIST, "no list is installed");
    return r;
}

void store_reader_free(store_reader *r)
{
    if (r == NULL) return;
    store_close(r->current);
    os_file_watch_free(r->watch);
    free(r->path);
    free(r);
}

/* A list that someone other than root or this user could have put there is not trusted:
 * neither the database nor the directory that holds it may be writable by others. */
static int check_private(const char *db_path, netral_error *err)
{
    char dir[4096], why[NETRAL_ERROR_MSG_BYTES - 32];
    const char *sep = strrchr(db_path, OS_DIR_SEPARATOR);
    size_t n = sep ? (size_t)(sep - db_path) : 0;
    if (n == 0 || n >= sizeof dir) {
        strcpy(dir, n == 0 && sep ? "/" : ".");
    } else {
        memcpy(dir, db_path, n);
        dir[n] = '\0';
    }
    if (os_check_private(dir, why, sizeof why) != 0 || os_check_private(db_path, why, sizeof why) != 0)
        return netral_fail(err, NETRAL_E_DATABASE, "%s", why);
    return 0;
}

/* Looks at the file, and reopens when an import has replaced it, or when someone changed it in
 * place (never done by Netral: the pages mapped would no longer be the file's). */
static void follow(store_reader *r)
{
    os_file_id now;
    if (os_file_identity(r->path, &now) != 0) {
        store_close(r->current);
        r->current = NULL;
        if (errno == ENOENT) netral_fail(&r->problem, NETRAL_E_NO_LIST, "no list is installed");
        else netral_fail(&r->problem, NETRAL_E_DATABASE, "cannot open %s: %s", r->path, strerror(errno));
        return;
    }
    if (r->current != NULL && now.volume == r->id.volume && now.file == r->id.file && now.size == r->id.size &&
        now.changed == r->id.changed)
        return;
    store_close(r->current);
    r->current = NULL;
    if (check_private(r->path, &r->problem) != 0) return;
    if (store_open(r->path, &r->current, &r->problem) != 0) return;
    if (store_get_meta(r->current, &r->meta, &r->problem) != 0) {
        store_close(r->current);
        r->current = NULL;
        return;
    }
    r->id = now;
}

store *store_reader_get(store_reader *r, const store_meta **meta, const netral_error **problem)
{
    /* Nothing is looked at unless the watch says the file may have changed (where there is no
     * watch, one stat or open per request). Without a list, look every time. The watch comes
     * with the second request: a one-shot `netral check` (or the host's first answer) need not
     * pay for it, nor for closing it (an inotify close waits for an RCU grace period). */
    int look = r->current == NULL || r->watch == NULL;
    if (r->watch == NULL && r->requests++ > 0) r->watch = os_file_watch_new(r->path);   /* then look once more */
    if (look || os_file_watch_changed(r->watch)) follow(r);
    *meta = r->current != NULL ? &r->meta : NULL;
    *problem = &r->problem;
    return r->current;
}
