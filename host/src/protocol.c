#include "protocol.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "account.h"
#include "audit.h"
#include "fileio.h"
#include "clock.h"
#include "config.h"
#include "isotime.h"
#include "json.h"
#include "json_arena.h"
#include "netral_limits.h"
#include "recognition.h"
#include "site_rules.h"
#include "spool.h"
#include "store.h"

#include <sodium.h>

struct protocol_ctx {
    const netral_paths *paths;
    store_reader *reader;
    spool *spool;   /* made at the first update request */
    unsigned char *chunk;   /* SPOOL_CHUNK_MAX_BYTES, for a decoded update_file */
};

/* What is installed, as the reader has it: nothing here is read or copied per request. */
typedef struct {
    store *db;                      /* NULL when no usable list */
    const store_meta *meta;         /* of db */
    int stale;
    const netral_error *problem;    /* why db is NULL */
} list_state;

#define REPLY_BUFFER_BYTES 1024

static const char *const ACTIONS[] = {"like", "react", "repost", "share", "quote", "reply",
                                      "comment", "follow", "subscribe", "join", NULL};

protocol_ctx *protocol_ctx_new(const netral_paths *paths)
{
    protocol_ctx *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) return NULL;
    ctx->paths = paths;
    ctx->reader = store_reader_new(paths->db_path);
    if (ctx->reader == NULL) {
        free(ctx);
        return NULL;
    }
    return ctx;
}

void protocol_ctx_free(protocol_ctx *ctx)
{
    if (ctx == NULL) return;
    store_reader_free(ctx->reader);
    spool_free(ctx->spool);
    free(ctx->chunk);
    free(ctx);
}

static void load_list_state(protocol_ctx *ctx, list_state *st)
{
    st->db = store_reader_get(ctx->reader, &st->meta, &st->problem);
    st->stale = st->db != NULL && netral_now() >= st->meta->expires;
}

static void add_time(cJSON *o, const char *name, int64_t t)
{
    char text[ISOTIME_BYTES];
    isotime_format(t, text);
    cJSON_AddStringToObject(o, name, text);
}

static cJSON *error_object(const char *code, const char *message)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    return e;
}

static void set_error(cJSON *reply, const char *code, const char *message)
{
    cJSON_AddItemToObject(reply, "error", error_object(code, message));
}

/* ---- hello and status ---- */

static void add_list_info(cJSON *reply, const list_state *st)
{
    if (st->db == NULL) {
        cJSON_AddNullToObject(reply, "list");
        json_add_text(reply, "list_problem", st->problem->msg);
        return;
    }
    cJSON *list = cJSON_AddObjectToObject(reply, "list");
    json_add_integer(list, "version", st->meta->version);
    cJSON_AddStringToObject(list, "issuer", st->meta->issuer);
    add_time(list, "issued", st->meta->issued);
    add_time(list, "expires", st->meta->expires);
    add_time(list, "imported", st->meta->imported_at);
    json_add_integer(list, "entries", st->meta->entries);
    json_add_integer(list, "accounts", st->meta->accounts);
    cJSON_AddStringToObject(list, "key_id", st->meta->key_id);
    cJSON_AddStringToObject(list, "content_digest", st->meta->content_digest);
    cJSON *elections = cJSON_Parse(st->meta->elections_json);
    cJSON_AddItemToObject(list, "elections", elections ? elections : cJSON_CreateArray());
    cJSON_AddBoolToObject(list, "stale", st->stale);
}

/* How current the list is kept (DATA/update-state.json, written by `netral update`), or null
 * where nothing updates it. "out_of_date_since" is set once the last verified index expired:
 * the repository stopped being re-signed, or this laptop stopped reaching it. */
static void add_update_state(protocol_ctx *ctx, cJSON *reply)
{
    char path[NETRAL_PATH_BYTES];
    netral_error err;
    cJSON *state = NULL;
    const cJSON *expires;
    int64_t t;
    if (path_join(path, sizeof path, ctx->paths->data_dir, UPDATE_STATE_FILE, &err) == 0)
        state = json_read_file(path, 64 * 1024);
    if (state == NULL) {
        cJSON_AddNullToObject(reply, "update");
        return;
    }
    expires = cJSON_GetObjectItemCaseSensitive(state, "index_expires");
    if (cJSON_IsString(expires) && isotime_parse(expires->valuestring, strlen(expires->valuestring), &t) == 0 &&
        netral_now() >= t)
        cJSON_AddStringToObject(state, "out_of_date_since", expires->valuestring);
    else
        cJSON_AddNullToObject(state, "out_of_date_since");
    cJSON_AddItemToObject(reply, "update", state);
}

static void handle_hello(protocol_ctx *ctx, cJSON *reply, const list_state *st)
{
    cJSON_AddNumberToObject(reply, "protocol", NETRAL_PROTOCOL_VERSION);
    cJSON_AddStringToObject(reply, "host_version", NETRAL_VERSION);
    add_list_info(reply, st);
    add_update_state(ctx, reply);
}

/* The kept site rules' header, for `netral status`: {"version", "issued", "expires"} or null (with
 * "sites_problem" when some are kept but not usable). */
/* The kept site rules, verified (the caller frees *TEXT); or NULL, with "sites": null in REPLY and,
 * when some are kept but not usable, "sites_problem" saying why. */
static char *kept_site_rules(protocol_ctx *ctx, cJSON *reply, site_rules_header *header, size_t *len)
{
    netral_error err;
    char *text = NULL;
    if (site_rules_read(ctx->paths, netral_now(), &text, len, header, &err) == 0) return text;
    cJSON_AddNullToObject(reply, "sites");
    if (err.code != NETRAL_E_NO_LIST) json_add_text(reply, "sites_problem", err.msg);
    return NULL;
}

static void add_site_rules_info(protocol_ctx *ctx, cJSON *reply)
{
    site_rules_header header;
    size_t len = 0;
    char *text = kept_site_rules(ctx, reply, &header, &len);
    if (text == NULL) return;
    free(text);
    cJSON *sites = cJSON_AddObjectToObject(reply, "sites");
    json_add_integer(sites, "version", header.version);
    add_time(sites, "issued", header.issued);
    add_time(sites, "expires", header.expires);
}

static void handle_status(protocol_ctx *ctx, cJSON *reply, const list_state *st)
{
    char path[NETRAL_PATH_BYTES];
    netral_error err;
    trusted_keys *keys = malloc(sizeof *keys);

    handle_hello(ctx, reply, st);
    json_add_text(reply, "config_dir", ctx->paths->config_dir);   /* paths need not be UTF-8 */
    json_add_text(reply, "data_dir", ctx->paths->data_dir);
    json_add_text(reply, "database", ctx->paths->db_path);

    cJSON *ids = cJSON_AddArrayToObject(reply, "trusted_keys");
    if (keys != NULL && trusted_keys_load(ctx->paths, keys, &err) == 0) {
        for (size_t i = 0; i < keys->count; i++) {
            char id[MINISIGN_KEY_ID_HEX_BYTES];
            minisign_key_id_hex(keys->keys[i].keynum, id);
            cJSON_AddItemToArray(ids, cJSON_CreateString(id));
        }
    }
    free(keys);

    cJSON *last = NULL;
    if (path_join(path, sizeof path, ctx->paths->data_dir, LAST_IMPORT_FILE, &err) == 0)
        last = json_read_file(path, 64 * 1024);
    cJSON_AddItemToObject(reply, "last_import", last ? last : cJSON_CreateNull());
    add_site_rules_info(ctx, reply);
    cJSON *counts = recognition_read_own(ctx->paths);
    cJSON_AddItemToObject(reply, "recognition", counts ? counts : cJSON_CreateNull());
}

/* ---- list updates over the web: offer, files, commit (spool.h) ---- */

static void set_failure(cJSON *reply, const netral_error *err)
{
    set_error(reply, netral_code_name(err->code), err->msg);
}

static int spool_ready(protocol_ctx *ctx, cJSON *reply)
{
    if (ctx->spool == NULL) ctx->spool = spool_new(ctx->paths);
    if (ctx->chunk == NULL) ctx->chunk = malloc(SPOOL_CHUNK_MAX_BYTES);
    if (ctx->spool != NULL && ctx->chunk != NULL) return 0;
    set_error(reply, "internal", "out of memory");
    return -1;
}

static cJSON *need_list(const spool_need *needs, size_t count)
{
    cJSON *files = cJSON_CreateArray();
    for (size_t i = 0; i < count; i++) {
        cJSON *f = cJSON_CreateObject();
        json_add_text(f, "name", needs[i].name);
        json_add_integer(f, needs[i].exact ? "size" : "max", (int64_t)needs[i].max);
        cJSON_AddItemToArray(files, f);
    }
    return files;
}

static void handle_update_offer(protocol_ctx *ctx, const list_state *st, const cJSON *request, cJSON *reply)
{
    const cJSON *index = cJSON_GetObjectItemCaseSensitive(request, "index");
    const cJSON *sig = cJSON_GetObjectItemCaseSensitive(request, "signature");
    const cJSON *source = cJSON_GetObjectItemCaseSensitive(request, "source");
    const cJSON *full = cJSON_GetObjectItemCaseSensitive(request, "full");
    spool_installed installed = {0, NULL};
    spool_offer_result offer;
    netral_error err;
    if (!cJSON_IsString(index) || !cJSON_IsString(sig) || (source != NULL && !cJSON_IsString(source)) ||
        (full != NULL && !cJSON_IsBool(full))) {
        set_error(reply, "bad_request", "update_offer needs \"index\" and \"signature\" texts");
        return;
    }
    if (spool_ready(ctx, reply) != 0) return;
    if (st->db != NULL) {
        installed.version = st->meta->version;
        installed.content_digest = st->meta->content_digest;
    }
    if (spool_offer(ctx->spool, index->valuestring, strlen(index->valuestring), sig->valuestring,
                    strlen(sig->valuestring), source ? source->valuestring : "", cJSON_IsTrue(full), &installed, &offer,
                    &err) != 0) {
        set_failure(reply, &err);
        return;
    }
    cJSON_AddStringToObject(reply, "state", offer.current ? "current" : "needed");
    json_add_integer(reply, "list_version", offer.list_version);
    json_add_integer(reply, "index_serial", offer.index_serial);
    if (!offer.current) cJSON_AddItemToObject(reply, "files", need_list(offer.needs, offer.need_count));
}

static void handle_update_file(protocol_ctx *ctx, const cJSON *request, cJSON *reply)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(request, "name");
    const cJSON *offset = cJSON_GetObjectItemCaseSensitive(request, "offset");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(request, "data");
    const cJSON *last = cJSON_GetObjectItemCaseSensitive(request, "last");
    spool_receive_result got;
    netral_error err;
    size_t len = 0;
    if (!cJSON_IsString(name) || !cJSON_IsNumber(offset) || offset->valuedouble < 0 ||
        offset->valuedouble > (double)SPOOL_MAX_BYTES || offset->valuedouble != floor(offset->valuedouble) ||
        !cJSON_IsString(data) || (last != NULL && !cJSON_IsBool(last))) {
        set_error(reply, "bad_request", "update_file needs \"name\", a whole \"offset\" and base64 \"data\"");
        return;
    }
    if (spool_ready(ctx, reply) != 0) return;
    if (sodium_base642bin(ctx->chunk, SPOOL_CHUNK_MAX_BYTES, data->valuestring, strlen(data->valuestring), NULL, &len,
                          NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
        set_error(reply, "bad_request", "\"data\" is not base64 of at most 1 MiB");
        return;
    }
    if (spool_receive(ctx->spool, name->valuestring, (uint64_t)offset->valuedouble, ctx->chunk, len, cJSON_IsTrue(last),
                      &got, &err) != 0) {
        set_failure(reply, &err);
        return;
    }
    json_add_integer(reply, "received", (int64_t)got.received);
    if (got.complete) {
        cJSON_AddTrueToObject(reply, "complete");
        cJSON_AddItemToObject(reply, "more", need_list(got.more, got.more_count));
    }
}

static void handle_update_commit(protocol_ctx *ctx, cJSON *reply)
{
    int64_t version = 0, serial = 0;
    netral_error err;
    if (spool_ready(ctx, reply) != 0) return;
    if (spool_commit(ctx->spool, &version, &serial, &err) != 0) {
        set_failure(reply, &err);
        return;
    }
    cJSON_AddStringToObject(reply, "state", "spooled");
    json_add_integer(reply, "list_version", version);
    json_add_integer(reply, "index_serial", serial);
}

/* ---- the site rules (site_rules.h) ---- */

/* The verified site rules kept by `netral update`, unless the extension has version "have"
 * (or a newer one) already: {"sites": document, "sites_version": N}, or "sites": null with
 * "current": true, or with "sites_problem" saying why the kept rules are not usable. */
static void handle_sites(protocol_ctx *ctx, const cJSON *request, cJSON *reply)
{
    const cJSON *have = cJSON_GetObjectItemCaseSensitive(request, "have");
    site_rules_header header;
    json_problem problem;
    char *text;
    size_t len = 0;
    cJSON *doc;
    if (have != NULL && (!cJSON_IsNumber(have) || have->valuedouble < 0)) {
        set_error(reply, "bad_request", "\"have\" must be the version of the rules in use");
        return;
    }
    if ((text = kept_site_rules(ctx, reply, &header, &len)) == NULL) return;
    json_add_integer(reply, "sites_version", header.version);
    if (have != NULL && have->valuedouble >= (double)header.version) {
        cJSON_AddNullToObject(reply, "sites");
        cJSON_AddTrueToObject(reply, "current");
    } else if ((doc = json_parse_exact(text, len, &problem)) != NULL && problem == JSON_OK) {
        json_keep_numbers_exact(doc);
        cJSON_AddItemToObject(reply, "sites", doc);
    } else {
        cJSON_Delete(doc);
        cJSON_AddNullToObject(reply, "sites");
        json_add_text(reply, "sites_problem", "the kept site rules are not JSON");
    }
    free(text);
}

/* ---- how well the site rules match, as the extension counted it (recognition.h) ---- */

static void handle_recognition(protocol_ctx *ctx, const cJSON *request, cJSON *reply)
{
    netral_error err;
    cJSON *counts = recognition_parse(cJSON_GetObjectItemCaseSensitive(request, "sites"), &err);
    if (counts == NULL) {
        set_error(reply, "bad_request", err.msg);
        return;
    }
    if (recognition_store(ctx->paths, counts, &err) != 0) set_failure(reply, &err);
    else cJSON_AddTrueToObject(reply, "stored");
    cJSON_Delete(counts);
}

/* ---- check and check_batch ---- */

static int valid_action(const cJSON *action)
{
    if (action == NULL) return 1;   /* optional */
    if (!cJSON_IsString(action)) return 0;
    for (const char *const *a = ACTIONS; *a != NULL; a++)
        if (strcmp(action->valuestring, *a) == 0) return 1;
    return 0;
}

/* Reply members under constant names (cJSON copies neither the name nor, for a reference, the
 * value: a check makes ten of them). VALUE must outlive the reply. */
static void add_reference(cJSON *o, const char *name, const char *value)
{
    cJSON_AddItemToObjectCS(o, name, cJSON_CreateStringReference(value));
}

static void add_copy(cJSON *o, const char *name, const char *value)
{
    cJSON_AddItemToObjectCS(o, name, cJSON_CreateString(value));
}

/* Fills OUT with the verdict for one {platform, account, action} object, or returns -1 with
 * an error code and message. */
static int check_one(const list_state *st, const cJSON *item, cJSON *out, const char **code, netral_error *err)
{
    const cJSON *platform_item = cJSON_GetObjectItemCaseSensitive(item, "platform");
    const cJSON *account_item = cJSON_GetObjectItemCaseSensitive(item, "account");
    netral_platform platform = PLATFORM_NONE;
    account_ref ref;
    list_entity entity;
    int found = 0;

    *code = "bad_request";
    if (!cJSON_IsObject(item)) return netral_fail(err, NETRAL_E_FORMAT, "a check item must be an object");
    if (platform_item != NULL && !cJSON_IsString(platform_item))
        return netral_fail(err, NETRAL_E_FORMAT, "\"platform\" must be a string");
    if (!cJSON_IsString(account_item)) return netral_fail(err, NETRAL_E_FORMAT, "\"account\" must be a string");
    if (!valid_action(cJSON_GetObjectItemCaseSensitive(item, "action")))
        return netral_fail(err, NETRAL_E_FORMAT, "\"action\" must be one of like, react, repost, share, quote, "
                                                 "reply, comment, follow, subscribe, join");
    *code = "bad_account";
    if (platform_item != NULL &&
        platform_parse(platform_item->valuestring, strlen(platform_item->valuestring), &platform) != 0)
        return netral_fail(err, NETRAL_E_ACCOUNT, "unknown platform");
    if (account_normalize(platform, account_item->valuestring, strlen(account_item->valuestring), &ref, err) != 0)
        return -1;

    add_reference(out, "platform", platform_name(ref.platform));
    add_copy(out, "account", ref.account);
    if (st->db == NULL) {
        add_reference(out, "verdict", "unknown");
        json_add_text(out, "reason", st->problem->msg);
        cJSON_AddNullToObject(out, "list_version");
        return 0;
    }
    if (store_lookup(st->db, &ref, &found, &entity, err) != 0) {
        add_reference(out, "verdict", "unknown");
        json_add_text(out, "reason", err->msg);
        cJSON_AddNullToObject(out, "list_version");
        return 0;
    }
    add_reference(out, "verdict", found ? "listed" : "clear");
    json_add_integer(out, "list_version", st->meta->version);
    cJSON_AddItemToObjectCS(out, "stale", cJSON_CreateBool(st->stale));
    if (found) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToObjectCS(out, "entity", e);
        add_copy(e, "name", entity.name);
        add_copy(e, "role", entity.role);
        add_copy(e, "party", entity.party);
        add_copy(e, "election", entity.election);
        add_copy(e, "region", entity.region);
    }
    return 0;
}

static void handle_check(const list_state *st, const cJSON *request, cJSON *reply)
{
    const char *code;
    netral_error err;
    if (check_one(st, request, reply, &code, &err) != 0) set_error(reply, code, err.msg);
}

static void handle_check_batch(const list_state *st, const cJSON *request, cJSON *reply)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(request, "items");
    const cJSON *item;
    char message[128];

    if (!cJSON_IsArray(items)) {
        set_error(reply, "bad_request", "\"items\" must be an array");
        return;
    }
    if (cJSON_GetArraySize(items) > (int)MAX_BATCH_ITEMS) {
        snprintf(message, sizeof message, "at most %u items in one check_batch", MAX_BATCH_ITEMS);
        set_error(reply, "too_many_items", message);
        return;
    }
    cJSON *results = cJSON_AddArrayToObject(reply, "results");
    cJSON_ArrayForEach(item, items) {
        cJSON *result = cJSON_CreateObject();
        const char *code;
        netral_error err;
        if (check_one(st, item, result, &code, &err) != 0) {
            cJSON_Delete(result);
            result = cJSON_CreateObject();
            set_error(result, code, err.msg);
        }
        cJSON_AddItemToArray(results, result);
    }
    if (st->db != NULL) json_add_integer(reply, "list_version", st->meta->version);
    else cJSON_AddNullToObject(reply, "list_version");
}

/* ---- the request ---- */

/* 1 when ID would take more than MAX_ID_BYTES in the reply (which must fit in MAX_REPLY_BYTES
 * with its largest answer). */
static int id_too_long(const cJSON *id)
{
    char *text;
    size_t len;
    if (cJSON_IsString(id)) return strlen(id->valuestring) > MAX_ID_BYTES;
    if (!cJSON_IsArray(id) && !cJSON_IsObject(id)) return 0;
    text = cJSON_PrintUnformatted(id);
    len = text ? strlen(text) : (size_t)-1;
    cJSON_free(text);
    return len > MAX_ID_BYTES;
}

static char *error_reply_with_id(cJSON *id, const char *code, const char *message)
{
    cJSON *reply = cJSON_CreateObject();
    char *text;
    if (reply == NULL) {
        cJSON_Delete(id);
        return NULL;
    }
    cJSON_AddItemToObject(reply, "id", id ? id : cJSON_CreateNull());
    set_error(reply, code, message);
    text = cJSON_PrintUnformatted(reply);
    cJSON_Delete(reply);
    return text;
}

char *protocol_error_reply(const char *code, const char *message)
{
    return error_reply_with_id(NULL, code, message);
}

char *protocol_handle(protocol_ctx *ctx, const unsigned char *frame, size_t len)
{
    cJSON *request = NULL, *reply = NULL, *id = NULL;
    char *text = NULL;
    json_problem problem;
    list_state st;

    if (len > MAX_REQUEST_BYTES) return protocol_error_reply("frame_too_large", "request over the size limit");
    request = json_parse_exact((const char *)frame, len, &problem);
    if (problem == JSON_INVALID_UTF8) return protocol_error_reply("invalid_utf8", "the request is not valid UTF-8");
    if (problem == JSON_NUL_BYTE) return protocol_error_reply("invalid_json", "NUL byte in the request");
    if (request == NULL) return protocol_error_reply("invalid_json", "the request is not valid JSON");
    if (problem == JSON_DUPLICATE_KEY) {
        /* Which "id" (or "account") was meant? cJSON would take the first, JavaScript the last. */
        cJSON_Delete(request);
        return protocol_error_reply("bad_request", "the request names a key twice");
    }
    if (!cJSON_IsObject(request)) {
        cJSON_Delete(request);
        return protocol_error_reply("not_an_object", "the request must be a JSON object");
    }
    id = cJSON_DetachItemFromObjectCaseSensitive(request, "id");
    if (id_too_long(id)) {
        char message[96];
        snprintf(message, sizeof message, "\"id\" is longer than %u bytes", MAX_ID_BYTES);
        cJSON_Delete(id);
        cJSON_Delete(request);
        return protocol_error_reply("bad_request", message);
    }
    if (id != NULL) json_keep_numbers_exact(id);
    if (problem == JSON_ESCAPED_NUL) {
        /* A number id is whole (the extension's are numbers), any other may have been cut. */
        if (!cJSON_IsNumber(id) && !cJSON_IsRaw(id)) {
            cJSON_Delete(id);
            id = NULL;
        }
        cJSON_Delete(request);
        return error_reply_with_id(id, "bad_request", "the request holds \\u0000");
    }
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(request, "type");
    if (!cJSON_IsString(type)) {
        cJSON_Delete(request);
        return error_reply_with_id(id, "bad_request", "\"type\" must be a string");
    }

    reply = cJSON_CreateObject();
    if (reply == NULL) goto done;
    cJSON_AddItemToObject(reply, "id", id ? id : cJSON_CreateNull());
    id = NULL;
    load_list_state(ctx, &st);
    if (strcmp(type->valuestring, "check") == 0) handle_check(&st, request, reply);
    else if (strcmp(type->valuestring, "check_batch") == 0) handle_check_batch(&st, request, reply);
    else if (strcmp(type->valuestring, "hello") == 0) handle_hello(ctx, reply, &st);
    else if (strcmp(type->valuestring, "status") == 0) handle_status(ctx, reply, &st);
    else if (strcmp(type->valuestring, "update_offer") == 0) handle_update_offer(ctx, &st, request, reply);
    else if (strcmp(type->valuestring, "update_file") == 0) handle_update_file(ctx, request, reply);
    else if (strcmp(type->valuestring, "update_commit") == 0) handle_update_commit(ctx, reply);
    else if (strcmp(type->valuestring, "sites") == 0) handle_sites(ctx, request, reply);
    else if (strcmp(type->valuestring, "recognition") == 0) handle_recognition(ctx, request, reply);
    else if (strcmp(type->valuestring, "audit_counts") == 0) audit_handle_request(ctx->paths, request, reply);
    else set_error(reply, "unknown_type", "unknown request type");

    /* Printed into a buffer that fits a check's reply: no growing copy, no final copy. */
    text = cJSON_PrintBuffered(reply, REPLY_BUFFER_BYTES, 0);
    if (text != NULL && strlen(text) > MAX_REPLY_BYTES) {
        cJSON_free(text);
        text = error_reply_with_id(cJSON_DetachItemFromObjectCaseSensitive(reply, "id"), "reply_too_large",
                                   "the reply would be over 1 MiB");
        if (text != NULL && strlen(text) > MAX_REPLY_BYTES) {   /* the id alone is too large */
            cJSON_free(text);
            text = protocol_error_reply("reply_too_large", "the reply would be over 1 MiB");
        }
    }
done:
    json_arena_delete(reply);
    json_arena_delete(request);
    return text;
}
