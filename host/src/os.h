/* What differs between operating systems: files, locks, durable renames, starting the host.
 * POSIX in os_posix.c, Win32 in os_win.c; everything else is written once against this.
 * Functions return 0 on success and -1 with errno set, like the calls they stand for. */
#ifndef NETRAL_OS_H
#define NETRAL_OS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sys/types.h>

#ifdef _WIN32
#define OS_DIR_SEPARATOR '\\'
#else
#define OS_DIR_SEPARATOR '/'
#endif

/* read(2) and write(2) for any size_t count (the Windows C runtime takes an unsigned int). */
ssize_t os_read(int fd, void *buf, size_t n);
ssize_t os_write(int fd, const void *buf, size_t n);

/* Opens PATH for reading, in binary, not inherited by children. A FIFO opens at once (no wait
 * for a writer): callers that want a regular file check what they got. */
int os_open_read(const char *path);
/* The same for a file in a directory others may have filled (a repository): a symbolic link
 * is not followed (-1 with ELOOP on POSIX). */
int os_open_read_plain(const char *path);
/* Creates PATH, which must not exist, for writing, readable by every user (0644 whatever the
 * umask: browsers run the host as other users than the one who imports). */
int os_create_new(const char *path);
/* Creates PATH for writing, replacing it only if REPLACE (else -1 with EEXIST when it exists);
 * OWNER_ONLY makes it private to this user (secret keys; on Windows the profile's ACL does). */
int os_create_file(const char *path, int replace, int owner_only);
/* Opens (creating) a lock file and takes an exclusive lock without waiting: -1 with errno
 * EWOULDBLOCK when someone else holds it. The lock goes with the descriptor. The file is
 * private to its owner: a lock any user could open, any user could hold against everyone. */
int os_open_locked(const char *path);

/* 0 when PATH (a directory or a file), or nothing at PATH, can be trusted with what Netral
 * keeps there: it belongs to root or to this user and nobody else may write to it. -1 with
 * WHY (a sentence naming PATH and the fix) otherwise. Windows: ACLs decide; always 0. */
int os_check_private(const char *path, char *why, size_t why_size);

/* Makes the content of the file at PATH durable. */
int os_sync_file(const char *path);
/* Makes FD's written content durable. */
int os_sync_fd(int fd);
/* Makes a rename inside the directory holding PATH durable (no-op where the OS does it). */
int os_sync_parent_dir(const char *path);
/* Replaces TO with FROM in one step: readers see the old file or the new, never neither.
 * On Windows a file someone has open cannot be replaced; the call retries for a moment. */
int os_replace(const char *from, const char *to);
/* Creates directory PATH (0755, readable by all) if it does not exist. */
int os_make_dir(const char *path);

/* Creates directory PATH private to this user if it does not exist, and checks that what is
 * there is a directory (not a link) that this user owns and nobody else may write to. -1 with
 * WHY otherwise. Windows: the ACL inherited from ProgramData decides; only created. */
int os_make_private_dir(const char *path, char *why, size_t why_size);
/* A name for the user running this program, fit for a file name: the uid on POSIX, the account
 * name on Windows. */
int os_user_name(char *out, size_t size);

int os_exists(const char *path);
int os_is_plain_dir(const char *path);   /* a directory, not a link to one */
int os_is_executable(const char *path);   /* a regular file this user may run */
int os_path_is_absolute(const char *path);

/* Something that changes whenever the file at PATH is replaced (device and inode, or volume
 * and file index) or changed in place (size, time of last change). -1 with errno ENOENT when
 * there is no file. */
typedef struct {
    uint64_t volume, file, size, changed;
} os_file_id;
int os_file_identity(const char *path, os_file_id *id);

/* Tells cheaply whether the file at a path may have been replaced (renamed over, created,
 * deleted) since the last call, so that a reader need not look at it on every request. Where
 * the system cannot tell (no inotify, the directory is missing), it always says "maybe". */
typedef struct os_file_watch os_file_watch;
os_file_watch *os_file_watch_new(const char *path);   /* NULL when out of memory */
/* 1 when the file may have changed (look at it), 0 when it surely has not. */
int os_file_watch_changed(os_file_watch *w);
void os_file_watch_free(os_file_watch *w);

long os_process_id(void);
/* 1 when the user running this program could replace its executable (they own it, or may
 * write to its directory), 0 when not, -1 when that cannot be told (treated as not). */
int os_self_is_replaceable(void);
/* The directory of the running executable, without trailing separator. */
int os_self_dir(char *out, size_t size);

/* Reads a line from IN without echoing it when IN is a terminal (passphrases); the line
 * break is removed. Returns 0, or -1 at end of input. */
int os_read_secret_line(FILE *in, char *buf, size_t size);
int os_is_terminal(FILE *f);

/* Gives up for good what the host never needs once it runs: gaining privileges (setuid
 * programs), opening sockets, starting programs. Linux: no_new_privs and a seccomp filter that
 * makes those calls fail with EPERM; elsewhere nothing. 0, or -1 with errno. */
int os_confine(void);

/* Native messaging: stdin and stdout carry binary frames (no CRLF translation on Windows). */
void os_stdio_binary(void);

/* Starts PROGRAM with one argument ARG, as a browser starts a native host, writes INPUT to its
 * standard input and closes it, and reads up to REPLY_SIZE bytes of its output until it exits
 * or TIMEOUT_MS passes (then it is killed). On failure WHY says what went wrong. */
int os_run_with_input(const char *program, const char *arg, const void *input, size_t input_len,
                      unsigned char *reply, size_t reply_size, size_t *reply_len, int timeout_ms,
                      char *why, size_t why_size);

#endif
