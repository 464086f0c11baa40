#include "frame.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "os.h"

#define PREFIX_BYTES sizeof(uint32_t)
#define INITIAL_BUFFER (64u * 1024u)

struct frame_reader {
    int fd;
    size_t max_frame;
    unsigned char *buf;
    size_t cap, start, end;   /* unread bytes are buf[start..end) */
    uint64_t skip;            /* body bytes of a refused frame still to read past */
};

frame_reader *frame_reader_new(int fd, size_t max_frame)
{
    frame_reader *r = calloc(1, sizeof *r);
    if (r == NULL) return NULL;
    r->fd = fd;
    r->max_frame = max_frame;
    r->cap = INITIAL_BUFFER;
    r->buf = malloc(r->cap);
    if (r->buf == NULL) {
        free(r);
        return NULL;
    }
    return r;
}

void frame_reader_free(frame_reader *r)
{
    if (r == NULL) return;
    free(r->buf);
    free(r);
}

/* Reads once into the free space after the unread bytes: 1 when bytes came, 0 at the end of
 * the stream, -1 on error. */
static int fill(frame_reader *r)
{
    for (;;) {
        ssize_t n = os_read(r->fd, r->buf + r->end, r->cap - r->end);
        if (n > 0) {
            r->end += (size_t)n;
            return 1;
        }
        if (n == 0) return 0;
        if (errno != EINTR) return -1;
    }
}

/* Makes room for NEED unread bytes from buf[start]: moves them to the front and grows the
 * buffer when they cannot fit (NEED is at most the limit plus the prefix). */
static int make_room(frame_reader *r, size_t need)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (need > r->cap) {
        size_t cap = r->cap;
        unsigned char *grown;
        while (cap < need) cap *= 2;
        grown = realloc(r->buf, cap);
        if (grown == NULL) return -1;
        r->buf = grown;
        r->cap = cap;
    }
    return 0;
}

/* Ensures NEED unread bytes: 1, 0 at a clean end before any of them, -2 at an end inside
 * them, -1 on error. */
static int want(frame_reader *r, size_t need)
{
    size_t had = r->end - r->start;
    if (had >= need) return 1;
    if (r->cap - r->start < need && make_room(r, need) != 0) return -1;
    while (r->end - r->start < need) {
        int got = fill(r);
        if (got < 0) return -1;
        if (got == 0) return (r->end - r->start == 0 && had == 0) ? 0 : -2;
    }
    return 1;
}

static frame_status skip_body(frame_reader *r)
{
    while (r->skip > 0) {
        size_t have = r->end - r->start;
        if (have == 0) {
            r->start = r->end = 0;
            int got = fill(r);
            if (got < 0) return FRAME_IO;
            if (got == 0) return FRAME_TRUNCATED;
            continue;
        }
        size_t drop = have < r->skip ? have : (size_t)r->skip;
        r->start += drop;
        r->skip -= drop;
    }
    return FRAME_OK;
}

frame_status frame_reader_next(frame_reader *r, const unsigned char **frame, size_t *len)
{
    uint32_t length;
    frame_status skipped = skip_body(r);
    int got;

    if (skipped != FRAME_OK) return skipped;
    got = want(r, PREFIX_BYTES);
    if (got == 0) return FRAME_EOF;
    if (got == -2) return FRAME_TRUNCATED;
    if (got < 0) return FRAME_IO;
    memcpy(&length, r->buf + r->start, PREFIX_BYTES);   /* native byte order, as browsers write it */
    if (length > r->max_frame) {
        r->start += PREFIX_BYTES;
        r->skip = length;
        *len = length;
        return FRAME_TOO_LARGE;
    }
    got = want(r, PREFIX_BYTES + length);
    if (got == -2 || got == 0) return FRAME_TRUNCATED;
    if (got < 0) return FRAME_IO;
    *frame = r->buf + r->start + PREFIX_BYTES;
    *len = length;
    r->start += PREFIX_BYTES + length;
    return FRAME_OK;
}

int frame_write(int fd, const char *data, size_t len)
{
    uint32_t length = (uint32_t)len;
    unsigned char small[4096], *out = small;
    int rc;
    if (len > UINT32_MAX) return -1;
    /* Prefix and body in one write: the reader wakes once. */
    if (PREFIX_BYTES + len > sizeof small && (out = malloc(PREFIX_BYTES + len)) == NULL) return -1;
    memcpy(out, &length, PREFIX_BYTES);
    memcpy(out + PREFIX_BYTES, data, len);
    rc = fd_write_all(fd, out, PREFIX_BYTES + len);
    if (out != small) free(out);
    return rc;
}
