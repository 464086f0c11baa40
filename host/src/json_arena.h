/* cJSON's memory in the host: one request's parse tree, reply tree and reply text come from a
 * fixed block that is reset after the reply is sent, so answering makes (almost) no malloc or
 * free calls. Through cJSON's own hooks (cJSON_InitHooks); what does not fit goes to malloc. */
#ifndef NETRAL_JSON_ARENA_H
#define NETRAL_JSON_ARENA_H

/* Makes cJSON allocate from the arena. Call once, before any cJSON call. */
void json_arena_install(void);

/* Forgets everything allocated since the last reset: nothing from before may be used after. */
void json_arena_reset(void);

#endif
