/* The account filter (account_filter.h): never "surely not" for an account that was set, few
 * "maybe" for accounts that were not, and a changed block is noticed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "account_filter.h"
#include "account_hash.h"

#define ACCOUNTS 100000u

static void make(account_ref *ref, unsigned i, const char *prefix)
{
    ref->platform = (netral_platform)(PLATFORM_X + i % 6);
    snprintf(ref->account, sizeof ref->account, "@%s%u", prefix, i);
}

static void every_account_set_should_test_maybe_and_few_others_should_in(int layout)
{
    uint32_t blocks = account_filter_blocks(ACCOUNTS);
    unsigned char *bits = calloc(blocks, FILTER_BLOCK_BYTES);
    unsigned misses = 0, false_maybes = 0;
    CHECK(bits != NULL && blocks >= 1);
    for (unsigned i = 0; i < ACCOUNTS; i++) {
        account_ref ref;
        filter_position p;
        make(&ref, i, "listed");
        account_filter_position(&ref, blocks, layout, &p);
        CHECK(p.block < blocks);
        account_filter_set(bits + (size_t)p.block * FILTER_BLOCK_BYTES, &p);
    }
    for (unsigned i = 0; i < ACCOUNTS; i++) {
        account_ref ref;
        filter_position p;
        make(&ref, i, "listed");
        account_filter_position(&ref, blocks, layout, &p);
        if (!account_filter_test(bits + (size_t)p.block * FILTER_BLOCK_BYTES, &p)) misses++;
        make(&ref, i, "other");
        account_filter_position(&ref, blocks, layout, &p);
        if (account_filter_test(bits + (size_t)p.block * FILTER_BLOCK_BYTES, &p)) false_maybes++;
    }
    CHECK(misses == 0);
    if (false_maybes > ACCOUNTS / 50) fprintf(stderr, "false maybes: %u of %u\n", false_maybes, ACCOUNTS);
    CHECK(false_maybes <= ACCOUNTS / 50);   /* about 0.5 % expected; 2 % at most */
    free(bits);
}

static void every_account_set_should_test_maybe_and_few_others_should(void)
{
    every_account_set_should_test_maybe_and_few_others_should_in(FILTER_LAYOUT_HASHED);
    every_account_set_should_test_maybe_and_few_others_should_in(FILTER_LAYOUT_SPREAD);
}

/* Layout 2: accounts in spread order come block by block, so the import holds one block. */
static void spread_order_should_visit_blocks_in_order(void)
{
    uint32_t blocks = account_filter_blocks(ACCOUNTS), last_block = 0;
    for (unsigned i = 0; i < 2000; i++) {
        account_ref ref;
        filter_position p;
        make(&ref, i, "listed");
        account_filter_position(&ref, blocks, FILTER_LAYOUT_SPREAD, &p);
        CHECK(p.block == account_spread_place(account_spread(&ref), blocks));
        CHECK(p.block < blocks);
    }
    for (uint64_t s = 0; s <= UINT32_MAX; s += 65537) {   /* the scaling keeps the order */
        uint32_t block = account_spread_place((uint32_t)s, blocks);
        CHECK(block >= last_block && block < blocks);
        last_block = block;
    }
    CHECK(account_spread_place(UINT32_MAX, blocks) == blocks - 1);
}

/* Databases built before layouts keep their filter: layout 1 must place accounts as it did. */
static void layout_1_should_place_accounts_as_databases_before_layouts_have_them(void)
{
    account_ref ref = {.platform = PLATFORM_X};
    filter_position p;
    snprintf(ref.account, sizeof ref.account, "@candidate_one");
    account_filter_position(&ref, 1000, FILTER_LAYOUT_HASHED, &p);
    CHECK(p.block == 827 && p.bits[0] == 1761 && p.bits[1] == 28756 && p.bits[7] == 26886);
    account_filter_position(&ref, 1000, FILTER_LAYOUT_SPREAD, &p);
    CHECK(p.block == 677 && p.bits[0] == 1761);
}

static void a_changed_block_should_not_unseal(void)
{
    unsigned char block[FILTER_BLOCK_BYTES] = {0}, row[FILTER_ROW_BYTES];
    block[100] = 0x5a;
    account_filter_seal(block, row);
    CHECK(account_filter_unseal(row, sizeof row) == 0);
    row[4000] ^= 1;
    CHECK(account_filter_unseal(row, sizeof row) == -1);
    CHECK(account_filter_unseal(row, sizeof row - 1) == -1);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(every_account_set_should_test_maybe_and_few_others_should);
    RUN(spread_order_should_visit_blocks_in_order);
    RUN(layout_1_should_place_accounts_as_databases_before_layouts_have_them);
    RUN(a_changed_block_should_not_unseal);
    return CHECK_REPORT();
}
