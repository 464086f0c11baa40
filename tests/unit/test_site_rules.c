/* The kept site rules (site_rules.h): the signature and the document in one file. What is packed
 * unpacks to the same bytes; a cut, grown or damaged file is refused, never read past its end;
 * the header check takes only format 1 with a whole version and times, and refuses expired rules. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "check.h"
#include "site_rules.h"

static const char DOC[] = "{\"netral_sites\":1,\"version\":7,\"min_extension\":\"0.1.0\","
                          "\"issued\":\"2026-01-01T00:00:00Z\",\"expires\":\"2027-01-01T00:00:00Z\",\"sites\":[]}";
static const char SIG[] = "untrusted comment: signature\nRUQ...\ntrusted comment: t\nabc\n";

static void packed_rules_should_unpack_to_the_same_bytes(void)
{
    size_t packed_len = 0, len = 0, sig_len = 0;
    const char *text, *sig;
    netral_error err;
    char *packed = site_rules_pack(DOC, strlen(DOC), SIG, strlen(SIG), &packed_len);
    CHECK(packed != NULL);
    CHECK(site_rules_unpack(packed, packed_len, &text, &len, &sig, &sig_len, &err) == 0);
    CHECK(len == strlen(DOC) && memcmp(text, DOC, len) == 0);
    CHECK(sig_len == strlen(SIG) && memcmp(sig, SIG, sig_len) == 0);
    free(packed);
}

static void a_cut_grown_or_damaged_file_should_be_refused(void)
{
    size_t packed_len = 0, len, sig_len;
    const char *text, *sig;
    netral_error err;
    char *packed = site_rules_pack(DOC, strlen(DOC), SIG, strlen(SIG), &packed_len);
    char *grown = malloc(packed_len + 1);
    CHECK(packed != NULL && grown != NULL);
    for (size_t cut = 0; cut < packed_len; cut++) {   /* every shorter file; each copied so nothing is read past it */
        char *copy = malloc(cut ? cut : 1);
        memcpy(copy, packed, cut);
        CHECK(site_rules_unpack(copy, cut, &text, &len, &sig, &sig_len, &err) != 0);
        free(copy);
    }
    memcpy(grown, packed, packed_len);
    grown[packed_len] = ' ';
    CHECK(site_rules_unpack(grown, packed_len + 1, &text, &len, &sig, &sig_len, &err) != 0);
    packed[0] = 'N';   /* another magic */
    CHECK(site_rules_unpack(packed, packed_len, &text, &len, &sig, &sig_len, &err) != 0);
    static const char *const headers[] = {
        "netral-sites-kept 99999999999999999999 1\nx", "netral-sites-kept -1 1\nx", "netral-sites-kept 1 0 extra\nx",
        "netral-sites-kept 0 1\nx", "netral-sites-kept 1\nx",
    };
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        int refused = site_rules_unpack(headers[i], strlen(headers[i]), &text, &len, &sig, &sig_len, &err) != 0;
        if (i == 3) CHECK(!refused && len == 1 && sig_len == 0);   /* the one consistent header: no signature, "x" */
        else CHECK(refused);
    }
    free(packed);
    free(grown);
}

static void the_header_should_take_format_1_with_a_whole_version_and_times_only(void)
{
    site_rules_header h;
    netral_error err;
    const int64_t in_2026 = 1790000000, in_2028 = 1830000000;
    CHECK(site_rules_check_header(DOC, strlen(DOC), in_2026, &h, &err) == 0);
    CHECK(h.version == 7 && h.expires > h.issued);
    CHECK(site_rules_check_header(DOC, strlen(DOC), in_2028, &h, &err) != 0 && err.code == NETRAL_E_EXPIRED);
    static const char *const bad[] = {
        "{\"netral_sites\":2,\"version\":7,\"issued\":\"2026-01-01T00:00:00Z\",\"expires\":\"2027-01-01T00:00:00Z\"}",
        "{\"netral_sites\":1,\"version\":7.5,\"issued\":\"2026-01-01T00:00:00Z\",\"expires\":\"2027-01-01T00:00:00Z\"}",
        "{\"netral_sites\":1,\"version\":0,\"issued\":\"2026-01-01T00:00:00Z\",\"expires\":\"2027-01-01T00:00:00Z\"}",
        "{\"netral_sites\":1,\"version\":7,\"expires\":\"2027-01-01T00:00:00Z\"}",
        "{\"netral_sites\":1,\"version\":7,\"issued\":\"2027-01-01T00:00:00Z\",\"expires\":\"2026-01-01T00:00:00Z\"}",
        "{\"netral_sites\":1,\"version\":7,\"version\":8,\"issued\":\"2026-01-01T00:00:00Z\",\"expires\":\"2027-01-01T00:00:00Z\"}",
        "[1]", "{\"netral_sites\":1,", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(site_rules_check_header(bad[i], strlen(bad[i]), in_2026, &h, &err) != 0 && err.code == NETRAL_E_FORMAT);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(packed_rules_should_unpack_to_the_same_bytes);
    RUN(a_cut_grown_or_damaged_file_should_be_refused);
    RUN(the_header_should_take_format_1_with_a_whole_version_and_times_only);
    return CHECK_REPORT();
}
