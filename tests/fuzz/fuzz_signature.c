/* Fuzz target: the minisign parsers (minisign.c), on the bytes of a .minisig, .pub or secret
 * key file, as the importer and the CLI read them.
 *
 * A signature that parses is verified against a fixed key and the hash of a fixed message (the
 * seeds include real signatures of that message by that key, made by minisign and by
 * `netral sign`), and once more with the key id made to match, so that the Ed25519 checks run
 * on whatever the fuzzer makes of the signature and the trusted comment. A public key that
 * parses verifies a fixed signature. Nothing may crash, and every refusal must give a reason. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "fuzz_util.h"
#include "minisign.h"
#include "minisign_sign.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A key made for the fuzzers only (`netral keygen -W`), and its signature of FIXED_MESSAGE. */
static const char FIXED_PUBKEY[] =
    "untrusted comment: minisign public key 9DF687083ABB1434\n"
    "RWQ0FLs6CIf2nbXkbxvv53QVjDM1B9Nc1IfcQstqH2/hjPENHdIix/hK\n";
static const char FIXED_SIGNATURE[] =
    "untrusted comment: signature from netral secret key\n"
    "RUQ0FLs6CIf2nZIsbrd20lDHcRHwVJ6w6DmqojRcU+2bpVJIjlrkOgtjIXu5LadSqJV+sVWRWu6VK7lsbD5JxKZ+3KGD67xMGws=\n"
    "trusted comment: made by netral sign for the netral fuzzers\n"
    "qHRCVh0QRIekvsE08KEvy+igZu192hhJLaREDMvgNrrJsyAVCl4aSIG/WYD55WYUQeMnRGWTilGl5ECBqQdMBQ==\n";
static const char FIXED_MESSAGE[] = "netral fuzz\n";

static minisign_pubkey fixed_pubkey;
static minisign_sig fixed_sig;
static unsigned char fixed_hash[MINISIGN_HASH_BYTES];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    netral_error err;
    (void)argc;
    (void)argv;
    FUZZ_CHECK(minisign_init(&err) == 0);
    FUZZ_CHECK(crypto_generichash(fixed_hash, sizeof fixed_hash, (const unsigned char *)FIXED_MESSAGE,
                                  strlen(FIXED_MESSAGE), NULL, 0) == 0);
    FUZZ_CHECK(minisign_pubkey_parse(FIXED_PUBKEY, strlen(FIXED_PUBKEY), &fixed_pubkey, &err) == 0);
    FUZZ_CHECK(minisign_sig_parse(FIXED_SIGNATURE, strlen(FIXED_SIGNATURE), &fixed_sig, &err) == 0);
    FUZZ_CHECK(minisign_verify(&fixed_pubkey, &fixed_sig, fixed_hash, &err) == 0);
    return 0;
}

static void fuzz_sig(const char *text, size_t size)
{
    minisign_sig *sig = malloc(sizeof *sig);
    minisign_pubkey same_id = fixed_pubkey;
    netral_error err = {NETRAL_OK, ""};
    char id[MINISIGN_KEY_ID_HEX_BYTES];

    FUZZ_CHECK(sig != NULL);
    if (minisign_sig_parse(text, size, sig, &err) != 0) {
        FUZZ_CHECK(err.code == NETRAL_E_SIGNATURE && err.msg[0] != '\0');
        free(sig);
        return;
    }
    FUZZ_CHECK(sig->trusted_comment_len <= MAX_TRUSTED_COMMENT_BYTES);
    FUZZ_CHECK(strlen(sig->trusted_comment) == sig->trusted_comment_len);
    minisign_key_id_hex(sig->keynum, id);
    FUZZ_CHECK(strlen(id) == 16);

    if (minisign_verify(&fixed_pubkey, sig, fixed_hash, &err) != 0) FUZZ_CHECK(err.msg[0] != '\0');
    memcpy(same_id.keynum, sig->keynum, MINISIGN_KEYNUM_BYTES);
    if (minisign_verify(&same_id, sig, fixed_hash, &err) != 0) FUZZ_CHECK(err.msg[0] != '\0');
    free(sig);
}

static void fuzz_pubkey(const char *text, size_t size)
{
    minisign_pubkey *pub = malloc(sizeof *pub);
    netral_error err = {NETRAL_OK, ""};

    FUZZ_CHECK(pub != NULL);
    if (minisign_pubkey_parse(text, size, pub, &err) != 0) {
        FUZZ_CHECK(err.code == NETRAL_E_KEY && err.msg[0] != '\0');
    } else {
        memcpy(pub->keynum, fixed_sig.keynum, MINISIGN_KEYNUM_BYTES);
        if (minisign_verify(pub, &fixed_sig, fixed_hash, &err) != 0) FUZZ_CHECK(err.msg[0] != '\0');
    }
    free(pub);
}

/* Without a passphrase: scrypt with costs read from the file is the CLI's business and would
 * only make the fuzzer slow. */
static void fuzz_seckey(const char *text, size_t size)
{
    minisign_seckey *key = NULL;
    netral_error err = {NETRAL_OK, ""};
    int encrypted = minisign_seckey_is_encrypted(text, size);

    FUZZ_CHECK(encrypted == -1 || encrypted == 0 || encrypted == 1);
    if (minisign_seckey_parse(text, size, NULL, &key, &err) == 0) {
        minisign_pubkey pub;
        FUZZ_CHECK(encrypted == 0 && key != NULL);
        minisign_seckey_pubkey(key, &pub);
        minisign_seckey_free(key);
    } else {
        FUZZ_CHECK(err.msg[0] != '\0');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    fuzz_sig(text, size);
    fuzz_pubkey(text, size);
    fuzz_seckey(text, size);
    return 0;
}
