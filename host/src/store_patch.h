/* Changing a list database by a delta: the installed database is copied beside itself, the copy
 * is changed and renamed into place by the caller, so readers see the old list or the new one,
 * whole, as with an import. The content digest and the account count follow every change. */
#ifndef NETRAL_STORE_PATCH_H
#define NETRAL_STORE_PATCH_H

#include "account.h"
#include "error.h"
#include "listfile.h"
#include "store.h"

typedef struct store_patch store_patch;

/* Copies the database DB_PATH to NEW_PATH (which must not exist) and opens the copy. */
int store_patch_begin(const char *db_path, const char *new_path, store_patch **out, netral_error *err);
/* The copy's metadata as it was when copied, with the digest and counts as they are now. */
const store_meta *store_patch_meta(const store_patch *p);
/* Removes ACCOUNT, which must be listed. */
int store_patch_remove(store_patch *p, const account_ref *account, netral_error *err);
/* Lists ACCOUNT for ENTITY; it must not be listed yet. */
int store_patch_add(store_patch *p, const account_ref *account, const list_entity *entity, netral_error *err);
/* Writes META's version, dates, issuer, elections, key id and entries (the digest and account
 * count are the patch's own, and are copied back into META), commits, syncs and closes. */
int store_patch_finish(store_patch *p, store_meta *meta, netral_error *err);
/* Closes and deletes an unfinished copy. Safe on NULL. */
void store_patch_abort(store_patch *p);

#endif
