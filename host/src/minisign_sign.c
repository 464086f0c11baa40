/* The signing side of minisign: secret keys (scrypt-protected or not), key generation and
 * signatures. Only the admin CLI links it; the host verifies and never signs. */
#include "minisign_sign.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "minisign_format.h"

/* Passphrase-protected keys name their own scrypt cost; refuse costs no signer needs, so that
 * a crafted key file cannot make the CLI allocate without bound. */
#define MAX_KDF_MEMLIMIT (2ull * 1024 * 1024 * 1024)
#define MAX_KDF_OPSLIMIT (1ull << 32)

struct minisign_seckey {
    unsigned char keynum[MINISIGN_KEYNUM_BYTES];
    unsigned char sk[MINISIGN_SK_BYTES];
};

/* ---- secret keys ---- */

static uint64_t load_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

static void store_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void seckey_checksum(const unsigned char keynum[MINISIGN_KEYNUM_BYTES],
                            const unsigned char sk[MINISIGN_SK_BYTES], unsigned char out[CHK_BYTES])
{
    crypto_generichash_state state;
    crypto_generichash_init(&state, NULL, 0, CHK_BYTES);
    crypto_generichash_update(&state, (const unsigned char *)SIGALG_LEGACY, ALG_BYTES);
    crypto_generichash_update(&state, keynum, MINISIGN_KEYNUM_BYTES);
    crypto_generichash_update(&state, sk, MINISIGN_SK_BYTES);
    crypto_generichash_final(&state, out, CHK_BYTES);
}

/* An Ed25519 secret key is seed || public key: the public key must follow from the seed. */
static int seckey_is_consistent(const unsigned char sk[MINISIGN_SK_BYTES])
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk2[crypto_sign_SECRETKEYBYTES];
    int same;
    crypto_sign_seed_keypair(pk, sk2, sk);
    same = sodium_memcmp(sk2, sk, MINISIGN_SK_BYTES) == 0;
    sodium_memzero(sk2, sizeof sk2);
    return same;
}

/* XORs the key material with the scrypt stream derived from the passphrase (both ways). */
static int kdf_xor(unsigned char *keynum_sk, const char *passphrase, const unsigned char *salt,
                   uint64_t opslimit, uint64_t memlimit, netral_error *err)
{
    unsigned char *stream = sodium_malloc(KEYNUM_SK_BYTES);
    int rc = -1;
    if (stream == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of secure memory");
    if (crypto_pwhash_scryptsalsa208sha256(stream, KEYNUM_SK_BYTES, passphrase, strlen(passphrase),
                                           salt, opslimit, (size_t)memlimit) != 0) {
        netral_fail(err, NETRAL_E_NOMEM, "key derivation failed (out of memory?)");
        goto done;
    }
    for (size_t i = 0; i < KEYNUM_SK_BYTES; i++) keynum_sk[i] ^= stream[i];
    rc = 0;
done:
    sodium_free(stream);
    return rc;
}

/* Decodes the base64 line of a secret key file into BIN (SECKEY_BIN_BYTES). */
static int seckey_decode(const char *text, size_t len, unsigned char *bin, netral_error *err)
{
    size_t off = 0;
    minisign_line l;
    if (len > MAX_KEY_FILE_BYTES) return netral_fail(err, NETRAL_E_KEY, "secret key file too large");
    if (!minisign_next_line(text, len, &off, &l)) return netral_fail(err, NETRAL_E_KEY, "empty secret key file");
    if (minisign_has_prefix(l, UNTRUSTED_PREFIX) && !minisign_next_line(text, len, &off, &l))
        return netral_fail(err, NETRAL_E_KEY, "secret key file has a comment but no key");
    if (minisign_decode_exact(l, bin, SECKEY_BIN_BYTES) != 0)
        return netral_fail(err, NETRAL_E_KEY, "secret key is not base64 of %u bytes", SECKEY_BIN_BYTES);
    if (memcmp(bin, SIGALG_LEGACY, ALG_BYTES) != 0 || memcmp(bin + 4, CHKALG_BLAKE2B, ALG_BYTES) != 0)
        return netral_fail(err, NETRAL_E_KEY, "unsupported secret key algorithm");
    if (memcmp(bin + 2, KDFALG_SCRYPT, ALG_BYTES) != 0 && (bin[2] != 0 || bin[3] != 0))
        return netral_fail(err, NETRAL_E_KEY, "unsupported secret key encryption");
    return 0;
}

int minisign_seckey_is_encrypted(const char *text, size_t len)
{
    unsigned char *bin = sodium_malloc(SECKEY_BIN_BYTES);
    int rc = -1;
    if (bin == NULL) return -1;
    if (seckey_decode(text, len, bin, NULL) == 0) rc = memcmp(bin + 2, KDFALG_SCRYPT, ALG_BYTES) == 0;
    sodium_free(bin);
    return rc;
}

int minisign_seckey_parse(const char *text, size_t len, const char *passphrase,
                          minisign_seckey **out, netral_error *err)
{
    unsigned char *bin = sodium_malloc(SECKEY_BIN_BYTES);
    minisign_seckey *key = NULL;
    unsigned char chk[CHK_BYTES];
    int rc = -1;

    if (bin == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of secure memory");
    if (seckey_decode(text, len, bin, err) != 0) goto done;

    const unsigned char *salt = bin + 3 * ALG_BYTES;
    uint64_t opslimit = load_le64(salt + KDF_SALT_BYTES);
    uint64_t memlimit = load_le64(salt + KDF_SALT_BYTES + 8);
    unsigned char *keynum_sk = bin + 3 * ALG_BYTES + KDF_SALT_BYTES + 16;

    int encrypted = memcmp(bin + 2, KDFALG_SCRYPT, ALG_BYTES) == 0;
    if (encrypted) {
        if (passphrase == NULL) {
            netral_fail(err, NETRAL_E_KEY, "the secret key is protected by a passphrase");
            goto done;
        }
        if (memlimit > MAX_KDF_MEMLIMIT || opslimit > MAX_KDF_OPSLIMIT) {
            netral_fail(err, NETRAL_E_KEY, "the secret key asks for an unreasonable key derivation cost");
            goto done;
        }
        if (kdf_xor(keynum_sk, passphrase, salt, opslimit, memlimit, err) != 0) goto done;
    }
    if (encrypted) {
        seckey_checksum(keynum_sk, keynum_sk + MINISIGN_KEYNUM_BYTES, chk);
        if (sodium_memcmp(chk, keynum_sk + MINISIGN_KEYNUM_BYTES + MINISIGN_SK_BYTES, CHK_BYTES) != 0) {
            netral_fail(err, NETRAL_E_KEY, "wrong passphrase, or the secret key file is damaged");
            goto done;
        }
    } else if (!seckey_is_consistent(keynum_sk + MINISIGN_KEYNUM_BYTES)) {
        /* minisign leaves the checksum of an unencrypted key zero and never reads it */
        netral_fail(err, NETRAL_E_KEY, "the secret key file is damaged");
        goto done;
    }
    key = sodium_malloc(sizeof *key);
    if (key == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of secure memory");
        goto done;
    }
    memcpy(key->keynum, keynum_sk, MINISIGN_KEYNUM_BYTES);
    memcpy(key->sk, keynum_sk + MINISIGN_KEYNUM_BYTES, MINISIGN_SK_BYTES);
    *out = key;
    rc = 0;
done:
    sodium_memzero(chk, sizeof chk);
    sodium_free(bin);
    return rc;
}

void minisign_seckey_free(minisign_seckey *key)
{
    if (key != NULL) sodium_free(key);   /* sodium_free wipes the memory */
}

void minisign_seckey_pubkey(const minisign_seckey *key, minisign_pubkey *out)
{
    memcpy(out->keynum, key->keynum, MINISIGN_KEYNUM_BYTES);
    crypto_sign_ed25519_sk_to_pk(out->pk, key->sk);
}

/* "<prefix><comment>\n<base64 of bin>\n", in memory from ALLOC (malloc or sodium_malloc). */
static char *format_file(const char *comment, const unsigned char *bin, size_t bin_len, int secure)
{
    size_t b64_size = sodium_base64_encoded_len(bin_len, sodium_base64_VARIANT_ORIGINAL);
    size_t size = strlen(UNTRUSTED_PREFIX) + strlen(comment) + 1 + b64_size + 2;
    char *out = secure ? sodium_malloc(size) : malloc(size);
    if (out == NULL) return NULL;
    int n = snprintf(out, size, "%s%s\n", UNTRUSTED_PREFIX, comment);
    sodium_bin2base64(out + n, size - (size_t)n, bin, bin_len, sodium_base64_VARIANT_ORIGINAL);
    strcat(out, "\n");
    return out;
}

int minisign_keygen(const char *passphrase, char **pub_text, char **sec_text, netral_error *err)
{
    unsigned char pub_bin[PUBKEY_BIN_BYTES];
    unsigned char *sec_bin = sodium_malloc(SECKEY_BIN_BYTES);
    char *pub = NULL, *sec = NULL;
    char comment[64], id[MINISIGN_KEY_ID_HEX_BYTES];
    int rc = -1;

    if (sec_bin == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of secure memory");
    memset(sec_bin, 0, SECKEY_BIN_BYTES);
    unsigned char *salt = sec_bin + 3 * ALG_BYTES;
    unsigned char *keynum = salt + KDF_SALT_BYTES + 16;
    unsigned char *sk = keynum + MINISIGN_KEYNUM_BYTES;
    unsigned char *pk = pub_bin + ALG_BYTES + MINISIGN_KEYNUM_BYTES;

    memcpy(sec_bin, SIGALG_LEGACY, ALG_BYTES);
    memcpy(sec_bin + 4, CHKALG_BLAKE2B, ALG_BYTES);
    randombytes_buf(keynum, MINISIGN_KEYNUM_BYTES);
    crypto_sign_keypair(pk, sk);
    memcpy(pub_bin, SIGALG_LEGACY, ALG_BYTES);
    memcpy(pub_bin + ALG_BYTES, keynum, MINISIGN_KEYNUM_BYTES);

    if (passphrase != NULL) {
        uint64_t ops = crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE;
        uint64_t mem = crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE;
        /* As minisign: the checksum is computed, and later checked, only for protected keys. */
        seckey_checksum(keynum, sk, sk + MINISIGN_SK_BYTES);
        memcpy(sec_bin + 2, KDFALG_SCRYPT, ALG_BYTES);
        randombytes_buf(salt, KDF_SALT_BYTES);
        store_le64(salt + KDF_SALT_BYTES, ops);
        store_le64(salt + KDF_SALT_BYTES + 8, mem);
        if (kdf_xor(keynum, passphrase, salt, ops, mem, err) != 0) goto done;
    }
    minisign_key_id_hex(pub_bin + ALG_BYTES, id);
    snprintf(comment, sizeof comment, "minisign public key %s", id);
    pub = format_file(comment, pub_bin, sizeof pub_bin, 0);
    sec = format_file(passphrase ? "minisign encrypted secret key" : "minisign secret key",
                      sec_bin, SECKEY_BIN_BYTES, 1);
    if (pub == NULL || sec == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        goto done;
    }
    *pub_text = pub;
    *sec_text = sec;
    pub = sec = NULL;
    rc = 0;
done:
    free(pub);
    if (sec != NULL) sodium_free(sec);
    sodium_free(sec_bin);
    return rc;
}

int minisign_sign(const minisign_seckey *key, const unsigned char hash[MINISIGN_HASH_BYTES],
                  const char *untrusted_comment, const char *trusted_comment,
                  char **sig_text, netral_error *err)
{
    unsigned char sig_bin[SIG_BIN_BYTES];
    unsigned char global[MINISIGN_SIG_BYTES];
    unsigned char *signed_part = NULL;
    char sig_b64[4 * ((SIG_BIN_BYTES + 2) / 3) + 1], global_b64[4 * ((MINISIGN_SIG_BYTES + 2) / 3) + 1];
    size_t tc_len = strlen(trusted_comment), size;
    char *out = NULL;
    int rc = -1;

    if (strchr(untrusted_comment, '\n') || strchr(trusted_comment, '\n') ||
        strchr(untrusted_comment, '\r') || strchr(trusted_comment, '\r'))
        return netral_fail(err, NETRAL_E_FORMAT, "comments must be a single line");
    if (tc_len > MAX_TRUSTED_COMMENT_BYTES || strlen(untrusted_comment) > MAX_COMMENT_BYTES)
        return netral_fail(err, NETRAL_E_TOO_LARGE, "comment too long");

    memcpy(sig_bin, SIGALG_HASHED, ALG_BYTES);
    memcpy(sig_bin + ALG_BYTES, key->keynum, MINISIGN_KEYNUM_BYTES);
    crypto_sign_detached(sig_bin + ALG_BYTES + MINISIGN_KEYNUM_BYTES, NULL, hash, MINISIGN_HASH_BYTES, key->sk);

    signed_part = malloc(MINISIGN_SIG_BYTES + tc_len);
    if (signed_part == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    memcpy(signed_part, sig_bin + ALG_BYTES + MINISIGN_KEYNUM_BYTES, MINISIGN_SIG_BYTES);
    memcpy(signed_part + MINISIGN_SIG_BYTES, trusted_comment, tc_len);
    crypto_sign_detached(global, NULL, signed_part, MINISIGN_SIG_BYTES + tc_len, key->sk);

    sodium_bin2base64(sig_b64, sizeof sig_b64, sig_bin, sizeof sig_bin, sodium_base64_VARIANT_ORIGINAL);
    sodium_bin2base64(global_b64, sizeof global_b64, global, sizeof global, sodium_base64_VARIANT_ORIGINAL);
    size = strlen(UNTRUSTED_PREFIX) + strlen(untrusted_comment) + strlen(TRUSTED_PREFIX) + tc_len +
           sizeof sig_b64 + sizeof global_b64 + 8;
    out = malloc(size);
    if (out == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        goto done;
    }
    snprintf(out, size, "%s%s\n%s\n%s%s\n%s\n", UNTRUSTED_PREFIX, untrusted_comment, sig_b64,
             TRUSTED_PREFIX, trusted_comment, global_b64);
    *sig_text = out;
    rc = 0;
done:
    free(signed_part);
    return rc;
}
