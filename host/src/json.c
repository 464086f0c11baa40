#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "utf8.h"

/* 1 when the text holds the escape \u0000 (an odd number of backslashes before the u). */
static int has_escaped_nul(const char *text, size_t len)
{
    for (size_t i = 0; i + 5 < len; i++) {
        if (text[i] != '\\' || text[i + 1] != 'u' || memcmp(text + i + 2, "0000", 4) != 0) continue;
        size_t backslashes = 0;
        for (size_t k = i + 1; k > 0 && text[k - 1] == '\\'; k--) backslashes++;
        if (backslashes % 2 == 1) return 1;
    }
    return 0;
}

/* 1 when some object in the tree names a key twice. Objects are small (a request, a list line):
 * comparing each key with the ones before it is cheaper than any index. */
static int has_duplicate_key(const cJSON *item)
{
    for (const cJSON *child = item->child; child != NULL; child = child->next) {
        if (cJSON_IsObject(item))
            for (const cJSON *before = item->child; before != child; before = before->next)
                if (strcmp(before->string, child->string) == 0) return 1;
        if (child->child != NULL && has_duplicate_key(child)) return 1;
    }
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

cJSON *json_parse_exact(const char *text, size_t len, json_problem *problem)
{
    const char *end = NULL;
    cJSON *tree;

    if (!utf8_valid((const unsigned char *)text, len)) {
        *problem = JSON_INVALID_UTF8;
        return NULL;
    }
    if (memchr(text, '\0', len) != NULL) {
        *problem = JSON_NUL_BYTE;
        return NULL;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {   /* cJSON would skip it: JSON has none */
        *problem = JSON_INVALID;
        return NULL;
    }
    tree = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (tree == NULL) {
        *problem = JSON_INVALID;
        return NULL;
    }
    while (end < text + len && is_space(*end)) end++;
    if (end != text + len) {
        cJSON_Delete(tree);
        *problem = JSON_INVALID;
        return NULL;
    }
    *problem = has_escaped_nul(text, len) ? JSON_ESCAPED_NUL : has_duplicate_key(tree) ? JSON_DUPLICATE_KEY : JSON_OK;
    return tree;
}

const char *json_problem_text(json_problem problem)
{
    switch (problem) {
    case JSON_OK: return "is valid";
    case JSON_INVALID_UTF8: return "is not valid UTF-8";
    case JSON_NUL_BYTE: return "holds a NUL byte";
    case JSON_INVALID: return "is not valid JSON";
    case JSON_ESCAPED_NUL: return "holds \\u0000";
    case JSON_DUPLICATE_KEY: return "names a key twice";
    }
    return "is not valid JSON";
}

const char *json_format_integer(char *out, int64_t value)
{
    char digits[21];
    size_t n = 0, k = 0;
    uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude > 0);
    if (value < 0) out[k++] = '-';
    while (n > 0) out[k++] = digits[--n];
    out[k] = '\0';
    return out;
}

cJSON *json_add_integer(cJSON *object, const char *name, int64_t value)
{
    char text[24];
    cJSON *item = cJSON_CreateRaw(json_format_integer(text, value));
    return cJSON_AddItemToObjectCS(object, name, item) ? item : NULL;
}

cJSON *json_add_text(cJSON *object, const char *name, const char *text)
{
    size_t n = strlen(text);
    char *copy;
    cJSON *added;
    if (utf8_valid((const unsigned char *)text, n)) return cJSON_AddStringToObject(object, name, text);
    copy = malloc(n + 1);
    if (copy == NULL) return NULL;
    memcpy(copy, text, n + 1);
    utf8_repair(copy);
    added = cJSON_AddStringToObject(object, name, copy);
    free(copy);
    return added;
}

void json_keep_numbers_exact(cJSON *item)
{
    cJSON *child;
    if (cJSON_IsNumber(item)) {
        char text[40];
        double v = item->valuedouble;
        if (v != v || v == 1.0 / 0.0 || v == -1.0 / 0.0) return;   /* not from JSON text */
        if (v > -9.2e18 && v < 9.2e18 && v == (double)(long long)v) {
            json_format_integer(text, (int64_t)v);
        } else if (v == floor(v) && v > -1e21 && v < 1e21) {
            snprintf(text, sizeof text, "%.0f", v);                  /* the double's exact value */
        } else {
            for (int digits = 15; digits <= 17; digits++) {
                snprintf(text, sizeof text, "%.*g", digits, v);
                if (strtod(text, NULL) == v) break;
            }
        }
        char *raw = cJSON_malloc(strlen(text) + 1);   /* cJSON_Delete frees it */
        if (raw == NULL) return;
        strcpy(raw, text);
        item->type = cJSON_Raw;
        item->valuestring = raw;
        return;
    }
    for (child = item->child; child != NULL; child = child->next) json_keep_numbers_exact(child);
}

cJSON *json_read_file(const char *path, size_t max)
{
    char *text = NULL;
    size_t len = 0;
    netral_error ignored;
    json_problem problem;
    cJSON *tree;
    if (file_read_bounded(path, max, &text, &len, &ignored) != 0) return NULL;
    tree = json_parse_exact(text, len, &problem);
    free(text);
    if (problem != JSON_OK || !cJSON_IsObject(tree)) {
        cJSON_Delete(tree);
        return NULL;
    }
    return tree;
}
