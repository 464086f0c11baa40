/* `netral publish`: the list authority's side of updates (docs/updates.md). From a repository
 * directory and a new signed list: the list under its versioned name, deltas to it from the last
 * K versions published there, and a new index naming them, signed. Or only a re-signed index,
 * with a new serial and expiry, for the daily job of the online index key. */
#ifndef NETRAL_PUBLISHER_H
#define NETRAL_PUBLISHER_H

#include <stdint.h>

#include "error.h"
#include "minisign_sign.h"

typedef struct {
    const char *dir;                    /* the repository */
    const char *list_path;              /* the new list; its signature is LIST_PATH.minisig */
    const minisign_seckey *list_key;    /* signs deltas */
    const minisign_seckey *index_key;   /* signs the index (may be the list key) */
    unsigned keep;                      /* deltas from this many earlier versions */
    int64_t valid_seconds;              /* how long the index is valid */
} publish_request;

typedef struct {
    int64_t version, serial, expires;
    unsigned deltas;
} publish_result;

int publish_list(const publish_request *req, publish_result *out, netral_error *err);
/* Re-signs DIR's index with the next serial and a new expiry; LIST_PATH and LIST_KEY unused. */
int publish_refresh(const publish_request *req, publish_result *out, netral_error *err);

#endif
