/* The list by hash bucket: where the list database keeps its accounts (schema 2). Each
 * (platform, account) falls in one of a power-of-two number of buckets by its spread
 * (account_hash.h); the bucket's row (table account_bucket) holds that bucket's accounts, each
 * with its entity, packed as records, so that checking an account reads one short row.
 *
 * Every bucket has a row, empty ones too, and each row is sealed: it ends in a flags byte and a
 * BLAKE2b digest of the bucket's number, its records and the flags. A row that is missing or
 * does not match its seal is damage, reported as such: never read as "not listed". A record
 * that does not fit in its row (BUCKET_MAX_ROW_BYTES) goes to the table account_overflow; the
 * row's BUCKET_OVERFLOWED flag says to look there, and from then on the bucket's further
 * accounts go there too, so that an account is in one place only.
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
#define BUCKET_SEAL_BYTES 16u
#define BUCKET_TRAILER_BYTES (1u + BUCKET_SEAL_BYTES)   /* flags, seal */
#define BUCKET_MAX_RECORD_BYTES (BUCKET_MAX_ROW_BYTES - BUCKET_TRAILER_BYTES)
#define BUCKET_OVERFLOWED 0x01u   /* some of the bucket's accounts are in account_overflow */

/* The number of buckets for a list of ACCOUNTS accounts: about four accounts a bucket. */
uint32_t account_bucket_count(uint64_t accounts);

/* The bucket of ACCOUNT among BUCKETS: its spread (account_hash.h) scaled. */
uint32_t account_bucket_of(const account_ref *account, uint32_t buckets);

/* Appends the record of ACCOUNT and ENTITY to the records in ROW (*LEN bytes used of
 * BUCKET_MAX_RECORD_BYTES).
 * 0 when added, -1 when it does not fit or a text is over its limit (the row is unchanged). */
int account_bucket_append(unsigned char row[BUCKET_MAX_ROW_BYTES], size_t *len, const char *platform,
                          const char *account, const list_entity *entity);

/* A record's texts in record order (platform, account, name, role, party, election, region),
 * each a pointer and a length, not NUL-terminated: what a build reads from the database. */
#define BUCKET_RECORD_TEXTS 7
typedef struct {
    const char *text[BUCKET_RECORD_TEXTS];
    size_t len[BUCKET_RECORD_TEXTS];
} bucket_record_texts;

/* account_bucket_append from texts as they are. */
int account_bucket_append_texts(unsigned char row[BUCKET_MAX_ROW_BYTES], size_t *len, const bucket_record_texts *t);

/* Looks ACCOUNT up in the records ROW (LEN bytes, untrusted): 1 with ENTITY (when not NULL)
 * filled when its record is there, 0 when it is not, -1 when the records end inside one. */
int account_bucket_find(const unsigned char *row, size_t len, const account_ref *account, list_entity *entity);

/* Copies the records ROW (LEN bytes, at most BUCKET_MAX_RECORD_BYTES) to OUT without ACCOUNT's
 * record; *OUT_LEN is what is left. 1 when the record was there, 0 when not, -1 when the
 * records end inside one (OUT then holds the whole records before it). */
int account_bucket_remove(const unsigned char *row, size_t len, const account_ref *account,
                          unsigned char out[BUCKET_MAX_ROW_BYTES], size_t *out_len);

/* Ends the records in ROW (RECORDS_LEN bytes) with FLAGS and the seal of bucket BUCKET;
 * returns the row's length. */
size_t account_bucket_seal(uint32_t bucket, unsigned char row[BUCKET_MAX_ROW_BYTES], size_t records_len,
                           unsigned flags);

/* Checks that ROW (LEN bytes, untrusted) is bucket BUCKET's, whole: 0 with *RECORDS_LEN and
 * *FLAGS, -1 when it is not (damaged, cut, or another bucket's). */
int account_bucket_unseal(uint32_t bucket, const unsigned char *row, size_t len, size_t *records_len,
                          unsigned *flags);

#endif
