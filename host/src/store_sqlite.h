/* What store.c (reading) and store_build.c (building) share: the schema version and how a
 * SQLite failure becomes a netral_error. Internal to those two files. */
#ifndef NETRAL_STORE_SQLITE_H
#define NETRAL_STORE_SQLITE_H

#include <sqlite3.h>

#include "error.h"

#define SCHEMA_VERSION 1

/* Records WHAT failed with SQLite's message and the system error behind it; returns -1. */
int store_db_fail(netral_error *err, sqlite3 *db, const char *what);

#endif
