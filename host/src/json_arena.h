/* cJSON's memory in the host: one request's parse tree, reply tree and reply text come from a
 * fixed block that is reset after the reply is sent, so answering makes (almost) no malloc or
 * free calls. Through cJSON's own hooks (cJSON_InitHooks); what does not fit goes to malloc. */
#ifndef NETRAL_JSON_ARENA_H
#define NETRAL_JSON_ARENA_H

#include <cjson/cJSON.h>

/* Makes cJSON allocate from the arena. Call once, before any cJSON call. */
void json_arena_install(void);

/* Forgets everything allocated since the last reset: nothing from before may be used after. */
void json_arena_reset(void);

/* cJSON_Delete(TREE), or nothing where the next reset frees TREE whole (the arena is installed
 * and nothing since the last reset came from malloc): walking a tree only to free nothing costs
 * a check a tenth of its time. */
void json_arena_delete(cJSON *tree);

#endif
