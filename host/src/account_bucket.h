/* The list by hash bucket, so that checking a listed account reads one short row instead of
 * descending two B-trees (account, then entity). Each (platform, account) falls in one of a
 * power-of-two number of buckets by its hash; a bucket's row (table account_bucket) holds the
 * accounts of that bucket, each with its entity, packed as records.
 *
 * It is derived data, and only ever says "listed": an account not found in its bucket is looked
 * up in the tables, so a row that is missing, cut short, damaged or over BUCKET_MAX_ROW_BYTES
 * (its further accounts left out) costs time, never a wrong "clear". A removal must take its
 * account out of its row (store_patch.c), or the row would keep saying "listed".
 *
 * Record: platform (1-byte length, name), account (1-byte length, bytes), then name, role,
 * party, election and region (each a 2-byte little-endian length and bytes). */
#ifndef NETRAL_ACCOUNT_BUCKET_H
#define NETRAL_ACCOUNT_BUCKET_H

#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "listfile.h"

#define BUCKET_MAX_COUNT (1u << 22)
#define BUCKET_MAX_ROW_BYTES (16u * 1024u)

/* The number of buckets for a list of ACCOUNTS accounts: about four accounts a bucket. */
uint32_t account_bucket_count(uint64_t accounts);

/* The bucket of ACCOUNT among BUCKETS: its spread (account_hash.h) scaled. */
uint32_t account_bucket_of(const account_ref *account, uint32_t buckets);

/* Appends the record of ACCOUNT and ENTITY to ROW (*LEN bytes used of BUCKET_MAX_ROW_BYTES).
 * 0 when added, -1 when it does not fit (the row is unchanged). */
int account_bucket_append(unsigned char row[BUCKET_MAX_ROW_BYTES], size_t *len, const char *platform,
                          const char *account, const list_entity *entity);

/* Looks ACCOUNT up in ROW (LEN bytes, untrusted): 1 with ENTITY filled when its record is
 * there, 0 when not (or when the row ends inside a record). */
int account_bucket_find(const unsigned char *row, size_t len, const account_ref *account, list_entity *entity);

/* Copies ROW (LEN bytes, at most BUCKET_MAX_ROW_BYTES) to OUT without ACCOUNT's record, and
 * any damaged tail; *OUT_LEN is what is left. Returns 1 when the record was there, else 0. */
int account_bucket_remove(const unsigned char *row, size_t len, const account_ref *account,
                          unsigned char out[BUCKET_MAX_ROW_BYTES], size_t *out_len);

#endif
