/* keygen, sign, verify: the list authority's commands, with minisign's flags. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "fileio.h"
#include "netral_limits.h"
#include "minisign.h"
#include "minisign_sign.h"
#include "os.h"

static const struct option HELP_ONLY[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

static int usage(const char *text, int status)
{
    fputs(text, status == EXIT_OK ? stdout : stderr);
    return status;
}

/* Writes a new file; refuses to replace one unless FORCE. */
static int write_new_file(const char *path, const char *text, int owner_only, int force)
{
    int fd = os_create_file(path, force, owner_only);
    if (fd < 0) {
        if (errno == EEXIST) fprintf(stderr, "netral: %s already exists (use -f to replace it)\n", path);
        else fprintf(stderr, "netral: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (fd_write_all(fd, text, strlen(text)) != 0 || os_sync_fd(fd) != 0 || close(fd) != 0) {
        fprintf(stderr, "netral: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static const char KEYGEN_USAGE[] =
    "usage: netral keygen [-p PUBKEY] [-s SECKEY] [-W] [-f]\n"
    "Makes an Ed25519 key pair in minisign's format. The secret key is protected by a passphrase\n"
    "read from standard input, unless -W asks explicitly for a key without one.\n"
    "  -p PUBKEY  public key file (default netral.pub): give it to IT for CONFIG/keys/\n"
    "  -s SECKEY  secret key file (default netral.key), created with mode 0600\n"
    "  -W         no passphrase\n"
    "  -f         replace existing files\n";

int cli_keygen(int argc, char **argv)
{
    const char *pub_path = "netral.pub", *sec_path = "netral.key";
    int no_passphrase = 0, force = 0, opt, status = EXIT_FAILED;
    char *passphrase = NULL, *pub = NULL, *sec = NULL;
    netral_error err;
    minisign_pubkey pk;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "p:s:Wfh", HELP_ONLY, NULL)) != -1) {
        switch (opt) {
        case 'p': pub_path = optarg; break;
        case 's': sec_path = optarg; break;
        case 'W': no_passphrase = 1; break;
        case 'f': force = 1; break;
        case 'h': return usage(KEYGEN_USAGE, EXIT_OK);
        default: return usage(KEYGEN_USAGE, EXIT_USAGE);
        }
    }
    if (optind != argc) return usage(KEYGEN_USAGE, EXIT_USAGE);
    if (!no_passphrase && (passphrase = cli_read_passphrase("Passphrase for the new secret key: ", 1)) == NULL)
        goto done;
    if (!no_passphrase) fprintf(stderr, "Deriving a key from the passphrase, this takes a few seconds...\n");
    if (minisign_keygen(passphrase, &pub, &sec, &err) != 0) {
        fprintf(stderr, "netral: %s\n", err.msg);
        goto done;
    }
    if (write_new_file(sec_path, sec, 1, force) != 0 || write_new_file(pub_path, pub, 0, force) != 0) goto done;
    if (minisign_pubkey_parse(pub, strlen(pub), &pk, &err) == 0) {
        char id[MINISIGN_KEY_ID_HEX_BYTES];
        minisign_key_id_hex(pk.keynum, id);
        printf("Secret key written to %s\nPublic key written to %s (key id %s)\n", sec_path, pub_path, id);
    }
    status = EXIT_OK;
done:
    if (passphrase) sodium_free(passphrase);
    if (sec) sodium_free(sec);
    free(pub);
    return status;
}

static const char SIGN_USAGE[] =
    "usage: netral sign -s SECKEY [-W] -m FILE [-x SIG] [-t TRUSTED_COMMENT] [-c UNTRUSTED_COMMENT]\n"
    "Signs FILE (BLAKE2b-512 prehashed, as minisign does) into FILE.minisig or SIG.\n"
    "The passphrase is read from standard input; -W is required for a key without one.\n"
    "The trusted comment is signed too; by default it is \"timestamp:T\\tfile:NAME\\thashed\".\n";

static int default_sig_path(const char *file, const char *given, char *out, size_t size)
{
    int n = given ? snprintf(out, size, "%s", given) : snprintf(out, size, "%s.minisig", file);
    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "netral: path too long\n");
        return -1;
    }
    return 0;
}

int cli_load_secret_key(const char *sec_path, int no_passphrase, minisign_seckey **key)
{
    char *sec_text = NULL, *passphrase = NULL;
    size_t sec_len = 0;
    int encrypted, rc = -1;
    netral_error err;

    if (file_read_bounded(sec_path, MAX_KEY_FILE_BYTES, &sec_text, &sec_len, &err) != 0) {
        fprintf(stderr, "netral: %s\n", err.msg);
        goto done;
    }
    encrypted = minisign_seckey_is_encrypted(sec_text, sec_len);
    if (encrypted < 0) {
        fprintf(stderr, "netral: %s is not a minisign secret key\n", sec_path);
        goto done;
    }
    if (encrypted && no_passphrase) {
        fprintf(stderr, "netral: %s is protected by a passphrase; leave out -W\n", sec_path);
        goto done;
    }
    if (!encrypted && !no_passphrase) {
        fprintf(stderr, "netral: %s has no passphrase; pass -W to use it anyway\n", sec_path);
        goto done;
    }
    if (encrypted && (passphrase = cli_read_passphrase("Passphrase: ", 0)) == NULL) goto done;
    if (minisign_seckey_parse(sec_text, sec_len, passphrase, key, &err) != 0) {
        fprintf(stderr, "netral: %s: %s\n", sec_path, err.msg);
        goto done;
    }
    rc = 0;
done:
    if (passphrase) sodium_free(passphrase);
    if (sec_text) {
        sodium_memzero(sec_text, sec_len);
        free(sec_text);
    }
    return rc;
}

int cli_sign(int argc, char **argv)
{
    const char *sec_path = NULL, *file = NULL, *sig_given = NULL, *tc = NULL, *uc = "signature from netral secret key";
    char sig_path[4096], default_tc[MAX_TRUSTED_COMMENT_BYTES + 1];
    int no_passphrase = 0, opt, status = EXIT_FAILED;
    char *sig_text = NULL;
    minisign_seckey *key = NULL;
    unsigned char hash[MINISIGN_HASH_BYTES];
    netral_error err;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "s:Wm:x:t:c:h", HELP_ONLY, NULL)) != -1) {
        switch (opt) {
        case 's': sec_path = optarg; break;
        case 'W': no_passphrase = 1; break;
        case 'm': file = optarg; break;
        case 'x': sig_given = optarg; break;
        case 't': tc = optarg; break;
        case 'c': uc = optarg; break;
        case 'h': return usage(SIGN_USAGE, EXIT_OK);
        default: return usage(SIGN_USAGE, EXIT_USAGE);
        }
    }
    if (sec_path == NULL || file == NULL || optind != argc) return usage(SIGN_USAGE, EXIT_USAGE);
    if (default_sig_path(file, sig_given, sig_path, sizeof sig_path) != 0) return EXIT_FAILED;

    if (cli_load_secret_key(sec_path, no_passphrase, &key) != 0) goto done;
    if (minisign_hash_file(file, (size_t)-1, hash, &err) != 0) {
        fprintf(stderr, "netral: %s\n", err.msg);
        goto done;
    }
    if (tc == NULL) {
        const char *base = strrchr(file, '/');
        snprintf(default_tc, sizeof default_tc, "timestamp:%lld\tfile:%s\thashed", (long long)time(NULL),
                 base ? base + 1 : file);
        tc = default_tc;
    }
    if (minisign_sign(key, hash, uc, tc, &sig_text, &err) != 0) {
        fprintf(stderr, "netral: %s\n", err.msg);
        goto done;
    }
    if (file_write_atomic(sig_path, sig_text, strlen(sig_text), &err) != 0) {
        fprintf(stderr, "netral: %s\n", err.msg);
        goto done;
    }
    printf("Signature written to %s\n", sig_path);
    status = EXIT_OK;
done:
    minisign_seckey_free(key);
    free(sig_text);
    return status;
}

static const char VERIFY_USAGE[] =
    "usage: netral verify (-p PUBKEY | -P BASE64_PUBKEY) -m FILE [-x SIG] [-q | -Q]\n"
    "Verifies FILE against FILE.minisig (or SIG), as `minisign -V` does; legacy signatures are\n"
    "refused. -q prints nothing, -Q only the trusted comment.\n";

int cli_verify(int argc, char **argv)
{
    const char *pub_path = NULL, *pub_b64 = NULL, *file = NULL, *sig_given = NULL;
    char sig_path[4096], *pub_text = NULL, *sig_text = NULL;
    size_t pub_len = 0, sig_len = 0;
    int quiet = 0, only_comment = 0, opt, status = EXIT_FAILED;
    minisign_pubkey pk;
    minisign_sig *sig = malloc(sizeof *sig);
    unsigned char hash[MINISIGN_HASH_BYTES];
    netral_error err;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "p:P:m:x:qQh", HELP_ONLY, NULL)) != -1) {
        switch (opt) {
        case 'p': pub_path = optarg; break;
        case 'P': pub_b64 = optarg; break;
        case 'm': file = optarg; break;
        case 'x': sig_given = optarg; break;
        case 'q': quiet = 1; break;
        case 'Q': only_comment = 1; break;
        case 'h': free(sig); return usage(VERIFY_USAGE, EXIT_OK);
        default: free(sig); return usage(VERIFY_USAGE, EXIT_USAGE);
        }
    }
    if (file == NULL || (pub_path == NULL) == (pub_b64 == NULL) || optind != argc) {
        free(sig);
        return usage(VERIFY_USAGE, EXIT_USAGE);
    }
    if (sig == NULL || default_sig_path(file, sig_given, sig_path, sizeof sig_path) != 0) goto done;
    if (pub_b64 != NULL) {
        if (minisign_pubkey_parse(pub_b64, strlen(pub_b64), &pk, &err) != 0) goto fail;
    } else if (file_read_bounded(pub_path, MAX_KEY_FILE_BYTES, &pub_text, &pub_len, &err) != 0 ||
               minisign_pubkey_parse(pub_text, pub_len, &pk, &err) != 0) {
        goto fail;
    }
    if (file_read_bounded(sig_path, MAX_SIG_FILE_BYTES, &sig_text, &sig_len, &err) != 0 ||
        minisign_sig_parse(sig_text, sig_len, sig, &err) != 0 ||
        minisign_hash_file(file, (size_t)-1, hash, &err) != 0 || minisign_verify(&pk, sig, hash, &err) != 0)
        goto fail;
    if (only_comment) printf("%s\n", sig->trusted_comment);
    else if (!quiet) printf("Signature and comment signature verified\nTrusted comment: %s\n", sig->trusted_comment);
    status = EXIT_OK;
    goto done;
fail:
    fprintf(stderr, "netral: %s\n", err.msg);
done:
    free(pub_text);
    free(sig_text);
    free(sig);
    return status;
}
