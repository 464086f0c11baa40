/* minisign-compatible keys and signatures (Ed25519; BLAKE2b-512 prehash; trusted comment covered
 * by a global signature). Only the prehashed "ED" algorithm is accepted when verifying: legacy
 * "Ed" signatures over the raw file are refused. */
#ifndef NETRAL_MINISIGN_H
#define NETRAL_MINISIGN_H

#include <stddef.h>

#include "error.h"
#include "netral_limits.h"

#define MINISIGN_KEYNUM_BYTES 8u
#define MINISIGN_PK_BYTES 32u
#define MINISIGN_SK_BYTES 64u
#define MINISIGN_SIG_BYTES 64u
#define MINISIGN_HASH_BYTES 64u
#define MINISIGN_KEY_ID_HEX_BYTES 17u   /* 16 hex digits and a NUL */

typedef struct {
    unsigned char keynum[MINISIGN_KEYNUM_BYTES];
    unsigned char pk[MINISIGN_PK_BYTES];
} minisign_pubkey;

typedef struct {
    unsigned char keynum[MINISIGN_KEYNUM_BYTES];
    unsigned char sig[MINISIGN_SIG_BYTES];              /* over BLAKE2b-512 of the file */
    char trusted_comment[MAX_TRUSTED_COMMENT_BYTES + 1];  /* NUL-terminated; no NUL inside */
    size_t trusted_comment_len;
    unsigned char global_sig[MINISIGN_SIG_BYTES];       /* over sig || trusted comment */
} minisign_sig;

/* Call once before anything else here (wraps sodium_init). */
int minisign_init(netral_error *err);

/* Parses a public key: a minisign .pub file or the bare base64 line (`minisign -P`). */
int minisign_pubkey_parse(const char *text, size_t len, minisign_pubkey *out, netral_error *err);

/* Parses the four lines of a .minisig file. Refuses legacy and unknown algorithms. */
int minisign_sig_parse(const char *text, size_t len, minisign_sig *out, netral_error *err);

/* Verifies SIG, made by PUB, over a file whose BLAKE2b-512 is HASH, and its trusted comment.
 * The key ids must match before anything is verified. */
int minisign_verify(const minisign_pubkey *pub, const minisign_sig *sig,
                    const unsigned char hash[MINISIGN_HASH_BYTES], netral_error *err);

/* Streams the file at PATH (at most MAX bytes) through BLAKE2b-512. */
int minisign_hash_file(const char *path, size_t max, unsigned char hash[MINISIGN_HASH_BYTES],
                       netral_error *err);

/* The key id as minisign prints it: 16 upper-case hex digits. */
void minisign_key_id_hex(const unsigned char keynum[MINISIGN_KEYNUM_BYTES],
                         char out[MINISIGN_KEY_ID_HEX_BYTES]);

#endif
