/* The installed list as a SQLite database. Readers open it read-only; an import builds a new
 * file beside it and renames it into place, so readers see the old list or the new one, whole. */
#ifndef NETRAL_STORE_H
#define NETRAL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "error.h"
#include "listfile.h"
#include "minisign.h"

#define CONTENT_DIGEST_TEXT_BYTES 129   /* CONTENT_DIGEST_HEX_BYTES, for readers that do not compute it */

typedef struct {
    int64_t version, issued, expires, imported_at;
    int64_t entries, accounts;
    char issuer[LIST_FIELD_BYTES];
    char key_id[MINISIGN_KEY_ID_HEX_BYTES];
    char elections_json[LIST_ELECTIONS_JSON_BYTES];
    char content_digest[CONTENT_DIGEST_TEXT_BYTES];   /* content_digest.h; "" in older databases */
} store_meta;

typedef struct store store;

/* Call once, first: the process uses SQLite from a single thread. */
void store_init(void);

/* Opens the database at PATH read-only. NETRAL_E_NO_LIST when there is none. */
int store_open(const char *path, store **out, netral_error *err);
void store_close(store *s);
int store_get_meta(store *s, store_meta *out, netral_error *err);
/* Looks REF up: *found is 1 with ENTITY filled when listed, else 0; -1 with ERR when REF's part
 * of the database is damaged (never "not listed"). */
int store_lookup(store *s, const account_ref *ref, int *found, list_entity *entity, netral_error *err);
/* Reads every account bucket: 0 when all are there and whole, else -1 with ERR naming one. */
int store_verify(store *s, netral_error *err);

/* A reader for a long-running process: reopens the database when an import has replaced it. */
typedef struct store_reader store_reader;
store_reader *store_reader_new(const char *path);
void store_reader_free(store_reader *r);
/* The current database and its metadata (both valid until the next call), or NULL with the
 * reason in *problem. */
store *store_reader_get(store_reader *r, const store_meta **meta, const netral_error **problem);

#endif
