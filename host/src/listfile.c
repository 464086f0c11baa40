#include "listfile.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "isotime.h"
#include "json.h"
#include "os.h"

#define MAX_SAFE_INTEGER 9007199254740991.0   /* 2^53 - 1: exact in a JSON number */

static cJSON *parse_object(const char *line, size_t len, const char *what, netral_error *err)
{
    json_problem problem;
    cJSON *obj;

    if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        netral_fail(err, NETRAL_E_FORMAT, "%s starts with a byte order mark: save the list as UTF-8 without one", what);
        return NULL;
    }
    obj = json_parse_exact(line, len, &problem);
    if (problem != JSON_OK) {
        cJSON_Delete(obj);
        netral_fail(err, NETRAL_E_FORMAT, "%s %s", what, json_problem_text(problem));
        return NULL;
    }
    if (!cJSON_IsObject(obj)) {
        cJSON_Delete(obj);
        netral_fail(err, NETRAL_E_FORMAT, "%s is not a single JSON object", what);
        return NULL;
    }
    return obj;
}

/* Copies string field NAME of OBJ into OUT; absent is allowed unless REQUIRED. */
static int copy_string(const cJSON *obj, const char *name, int required, char out[LIST_FIELD_BYTES],
                       netral_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    out[0] = '\0';
    if (item == NULL || cJSON_IsNull(item)) {
        if (required) return netral_fail(err, NETRAL_E_FORMAT, "\"%s\" is missing", name);
        return 0;
    }
    if (!cJSON_IsString(item)) return netral_fail(err, NETRAL_E_FORMAT, "\"%s\" is not a string", name);
    size_t n = strlen(item->valuestring);
    if (n > MAX_ENTITY_FIELD_BYTES)
        return netral_fail(err, NETRAL_E_FORMAT, "\"%s\" is longer than %u bytes", name, MAX_ENTITY_FIELD_BYTES);
    if (required && n == 0) return netral_fail(err, NETRAL_E_FORMAT, "\"%s\" is empty", name);
    for (size_t i = 0; i < n; i++)   /* text shown to people: no control characters */
        if ((unsigned char)item->valuestring[i] < 0x20 || item->valuestring[i] == 0x7f)
            return netral_fail(err, NETRAL_E_FORMAT, "\"%s\" has a control character", name);
    memcpy(out, item->valuestring, n + 1);
    return 0;
}

static int read_time(const cJSON *obj, const char *name, int64_t *out, netral_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsString(item) || isotime_parse(item->valuestring, strlen(item->valuestring), out) != 0)
        return netral_fail(err, NETRAL_E_FORMAT, "\"%s\" must be a UTC time like 2026-11-01T00:00:00Z", name);
    return 0;
}

static int read_positive_integer(const cJSON *obj, const char *name, int64_t *out, netral_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsNumber(item) || item->valuedouble < 1 || item->valuedouble > MAX_SAFE_INTEGER ||
        floor(item->valuedouble) != item->valuedouble)
        return netral_fail(err, NETRAL_E_FORMAT, "\"%s\" must be a whole number from 1 to 2^53-1", name);
    *out = (int64_t)item->valuedouble;
    return 0;
}

static int is_digest_text(const char *text)
{
    return strlen(text) == LIST_DIGEST_HEX_BYTES - 1 && strspn(text, "0123456789abcdef") == LIST_DIGEST_HEX_BYTES - 1;
}

static int read_count(const cJSON *obj, const char *name, int64_t *out, netral_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsNumber(item) || item->valuedouble < 0 || item->valuedouble > MAX_SAFE_INTEGER ||
        floor(item->valuedouble) != item->valuedouble)
        return netral_fail(err, NETRAL_E_FORMAT, "\"%s\" must be a whole number from 0 to 2^53-1", name);
    *out = (int64_t)item->valuedouble;
    return 0;
}

static int copy_elections(const cJSON *header, char out[LIST_ELECTIONS_JSON_BYTES], netral_error *err)
{
    const cJSON *elections = cJSON_GetObjectItemCaseSensitive(header, "elections");
    const cJSON *e;
    char *text = NULL;
    int rc = -1;

    if (!cJSON_IsArray(elections) || cJSON_GetArraySize(elections) == 0 ||
        cJSON_GetArraySize(elections) > (int)MAX_ELECTIONS)
        return netral_fail(err, NETRAL_E_FORMAT, "\"elections\" must be a list of 1 to %u names", MAX_ELECTIONS);
    cJSON_ArrayForEach(e, elections) {
        if (!cJSON_IsString(e) || e->valuestring[0] == '\0' || strlen(e->valuestring) > MAX_ENTITY_FIELD_BYTES)
            return netral_fail(err, NETRAL_E_FORMAT, "each election must be a name of 1 to %u bytes",
                               MAX_ENTITY_FIELD_BYTES);
        for (const char *c = e->valuestring; *c != '\0'; c++)   /* shown to people, as every text */
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                return netral_fail(err, NETRAL_E_FORMAT, "an election name has a control character");
    }
    text = cJSON_PrintUnformatted(elections);
    if (text == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (strlen(text) >= LIST_ELECTIONS_JSON_BYTES) {
        netral_fail(err, NETRAL_E_FORMAT, "\"elections\" is too long");
        goto done;
    }
    strcpy(out, text);
    rc = 0;
done:
    cJSON_free(text);
    return rc;
}

int list_header_from_object(const cJSON *h, list_header *out, netral_error *err)
{
    const cJSON *format = cJSON_GetObjectItemCaseSensitive(h, "format");
    const cJSON *format_version = cJSON_GetObjectItemCaseSensitive(h, "format_version");
    if (!cJSON_IsObject(h)) return netral_fail(err, NETRAL_E_FORMAT, "the list header must be an object");
    if (!cJSON_IsString(format) || strcmp(format->valuestring, LIST_FORMAT_NAME) != 0)
        return netral_fail(err, NETRAL_E_FORMAT, "not a Netral list: the header needs \"format\": \"%s\"",
                           LIST_FORMAT_NAME);
    if (!cJSON_IsNumber(format_version) || format_version->valuedouble != LIST_FORMAT_VERSION)
        return netral_fail(err, NETRAL_E_FORMAT, "unsupported list format version (this host reads version %d)",
                           LIST_FORMAT_VERSION);
    if (read_positive_integer(h, "version", &out->version, err) != 0 ||
        read_time(h, "issued", &out->issued, err) != 0 || read_time(h, "expires", &out->expires, err) != 0 ||
        copy_string(h, "issuer", 1, out->issuer, err) != 0 || copy_elections(h, out->elections_json, err) != 0)
        return -1;
    if (out->expires <= out->issued) return netral_fail(err, NETRAL_E_FORMAT, "the list expires before it is issued");
    out->content_digest[0] = '\0';
    const cJSON *digest = cJSON_GetObjectItemCaseSensitive(h, "content_digest");
    if (digest != NULL) {
        if (!cJSON_IsString(digest) || !is_digest_text(digest->valuestring))
            return netral_fail(err, NETRAL_E_FORMAT, "\"content_digest\" must be 128 lower-case hex digits");
        memcpy(out->content_digest, digest->valuestring, sizeof out->content_digest);
    }
    return 0;
}

int list_parse_header(const char *line, size_t len, list_header *out, netral_error *err)
{
    cJSON *h = parse_object(line, len, "the header line", err);
    int rc;
    if (h == NULL) return -1;
    rc = list_header_from_object(h, out, err);
    cJSON_Delete(h);
    return rc;
}

int list_parse_entry(const char *line, size_t len, list_entry *out, netral_error *err)
{
    cJSON *e = parse_object(line, len, "the entry", err);
    netral_platform platform;
    int rc = -1;
    if (e == NULL) return -1;

    const cJSON *platform_item = cJSON_GetObjectItemCaseSensitive(e, "platform");
    const cJSON *accounts = cJSON_GetObjectItemCaseSensitive(e, "accounts");
    const cJSON *entity = cJSON_GetObjectItemCaseSensitive(e, "entity");
    const cJSON *a;

    if (!cJSON_IsString(platform_item) ||
        platform_parse(platform_item->valuestring, strlen(platform_item->valuestring), &platform) != 0) {
        netral_fail(err, NETRAL_E_FORMAT, "\"platform\" must be one of " NETRAL_PLATFORM_LIST);
        goto done;
    }
    if (!cJSON_IsArray(accounts) || cJSON_GetArraySize(accounts) < 1 ||
        cJSON_GetArraySize(accounts) > (int)MAX_ACCOUNTS_PER_ENTRY) {
        netral_fail(err, NETRAL_E_FORMAT, "\"accounts\" must list 1 to %u accounts", MAX_ACCOUNTS_PER_ENTRY);
        goto done;
    }
    out->account_count = 0;
    cJSON_ArrayForEach(a, accounts) {
        netral_error account_err;
        if (!cJSON_IsString(a)) {
            netral_fail(err, NETRAL_E_FORMAT, "each account must be a string");
            goto done;
        }
        if (account_normalize(platform, a->valuestring, strlen(a->valuestring),
                              &out->accounts[out->account_count], &account_err) != 0) {
            netral_fail(err, NETRAL_E_FORMAT, "account \"%.100s\": %s", a->valuestring, account_err.msg);
            goto done;
        }
        out->account_count++;
    }
    if (list_entity_from_object(entity, &out->entity, err) != 0) goto done;
    rc = 0;
done:
    cJSON_Delete(e);
    return rc;
}

int list_entity_from_object(const cJSON *entity, list_entity *out, netral_error *err)
{
    if (!cJSON_IsObject(entity)) return netral_fail(err, NETRAL_E_FORMAT, "\"entity\" must be an object");
    if (copy_string(entity, "name", 1, out->name, err) != 0 || copy_string(entity, "role", 0, out->role, err) != 0 ||
        copy_string(entity, "party", 0, out->party, err) != 0 ||
        copy_string(entity, "election", 0, out->election, err) != 0 ||
        copy_string(entity, "region", 0, out->region, err) != 0)
        return -1;
    return 0;
}

/* ---- deltas ---- */

static int copy_digest(const cJSON *obj, const char *name, char out[LIST_DIGEST_HEX_BYTES], netral_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsString(item) || !is_digest_text(item->valuestring))
        return netral_fail(err, NETRAL_E_FORMAT, "\"%s\" must be 128 lower-case hex digits", name);
    memcpy(out, item->valuestring, LIST_DIGEST_HEX_BYTES);
    return 0;
}

int delta_parse_header(const char *line, size_t len, delta_header *out, netral_error *err)
{
    cJSON *h = parse_object(line, len, "the delta's header line", err);
    const cJSON *format, *format_version;
    int rc = -1;
    if (h == NULL) return -1;
    format = cJSON_GetObjectItemCaseSensitive(h, "format");
    format_version = cJSON_GetObjectItemCaseSensitive(h, "format_version");
    if (!cJSON_IsString(format) || strcmp(format->valuestring, DELTA_FORMAT_NAME) != 0) {
        netral_fail(err, NETRAL_E_FORMAT, "not a Netral delta: the header needs \"format\": \"%s\"", DELTA_FORMAT_NAME);
        goto done;
    }
    if (!cJSON_IsNumber(format_version) || format_version->valuedouble != DELTA_FORMAT_VERSION) {
        netral_fail(err, NETRAL_E_FORMAT, "unsupported delta format version (this host reads version %d)",
                    DELTA_FORMAT_VERSION);
        goto done;
    }
    if (read_positive_integer(h, "from", &out->from, err) != 0 || read_positive_integer(h, "to", &out->to, err) != 0 ||
        copy_digest(h, "from_digest", out->from_digest, err) != 0 || copy_digest(h, "to_digest", out->to_digest, err) != 0 ||
        read_count(h, "entries", &out->entries, err) != 0 || read_count(h, "accounts", &out->accounts, err) != 0 ||
        list_header_from_object(cJSON_GetObjectItemCaseSensitive(h, "header"), &out->header, err) != 0)
        goto done;
    if (out->to <= out->from || out->header.version != out->to) {
        netral_fail(err, NETRAL_E_FORMAT, "the delta must lead from a version to a later one, and name its header");
        goto done;
    }
    rc = 0;
done:
    cJSON_Delete(h);
    return rc;
}

int delta_parse_op(const char *line, size_t len, delta_op *out, netral_error *err)
{
    cJSON *o = parse_object(line, len, "the operation", err);
    const cJSON *remove, *add, *body, *platform_item, *account_item;
    netral_platform platform;
    netral_error account_err;
    int rc = -1;
    if (o == NULL) return -1;
    remove = cJSON_GetObjectItemCaseSensitive(o, "remove");
    add = cJSON_GetObjectItemCaseSensitive(o, "add");
    if ((remove == NULL) == (add == NULL) || cJSON_GetArraySize(o) != 1) {
        netral_fail(err, NETRAL_E_FORMAT, "an operation is {\"remove\": …} or {\"add\": …}");
        goto done;
    }
    out->add = add != NULL;
    body = add != NULL ? add : remove;
    platform_item = cJSON_GetObjectItemCaseSensitive(body, "platform");
    account_item = cJSON_GetObjectItemCaseSensitive(body, "account");
    if (!cJSON_IsString(platform_item) ||
        platform_parse(platform_item->valuestring, strlen(platform_item->valuestring), &platform) != 0) {
        netral_fail(err, NETRAL_E_FORMAT, "\"platform\" must be one of " NETRAL_PLATFORM_LIST);
        goto done;
    }
    if (!cJSON_IsString(account_item) ||
        account_normalize(platform, account_item->valuestring, strlen(account_item->valuestring), &out->account,
                          &account_err) != 0) {
        netral_fail(err, NETRAL_E_FORMAT, "\"account\" is not an account of that platform");
        goto done;
    }
    if (out->add && list_entity_from_object(cJSON_GetObjectItemCaseSensitive(body, "entity"), &out->entity, err) != 0)
        goto done;
    rc = 0;
done:
    cJSON_Delete(o);
    return rc;
}

void line_reader_init(line_reader *r, int fd)
{
    r->fd = fd;
    r->start = r->end = 0;
    r->eof = 0;
    r->line_number = 0;
}

int line_reader_next(line_reader *r, const char **line, size_t *len, netral_error *err)
{
    for (;;) {
        char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
        if (nl != NULL || (r->eof && r->end > r->start)) {
            size_t n = nl ? (size_t)(nl - (r->buf + r->start)) : r->end - r->start;
            *line = r->buf + r->start;
            *len = n;
            r->start += n + (nl ? 1 : 0);
            r->line_number++;
            if (n > 0 && (*line)[n - 1] == '\r') (*len)--;
            if (*len > MAX_LIST_LINE_BYTES)
                return netral_fail(err, NETRAL_E_TOO_LARGE, "line %llu is longer than %u bytes",
                                   (unsigned long long)r->line_number, MAX_LIST_LINE_BYTES);
            return 1;
        }
        if (r->eof) return 0;
        if (r->end - r->start > MAX_LIST_LINE_BYTES)
            return netral_fail(err, NETRAL_E_TOO_LARGE, "line %llu is longer than %u bytes",
                               (unsigned long long)r->line_number + 1, MAX_LIST_LINE_BYTES);
        /* keep the partial line, make room after it */
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
        ssize_t got = os_read(r->fd, r->buf + r->end, sizeof r->buf - r->end);
        if (got < 0) {
            if (errno == EINTR) continue;
            return netral_fail(err, NETRAL_E_IO, "cannot read the list: %s", strerror(errno));
        }
        if (got == 0) r->eof = 1;
        r->end += (size_t)got;
    }
}
