/* What store.c (reading), store_build.c (building) and store_patch.c (deltas) share: the schema
 * version, how a SQLite failure becomes a netral_error, reading meta. Internal to those files. */
#ifndef NETRAL_STORE_SQLITE_H
#define NETRAL_STORE_SQLITE_H

#include <stdint.h>

#include <sqlite3.h>

#include "error.h"

#define SCHEMA_VERSION 1

/* Records WHAT failed with SQLite's message and the system error behind it; returns -1. */
int store_db_fail(netral_error *err, sqlite3 *db, const char *what);

/* The integer under KEY in the meta table, or 0 when there is none. */
int64_t store_meta_int(sqlite3 *db, const char *key);

#endif
