/* netral: the admin CLI for the list authority (keygen, sign, verify) and IT (import, status,
 * check). Messages go to stderr, results to stdout; only main() exits. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "config.h"
#include "minisign.h"
#include "store.h"
#include "os.h"

#define MAX_PASSPHRASE_BYTES 1024

static const char USAGE[] =
    "netral " NETRAL_VERSION ": signed lists of election-campaign accounts, for Netral.\n"
    "\n"
    "List authority (minisign-compatible keys and signatures):\n"
    "  netral keygen [-p PUBKEY] [-s SECKEY] [-W] [-f]   make a signing key pair\n"
    "  netral sign -s SECKEY [-W] -m FILE [-x SIG] [-t COMMENT] [-c COMMENT]\n"
    "  netral verify (-p PUBKEY | -P BASE64) -m FILE [-x SIG] [-q | -Q]\n"
    "  netral list build FILE.csv --version N --issuer TEXT --expires TIME   spreadsheet to list\n"
    "  netral list diff OLD.jsonl NEW.jsonl [--json]     what changed from one list to the next\n"
    "  netral publish DIR LIST.jsonl -s KEY [-i INDEX_KEY]   deltas and a signed index, to serve\n"
    "  netral publish --refresh DIR -i INDEX_KEY           re-sign the index (daily)\n"
    "IT department:\n"
    "  netral import FILE [-x SIG] [--json]               verify and install a list\n"
    "  netral update --from DIR [--json]                  install the current list from a repository\n"
    "  netral update --spool [--json]                     the same from what the browsers fetched\n"
    "  netral status [--json]                             what is installed, where, last import\n"
    "  netral check PLATFORM ACCOUNT [--json]             is this account listed?\n"
    "  netral check URL [--json]\n"
    "  netral install (--system | --user) [--browser B]    write the browsers' host manifests\n"
    "  netral uninstall (--system | --user) [--browser B]  remove them\n"
    "  netral doctor [--json]                             is everything in place for warnings?\n"
    "\n"
    "`netral COMMAND --help` explains each. Directories: NETRAL_CONFIG_DIR (trusted keys in keys/*.pub)\n"
    "and NETRAL_DATA_DIR (the database), by default " NETRAL_DEFAULT_CONFIG_DIR " and " NETRAL_DEFAULT_DATA_DIR ".\n"
    "Exit status: 0 done (check: not listed), 1 failed or refused, 2 usage, 3 check: listed,\n"
    "4 check: no valid list installed.\n";

char *cli_read_passphrase(const char *prompt, int confirm)
{
    char *first = sodium_malloc(MAX_PASSPHRASE_BYTES), *second = sodium_malloc(MAX_PASSPHRASE_BYTES);
    int tty = os_is_terminal(stdin);
    int ok = 0;

    if (first == NULL || second == NULL) {
        fprintf(stderr, "netral: out of secure memory\n");
        goto done;
    }
    for (int round = 0; round < (confirm && tty ? 2 : 1); round++) {
        if (tty) fprintf(stderr, "%s", round == 0 ? prompt : "Passphrase (again): ");
        int got = os_read_secret_line(stdin, round == 0 ? first : second, MAX_PASSPHRASE_BYTES);
        if (tty) fputc('\n', stderr);
        if (got != 0) {
            fprintf(stderr, "netral: no passphrase given\n");
            goto done;
        }
    }
    if (confirm && tty && strcmp(first, second) != 0) {
        fprintf(stderr, "netral: the passphrases differ\n");
        goto done;
    }
    if (first[0] == '\0') {
        fprintf(stderr, "netral: empty passphrase (use -W for a key without one)\n");
        goto done;
    }
    ok = 1;
done:
    if (second != NULL) sodium_free(second);
    if (!ok && first != NULL) {
        sodium_free(first);
        first = NULL;
    }
    return first;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } commands[] = {
        {"keygen", cli_keygen}, {"sign", cli_sign},     {"verify", cli_verify},
        {"import", cli_import}, {"status", cli_status}, {"check", cli_check},
        {"install", cli_install}, {"uninstall", cli_uninstall}, {"doctor", cli_doctor},
        {"list", cli_list_tools}, {"publish", cli_publish}, {"update", cli_update},
    };
    netral_error err;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(USAGE, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("netral %s\n", NETRAL_VERSION);
        return EXIT_OK;
    }
    if (minisign_init(&err) != 0) {
        fprintf(stderr, "netral: %s\n", err.msg);
        return EXIT_FAILED;
    }
    store_init();
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "netral: unknown command '%s'\n\n%s", argv[1], USAGE);
    return EXIT_USAGE;
}
