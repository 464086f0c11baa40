#include "content_digest.h"

#include <string.h>

#include <sodium.h>

static void row_hash(const account_ref *account, const list_entity *entity, uint64_t lanes[CONTENT_DIGEST_LANES])
{
    /* The fields, each followed by a line break (none of them may hold one: listfile.c), hashed
     * in one call: a million rows are imported at a time. */
    const char *fields[] = {platform_name(account->platform), account->account, entity->name, entity->role,
                            entity->party, entity->election, entity->region};
    unsigned char row[MAX_CANONICAL_ACCOUNT_BYTES + 16 + 5 * LIST_FIELD_BYTES + 8];
    unsigned char hash[CONTENT_DIGEST_LANES * 8];
    size_t used = 0;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        size_t n = strlen(fields[i]);
        if (n > sizeof row - used - 1) n = sizeof row - used - 1;   /* cannot happen: fields are bounded */
        memcpy(row + used, fields[i], n);
        used += n;
        row[used++] = '\n';
    }
    crypto_generichash(hash, sizeof hash, row, used, NULL, 0);
    for (size_t l = 0; l < CONTENT_DIGEST_LANES; l++) {
        uint64_t v = 0;
        for (int b = 7; b >= 0; b--) v = (v << 8) | hash[l * 8 + (size_t)b];   /* little-endian */
        lanes[l] = v;
    }
}

void content_digest_init(content_digest *d)
{
    memset(d, 0, sizeof *d);
}

void content_digest_add(content_digest *d, const account_ref *account, const list_entity *entity)
{
    uint64_t lanes[CONTENT_DIGEST_LANES];
    row_hash(account, entity, lanes);
    for (size_t l = 0; l < CONTENT_DIGEST_LANES; l++) d->lane[l] += lanes[l];
}

void content_digest_remove(content_digest *d, const account_ref *account, const list_entity *entity)
{
    uint64_t lanes[CONTENT_DIGEST_LANES];
    row_hash(account, entity, lanes);
    for (size_t l = 0; l < CONTENT_DIGEST_LANES; l++) d->lane[l] -= lanes[l];
}

void content_digest_hex(const content_digest *d, char out[CONTENT_DIGEST_HEX_BYTES])
{
    static const char hex[] = "0123456789abcdef";
    for (size_t l = 0; l < CONTENT_DIGEST_LANES; l++)
        for (int nibble = 15; nibble >= 0; nibble--)
            out[l * 16 + (size_t)(15 - nibble)] = hex[(d->lane[l] >> (4 * nibble)) & 15];
    out[CONTENT_DIGEST_HEX_BYTES - 1] = '\0';
}

int content_digest_parse(const char *text, content_digest *out)
{
    if (strlen(text) != CONTENT_DIGEST_HEX_BYTES - 1) return -1;
    for (size_t l = 0; l < CONTENT_DIGEST_LANES; l++) {
        uint64_t v = 0;
        for (size_t i = 0; i < 16; i++) {
            char c = text[l * 16 + i];
            unsigned digit;
            if (c >= '0' && c <= '9') digit = (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f') digit = (unsigned)(c - 'a' + 10);
            else return -1;
            v = (v << 4) | digit;
        }
        out->lane[l] = v;
    }
    return 0;
}
