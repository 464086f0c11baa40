/* The Windows registry, as far as deployment needs it: string values under a key, in the
 * 64-bit view (the one 64-bit browsers read first). Built only for Windows. */
#ifndef NETRAL_REGISTRY_H
#define NETRAL_REGISTRY_H

#include <stddef.h>

#include "error.h"

typedef enum { REGISTRY_MACHINE, REGISTRY_USER } registry_hive;   /* HKLM, HKCU */

const char *registry_hive_name(registry_hive hive);

/* Reads string value NAME (NULL: the key's default value) of KEY into OUT.
 * Returns 0 when read, 1 when the key or value does not exist, -1 on error. */
int registry_get_string(registry_hive hive, const char *key, const char *name, char *out, size_t size,
                        netral_error *err);
/* Creates KEY as needed and sets string value NAME (NULL: default) to VALUE. */
int registry_set_string(registry_hive hive, const char *key, const char *name, const char *value,
                        netral_error *err);
/* Deletes KEY (which must have no subkeys); *removed is 0 when it did not exist. */
int registry_delete_key(registry_hive hive, const char *key, int *removed, netral_error *err);
/* Calls EACH for every string value of KEY, in registry order. Returns 1 when there is no
 * such key, 0 when walked, -1 on error. */
typedef void (*registry_value_fn)(const char *name, const char *value, void *ctx);
int registry_each_string(registry_hive hive, const char *key, registry_value_fn each, void *ctx, netral_error *err);

#endif
