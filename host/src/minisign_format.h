/* The text layout of minisign files, shared by the verifying side (minisign.c) and the signing
 * side (minisign_sign.c). Internal to those two files. */
#ifndef NETRAL_MINISIGN_FORMAT_H
#define NETRAL_MINISIGN_FORMAT_H

#include <stddef.h>

#include "minisign.h"

/* On-disk layouts, as minisign writes them. */
#define SIGALG_HASHED "ED"    /* Ed25519 over BLAKE2b-512 of the file */
#define SIGALG_LEGACY "Ed"    /* Ed25519 over the raw file; also the key algorithm */
#define KDFALG_SCRYPT "Sc"
#define CHKALG_BLAKE2B "B2"
#define ALG_BYTES 2u
#define KDF_SALT_BYTES 32u
#define CHK_BYTES 32u
#define UNTRUSTED_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX "trusted comment: "

#define PUBKEY_BIN_BYTES (ALG_BYTES + MINISIGN_KEYNUM_BYTES + MINISIGN_PK_BYTES)              /* 42 */
#define SIG_BIN_BYTES (ALG_BYTES + MINISIGN_KEYNUM_BYTES + MINISIGN_SIG_BYTES)                /* 74 */
#define KEYNUM_SK_BYTES (MINISIGN_KEYNUM_BYTES + MINISIGN_SK_BYTES + CHK_BYTES)                /* 104 */
#define SECKEY_BIN_BYTES (3 * ALG_BYTES + KDF_SALT_BYTES + 8 + 8 + KEYNUM_SK_BYTES)            /* 158 */

typedef struct {
    const char *p;
    size_t n;
} minisign_line;

/* Next line of TEXT from *off, without its "\n" or "\r\n"; 0 when there is none. */
int minisign_next_line(const char *text, size_t len, size_t *off, minisign_line *out);
int minisign_has_prefix(minisign_line l, const char *prefix);
/* Decodes base64 that must be exactly EXPECTED bytes. */
int minisign_decode_exact(minisign_line b64, unsigned char *out, size_t expected);
int minisign_only_trailing_blank_lines(const char *text, size_t len, size_t off);

#endif
