/* The few POSIX calls the unit tests make, also for the Windows build (run under Wine). */
#ifndef NETRAL_TEST_PORTABLE_H
#define NETRAL_TEST_PORTABLE_H

#include <stdio.h>
#include <stdlib.h>

#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <direct.h>
#include <fcntl.h>
#include <io.h>

static inline int test_pipe(int fds[2])
{
    return _pipe(fds, 65536, _O_BINARY);
}

static inline int test_setenv(const char *name, const char *value)
{
    return _putenv_s(name, value);
}

static inline int test_mkdir(const char *path)
{
    return _mkdir(path);
}

/* A new empty directory under the temporary directory; its path in OUT. */
static inline int test_make_temp_dir(char *out, size_t size, const char *prefix)
{
    char base[MAX_PATH];
    DWORD n = GetTempPathA(sizeof base, base);
    if (n == 0 || n >= sizeof base) return -1;
    for (unsigned attempt = 0; attempt < 100; attempt++) {
        snprintf(out, size, "%s%s-%lu-%u", base, prefix, GetCurrentProcessId(), attempt);
        if (_mkdir(out) == 0) return 0;
    }
    return -1;
}

static inline void test_remove_tree(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rmdir /s /q \"%s\"", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}
#else
#include <sys/stat.h>
#include <unistd.h>

static inline int test_pipe(int fds[2])
{
    return pipe(fds);
}

static inline int test_setenv(const char *name, const char *value)
{
    return setenv(name, value, 1);
}

static inline int test_mkdir(const char *path)
{
    return mkdir(path, 0755);
}

static inline int test_make_temp_dir(char *out, size_t size, const char *prefix)
{
    snprintf(out, size, "/tmp/%s-XXXXXX", prefix);
    return mkdtemp(out) == NULL ? -1 : 0;
}

static inline void test_remove_tree(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}
#endif

#endif
