/* Audit mode's counts (audit.h): what the extension sends is taken only as counts by day,
 * platform and action; anything else is refused with a reason that names it, and what is kept
 * is written in the host's own spelling (never pointing into the request it came from). */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "check.h"

/* audit_parse over TEXT (JSON); the result printed, or NULL with REASON filled. */
static char *parsed(const char *text, char reason[NETRAL_ERROR_MSG_BYTES])
{
    netral_error err;
    cJSON *in = cJSON_Parse(text), *out;
    char *printed = NULL;
    reason[0] = '\0';
    out = audit_parse(in, &err);
    cJSON_Delete(in);   /* the result must not need the request any more */
    if (out == NULL) {
        strcpy(reason, err.msg);
        return NULL;
    }
    printed = cJSON_PrintUnformatted(out);
    cJSON_Delete(out);
    return printed;
}

static void counts_should_be_kept_as_sent_by_day_platform_and_action(void)
{
    char reason[NETRAL_ERROR_MSG_BYTES];
    char *out = parsed("{\"2026-12-03\":{\"x\":{\"like\":2,\"follow\":1},\"tiktok\":{\"share\":0}},\"2026-12-02\":{}}", reason);
    CHECK_STR(out, "{\"2026-12-03\":{\"x\":{\"like\":2,\"follow\":1},\"tiktok\":{\"share\":0}},\"2026-12-02\":{}}");
    free(out);
    out = parsed("{}", reason);
    CHECK_STR(out, "{}");
    free(out);
}

static void anything_but_counts_should_be_refused_with_what_is_wrong(void)
{
    static const struct {
        const char *json, *reason;
    } cases[] = {
        {"[]", "\"days\" must be an object"},
        {"{\"2026-13-01\":{}}", "\"2026-13-01\" is not a day"},
        {"{\"2026-12-3\":{}}", "\"2026-12-3\" is not a day"},
        {"{\"2026-12-03x\":{}}", "\"2026-12-03x\" is not a day"},
        {"{\"2026-12-03\":{\"twitter\":{}}}", "unknown platform \"twitter\""},
        {"{\"2026-12-03\":{\"x\":{\"retweet\":1}}}", "unknown action \"retweet\""},
        {"{\"2026-12-03\":{\"x\":{\"like\":1e7}}}", "\"like\" must be a count from 0 to 1000000"},
        {"{\"2026-12-03\":{\"x\":{\"like\":true}}}", "\"like\" must be a count"},
        {"{\"2026-12-03\":{\"x\":{\"like\":1,\"like\":2}}}", "\"like\" is given twice"},
        {"{\"2026-12-03\":{\"x\":{},\"x\":{}}}", "\"x\" is given twice"},
        {"{\"2026-12-03\":{},\"2026-12-03\":{}}", "the day 2026-12-03 is given twice"},
        {"{\"2026-12-03\":[]}", "each day's counts must be an object"},
    };
    char reason[NETRAL_ERROR_MSG_BYTES];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = parsed(cases[i].json, reason);
        CHECK(out == NULL);
        free(out);
        if (strstr(reason, cases[i].reason) == NULL) CHECK_STR(reason, cases[i].reason);
    }
}

static void more_than_31_days_should_be_refused(void)
{
    char text[32 * 20 + 8], reason[NETRAL_ERROR_MSG_BYTES];
    size_t at = 0;
    text[at++] = '{';
    for (int day = 1; day <= 32; day++) at += (size_t)sprintf(text + at, "%s\"2026-%02d-%02d\":{}", day > 1 ? "," : "", day > 28 ? 3 : 2, day > 28 ? day - 28 : day);
    text[at++] = '}';
    text[at] = '\0';
    CHECK(parsed(text, reason) == NULL);
    CHECK(strstr(reason, "at most 31 days") != NULL);
}

int main(void)
{
    RUN(counts_should_be_kept_as_sent_by_day_platform_and_action);
    RUN(anything_but_counts_should_be_refused_with_what_is_wrong);
    RUN(more_than_31_days_should_be_refused);
    return CHECK_REPORT();
}
