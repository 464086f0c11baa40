#include "audit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "fileio.h"
#include "isotime.h"
#include "json.h"
#include "os.h"
#include "spool.h"

static const char *const ACTIONS[] = {"like", "react", "repost", "share", "quote", "reply",
                                      "comment", "follow", "subscribe", "join", NULL};

/* The action's name as the host spells it (static: json_add_integer keeps the pointer), or NULL. */
static const char *known_action(const char *name)
{
    for (const char *const *a = ACTIONS; *a != NULL; a++)
        if (strcmp(name, *a) == 0) return *a;
    return NULL;
}

/* "YYYY-MM-DD", a real date: the time format's parser judges it at midnight. */
static int is_day(const char *name)
{
    char stamp[ISOTIME_BYTES];
    int64_t t;
    if (strlen(name) != 10) return 0;
    if (snprintf(stamp, sizeof stamp, "%sT00:00:00Z", name) != ISOTIME_BYTES - 1) return 0;
    return isotime_parse(stamp, ISOTIME_BYTES - 1, &t) == 0;
}

static int is_count(const cJSON *item)
{
    return cJSON_IsNumber(item) && item->valuedouble >= 0 && item->valuedouble <= AUDIT_MAX_COUNT &&
           item->valuedouble == (double)(int64_t)item->valuedouble;
}

/* One platform's counts on one day: {action: count}, known actions only. */
static cJSON *platform_counts(const cJSON *in, netral_error *err)
{
    const cJSON *count;
    cJSON *out;
    if (!cJSON_IsObject(in)) {
        netral_fail(err, NETRAL_E_FORMAT, "each platform's counts must be an object of counts by action");
        return NULL;
    }
    if ((out = cJSON_CreateObject()) == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        return NULL;
    }
    cJSON_ArrayForEach(count, in) {
        const char *action = known_action(count->string);
        if (action == NULL) {
            netral_fail(err, NETRAL_E_FORMAT, "unknown action \"%.40s\"", count->string);
            goto fail;
        }
        if (!is_count(count)) {
            netral_fail(err, NETRAL_E_FORMAT, "\"%s\" must be a count from 0 to %d", count->string, AUDIT_MAX_COUNT);
            goto fail;
        }
        if (cJSON_GetObjectItemCaseSensitive(out, count->string) != NULL) {
            netral_fail(err, NETRAL_E_FORMAT, "\"%s\" is given twice", count->string);
            goto fail;
        }
        json_add_integer(out, action, (int64_t)count->valuedouble);
    }
    return out;
fail:
    cJSON_Delete(out);
    return NULL;
}

/* One day's counts: {platform: {action: count}}, known platforms only, by their names. */
static cJSON *day_counts(const cJSON *in, netral_error *err)
{
    const cJSON *site;
    cJSON *out;
    if (!cJSON_IsObject(in)) {
        netral_fail(err, NETRAL_E_FORMAT, "each day's counts must be an object of counts by platform");
        return NULL;
    }
    if ((out = cJSON_CreateObject()) == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        return NULL;
    }
    cJSON_ArrayForEach(site, in) {
        netral_platform platform;
        cJSON *counts;
        if (platform_parse(site->string, strlen(site->string), &platform) != 0 ||
            strcmp(platform_name(platform), site->string) != 0) {
            netral_fail(err, NETRAL_E_FORMAT, "unknown platform \"%.40s\"", site->string);
            goto fail;
        }
        if (cJSON_GetObjectItemCaseSensitive(out, site->string) != NULL) {
            netral_fail(err, NETRAL_E_FORMAT, "\"%s\" is given twice", site->string);
            goto fail;
        }
        if ((counts = platform_counts(site, err)) == NULL) goto fail;
        cJSON_AddItemToObject(out, platform_name(platform), counts);
    }
    return out;
fail:
    cJSON_Delete(out);
    return NULL;
}

cJSON *audit_parse(const cJSON *days, netral_error *err)
{
    const cJSON *day;
    cJSON *out;
    if (!cJSON_IsObject(days)) {
        netral_fail(err, NETRAL_E_FORMAT, "\"days\" must be an object of counts by day (YYYY-MM-DD)");
        return NULL;
    }
    if (cJSON_GetArraySize(days) > AUDIT_MAX_DAYS) {
        netral_fail(err, NETRAL_E_TOO_LARGE, "at most %d days of counts", AUDIT_MAX_DAYS);
        return NULL;
    }
    if ((out = cJSON_CreateObject()) == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        return NULL;
    }
    cJSON_ArrayForEach(day, days) {
        cJSON *counts;
        if (!is_day(day->string)) {
            netral_fail(err, NETRAL_E_FORMAT, "\"%.40s\" is not a day (YYYY-MM-DD)", day->string);
            goto fail;
        }
        if (cJSON_GetObjectItemCaseSensitive(out, day->string) != NULL) {
            netral_fail(err, NETRAL_E_FORMAT, "the day %s is given twice", day->string);
            goto fail;
        }
        if ((counts = day_counts(day, err)) == NULL) goto fail;
        cJSON_AddItemToObject(out, day->string, counts);
    }
    return out;
fail:
    cJSON_Delete(out);
    return NULL;
}

int audit_store(const netral_paths *paths, const cJSON *counts, netral_error *err)
{
    char dir[NETRAL_PATH_BYTES], path[NETRAL_PATH_BYTES];
    char *text;
    int rc;
    if (spool_user_dir(paths, dir, 1, err) != 0 || path_join(path, sizeof path, dir, AUDIT_FILE, err) != 0) return -1;
    text = cJSON_PrintUnformatted(counts);
    if (text == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    rc = strlen(text) > MAX_AUDIT_BYTES ? netral_fail(err, NETRAL_E_TOO_LARGE, "the counts are too large")
                                        : file_write_atomic(path, text, strlen(text), err);
    cJSON_free(text);
    return rc;
}

/* A user may write anything into their own spool: what is read is checked like a request. */
cJSON *audit_read_own(const netral_paths *paths)
{
    char dir[NETRAL_PATH_BYTES], path[NETRAL_PATH_BYTES];
    netral_error err;
    cJSON *raw, *counts;
    if (spool_user_dir(paths, dir, 0, &err) != 0 || path_join(path, sizeof path, dir, AUDIT_FILE, &err) != 0)
        return NULL;
    raw = json_read_file(path, MAX_AUDIT_BYTES);
    counts = raw != NULL ? audit_parse(raw, &err) : NULL;
    cJSON_Delete(raw);
    return counts;
}

double audit_count(const cJSON *count)
{
    if (cJSON_IsNumber(count)) return count->valuedouble;
    if (cJSON_IsRaw(count)) return strtod(count->valuestring, NULL);   /* json_add_integer's exact form */
    return 0;
}

static void set_error(cJSON *reply, const char *code, const char *message)
{
    cJSON *e = cJSON_AddObjectToObject(reply, "error");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
}

void audit_handle_request(const netral_paths *paths, const cJSON *request, cJSON *reply)
{
    netral_error err;
    cJSON *counts = audit_parse(cJSON_GetObjectItemCaseSensitive(request, "days"), &err);
    if (counts == NULL) {
        set_error(reply, "bad_request", err.msg);
        return;
    }
    if (audit_store(paths, counts, &err) != 0) set_error(reply, netral_code_name(err.code), err.msg);
    else cJSON_AddTrueToObject(reply, "stored");
    cJSON_Delete(counts);
}
