/* CSV as spreadsheets write it (RFC 4180), for `netral list build`: read one record at a time
 * through fixed buffers, every bound checked, every problem reported with its line and field.
 *
 * Decisions (docs/list-authoring.md says them to the authority):
 * - A UTF-8 byte order mark at the very start is skipped (Excel's "CSV UTF-8" writes one);
 *   anywhere else it is text.
 * - Fields are separated by commas, or by another byte the caller sets (Excel under Indonesian
 *   regional settings, where the comma is the decimal mark, writes semicolons).
 * - Records end at CRLF, LF or a lone CR (old Mac exports); inside double quotes those are text.
 * - A double quote inside a field that does not start with one is an error (RFC 4180 does not
 *   allow it, and it usually means a quote was lost), as is text after a closing quote. Spaces
 *   around a quoted field are allowed and dropped; an unquoted field keeps its spaces.
 * - Every field must be UTF-8 without NUL bytes (Excel's plain "CSV" is in the Windows code page).
 * A bad record is skipped to its end and the next call goes on with the next one, so that every
 * problem in a file can be reported in one run. */
#ifndef NETRAL_LISTCSV_H
#define NETRAL_LISTCSV_H

#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

#include "error.h"
#include "netral_limits.h"

#define CSV_MAX_FILE_BYTES MAX_LIST_BYTES         /* the list it becomes has the same bound */
#define CSV_MAX_RECORD_BYTES MAX_LIST_LINE_BYTES  /* one record as written, quotes included */
#define CSV_MAX_FIELDS 64u                        /* fields in one record */
#define CSV_READ_CHUNK_BYTES 65536u

/* Where the bytes come from: like read(2), the number of bytes read, 0 at the end, -1 with errno. */
typedef ssize_t (*csv_read_fn)(void *ctx, void *buf, size_t n);

/* A csv_read_fn over a file descriptor (CTX points to the int), retrying on EINTR. */
ssize_t csv_read_fd(void *ctx, void *buf, size_t n);

typedef enum {
    CSV_END = 0,          /* no more records */
    CSV_RECORD = 1,       /* a record in the csv_record */
    CSV_BAD_RECORD = -1,  /* this record is malformed (err says why, bad_field where); call again */
    CSV_FATAL = -2        /* reading cannot go on: an I/O error, or the file is over its limit */
} csv_status;

typedef struct {
    const char *field[CSV_MAX_FIELDS];   /* each NUL-terminated, valid until the next call */
    size_t len[CSV_MAX_FIELDS];
    size_t count;                        /* at least 1: an empty line is one empty field */
    uint64_t line;                       /* the line the record starts on, from 1 */
    size_t bad_field;                    /* CSV_BAD_RECORD: the field (from 1) at fault, or 0 */
} csv_record;

/* About 100 KiB: allocate it, don't put it on the stack. */
typedef struct {
    csv_read_fn read;
    void *ctx;
    char in[CSV_READ_CHUNK_BYTES];
    size_t in_start, in_end;
    uint64_t total;                      /* bytes read so far */
    uint64_t line;                       /* the line the next byte is on */
    int eof, started, prev_cr, swallow_lf;
    char separator;                      /* ',' unless the caller sets another before reading */
    char text[CSV_MAX_RECORD_BYTES + 1 + CSV_MAX_FIELDS];   /* field contents, a NUL after each */
} csv_reader;

/* Starts reading through READ; the separator is ',' (set r->separator for another). */
void csv_reader_init(csv_reader *r, csv_read_fn read, void *ctx);

/* Reads the next record into REC; see csv_status. */
csv_status csv_reader_next(csv_reader *r, csv_record *rec, netral_error *err);

#endif
