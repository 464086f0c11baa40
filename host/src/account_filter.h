/* A filter of the accounts on the list, so that checking an account that is not listed (most of
 * them: a page shows many accounts, few campaign ones) does not need a B-tree search. A blocked
 * Bloom filter: each (platform, account) sets FILTER_HASHES bits in one block of FILTER_BLOCK_BYTES,
 * chosen by its hash; it says "surely not listed" or "maybe". It never forgets an account (bits are
 * only set, never cleared: a delta's removals leave theirs), so a "surely not" is always right;
 * a block whose digest does not match is not used.
 * Blocks are kept in the database (table account_filter, one row a block with its BLAKE2b-256), built
 * with the list and read lazily, once a block, by the host.
 *
 * Layouts (meta "filter_layout"): 1, the first, chose the block by a hash of its own; 2 chooses it
 * by the account's spread (account_hash.h), so the import builds the filter a block at a time. A
 * database says which it has; none said is layout 1. */
#ifndef NETRAL_ACCOUNT_FILTER_H
#define NETRAL_ACCOUNT_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "account.h"

#define FILTER_BLOCK_BYTES 4096u
#define FILTER_DIGEST_BYTES 32u
#define FILTER_ROW_BYTES (FILTER_BLOCK_BYTES + FILTER_DIGEST_BYTES)
#define FILTER_BITS_PER_ACCOUNT 12u
#define FILTER_HASHES 8u
#define FILTER_MAX_BLOCKS 4096u   /* 16 MiB: more than MAX_LIST_ENTRIES accounts need */
#define FILTER_LAYOUT_HASHED 1
#define FILTER_LAYOUT_SPREAD 2

/* Where an account's bits are: its block, and the bits in it. */
typedef struct {
    uint32_t block;
    uint16_t bits[FILTER_HASHES];
} filter_position;

/* The number of blocks for a list of ACCOUNTS accounts. */
uint32_t account_filter_blocks(uint64_t accounts);

/* Where ACCOUNT's bits are in a filter of BLOCKS blocks of LAYOUT (one of FILTER_LAYOUT_*). */
void account_filter_position(const account_ref *account, uint32_t blocks, int layout, filter_position *out);
/* The same, given ACCOUNT's spread (account_hash.h; used by layout 2 only), for a caller that
 * has it already. */
void account_filter_position_at(const account_ref *account, uint32_t spread, uint32_t blocks, int layout,
                                filter_position *out);

void account_filter_set(unsigned char *block, const filter_position *p);
/* 1 when every bit of P is set in BLOCK (maybe listed), 0 when not (surely not listed). */
int account_filter_test(const unsigned char *block, const filter_position *p);

/* The row kept for BLOCK: the block and its digest. */
void account_filter_seal(const unsigned char *block, unsigned char row[FILTER_ROW_BYTES]);
/* 0 when ROW (LEN bytes) is a sealed block whose digest matches, -1 otherwise. */
int account_filter_unseal(const unsigned char *row, size_t len);

#endif
