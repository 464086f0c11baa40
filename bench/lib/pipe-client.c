/* The measuring side of the pipe benchmarks, in C so that the client adds as little as it can
 * to what it measures.
 *
 *   pipe-client rtt HOSTS FRAMES WARMUP OUT_DIR
 *       starts every host in HOSTS once (persistent, like the extension's port) and sends each
 *       frame of FRAMES to each host in turn (A,B,C,A,B,C...), timing write → whole reply;
 *       the first WARMUP rounds are not recorded. Writes OUT_DIR/NAME.ns, one sample a line.
 *   pipe-client cold HOSTS FRAME ROUNDS OUT_DIR
 *       each round, for each host in turn: spawn it, send FRAME, time until its whole reply.
 *   pipe-client time OUT ARGV...
 *       runs ARGV (stdin and stdout /dev/null) and writes {"wall","user","sys","maxrss_kib",
 *       "status"} to OUT: getrusage of the child, so no /usr/bin/time is needed.
 *
 * HOSTS: one host a line, "NAME<TAB>ARGV0<TAB>ARGV1...". FRAMES: native messaging frames
 * (4-byte native-endian length + JSON), back to back. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_HOSTS 8
#define MAX_ARGS 32
#define MAX_REPLY (2u << 20)

typedef struct {
    char *name;
    char *argv[MAX_ARGS + 1];
    pid_t pid;
    int to, from;   /* the host's stdin (we write) and stdout (we read) */
    FILE *out;
} host;

static void die(const char *what)
{
    fprintf(stderr, "pipe-client: %s: %s\n", what, strerror(errno));
    exit(1);
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static char *slurp(const char *path, size_t *len)
{
    struct stat st;
    int fd = open(path, O_RDONLY);
    char *buf;
    size_t got = 0;
    if (fd < 0 || fstat(fd, &st) != 0) die(path);
    buf = malloc((size_t)st.st_size + 1);
    if (buf == NULL) die("malloc");
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r <= 0) die(path);
        got += (size_t)r;
    }
    buf[got] = '\0';
    close(fd);
    *len = got;
    return buf;
}

static int load_hosts(const char *path, host *hosts)
{
    size_t len;
    char *text = slurp(path, &len), *line, *save = NULL;
    int n = 0;
    for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *field, *fsave = NULL;
        int argc = 0;
        if (n == MAX_HOSTS) break;
        hosts[n].name = strtok_r(line, "\t", &fsave);
        while ((field = strtok_r(NULL, "\t", &fsave)) != NULL && argc < MAX_ARGS) hosts[n].argv[argc++] = field;
        hosts[n].argv[argc] = NULL;
        if (argc > 0) n++;
    }
    return n;
}

static void start(host *h)
{
    int in[2], out[2];
    posix_spawn_file_actions_t fa;
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) die("pipe");
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
    errno = posix_spawn(&h->pid, h->argv[0], &fa, NULL, h->argv, environ);
    if (errno != 0) die(h->argv[0]);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    h->to = in[1];
    h->from = out[0];
}

static int stop(host *h)
{
    int status = 0;
    close(h->to);
    close(h->from);
    while (waitpid(h->pid, &status, 0) < 0 && errno == EINTR) {}
    return status;
}

static void write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) die("write to host");
        p += w;
        n -= (size_t)w;
    }
}

static void read_all(int fd, unsigned char *p, size_t n, const char *name)
{
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            fprintf(stderr, "pipe-client: %s closed its output\n", name);
            exit(1);
        }
        p += r;
        n -= (size_t)r;
    }
}

/* One request: write the frame, read the whole reply. Returns nanoseconds. */
static uint64_t ask(host *h, const unsigned char *frame, size_t len, unsigned char *reply)
{
    uint32_t n;
    uint64_t t0 = now_ns();
    write_all(h->to, frame, len);
    read_all(h->from, (unsigned char *)&n, 4, h->name);
    if (n > MAX_REPLY) {
        fprintf(stderr, "pipe-client: %s sent a %u-byte reply\n", h->name, n);
        exit(1);
    }
    read_all(h->from, reply, n, h->name);
    return now_ns() - t0;
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s.ns", dir, name);
    f = fopen(path, "w");
    if (f == NULL) die(path);
    return f;
}

static int rtt(int argc, char **argv)
{
    host hosts[MAX_HOSTS];
    size_t len, at = 0, frames = 0;
    unsigned char *data, *reply = malloc(MAX_REPLY);
    long warmup;
    int n;
    if (argc != 6) return 2;
    n = load_hosts(argv[2], hosts);
    data = (unsigned char *)slurp(argv[3], &len);
    warmup = atol(argv[4]);
    for (int i = 0; i < n; i++) {
        start(&hosts[i]);
        hosts[i].out = open_out(argv[5], hosts[i].name);
    }
    while (at + 4 <= len) {
        uint32_t size;
        memcpy(&size, data + at, 4);
        for (int i = 0; i < n; i++) {
            uint64_t ns = ask(&hosts[i], data + at, 4 + size, reply);
            if ((long)frames >= warmup) fprintf(hosts[i].out, "%llu\n", (unsigned long long)ns);
        }
        at += 4 + size;
        frames++;
    }
    for (int i = 0; i < n; i++) {
        fclose(hosts[i].out);
        if (stop(&hosts[i]) != 0) fprintf(stderr, "pipe-client: %s did not exit cleanly\n", hosts[i].name);
    }
    return 0;
}

static int cold(int argc, char **argv)
{
    host hosts[MAX_HOSTS];
    size_t len;
    unsigned char *frame, *reply = malloc(MAX_REPLY);
    long rounds;
    int n;
    if (argc != 6) return 2;
    n = load_hosts(argv[2], hosts);
    frame = (unsigned char *)slurp(argv[3], &len);
    rounds = atol(argv[4]);
    for (int i = 0; i < n; i++) hosts[i].out = open_out(argv[5], hosts[i].name);
    for (long r = 0; r < rounds; r++) {
        for (int i = 0; i < n; i++) {
            host *h = &hosts[i];
            uint32_t size;
            uint64_t t0 = now_ns();
            start(h);
            write_all(h->to, frame, len);
            read_all(h->from, (unsigned char *)&size, 4, h->name);
            if (size > MAX_REPLY) die("reply too large");
            read_all(h->from, reply, size, h->name);
            fprintf(h->out, "%llu\n", (unsigned long long)(now_ns() - t0));
            stop(h);   /* the exit is not timed: the browser does not wait for it either */
        }
    }
    for (int i = 0; i < n; i++) fclose(hosts[i].out);
    return 0;
}

static int timed(int argc, char **argv)
{
    struct rusage ru;
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int status = 0;
    uint64_t t0;
    FILE *out;
    if (argc < 4) return 2;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    t0 = now_ns();
    errno = posix_spawnp(&pid, argv[3], &fa, NULL, argv + 3, environ);
    if (errno != 0) die(argv[3]);
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) die("wait4");
    }
    out = fopen(argv[2], "w");
    if (out == NULL) die(argv[2]);
    fprintf(out, "{\"wall\":%.6f,\"user\":%.6f,\"sys\":%.6f,\"maxrss_kib\":%ld,\"status\":%d}\n",
            (double)(now_ns() - t0) / 1e9, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
            ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss,
            WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    fclose(out);
    return 0;
}

int main(int argc, char **argv)
{
    int rc = 2;
    if (argc >= 2 && strcmp(argv[1], "rtt") == 0) rc = rtt(argc, argv);
    else if (argc >= 2 && strcmp(argv[1], "cold") == 0) rc = cold(argc, argv);
    else if (argc >= 2 && strcmp(argv[1], "time") == 0) rc = timed(argc, argv);
    if (rc == 2) fprintf(stderr, "usage: pipe-client rtt HOSTS FRAMES WARMUP OUT_DIR | cold HOSTS FRAME ROUNDS OUT_DIR | time OUT ARGV...\n");
    return rc;
}
