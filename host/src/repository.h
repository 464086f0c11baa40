/* The published repository (docs/updates.md): index.json names the current list, its content
 * and every file a laptop may fetch, with sizes and digests; it is short-lived and re-signed on a
 * schedule. Parsing, checking files against it, and writing it (for `netral publish`). */
#ifndef NETRAL_REPOSITORY_H
#define NETRAL_REPOSITORY_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "listfile.h"
#include "minisign.h"

#define INDEX_FILE "index.json"
#define INDEX_FORMAT_NAME "netral-index"
#define INDEX_FORMAT_VERSION 1
#define MAX_INDEX_BYTES (1024u * 1024u)
#define MAX_INDEX_DELTAS 64u
#define REPO_NAME_BYTES 128u
#define REPO_HASH_HEX_BYTES (2 * MINISIGN_HASH_BYTES + 1)

/* A file the index names: a plain name in the repository's directory, its size and BLAKE2b-512,
 * and its signature's name. FROM is the base version of a delta (0 for the list). */
typedef struct {
    char file[REPO_NAME_BYTES], signature[REPO_NAME_BYTES];
    uint64_t size;
    char blake2b[REPO_HASH_HEX_BYTES];
    int64_t from;
} repo_file;

typedef struct {
    int64_t serial, issued, expires;
    int64_t list_version, entries, accounts;
    char content_digest[LIST_DIGEST_HEX_BYTES];
    repo_file list;
    repo_file deltas[MAX_INDEX_DELTAS];
    size_t delta_count;
    int has_keys;                 /* a key statement (keychain.h) comes with the list */
    repo_file keys;
    int has_sites;                /* the site rules (site_rules.h) are published too */
    int64_t sites_version;
    repo_file sites;
} repo_index;

#define KEY_STATEMENT_FILE "keys.json"

int repo_index_parse(const char *text, size_t len, repo_index *out, netral_error *err);

#define REPO_INDEX_MAX_FILES (3 + MAX_INDEX_DELTAS)
/* The files INDEX names (each with its signature): the list, the key statement and the site rules
 * when there are, the deltas. Their count, into OUT. */
size_t repo_index_files(const repo_index *index, const repo_file *out[REPO_INDEX_MAX_FILES]);

/* Verifies TEXT against the signature SIG_TEXT with a trusted key of any role; KEY_ID gets the
 * signer's id. */
int repo_index_verify(const trusted_keys *keys, const char *text, size_t len, const char *sig_text, size_t sig_len,
                      char key_id[MINISIGN_KEY_ID_HEX_BYTES], netral_error *err);

/* Verifies TEXT with the trusted keys of PATHS (CONFIG/keys and the kept key statements), then
 * parses it: the one way an index is accepted, whether it came from a folder or the browser. */
int repo_index_accept(const netral_paths *paths, const char *text, size_t len, const char *sig_text, size_t sig_len,
                      repo_index *out, netral_error *err);

/* Whether a verified INDEX may be used now: not older than the newest index verified before
 * (LAST_SERIAL: rollback), not expired (freeze), and not naming a list older than the installed
 * version INSTALLED. The same refusals and messages for every way in. */
int repo_index_judge(const repo_index *index, int64_t last_serial, int64_t installed, int64_t now, netral_error *err);

/* Checks that DIR/F->file is F->size bytes with F->blake2b, reading at most one byte more. */
int repo_file_check(const char *dir, const repo_file *f, netral_error *err);

/* Fills F for the file DIR/NAME (size and digest), with SIGNATURE's name. */
int repo_file_describe(const char *dir, const char *name, const char *signature, int64_t from, repo_file *f,
                       netral_error *err);

/* The index as JSON text (heap; the caller frees it with cJSON_free). */
char *repo_index_print(const repo_index *index);

#endif
