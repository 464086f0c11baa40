/* Fuzz target: one request frame through the host's request handler (protocol.c).
 *
 * The input is the payload of one frame, as a browser extension (or a page able to reach it)
 * could send it. It is answered twice: by a host with a real installed list (built once at
 * start-up by signing a small list with a fresh key and importing it through import_list, as an
 * administrator would) and by a host with no list at all. Every reply must be what the browser
 * is promised (protocol.h): well-formed UTF-8 JSON, an object with an "id", at most
 * MAX_REPLY_BYTES, echoing the request's id whenever the request could be read. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "config.h"
#include "fuzz_util.h"
#include "importer.h"
#include "netral_limits.h"
#include "minisign.h"
#include "minisign_sign.h"
#include "protocol.h"
#include "utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Valid until the end of 2099, so that the fuzzer never meets an expired list by surprise. */
static const char SAMPLE_LIST[] =
    "{\"format\":\"netral-list\",\"format_version\":1,\"version\":7,\"issued\":\"2026-11-01T00:00:00Z\","
    "\"expires\":\"2099-12-31T00:00:00Z\",\"issuer\":\"Fuzz authority\",\"elections\":[\"Pilkada Fuzz 2026\"]}\n"
    "{\"platform\":\"x\",\"accounts\":[\"@fuzz_listed\",\"id:1700000000000000001\"],"
    "\"entity\":{\"name\":\"Tim Fuzz 01\",\"role\":\"akun resmi\",\"party\":\"Koalisi Fuzz\","
    "\"election\":\"Pilkada Fuzz 2026\",\"region\":\"Kota Fuzz\"}}\n"
    "{\"platform\":\"instagram\",\"accounts\":[\"@fuzz.listed\"],\"entity\":{\"name\":\"Tim Fuzz 01\"}}\n"
    "{\"platform\":\"facebook\",\"accounts\":[\"https://www.facebook.com/Fuzz.Listed\",\"group:fuzzgroup\","
    "\"id:100000000000001\"],\"entity\":{\"name\":\"Relawan Fuzz 02 \\u00e9\\u4e2d\",\"region\":\"Daerah \\u00c9\"}}\n"
    "{\"platform\":\"tiktok\",\"accounts\":[\"@fuzz.listed\"],\"entity\":{\"name\":\"Tim Fuzz 02\"}}\n"
    "{\"platform\":\"youtube\",\"accounts\":[\"@fuzzlisted\",\"channel:UCfuzzfuzzfuzzfuzzfuzz01\"],"
    "\"entity\":{\"name\":\"Kanal Fuzz\"}}\n"
    "{\"platform\":\"threads\",\"accounts\":[\"@fuzz_listed\"],\"entity\":{\"name\":\"Tim Fuzz 01\"}}\n";

static char work_dir[NETRAL_PATH_BYTES];   /* removed at exit */
static netral_paths with_list_paths, no_list_paths;
static protocol_ctx *with_list, *no_list;

static void make_dir(const char *path)
{
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "fuzz_request: mkdir %s: %s\n", path, strerror(errno));
        abort();
    }
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(fwrite(text, 1, strlen(text), f) == strlen(text));
    FUZZ_CHECK(fclose(f) == 0);
}

static void join(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    FUZZ_CHECK(n > 0 && (size_t)n < size);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path);
}

static void remove_work_dir(void)
{
    protocol_ctx_free(with_list);
    protocol_ctx_free(no_list);
    with_list = no_list = NULL;
    (void)nftw(work_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A run that crashed, or a libFuzzer -fork job that was stopped, leaves its directory behind:
 * remove those whose process is gone. */
static void remove_stale_work_dirs(const char *tmp)
{
    static const char prefix[] = "netral-fuzz-request-";
    DIR *d = opendir(tmp);
    struct dirent *e;
    if (d == NULL) return;
    while ((e = readdir(d)) != NULL) {
        char path[NETRAL_PATH_BYTES], *end = NULL;
        long pid;
        if (strncmp(e->d_name, prefix, sizeof prefix - 1) != 0) continue;
        pid = strtol(e->d_name + sizeof prefix - 1, &end, 10);
        if (end == NULL || *end != '\0' || pid <= 0) continue;
        if (pid != (long)getpid() && !(kill((pid_t)pid, 0) != 0 && errno == ESRCH)) continue;   /* alive */
        join(path, sizeof path, tmp, e->d_name);
        (void)nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    closedir(d);
}

/* Makes ROOT/config and ROOT/data and resolves them as the host would, from the environment. */
static void make_paths(const char *root, netral_paths *out)
{
    char config[NETRAL_PATH_BYTES], data[NETRAL_PATH_BYTES];
    netral_error err;
    make_dir(root);
    join(config, sizeof config, root, "config");
    join(data, sizeof data, root, "data");
    make_dir(config);
    make_dir(data);
    FUZZ_CHECK(setenv("NETRAL_CONFIG_DIR", config, 1) == 0);
    FUZZ_CHECK(setenv("NETRAL_DATA_DIR", data, 1) == 0);
    if (paths_resolve(out, &err) != 0) {
        fprintf(stderr, "fuzz_request: %s\n", err.msg);
        abort();
    }
}

/* Signs SAMPLE_LIST with a new key, trusts the key, and imports the list into PATHS. */
static void install_sample_list(const netral_paths *paths)
{
    char keys[NETRAL_PATH_BYTES], pub_path[NETRAL_PATH_BYTES];
    char list_path[NETRAL_PATH_BYTES], sig_path[NETRAL_PATH_BYTES];
    char *pub_text = NULL, *sec_text = NULL, *sig_text = NULL;
    unsigned char hash[MINISIGN_HASH_BYTES];
    minisign_seckey *key = NULL;
    import_result result;
    netral_error err;

    join(keys, sizeof keys, paths->config_dir, KEYS_SUBDIR);
    make_dir(keys);
    join(pub_path, sizeof pub_path, keys, "fuzz.pub");
    join(list_path, sizeof list_path, work_dir, "list.jsonl");
    join(sig_path, sizeof sig_path, work_dir, "list.jsonl.minisig");
    write_file(list_path, SAMPLE_LIST);
    if (minisign_keygen(NULL, &pub_text, &sec_text, &err) != 0 ||
        minisign_seckey_parse(sec_text, strlen(sec_text), NULL, &key, &err) != 0 ||
        minisign_hash_file(list_path, MAX_LIST_BYTES, hash, &err) != 0 ||
        minisign_sign(key, hash, "fuzz", "fuzz list", &sig_text, &err) != 0) {
        fprintf(stderr, "fuzz_request: cannot sign the sample list: %s\n", err.msg);
        abort();
    }
    write_file(pub_path, pub_text);
    write_file(sig_path, sig_text);
    if (import_list(paths, list_path, sig_path, &result, &err) != 0) {
        fprintf(stderr, "fuzz_request: cannot import the sample list: %s\n", err.msg);
        abort();
    }
    FUZZ_CHECK(result.meta.entries == 6);
    minisign_seckey_free(key);
    sodium_free(sec_text);
    free(pub_text);
    free(sig_text);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char root[NETRAL_PATH_BYTES], name[64];
    const char *tmp = getenv("TMPDIR");
    netral_error err;
    (void)argc;
    (void)argv;

    FUZZ_CHECK(minisign_init(&err) == 0);
    if (tmp == NULL || tmp[0] == '\0') tmp = "/tmp";
    remove_stale_work_dirs(tmp);
    snprintf(name, sizeof name, "netral-fuzz-request-%ld", (long)getpid());
    join(work_dir, sizeof work_dir, tmp, name);
    make_dir(work_dir);
    FUZZ_CHECK(atexit(remove_work_dir) == 0);
    /* Neither the clock nor the caller's environment may change what the list says. */
    FUZZ_CHECK(unsetenv("NETRAL_NOW") == 0);

    join(root, sizeof root, work_dir, "with-list");
    make_paths(root, &with_list_paths);
    install_sample_list(&with_list_paths);
    join(root, sizeof root, work_dir, "no-list");
    make_paths(root, &no_list_paths);

    with_list = protocol_ctx_new(&with_list_paths);
    no_list = protocol_ctx_new(&no_list_paths);
    FUZZ_CHECK(with_list != NULL && no_list != NULL);
    return 0;
}

/* cJSON prints infinities and NaN as null, so an id holding one cannot come back equal. */
static int all_finite(const cJSON *item)
{
    if (cJSON_IsNumber(item)) return isfinite(item->valuedouble);
    for (const cJSON *child = item->child; child != NULL; child = child->next)
        if (!all_finite(child)) return 0;
    return 1;
}

/* A and B are the same value, member by member in order (cJSON_Compare looks members up by
 * name, so it calls {"a":1,"a":2} different from itself). Numbers exactly: the host echoes
 * them as the shortest text that reads back as the same double. */
static int same_json(const cJSON *a, const cJSON *b)
{
    const cJSON *x, *y;
    if ((a->type & 0xFF) != (b->type & 0xFF)) return 0;
    if (cJSON_IsNumber(a)) return a->valuedouble == b->valuedouble;
    if (cJSON_IsString(a)) return strcmp(a->valuestring, b->valuestring) == 0;
    for (x = a->child, y = b->child; x != NULL && y != NULL; x = x->next, y = y->next) {
        if (cJSON_IsObject(a) && strcmp(x->string, y->string) != 0) return 0;
        if (!same_json(x, y)) return 0;
    }
    return x == NULL && y == NULL;
}

/* 1 when the JSON text holds the escape \u0000 (an odd run of backslashes before "u0000"):
 * the host refuses such a request with "id": null, as docs/protocol.md says. */
static int holds_escaped_nul(const uint8_t *data, size_t size)
{
    size_t run = 0;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == '\\') {
            run++;
            continue;
        }
        if (run % 2 == 1 && size - i >= 5 && memcmp(data + i, "u0000", 5) == 0) return 1;
        run = 0;
    }
    return 0;
}

/* Reads the request as the host does: *request is the object when it could be read (else
 * NULL), and the result its "id" member (NULL when it has none). */
static cJSON *request_id(const uint8_t *data, size_t size, cJSON **request)
{
    const char *end = NULL;
    *request = NULL;
    if (!utf8_valid(data, size)) return NULL;
    *request = cJSON_ParseWithLengthOpts((const char *)data, size, &end, 0);
    if (*request == NULL) return NULL;
    while (end < (const char *)data + size && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')) end++;
    if (end != (const char *)data + size || !cJSON_IsObject(*request)) {
        cJSON_Delete(*request);
        *request = NULL;
        return NULL;
    }
    return cJSON_GetObjectItemCaseSensitive(*request, "id");
}

/* Whether some object in the tree names a key twice (the host refuses those: cJSON reads the
 * first, JavaScript the last). */
static int names_a_key_twice(const cJSON *item)
{
    for (const cJSON *child = item ? item->child : NULL; child != NULL; child = child->next) {
        if (cJSON_IsObject(item))
            for (const cJSON *other = child->next; other != NULL; other = other->next)
                if (strcmp(other->string, child->string) == 0) return 1;
        if (names_a_key_twice(child)) return 1;
    }
    return 0;
}

/* Whether the id takes more than MAX_ID_BYTES, as the protocol measures it. */
static int id_over_limit(const cJSON *id)
{
    char *text;
    size_t len;
    if (id == NULL) return 0;
    if (cJSON_IsString(id)) return strlen(id->valuestring) > MAX_ID_BYTES;
    if (!cJSON_IsArray(id) && !cJSON_IsObject(id)) return 0;
    text = cJSON_PrintUnformatted(id);
    len = text ? strlen(text) : (size_t)-1;
    cJSON_free(text);
    return len > MAX_ID_BYTES;
}

static void check_reply(const char *reply, const uint8_t *data, size_t size)
{
    size_t len;
    cJSON *parsed, *request = NULL, *want_id;
    const cJSON *id, *error, *code;

    FUZZ_CHECK(reply != NULL);
    len = strlen(reply);
    FUZZ_CHECK(len <= MAX_REPLY_BYTES);
    FUZZ_CHECK(utf8_valid((const unsigned char *)reply, len));
    parsed = cJSON_ParseWithLength(reply, len);
    FUZZ_CHECK(cJSON_IsObject(parsed));
    FUZZ_CHECK(cJSON_HasObjectItem(parsed, "id"));
    id = cJSON_GetObjectItemCaseSensitive(parsed, "id");
    error = cJSON_GetObjectItemCaseSensitive(parsed, "error");
    code = cJSON_GetObjectItemCaseSensitive(error, "code");
    if (error != NULL) {
        FUZZ_CHECK(cJSON_IsString(code) && code->valuestring[0] != '\0');
        FUZZ_CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(error, "message")));
    }

    /* No JSON text holds a raw NUL byte (cJSON would read a string only up to it, and answer
     * for a request the browser did not send). */
    if (memchr(data, '\0', size) != NULL) {
        FUZZ_CHECK(error != NULL && cJSON_IsNull(id));
        cJSON_Delete(parsed);
        return;
    }
    /* An escaped NUL is refused as bad_request (unless invalid_utf8 came first); only a number
     * id, which cJSON cannot have cut, is echoed. */
    if (holds_escaped_nul(data, size)) {
        FUZZ_CHECK(error != NULL);
        want_id = request_id(data, size, &request);
        if (request != NULL && strcmp(code->valuestring, "bad_request") == 0 && cJSON_IsNumber(want_id) &&
            all_finite(want_id))
            FUZZ_CHECK(same_json(want_id, id));
        else
            FUZZ_CHECK(cJSON_IsNull(id));
        cJSON_Delete(request);
        cJSON_Delete(parsed);
        return;
    }

    /* A request the host could read gets its own id back, unless that id is over MAX_ID_BYTES or
     * made the reply too large to send (then null is the documented answer). */
    want_id = request_id(data, size, &request);
    if (request != NULL && names_a_key_twice(request)) {
        FUZZ_CHECK(cJSON_IsNull(id) && cJSON_IsString(code) && strcmp(code->valuestring, "bad_request") == 0);
    } else if (request != NULL && id_over_limit(want_id)) {
        FUZZ_CHECK(cJSON_IsNull(id) && cJSON_IsString(code) && strcmp(code->valuestring, "bad_request") == 0);
    } else if (request != NULL && !(cJSON_IsString(code) && strcmp(code->valuestring, "reply_too_large") == 0)) {
        if (want_id == NULL) FUZZ_CHECK(cJSON_IsNull(id));
        else if (all_finite(want_id)) FUZZ_CHECK(id != NULL && same_json(want_id, id));
    }
    cJSON_Delete(request);
    cJSON_Delete(parsed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    protocol_ctx *hosts[2] = {with_list, no_list};
    for (size_t i = 0; i < 2; i++) {
        char *reply = protocol_handle(hosts[i], data, size);
        check_reply(reply, data, size);
        cJSON_free(reply);
    }
    return 0;
}
