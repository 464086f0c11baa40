/* Signing with minisign-compatible keys: what the list authority's `netral keygen` and
 * `netral sign` use. The host never links this (it only verifies: minisign.h). */
#ifndef NETRAL_MINISIGN_SIGN_H
#define NETRAL_MINISIGN_SIGN_H

#include <stddef.h>

#include "minisign.h"

typedef struct minisign_seckey minisign_seckey;         /* lives in sodium_malloc'd memory */

/* 1 when the secret key file TEXT is passphrase-protected, 0 when not, -1 when unreadable. */
int minisign_seckey_is_encrypted(const char *text, size_t len);

/* Parses (and with PASSPHRASE, decrypts) a secret key file; checks its checksum. The caller
 * frees *out with minisign_seckey_free. */
int minisign_seckey_parse(const char *text, size_t len, const char *passphrase,
                          minisign_seckey **out, netral_error *err);
void minisign_seckey_free(minisign_seckey *key);

/* Generates a key pair. *pub_text and *sec_text are the files' contents (heap; the caller frees
 * them; sec_text with sodium_free). PASSPHRASE NULL writes an unencrypted secret key. */
int minisign_keygen(const char *passphrase, char **pub_text, char **sec_text, netral_error *err);

/* Signs a file whose BLAKE2b-512 is HASH. *sig_text is the .minisig content (heap; caller frees).
 * Comments must be one line each. */
int minisign_sign(const minisign_seckey *key, const unsigned char hash[MINISIGN_HASH_BYTES],
                  const char *untrusted_comment, const char *trusted_comment,
                  char **sig_text, netral_error *err);

/* The public key of a secret key, to check that a key pair belongs together. */
void minisign_seckey_pubkey(const minisign_seckey *key, minisign_pubkey *out);

#endif
