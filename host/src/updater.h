/* Keeping the installed list current from a published repository (docs/updates.md), and what is
 * known about how current it is. One verifier and one importer for every way a list comes in:
 * the index is verified, then a delta is applied when one fits, else the full list imported. */
#ifndef NETRAL_UPDATER_H
#define NETRAL_UPDATER_H

#include <stdint.h>

#include "config.h"
#include "error.h"

typedef struct {
    int64_t from_version, list_version;   /* before and after */
    int64_t index_serial, index_expires;
    const char *via;                      /* "delta", "full", "current" (nothing to do) or "behind" (the
                                             other way in brought a newer index: update_state.h) */
    char delta_problem[NETRAL_ERROR_MSG_BYTES];   /* why a delta was not used, when one was offered */
    /* The site rules the index names (site_rules.h): the version kept after the update (0: none),
     * whether this update installed it, and why the ones offered were not installed. The list is
     * updated either way. */
    int64_t sites_version;
    int sites_installed;
    char sites_problem[NETRAL_ERROR_MSG_BYTES];
} update_result;

/* Updates from the repository in the directory DIR (a file share, a folder IT deployed). Records
 * the outcome, good or bad, in DATA/update-state.json. */
int update_from_dir(const netral_paths *paths, const char *dir, update_result *out, netral_error *err);

/* Updates from the newest verified repository the users' browsers left in the spool (spool.h):
 * copies it into the data directory first (plain files, bounded) and installs from that copy,
 * with the same verifier and importer. Recorded as "web" in DATA/update-state.json. */
int update_from_spool(const netral_paths *paths, update_result *out, netral_error *err);

/* A verified index in the spool newer than the last one the updater took: something a browser
 * fetched that was not installed (yet). */
typedef struct {
    int64_t index_serial, list_version;
    int64_t since;                    /* when it was spooled (the index file's time) */
    char dir[NETRAL_PATH_BYTES];
} spool_waiting;

/* 1 and OUT when the spool holds such an index (the newest), 0 when not. */
int update_spool_waiting(const netral_paths *paths, spool_waiting *out);

#endif
