/* minisign-compatible keys and signatures, against vectors made by the real minisign 0.11. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "minisign.h"
#include "minisign_sign.h"

/* Made with `minisign -G -W`, then `echo hello > f; minisign -S -s k.sec -m f -t "tc here"`. */
static const char MINISIGN_PUB[] =
    "untrusted comment: minisign public key E3CE64ECA1E34E68\n"
    "RWRoTuOh7GTO41wtt6Nlyiecf8E3C5TI8BjUI25mcj6Pr9aOs6cj+vYv\n";
static const char MINISIGN_SIG[] =
    "untrusted comment: signature from minisign secret key\n"
    "RURoTuOh7GTO45ETCjTVkWY66pLaPzB5jT/OwldE9asU5pVIIYYijrQG/lyi2Zq5nfJcsV0p7rXmAFb22bmYImC6wktWGI8hbAc=\n"
    "trusted comment: tc here\n"
    "CqUMgs3FFsarcxMnzm4SrEge0oqObO2cDh697lI6HlkW6BrMiTjYBGYB94JGhinKMFTXPVbSGqMcQ8dXON+JCQ==\n";
static const char MINISIGN_SEC_UNENCRYPTED[] =
    "untrusted comment: minisign encrypted secret key\n"
    "RWQAAEIyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAaE7joexkzuO4f/NbwTjRM7KyQ/46mwHUADxJ"
    "trUTNYC8n/rI3sK63Fwtt6Nlyiecf8E3C5TI8BjUI25mcj6Pr9aOs6cj+vYvAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";

static void blake2b(const char *text, unsigned char out[MINISIGN_HASH_BYTES])
{
    crypto_generichash(out, MINISIGN_HASH_BYTES, (const unsigned char *)text, strlen(text), NULL, 0);
}

static void signature_made_by_minisign_should_verify(void)
{
    minisign_pubkey pk;
    minisign_sig sig;
    unsigned char hash[MINISIGN_HASH_BYTES];
    netral_error err;
    char id[MINISIGN_KEY_ID_HEX_BYTES];

    CHECK(minisign_pubkey_parse(MINISIGN_PUB, strlen(MINISIGN_PUB), &pk, &err) == 0);
    minisign_key_id_hex(pk.keynum, id);
    CHECK_STR(id, "E3CE64ECA1E34E68");
    CHECK(minisign_sig_parse(MINISIGN_SIG, strlen(MINISIGN_SIG), &sig, &err) == 0);
    CHECK_STR(sig.trusted_comment, "tc here");
    blake2b("hello\n", hash);
    CHECK(minisign_verify(&pk, &sig, hash, &err) == 0);
}

static void verify_should_fail_when_the_file_differs(void)
{
    minisign_pubkey pk;
    minisign_sig sig;
    unsigned char hash[MINISIGN_HASH_BYTES];
    netral_error err;
    CHECK(minisign_pubkey_parse(MINISIGN_PUB, strlen(MINISIGN_PUB), &pk, &err) == 0);
    CHECK(minisign_sig_parse(MINISIGN_SIG, strlen(MINISIGN_SIG), &sig, &err) == 0);
    blake2b("hellO\n", hash);
    CHECK(minisign_verify(&pk, &sig, hash, &err) != 0);
    CHECK(err.code == NETRAL_E_SIGNATURE);
}

static void verify_should_fail_when_the_trusted_comment_is_altered(void)
{
    minisign_pubkey pk;
    minisign_sig sig;
    unsigned char hash[MINISIGN_HASH_BYTES];
    netral_error err;
    char *forged = strdup(MINISIGN_SIG);
    memcpy(strstr(forged, "tc here"), "tc HERE", 7);
    CHECK(minisign_pubkey_parse(MINISIGN_PUB, strlen(MINISIGN_PUB), &pk, &err) == 0);
    CHECK(minisign_sig_parse(forged, strlen(forged), &sig, &err) == 0);
    blake2b("hello\n", hash);
    CHECK(minisign_verify(&pk, &sig, hash, &err) != 0);
    CHECK(strstr(err.msg, "trusted comment") != NULL);
    free(forged);
}

static void verify_should_refuse_a_key_with_another_id_before_verifying(void)
{
    minisign_pubkey pk;
    minisign_sig sig;
    unsigned char hash[MINISIGN_HASH_BYTES];
    netral_error err;
    CHECK(minisign_pubkey_parse(MINISIGN_PUB, strlen(MINISIGN_PUB), &pk, &err) == 0);
    CHECK(minisign_sig_parse(MINISIGN_SIG, strlen(MINISIGN_SIG), &sig, &err) == 0);
    pk.keynum[0] ^= 1;
    blake2b("hello\n", hash);
    CHECK(minisign_verify(&pk, &sig, hash, &err) != 0);
    CHECK(err.code == NETRAL_E_KEY);
}

/* Re-encodes the signature line of MINISIGN_SIG with other algorithm bytes. */
static char *with_algorithm(const char *alg)
{
    unsigned char bin[74];
    size_t bin_len;
    char b64[101], *out = malloc(sizeof MINISIGN_SIG + 8);
    const char *line = strchr(MINISIGN_SIG, '\n') + 1;
    size_t line_len = (size_t)(strchr(line, '\n') - line);
    sodium_base642bin(bin, sizeof bin, line, line_len, NULL, &bin_len, NULL, sodium_base64_VARIANT_ORIGINAL);
    memcpy(bin, alg, 2);
    sodium_bin2base64(b64, sizeof b64, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
    memcpy(out, MINISIGN_SIG, (size_t)(line - MINISIGN_SIG));
    strcpy(out + (line - MINISIGN_SIG), b64);
    strcat(out, line + line_len);
    return out;
}

static void sig_parse_should_refuse_legacy_and_unknown_algorithms(void)
{
    minisign_sig sig;
    netral_error err;
    char *legacy = with_algorithm("Ed"), *unknown = with_algorithm("XX"), *same = with_algorithm("ED");
    CHECK(minisign_sig_parse(same, strlen(same), &sig, &err) == 0);
    CHECK(minisign_sig_parse(legacy, strlen(legacy), &sig, &err) != 0);
    CHECK(strstr(err.msg, "legacy") != NULL);
    CHECK(minisign_sig_parse(unknown, strlen(unknown), &sig, &err) != 0);
    CHECK(strstr(err.msg, "unknown signature algorithm") != NULL);
    free(legacy);
    free(unknown);
    free(same);
}

static void sig_parse_should_refuse_truncated_files_at_every_length(void)
{
    minisign_sig sig;
    netral_error err;
    size_t full = strlen(MINISIGN_SIG);
    /* every strict prefix that cuts into the last base64 line or earlier must fail */
    size_t last_line = (size_t)(strrchr(MINISIGN_SIG, '=') - MINISIGN_SIG);
    for (size_t n = 0; n <= last_line; n++) CHECK(minisign_sig_parse(MINISIGN_SIG, n, &sig, &err) != 0);
    CHECK(minisign_sig_parse(MINISIGN_SIG, full, &sig, &err) == 0);
}

static void sig_parse_should_refuse_text_after_the_signature(void)
{
    minisign_sig sig;
    netral_error err;
    char buf[sizeof MINISIGN_SIG + 16];
    snprintf(buf, sizeof buf, "%sextra\n", MINISIGN_SIG);
    CHECK(minisign_sig_parse(buf, strlen(buf), &sig, &err) != 0);
}

static void pubkey_parse_should_accept_the_bare_base64_line_and_refuse_bad_lengths(void)
{
    minisign_pubkey pk;
    netral_error err;
    const char *bare = "RWRoTuOh7GTO41wtt6Nlyiecf8E3C5TI8BjUI25mcj6Pr9aOs6cj+vYv";
    CHECK(minisign_pubkey_parse(bare, strlen(bare), &pk, &err) == 0);
    CHECK(minisign_pubkey_parse(bare, strlen(bare) - 4, &pk, &err) != 0);
    CHECK(minisign_pubkey_parse("untrusted comment: x\n", 21, &pk, &err) != 0);
    CHECK(minisign_pubkey_parse("", 0, &pk, &err) != 0);
}

static void secret_key_made_by_minisign_should_sign_what_its_public_key_verifies(void)
{
    minisign_seckey *sk = NULL;
    minisign_pubkey pk, derived;
    minisign_sig sig;
    unsigned char hash[MINISIGN_HASH_BYTES];
    char *sig_text = NULL;
    netral_error err;

    CHECK(minisign_seckey_is_encrypted(MINISIGN_SEC_UNENCRYPTED, strlen(MINISIGN_SEC_UNENCRYPTED)) == 0);
    CHECK(minisign_seckey_parse(MINISIGN_SEC_UNENCRYPTED, strlen(MINISIGN_SEC_UNENCRYPTED), NULL, &sk, &err) == 0);
    if (sk == NULL) return;
    CHECK(minisign_pubkey_parse(MINISIGN_PUB, strlen(MINISIGN_PUB), &pk, &err) == 0);
    minisign_seckey_pubkey(sk, &derived);
    CHECK(memcmp(&derived, &pk, sizeof pk) == 0);
    blake2b("a list\n", hash);
    CHECK(minisign_sign(sk, hash, "untrusted", "trusted: version 7", &sig_text, &err) == 0);
    CHECK(minisign_sig_parse(sig_text, strlen(sig_text), &sig, &err) == 0);
    CHECK(minisign_verify(&pk, &sig, hash, &err) == 0);
    CHECK(minisign_sign(sk, hash, "two\nlines", "x", &sig_text, &err) != 0);
    free(sig_text);
    minisign_seckey_free(sk);
}

static void passphrase_key_should_need_the_right_passphrase(void)
{
    char *pub = NULL, *sec = NULL;
    minisign_seckey *sk = NULL;
    netral_error err;

    CHECK(minisign_keygen("correct horse", &pub, &sec, &err) == 0);
    if (sec == NULL) return;
    CHECK(minisign_seckey_is_encrypted(sec, strlen(sec)) == 1);
    CHECK(minisign_seckey_parse(sec, strlen(sec), NULL, &sk, &err) != 0);
    CHECK(minisign_seckey_parse(sec, strlen(sec), "wrong horse", &sk, &err) != 0);
    CHECK(strstr(err.msg, "wrong passphrase") != NULL);
    CHECK(minisign_seckey_parse(sec, strlen(sec), "correct horse", &sk, &err) == 0);
    minisign_seckey_free(sk);
    free(pub);
    sodium_free(sec);
}

static void seckey_parse_should_refuse_a_damaged_key(void)
{
    minisign_seckey *sk = NULL;
    netral_error err;
    char *damaged = strdup(MINISIGN_SEC_UNENCRYPTED);
    char *p = strstr(damaged, "NbwT");   /* inside the Ed25519 seed */
    p[1] = p[1] == 'B' ? 'C' : 'B';
    CHECK(minisign_seckey_parse(damaged, strlen(damaged), NULL, &sk, &err) != 0);
    CHECK(sk == NULL);
    free(damaged);
}

int main(void)
{
    netral_error err;
    if (minisign_init(&err) != 0) return 1;
    RUN(signature_made_by_minisign_should_verify);
    RUN(verify_should_fail_when_the_file_differs);
    RUN(verify_should_fail_when_the_trusted_comment_is_altered);
    RUN(verify_should_refuse_a_key_with_another_id_before_verifying);
    RUN(sig_parse_should_refuse_legacy_and_unknown_algorithms);
    RUN(sig_parse_should_refuse_truncated_files_at_every_length);
    RUN(sig_parse_should_refuse_text_after_the_signature);
    RUN(pubkey_parse_should_accept_the_bare_base64_line_and_refuse_bad_lengths);
    RUN(secret_key_made_by_minisign_should_sign_what_its_public_key_verifies);
    RUN(passphrase_key_should_need_the_right_passphrase);
    RUN(seckey_parse_should_refuse_a_damaged_key);
    return CHECK_REPORT();
}
