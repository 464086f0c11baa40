/* The list format (docs/list-format.md): JSON Lines, a header line then one line per entity.
 * Parsers take (line, len) and trust nothing; the signature is checked before any of this runs. */
#ifndef NETRAL_LISTFILE_H
#define NETRAL_LISTFILE_H

#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "error.h"
#include "netral_limits.h"

#define LIST_FORMAT_NAME "netral-list"
#define LIST_FORMAT_VERSION 1
#define LIST_FIELD_BYTES (MAX_ENTITY_FIELD_BYTES + 1)
#define LIST_ELECTIONS_JSON_BYTES (MAX_ELECTIONS * (2 * MAX_ENTITY_FIELD_BYTES + 4) + 3)
#define LIST_DIGEST_HEX_BYTES 129   /* a content digest (content_digest.h) as hex, and a NUL */
#define DELTA_FORMAT_NAME "netral-delta"
#define DELTA_FORMAT_VERSION 1

typedef struct {
    int64_t version;                  /* strictly increasing from one list to the next */
    int64_t issued, expires;          /* seconds since the epoch, UTC */
    char issuer[LIST_FIELD_BYTES];
    char elections_json[LIST_ELECTIONS_JSON_BYTES];   /* compact JSON array of strings */
    char content_digest[LIST_DIGEST_HEX_BYTES];   /* optional: what the entries must add up to */
} list_header;

typedef struct {
    char name[LIST_FIELD_BYTES];
    char role[LIST_FIELD_BYTES];
    char party[LIST_FIELD_BYTES];     /* party or coalition */
    char election[LIST_FIELD_BYTES];
    char region[LIST_FIELD_BYTES];
} list_entity;

typedef struct {
    list_entity entity;
    account_ref accounts[MAX_ACCOUNTS_PER_ENTRY];
    size_t account_count;
} list_entry;

int list_parse_header(const char *line, size_t len, list_header *out, netral_error *err);
int list_parse_entry(const char *line, size_t len, list_entry *out, netral_error *err);

/* The same checks on a parsed JSON object (a delta carries its new list's header). */
struct cJSON;
int list_header_from_object(const struct cJSON *header, list_header *out, netral_error *err);
int list_entity_from_object(const struct cJSON *entity, list_entity *out, netral_error *err);

/* A delta (docs/updates.md): line 1 says from which list to which, then one operation a line. */
typedef struct {
    int64_t from, to;
    char from_digest[LIST_DIGEST_HEX_BYTES], to_digest[LIST_DIGEST_HEX_BYTES];
    int64_t entries, accounts;        /* of the list it leads to */
    list_header header;               /* of the list it leads to */
} delta_header;

typedef struct {
    int add;                          /* 1: list ACCOUNT for ENTITY; 0: remove ACCOUNT */
    account_ref account;
    list_entity entity;
} delta_op;

int delta_parse_header(const char *line, size_t len, delta_header *out, netral_error *err);
int delta_parse_op(const char *line, size_t len, delta_op *out, netral_error *err);

/* Reads a file line by line through a fixed buffer: no line may exceed MAX_LIST_LINE_BYTES. */
typedef struct {
    int fd;
    char buf[MAX_LIST_LINE_BYTES + 2];
    size_t start, end;                /* unread bytes are buf[start..end) */
    int eof;
    uint64_t line_number;
} line_reader;

void line_reader_init(line_reader *r, int fd);
/* 1 with the next line in LINE and LEN (without its line break), 0 at the end, -1 on error. */
int line_reader_next(line_reader *r, const char **line, size_t *len, netral_error *err);

#endif
