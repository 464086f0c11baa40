/* Native messaging framing: a 4-byte length in native byte order, then that many bytes. */
#ifndef NETRAL_FRAME_H
#define NETRAL_FRAME_H

#include <stddef.h>

typedef enum {
    FRAME_OK,
    FRAME_EOF,          /* the stream ended cleanly between frames */
    FRAME_TRUNCATED,    /* the stream ended inside a frame */
    FRAME_TOO_LARGE,    /* a frame over the reader's limit: answer it; its body is skipped */
    FRAME_IO            /* a read error */
} frame_status;

/* Reads frames from a stream through one buffer, with as few reads as the stream allows (one
 * per request when requests come one at a time). */
typedef struct frame_reader frame_reader;

/* A reader of FD that accepts frames of at most MAX_FRAME bytes. NULL when out of memory. */
frame_reader *frame_reader_new(int fd, size_t max_frame);
void frame_reader_free(frame_reader *r);

/* The next frame: FRAME_OK with *frame (valid until the next call) and *len. FRAME_TOO_LARGE
 * with *len the declared length: the caller answers it, and the next call first reads past its
 * body, so the stream stays framed. The other statuses end the stream. */
frame_status frame_reader_next(frame_reader *r, const unsigned char **frame, size_t *len);

/* Writes DATA as one frame to FD, in a single write where the system allows. 0 or -1. */
int frame_write(int fd, const char *data, size_t len);

#endif
