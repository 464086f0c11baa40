/* The one way Netral reads JSON from outside (requests from the browser, list lines): exactly LEN
 * bytes, through cJSON, with what cJSON alone would let through refused. And the few ways it
 * writes JSON that cJSON's defaults get wrong for us (integers, text that is not UTF-8). */
#ifndef NETRAL_JSON_H
#define NETRAL_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

typedef enum {
    JSON_OK = 0,
    JSON_INVALID_UTF8,     /* not well-formed UTF-8 */
    JSON_NUL_BYTE,         /* a raw NUL byte: never valid JSON, and cJSON would stop reading there */
    JSON_INVALID,          /* not JSON, or text after the value, or a byte order mark */
    JSON_ESCAPED_NUL,      /* a \u0000 escape: cJSON would cut that string there */
    JSON_DUPLICATE_KEY     /* an object names a key twice (cJSON reads the first, JavaScript the last) */
} json_problem;

/* Parses the LEN bytes at TEXT as one JSON value (white space around it allowed). Returns the
 * tree (the caller frees it with cJSON_Delete) with *problem JSON_OK; for JSON_ESCAPED_NUL and
 * JSON_DUPLICATE_KEY the tree is returned too, for the caller to say what it can (the caller must
 * still refuse the input); for the others NULL. */
cJSON *json_parse_exact(const char *text, size_t len, json_problem *problem);

/* What is wrong, to follow a subject ("the entry" + " holds \u0000"), for error messages. */
const char *json_problem_text(json_problem problem);

/* Adds VALUE as a JSON integer, exactly (cJSON_AddNumberToObject prints 15 significant digits).
 * NAME is not copied: a string literal, or one that outlives OBJECT. */
cJSON *json_add_integer(cJSON *object, const char *name, int64_t value);

/* Adds the bytes of TEXT as a string; bytes that are not UTF-8 (a path in a legacy encoding)
 * become '?', so that the output stays valid JSON. */
cJSON *json_add_text(cJSON *object, const char *name, const char *text);

/* cJSON prints numbers with 15 significant digits when that compares "close enough", which
 * changes 9007199254740991. Replaces every number in the tree by exact text: a whole number as
 * an integer, any other by the shortest text that reads back as the same double. */
void json_keep_numbers_exact(cJSON *tree);

/* The JSON object in the file at PATH (at most MAX bytes), as json_parse_exact reads it; NULL
 * when there is none, or it is not exactly one object. The caller frees it with cJSON_Delete. */
cJSON *json_read_file(const char *path, size_t max);

/* VALUE in decimal into OUT (at least 21 bytes); returns OUT. */
const char *json_format_integer(char *out, int64_t value);

#endif
