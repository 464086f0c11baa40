/* Building a new list database beside the installed one; the import renames it into place. */
#ifndef NETRAL_STORE_BUILD_H
#define NETRAL_STORE_BUILD_H

#include <stdint.h>

#include "store.h"

/* Building a new database at a temporary path. */
typedef struct store_builder store_builder;
int store_builder_create(const char *path, store_builder **out, netral_error *err);
/* Adds ENTRY, read from line LINE of the list (named when one of its accounts is refused). */
int store_builder_add(store_builder *b, const list_entry *entry, uint64_t line, netral_error *err);
/* Writes the accounts and META (entries and accounts are counted here), commits, syncs and
 * closes the file. A (platform, account) listed twice is an error that names its second line. */
int store_builder_finish(store_builder *b, store_meta *meta, netral_error *err);
/* Closes and deletes the unfinished file. Safe on NULL. */
void store_builder_abort(store_builder *b);

#endif
