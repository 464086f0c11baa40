/* The digest of a list's content: the set of its (platform, account, entity) rows, whatever the
 * order of the lines and however accounts are grouped into entries. Each row's BLAKE2b-512 is
 * added, lane by lane (eight 64-bit lanes, modulo 2^64), into the digest, so a row can be taken
 * out again: a delta updates the digest in time proportional to its own size, and a database
 * built by deltas and one built by a full import can be compared. It checks that a delta was
 * applied right; what is trusted is decided by signatures, not by this sum. */
#ifndef NETRAL_CONTENT_DIGEST_H
#define NETRAL_CONTENT_DIGEST_H

#include <stdint.h>

#include "account.h"
#include "listfile.h"

#define CONTENT_DIGEST_LANES 8
#define CONTENT_DIGEST_HEX_BYTES (CONTENT_DIGEST_LANES * 16 + 1)   /* hex and a NUL */

typedef struct {
    uint64_t lane[CONTENT_DIGEST_LANES];
} content_digest;

void content_digest_init(content_digest *d);
void content_digest_add(content_digest *d, const account_ref *account, const list_entity *entity);
void content_digest_remove(content_digest *d, const account_ref *account, const list_entity *entity);
void content_digest_hex(const content_digest *d, char out[CONTENT_DIGEST_HEX_BYTES]);
/* 0 when TEXT is the hex of a digest (128 lower-case hex digits), -1 otherwise. */
int content_digest_parse(const char *text, content_digest *out);

#endif
