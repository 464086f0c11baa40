/* Fuzz target: the CSV reader behind `netral list build` (listcsv.c), on any bytes. The CSV is
 * the authority's spreadsheet, edited by hand and exported by whatever program: anything goes.
 *
 * Input: one option byte, then the CSV's bytes (the body).
 *   bits 0-1  the separator: ',' (0 and 3), ';' (1, --separator ';'), '\t' (2)
 *   bits 2-4  1: the body is repeated to at least 16400 bytes (past CSV_MAX_RECORD_BYTES);
 *             else it is read once (long inputs are slow to fuzz: most values leave it as is)
 *   bits 5-7  a seed for the sizes of the reads in the third pass
 * A corpus file is therefore a CSV file with one byte in front ("\x00" for commas, "\x01" for
 * semicolons; a CSV that starts with a letter reads as commas).
 *
 * The body is read three times: in reads of up to CSV_READ_CHUNK_BYTES, a byte at a time (not a
 * repeated body: that pass is the slowest), and in reads of varied sizes. The records (line,
 * fields) and bad records (line, field at fault, which problem) must be the same each time, and
 * the same as a reference reader below, which reads the whole body at once by the rules listcsv.h
 * states. Nothing fatal may happen (the input is far below CSV_MAX_FILE_BYTES); the reader is on
 * the heap at exactly its size, so that a write past its text buffer is caught. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "listcsv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The reference and the bookkeeping need no coverage feedback (the reader under test has it),
 * and a long input takes less time without it. */
#if defined(__has_attribute)
#if __has_attribute(no_sanitize_coverage)
#define NO_COVERAGE __attribute__((no_sanitize_coverage))
#endif
#endif
#ifndef NO_COVERAGE
#define NO_COVERAGE
#endif

enum { P_NONE, P_QUOTE, P_AFTER_QUOTE, P_UNCLOSED, P_FIELDS, P_LONG, P_NUL, P_UTF8, P_OTHER };
static const char *const problem_names[] = {"none", "quote", "after-quote", "unclosed", "fields",
                                            "long", "nul", "utf8", "other"};

/* ---- an outcome: what reading gave, as bytes, to compare ---- */

typedef struct {
    char *data;
    size_t len, cap;
} outbuf;

static outbuf got_whole, got_bytewise, got_varied, want;

NO_COVERAGE static void out_bytes(outbuf *o, const void *p, size_t n)
{
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + n) cap *= 2;
        o->data = realloc(o->data, cap);
        FUZZ_CHECK(o->data != NULL);
        o->cap = cap;
    }
    memcpy(o->data + o->len, p, n);
    o->len += n;
}

/* C, then N in decimal */
NO_COVERAGE static void out_number(outbuf *o, char c, uint64_t n)
{
    char buf[24];
    size_t k = sizeof buf;
    do {
        buf[--k] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    buf[--k] = c;
    out_bytes(o, buf + k, sizeof buf - k);
}

/* "R<line> <count>" then " <len>:<bytes>" for each field, then "\n" */
NO_COVERAGE static void out_record(outbuf *o, uint64_t line, size_t count, const char *const *field, const size_t *len)
{
    out_number(o, 'R', line);
    out_number(o, ' ', count);
    for (size_t i = 0; i < count; i++) {
        out_number(o, ' ', len[i]);
        out_bytes(o, ":", 1);
        out_bytes(o, field[i], len[i]);
    }
    out_bytes(o, "\n", 1);
}

/* "B<line> <field> <problem>[ <line the quote opens on>]\n" */
NO_COVERAGE static void out_bad(outbuf *o, uint64_t line, size_t bad_field, int problem, uint64_t open_line)
{
    out_number(o, 'B', line);
    out_number(o, ' ', bad_field);
    out_bytes(o, " ", 1);
    out_bytes(o, problem_names[problem], strlen(problem_names[problem]));
    if (problem == P_UNCLOSED) out_number(o, ' ', open_line);
    out_bytes(o, "\n", 1);
}

/* ---- the reader under test ---- */

typedef struct {
    const uint8_t *data;
    size_t len, pos;
    size_t chunk;        /* 0: varied, from the seed */
    uint32_t seed;
} mem_source;

NO_COVERAGE static ssize_t mem_read(void *ctx, void *buf, size_t n)
{
    mem_source *m = ctx;
    size_t k = m->len - m->pos, want_n = m->chunk;
    if (want_n == 0) {
        m->seed = m->seed * 1103515245u + 12345u;
        uint32_t r = m->seed >> 16;
        want_n = (r & 7) == 0 ? 1 + r % 70000 : 1 + r % 97;   /* mostly short reads, some long */
    }
    if (k > n) k = n;
    if (k > want_n) k = want_n;
    memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return (ssize_t)k;
}

static int problem_of(const char *msg, uint64_t *open_line)
{
    unsigned long long line;
    if (strncmp(msg, "a double quote inside a field", 29) == 0) return P_QUOTE;
    if (strncmp(msg, "text after the closing double quote", 35) == 0) return P_AFTER_QUOTE;
    if (sscanf(msg, "a quoted field that starts on line %llu is never closed", &line) == 1) {
        *open_line = line;
        return P_UNCLOSED;
    }
    if (strncmp(msg, "more than 64 fields in one row", 30) == 0) return P_FIELDS;
    if (strncmp(msg, "the row is longer than", 22) == 0) return P_LONG;
    if (strncmp(msg, "a NUL byte", 10) == 0) return P_NUL;
    if (strncmp(msg, "not UTF-8 text", 14) == 0) return P_UTF8;
    return P_OTHER;
}

static csv_reader *reader;
static csv_record *record;

static void read_all(const uint8_t *body, size_t len, char separator, size_t chunk, uint32_t seed, outbuf *o)
{
    mem_source m = {body, len, 0, chunk, seed};
    netral_error err;
    uint64_t last_line = 0;
    size_t records = 0;

    o->len = 0;
    csv_reader_init(reader, mem_read, &m);
    reader->separator = separator;
    for (;;) {
        err = (netral_error){NETRAL_OK, ""};
        csv_status st = csv_reader_next(reader, record, &err);
        if (st == CSV_END) break;
        FUZZ_CHECK(st == CSV_RECORD || st == CSV_BAD_RECORD);   /* never CSV_FATAL below the file limit */
        FUZZ_CHECK(++records <= len + 1);
        /* lines only go forward, and each record starts on a later line than the one before */
        FUZZ_CHECK(record->line >= 1 && record->line > last_line);
        last_line = record->line;
        if (st == CSV_BAD_RECORD) {
            uint64_t open_line = 0;
            FUZZ_CHECK(err.code == NETRAL_E_FORMAT && err.msg[0] != '\0');
            FUZZ_CHECK(record->bad_field >= 1 && record->bad_field <= CSV_MAX_FIELDS + 1);
            int problem = problem_of(err.msg, &open_line);
            FUZZ_CHECK(problem != P_OTHER);
            out_bad(o, record->line, record->bad_field, problem, open_line);
            continue;
        }
        FUZZ_CHECK(record->count >= 1 && record->count <= CSV_MAX_FIELDS);
        FUZZ_CHECK(record->bad_field == 0);
        for (size_t i = 0; i < record->count; i++) {
            const char *f = record->field[i];
            FUZZ_CHECK(f >= reader->text && f + record->len[i] < reader->text + sizeof reader->text);
            FUZZ_CHECK(f[record->len[i]] == '\0');
            FUZZ_CHECK(record->len[i] <= CSV_MAX_RECORD_BYTES);
        }
        out_record(o, record->line, record->count, record->field, record->len);
    }
    FUZZ_CHECK(m.pos == len);   /* read to the end */
}

/* ---- the reference: the whole body at once, by the rules in listcsv.h ---- */

/* Well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF). */
NO_COVERAGE static int valid_utf8(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t more;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) more = 1, cp = c & 0x1F, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF) more = 2, cp = c & 0x0F, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4) more = 3, cp = c & 0x07, min = 0x10000;
        else return 0;
        if (n - i <= more) return 0;
        for (size_t k = 1; k <= more; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += more + 1;
    }
    return 1;
}

static uint64_t *line_of;   /* line_of[i]: the line byte i of the body is on (1 + line breaks before it) */
static size_t line_of_cap;
static uint8_t *ref_text;   /* field contents of one record */
static size_t ref_text_cap;

/* The first problem of a record, and where it happens: a byte's index, or the body's length for
 * the end of the input. Of two problems at the same byte, the one the byte itself shows (a
 * quote, a 65th field) comes before the row-length check, which counts the byte after. */
typedef struct {
    int kind;
    size_t at;
    size_t field;            /* from 1 */
    uint64_t open_line;
} ref_problem;

NO_COVERAGE static void note(ref_problem *p, int kind, size_t at, size_t field, uint64_t open_line)
{
    if (p->kind != P_NONE && p->at <= at) return;   /* on the same byte, the one noted first stays */
    p->kind = kind;
    p->at = at;
    p->field = field;
    p->open_line = open_line;
}

NO_COVERAGE static int is_break(uint8_t c)
{
    return c == '\r' || c == '\n';
}

NO_COVERAGE static void reference(const uint8_t *d, size_t n, char sep, outbuf *o)
{
    size_t pos = 0;

    o->len = 0;
    if (n + 1 > line_of_cap) {
        line_of_cap = n + 1;
        line_of = realloc(line_of, line_of_cap * sizeof *line_of);
        FUZZ_CHECK(line_of != NULL);
    }
    if (n + 1 > ref_text_cap) {
        ref_text_cap = n + 1;
        ref_text = realloc(ref_text, ref_text_cap);
        FUZZ_CHECK(ref_text != NULL);
    }
    line_of[0] = 1;
    for (size_t i = 0; i < n; i++)
        line_of[i + 1] = line_of[i] + (d[i] == '\r' || (d[i] == '\n' && (i == 0 || d[i - 1] != '\r')));

    if (n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0) pos = 3;
    while (pos < n) {
        const size_t start = pos;
        size_t starts[CSV_MAX_FIELDS + 1], lens[CSV_MAX_FIELDS + 1];
        size_t fields = 0, used = 0, i = pos, end;   /* END: where the record's line break is (or n) */
        size_t separators_at[CSV_MAX_FIELDS + 1];   /* where each field's separator is */
        ref_problem p = {P_NONE, 0, 0, 0};
        int unclosed = 0;

        for (;;) {   /* one field from i */
            size_t j = i, k;
            starts[fields < CSV_MAX_FIELDS ? fields : CSV_MAX_FIELDS] = used;
            while (j < n && d[j] == ' ') j++;
            if (j < n && d[j] == '"') {   /* quoted: the spaces before it are dropped */
                uint64_t open_line = line_of[j];
                k = j + 1;
                for (;;) {
                    if (k == n) {
                        unclosed = 1;
                        note(&p, P_UNCLOSED, n, fields + 1, open_line);
                        break;
                    }
                    if (d[k] == '"') {
                        if (k + 1 < n && d[k + 1] == '"') {
                            ref_text[used++] = '"';
                            k += 2;
                            continue;
                        }
                        k++;
                        break;
                    }
                    ref_text[used++] = d[k++];
                }
                if (!unclosed) {
                    while (k < n && d[k] == ' ') k++;   /* spaces after the closing quote */
                    if (k < n && d[k] != (uint8_t)sep && !is_break(d[k])) {
                        note(&p, P_AFTER_QUOTE, k, fields + 1, 0);
                        while (k < n && d[k] != (uint8_t)sep && !is_break(d[k])) k++;
                    }
                }
            } else {   /* unquoted: every byte up to the separator or the line break, spaces too */
                for (k = i; k < n && d[k] != (uint8_t)sep && !is_break(d[k]); k++) {
                    if (d[k] == '"') note(&p, P_QUOTE, k, fields + 1, 0);
                    ref_text[used++] = d[k];
                }
            }
            /* the field ends at k: a separator, a line break or the end */
            if (fields == CSV_MAX_FIELDS && !unclosed) note(&p, P_FIELDS, k, fields + 1, 0);
            if (fields < CSV_MAX_FIELDS) lens[fields] = used - starts[fields];
            if (k < n && d[k] == (uint8_t)sep) {
                if (fields <= CSV_MAX_FIELDS) separators_at[fields] = k;
                fields++;
                i = k + 1;
                continue;
            }
            fields++;
            end = k;
            break;
        }
        /* the row's bytes, quotes included, the line break not: the byte one over is a problem,
         * after whatever the byte itself is (a separator there has ended its field) */
        if (end - start > CSV_MAX_RECORD_BYTES) {
            size_t at = start + CSV_MAX_RECORD_BYTES, field = 1;
            for (size_t f = 0; f + 1 < fields && f <= CSV_MAX_FIELDS && separators_at[f] <= at; f++) field++;
            note(&p, P_LONG, at, field, 0);
        }
        if (p.kind == P_NONE) {
            for (size_t f = 0; f < fields; f++) {
                if (memchr(ref_text + starts[f], '\0', lens[f]) != NULL) {
                    p.kind = P_NUL;
                    p.field = f + 1;
                    break;
                }
                if (!valid_utf8(ref_text + starts[f], lens[f])) {
                    p.kind = P_UTF8;
                    p.field = f + 1;
                    break;
                }
            }
        }
        if (p.kind != P_NONE) {
            out_bad(o, line_of[start], p.field, p.kind, p.open_line);
        } else {
            const char *field[CSV_MAX_FIELDS];
            for (size_t f = 0; f < fields; f++) field[f] = (const char *)ref_text + starts[f];
            out_record(o, line_of[start], fields, field, lens);
        }
        /* the line break: CRLF, LF or a lone CR */
        pos = end;
        if (pos < n && d[pos] == '\r') pos++;
        else if (pos < n && d[pos] == '\n') pos++;
        else continue;
        if (d[pos - 1] == '\r' && pos < n && d[pos] == '\n') pos++;
    }
}

/* ---- the target ---- */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    reader = malloc(sizeof *reader);   /* exactly its size: a write past text[] is caught */
    record = malloc(sizeof *record);
    FUZZ_CHECK(reader != NULL && record != NULL);
    return 0;
}

static void show(const char *what, const outbuf *o)
{
    fprintf(stderr, "fuzz_csv: %s (%zu bytes):\n", what, o->len);
    for (size_t i = 0; i < o->len && i < 4000; i++) {
        unsigned char c = (unsigned char)o->data[i];
        if (c == '\n' || (c >= 0x20 && c < 0x7f && c != '\\')) fputc(c, stderr);
        else fprintf(stderr, "\\x%02x", c);
    }
    fputc('\n', stderr);
}

static void check_same(const char *what, const outbuf *a, const outbuf *b)
{
    int same = a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
    if (!same) {
        show("read in reads of up to CSV_READ_CHUNK_BYTES", a);
        show(what, b);
    }
    FUZZ_CHECK(same);   /* the same records every way */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t *expanded;
    static const char separators[4] = {',', ';', '\t', ','};
    const uint8_t *body;
    size_t len;
    uint8_t opt;
    char sep;

    if (size == 0) return 0;
    opt = data[0];
    sep = separators[opt & 3];
    body = data + 1;
    len = size - 1;
    int repeated = ((opt >> 2) & 7) == 1;
    if (repeated) {
        size_t target = CSV_MAX_RECORD_BYTES + 16, reps;
        if (len == 0) return 0;
        reps = (target + len - 1) / len;
        free(expanded);
        expanded = malloc(reps * len);
        FUZZ_CHECK(expanded != NULL);
        for (size_t i = 0; i < reps; i++) memcpy(expanded + i * len, body, len);
        body = expanded;
        len *= reps;
    }

    read_all(body, len, sep, CSV_READ_CHUNK_BYTES, 0, &got_whole);
    if (!repeated) read_all(body, len, sep, 1, 0, &got_bytewise);
    read_all(body, len, sep, 0, (uint32_t)(opt >> 5) * 2654435761u + (uint32_t)len, &got_varied);
    if (!repeated) check_same("read a byte at a time", &got_whole, &got_bytewise);
    check_same("read in reads of varied sizes", &got_whole, &got_varied);
    reference(body, len, sep, &want);
    check_same("the reference reader", &got_whole, &want);
    return 0;
}
