/* The list format's parsers and the bounded line reader. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "isotime.h"
#include "listfile.h"
#include "utf8.h"

#define HEADER "{\"format\":\"netral-list\",\"format_version\":1,\"version\":7,\"issued\":\"2026-11-01T00:00:00Z\"," \
               "\"expires\":\"2027-02-01T00:00:00Z\",\"issuer\":\"Bawaslu (uji)\",\"elections\":[\"Pilkada 2026\"]}"
#define ENTRY "{\"platform\":\"x\",\"accounts\":[\"@Tim_A\",\"https://x.com/i/user/123\"],\"entity\":{\"name\":\"Tim A\"," \
              "\"role\":\"akun pemenangan\",\"party\":\"Koalisi B\",\"election\":\"Pilkada 2026\",\"region\":\"Jawa Barat\"}}"

static int header_ok(const char *text)
{
    list_header h;
    netral_error err;
    return list_parse_header(text, strlen(text), &h, &err) == 0;
}

static int entry_ok(const char *text)
{
    list_entry e;
    netral_error err;
    return list_parse_entry(text, strlen(text), &e, &err) == 0;
}

static void header_should_parse_every_field(void)
{
    list_header h;
    netral_error err;
    int64_t issued;
    CHECK(list_parse_header(HEADER, strlen(HEADER), &h, &err) == 0);
    CHECK(h.version == 7);
    CHECK(isotime_parse("2026-11-01T00:00:00Z", 20, &issued) == 0 && h.issued == issued);
    CHECK_STR(h.issuer, "Bawaslu (uji)");
    CHECK_STR(h.elections_json, "[\"Pilkada 2026\"]");
}

static void header_should_refuse_other_formats_versions_and_bad_dates(void)
{
    CHECK(!header_ok("{\"format\":\"other\",\"format_version\":1,\"version\":1}"));
    CHECK(!header_ok("[" HEADER "]"));
    CHECK(!header_ok(HEADER " x"));
    CHECK(!header_ok("{\"format\":\"netral-list\",\"format_version\":2,\"version\":7,\"issued\":\"2026-11-01T00:00:00Z\","
                     "\"expires\":\"2027-02-01T00:00:00Z\",\"issuer\":\"B\",\"elections\":[\"P\"]}"));
    CHECK(!header_ok("{\"format\":\"netral-list\",\"format_version\":1,\"version\":7.5,\"issued\":\"2026-11-01T00:00:00Z\","
                     "\"expires\":\"2027-02-01T00:00:00Z\",\"issuer\":\"B\",\"elections\":[\"P\"]}"));
    CHECK(!header_ok("{\"format\":\"netral-list\",\"format_version\":1,\"version\":7,\"issued\":\"2026-11-01\","
                     "\"expires\":\"2027-02-01T00:00:00Z\",\"issuer\":\"B\",\"elections\":[\"P\"]}"));
    CHECK(!header_ok("{\"format\":\"netral-list\",\"format_version\":1,\"version\":7,\"issued\":\"2027-11-01T00:00:00Z\","
                     "\"expires\":\"2027-02-01T00:00:00Z\",\"issuer\":\"B\",\"elections\":[\"P\"]}"));
    CHECK(!header_ok("{\"format\":\"netral-list\",\"format_version\":1,\"version\":7,\"issued\":\"2026-11-01T00:00:00Z\","
                     "\"expires\":\"2027-02-01T00:00:00Z\",\"issuer\":\"B\",\"elections\":[]}"));
}

static void entry_should_normalise_every_account(void)
{
    list_entry e;
    netral_error err;
    CHECK(list_parse_entry(ENTRY, strlen(ENTRY), &e, &err) == 0);
    CHECK(e.account_count == 2);
    CHECK_STR(e.accounts[0].account, "@tim_a");
    CHECK_STR(e.accounts[1].account, "id:123");
    CHECK_STR(e.entity.region, "Jawa Barat");
}

static void entry_should_refuse_bad_accounts_missing_names_and_wrong_types(void)
{
    CHECK(!entry_ok("{\"platform\":\"x\",\"accounts\":[\"bad handle\"],\"entity\":{\"name\":\"A\"}}"));
    CHECK(!entry_ok("{\"platform\":\"x\",\"accounts\":[\"https://www.instagram.com/a\"],\"entity\":{\"name\":\"A\"}}"));
    CHECK(!entry_ok("{\"platform\":\"x\",\"accounts\":[],\"entity\":{\"name\":\"A\"}}"));
    CHECK(!entry_ok("{\"platform\":\"x\",\"accounts\":[\"@a\"],\"entity\":{\"role\":\"A\"}}"));
    CHECK(!entry_ok("{\"platform\":\"x\",\"accounts\":[\"@a\"],\"entity\":{\"name\":\"\"}}"));
    CHECK(!entry_ok("{\"platform\":\"x\",\"accounts\":[\"@a\"],\"entity\":{\"name\":7}}"));
    CHECK(!entry_ok("{\"platform\":\"myspace\",\"accounts\":[\"@a\"],\"entity\":{\"name\":\"A\"}}"));
    CHECK(!entry_ok("{\"platform\":\"x\",\"accounts\":\"@a\",\"entity\":{\"name\":\"A\"}}"));
    CHECK(entry_ok("{\"platform\":\"x\",\"accounts\":[\"@a\"],\"entity\":{\"name\":\"A\"}}"));
}

static void entry_should_refuse_invalid_utf8_and_fields_over_the_limit(void)
{
    char big[MAX_ENTITY_FIELD_BYTES + 200];
    CHECK(!entry_ok("{\"platform\":\"x\",\"accounts\":[\"@a\"],\"entity\":{\"name\":\"\xC0\xAF\"}}"));
    CHECK(!entry_ok("{\"platform\":\"x\",\"accounts\":[\"@a\"],\"entity\":{\"name\":\"a\\u0007b\"}}"));
    snprintf(big, sizeof big, "{\"platform\":\"x\",\"accounts\":[\"@a\"],\"entity\":{\"name\":\"%0*d\"}}",
             (int)MAX_ENTITY_FIELD_BYTES + 1, 0);
    CHECK(!entry_ok(big));
}

static int reader_over(const char *text, size_t len, int *lines, netral_error *err)
{
    int got;
    line_reader r;
    const char *line;
    size_t n;
    FILE *tmp = tmpfile();
    fwrite(text, 1, len, tmp);
    fflush(tmp);
    rewind(tmp);
    line_reader_init(&r, fileno(tmp));
    *lines = 0;
    while ((got = line_reader_next(&r, &line, &n, err)) == 1) (*lines)++;
    fclose(tmp);
    return got;
}

static void line_reader_should_split_lines_with_or_without_final_newline(void)
{
    int lines;
    netral_error err;
    CHECK(reader_over("a\nb\r\nc", 6, &lines, &err) == 0 && lines == 3);
    CHECK(reader_over("a\nb\n", 4, &lines, &err) == 0 && lines == 2);
    CHECK(reader_over("", 0, &lines, &err) == 0 && lines == 0);
}

static void line_reader_should_refuse_a_line_over_the_limit(void)
{
    static char text[MAX_LIST_LINE_BYTES * 2];
    int lines;
    netral_error err;
    memset(text, 'x', sizeof text);
    text[10] = '\n';
    CHECK(reader_over(text, sizeof text, &lines, &err) == -1);
    CHECK(err.code == NETRAL_E_TOO_LARGE);
    CHECK(lines == 1);
    /* exactly at the limit is fine */
    memset(text, 'x', sizeof text);
    text[MAX_LIST_LINE_BYTES] = '\n';
    CHECK(reader_over(text, MAX_LIST_LINE_BYTES + 1, &lines, &err) == 0 && lines == 1);
}

static void isotime_should_round_trip_and_refuse_impossible_dates(void)
{
    int64_t t;
    char out[ISOTIME_BYTES];
    CHECK(isotime_parse("2028-02-29T23:59:59Z", 20, &t) == 0);
    isotime_format(t, out);
    CHECK_STR(out, "2028-02-29T23:59:59Z");
    CHECK(isotime_parse("2027-02-29T00:00:00Z", 20, &t) != 0);
    CHECK(isotime_parse("2026-13-01T00:00:00Z", 20, &t) != 0);
    CHECK(isotime_parse("2026-11-01T00:00:00+07:00", 25, &t) != 0);
    CHECK(isotime_parse("1970-01-01T00:00:00Z", 20, &t) == 0 && t == 0);
}

static void utf8_should_refuse_overlongs_surrogates_and_truncation(void)
{
    CHECK(utf8_valid((const unsigned char *)"Batalkan \xE2\x80\x94 ok", 15));
    CHECK(utf8_valid((const unsigned char *)"\xF0\x9F\x98\x80", 4));
    CHECK(!utf8_valid((const unsigned char *)"\xC0\xAF", 2));
    CHECK(!utf8_valid((const unsigned char *)"\xED\xA0\x80", 3));
    CHECK(!utf8_valid((const unsigned char *)"\xF4\x90\x80\x80", 4));
    CHECK(!utf8_valid((const unsigned char *)"\xE2\x80", 2));
    CHECK(!utf8_valid((const unsigned char *)"\xFF", 1));
}

int main(void)
{
    RUN(header_should_parse_every_field);
    RUN(header_should_refuse_other_formats_versions_and_bad_dates);
    RUN(entry_should_normalise_every_account);
    RUN(entry_should_refuse_bad_accounts_missing_names_and_wrong_types);
    RUN(entry_should_refuse_invalid_utf8_and_fields_over_the_limit);
    RUN(line_reader_should_split_lines_with_or_without_final_newline);
    RUN(line_reader_should_refuse_a_line_over_the_limit);
    RUN(isotime_should_round_trip_and_refuse_impossible_dates);
    RUN(utf8_should_refuse_overlongs_surrogates_and_truncation);
    return CHECK_REPORT();
}
