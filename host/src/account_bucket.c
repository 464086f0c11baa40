#include "account_bucket.h"

#include <string.h>

#include <sodium.h>

#include "account_hash.h"

#define ENTITY_FIELDS 5

/* One record, pointing into its row. */
typedef struct {
    const unsigned char *platform, *account, *field[ENTITY_FIELDS];
    size_t platform_len, account_len, field_len[ENTITY_FIELDS];
    size_t size;   /* of the whole record */
} bucket_record;

uint32_t account_bucket_count(uint64_t accounts)
{
    uint32_t n = 1;
    while (n < BUCKET_MAX_COUNT && (uint64_t)n * 4u < accounts) n <<= 1;
    return n;
}

uint32_t account_bucket_of(const account_ref *account, uint32_t buckets)
{
    return account_spread_place(account_spread(account), buckets);
}

/* Reads the record at P (LEFT bytes to the end of the row): 0, or -1 when the row ends inside
 * it or a length is over its limit. */
static int read_record(const unsigned char *p, size_t left, bucket_record *r)
{
    size_t at = 0;
    if (left < 1 || (r->platform_len = p[0]) == 0 || r->platform_len > left - 1) return -1;
    r->platform = p + 1;
    at = 1 + r->platform_len;
    if (left - at < 1 || (r->account_len = p[at]) == 0 || r->account_len >= MAX_CANONICAL_ACCOUNT_BYTES ||
        r->account_len > left - at - 1)
        return -1;
    r->account = p + at + 1;
    at += 1 + r->account_len;
    for (int i = 0; i < ENTITY_FIELDS; i++) {
        if (left - at < 2) return -1;
        r->field_len[i] = (size_t)p[at] | (size_t)p[at + 1] << 8;
        if (r->field_len[i] > MAX_ENTITY_FIELD_BYTES || r->field_len[i] > left - at - 2) return -1;
        r->field[i] = p + at + 2;
        at += 2 + r->field_len[i];
    }
    r->size = at;
    return 0;
}

static int record_is(const bucket_record *r, const char *platform, const account_ref *account)
{
    size_t n = strlen(account->account);
    return r->platform_len == strlen(platform) && memcmp(r->platform, platform, r->platform_len) == 0 &&
           r->account_len == n && memcmp(r->account, account->account, n) == 0;
}

int account_bucket_append_texts(unsigned char row[BUCKET_MAX_ROW_BYTES], size_t *len, const bucket_record_texts *t)
{
    size_t need = 2 + t->len[0] + t->len[1], at = *len;
    if (t->len[0] == 0 || t->len[0] > 255 || t->len[1] == 0 || t->len[1] >= MAX_CANONICAL_ACCOUNT_BYTES) return -1;
    for (int i = 2; i < BUCKET_RECORD_TEXTS; i++) {
        if (t->len[i] > MAX_ENTITY_FIELD_BYTES) return -1;
        need += 2 + t->len[i];
    }
    if (at > BUCKET_MAX_RECORD_BYTES || need > BUCKET_MAX_RECORD_BYTES - at) return -1;
    for (int i = 0; i < BUCKET_RECORD_TEXTS; i++) {
        if (i < 2) {
            row[at++] = (unsigned char)t->len[i];
        } else {
            row[at++] = (unsigned char)(t->len[i] & 0xff);
            row[at++] = (unsigned char)(t->len[i] >> 8);
        }
        memcpy(row + at, t->text[i], t->len[i]);
        at += t->len[i];
    }
    *len = at;
    return 0;
}

int account_bucket_append(unsigned char row[BUCKET_MAX_ROW_BYTES], size_t *len, const char *platform,
                          const char *account, const list_entity *entity)
{
    const char *texts[BUCKET_RECORD_TEXTS] = {platform, account, entity->name, entity->role, entity->party,
                                              entity->election, entity->region};
    bucket_record_texts t;
    for (int i = 0; i < BUCKET_RECORD_TEXTS; i++) {
        t.text[i] = texts[i];
        t.len[i] = strlen(texts[i]);
    }
    return account_bucket_append_texts(row, len, &t);
}

static void copy_field(const bucket_record *r, int i, char *out, size_t size)
{
    size_t n = r->field_len[i] < size ? r->field_len[i] : size - 1;
    memcpy(out, r->field[i], n);
    out[n] = '\0';
}

int account_bucket_find(const unsigned char *row, size_t len, const account_ref *account, list_entity *entity)
{
    const char *platform = platform_name(account->platform);
    bucket_record r;
    for (size_t at = 0; at < len; at += r.size) {
        if (read_record(row + at, len - at, &r) != 0) return -1;
        if (!record_is(&r, platform, account)) continue;
        if (entity == NULL) return 1;
        copy_field(&r, 0, entity->name, sizeof entity->name);
        copy_field(&r, 1, entity->role, sizeof entity->role);
        copy_field(&r, 2, entity->party, sizeof entity->party);
        copy_field(&r, 3, entity->election, sizeof entity->election);
        copy_field(&r, 4, entity->region, sizeof entity->region);
        return 1;
    }
    return 0;
}

int account_bucket_remove(const unsigned char *row, size_t len, const account_ref *account,
                          unsigned char out[BUCKET_MAX_ROW_BYTES], size_t *out_len)
{
    const char *platform = platform_name(account->platform);
    bucket_record r;
    int removed = 0;
    *out_len = 0;
    if (len > BUCKET_MAX_RECORD_BYTES) return -1;
    for (size_t at = 0; at < len; at += r.size) {
        if (read_record(row + at, len - at, &r) != 0) return -1;
        if (record_is(&r, platform, account)) {
            removed = 1;
            continue;
        }
        memcpy(out + *out_len, row + at, r.size);
        *out_len += r.size;
    }
    return removed;
}

static void seal_of(uint32_t bucket, const unsigned char *row, size_t records_len, unsigned flags,
                    unsigned char seal[BUCKET_SEAL_BYTES])
{
    crypto_generichash_state state;
    unsigned char number[4] = {(unsigned char)bucket, (unsigned char)(bucket >> 8), (unsigned char)(bucket >> 16),
                               (unsigned char)(bucket >> 24)};
    unsigned char flag = (unsigned char)flags;
    crypto_generichash_init(&state, NULL, 0, BUCKET_SEAL_BYTES);
    crypto_generichash_update(&state, number, sizeof number);
    crypto_generichash_update(&state, row, records_len);
    crypto_generichash_update(&state, &flag, 1);
    crypto_generichash_final(&state, seal, BUCKET_SEAL_BYTES);
}

size_t account_bucket_seal(uint32_t bucket, unsigned char row[BUCKET_MAX_ROW_BYTES], size_t records_len,
                           unsigned flags)
{
    row[records_len] = (unsigned char)flags;
    seal_of(bucket, row, records_len, flags, row + records_len + 1);
    return records_len + BUCKET_TRAILER_BYTES;
}

int account_bucket_unseal(uint32_t bucket, const unsigned char *row, size_t len, size_t *records_len,
                          unsigned *flags)
{
    unsigned char seal[BUCKET_SEAL_BYTES];
    size_t n;
    if (row == NULL || len < BUCKET_TRAILER_BYTES || len > BUCKET_MAX_ROW_BYTES) return -1;
    n = len - BUCKET_TRAILER_BYTES;
    seal_of(bucket, row, n, row[n], seal);
    if (sodium_memcmp(seal, row + n + 1, BUCKET_SEAL_BYTES) != 0) return -1;
    *records_len = n;
    *flags = row[n];
    return 0;
}
