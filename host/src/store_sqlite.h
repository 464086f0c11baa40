/* What store.c (reading), store_build.c (building) and store_patch.c (deltas) share: the schema
 * version, how a SQLite failure becomes a netral_error, reading meta. Internal to those files. */
#ifndef NETRAL_STORE_SQLITE_H
#define NETRAL_STORE_SQLITE_H

#include <stdint.h>

#include <sqlite3.h>

#include "error.h"

#include "account.h"
#include "listfile.h"

/* 2: the accounts in sealed buckets (account_bucket.h) and account_overflow; 1 had tables. */
#define SCHEMA_VERSION 2

#define BUCKET_ROW_SQL "SELECT entries FROM account_bucket WHERE bucket = ?1"
#define OVERFLOW_SQL \
    "SELECT name, role, party, election, region FROM account_overflow WHERE platform = ?1 AND account = ?2"
#define OVERFLOW_ADD_SQL                                                             \
    "INSERT INTO account_overflow (platform, account, name, role, party, election, region)" \
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"

/* Records WHAT failed with SQLite's message and the system error behind it; returns -1. */
int store_db_fail(netral_error *err, sqlite3 *db, const char *what);

/* REF in account_overflow (OVERFLOW, from OVERFLOW_SQL): 1 with ENTITY filled (unless NULL),
 * 0 when not there, -1 with ERR when SQLite fails. */
int store_overflow_lookup(sqlite3 *db, sqlite3_stmt *overflow, const account_ref *ref, list_entity *entity,
                          netral_error *err);

/* Records that bucket BUCKET's row is missing or damaged; returns -1. */
int store_damaged(netral_error *err, uint32_t bucket);

/* The integer under KEY in the meta table, or 0 when there is none. */
int64_t store_meta_int(sqlite3 *db, const char *key);

#endif
