/* Account normalisation: the shared vectors (tests/vectors/accounts.json) and a few properties. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "account.h"
#include "check.h"
#include "fileio.h"

static const char *vectors_path;

static void shared_vectors_should_all_hold(void)
{
    char *text = NULL;
    size_t len = 0;
    netral_error err = {0};
    cJSON *root = NULL;
    int count = 0;

    CHECK(file_read_bounded(vectors_path, 1 << 20, &text, &len, &err) == 0);
    if (text == NULL) return;
    root = cJSON_ParseWithLength(text, len);
    CHECK(root != NULL);
    const cJSON *vectors = cJSON_GetObjectItemCaseSensitive(root, "vectors");
    const cJSON *v;
    cJSON_ArrayForEach(v, vectors) {
        const char *platform_in = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "platform"));
        const char *input = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "input"));
        int want_error = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "error"));
        netral_platform platform = PLATFORM_NONE;
        account_ref out;
        int rc = -1;

        count++;
        if (platform_in == NULL || platform_parse(platform_in, strlen(platform_in), &platform) == 0)
            rc = account_normalize(platform, input, strlen(input), &out, &err);
        if (want_error) {
            if (rc == 0)
                fprintf(stderr, "vector %s | %s: accepted as %s %s, expected an error\n",
                        platform_in ? platform_in : "-", input, platform_name(out.platform), out.account);
            CHECK(rc != 0);
        } else {
            const char *want_platform = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "platform_out"));
            const char *want_account = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "account"));
            if (rc != 0) {
                fprintf(stderr, "vector %s | %s: rejected (%s), expected %s\n",
                        platform_in ? platform_in : "-", input, err.msg, want_account);
                CHECK(rc == 0);
                continue;
            }
            CHECK_STR(platform_name(out.platform), want_platform);
            CHECK_STR(out.account, want_account);
        }
    }
    CHECK(count > 50);
    cJSON_Delete(root);
    free(text);
}

static void normalize_should_be_idempotent_on_canonical_forms(void)
{
    static const struct { netral_platform p; const char *in; } cases[] = {
        {PLATFORM_X, "@jokowi"}, {PLATFORM_X, "id:44196397"}, {PLATFORM_FACEBOOK, "@jokowidodo"},
        {PLATFORM_FACEBOOK, "group:pendukung.tim"}, {PLATFORM_YOUTUBE, "channel:UCq-Fj5jknLsUf-MWSy4_brA"},
        {PLATFORM_TIKTOK, "@tim.menang"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        account_ref out;
        netral_error err;
        CHECK(account_normalize(cases[i].p, cases[i].in, strlen(cases[i].in), &out, &err) == 0);
        CHECK_STR(out.account, cases[i].in);
    }
}

static void normalize_should_not_read_past_the_given_length(void)
{
    /* "jokowi" followed by bytes that would be invalid if read */
    const char buf[] = {'j', 'o', 'k', 'o', 'w', 'i', ' ', '!', '\0'};
    account_ref out;
    netral_error err;
    CHECK(account_normalize(PLATFORM_X, buf, 6, &out, &err) == 0);
    CHECK_STR(out.account, "@jokowi");
}

static void normalize_should_reject_embedded_nul_and_control_bytes(void)
{
    const char buf[] = {'j', 'o', '\0', 'k', 'o'};
    account_ref out;
    netral_error err;
    CHECK(account_normalize(PLATFORM_X, buf, sizeof buf, &out, &err) != 0);
    CHECK(account_normalize(PLATFORM_X, "jo\x01ko", 5, &out, &err) != 0);
    CHECK(err.code == NETRAL_E_ACCOUNT);
}

static void normalize_should_reject_input_over_the_limit(void)
{
    static char big[MAX_ACCOUNT_INPUT_BYTES + 2];
    account_ref out;
    netral_error err;
    memset(big, 'a', sizeof big - 1);
    CHECK(account_normalize(PLATFORM_X, big, sizeof big - 1, &out, &err) != 0);
}

static void platform_parse_should_know_the_six_platforms_and_the_alias(void)
{
    netral_platform p;
    CHECK(platform_parse("Twitter", 7, &p) == 0 && p == PLATFORM_X);
    CHECK(platform_parse("threads", 7, &p) == 0 && p == PLATFORM_THREADS);
    CHECK(platform_parse("thread", 6, &p) != 0);
    CHECK(platform_parse("", 0, &p) != 0);
}

int main(int argc, char **argv)
{
    vectors_path = argc > 1 ? argv[1] : "tests/vectors/accounts.json";
    RUN(shared_vectors_should_all_hold);
    RUN(normalize_should_be_idempotent_on_canonical_forms);
    RUN(normalize_should_not_read_past_the_given_length);
    RUN(normalize_should_reject_embedded_nul_and_control_bytes);
    RUN(normalize_should_reject_input_over_the_limit);
    RUN(platform_parse_should_know_the_six_platforms_and_the_alias);
    return CHECK_REPORT();
}
