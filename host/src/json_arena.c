#include "json_arena.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

/* A check of one account takes a few KiB; a full batch of 200 fits too. */
#define ARENA_BYTES (512u * 1024u)

static alignas(max_align_t) unsigned char arena[ARENA_BYTES];
static size_t used;
static int installed, spilled;   /* spilled: something went to malloc since the last reset */

static int in_arena(const void *p)
{
    const unsigned char *c = p;
    return c >= arena && c < arena + ARENA_BYTES;
}

static void *arena_malloc(size_t size)
{
    size_t align = alignof(max_align_t);
    size_t start = (used + align - 1) & ~(align - 1);
    if (size <= ARENA_BYTES && start <= ARENA_BYTES - size) {
        used = start + size;
        return arena + start;
    }
    spilled = 1;
    return malloc(size);
}

static void arena_free(void *p)
{
    if (p != NULL && !in_arena(p)) free(p);   /* arena memory goes at the next reset */
}

void json_arena_install(void)
{
    cJSON_Hooks hooks = {arena_malloc, arena_free};
    cJSON_InitHooks(&hooks);
    installed = 1;
}

void json_arena_reset(void)
{
    used = 0;
    spilled = 0;
}

void json_arena_delete(cJSON *tree)
{
    if (!installed || spilled) cJSON_Delete(tree);
}
