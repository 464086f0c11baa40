#include "recognition.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "fileio.h"
#include "isotime.h"
#include "json.h"
#include "os.h"
#include "spool.h"

static const char *const COUNTS[] = {"unrecognised", "noAccount", "ruleError", "noPosts", NULL};

static int whole_in(const cJSON *item, double min, double max)
{
    return cJSON_IsNumber(item) && item->valuedouble >= min && item->valuedouble <= max &&
           item->valuedouble == (double)(int64_t)item->valuedouble;
}

/* One platform's counts, checked: {"rules", "since", and the four counts}, nothing else. */
static cJSON *site_counts(const cJSON *in, netral_error *err)
{
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(in, "rules");
    const cJSON *since = cJSON_GetObjectItemCaseSensitive(in, "since");
    const cJSON *member;
    cJSON *out;
    int64_t t;
    if (!cJSON_IsObject(in) || !whole_in(rules, 1, 9007199254740991.0) || !cJSON_IsString(since) ||
        strlen(since->valuestring) > 32 || isotime_parse(since->valuestring, strlen(since->valuestring), &t) != 0) {
        netral_fail(err, NETRAL_E_FORMAT, "each site's counts need \"rules\" (a version) and \"since\" (a UTC time)");
        return NULL;
    }
    cJSON_ArrayForEach(member, in) {
        int known = strcmp(member->string, "rules") == 0 || strcmp(member->string, "since") == 0;
        for (const char *const *c = COUNTS; *c != NULL && !known; c++) known = strcmp(member->string, *c) == 0;
        if (!known) {
            netral_fail(err, NETRAL_E_FORMAT, "unknown count \"%.40s\"", member->string);
            return NULL;
        }
    }
    out = cJSON_CreateObject();
    json_add_integer(out, "rules", (int64_t)rules->valuedouble);
    cJSON_AddStringToObject(out, "since", since->valuestring);
    for (const char *const *c = COUNTS; *c != NULL; c++) {
        const cJSON *count = cJSON_GetObjectItemCaseSensitive(in, *c);
        if (count != NULL && !whole_in(count, 0, RECOGNITION_MAX_COUNT)) {
            netral_fail(err, NETRAL_E_FORMAT, "\"%s\" must be a count from 0 to %d", *c, RECOGNITION_MAX_COUNT);
            cJSON_Delete(out);
            return NULL;
        }
        json_add_integer(out, *c, count != NULL ? (int64_t)count->valuedouble : 0);
    }
    return out;
}

cJSON *recognition_parse(const cJSON *sites, netral_error *err)
{
    const cJSON *site;
    cJSON *out;
    if (!cJSON_IsObject(sites)) {
        netral_fail(err, NETRAL_E_FORMAT, "\"sites\" must be an object of counts by platform");
        return NULL;
    }
    out = cJSON_CreateObject();
    cJSON_ArrayForEach(site, sites) {
        netral_platform platform;
        cJSON *counts;
        if (platform_parse(site->string, strlen(site->string), &platform) != 0 ||
            strcmp(platform_name(platform), site->string) != 0) {
            netral_fail(err, NETRAL_E_FORMAT, "unknown platform \"%.40s\"", site->string);
            cJSON_Delete(out);
            return NULL;
        }
        if ((counts = site_counts(site, err)) == NULL) {
            cJSON_Delete(out);
            return NULL;
        }
        cJSON_AddItemToObject(out, platform_name(platform), counts);
    }
    return out;
}

int recognition_store(const netral_paths *paths, const cJSON *counts, netral_error *err)
{
    char dir[NETRAL_PATH_BYTES], path[NETRAL_PATH_BYTES];
    char *text;
    int rc;
    if (spool_user_dir(paths, dir, 1, err) != 0 || path_join(path, sizeof path, dir, RECOGNITION_FILE, err) != 0)
        return -1;
    text = cJSON_PrintUnformatted(counts);
    if (text == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    rc = strlen(text) > MAX_RECOGNITION_BYTES ? netral_fail(err, NETRAL_E_TOO_LARGE, "the counts are too large")
                                              : file_write_atomic(path, text, strlen(text), err);
    cJSON_free(text);
    return rc;
}

/* The counts kept in DIR, checked again (a user may write anything into their own spool). */
static cJSON *read_counts(const char *dir)
{
    char path[NETRAL_PATH_BYTES];
    netral_error err;
    cJSON *raw, *counts;
    if (path_join(path, sizeof path, dir, RECOGNITION_FILE, &err) != 0) return NULL;
    raw = json_read_file(path, MAX_RECOGNITION_BYTES);
    counts = raw != NULL ? recognition_parse(raw, &err) : NULL;
    cJSON_Delete(raw);
    return counts;
}

cJSON *recognition_read_own(const netral_paths *paths)
{
    char dir[NETRAL_PATH_BYTES];
    netral_error err;
    return spool_user_dir(paths, dir, 0, &err) == 0 ? read_counts(dir) : NULL;
}

void recognition_each_user(const netral_paths *paths, void (*visit)(const char *user, const cJSON *counts, void *ctx),
                           void *ctx)
{
    char dir[NETRAL_PATH_BYTES];
    netral_error err;
    struct dirent *ent;
    size_t seen = 0;
    DIR *d = opendir(paths->spool_dir);
    if (d == NULL) return;
    while ((ent = readdir(d)) != NULL && seen < SPOOL_MAX_USERS) {
        cJSON *counts;
        if (ent->d_name[0] == '.' || path_join(dir, sizeof dir, paths->spool_dir, ent->d_name, &err) != 0) continue;
        seen++;
        if ((counts = read_counts(dir)) == NULL) continue;
        visit(ent->d_name, counts, ctx);
        cJSON_Delete(counts);
    }
    closedir(d);
}

double recognition_number(const cJSON *site, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(site, name);
    if (cJSON_IsNumber(item)) return item->valuedouble;
    if (cJSON_IsRaw(item)) return strtod(item->valuestring, NULL);   /* json_add_integer's exact form */
    return 0;
}

int recognition_out_of_date(const cJSON *site)
{
    for (const char *const *c = COUNTS; *c != NULL; c++)
        if (recognition_number(site, *c) >= RECOGNITION_OUT_OF_DATE_AT) return 1;
    return 0;
}
