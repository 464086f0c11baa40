/* How well the site rules still match each site, as the extension counted it on this laptop
 * (extension/src/background/recognition.js): per platform, the rules version, since when, and
 * how many clicks on controls labelled like actions no rule knew, actions without a readable
 * account, rules that could not be used, feed pages that showed no post. Counts only: no URL, account or label. The host keeps
 * the last counts a user's browser sent in that user's spool directory, where IT reads them with
 * `netral doctor` (all users) and the user with `netral status`.
 *
 *   SPOOL/USER/.recognition.json   {"x": {"rules": 1, "since": "…", "unrecognised": 4, …}, …} */
#ifndef NETRAL_RECOGNITION_H
#define NETRAL_RECOGNITION_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "error.h"

#define RECOGNITION_FILE ".recognition.json"
#define MAX_RECOGNITION_BYTES (8u * 1024u)
#define RECOGNITION_MAX_COUNT 1000000
/* From how many of one kind the rules may be out of date for that site (as the popup says). */
#define RECOGNITION_OUT_OF_DATE_AT 3

/* The counts the extension sent (SITES: an object by platform), checked and rewritten in the
 * form above; NULL with ERR for anything else (an unknown platform or field, a count out of
 * range). The caller frees the result with cJSON_Delete. */
cJSON *recognition_parse(const cJSON *sites, netral_error *err);

/* Keeps COUNTS (from recognition_parse) as this user's, replacing the last ones. */
int recognition_store(const netral_paths *paths, const cJSON *counts, netral_error *err);

/* This user's kept counts, or NULL. */
cJSON *recognition_read_own(const netral_paths *paths);

/* Calls VISIT with each user's kept counts in the spool (USER is the spool directory's name). */
void recognition_each_user(const netral_paths *paths, void (*visit)(const char *user, const cJSON *counts, void *ctx),
                           void *ctx);

/* A count of one platform's counts (one member of COUNTS), or its "rules" version. */
double recognition_number(const cJSON *site, const char *name);

/* Whether a platform's counts (one member of COUNTS) say the rules may be out of date. */
int recognition_out_of_date(const cJSON *site);

#endif
