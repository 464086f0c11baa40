#include "listcsv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "os.h"
#include "utf8.h"

static const char BOM[] = "\xEF\xBB\xBF";

ssize_t csv_read_fd(void *ctx, void *buf, size_t n)
{
    for (;;) {
        ssize_t got = os_read(*(const int *)ctx, buf, n);
        if (got >= 0 || errno != EINTR) return got;
    }
}

void csv_reader_init(csv_reader *r, csv_read_fn read, void *ctx)
{
    r->read = read;
    r->ctx = ctx;
    r->in_start = r->in_end = 0;
    r->total = 0;
    r->line = 1;
    r->eof = r->started = r->prev_cr = r->swallow_lf = 0;
    r->separator = ',';
}

/* Reads more after the unread bytes, which move to the front: 1, 0 at the end, -1 on error. */
static int read_more(csv_reader *r, netral_error *err)
{
    if (r->eof) return 0;
    memmove(r->in, r->in + r->in_start, r->in_end - r->in_start);
    r->in_end -= r->in_start;
    r->in_start = 0;
    ssize_t got = r->read(r->ctx, r->in + r->in_end, sizeof r->in - r->in_end);
    if (got < 0) return netral_fail(err, NETRAL_E_IO, "cannot read: %s", strerror(errno));
    if (got == 0) {
        r->eof = 1;
        return 0;
    }
    r->in_end += (size_t)got;
    r->total += (uint64_t)got;
    if (r->total > CSV_MAX_FILE_BYTES)
        return netral_fail(err, NETRAL_E_TOO_LARGE, "the file is over the limit of %u bytes", CSV_MAX_FILE_BYTES);
    return 1;
}

/* The next byte without taking it: 0..255, -1 at the end, -2 on error. */
static int peek_byte(csv_reader *r, netral_error *err)
{
    while (r->in_start == r->in_end) {
        int got = read_more(r, err);
        if (got <= 0) return got == 0 ? -1 : -2;
    }
    return (unsigned char)r->in[r->in_start];
}

/* Takes the next byte (as peek_byte) and counts lines: LF, CRLF and a lone CR each end one. */
static int next_byte(csv_reader *r, netral_error *err)
{
    int c = peek_byte(r, err);
    if (c < 0) return c;
    r->in_start++;
    if (c == '\r' || (c == '\n' && !r->prev_cr)) r->line++;
    r->prev_cr = c == '\r';
    return c;
}

/* Skips a byte order mark at the very start of the input. */
static int skip_bom(csv_reader *r, netral_error *err)
{
    while (r->in_end - r->in_start < 3) {
        int got = read_more(r, err);
        if (got < 0) return -1;
        if (got == 0) break;
    }
    if (r->in_end - r->in_start >= 3 && memcmp(r->in + r->in_start, BOM, 3) == 0) r->in_start += 3;
    return 0;
}

enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED, AFTER_QUOTED };

/* One record being read: its fields go into the reader's text buffer. */
typedef struct {
    csv_reader *r;
    csv_record *rec;
    netral_error *err;
    size_t used, field_start, raw;
    int state, bad, done;
    uint64_t quote_line;
} record_parse;

/* Records the record's first problem, in the field being read; the rest of it is skipped. */
static void problem(record_parse *p, const char *fmt, ...) NETRAL_PRINTF(2, 3);
static void problem(record_parse *p, const char *fmt, ...)
{
    char reason[NETRAL_ERROR_MSG_BYTES];
    va_list ap;
    if (p->bad) return;
    p->bad = 1;
    p->rec->bad_field = p->rec->count + 1;
    va_start(ap, fmt);
    (void)vsnprintf(reason, sizeof reason, fmt, ap);   /* a reason cut short is still one */
    va_end(ap);
    netral_fail(p->err, NETRAL_E_FORMAT, "%s", reason);
}

static void store(record_parse *p, int c)
{
    if (!p->bad) p->r->text[p->used++] = (char)c;
}

static void end_field(record_parse *p)
{
    csv_record *rec = p->rec;
    if (p->bad) return;
    if (rec->count == CSV_MAX_FIELDS) {
        problem(p, "more than %u fields in one row", CSV_MAX_FIELDS);
        return;
    }
    p->r->text[p->used++] = '\0';
    rec->field[rec->count] = p->r->text + p->field_start;
    rec->len[rec->count] = p->used - 1 - p->field_start;
    rec->count++;
    p->field_start = p->used;
}

static void end_record(record_parse *p, int c)
{
    end_field(p);
    p->r->swallow_lf = c == '\r';
    p->done = 1;
}

static void step(record_parse *p, int c)
{
    switch (p->state) {
    case FIELD_START:
        if (c == '"') {
            p->used = p->field_start;   /* the spaces before an opening quote are not text */
            p->state = QUOTED;
            p->quote_line = p->r->line;
            return;
        }
        if (c == ' ') {
            store(p, c);
            return;
        }
        p->state = UNQUOTED;
        step(p, c);
        return;
    case UNQUOTED:
        if (c == p->r->separator) {
            end_field(p);
            p->state = FIELD_START;
        } else if (c == '\n' || c == '\r') {
            end_record(p, c);
        } else {
            if (c == '"')
                problem(p, "a double quote inside a field that does not start with one (put the whole field in "
                           "double quotes and write each quote in it as \"\")");
            store(p, c);
        }
        return;
    case QUOTED:
        if (c == '"') p->state = QUOTE_IN_QUOTED;
        else store(p, c);
        return;
    case QUOTE_IN_QUOTED:
        if (c == '"') {
            store(p, c);
            p->state = QUOTED;
            return;
        }
        p->state = AFTER_QUOTED;
        step(p, c);
        return;
    default:   /* AFTER_QUOTED */
        if (c == p->r->separator) {
            end_field(p);
            p->state = FIELD_START;
        } else if (c == '\n' || c == '\r') {
            end_record(p, c);
        } else if (c != ' ') {
            problem(p, "text after the closing double quote of a quoted field (write each quote inside a "
                       "field as \"\")");
            p->state = UNQUOTED;
        }
        return;
    }
}

/* Text shown to people and compared byte for byte: UTF-8, no NUL. */
static void check_fields(record_parse *p)
{
    csv_record *rec = p->rec;
    for (size_t i = 0; i < rec->count && !p->bad; i++) {
        const char *f = rec->field[i];
        if (memchr(f, '\0', rec->len[i]) != NULL) {
            problem(p, "a NUL byte: this is not a text file");
            rec->bad_field = i + 1;
        } else if (!utf8_valid((const unsigned char *)f, rec->len[i])) {
            problem(p, "not UTF-8 text: save the spreadsheet as \"CSV UTF-8\"");
            rec->bad_field = i + 1;
        }
    }
}

csv_status csv_reader_next(csv_reader *r, csv_record *rec, netral_error *err)
{
    record_parse p = {r, rec, err, 0, 0, 0, FIELD_START, 0, 0, 0};

    if (!r->started) {
        r->started = 1;
        if (skip_bom(r, err) != 0) return CSV_FATAL;
    }
    if (r->swallow_lf) {   /* the LF of a CRLF that ended the last record */
        int c = peek_byte(r, err);
        if (c == -2) return CSV_FATAL;
        if (c == '\n') (void)next_byte(r, err);
        r->swallow_lf = 0;
    }
    rec->count = 0;
    rec->bad_field = 0;
    rec->line = r->line;
    while (!p.done) {
        int c = next_byte(r, err);
        if (c == -2) return CSV_FATAL;
        if (c == -1) {
            if (p.raw == 0) return CSV_END;
            if (p.state == QUOTED)
                problem(&p, "a quoted field that starts on line %llu is never closed (a double quote is missing)",
                        (unsigned long long)p.quote_line);
            end_field(&p);
            break;
        }
        step(&p, c);
        /* the bytes of the record, not the line break that ends it; the one byte over fits */
        if (!p.done && ++p.raw > CSV_MAX_RECORD_BYTES)
            problem(&p, "the row is longer than %u bytes", CSV_MAX_RECORD_BYTES);
    }
    if (!p.bad) check_fields(&p);
    return p.bad ? CSV_BAD_RECORD : CSV_RECORD;
}
