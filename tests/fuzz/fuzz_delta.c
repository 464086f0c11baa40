/* Fuzz target: the delta parsers (listfile.c: delta_parse_header, delta_parse_op), on the bytes
 * of a delta file (docs/updates.md). A delta is signed by the list authority; it is parsed as the
 * last line of defence all the same, and an operation's account goes into the database as it is.
 *
 * The whole input, then every line of it (split at "\n", a "\r" before it dropped, as
 * line_reader does), is tried as a header and as an operation. A header that parses must lead
 * from a version to a later one and carry that later list's header, which must be one
 * list_parse_header accepts with the same content. An operation that parses must hold an
 * account already in canonical form (account_normalize gives it back unchanged), and an added
 * one an entity within the limits, one that list_parse_entry reads the same way. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "account.h"
#include "fuzz_util.h"
#include "json.h"
#include "listfile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static delta_header *header;
static list_header *list_head;
static delta_op *op;
static list_entry *entry;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    header = malloc(sizeof *header);
    list_head = malloc(sizeof *list_head);
    op = malloc(sizeof *op);
    entry = malloc(sizeof *entry);
    FUZZ_CHECK(header != NULL && list_head != NULL && op != NULL && entry != NULL);
    return 0;
}

static int is_digest(const char *s)
{
    return strnlen(s, LIST_DIGEST_HEX_BYTES) == LIST_DIGEST_HEX_BYTES - 1 &&
           strspn(s, "0123456789abcdef") == LIST_DIGEST_HEX_BYTES - 1;
}

static void check_field(const char *field, int required)
{
    size_t n = strnlen(field, LIST_FIELD_BYTES);
    FUZZ_CHECK(n <= MAX_ENTITY_FIELD_BYTES);
    if (required) FUZZ_CHECK(n > 0);
}

static int same_entity(const list_entity *a, const list_entity *b)
{
    return strcmp(a->name, b->name) == 0 && strcmp(a->role, b->role) == 0 && strcmp(a->party, b->party) == 0 &&
           strcmp(a->election, b->election) == 0 && strcmp(a->region, b->region) == 0;
}

/* The "header" member of the delta header line, printed back as a list header line. */
static char *embedded_header_line(const char *line, size_t len)
{
    json_problem problem;
    cJSON *o = json_parse_exact(line, len, &problem);
    char *text = NULL;
    FUZZ_CHECK(problem == JSON_OK && cJSON_IsObject(o));
    cJSON *h = cJSON_GetObjectItemCaseSensitive(o, "header");
    FUZZ_CHECK(cJSON_IsObject(h));
    json_keep_numbers_exact(h);
    text = cJSON_PrintUnformatted(h);
    FUZZ_CHECK(text != NULL);
    cJSON_Delete(o);
    return text;
}

static void parse_header(const char *line, size_t len)
{
    netral_error err = {NETRAL_OK, ""};
    if (delta_parse_header(line, len, header, &err) != 0) {
        FUZZ_CHECK(err.code != NETRAL_OK && err.msg[0] != '\0');
        return;
    }
    FUZZ_CHECK(header->from >= 1 && header->to > header->from);
    FUZZ_CHECK(header->header.version == header->to);
    FUZZ_CHECK(header->entries >= 0 && header->accounts >= 0);
    FUZZ_CHECK(is_digest(header->from_digest) && is_digest(header->to_digest));
    FUZZ_CHECK(header->header.expires > header->header.issued);
    check_field(header->header.issuer, 1);
    FUZZ_CHECK(header->header.content_digest[0] == '\0' || is_digest(header->header.content_digest));

    /* The list it leads to has the header a full list would: the same checks, the same result. */
    char *text = embedded_header_line(line, len);
    err = (netral_error){NETRAL_OK, ""};
    int is_list_header = list_parse_header(text, strlen(text), list_head, &err) == 0;
    if (!is_list_header) fprintf(stderr, "fuzz_delta: the delta's header is not a list header: %s\n%s\n", err.msg, text);
    FUZZ_CHECK(is_list_header);
    FUZZ_CHECK(list_head->version == header->header.version && list_head->issued == header->header.issued &&
               list_head->expires == header->header.expires);
    FUZZ_CHECK(strcmp(list_head->issuer, header->header.issuer) == 0);
    FUZZ_CHECK(strcmp(list_head->elections_json, header->header.elections_json) == 0);
    FUZZ_CHECK(strcmp(list_head->content_digest, header->header.content_digest) == 0);
    cJSON_free(text);
}

/* {"platform":P,"accounts":[A],"entity":E} as a list line. */
static char *entry_line(const delta_op *o)
{
    cJSON *e = cJSON_CreateObject(), *entity = cJSON_CreateObject(), *accounts = cJSON_CreateArray();
    char *text;
    FUZZ_CHECK(e != NULL && entity != NULL && accounts != NULL);
    cJSON_AddStringToObject(e, "platform", platform_name(o->account.platform));
    cJSON_AddItemToArray(accounts, cJSON_CreateString(o->account.account));
    cJSON_AddItemToObject(e, "accounts", accounts);
    cJSON_AddStringToObject(entity, "name", o->entity.name);
    if (o->entity.role[0]) cJSON_AddStringToObject(entity, "role", o->entity.role);
    if (o->entity.party[0]) cJSON_AddStringToObject(entity, "party", o->entity.party);
    if (o->entity.election[0]) cJSON_AddStringToObject(entity, "election", o->entity.election);
    if (o->entity.region[0]) cJSON_AddStringToObject(entity, "region", o->entity.region);
    cJSON_AddItemToObject(e, "entity", entity);
    text = cJSON_PrintUnformatted(e);
    FUZZ_CHECK(text != NULL);
    cJSON_Delete(e);
    return text;
}

static void parse_op(const char *line, size_t len)
{
    netral_error err = {NETRAL_OK, ""}, account_err;
    account_ref again;
    size_t n;
    if (delta_parse_op(line, len, op, &err) != 0) {
        FUZZ_CHECK(err.code != NETRAL_OK && err.msg[0] != '\0');
        return;
    }
    FUZZ_CHECK(op->add == 0 || op->add == 1);
    n = strnlen(op->account.account, MAX_CANONICAL_ACCOUNT_BYTES);
    FUZZ_CHECK(n > 0 && n < MAX_CANONICAL_ACCOUNT_BYTES);
    /* The database is keyed on the canonical form: it must normalise to itself. */
    FUZZ_CHECK(account_normalize(op->account.platform, op->account.account, n, &again, &account_err) == 0);
    FUZZ_CHECK(again.platform == op->account.platform && strcmp(again.account, op->account.account) == 0);
    if (!op->add) return;

    check_field(op->entity.name, 1);
    check_field(op->entity.role, 0);
    check_field(op->entity.party, 0);
    check_field(op->entity.election, 0);
    check_field(op->entity.region, 0);
    /* What a delta adds, a full list could hold: the same account and entity. */
    char *text = entry_line(op);
    err = (netral_error){NETRAL_OK, ""};
    int is_entry = list_parse_entry(text, strlen(text), entry, &err) == 0;
    if (!is_entry) fprintf(stderr, "fuzz_delta: the added row is not a list entry: %s\n%s\n", err.msg, text);
    FUZZ_CHECK(is_entry);
    FUZZ_CHECK(entry->account_count == 1 && entry->accounts[0].platform == op->account.platform &&
               strcmp(entry->accounts[0].account, op->account.account) == 0);
    FUZZ_CHECK(same_entity(&entry->entity, &op->entity));
    cJSON_free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t start = 0;

    parse_header(text, size);
    parse_op(text, size);
    if (memchr(data, '\n', size) == NULL) return 0;
    while (start < size) {
        const char *nl = memchr(text + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - text) : size, len = end - start;
        if (len > 0 && text[start + len - 1] == '\r') len--;
        /* each line as the header (line 1) and as an operation (every other line) */
        parse_header(text + start, len);
        parse_op(text + start, len);
        start = end + 1;
    }
    return 0;
}
