/* Bounded file reads and crash-safe file replacement. */
#ifndef NETRAL_FILEIO_H
#define NETRAL_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Reads all of PATH if it is at most MAX bytes. On success *out is a heap buffer with one extra
 * NUL byte after *out_len bytes (the content itself may contain NULs); the caller frees it. */
int file_read_bounded(const char *path, size_t max, char **out, size_t *out_len, netral_error *err);

/* The same, for a file in a directory others may fill (a user's spool): a symbolic link is not
 * followed (os_open_read_plain). */
int file_read_bounded_plain(const char *path, size_t max, char **out, size_t *out_len, netral_error *err);

/* Copies the regular file SRC (a link is not followed) to DST, private to this user, replacing
 * it; fails past MAX bytes; *COPIED gets the size. What is copied is what gets verified: SRC
 * may change meanwhile. */
int file_copy_plain(const char *src, const char *dst, uint64_t max, uint64_t *copied, netral_error *err);

/* Replaces PATH with DATA so that a crash leaves either the old or the new content: writes a
 * temporary file beside it, fsyncs it, renames it over PATH and fsyncs the directory. The file
 * is readable by everyone (mode 0644 whatever the umask): browsers run as other users. */
int file_write_atomic(const char *path, const void *data, size_t len, netral_error *err);

/* Writes all LEN bytes to FD, retrying on EINTR and short writes. */
int fd_write_all(int fd, const void *data, size_t len);

/* fsyncs the directory that holds PATH, so that a rename within it is durable. */
int fsync_parent_dir(const char *path, netral_error *err);

/* Joins DIR and NAME into OUT (size OUT_SIZE); fails on truncation. */
int path_join(char *out, size_t out_size, const char *dir, const char *name, netral_error *err);

#endif
