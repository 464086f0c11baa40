/* The list database (store_build.c, store.c, store_patch.c): every account put in is found with
 * its entity, also when its bucket's row is full and it went to account_overflow; a delta
 * removes and adds there too; a damaged row is reported as damage, never as "not listed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "check.h"
#include "portable.h"
#include "account_bucket.h"
#include "store.h"
#include "store_build.h"
#include "store_patch.h"

#define ACCOUNTS 16u   /* four buckets */
#define CROWDED 13u    /* accounts in bucket 0: more than its row holds at full-size fields */

static char root[256];
static account_ref accounts[ACCOUNTS];

/* Entity I, every field as long as the list allows, so that few records fill a row. */
static void entity_of(list_entity *e, unsigned i)
{
    memset(e, 0, sizeof *e);
    memset(e->name, 'n', MAX_ENTITY_FIELD_BYTES);
    memset(e->role, 'r', MAX_ENTITY_FIELD_BYTES);
    memset(e->party, 'p', MAX_ENTITY_FIELD_BYTES);
    memset(e->election, 'e', MAX_ENTITY_FIELD_BYTES);
    memset(e->region, 'g', MAX_ENTITY_FIELD_BYTES);
    snprintf(e->name, 16, "Tim %u", i);
    e->name[strlen(e->name)] = 'n';
}

/* CROWDED accounts that fall in bucket 0 of 4, then others anywhere. */
static void choose_accounts(void)
{
    unsigned crowded = 0, others = 0;
    for (unsigned i = 0; crowded + others < ACCOUNTS; i++) {
        account_ref ref;
        ref.platform = PLATFORM_X;
        snprintf(ref.account, sizeof ref.account, "@akun%u", i);
        if (account_bucket_of(&ref, account_bucket_count(ACCOUNTS)) == 0) {
            if (crowded < CROWDED) accounts[crowded++] = ref;
        } else if (others < ACCOUNTS - CROWDED) {
            accounts[CROWDED + others++] = ref;
        }
    }
}

static int build(const char *path, unsigned count)
{
    store_builder *b = NULL;
    store_meta meta;
    list_entry *entry = calloc(1, sizeof *entry);
    netral_error err;
    int rc = -1;
    if (entry == NULL || store_builder_create(path, &b, &err) != 0) goto done;
    for (unsigned i = 0; i < count; i++) {
        entry->account_count = 1;
        entry->accounts[0] = accounts[i];
        entity_of(&entry->entity, i);
        if (store_builder_add(b, entry, i + 2, &err) != 0) goto done;
    }
    memset(&meta, 0, sizeof meta);
    meta.version = 1;
    rc = store_builder_finish(b, &meta, &err);
    b = NULL;
done:
    if (rc != 0) fprintf(stderr, "build: %s\n", err.msg);
    store_builder_abort(b);
    free(entry);
    return rc;
}

/* 1 when ACCOUNT is listed in the database at PATH with entity I's name, 0 when not listed,
 * -1 on an error. */
static int listed_as(const char *path, const account_ref *account, unsigned i)
{
    store *s = NULL;
    list_entity got, want;
    netral_error err;
    int found = 0, rc = -1;
    if (store_open(path, &s, &err) == 0 && store_lookup(s, account, &found, &got, &err) == 0) {
        entity_of(&want, i);
        rc = found && strcmp(got.name, want.name) == 0 && strcmp(got.region, want.region) == 0 ? 1 : found ? -1 : 0;
    }
    store_close(s);
    return rc;
}

static void a_full_row_should_send_accounts_to_the_overflow_and_each_be_found(void)
{
    char path[512];
    account_ref absent = {.platform = PLATFORM_X, .account = "@tidak_ada"};
    snprintf(path, sizeof path, "%s/full.db", root);
    CHECK(build(path, ACCOUNTS) == 0);
    for (unsigned i = 0; i < ACCOUNTS; i++) CHECK(listed_as(path, &accounts[i], i) == 1);
    CHECK(listed_as(path, &absent, 0) == 0);
}

static void a_delta_should_remove_and_add_in_the_row_and_in_the_overflow(void)
{
    char path[512], next[512];
    store_patch *p = NULL;
    store_meta meta;
    list_entity e;
    netral_error err;
    snprintf(path, sizeof path, "%s/delta.db", root);
    snprintf(next, sizeof next, "%s/delta.db.new", root);
    CHECK(build(path, ACCOUNTS - 1) == 0);   /* the last account comes by the delta */
    CHECK(store_patch_begin(path, next, &p, &err) == 0);
    if (p == NULL) return;
    CHECK(store_patch_remove(p, &accounts[0], &err) == 0);             /* first in its row */
    CHECK(store_patch_remove(p, &accounts[CROWDED - 1], &err) == 0);   /* the last: in the overflow */
    CHECK(store_patch_remove(p, &accounts[0], &err) != 0 && strstr(err.msg, "not listed") != NULL);
    entity_of(&e, ACCOUNTS - 1);
    CHECK(store_patch_add(p, &accounts[ACCOUNTS - 1], &e, &err) == 0);
    entity_of(&e, 0);
    CHECK(store_patch_add(p, &accounts[0], &e, &err) == 0);   /* back: its bucket has overflowed */
    CHECK(store_patch_add(p, &accounts[1], &e, &err) != 0 && strstr(err.msg, "listed already") != NULL);
    meta = *store_patch_meta(p);
    meta.version = 2;
    CHECK(store_patch_finish(p, &meta, &err) == 0);
    CHECK(meta.accounts == ACCOUNTS - 1);
    for (unsigned i = 0; i < ACCOUNTS; i++) CHECK(listed_as(next, &accounts[i], i) == (i == CROWDED - 1 ? 0 : 1));
}

/* Runs SQL on the database at PATH. */
static int damage(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(path, &db) == SQLITE_OK && sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
    sqlite3_close(db);
    return rc;
}

static void a_damaged_or_missing_row_should_be_an_error_never_not_listed(void)
{
    static const char *const damages[] = {
        "UPDATE account_bucket SET entries = randomblob(length(entries)) WHERE bucket = 0",
        "UPDATE account_bucket SET entries = substr(entries, 1, length(entries) - 1) WHERE bucket = 0",
        "UPDATE account_bucket SET entries = (SELECT entries FROM account_bucket WHERE bucket = 1) WHERE bucket = 0",
        "DELETE FROM account_bucket WHERE bucket = 0",
        "DROP TABLE account_filter; DELETE FROM account_bucket WHERE bucket = 0",
    };
    static const char *const miscounted[] = {   /* every account would be looked for elsewhere */
        "UPDATE meta SET value = 8 WHERE key = 'buckets'",
        "UPDATE meta SET value = 2 WHERE key = 'buckets'",
        "DELETE FROM account_bucket WHERE bucket = 3",
    };
    for (size_t d = 0; d < sizeof damages / sizeof damages[0]; d++) {
        char path[512];
        snprintf(path, sizeof path, "%s/damaged%zu.db", root, d);
        CHECK(build(path, ACCOUNTS) == 0);
        CHECK(damage(path, damages[d]) == 0);
        for (unsigned i = 0; i < CROWDED; i++) CHECK(listed_as(path, &accounts[i], i) == -1);
        for (unsigned i = CROWDED; i < ACCOUNTS; i++) CHECK(listed_as(path, &accounts[i], i) == 1);
    }
    for (size_t d = 0; d < sizeof miscounted / sizeof miscounted[0]; d++) {
        char path[512];
        snprintf(path, sizeof path, "%s/miscounted%zu.db", root, d);
        CHECK(build(path, ACCOUNTS) == 0);
        CHECK(damage(path, miscounted[d]) == 0);
        for (unsigned i = 0; i < ACCOUNTS; i++) CHECK(listed_as(path, &accounts[i], i) == -1);
    }
}

static void an_account_listed_twice_should_be_refused_naming_its_second_line(void)
{
    char path[512];
    store_builder *b = NULL;
    store_meta meta;
    list_entry *entry = calloc(1, sizeof *entry);
    netral_error err;
    CHECK(entry != NULL);
    if (entry == NULL) return;
    snprintf(path, sizeof path, "%s/twice.db", root);
    CHECK(store_builder_create(path, &b, &err) == 0);
    entry->account_count = 1;
    for (unsigned i = 0; i < CROWDED; i++) {   /* the crowded bucket, so the second is in the overflow */
        entry->accounts[0] = accounts[i];
        entity_of(&entry->entity, i);
        CHECK(store_builder_add(b, entry, i + 2, &err) == 0);
    }
    entry->accounts[0] = accounts[CROWDED - 1];
    CHECK(store_builder_add(b, entry, 40, &err) == 0);
    memset(&meta, 0, sizeof meta);
    meta.version = 1;
    CHECK(store_builder_finish(b, &meta, &err) != 0);
    CHECK(strstr(err.msg, "line 40: x @akun") != NULL && strstr(err.msg, "listed twice") != NULL);
    free(entry);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    store_init();
    if (test_make_temp_dir(root, sizeof root, "netral-test-store") != 0) return 1;
    choose_accounts();
    RUN(a_full_row_should_send_accounts_to_the_overflow_and_each_be_found);
    RUN(a_delta_should_remove_and_add_in_the_row_and_in_the_overflow);
    RUN(a_damaged_or_missing_row_should_be_an_error_never_not_listed);
    RUN(an_account_listed_twice_should_be_refused_naming_its_second_line);
    test_remove_tree(root);
    return CHECK_REPORT();
}
