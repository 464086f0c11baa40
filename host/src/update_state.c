#include "update_state.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "fileio.h"
#include "json.h"

static int64_t whole_number(const cJSON *o, const char *name)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(n) && n->valuedouble >= 0 && n->valuedouble < 9007199254740992.0 ? (int64_t)n->valuedouble : 0;
}

static void copy_text(const cJSON *o, const char *name, char *out, size_t size)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, name);
    if (cJSON_IsString(t) && strlen(t->valuestring) < size) strcpy(out, t->valuestring);
}

void update_memory_read(const netral_paths *paths, update_memory *out)
{
    char path[NETRAL_PATH_BYTES];
    netral_error ignored;
    cJSON *o = NULL;
    memset(out, 0, sizeof *out);
    if (path_join(path, sizeof path, paths->data_dir, UPDATE_STATE_FILE, &ignored) != 0) return;
    o = json_read_file(path, 64 * 1024);
    out->index_serial = whole_number(o, "index_serial");
    out->delta_refused_to = whole_number(o, "delta_refused_to");
    copy_text(o, "last_success", out->last_success, sizeof out->last_success);
    copy_text(o, "index_expires", out->index_expires, sizeof out->index_expires);
    copy_text(o, "how", out->how, sizeof out->how);
    cJSON_Delete(o);
}

int update_memory_behind(const update_memory *memory, const char *how, int64_t serial, int64_t list_version,
                         int64_t installed)
{
    return memory->how[0] != '\0' && strcmp(memory->how, how) != 0 && serial < memory->index_serial &&
           list_version <= installed;
}
