/* Native messaging framing: a 4-byte length in native byte order, then that many bytes. */
#ifndef NETRAL_FRAME_H
#define NETRAL_FRAME_H

#include <stddef.h>

typedef enum {
    FRAME_OK,
    FRAME_EOF,          /* the stream ended cleanly between frames */
    FRAME_TRUNCATED,    /* the stream ended inside a frame */
    FRAME_TOO_LARGE,    /* the length is over the caller's limit: the stream cannot be trusted */
    FRAME_IO            /* a read error */
} frame_status;

/* Reads one frame from FD into BUF (capacity CAP bytes); *len is its length. */
frame_status frame_read(int fd, unsigned char *buf, size_t cap, size_t *len);

/* Writes DATA as one frame to FD, in a single write where the system allows. 0 or -1. */
int frame_write(int fd, const char *data, size_t len);

#endif
