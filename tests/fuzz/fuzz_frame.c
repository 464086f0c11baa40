/* Fuzz target: the native messaging frame reader (frame.c).
 *
 * The input is the byte stream a browser (or anything that can start the host) writes to its
 * stdin. It is read frame by frame until the reader stops: from an in-memory file with a small
 * limit (most frames are refused and read past) and with the host's own MAX_REQUEST_BYTES, then
 * from a pipe fed in pieces of varying size by another thread, as a real browser's writes arrive. Every answer is checked against the stream itself,
 * and every frame read is written back with frame_write and must come out as the same bytes. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frame.h"
#include "fuzz_util.h"
#include "netral_limits.h"

#define SMALL_CAP 64u
#define PREFIX_BYTES 4u

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int input_fd = -1, echo_fd = -1;
static unsigned char *echo_buf;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    signal(SIGPIPE, SIG_IGN);   /* as the host does: the pipe's writer sees EPIPE instead */
    input_fd = fuzz_file_open();
    echo_fd = fuzz_file_open();
    echo_buf = malloc(PREFIX_BYTES + MAX_REQUEST_BYTES);
    FUZZ_CHECK(echo_buf != NULL);
    return 0;
}

/* frame_write of the LEN bytes in BUF must produce exactly WANT (prefix and payload). */
static void check_echo(const unsigned char *buf, size_t len, const uint8_t *want)
{
    fuzz_file_load(echo_fd, NULL, 0);
    FUZZ_CHECK(frame_write(echo_fd, (const char *)buf, len) == 0);
    FUZZ_CHECK(lseek(echo_fd, 0, SEEK_END) == (off_t)(PREFIX_BYTES + len));
    FUZZ_CHECK(pread(echo_fd, echo_buf, PREFIX_BYTES + len, 0) == (ssize_t)(PREFIX_BYTES + len));
    FUZZ_CHECK(memcmp(echo_buf, want, PREFIX_BYTES + len) == 0);
}

/* Reads frames from FD, which delivers the SIZE bytes at DATA, until the reader stops. A frame
 * over CAP is refused and read past: the frames after it must still come out whole. */
static void read_frames(int fd, const uint8_t *data, size_t size, size_t cap)
{
    frame_reader *r = frame_reader_new(fd, cap);
    size_t off = 0;
    FUZZ_CHECK(r != NULL);
    for (;;) {
        const unsigned char *frame = NULL;
        size_t len = 0, left = size - off;
        uint32_t declared = 0;
        frame_status status = frame_reader_next(r, &frame, &len);

        if (left >= PREFIX_BYTES) memcpy(&declared, data + off, PREFIX_BYTES);
        switch (status) {
        case FRAME_OK:
            FUZZ_CHECK(left >= PREFIX_BYTES && declared == len && len <= cap);
            FUZZ_CHECK(left - PREFIX_BYTES >= len);
            FUZZ_CHECK(memcmp(frame, data + off + PREFIX_BYTES, len) == 0);
            check_echo(frame, len, data + off);
            off += PREFIX_BYTES + len;
            break;
        case FRAME_TOO_LARGE:
            FUZZ_CHECK(left >= PREFIX_BYTES && declared > cap && declared == len);
            if (left - PREFIX_BYTES < declared) off = size + 1;   /* its body runs past the end */
            else off += PREFIX_BYTES + declared;
            break;
        case FRAME_EOF:
            FUZZ_CHECK(left == 0);
            goto done;
        case FRAME_TRUNCATED:
            FUZZ_CHECK(off > size || (left > 0 && (left < PREFIX_BYTES || left - PREFIX_BYTES < declared)));
            goto done;
        case FRAME_IO:
        default:
            fprintf(stderr, "fuzz_frame: reading the stream failed\n");
            abort();
        }
        if (off > size) {   /* a refused frame's body was cut short: the next read must say so */
            FUZZ_CHECK(frame_reader_next(r, &frame, &len) == FRAME_TRUNCATED);
            goto done;
        }
    }
done:
    frame_reader_free(r);
}

typedef struct {
    int fd;
    const uint8_t *data;
    size_t size;
} pipe_feed;

/* Writes the input into the pipe in pieces of 1, 2, 3, 5, 8, ... 987 bytes and again, so that
 * lengths and payloads arrive split in many ways; then closes it. */
static void *feed_pipe(void *arg)
{
    const pipe_feed *f = arg;
    size_t done = 0, piece = 1, next = 2;
    while (done < f->size) {
        size_t n = f->size - done < piece ? f->size - done : piece;
        ssize_t w = write(f->fd, f->data + done, n);
        if (w < 0) break;   /* the reader stopped early and closed its end */
        done += (size_t)w;
        size_t sum = piece + next;
        piece = next;
        next = sum;
        if (piece > 1000) {
            piece = 1;
            next = 2;
        }
    }
    close(f->fd);
    return NULL;
}

static void read_from_pipe(const uint8_t *data, size_t size)
{
    int fds[2];
    pthread_t writer;
    pipe_feed feed;

    FUZZ_CHECK(pipe(fds) == 0);
    feed.fd = fds[1];
    feed.data = data;
    feed.size = size;
    FUZZ_CHECK(pthread_create(&writer, NULL, feed_pipe, &feed) == 0);
    read_frames(fds[0], data, size, MAX_REQUEST_BYTES);
    close(fds[0]);
    FUZZ_CHECK(pthread_join(writer, NULL) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_file_load(input_fd, data, size);
    read_frames(input_fd, data, size, SMALL_CAP);
    fuzz_file_load(input_fd, data, size);
    read_frames(input_fd, data, size, MAX_REQUEST_BYTES);
    read_from_pipe(data, size);
    return 0;
}
