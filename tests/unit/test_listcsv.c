/* The CSV reader behind `netral list build` (host/src/listcsv.c): RFC 4180 as spreadsheets
 * write it, bounded, every problem with its line and field, and the next row read after one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "listcsv.h"

/* Bytes from memory, CHUNK at a time (1 finds the places a record crosses a buffer boundary). */
typedef struct {
    const char *data;
    size_t len, pos, chunk;
} mem_source;

static ssize_t mem_read(void *ctx, void *buf, size_t n)
{
    mem_source *m = ctx;
    size_t k = m->len - m->pos;
    if (k > n) k = n;
    if (k > m->chunk) k = m->chunk;
    memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return (ssize_t)k;
}

/* Reads all of INPUT and describes what came out: "L1[a|b] L2[c]" for records, "L3!2(reason)"
 * for a bad record (line, field at fault), "FATAL(reason)" for the end of reading. */
static char outcome[65536];
static char separator = ',';

static const char *read_all_chunked(const char *input, size_t len, size_t chunk)
{
    static csv_reader r;
    static csv_record rec;
    mem_source m = {input, len, 0, chunk};
    size_t used = 0;
    netral_error err;

    outcome[0] = '\0';
    csv_reader_init(&r, mem_read, &m);
    r.separator = separator;
    for (;;) {
        csv_status st = csv_reader_next(&r, &rec, &err);
        int n = 0;
        if (st == CSV_END) break;
        if (st == CSV_FATAL) {
            n = snprintf(outcome + used, sizeof outcome - used, "%sFATAL(%s)", used ? " " : "", err.msg);
            used += (size_t)n;
            break;
        }
        if (st == CSV_BAD_RECORD) {
            n = snprintf(outcome + used, sizeof outcome - used, "%sL%llu!%zu(%s)", used ? " " : "",
                         (unsigned long long)rec.line, rec.bad_field, err.msg);
        } else {
            n = snprintf(outcome + used, sizeof outcome - used, "%sL%llu[", used ? " " : "", (unsigned long long)rec.line);
            for (size_t i = 0; i < rec.count && n >= 0; i++) {
                used += (size_t)n;
                CHECK(rec.field[i][rec.len[i]] == '\0');
                n = snprintf(outcome + used, sizeof outcome - used, "%s%.*s", i ? "|" : "", (int)rec.len[i], rec.field[i]);
            }
            used += (size_t)n;
            n = snprintf(outcome + used, sizeof outcome - used, "]");
        }
        if (n < 0 || (size_t)n >= sizeof outcome - used) break;
        used += (size_t)n;
    }
    return outcome;
}

/* The same whatever the read sizes: checked here for every input, then returned. */
static const char *read_all_n(const char *input, size_t len)
{
    static char whole[sizeof outcome];
    snprintf(whole, sizeof whole, "%s", read_all_chunked(input, len, CSV_READ_CHUNK_BYTES));
    const char *bytewise = read_all_chunked(input, len, 1);
    if (strcmp(whole, bytewise) != 0) {
        fprintf(stderr, "%s: read a byte at a time: \"%s\"\n", check_current, bytewise);
        check_failures++;
    }
    return strcpy(outcome, whole);
}

static const char *read_all(const char *input)
{
    return read_all_n(input, strlen(input));
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void reader_should_split_fields_at_commas(void)
{
    CHECK_STR(read_all("platform,akun,nama\nx,@tim_a,Tim A\n"), "L1[platform|akun|nama] L2[x|@tim_a|Tim A]");
    CHECK_STR(read_all("a,,c,\n"), "L1[a||c|]");
}

static void reader_should_split_at_the_separator_it_is_given(void)
{
    separator = ';';
    CHECK_STR(read_all("platform;akun;nama\r\nx;@tim_a;\"Tim A; relawan\"\r\ny;1,5;\"q\"\"\"\r\n"),
              "L1[platform|akun|nama] L2[x|@tim_a|Tim A; relawan] L3[y|1,5|q\"]");
    separator = ',';
    CHECK_STR(read_all("a;b,c\n"), "L1[a;b|c]");
}

static void reader_should_unescape_doubled_quotes_in_quoted_fields(void)
{
    CHECK_STR(read_all("\"Koalisi \"\"Maju\"\"\",\"\"\n"), "L1[Koalisi \"Maju\"|]");
    CHECK_STR(read_all("\"\"\"\"\n"), "L1[\"]");
}

static void reader_should_keep_commas_and_line_breaks_inside_quoted_fields(void)
{
    CHECK_STR(read_all("\"Tim A, relawan\",x\n\"two\nlines\",y\r\nz\n"),
              "L1[Tim A, relawan|x] L2[two\nlines|y] L4[z]");
    CHECK_STR(read_all("\"a\r\nb\"\r\nc\r\n"), "L1[a\r\nb] L3[c]");
}

static void reader_should_end_rows_at_crlf_lf_or_a_lone_cr(void)
{
    CHECK_STR(read_all("a,b\r\nc,d\r\n"), "L1[a|b] L2[c|d]");
    CHECK_STR(read_all("a\nb\rc\r\nd"), "L1[a] L2[b] L3[c] L4[d]");
    CHECK_STR(read_all("\"a\"\r\n\"b\"\r"), "L1[a] L2[b]");
}

static void reader_should_read_the_last_row_without_a_line_break_and_none_after_one(void)
{
    CHECK_STR(read_all("a,b"), "L1[a|b]");
    CHECK_STR(read_all("a,b\n"), "L1[a|b]");
    CHECK_STR(read_all(""), "");
}

static void reader_should_read_an_empty_line_as_one_empty_field(void)
{
    CHECK_STR(read_all("a\n\nb\n"), "L1[a] L2[] L3[b]");
    CHECK_STR(read_all("\r\n\r\n"), "L1[] L2[]");
}

static void reader_should_skip_a_byte_order_mark_at_the_start_only(void)
{
    CHECK_STR(read_all("\xEF\xBB\xBFplatform,nama\n"), "L1[platform|nama]");
    CHECK_STR(read_all("\xEF\xBB\xBF\"platform\",nama\n"), "L1[platform|nama]");
    CHECK_STR(read_all("\xEF\xBB\xBF"), "");
    CHECK_STR(read_all("a\n\xEF\xBB\xBF" "b\n"), "L1[a] L2[\xEF\xBB\xBF" "b]");
    CHECK_STR(read_all("\xEF\xBB"), "L1!1(not UTF-8 text: save the spreadsheet as \"CSV UTF-8\")");
}

static void reader_should_refuse_a_bare_quote_in_an_unquoted_field_and_go_on(void)
{
    const char *got = read_all("x,Tim \"A\",y\nz\n");
    CHECK(starts_with(got, "L1!2(a double quote inside a field that does not start with one"));
    CHECK(strstr(got, ") L2[z]") != NULL);
}

static void reader_should_refuse_text_after_a_closing_quote_and_go_on(void)
{
    const char *got = read_all("\"Tim\" A,b\nc\n");
    CHECK(starts_with(got, "L1!1(text after the closing double quote"));
    CHECK(strstr(got, ") L2[c]") != NULL);
}

static void reader_should_report_an_unterminated_quote_with_the_line_it_opens_on(void)
{
    CHECK_STR(read_all("a\nb,\"open\nc,d\n"),
              "L1[a] L2!2(a quoted field that starts on line 2 is never closed (a double quote is missing))");
    CHECK_STR(read_all("\""), "L1!1(a quoted field that starts on line 1 is never closed (a double quote is missing))");
}

static void reader_should_drop_spaces_around_quoted_fields_and_keep_them_in_others(void)
{
    CHECK_STR(read_all("x, \"Tim A\" , b \n"), "L1[x|Tim A| b ]");
    CHECK_STR(read_all("  ,\" \"\n"), "L1[  | ]");
}

static void reader_should_refuse_a_row_over_the_limit_and_read_the_next(void)
{
    size_t n = CSV_MAX_RECORD_BYTES + 10;
    char *input = malloc(n + 8);
    if (input == NULL) return;
    memset(input, 'a', n);
    memcpy(input + n, "\nb,c\n", 6);
    const char *got = read_all_n(input, n + 5);
    CHECK(starts_with(got, "L1!1(the row is longer than"));
    CHECK(strstr(got, ") L2[b|c]") != NULL);

    /* exactly at the limit, line break not counted: read */
    memset(input, 'a', CSV_MAX_RECORD_BYTES);
    memcpy(input + CSV_MAX_RECORD_BYTES, "\n", 2);
    got = read_all_n(input, CSV_MAX_RECORD_BYTES);
    CHECK(starts_with(got, "L1[aaaa") && strchr(got, '!') == NULL);
    free(input);
}

static void reader_should_refuse_more_fields_than_the_limit(void)
{
    char input[3 * CSV_MAX_FIELDS + 16];
    size_t used = 0;
    for (size_t i = 0; i < CSV_MAX_FIELDS; i++) used += (size_t)sprintf(input + used, "a,");
    sprintf(input + used, "a\nb\n");
    const char *got = read_all(input);
    CHECK(starts_with(got, "L1!65(more than 64 fields in one row)"));
    CHECK(strstr(got, ") L2[b]") != NULL);
    input[used - 1] = '\n';   /* exactly the limit */
    input[used] = '\0';
    CHECK(strchr(read_all(input), '!') == NULL);
}

static void reader_should_refuse_text_that_is_not_utf8_naming_the_field(void)
{
    CHECK_STR(read_all("x,Tim \xE9t\xE9\ny\n"), "L1!2(not UTF-8 text: save the spreadsheet as \"CSV UTF-8\") L2[y]");
    CHECK_STR(read_all("x,\"\xED\xA0\x80\"\n"), "L1!2(not UTF-8 text: save the spreadsheet as \"CSV UTF-8\")");
    CHECK_STR(read_all("Région 2 – ünïcode,ok\n"), "L1[Région 2 – ünïcode|ok]");
}

static void reader_should_refuse_a_nul_byte_naming_the_field(void)
{
    CHECK_STR(read_all_n("a,b\0c,d\ne\n", 10), "L1!2(a NUL byte: this is not a text file) L2[e]");
}

/* A source of endless rows: "a,b\n" over and over. */
static ssize_t endless_read(void *ctx, void *buf, size_t n)
{
    (void)ctx;
    n -= n % 4;
    for (size_t i = 0; i < n; i += 4) memcpy((char *)buf + i, "a,b\n", 4);
    return (ssize_t)n;
}

static void reader_should_stop_at_the_file_size_limit(void)
{
    static csv_reader r;
    csv_record rec;
    netral_error err;
    csv_status st;
    unsigned long long records = 0;
    csv_reader_init(&r, endless_read, NULL);
    while ((st = csv_reader_next(&r, &rec, &err)) == CSV_RECORD) records++;
    CHECK(st == CSV_FATAL);
    CHECK(err.code == NETRAL_E_TOO_LARGE);
    CHECK(strstr(err.msg, "over the limit") != NULL);
    CHECK(records <= CSV_MAX_FILE_BYTES / 4);
    CHECK(records >= CSV_MAX_FILE_BYTES / 4 - CSV_READ_CHUNK_BYTES / 4);
}

static ssize_t failing_read(void *ctx, void *buf, size_t n)
{
    (void)ctx, (void)buf, (void)n;
    errno = EIO;
    return -1;
}

static void reader_should_report_a_read_error_as_fatal(void)
{
    static csv_reader r;
    csv_record rec;
    netral_error err;
    csv_reader_init(&r, failing_read, NULL);
    CHECK(csv_reader_next(&r, &rec, &err) == CSV_FATAL);
    CHECK(err.code == NETRAL_E_IO);
}

int main(void)
{
    RUN(reader_should_split_fields_at_commas);
    RUN(reader_should_split_at_the_separator_it_is_given);
    RUN(reader_should_unescape_doubled_quotes_in_quoted_fields);
    RUN(reader_should_keep_commas_and_line_breaks_inside_quoted_fields);
    RUN(reader_should_end_rows_at_crlf_lf_or_a_lone_cr);
    RUN(reader_should_read_the_last_row_without_a_line_break_and_none_after_one);
    RUN(reader_should_read_an_empty_line_as_one_empty_field);
    RUN(reader_should_skip_a_byte_order_mark_at_the_start_only);
    RUN(reader_should_refuse_a_bare_quote_in_an_unquoted_field_and_go_on);
    RUN(reader_should_refuse_text_after_a_closing_quote_and_go_on);
    RUN(reader_should_report_an_unterminated_quote_with_the_line_it_opens_on);
    RUN(reader_should_drop_spaces_around_quoted_fields_and_keep_them_in_others);
    RUN(reader_should_refuse_a_row_over_the_limit_and_read_the_next);
    RUN(reader_should_refuse_more_fields_than_the_limit);
    RUN(reader_should_refuse_text_that_is_not_utf8_naming_the_field);
    RUN(reader_should_refuse_a_nul_byte_naming_the_field);
    RUN(reader_should_stop_at_the_file_size_limit);
    RUN(reader_should_report_a_read_error_as_fatal);
    return CHECK_REPORT();
}
