/* Audit mode's counts, as the extension kept them on this laptop (extension/src/background/
 * audit.js): per day (the computer's calendar date), platform and action, how many actions on
 * a listed account Netral would have warned about. Numbers only: no account, URL or time of
 * day. The host keeps the last counts a user's browser sent in that user's spool directory
 * (the one directory the host may write as that user), where `netral status` shows them.
 *
 *   SPOOL/USER/.audit.json   {"2026-12-03": {"x": {"like": 2, "follow": 1}}, …} */
#ifndef NETRAL_AUDIT_H
#define NETRAL_AUDIT_H

#include <cjson/cJSON.h>

#include "config.h"
#include "error.h"

#define AUDIT_FILE ".audit.json"
#define AUDIT_MAX_DAYS 31
#define AUDIT_MAX_COUNT 1000000
#define MAX_AUDIT_BYTES (64u * 1024u)

/* The counts the extension sent (DAYS: an object by day), checked and rewritten in the form
 * above; NULL with ERR for anything else (a day that is not a date, more than AUDIT_MAX_DAYS
 * days, an unknown platform or action, a count out of range). The caller frees the result
 * with cJSON_Delete. */
cJSON *audit_parse(const cJSON *days, netral_error *err);

/* Keeps COUNTS (from audit_parse) as this user's, replacing the last ones (written whole). */
int audit_store(const netral_paths *paths, const cJSON *counts, netral_error *err);

/* This user's kept counts, checked again, or NULL. The caller frees them with cJSON_Delete. */
cJSON *audit_read_own(const netral_paths *paths);

/* The count of one action (a member of a platform's counts from audit_parse). */
double audit_count(const cJSON *count);

/* The request {"type": "audit_counts", "days": {…}}: REPLY gets "stored": true, or an "error"
 * ({code, message}: bad_request for counts audit_parse refuses). */
void audit_handle_request(const netral_paths *paths, const cJSON *request, cJSON *reply);

#endif
