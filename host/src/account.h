/* The one normalisation of (platform, account); docs/accounts.md is its specification and
 * tests/vectors/accounts.json the cases the C and JavaScript versions must agree on. */
#ifndef NETRAL_ACCOUNT_H
#define NETRAL_ACCOUNT_H

#include <stddef.h>

#include "error.h"
#include "netral_limits.h"

#include "platforms.h"   /* netral_platform, from extension/platforms.json */

typedef struct {
    netral_platform platform;
    char account[MAX_CANONICAL_ACCOUNT_BYTES];   /* "@name", "id:123", "channel:UC…", "group:…" */
} account_ref;

/* Parses a platform name ("x", "Twitter", "instagram", ...); returns 0 or -1. */
int platform_parse(const char *name, size_t len, netral_platform *out);

/* Canonical name of a platform ("x", "instagram", ...). */
const char *platform_name(netral_platform platform);

/* Normalises LEN bytes of INPUT (a handle, numeric id, canonical form or URL of the site) for
 * PLATFORM, which may be PLATFORM_NONE when INPUT is a URL. Returns 0 with *out filled, or -1
 * with err->code NETRAL_E_ACCOUNT and a reason. */
int account_normalize(netral_platform platform, const char *input, size_t len,
                      account_ref *out, netral_error *err);

#endif
