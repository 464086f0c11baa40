/* Where Netral keeps things, and the trusted public keys. */
#ifndef NETRAL_CONFIG_H
#define NETRAL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "netral_limits.h"
#include "minisign.h"

#define NETRAL_PATH_BYTES 4096

/* The directories when NETRAL_CONFIG_DIR and NETRAL_DATA_DIR are not set. */
#if defined(_WIN32)
#define NETRAL_DEFAULT_CONFIG_DIR "C:\\ProgramData\\Netral\\config"
#define NETRAL_DEFAULT_DATA_DIR "C:\\ProgramData\\Netral\\data"
#define NETRAL_DEFAULT_SPOOL_DIR "C:\\ProgramData\\Netral\\spool"
#elif defined(__APPLE__)
#define NETRAL_DEFAULT_CONFIG_DIR "/Library/Application Support/Netral/config"
#define NETRAL_DEFAULT_DATA_DIR "/Library/Application Support/Netral/data"
#define NETRAL_DEFAULT_SPOOL_DIR "/Library/Application Support/Netral/spool"
#else
#define NETRAL_DEFAULT_CONFIG_DIR "/etc/netral"
#define NETRAL_DEFAULT_DATA_DIR "/var/lib/netral"
#define NETRAL_DEFAULT_SPOOL_DIR "/var/spool/netral"
#endif

/* File names inside the directories. */
#define KEYS_SUBDIR "keys"              /* CONFIG/keys/NAME.pub: trusted list-signing keys */
#define DB_FILE "netral.db"             /* DATA/netral.db: the installed list */
#define LIST_COPY_FILE "list.jsonl"     /* DATA/list.jsonl(.minisig): the last verified list */
#define LAST_IMPORT_FILE "last-import.json"
#define IMPORT_LOCK_FILE "import.lock"
#define UPDATE_STATE_FILE "update-state.json"   /* what the last `netral update` knew (updater.c) */

typedef struct {
    char config_dir[NETRAL_PATH_BYTES];   /* NETRAL_CONFIG_DIR, else the system default */
    char data_dir[NETRAL_PATH_BYTES];     /* NETRAL_DATA_DIR, else the system default */
    char db_path[NETRAL_PATH_BYTES];
    /* Where each user's host leaves lists the browser fetched, one directory per user, for the
     * system's updater (spool.h): NETRAL_SPOOL_DIR; else DATA/spool when NETRAL_DATA_DIR is set
     * (a per-user install); else the system default. */
    char spool_dir[NETRAL_PATH_BYTES];
} netral_paths;

int paths_resolve(netral_paths *out, netral_error *err);

/* What a trusted key may sign. A key file named NAME.index.pub is an online key that may only
 * say which list is current (the repository's index); any other NAME.pub signs lists, deltas and
 * indexes. So a stolen index key cannot add or remove a single account. */
typedef enum { KEY_ROLE_LIST, KEY_ROLE_INDEX } key_role;
#define INDEX_KEY_SUFFIX ".index.pub"

typedef struct {
    minisign_pubkey keys[MAX_TRUSTED_KEYS];
    key_role roles[MAX_TRUSTED_KEYS];
    char names[MAX_TRUSTED_KEYS][64];     /* the file each came from */
    size_t count;
    size_t rejected;                      /* .pub files that did not parse */
    char first_problem[NETRAL_ERROR_MSG_BYTES];
    /* Non-empty when the set cannot be trusted as a whole: two keys with one key id (a signature
     * names its key by id, so which one was meant?), or a keys directory others can write to.
     * Then nothing may be verified with these keys. */
    char refused[NETRAL_ERROR_MSG_BYTES];
    int64_t statement_serial;             /* the last key statement applied (keychain.h), 0: none */
} trusted_keys;

/* Loads CONFIG/keys/ *.pub, then applies the key statements kept in DATA/keys/ (keychain.h). A
 * missing directory means no keys; a bad file is counted and described in first_problem, and does
 * not stop the others from loading; see also refused. */
int trusted_keys_load(const netral_paths *paths, trusted_keys *out, netral_error *err);
/* The trusted key with KEYNUM, or NULL; *role (when not NULL) says what it may sign. */
const minisign_pubkey *trusted_keys_find(const trusted_keys *keys,
                                         const unsigned char keynum[MINISIGN_KEYNUM_BYTES], key_role *role);

#endif
