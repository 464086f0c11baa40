/* Fuzz target: the repository index parser (repository.c), on the bytes of an index.json.
 *
 * The index is signed, but it is also what a laptop reads first from a web server or a share
 * (docs/updates.md), and the signature is checked over the same bytes with a key that lives
 * online: the parser must hold against anything. Whatever parses must name only plain file
 * names in the repository's directory (no '/', nothing hidden), sizes within MAX_LIST_BYTES,
 * deltas from versions older than the list's, an expiry after the issue time; and printing the
 * parsed index (repo_index_print, as `netral publish` writes it) must give text that parses to
 * the same index and prints the same again. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz_util.h"
#include "repository.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static repo_index *index_first, *index_again;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    index_first = malloc(sizeof *index_first);
    index_again = malloc(sizeof *index_again);
    FUZZ_CHECK(index_first != NULL && index_again != NULL);
    return 0;
}

static int is_hex(const char *s, size_t digits)
{
    return strnlen(s, digits + 1) == digits && strspn(s, "0123456789abcdef") == digits;
}

/* A name the updater may join to the repository's directory. */
static void check_name(const char *name)
{
    size_t n = strnlen(name, REPO_NAME_BYTES);
    FUZZ_CHECK(n > 0 && n < REPO_NAME_BYTES);
    FUZZ_CHECK(name[0] != '.');
    FUZZ_CHECK(memchr(name, '/', n) == NULL && memchr(name, '\\', n) == NULL);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        FUZZ_CHECK(c > 0x20 && c < 0x7f && c != ':');
    }
}

static void check_file(const repo_file *f)
{
    check_name(f->file);
    check_name(f->signature);
    FUZZ_CHECK(f->size <= MAX_LIST_BYTES);
    FUZZ_CHECK(is_hex(f->blake2b, REPO_HASH_HEX_BYTES - 1));
}

static void check_index(const repo_index *x)
{
    FUZZ_CHECK(x->serial >= 1);
    FUZZ_CHECK(x->expires > x->issued);
    FUZZ_CHECK(x->list_version >= 1 && x->entries >= 0 && x->accounts >= 0);
    FUZZ_CHECK(is_hex(x->content_digest, LIST_DIGEST_HEX_BYTES - 1));
    check_file(&x->list);
    FUZZ_CHECK(x->list.from == 0);
    FUZZ_CHECK(x->delta_count <= MAX_INDEX_DELTAS);
    for (size_t i = 0; i < x->delta_count; i++) {
        check_file(&x->deltas[i]);
        FUZZ_CHECK(x->deltas[i].from >= 1 && x->deltas[i].from < x->list_version);
    }
}

static int same_file(const repo_file *a, const repo_file *b)
{
    return strcmp(a->file, b->file) == 0 && strcmp(a->signature, b->signature) == 0 && a->size == b->size &&
           strcmp(a->blake2b, b->blake2b) == 0 && a->from == b->from;
}

static int same_index(const repo_index *a, const repo_index *b)
{
    if (a->serial != b->serial || a->issued != b->issued || a->expires != b->expires ||
        a->list_version != b->list_version || a->entries != b->entries || a->accounts != b->accounts ||
        strcmp(a->content_digest, b->content_digest) != 0 || !same_file(&a->list, &b->list) ||
        a->delta_count != b->delta_count)
        return 0;
    for (size_t i = 0; i < a->delta_count; i++)
        if (!same_file(&a->deltas[i], &b->deltas[i])) return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    netral_error err = {NETRAL_OK, ""};
    char *printed, *reprinted;

    if (repo_index_parse((const char *)data, size, index_first, &err) != 0) {
        FUZZ_CHECK(err.code != NETRAL_OK && err.msg[0] != '\0');
        return 0;
    }
    check_index(index_first);

    printed = repo_index_print(index_first);
    FUZZ_CHECK(printed != NULL);
    FUZZ_CHECK(strlen(printed) <= MAX_INDEX_BYTES);
    err = (netral_error){NETRAL_OK, ""};
    int printed_parses = repo_index_parse(printed, strlen(printed), index_again, &err) == 0;
    if (!printed_parses) fprintf(stderr, "fuzz_index: the printed index does not parse: %s\n%s\n", err.msg, printed);
    FUZZ_CHECK(printed_parses);
    FUZZ_CHECK(same_index(index_first, index_again));
    reprinted = repo_index_print(index_again);
    FUZZ_CHECK(reprinted != NULL && strcmp(printed, reprinted) == 0);
    cJSON_free(reprinted);
    cJSON_free(printed);
    return 0;
}
