/* What `netral update` keeps in DATA/update-state.json between runs (updater.c writes it). The
 * updater reads it back, and so does the host, to offer only what the updater can use. */
#ifndef NETRAL_UPDATE_STATE_H
#define NETRAL_UPDATE_STATE_H

#include <stdint.h>

#include "config.h"
#include "isotime.h"

typedef struct {
    int64_t index_serial;       /* the newest index verified, 0: none */
    int64_t delta_refused_to;   /* a list version whose delta did not apply here, 0: none */
    char last_success[ISOTIME_BYTES], index_expires[ISOTIME_BYTES];
    char how[8];                /* how that index came: "file", "web", or "" */
} update_memory;

/* Whether a verified INDEX that came by HOW is only behind what another way brought: older than
 * the newest index verified, which came otherwise, and naming no list newer than the installed
 * version. Not installed, and not an error either: a folder copied hourly lags the web. (A stale
 * copy as the only way in is still refused as a rollback; and the newest index's expiry tells
 * when every way has stopped.) */
int update_memory_behind(const update_memory *memory, const char *how, int64_t serial, int64_t list_version,
                         int64_t installed);

/* Reads it; a missing or damaged file reads as nothing known. */
void update_memory_read(const netral_paths *paths, update_memory *out);

#endif
