/* Native messaging framing over a real pipe. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "portable.h"
#include "frame.h"

static int pipe_with(const void *data, size_t len)
{
    int fds[2];
    if (test_pipe(fds) != 0) return -1;
    if (len > 0 && write(fds[1], data, len) != (ssize_t)len) return -1;
    close(fds[1]);
    return fds[0];
}

static void frame_read_should_return_frames_then_eof(void)
{
    unsigned char in[64], buf[16];
    uint32_t n = 2;
    size_t len = 0;
    memcpy(in, &n, 4);
    memcpy(in + 4, "{}", 2);
    memcpy(in + 6, &n, 4);
    memcpy(in + 10, "[]", 2);
    int fd = pipe_with(in, 12);
    CHECK(frame_read(fd, buf, sizeof buf, &len) == FRAME_OK && len == 2 && memcmp(buf, "{}", 2) == 0);
    CHECK(frame_read(fd, buf, sizeof buf, &len) == FRAME_OK && len == 2 && memcmp(buf, "[]", 2) == 0);
    CHECK(frame_read(fd, buf, sizeof buf, &len) == FRAME_EOF);
    close(fd);
}

static void frame_read_should_refuse_a_length_over_the_cap_without_reading_it(void)
{
    unsigned char in[8], buf[16];
    uint32_t n = 17;
    size_t len;
    memcpy(in, &n, 4);
    int fd = pipe_with(in, 4);
    CHECK(frame_read(fd, buf, sizeof buf, &len) == FRAME_TOO_LARGE);
    close(fd);
}

static void frame_read_should_report_truncation_in_the_length_and_in_the_body(void)
{
    unsigned char in[8], buf[16];
    uint32_t n = 5;
    size_t len;
    memcpy(in, &n, 4);
    memcpy(in + 4, "ab", 2);
    int fd = pipe_with(in, 2);
    CHECK(frame_read(fd, buf, sizeof buf, &len) == FRAME_TRUNCATED);
    close(fd);
    fd = pipe_with(in, 6);
    CHECK(frame_read(fd, buf, sizeof buf, &len) == FRAME_TRUNCATED);
    close(fd);
}

static void frame_read_should_accept_an_empty_frame(void)
{
    unsigned char in[4] = {0}, buf[4];
    size_t len = 99;
    int fd = pipe_with(in, 4);
    CHECK(frame_read(fd, buf, sizeof buf, &len) == FRAME_OK && len == 0);
    close(fd);
}

static void frame_write_should_prefix_the_native_length(void)
{
    int fds[2];
    unsigned char out[16];
    uint32_t n;
    CHECK(test_pipe(fds) == 0);
    CHECK(frame_write(fds[1], "{\"a\":1}", 7) == 0);
    close(fds[1]);
    CHECK(read(fds[0], out, sizeof out) == 11);
    memcpy(&n, out, 4);
    CHECK(n == 7 && memcmp(out + 4, "{\"a\":1}", 7) == 0);
    close(fds[0]);
}

int main(void)
{
    RUN(frame_read_should_return_frames_then_eof);
    RUN(frame_read_should_refuse_a_length_over_the_cap_without_reading_it);
    RUN(frame_read_should_report_truncation_in_the_length_and_in_the_body);
    RUN(frame_read_should_accept_an_empty_frame);
    RUN(frame_write_should_prefix_the_native_length);
    return CHECK_REPORT();
}
