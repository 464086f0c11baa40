#include "account_filter.h"

#include <string.h>

#include <sodium.h>

#include "account_hash.h"

/* Two SipHash keys: the filter is not a secret, only spread well. */
static const unsigned char KEY_BLOCK[crypto_shorthash_KEYBYTES] = "netral-filter-b";
static const unsigned char KEY_BITS[crypto_shorthash_KEYBYTES] = "netral-filter-i";

uint32_t account_filter_blocks(uint64_t accounts)
{
    uint64_t bits = accounts * FILTER_BITS_PER_ACCOUNT, per_block = FILTER_BLOCK_BYTES * 8u;
    uint64_t blocks = (bits + per_block - 1) / per_block;
    if (blocks < 1) blocks = 1;
    return blocks > FILTER_MAX_BLOCKS ? FILTER_MAX_BLOCKS : (uint32_t)blocks;
}

static uint64_t load64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

void account_filter_position(const account_ref *account, uint32_t blocks, int layout, filter_position *out)
{
    account_filter_position_at(account, layout == FILTER_LAYOUT_SPREAD ? account_spread(account) : 0, blocks, layout,
                               out);
}

void account_filter_position_at(const account_ref *account, uint32_t spread, uint32_t blocks, int layout,
                                filter_position *out)
{
    unsigned char key[MAX_CANONICAL_ACCOUNT_BYTES + 16], h[crypto_shorthash_BYTES];
    const char *platform = platform_name(account->platform);
    size_t n = strlen(platform), m = strlen(account->account);
    uint64_t a, b;
    if (m > MAX_CANONICAL_ACCOUNT_BYTES) m = MAX_CANONICAL_ACCOUNT_BYTES;   /* cannot happen */
    memcpy(key, platform, n);
    key[n] = '\n';
    memcpy(key + n + 1, account->account, m);
    if (layout == FILTER_LAYOUT_SPREAD) {
        out->block = account_spread_place(spread, blocks);
    } else {
        crypto_shorthash(h, key, n + 1 + m, KEY_BLOCK);
        out->block = (uint32_t)(load64(h) % blocks);
    }
    crypto_shorthash(h, key, n + 1 + m, KEY_BITS);
    a = load64(h);
    b = (a >> 32) | 1u;   /* odd: the steps reach distinct bits */
    for (unsigned i = 0; i < FILTER_HASHES; i++)
        out->bits[i] = (uint16_t)((a + i * b) & (FILTER_BLOCK_BYTES * 8u - 1));
}

void account_filter_set(unsigned char *block, const filter_position *p)
{
    for (unsigned i = 0; i < FILTER_HASHES; i++) block[p->bits[i] >> 3] |= (unsigned char)(1u << (p->bits[i] & 7));
}

int account_filter_test(const unsigned char *block, const filter_position *p)
{
    for (unsigned i = 0; i < FILTER_HASHES; i++)
        if ((block[p->bits[i] >> 3] & (1u << (p->bits[i] & 7))) == 0) return 0;
    return 1;
}

void account_filter_seal(const unsigned char *block, unsigned char row[FILTER_ROW_BYTES])
{
    memcpy(row, block, FILTER_BLOCK_BYTES);
    crypto_generichash(row + FILTER_BLOCK_BYTES, FILTER_DIGEST_BYTES, block, FILTER_BLOCK_BYTES, NULL, 0);
}

int account_filter_unseal(const unsigned char *row, size_t len)
{
    unsigned char digest[FILTER_DIGEST_BYTES];
    if (len != FILTER_ROW_BYTES) return -1;
    crypto_generichash(digest, sizeof digest, row, FILTER_BLOCK_BYTES, NULL, 0);
    return sodium_memcmp(digest, row + FILTER_BLOCK_BYTES, FILTER_DIGEST_BYTES) == 0 ? 0 : -1;
}
