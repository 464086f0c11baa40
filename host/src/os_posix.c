/* os.h for Linux and the BSDs/macOS. */
#include "os.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <stdlib.h>
#ifdef __linux__
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#include "fileio.h"

ssize_t os_read(int fd, void *buf, size_t n)
{
    return read(fd, buf, n);
}

ssize_t os_write(int fd, const void *buf, size_t n)
{
    return write(fd, buf, n);
}

/* O_NONBLOCK only for the open: a FIFO would otherwise wait there for a writer, forever. */
static int open_reading(const char *path, int flags)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | flags);
    int now = fd >= 0 ? fcntl(fd, F_GETFL) : -1;
    if (now >= 0) (void)fcntl(fd, F_SETFL, now & ~O_NONBLOCK);
    return fd;
}

int os_open_read(const char *path)
{
    return open_reading(path, 0);
}

int os_open_read_plain(const char *path)
{
    return open_reading(path, O_NOFOLLOW);
}

int os_create_new(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0 && fchmod(fd, 0644) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int os_create_file(const char *path, int replace, int owner_only)
{
    return open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (replace ? O_TRUNC : O_EXCL),
                owner_only ? 0600 : 0644);
}

int os_open_locked(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    (void)fchmod(fd, 0600);   /* one made readable by an earlier version, if it is ours */
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;   /* EWOULDBLOCK: someone else holds it */
        return -1;
    }
    return fd;
}

int os_check_private(const char *path, char *why, size_t why_size)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT) return 0;
        snprintf(why, why_size, "cannot check %s: %s", path, strerror(errno));
        return -1;
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        snprintf(why, why_size, "%s can be changed by other users (mode %04o), so it is not trusted: chmod go-w %s",
                 path, (unsigned)(st.st_mode & 07777), path);
        return -1;
    }
    if (st.st_uid != 0 && st.st_uid != geteuid()) {
        snprintf(why, why_size, "%s belongs to user %u, not to root or to this user, so it is not trusted",
                 path, (unsigned)st.st_uid);
        return -1;
    }
    return 0;
}

int os_sync_fd(int fd)
{
    return fsync(fd);
}

/* fsyncs FD and closes it; -1 with fsync's errno when that failed. */
static int sync_and_close(int fd)
{
    int rc = fsync(fd), saved = errno;
    close(fd);
    errno = saved;
    return rc == 0 ? 0 : -1;
}

int os_sync_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    return fd < 0 ? -1 : sync_and_close(fd);
}

int os_sync_parent_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    int fd;

    if (slash == NULL) {
        strcpy(dir, ".");
    } else if (slash == path) {
        strcpy(dir, "/");
    } else {
        size_t n = (size_t)(slash - path);
        if (n >= sizeof dir) {
            errno = ENAMETOOLONG;
            return -1;
        }
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? -1 : sync_and_close(fd);
}

int os_replace(const char *from, const char *to)
{
    return rename(from, to);
}

int os_make_dir(const char *path)
{
    if (mkdir(path, 0755) == 0) return chmod(path, 0755);   /* whatever the umask */
    return errno == EEXIST ? 0 : -1;
}

int os_make_private_dir(const char *path, char *why, size_t why_size)
{
    struct stat st;
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        snprintf(why, why_size, "cannot make %s: %s", path, strerror(errno));
        return -1;
    }
    if (lstat(path, &st) != 0) {
        snprintf(why, why_size, "cannot check %s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
        snprintf(why, why_size, "%s is not a directory of this user (uid %u)", path, (unsigned)geteuid());
        return -1;
    }
    if ((st.st_mode & 077) != 0 && chmod(path, 0700) != 0) {
        snprintf(why, why_size, "cannot make %s private: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int os_user_name(char *out, size_t size)
{
    int n = snprintf(out, size, "%u", (unsigned)geteuid());
    return n > 0 && (size_t)n < size ? 0 : -1;
}

int os_is_plain_dir(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int os_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

int os_is_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int os_path_is_absolute(const char *path)
{
    return path[0] == '/';
}

int os_file_identity(const char *path, os_file_id *id)
{
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    id->volume = (uint64_t)st.st_dev;
    id->file = (uint64_t)st.st_ino;
    id->size = (uint64_t)st.st_size;
    id->changed = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
    return 0;
}

#ifdef __linux__
/* inotify on the file's directory: a replacement by rename, a new file or a deletion of that
 * name queues an event. The descriptor signals (SIGIO) when one is queued, so a request that
 * finds no signal since the last look makes no system call for it. */
struct os_file_watch {
    int fd;             /* inotify descriptor, or -1 (then every call says "maybe") */
    int signals;        /* 1 when fd raises SIGIO; else it is read on every call */
    char dir[4096];
    char name[256];
};

static volatile sig_atomic_t watch_signalled = 1;

static void on_watch_signal(int signal_number)
{
    (void)signal_number;
    watch_signalled = 1;
}

static void watch_start(os_file_watch *w)
{
    const unsigned mask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE |
                          IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
    struct sigaction sa;
    w->signals = 0;
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0) return;
    if (inotify_add_watch(w->fd, w->dir, mask) < 0) {
        close(w->fd);
        w->fd = -1;
        return;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_watch_signal;
    sa.sa_flags = SA_RESTART;   /* a read of stdin it interrupts goes on */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGIO, &sa, NULL) == 0 && fcntl(w->fd, F_SETOWN, getpid()) == 0 &&
        fcntl(w->fd, F_SETFL, O_NONBLOCK | O_ASYNC) == 0)
        w->signals = 1;
    watch_signalled = 1;   /* look once: something may have happened before the watch */
}

os_file_watch *os_file_watch_new(const char *path)
{
    os_file_watch *w = calloc(1, sizeof *w);
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) : 0;
    if (w == NULL) return NULL;
    w->fd = -1;
    if (slash == NULL || dir_len >= sizeof w->dir || strlen(slash + 1) >= sizeof w->name) return w;
    memcpy(w->dir, path, dir_len ? dir_len : 1);   /* "/x": the root */
    w->dir[dir_len ? dir_len : 1] = '\0';
    strcpy(w->name, slash + 1);
    watch_start(w);
    return w;
}

int os_file_watch_changed(os_file_watch *w)
{
    _Alignas(struct inotify_event) char events[4096];
    int changed = 0;
    if (w->fd < 0) {
        watch_start(w);    /* the directory may exist by now; look this time either way */
        return 1;
    }
    if (w->signals) {
        if (!watch_signalled) return 0;
        watch_signalled = 0;   /* cleared before reading: an event after this raises it again */
    }
    for (;;) {
        ssize_t n = read(w->fd, events, sizeof events);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            break;   /* EAGAIN: nothing (more) happened */
        }
        for (char *p = events; p < events + n;) {
            const struct inotify_event *e = (const struct inotify_event *)p;
            if ((e->mask & (IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) != 0) {
                close(w->fd);      /* the directory itself went, or events were lost: start over */
                w->fd = -1;
                return 1;
            }
            if (e->len > 0 && strcmp(e->name, w->name) == 0) changed = 1;
            p += sizeof *e + e->len;
        }
    }
    return changed;
}

void os_file_watch_free(os_file_watch *w)
{
    if (w == NULL) return;
    if (w->fd >= 0) close(w->fd);
    free(w);
}
#else
struct os_file_watch {
    int unused;
};

os_file_watch *os_file_watch_new(const char *path)
{
    (void)path;
    return calloc(1, sizeof(os_file_watch));
}

int os_file_watch_changed(os_file_watch *w)
{
    (void)w;
    return 1;
}

void os_file_watch_free(os_file_watch *w)
{
    free(w);
}
#endif

long os_process_id(void)
{
    return (long)getpid();
}

int os_self_is_replaceable(void)
{
    char exe[4096], dir[4096];
    struct stat st;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return -1;
    exe[n] = '\0';
    if (stat(exe, &st) != 0) return -1;
    if (st.st_uid == getuid()) return 1;
    if (os_self_dir(dir, sizeof dir) != 0) return -1;
    return access(dir, W_OK) == 0;   /* the real user's permission, as access(2) checks */
}

int os_self_dir(char *out, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", out, size - 1);
    char *slash;
    if (n <= 0) return -1;
    out[n] = '\0';
    slash = strrchr(out, '/');
    if (slash == NULL) return -1;
    *slash = '\0';
    return 0;
}

int os_is_terminal(FILE *f)
{
    return isatty(fileno(f));
}

int os_read_secret_line(FILE *in, char *buf, size_t size)
{
    struct termios saved, quiet;
    int tty = isatty(fileno(in)) && tcgetattr(fileno(in), &saved) == 0;
    char *got;
    if (tty) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fileno(in), TCSAFLUSH, &quiet);
    }
    got = fgets(buf, (int)size, in);
    if (tty) tcsetattr(fileno(in), TCSAFLUSH, &saved);
    if (got == NULL) return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#else
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif
#define DENY(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)

int os_confine(void)
{
    /* A deny list: the host's own calls (read, write, open, mmap, inotify, ...) stay as they are,
     * and what it never makes fails. Calls of another ABI (32-bit, x32) fail too. */
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#if defined(__x86_64__)
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1),   /* __X32_SYSCALL_BIT */
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
#endif
        DENY(__NR_socket), DENY(__NR_socketpair), DENY(__NR_connect), DENY(__NR_bind), DENY(__NR_listen),
        DENY(__NR_accept), DENY(__NR_accept4), DENY(__NR_execve), DENY(__NR_execveat),
#ifdef __NR_io_uring_setup
        DENY(__NR_io_uring_setup),   /* it can connect and open on the process's behalf */
#endif
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {(unsigned short)(sizeof filter / sizeof filter[0]), filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0);
}
#elif defined(__linux__)
int os_confine(void)
{
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);   /* no filter written for this architecture */
}
#else
int os_confine(void)
{
    return 0;
}
#endif

void os_stdio_binary(void)
{
    signal(SIGPIPE, SIG_IGN);   /* a closed pipe shows as a write error, not a silent death */
}

int os_run_with_input(const char *program, const char *arg, const void *input, size_t input_len,
                      unsigned char *reply, size_t reply_size, size_t *reply_len, int timeout_ms,
                      char *why, size_t why_size)
{
    int to_child[2] = {-1, -1}, from_child[2] = {-1, -1}, rc = -1, status = 0;
    pid_t pid = -1;
    size_t got = 0;

    why[0] = '\0';
    if (pipe(to_child) != 0 || pipe(from_child) != 0) {
        snprintf(why, why_size, "pipe: %s", strerror(errno));
        goto done;
    }
    pid = fork();
    if (pid < 0) {
        snprintf(why, why_size, "fork: %s", strerror(errno));
        goto done;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(to_child[0], STDIN_FILENO);
        dup2(from_child[1], STDOUT_FILENO);
        if (devnull >= 0) dup2(devnull, STDERR_FILENO);
        close(to_child[1]);
        close(from_child[0]);
        execl(program, program, arg, (char *)NULL);
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    to_child[0] = from_child[1] = -1;
    {   /* the child may die before reading: that must be an answer, not our SIGPIPE */
        void (*previous)(int) = signal(SIGPIPE, SIG_IGN);
        if (fd_write_all(to_child[1], input, input_len) != 0) snprintf(why, why_size, "it did not read its input");
        signal(SIGPIPE, previous);
    }
    close(to_child[1]);
    to_child[1] = -1;
    while (got < reply_size) {
        struct pollfd p = {from_child[0], POLLIN, 0};
        ssize_t n;
        if (poll(&p, 1, timeout_ms) <= 0) {
            snprintf(why, why_size, "no answer within %d ms", timeout_ms);
            kill(pid, SIGKILL);
            break;
        }
        n = read(from_child[0], reply + got, reply_size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
    }
    if (got == reply_size) kill(pid, SIGKILL);   /* more than we asked for: stop it */
    waitpid(pid, &status, 0);
    if (why[0] == '\0' && WIFEXITED(status) && WEXITSTATUS(status) == 127 && got == 0)
        snprintf(why, why_size, "it could not be started");
    *reply_len = got;
    rc = 0;
done:
    for (int i = 0; i < 2; i++) {
        if (to_child[i] >= 0) close(to_child[i]);
        if (from_child[i] >= 0) close(from_child[i]);
    }
    return rc;
}
