/* A user's spool: the repository the extension fetched over the web, written by the host as it
 * arrives, each file cut at the size the signed index names and checked against its digest, the
 * index last. The host installs nothing: the system's updater (`netral update --spool`) copies
 * the newest verified spool and installs it with the one verifier and importer (docs/updates.md).
 *
 *   SPOOL/USER/          this user's, private (0700); USER is the uid (Windows: account name)
 *   SPOOL/USER/incoming/ files while they arrive
 *   SPOOL/USER/.lock     held from an offer to its commit: one browser profile at a time
 *   SPOOL/USER.ready     rewritten at each commit, so that a path unit on SPOOL wakes the updater */
#ifndef NETRAL_SPOOL_H
#define NETRAL_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "keychain.h"
#include "netral_limits.h"
#include "repository.h"

#define SPOOL_INCOMING_DIR "incoming"
#define SPOOL_SOURCE_FILE "source"              /* the mirror's URL, for `netral status` */
#define SPOOL_SOURCE_MAX_BYTES 2048u
#define SPOOL_MAX_BYTES ((uint64_t)MAX_LIST_BYTES + 4u * 1024u * 1024u)   /* one user's spool */
#define SPOOL_MAX_FILES (8 + MAX_STATEMENT_CHANGES)
#define SPOOL_CHUNK_MAX_BYTES (1024u * 1024u)
#define SPOOL_MAX_USERS 1024u                    /* spools the updater looks at in one run */

/* SPOOL/USER for the user running this; with MAKE, made (private) if it is not there. */
int spool_user_dir(const netral_paths *paths, char out[NETRAL_PATH_BYTES], int make, netral_error *err);

/* A file an offer needs: EXACT with the size and digest from the signed index, or a signature
 * of at most MAX bytes (verified by the updater). */
typedef struct {
    char name[REPO_NAME_BYTES];
    uint64_t max;
    int exact;
    char blake2b[REPO_HASH_HEX_BYTES];
    uint64_t received;
    int complete;
} spool_need;

typedef struct spool spool;

spool *spool_new(const netral_paths *paths);   /* NULL when out of memory */
void spool_free(spool *sp);                    /* drops an unfinished offer and its lock */

/* What is installed, as the host's reader sees it. */
typedef struct {
    int64_t version;   /* 0: none */
    const char *content_digest;
} spool_installed;

typedef struct {
    int current;                 /* nothing to fetch: the index alone was spooled */
    int64_t list_version, index_serial;
    const spool_need *needs;     /* owned by the spool, valid until the next call */
    size_t need_count;
} spool_offer_result;

/* Verifies INDEX (with SIG) with the system's trusted keys and judges it as the updater would
 * (rollback, expiry), then starts an offer: a delta from the installed version when one fits and
 * WANT_FULL is not set, else the full list. When the list is current, the index is spooled at
 * once. SOURCE is the mirror's URL. */
int spool_offer(spool *sp, const char *index, size_t index_len, const char *sig, size_t sig_len, const char *source,
                int want_full, const spool_installed *installed, spool_offer_result *out, netral_error *err);

typedef struct {
    uint64_t received;
    int complete;
    const spool_need *more;      /* files this one made known (a key statement's proofs) */
    size_t more_count;
} spool_receive_result;

/* Appends LEN bytes at OFFSET (the bytes received so far) to the offered file NAME; LAST ends
 * it (then its size and digest are checked and it moves out of incoming/). On any failure the
 * file is removed and must be sent again from offset 0. */
int spool_receive(spool *sp, const char *name, uint64_t offset, const unsigned char *data, size_t len, int last,
                  spool_receive_result *out, netral_error *err);

/* Ends the offer once every file is complete: writes the index and its signature, removes what
 * earlier offers left, and signals the updater. */
int spool_commit(spool *sp, int64_t *list_version, int64_t *index_serial, netral_error *err);

#endif
