#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os.h"

int fd_write_all(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t n = os_write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int read_bounded(const char *path, int plain, size_t max, char **out, size_t *out_len, netral_error *err)
{
    int fd = -1, rc = -1;
    char *buf = NULL;
    size_t used = 0;
    struct stat st;

    fd = plain ? os_open_read_plain(path) : os_open_read(path);
    if (fd < 0) {
        netral_fail(err, NETRAL_E_IO, "cannot open %s: %s", path, strerror(errno));
        goto done;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        netral_fail(err, NETRAL_E_IO, "%s is not a regular file", path);
        goto done;
    }
    if ((unsigned long long)st.st_size > max) {
        netral_fail(err, NETRAL_E_TOO_LARGE, "%s is %lld bytes, over the limit of %zu",
                    path, (long long)st.st_size, max);
        goto done;
    }
    /* Read up to max+1 bytes whatever fstat said: the file may grow while we read. */
    buf = malloc(max + 2);
    if (buf == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory reading %s", path);
        goto done;
    }
    for (;;) {
        ssize_t n = os_read(fd, buf + used, max + 1 - used);
        if (n < 0) {
            if (errno == EINTR) continue;
            netral_fail(err, NETRAL_E_IO, "cannot read %s: %s", path, strerror(errno));
            goto done;
        }
        if (n == 0) break;
        used += (size_t)n;
        if (used > max) {
            netral_fail(err, NETRAL_E_TOO_LARGE, "%s is over the limit of %zu bytes", path, max);
            goto done;
        }
    }
    buf[used] = '\0';
    *out = buf;
    *out_len = used;
    buf = NULL;
    rc = 0;
done:
    free(buf);
    if (fd >= 0) close(fd);
    return rc;
}

int file_read_bounded(const char *path, size_t max, char **out, size_t *out_len, netral_error *err)
{
    return read_bounded(path, 0, max, out, out_len, err);
}

int file_read_bounded_plain(const char *path, size_t max, char **out, size_t *out_len, netral_error *err)
{
    return read_bounded(path, 1, max, out, out_len, err);
}

int file_copy_plain(const char *src, const char *dst, uint64_t max, uint64_t *copied, netral_error *err)
{
    unsigned char buf[65536];
    uint64_t total = 0;
    int in = -1, out = -1, rc = -1;
    struct stat st;

    in = os_open_read_plain(src);
    if (in < 0) return netral_fail(err, NETRAL_E_IO, "cannot open %s: %s", src, strerror(errno));
    if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
        netral_fail(err, NETRAL_E_IO, "%s is not a regular file", src);
        goto done;
    }
    out = os_create_file(dst, 1, 1);
    if (out < 0) {
        netral_fail(err, NETRAL_E_IO, "cannot create %s: %s", dst, strerror(errno));
        goto done;
    }
    for (;;) {
        ssize_t n = os_read(in, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            netral_fail(err, NETRAL_E_IO, "cannot read %s: %s", src, strerror(errno));
            goto done;
        }
        if (n == 0) break;
        total += (uint64_t)n;
        if (total > max) {
            netral_fail(err, NETRAL_E_TOO_LARGE, "%s is over the limit of %llu bytes", src, (unsigned long long)max);
            goto done;
        }
        if (fd_write_all(out, buf, (size_t)n) != 0) {
            netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", dst, strerror(errno));
            goto done;
        }
    }
    *copied = total;
    rc = 0;
done:
    if (in >= 0) close(in);
    if (out >= 0 && close(out) != 0 && rc == 0) rc = netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", dst, strerror(errno));
    if (rc != 0 && out >= 0) (void)unlink(dst);
    return rc;
}

int path_join(char *out, size_t out_size, const char *dir, const char *name, netral_error *err)
{
    int n = snprintf(out, out_size, "%s%c%s", dir, OS_DIR_SEPARATOR, name);
    if (n < 0 || (size_t)n >= out_size)
        return netral_fail(err, NETRAL_E_TOO_LARGE, "path too long: %s/%s", dir, name);
    return 0;
}

int fsync_parent_dir(const char *path, netral_error *err)
{
    if (os_sync_parent_dir(path) != 0)
        return netral_fail(err, NETRAL_E_IO, "cannot sync the directory of %s: %s", path, strerror(errno));
    return 0;
}

int file_write_atomic(const char *path, const void *data, size_t len, netral_error *err)
{
    char tmp[4096];
    int fd = -1, rc = -1, n;

    n = snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, os_process_id());
    if (n < 0 || (size_t)n >= sizeof tmp)
        return netral_fail(err, NETRAL_E_TOO_LARGE, "path too long: %s", path);
    (void)unlink(tmp);
    fd = os_create_new(tmp);
    if (fd < 0) {
        netral_fail(err, NETRAL_E_IO, "cannot create %s: %s", tmp, strerror(errno));
        goto done;
    }
    if (fd_write_all(fd, data, len) != 0 || os_sync_fd(fd) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", tmp, strerror(errno));
        goto done;
    }
    if (close(fd) != 0) {
        fd = -1;
        netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", tmp, strerror(errno));
        goto done;
    }
    fd = -1;
    if (os_replace(tmp, path) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot replace %s: %s", path, strerror(errno));
        goto done;
    }
    rc = fsync_parent_dir(path, err);
done:
    if (fd >= 0) close(fd);
    if (rc != 0) (void)unlink(tmp);
    return rc;
}
