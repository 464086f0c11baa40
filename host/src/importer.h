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
    int repaired;                 /* the same verified list again, for a lost or damaged database */
} import_result;

/* Imports LIST_PATH, signed by SIG_PATH with a trusted key, into the data directory:
 * - the signature is verified over the exact bytes (copied into the data directory while
 *   hashed, so that what is parsed is what was verified) before any entry is read;
 * - a version not newer than the installed one (the newer of the database's and of the kept
 *   verified list's), an expired list, one issued more than a day ahead, or any malformed line is
 *   refused; the same version as the kept list, with the same bytes, repairs a database that was
 *   lost or damaged;
 * - the trusted keys are refused whole when two share a key id or others may write to them;
 * - the new database is built beside the old one and renamed over it: until that rename the
 *   old list keeps answering, whatever happens.
 * Records the outcome in DATA/last-import.json either way. */
int import_list(const netral_paths *paths, const char *list_path, const char *sig_path,
                import_result *out, netral_error *err);

/* import_list, and the list's content must be EXPECTED_DIGEST (named by a verified index). */
int import_list_expecting(const netral_paths *paths, const char *list_path, const char *sig_path,
                          const char *expected_digest, import_result *out, netral_error *err);

/* Installs the delta DELTA_PATH, signed by SIG_PATH with a trusted list key (docs/updates.md):
 * only onto exactly its base (version and content digest of the installed database), only to a
 * version newer than anything installed before, and only when the result adds up to the digest
 * it names (and to EXPECTED_DIGEST, from a verified index, when not NULL). The database is
 * changed as a copy renamed into place: until then the old list answers. On NETRAL_E_FORMAT or
 * NETRAL_E_ROLLBACK with *not_applicable set the delta does not fit this laptop: fetch the list. */
int import_delta(const netral_paths *paths, const char *delta_path, const char *sig_path, const char *expected_digest,
                 import_result *out, int *not_applicable, netral_error *err);

/* The kept verified list in the data directory (its path in LIST_PATH): 1 with *version when it
 * and its signature verify together with KEYS, 0 when there is none, -1 when they do not (an
 * import was interrupted, or someone changed them). For doctor. */
int kept_list_check(const netral_paths *paths, const trusted_keys *keys, char *list_path, size_t size,
                    int64_t *version);

#endif
