#include "minisign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "minisign_format.h"
#include "os.h"

int minisign_next_line(const char *text, size_t len, size_t *off, minisign_line *out)
{
    size_t start = *off, end;
    if (start >= len) return 0;
    const char *nl = memchr(text + start, '\n', len - start);
    end = nl ? (size_t)(nl - text) : len;
    *off = nl ? end + 1 : len;
    out->p = text + start;
    out->n = end - start;
    if (out->n > 0 && out->p[out->n - 1] == '\r') out->n--;
    return 1;
}

int minisign_has_prefix(minisign_line l, const char *prefix)
{
    size_t n = strlen(prefix);
    return l.n >= n && memcmp(l.p, prefix, n) == 0;
}

int minisign_decode_exact(minisign_line b64, unsigned char *out, size_t expected)
{
    size_t bin_len = 0;
    const char *end = NULL;
    if (b64.n == 0 || b64.n > 4 * ((expected + 2) / 3)) return -1;
    if (sodium_base642bin(out, expected, b64.p, b64.n, NULL, &bin_len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return -1;
    return (bin_len == expected && end == b64.p + b64.n) ? 0 : -1;
}

int minisign_only_trailing_blank_lines(const char *text, size_t len, size_t off)
{
    for (; off < len; off++)
        if (text[off] != '\n' && text[off] != '\r' && text[off] != ' ' && text[off] != '\t') return 0;
    return 1;
}

int minisign_init(netral_error *err)
{
    if (sodium_init() < 0) return netral_fail(err, NETRAL_E_NOMEM, "libsodium could not be initialised");
    return 0;
}

void minisign_key_id_hex(const unsigned char keynum[MINISIGN_KEYNUM_BYTES],
                         char out[MINISIGN_KEY_ID_HEX_BYTES])
{
    /* minisign prints the key number as a little-endian 64-bit integer */
    static const char hex[] = "0123456789ABCDEF";
    for (unsigned i = 0; i < MINISIGN_KEYNUM_BYTES; i++) {
        unsigned char b = keynum[MINISIGN_KEYNUM_BYTES - 1 - i];
        out[2 * i] = hex[b >> 4];
        out[2 * i + 1] = hex[b & 15];
    }
    out[16] = '\0';
}

int minisign_pubkey_parse(const char *text, size_t len, minisign_pubkey *out, netral_error *err)
{
    unsigned char bin[PUBKEY_BIN_BYTES];
    size_t off = 0;
    minisign_line l;

    if (len > MAX_KEY_FILE_BYTES) return netral_fail(err, NETRAL_E_KEY, "public key file too large");
    if (!minisign_next_line(text, len, &off, &l)) return netral_fail(err, NETRAL_E_KEY, "empty public key");
    if (minisign_has_prefix(l, UNTRUSTED_PREFIX) && !minisign_next_line(text, len, &off, &l))
        return netral_fail(err, NETRAL_E_KEY, "public key file has a comment but no key");
    if (!minisign_only_trailing_blank_lines(text, len, off))
        return netral_fail(err, NETRAL_E_KEY, "unexpected text after the public key");
    if (minisign_decode_exact(l, bin, sizeof bin) != 0)
        return netral_fail(err, NETRAL_E_KEY, "public key is not base64 of %u bytes", PUBKEY_BIN_BYTES);
    if (memcmp(bin, SIGALG_LEGACY, ALG_BYTES) != 0)
        return netral_fail(err, NETRAL_E_KEY, "unsupported public key algorithm");
    memcpy(out->keynum, bin + ALG_BYTES, MINISIGN_KEYNUM_BYTES);
    memcpy(out->pk, bin + ALG_BYTES + MINISIGN_KEYNUM_BYTES, MINISIGN_PK_BYTES);
    return 0;
}

int minisign_sig_parse(const char *text, size_t len, minisign_sig *out, netral_error *err)
{
    unsigned char bin[SIG_BIN_BYTES];
    size_t off = 0;
    minisign_line l;

    if (len > MAX_SIG_FILE_BYTES) return netral_fail(err, NETRAL_E_SIGNATURE, "signature file too large");
    if (!minisign_next_line(text, len, &off, &l) || !minisign_has_prefix(l, UNTRUSTED_PREFIX))
        return netral_fail(err, NETRAL_E_SIGNATURE, "signature file does not start with an untrusted comment");
    if (!minisign_next_line(text, len, &off, &l) || minisign_decode_exact(l, bin, sizeof bin) != 0)
        return netral_fail(err, NETRAL_E_SIGNATURE, "signature line is not base64 of %u bytes", SIG_BIN_BYTES);
    if (memcmp(bin, SIGALG_LEGACY, ALG_BYTES) == 0)
        return netral_fail(err, NETRAL_E_SIGNATURE,
                           "legacy (non-prehashed) signature refused: sign again with a current minisign or netral");
    if (memcmp(bin, SIGALG_HASHED, ALG_BYTES) != 0)
        return netral_fail(err, NETRAL_E_SIGNATURE, "unknown signature algorithm");
    memcpy(out->keynum, bin + ALG_BYTES, MINISIGN_KEYNUM_BYTES);
    memcpy(out->sig, bin + ALG_BYTES + MINISIGN_KEYNUM_BYTES, MINISIGN_SIG_BYTES);

    if (!minisign_next_line(text, len, &off, &l) || !minisign_has_prefix(l, TRUSTED_PREFIX))
        return netral_fail(err, NETRAL_E_SIGNATURE, "signature file has no trusted comment");
    size_t tc_len = l.n - strlen(TRUSTED_PREFIX);
    if (tc_len > MAX_TRUSTED_COMMENT_BYTES)
        return netral_fail(err, NETRAL_E_SIGNATURE, "trusted comment over %u bytes", MAX_TRUSTED_COMMENT_BYTES);
    if (memchr(l.p + strlen(TRUSTED_PREFIX), '\0', tc_len) != NULL)
        return netral_fail(err, NETRAL_E_SIGNATURE, "NUL byte in trusted comment");
    memcpy(out->trusted_comment, l.p + strlen(TRUSTED_PREFIX), tc_len);
    out->trusted_comment[tc_len] = '\0';
    out->trusted_comment_len = tc_len;

    if (!minisign_next_line(text, len, &off, &l) || minisign_decode_exact(l, out->global_sig, MINISIGN_SIG_BYTES) != 0)
        return netral_fail(err, NETRAL_E_SIGNATURE, "global signature is not base64 of %u bytes", MINISIGN_SIG_BYTES);
    if (!minisign_only_trailing_blank_lines(text, len, off))
        return netral_fail(err, NETRAL_E_SIGNATURE, "unexpected text after the signature");
    return 0;
}

int minisign_verify(const minisign_pubkey *pub, const minisign_sig *sig,
                    const unsigned char hash[MINISIGN_HASH_BYTES], netral_error *err)
{
    unsigned char *signed_part = NULL;
    size_t signed_len = MINISIGN_SIG_BYTES + sig->trusted_comment_len;
    int rc = -1;

    if (sodium_memcmp(pub->keynum, sig->keynum, MINISIGN_KEYNUM_BYTES) != 0) {
        char want[MINISIGN_KEY_ID_HEX_BYTES], got[MINISIGN_KEY_ID_HEX_BYTES];
        minisign_key_id_hex(pub->keynum, want);
        minisign_key_id_hex(sig->keynum, got);
        return netral_fail(err, NETRAL_E_KEY, "signed with key %s, not with key %s", got, want);
    }
    if (crypto_sign_verify_detached(sig->sig, hash, MINISIGN_HASH_BYTES, pub->pk) != 0)
        return netral_fail(err, NETRAL_E_SIGNATURE, "signature verification failed: the file is not what was signed");

    signed_part = malloc(signed_len);
    if (signed_part == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    memcpy(signed_part, sig->sig, MINISIGN_SIG_BYTES);
    memcpy(signed_part + MINISIGN_SIG_BYTES, sig->trusted_comment, sig->trusted_comment_len);
    if (crypto_sign_verify_detached(sig->global_sig, signed_part, signed_len, pub->pk) != 0) {
        netral_fail(err, NETRAL_E_SIGNATURE, "trusted comment verification failed: the comment was altered");
        goto done;
    }
    rc = 0;
done:
    free(signed_part);
    return rc;
}

int minisign_hash_file(const char *path, size_t max, unsigned char hash[MINISIGN_HASH_BYTES],
                       netral_error *err)
{
    crypto_generichash_state state;
    unsigned char buf[65536];
    size_t total = 0;
    int fd, rc = -1;

    fd = os_open_read(path);
    if (fd < 0) return netral_fail(err, NETRAL_E_IO, "cannot open %s: %s", path, strerror(errno));
    crypto_generichash_init(&state, NULL, 0, MINISIGN_HASH_BYTES);
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            netral_fail(err, NETRAL_E_IO, "cannot read %s: %s", path, strerror(errno));
            goto done;
        }
        if (n == 0) break;
        total += (size_t)n;
        if (total > max) {
            netral_fail(err, NETRAL_E_TOO_LARGE, "%s is over the limit of %zu bytes", path, max);
            goto done;
        }
        crypto_generichash_update(&state, buf, (unsigned long long)n);
    }
    crypto_generichash_final(&state, hash, MINISIGN_HASH_BYTES);
    rc = 0;
done:
    close(fd);
    return rc;
}

