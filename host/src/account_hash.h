/* The order of accounts by hash that the derived tables follow: an account's bucket
 * (account_bucket.h) and its filter block (account_filter.h, layout 2) are both its spread
 * scaled to their count, so accounts sorted by spread come bucket by bucket and block by block,
 * and the import builds both in one sorted pass holding one block at a time. */
#ifndef NETRAL_ACCOUNT_HASH_H
#define NETRAL_ACCOUNT_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "account.h"

/* The spread of PLATFORM (its name) and ACCOUNT (canonical), each LEN bytes. */
uint32_t account_spread_text(const char *platform, size_t platform_len, const char *account, size_t account_len);
uint32_t account_spread(const account_ref *account);

/* SPREAD scaled to [0, COUNT): the same order, COUNT places. */
static inline uint32_t account_spread_place(uint32_t spread, uint32_t count)
{
    return (uint32_t)(((uint64_t)spread * count) >> 32);
}

#endif
