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
} update_memory;

/* Reads it; a missing or damaged file reads as nothing known. */
void update_memory_read(const netral_paths *paths, update_memory *out);

#endif
