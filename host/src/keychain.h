/* Key statements (docs/updates.md, "Keys"): the authority rotates or revokes keys by statements
 * that travel with the lists. A statement adds keys and retires key ids; it is signed by a list
 * key trusted before it, and by every key it adds (proof that the authority holds it). Accepted
 * statements are kept in DATA/keys/, and the trusted keys are those of CONFIG/keys/ with every
 * kept statement applied in order of serial, each checked against the keys before it. */
#ifndef NETRAL_KEYCHAIN_H
#define NETRAL_KEYCHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"

#define KEYCHAIN_SUBDIR "keys"                 /* DATA/keys/statement-SERIAL.json(.minisig) */
#define KEY_STATEMENT_FORMAT "netral-keys"
#define MAX_KEY_STATEMENT_BYTES (64u * 1024u)
#define MAX_STATEMENT_CHANGES 16u

/* Applies the statements kept in DATA/keys/ to KEYS (loaded from CONFIG/keys/). A kept statement
 * that does not verify stops the chain there, said in KEYS->first_problem. *SERIAL (when not
 * NULL) is the last serial applied, 0 for none. */
int keychain_apply(const netral_paths *paths, trusted_keys *keys, int64_t *serial, netral_error *err);

/* Accepts the statement DIR/FILE (its signatures beside it: FILE.minisig by a trusted list key,
 * FILE.KEYID.minisig by each key it adds) when its serial is newer than the last kept one, and
 * keeps it in DATA/keys/. 0 (also when it is the statement kept already), or -1 with the reason. */
int keychain_accept(const netral_paths *paths, const char *dir, const char *file, netral_error *err);

#endif
