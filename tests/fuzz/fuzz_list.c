/* Fuzz target: the list parsers (listfile.c), on the bytes of a list file. These bytes are
 * signed, so they come from the list authority; the parsers are fuzzed all the same, as the
 * last line of defence against a compromised or careless signer.
 *
 * The whole input is tried as one header line and as one entry line; then it is read as a file
 * by line_reader, its first line parsed as the header and every other line as an entry, as the
 * importer does. Lines must be exactly the file's bytes between line breaks, and what parses
 * must be within the limits of netral_limits.h, with every account already in canonical form. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "account.h"
#include "fuzz_util.h"
#include "listfile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int list_fd = -1;
static line_reader *reader;
static list_header *header;
static list_entry *entry;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    list_fd = fuzz_file_open();
    reader = malloc(sizeof *reader);
    header = malloc(sizeof *header);
    entry = malloc(sizeof *entry);
    FUZZ_CHECK(reader != NULL && header != NULL && entry != NULL);
    return 0;
}

static void check_field(const char *field, int required)
{
    size_t n = strnlen(field, LIST_FIELD_BYTES);
    FUZZ_CHECK(n <= MAX_ENTITY_FIELD_BYTES);
    if (required) FUZZ_CHECK(n > 0);
}

static void parse_header(const char *line, size_t len)
{
    netral_error err = {NETRAL_OK, ""};
    if (list_parse_header(line, len, header, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0');
        return;
    }
    FUZZ_CHECK(header->version >= 1 && header->expires > header->issued);
    check_field(header->issuer, 1);
    FUZZ_CHECK(strnlen(header->elections_json, LIST_ELECTIONS_JSON_BYTES) < LIST_ELECTIONS_JSON_BYTES);
    cJSON *elections = cJSON_Parse(header->elections_json);
    FUZZ_CHECK(cJSON_IsArray(elections));
    FUZZ_CHECK(cJSON_GetArraySize(elections) >= 1 && cJSON_GetArraySize(elections) <= (int)MAX_ELECTIONS);
    cJSON_Delete(elections);
}

static void parse_entry(const char *line, size_t len)
{
    netral_error err = {NETRAL_OK, ""};
    if (list_parse_entry(line, len, entry, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0');
        return;
    }
    FUZZ_CHECK(entry->account_count >= 1 && entry->account_count <= MAX_ACCOUNTS_PER_ENTRY);
    check_field(entry->entity.name, 1);
    check_field(entry->entity.role, 0);
    check_field(entry->entity.party, 0);
    check_field(entry->entity.election, 0);
    check_field(entry->entity.region, 0);
    for (size_t i = 0; i < entry->account_count; i++) {
        const account_ref *a = &entry->accounts[i];
        account_ref again;
        netral_error account_err;
        size_t n = strnlen(a->account, MAX_CANONICAL_ACCOUNT_BYTES);
        FUZZ_CHECK(n > 0 && n < MAX_CANONICAL_ACCOUNT_BYTES);
        FUZZ_CHECK(a->platform == entry->accounts[0].platform);
        /* The database is keyed on the canonical form: it must normalise to itself. */
        FUZZ_CHECK(account_normalize(a->platform, a->account, n, &again, &account_err) == 0);
        FUZZ_CHECK(again.platform == a->platform && strcmp(again.account, a->account) == 0);
    }
}

/* Reads the SIZE bytes at DATA as a list file, line by line. */
static void read_lines(const uint8_t *data, size_t size)
{
    const char *line;
    size_t len, off = 0;
    uint64_t lines = 0;
    netral_error err = {NETRAL_OK, ""};
    int got;

    fuzz_file_load(list_fd, data, size);
    line_reader_init(reader, list_fd);
    while ((got = line_reader_next(reader, &line, &len, &err)) == 1) {
        lines++;
        FUZZ_CHECK(reader->line_number == lines);
        FUZZ_CHECK(len <= MAX_LIST_LINE_BYTES);
        FUZZ_CHECK(line >= reader->buf && line + len <= reader->buf + sizeof reader->buf);
        FUZZ_CHECK(off + len <= size && memcmp(line, data + off, len) == 0);
        FUZZ_CHECK(memchr(line, '\n', len) == NULL);
        off += len;
        /* the line break: "\n", "\r\n", or a lone "\r" at the very end */
        if (off < size && data[off] == '\r' && (off + 1 == size || data[off + 1] == '\n')) off++;
        if (off < size && data[off] == '\n') off++;
        if (lines == 1) parse_header(line, len);
        else if (len > 0) parse_entry(line, len);
    }
    if (got == 0) {
        FUZZ_CHECK(off == size);
    } else {
        /* only a line too long for the buffer stops the reader */
        FUZZ_CHECK(got == -1 && err.code == NETRAL_E_TOO_LARGE);
        FUZZ_CHECK(size - off > MAX_LIST_LINE_BYTES && memchr(data + off, '\n', MAX_LIST_LINE_BYTES) == NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse_header((const char *)data, size);
    parse_entry((const char *)data, size);
    read_lines(data, size);
    return 0;
}
