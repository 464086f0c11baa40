#include "frame.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "os.h"

/* Reads exactly N bytes; returns N, fewer at end of stream, or -1 on error. */
static ssize_t read_full(int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = os_read(fd, buf + got, n - got);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

frame_status frame_read(int fd, unsigned char *buf, size_t cap, size_t *len)
{
    uint32_t length;
    unsigned char prefix[sizeof length];
    ssize_t got = read_full(fd, prefix, sizeof prefix);

    if (got < 0) return FRAME_IO;
    if (got == 0) return FRAME_EOF;
    if ((size_t)got < sizeof prefix) return FRAME_TRUNCATED;
    memcpy(&length, prefix, sizeof length);   /* native byte order, as the browsers write it */
    if (length > cap) return FRAME_TOO_LARGE;
    got = read_full(fd, buf, length);
    if (got < 0) return FRAME_IO;
    if ((size_t)got < length) return FRAME_TRUNCATED;
    *len = length;
    return FRAME_OK;
}

int frame_write(int fd, const char *data, size_t len)
{
    uint32_t length = (uint32_t)len;
    unsigned char *out;
    int rc;
    if (len > UINT32_MAX) return -1;
    out = malloc(sizeof length + len);
    if (out == NULL) return -1;
    memcpy(out, &length, sizeof length);
    memcpy(out + sizeof length, data, len);
    rc = fd_write_all(fd, out, sizeof length + len);
    free(out);
    return rc;
}
