#include "account_hash.h"

#include <string.h>

#include <sodium.h>

/* A SipHash key: the order is not a secret, only spread well. */
static const unsigned char KEY_SPREAD[crypto_shorthash_KEYBYTES] = "netral-bucket-h";

uint32_t account_spread_text(const char *platform, size_t platform_len, const char *account, size_t account_len)
{
    unsigned char key[MAX_CANONICAL_ACCOUNT_BYTES + 16], h[crypto_shorthash_BYTES];
    if (platform_len > 15) platform_len = 15;                                   /* cannot happen */
    if (account_len > MAX_CANONICAL_ACCOUNT_BYTES) account_len = MAX_CANONICAL_ACCOUNT_BYTES;
    memcpy(key, platform, platform_len);
    key[platform_len] = '\n';
    memcpy(key + platform_len + 1, account, account_len);
    crypto_shorthash(h, key, platform_len + 1 + account_len, KEY_SPREAD);
    return (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 24;
}

uint32_t account_spread(const account_ref *account)
{
    const char *platform = platform_name(account->platform);
    return account_spread_text(platform, strlen(platform), account->account, strlen(account->account));
}
