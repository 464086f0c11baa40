/* The account buckets (account_bucket.h): a record put in a row is found with its entity, an
 * account not put there is not, a removal takes exactly its record out, a damaged or cut row
 * never crashes and is told apart from "not there", and a sealed row is accepted only whole,
 * unchanged, as its own bucket's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "account_bucket.h"

static void make(account_ref *ref, unsigned i, const char *prefix)
{
    ref->platform = (netral_platform)(PLATFORM_X + i % 6);
    snprintf(ref->account, sizeof ref->account, "@%s%u", prefix, i);
}

static void entity_of(list_entity *e, unsigned i)
{
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "Tim Pemenangan %u", i);
    snprintf(e->role, sizeof e->role, "akun pemenangan");
    snprintf(e->party, sizeof e->party, "Koalisi %u", i % 7);
    snprintf(e->election, sizeof e->election, "Pilkada 2027");
    snprintf(e->region, sizeof e->region, i % 2 ? "" : "Jawa Barat");
}

/* A row of N records (accounts 0..N-1). */
static size_t fill(unsigned char *row, unsigned n)
{
    size_t len = 0;
    for (unsigned i = 0; i < n; i++) {
        account_ref ref;
        list_entity e;
        make(&ref, i, "listed");
        entity_of(&e, i);
        CHECK(account_bucket_append(row, &len, platform_name(ref.platform), ref.account, &e) == 0);
    }
    return len;
}

static void a_record_should_be_found_with_its_entity_and_no_other(void)
{
    unsigned char row[BUCKET_MAX_ROW_BYTES];
    size_t len = fill(row, 20);
    for (unsigned i = 0; i < 20; i++) {
        account_ref ref;
        list_entity got, want;
        make(&ref, i, "listed");
        entity_of(&want, i);
        CHECK(account_bucket_find(row, len, &ref, &got) == 1);
        CHECK_STR(got.name, want.name);
        CHECK_STR(got.party, want.party);
        CHECK_STR(got.region, want.region);
        make(&ref, i, "other");
        CHECK(account_bucket_find(row, len, &ref, &got) == 0);
        make(&ref, i, "listed");
        ref.platform = (netral_platform)(PLATFORM_X + (i + 1) % 6);   /* same name, other platform */
        CHECK(account_bucket_find(row, len, &ref, &got) == 0);
    }
}

static void a_removal_should_take_out_its_record_only(void)
{
    unsigned char row[BUCKET_MAX_ROW_BYTES], out[BUCKET_MAX_ROW_BYTES];
    size_t len = fill(row, 5), out_len = 0;
    account_ref ref, other;
    list_entity e;
    make(&ref, 2, "listed");
    CHECK(account_bucket_remove(row, len, &ref, out, &out_len) == 1);
    CHECK(out_len < len);
    CHECK(account_bucket_find(out, out_len, &ref, &e) == 0);
    for (unsigned i = 0; i < 5; i++) {
        make(&other, i, "listed");
        if (i != 2) CHECK(account_bucket_find(out, out_len, &other, &e) == 1);
    }
    make(&ref, 9, "listed");
    CHECK(account_bucket_remove(row, len, &ref, out, &out_len) == 0);
    CHECK(out_len == len && memcmp(out, row, len) == 0);
}

static void a_full_row_should_refuse_a_record_and_stay_whole(void)
{
    unsigned char *row = malloc(BUCKET_MAX_ROW_BYTES);
    size_t len = 0, before;
    list_entity e;
    unsigned added = 0;
    CHECK(row != NULL);
    entity_of(&e, 1);
    memset(e.name, 'n', MAX_ENTITY_FIELD_BYTES);
    e.name[MAX_ENTITY_FIELD_BYTES] = '\0';
    for (unsigned i = 0; i < 1000; i++) {
        char account[32];
        snprintf(account, sizeof account, "@full%u", i);
        before = len;
        if (account_bucket_append(row, &len, "x", account, &e) != 0) {
            CHECK(len == before);
            break;
        }
        added++;
    }
    CHECK(added > 10 && added < 1000);
    CHECK(len <= BUCKET_MAX_RECORD_BYTES);
    free(row);
}

static void a_cut_or_damaged_row_should_find_only_whole_records(void)
{
    unsigned char row[BUCKET_MAX_ROW_BYTES], out[BUCKET_MAX_ROW_BYTES];
    size_t len = fill(row, 3), out_len;
    account_ref last;
    list_entity e;
    make(&last, 2, "listed");
    size_t whole[4] = {0}, records = 0;
    for (size_t at = 0; records < 3; records++) {   /* where each record ends */
        account_ref ref;
        list_entity x;
        make(&ref, (unsigned)records, "listed");
        entity_of(&x, (unsigned)records);
        at += 2 + strlen(platform_name(ref.platform)) + strlen(ref.account) + 10 + strlen(x.name) + strlen(x.role) +
              strlen(x.party) + strlen(x.election) + strlen(x.region);
        whole[records + 1] = at;
    }
    CHECK(whole[3] == len);
    for (size_t cut = 0; cut < len; cut++) {   /* every length short of the whole row */
        int at_boundary = cut == whole[0] || cut == whole[1] || cut == whole[2];
        int found = account_bucket_find(row, cut, &last, &e);
        CHECK(found == (at_boundary ? 0 : -1));   /* never "not there" for a cut record */
        CHECK(account_bucket_remove(row, cut, &last, out, &out_len) == (at_boundary ? 0 : -1));
        CHECK(out_len <= cut);
    }
    row[0] = 200;   /* the first record's platform runs past the row */
    CHECK(account_bucket_find(row, len, &last, &e) == -1);
    CHECK(account_bucket_remove(row, len, &last, out, &out_len) == -1 && out_len == 0);
    for (unsigned seed = 1; seed < 2000; seed++) {   /* random bytes: bounded, whatever they are */
        for (size_t i = 0; i < 64; i++) row[i] = (unsigned char)randombytes_uniform(256);
        (void)account_bucket_find(row, 64, &last, &e);
        (void)account_bucket_remove(row, 64, &last, out, &out_len);
        CHECK(out_len <= 64);
    }
}

static void a_sealed_row_should_open_only_whole_and_as_its_own_bucket(void)
{
    unsigned char row[BUCKET_MAX_ROW_BYTES], copy[BUCKET_MAX_ROW_BYTES];
    size_t records = fill(row, 4), got = 0, n;
    unsigned flags = 0;
    n = account_bucket_seal(77, row, records, BUCKET_OVERFLOWED);
    CHECK(n == records + BUCKET_TRAILER_BYTES);
    CHECK(account_bucket_unseal(77, row, n, &got, &flags) == 0 && got == records && flags == BUCKET_OVERFLOWED);
    CHECK(account_bucket_unseal(78, row, n, &got, &flags) == -1);   /* another bucket's row */
    for (size_t cut = 0; cut < n; cut++) CHECK(account_bucket_unseal(77, row, cut, &got, &flags) == -1);
    for (size_t i = 0; i < n; i++) {   /* any byte changed: records, flags or seal */
        memcpy(copy, row, n);
        copy[i] ^= 0x01;
        CHECK(account_bucket_unseal(77, copy, n, &got, &flags) == -1);
    }
    CHECK(account_bucket_unseal(77, NULL, 0, &got, &flags) == -1);
    n = account_bucket_seal(3, row, 0, 0);   /* an empty bucket has a row too */
    CHECK(account_bucket_unseal(3, row, n, &got, &flags) == 0 && got == 0 && flags == 0);
}

static void accounts_should_spread_over_the_buckets(void)
{
    uint32_t buckets = account_bucket_count(100000);
    unsigned *count = calloc(buckets, sizeof *count), most = 0;
    CHECK(count != NULL && buckets >= 100000 / 4 && (buckets & (buckets - 1)) == 0);
    for (unsigned i = 0; i < 100000; i++) {
        account_ref ref;
        make(&ref, i, "listed");
        uint32_t b = account_bucket_of(&ref, buckets);
        CHECK(b < buckets);
        if (++count[b] > most) most = count[b];
    }
    CHECK(most < 20);   /* about 3 a bucket on average */
    CHECK(account_bucket_count(0) == 1 && account_bucket_count(2000000) <= BUCKET_MAX_COUNT);
    free(count);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(a_record_should_be_found_with_its_entity_and_no_other);
    RUN(a_removal_should_take_out_its_record_only);
    RUN(a_full_row_should_refuse_a_record_and_stay_whole);
    RUN(a_cut_or_damaged_row_should_find_only_whole_records);
    RUN(a_sealed_row_should_open_only_whole_and_as_its_own_bucket);
    RUN(accounts_should_spread_over_the_buckets);
    return CHECK_REPORT();
}
