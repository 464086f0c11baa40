/* Requests and replies, without a list installed (the black-box tests cover a real list). */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "portable.h"
#include "netral_limits.h"
#include "protocol.h"
#include "utf8.h"

static protocol_ctx *ctx;

static cJSON *ask(const char *request)
{
    char *text = protocol_handle(ctx, (const unsigned char *)request, strlen(request));
    cJSON *reply = text ? cJSON_Parse(text) : NULL;
    if (text != NULL) CHECK(strlen(text) <= MAX_REPLY_BYTES);
    cJSON_free(text);
    return reply;
}

static const char *error_code(const cJSON *reply)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(reply, "error"), "code"));
}

static void reply_should_echo_any_id_unchanged(void)
{
    const char *ids[] = {"7", "\"abc\"", "{\"n\":[1,2,{\"x\":null}]}", "null", "\"\\u00e9\\ud83d\\ude00\"", "-1.5e3"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char request[256];
        snprintf(request, sizeof request, "{\"id\":%s,\"type\":\"hello\"}", ids[i]);
        cJSON *reply = ask(request), *want = cJSON_Parse(ids[i]);
        CHECK(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(reply, "id"), want, 1));
        cJSON_Delete(reply);
        cJSON_Delete(want);
    }
}

static void hello_without_a_list_should_say_so(void)
{
    cJSON *reply = ask("{\"type\":\"hello\"}");
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(reply, "id")));
    CHECK(cJSON_GetObjectItemCaseSensitive(reply, "protocol")->valuedouble == NETRAL_PROTOCOL_VERSION);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(reply, "list")));
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(reply, "list_problem")), "no list is installed");
    cJSON_Delete(reply);
}

static void check_without_a_list_should_be_unknown_with_the_canonical_account(void)
{
    cJSON *reply = ask("{\"id\":1,\"type\":\"check\",\"platform\":\"twitter\",\"account\":\"@JokoWi\",\"action\":\"like\"}");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(reply, "verdict")), "unknown");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(reply, "platform")), "x");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(reply, "account")), "@jokowi");
    cJSON_Delete(reply);
}

static void bad_requests_should_get_a_named_error(void)
{
    static const struct { const char *request, *code; } cases[] = {
        {"", "invalid_json"},
        {"{", "invalid_json"},
        {"{} {}", "invalid_json"},
        {"[1,2]", "not_an_object"},
        {"\"hello\"", "not_an_object"},
        {"{\"id\":1}", "bad_request"},
        {"{\"id\":1,\"type\":7}", "bad_request"},
        {"{\"id\":1,\"type\":\"launch\"}", "unknown_type"},
        {"{\"id\":1,\"type\":\"check\",\"platform\":\"x\"}", "bad_request"},
        {"{\"id\":1,\"type\":\"check\",\"platform\":\"x\",\"account\":5}", "bad_request"},
        {"{\"id\":1,\"type\":\"check\",\"platform\":\"x\",\"account\":\"a\",\"action\":\"poke\"}", "bad_request"},
        {"{\"id\":1,\"type\":\"check\",\"platform\":\"orkut\",\"account\":\"a\"}", "bad_account"},
        {"{\"id\":1,\"type\":\"check\",\"platform\":\"x\",\"account\":\"a b\"}", "bad_account"},
        {"{\"id\":1,\"type\":\"check_batch\",\"items\":{}}", "bad_request"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *reply = ask(cases[i].request);
        const char *code = error_code(reply);
        if (code == NULL || strcmp(code, cases[i].code) != 0)
            fprintf(stderr, "request %s: got %s, expected %s\n", cases[i].request, code ? code : "(none)", cases[i].code);
        CHECK(code != NULL && strcmp(code, cases[i].code) == 0);
        cJSON_Delete(reply);
    }
}

static void invalid_utf8_should_be_refused_before_parsing(void)
{
    const unsigned char bad[] = "{\"id\":1,\"type\":\"check\",\"platform\":\"x\",\"account\":\"\xC3\x28\"}";
    char *text = protocol_handle(ctx, bad, sizeof bad - 1);
    cJSON *reply = cJSON_Parse(text);
    CHECK_STR(error_code(reply), "invalid_utf8");
    cJSON_Delete(reply);
    cJSON_free(text);
}

static void an_error_quoting_the_request_should_stay_valid_utf8_when_cut(void)
{
    /* the reason quotes 64 bytes of the account: here the 64th byte is half of an "é" */
    char request[256];
    snprintf(request, sizeof request, "{\"id\":3,\"type\":\"check\",\"platform\":\"x\",\"account\":\"id:%s\xC3\xA9\"}",
             "111111111111111111111111111111111111111111111111111111111111111");
    char *text = protocol_handle(ctx, (const unsigned char *)request, strlen(request));
    CHECK(text != NULL && utf8_valid((const unsigned char *)text, strlen(text)));
    cJSON *reply = cJSON_Parse(text);
    CHECK_STR(error_code(reply), "bad_account");
    cJSON_Delete(reply);
    cJSON_free(text);
}

static void a_raw_nul_byte_should_be_refused_as_invalid_json(void)
{
    static const char request[] = "{\"id\":\"a\0b\",\"type\":\"hello\"}";
    char *text = protocol_handle(ctx, (const unsigned char *)request, sizeof request - 1);
    cJSON *reply = cJSON_Parse(text);
    CHECK_STR(error_code(reply), "invalid_json");
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(reply, "id")));
    cJSON_Delete(reply);
    cJSON_free(text);
}

static void check_batch_should_answer_each_item_and_refuse_too_many(void)
{
    size_t size = 64 + (MAX_BATCH_ITEMS + 1) * 40;
    char *request = malloc(size);
    strcpy(request, "{\"id\":2,\"type\":\"check_batch\",\"items\":[");
    for (unsigned i = 0; i <= MAX_BATCH_ITEMS; i++)
        strcat(request, i == 0 ? "{\"platform\":\"x\",\"account\":\"@a\"}" : ",{\"platform\":\"x\",\"account\":\"@a\"}");
    strcat(request, "]}");
    cJSON *reply = ask(request);
    CHECK_STR(error_code(reply), "too_many_items");
    cJSON_Delete(reply);

    reply = ask("{\"id\":2,\"type\":\"check_batch\",\"items\":[{\"platform\":\"x\",\"account\":\"@a\"},{\"account\":\"no\"},7]}");
    const cJSON *results = cJSON_GetObjectItemCaseSensitive(reply, "results");
    CHECK(cJSON_GetArraySize(results) == 3);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(results, 0), "verdict")), "unknown");
    CHECK_STR(error_code(cJSON_GetArrayItem(results, 1)), "bad_account");
    CHECK_STR(error_code(cJSON_GetArrayItem(results, 2)), "bad_request");
    cJSON_Delete(reply);
    free(request);
}

static void the_longest_id_should_be_echoed_whole(void)
{
    size_t id_len = MAX_ID_BYTES;
    char *request = malloc(id_len + 64), *p;
    p = request + sprintf(request, "{\"id\":\"");
    memset(p, 'i', id_len);
    p += id_len;
    p += sprintf(p, "\",\"type\":\"status\"}");
    char *text = protocol_handle(ctx, (const unsigned char *)request, (size_t)(p - request));
    cJSON *reply = text ? cJSON_Parse(text) : NULL;
    CHECK(text != NULL && strlen(text) <= MAX_REPLY_BYTES);
    CHECK(error_code(reply) == NULL);
    CHECK(strlen(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(reply, "id"))) == id_len);
    cJSON_Delete(reply);
    cJSON_free(text);
    free(request);
}

static void an_id_over_the_limit_should_be_refused_with_a_null_id(void)
{
    size_t id_len = MAX_ID_BYTES + 1;
    char *request = malloc(id_len + 64), *p;
    p = request + sprintf(request, "{\"id\":\"");
    memset(p, 'i', id_len);
    p += id_len;
    p += sprintf(p, "\",\"type\":\"hello\"}");
    char *text = protocol_handle(ctx, (const unsigned char *)request, (size_t)(p - request));
    cJSON *reply = text ? cJSON_Parse(text) : NULL;
    CHECK_STR(error_code(reply), "bad_request");
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(reply, "id")));
    cJSON_Delete(reply);
    cJSON_free(text);
    free(request);
}

static void a_request_over_the_limit_should_be_refused(void)
{
    size_t len = MAX_REQUEST_BYTES + 1;
    char *request = malloc(len);
    memset(request, ' ', len);
    memcpy(request, "{}", 2);
    char *text = protocol_handle(ctx, (const unsigned char *)request, len);
    cJSON *reply = cJSON_Parse(text);
    CHECK_STR(error_code(reply), "frame_too_large");
    cJSON_Delete(reply);
    cJSON_free(text);
    free(request);
}

int main(void)
{
    static netral_paths paths;
    netral_error err;
    test_setenv("NETRAL_CONFIG_DIR", "/nonexistent/netral-test-config");
    test_setenv("NETRAL_DATA_DIR", "/nonexistent/netral-test-data");
    if (paths_resolve(&paths, &err) != 0) return 1;
    ctx = protocol_ctx_new(&paths);
    RUN(reply_should_echo_any_id_unchanged);
    RUN(hello_without_a_list_should_say_so);
    RUN(check_without_a_list_should_be_unknown_with_the_canonical_account);
    RUN(bad_requests_should_get_a_named_error);
    RUN(invalid_utf8_should_be_refused_before_parsing);
    RUN(an_error_quoting_the_request_should_stay_valid_utf8_when_cut);
    RUN(a_raw_nul_byte_should_be_refused_as_invalid_json);
    RUN(check_batch_should_answer_each_item_and_refuse_too_many);
    RUN(the_longest_id_should_be_echoed_whole);
    RUN(an_id_over_the_limit_should_be_refused_with_a_null_id);
    RUN(a_request_over_the_limit_should_be_refused);
    protocol_ctx_free(ctx);
    return CHECK_REPORT();
}
