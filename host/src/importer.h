/* Installing a signed list: verify, then parse, then switch atomically. */
#ifndef NETRAL_IMPORTER_H
#define NETRAL_IMPORTER_H

#include <stdint.h>

#include "clock.h"
#include "config.h"
#include "error.h"
#include "store.h"

typedef struct {
    store_meta meta;              /* of the list now installed */
    int64_t previous_version;     /* 0 when none was installed */
} import_result;

/* Imports LIST_PATH, signed by SIG_PATH with a trusted key, into the data directory:
 * - the signature is verified over the exact bytes (copied into the data directory while
 *   hashed, so that what is parsed is what was verified) before any entry is read;
 * - a version not newer than the installed one, an expired list, or any malformed line is
 *   refused;
 * - the new database is built beside the old one and renamed over it: until that rename the
 *   old list keeps answering, whatever happens.
 * Records the outcome in DATA/last-import.json either way. */
int import_list(const netral_paths *paths, const char *list_path, const char *sig_path,
                import_result *out, netral_error *err);

#endif
