/* Native messaging framing over a real pipe. */
#include <stdint.h>
#include <stdlib.h>
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

/* The next frame from R, copied out as text ("" for none), with its status. */
static frame_status next(frame_reader *r, char *text, size_t size)
{
    const unsigned char *frame = NULL;
    size_t len = 0;
    frame_status fs = frame_reader_next(r, &frame, &len);
    text[0] = '\0';
    if (fs == FRAME_OK && len < size) {
        memcpy(text, frame, len);
        text[len] = '\0';
    }
    return fs;
}

static size_t put_frame(unsigned char *out, const char *body, uint32_t declared)
{
    memcpy(out, &declared, 4);
    memcpy(out + 4, body, strlen(body));
    return 4 + strlen(body);
}

static void reader_should_return_frames_then_eof(void)
{
    unsigned char in[64];
    char text[16];
    size_t n = put_frame(in, "{}", 2);
    n += put_frame(in + n, "[]", 2);
    int fd = pipe_with(in, n);
    frame_reader *r = frame_reader_new(fd, 16);
    CHECK(next(r, text, sizeof text) == FRAME_OK && strcmp(text, "{}") == 0);
    CHECK(next(r, text, sizeof text) == FRAME_OK && strcmp(text, "[]") == 0);
    CHECK(next(r, text, sizeof text) == FRAME_EOF);
    frame_reader_free(r);
    close(fd);
}

static void reader_should_refuse_a_frame_over_the_limit_and_go_on_after_it(void)
{
    unsigned char in[64];
    char text[32];
    const unsigned char *frame;
    size_t len = 0;
    const char *long_one = "{\"far\":\"too long\"}";
    size_t n = put_frame(in, long_one, (uint32_t)strlen(long_one));
    n += put_frame(in + n, "{}", 2);
    int fd = pipe_with(in, n);
    frame_reader *r = frame_reader_new(fd, 8);
    CHECK(frame_reader_next(r, &frame, &len) == FRAME_TOO_LARGE && len == strlen(long_one));
    CHECK(next(r, text, sizeof text) == FRAME_OK && strcmp(text, "{}") == 0);
    CHECK(next(r, text, sizeof text) == FRAME_EOF);
    frame_reader_free(r);
    close(fd);
}

static void reader_should_answer_a_huge_length_before_its_body_arrives(void)
{
    unsigned char in[8];
    const unsigned char *frame;
    size_t len = 0;
    uint32_t huge = 0xffffffffu;
    memcpy(in, &huge, 4);
    int fd = pipe_with(in, 4);
    frame_reader *r = frame_reader_new(fd, 16);
    CHECK(frame_reader_next(r, &frame, &len) == FRAME_TOO_LARGE && len == 0xffffffffu);
    CHECK(frame_reader_next(r, &frame, &len) == FRAME_TRUNCATED);   /* the body never came */
    frame_reader_free(r);
    close(fd);
}

static void reader_should_report_truncation_in_the_length_and_in_the_body(void)
{
    unsigned char in[8];
    char text[16];
    put_frame(in, "ab", 5);
    int fd = pipe_with(in, 2);
    frame_reader *r = frame_reader_new(fd, 16);
    CHECK(next(r, text, sizeof text) == FRAME_TRUNCATED);
    frame_reader_free(r);
    close(fd);
    fd = pipe_with(in, 6);
    r = frame_reader_new(fd, 16);
    CHECK(next(r, text, sizeof text) == FRAME_TRUNCATED);
    frame_reader_free(r);
    close(fd);
}

static void reader_should_accept_an_empty_frame(void)
{
    unsigned char in[4] = {0};
    const unsigned char *frame;
    size_t len = 99;
    int fd = pipe_with(in, 4);
    frame_reader *r = frame_reader_new(fd, 16);
    CHECK(frame_reader_next(r, &frame, &len) == FRAME_OK && len == 0);
    frame_reader_free(r);
    close(fd);
}

static void reader_should_grow_for_a_frame_larger_than_its_first_buffer(void)
{
    size_t body = 200 * 1024;
    unsigned char *in = malloc(4 + body);
    const unsigned char *frame;
    size_t len = 0;
    uint32_t declared = (uint32_t)body;
    FILE *f = tmpfile();   /* a file, not a pipe: a pipe holds less than the frame */
    CHECK(in != NULL && f != NULL);
    memcpy(in, &declared, 4);
    memset(in + 4, 'x', body);
    CHECK(fwrite(in, 1, 4 + body, f) == 4 + body && fflush(f) == 0);
    rewind(f);
    frame_reader *r = frame_reader_new(fileno(f), body);
    CHECK(frame_reader_next(r, &frame, &len) == FRAME_OK && len == body && frame[0] == 'x' && frame[body - 1] == 'x');
    CHECK(frame_reader_next(r, &frame, &len) == FRAME_EOF);
    frame_reader_free(r);
    fclose(f);
    free(in);
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
    RUN(reader_should_return_frames_then_eof);
    RUN(reader_should_refuse_a_frame_over_the_limit_and_go_on_after_it);
    RUN(reader_should_answer_a_huge_length_before_its_body_arrives);
    RUN(reader_should_report_truncation_in_the_length_and_in_the_body);
    RUN(reader_should_accept_an_empty_frame);
    RUN(reader_should_grow_for_a_frame_larger_than_its_first_buffer);
    RUN(frame_write_should_prefix_the_native_length);
    return CHECK_REPORT();
}
