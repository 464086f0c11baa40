/* The admin CLI's subcommands; each takes (argc, argv) from its own name on and returns the
 * process exit status. */
#ifndef NETRAL_CLI_H
#define NETRAL_CLI_H

#include <stddef.h>

/* Exit statuses, documented in `netral --help`. */
#define EXIT_OK 0
#define EXIT_FAILED 1       /* the command could not do what was asked; the message says why */
#define EXIT_USAGE 2
#define EXIT_LISTED 3       /* check: the account is on the list */
#define EXIT_UNKNOWN 4      /* check: no valid list is installed */

int cli_keygen(int argc, char **argv);
int cli_sign(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_install(int argc, char **argv);
int cli_uninstall(int argc, char **argv);
int cli_doctor(int argc, char **argv);
int cli_list_tools(int argc, char **argv);
int cli_update(int argc, char **argv);    /* netral update --from DIR */
int cli_publish(int argc, char **argv);   /* netral publish: deltas and the index */   /* netral list build | diff: the list authority's tools */

struct minisign_seckey;
/* Loads the secret key at SEC_PATH, asking for its passphrase unless NO_PASSPHRASE (-W: the key
 * must then have none). 0, or -1 with the reason printed. Free *KEY with minisign_seckey_free. */
int cli_load_secret_key(const char *sec_path, int no_passphrase, struct minisign_seckey **key);

/* Reads a passphrase from standard input, without echo on a terminal (asked twice when
 * CONFIRM). Returns sodium_malloc'd memory for sodium_free, or NULL with a message printed. */
char *cli_read_passphrase(const char *prompt, int confirm);

#endif
