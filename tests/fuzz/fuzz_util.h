/* What the fuzz targets share: a CHECK that aborts (so libFuzzer and the replay driver both
 * report it as a crash, with the input that caused it), and an in-memory file to hand bytes to
 * code that reads from a file descriptor. Everything is static: each target is one unit. */
#ifndef NETRAL_FUZZ_UTIL_H
#define NETRAL_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

/* A property of the code under test does not hold: report it as a crash. */
#define FUZZ_CHECK(cond)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n", __FILE__, __LINE__, #cond);  \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

/* A file that lives in memory where the system allows (memfd), else an unlinked temporary. */
static inline int fuzz_file_open(void)
{
    int fd = -1;
#if defined(__linux__) && defined(MFD_CLOEXEC)
    fd = memfd_create("netral-fuzz", MFD_CLOEXEC);
#endif
    if (fd < 0) {
        FILE *f = tmpfile();
        FUZZ_CHECK(f != NULL);
        fd = dup(fileno(f));
        fclose(f);
    }
    FUZZ_CHECK(fd >= 0);
    return fd;
}

/* Replaces the content of FD with the SIZE bytes at DATA and rewinds it. */
static inline void fuzz_file_load(int fd, const uint8_t *data, size_t size)
{
    size_t done = 0;
    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    while (done < size) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        FUZZ_CHECK(n > 0);
        done += (size_t)n;
    }
    FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0);
}

#endif
