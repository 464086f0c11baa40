/* Reference: what cJSON alone costs a host. Reads each frame, parses it with
 * cJSON_ParseWithLengthOpts and answers `check` and `check_batch` with the replies netral-host
 * gives for the benchmark's lists, built and printed with cJSON as netral-host does, but with no
 * lookup: an account @benchK is listed when K < N (argv[1], the list's entries; the benchmark's
 * lists hold @bench0 .. @bench<N-1>), its entity made from K as bench/make-list.mjs --lean makes
 * it. Any other request gets a small error reply. Exits at end of input.
 * cJSON allocates from a block reset after every reply (as netral-host's json_arena.c does), and
 * no tree is freed: the least that cJSON's parse and print cost. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define MAX_FRAME (1u << 20)

static long long entries;

static _Alignas(16) unsigned char arena[1u << 20];
static size_t used;

static void *arena_malloc(size_t size)
{
    size_t start = (used + 15) & ~(size_t)15;
    if (start + size > sizeof arena) return NULL;   /* a reply of the benchmark's takes far less */
    used = start + size;
    return arena + start;
}

static void arena_free(void *p)
{
    (void)p;
}

static int read_full(unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(STDIN_FILENO, buf + got, n - got);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

static int write_frame(const char *text)
{
    uint32_t len = (uint32_t)strlen(text);
    static unsigned char out[4 + MAX_FRAME];
    if (len > MAX_FRAME) return -1;
    memcpy(out, &len, 4);
    memcpy(out + 4, text, len);
    return write(STDOUT_FILENO, out, 4 + (size_t)len) == (ssize_t)(4 + len) ? 0 : -1;
}

/* The result for one {platform, account} item, shaped as netral-host's. */
static void answer(const cJSON *item, cJSON *out)
{
    const cJSON *platform = cJSON_GetObjectItemCaseSensitive(item, "platform");
    const cJSON *account = cJSON_GetObjectItemCaseSensitive(item, "account");
    long long k = -1;
    char text[64];
    if (!cJSON_IsString(platform) || !cJSON_IsString(account)) {
        cJSON_AddItemToObjectCS(out, "error", cJSON_CreateStringReference("bad_request"));
        return;
    }
    if (strncmp(account->valuestring, "@bench", 6) == 0) k = strtoll(account->valuestring + 6, NULL, 10);
    cJSON_AddItemToObjectCS(out, "platform", cJSON_CreateString(platform->valuestring));
    cJSON_AddItemToObjectCS(out, "account", cJSON_CreateString(account->valuestring));
    cJSON_AddItemToObjectCS(out, "verdict", cJSON_CreateStringReference(k >= 0 && k < entries ? "listed" : "clear"));
    cJSON_AddItemToObjectCS(out, "list_version", cJSON_CreateNumber(1));
    cJSON_AddItemToObjectCS(out, "stale", cJSON_CreateFalse());
    if (k >= 0 && k < entries) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToObjectCS(out, "entity", e);
        snprintf(text, sizeof text, "Tim %lld", k);
        cJSON_AddItemToObjectCS(e, "name", cJSON_CreateString(text));
        cJSON_AddItemToObjectCS(e, "role", cJSON_CreateString(""));
        cJSON_AddItemToObjectCS(e, "party", cJSON_CreateString("Koalisi Uji"));
        cJSON_AddItemToObjectCS(e, "election", cJSON_CreateString(""));
        snprintf(text, sizeof text, "Wilayah %lld", k % 514);
        cJSON_AddItemToObjectCS(e, "region", cJSON_CreateString(text));
    }
}

static char *handle(const char *frame, size_t len)
{
    cJSON *request = cJSON_ParseWithLengthOpts(frame, len, NULL, 0), *reply = cJSON_CreateObject();
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(request, "type"), *item;
    char *text;
    cJSON *id = cJSON_DetachItemFromObjectCaseSensitive(request, "id");
    cJSON_AddItemToObject(reply, "id", id ? id : cJSON_CreateNull());
    if (cJSON_IsString(type) && strcmp(type->valuestring, "check") == 0) {
        answer(request, reply);
    } else if (cJSON_IsString(type) && strcmp(type->valuestring, "check_batch") == 0) {
        cJSON *results = cJSON_AddArrayToObject(reply, "results");
        cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(request, "items")) {
            cJSON *result = cJSON_CreateObject();
            answer(item, result);
            cJSON_AddItemToArray(results, result);
        }
        cJSON_AddItemToObjectCS(reply, "list_version", cJSON_CreateNumber(1));
    } else {
        cJSON_AddItemToObjectCS(reply, "error", cJSON_CreateStringReference("unknown_type"));
    }
    text = cJSON_PrintBuffered(reply, 1024, 0);
    return text;   /* the trees go with the arena */
}

int main(int argc, char **argv)
{
    unsigned char *buf = malloc(MAX_FRAME);
    cJSON_Hooks hooks = {arena_malloc, arena_free};
    if (argc != 2 || buf == NULL) {
        fprintf(stderr, "usage: cjson-host ENTRIES\n");
        return 2;
    }
    entries = atoll(argv[1]);
    cJSON_InitHooks(&hooks);
    for (;;) {
        uint32_t n;
        char *text;
        if (read_full((unsigned char *)&n, 4) != 0 || n > MAX_FRAME || read_full(buf, n) != 0) return 0;
        text = handle((const char *)buf, n);
        if (text == NULL || write_frame(text) != 0) return 1;
        used = 0;
    }
}
