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

typedef struct {
    int64_t version;                  /* strictly increasing from one list to the next */
    int64_t issued, expires;          /* seconds since the epoch, UTC */
    char issuer[LIST_FIELD_BYTES];
    char elections_json[LIST_ELECTIONS_JSON_BYTES];   /* compact JSON array of strings */
    char content_digest[129];         /* optional: what the entries must add up to (content_digest.h) */
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
