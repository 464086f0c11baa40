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

/* Reads a passphrase from standard input, without echo on a terminal (asked twice when
 * CONFIRM). Returns sodium_malloc'd memory for sodium_free, or NULL with a message printed. */
char *cli_read_passphrase(const char *prompt, int confirm);

#endif
