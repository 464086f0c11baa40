/* os.h for Windows (built with mingw-w64). Files are opened through CreateFile so that every
 * handle shares delete: an import can then replace a file that a host is reading. */
#include "os.h"

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
/* How long os_replace keeps trying while another process holds the target open. */
#define REPLACE_ATTEMPTS 50
#define REPLACE_PAUSE_MS 100

#define MAX_IO_CHUNK (1u << 30)

ssize_t os_read(int fd, void *buf, size_t n)
{
    return _read(fd, buf, (unsigned)(n > MAX_IO_CHUNK ? MAX_IO_CHUNK : n));
}

ssize_t os_write(int fd, const void *buf, size_t n)
{
    return _write(fd, buf, (unsigned)(n > MAX_IO_CHUNK ? MAX_IO_CHUNK : n));
}

static int errno_from(DWORD code)
{
    switch (code) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_NAME: return ENOENT;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION: return EACCES;
    case ERROR_LOCK_VIOLATION: return EWOULDBLOCK;
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS: return EEXIST;
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL: return ENOSPC;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY: return ENOMEM;
    case ERROR_FILENAME_EXCED_RANGE: return ENAMETOOLONG;
    default: return EIO;
    }
}

static int fail_with_last_error(void)
{
    errno = errno_from(GetLastError());
    return -1;
}

/* A C runtime descriptor for HANDLE (which it then owns). */
static int descriptor_for(HANDLE h, int flags)
{
    int fd;
    if (h == INVALID_HANDLE_VALUE) return fail_with_last_error();
    fd = _open_osfhandle((intptr_t)h, flags | _O_BINARY | _O_NOINHERIT);
    if (fd < 0) {
        CloseHandle(h);
        errno = EMFILE;
    }
    return fd;
}

int os_open_read(const char *path)
{
    return descriptor_for(CreateFileA(path, GENERIC_READ, SHARE_ALL, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL),
                          _O_RDONLY);
}

int os_open_read_plain(const char *path)
{
    /* Links on Windows need privilege to make; repository files are opened as any. */
    return os_open_read(path);
}

int os_create_new(const char *path)
{
    /* Who may read it comes from the directory's ACL (ProgramData: every user may read). */
    return descriptor_for(CreateFileA(path, GENERIC_WRITE, SHARE_ALL, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL),
                          _O_WRONLY);
}

int os_create_file(const char *path, int replace, int owner_only)
{
    (void)owner_only;   /* files under the user's profile are private by its ACL */
    return descriptor_for(CreateFileA(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                                      replace ? CREATE_ALWAYS : CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL),
                          _O_WRONLY);
}

int os_open_locked(const char *path)
{
    HANDLE h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, SHARE_ALL, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    OVERLAPPED whole = {0};
    if (h == INVALID_HANDLE_VALUE) return fail_with_last_error();
    if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &whole)) {
        DWORD code = GetLastError();
        CloseHandle(h);
        errno = code == ERROR_LOCK_VIOLATION || code == ERROR_IO_PENDING ? EWOULDBLOCK : errno_from(code);
        return -1;
    }
    return descriptor_for(h, _O_RDWR);   /* closing the descriptor releases the lock */
}

int os_sync_fd(int fd)
{
    return _commit(fd);
}

int os_sync_file(const char *path)
{
    HANDLE h = CreateFileA(path, GENERIC_WRITE, SHARE_ALL, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    BOOL ok;
    if (h == INVALID_HANDLE_VALUE) return fail_with_last_error();
    ok = FlushFileBuffers(h);
    if (!ok) errno = errno_from(GetLastError());
    CloseHandle(h);
    return ok ? 0 : -1;
}

int os_sync_parent_dir(const char *path)
{
    (void)path;   /* MOVEFILE_WRITE_THROUGH in os_replace already made the rename durable */
    return 0;
}

int os_replace(const char *from, const char *to)
{
    for (int attempt = 0;; attempt++) {
        DWORD code;
        if (MoveFileExA(from, to, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) return 0;
        code = GetLastError();
        if ((code != ERROR_ACCESS_DENIED && code != ERROR_SHARING_VIOLATION) || attempt == REPLACE_ATTEMPTS) {
            errno = errno_from(code);
            return -1;
        }
        Sleep(REPLACE_PAUSE_MS);   /* a reader without FILE_SHARE_DELETE (an antivirus, an editor) */
    }
}

int os_make_dir(const char *path)
{
    if (CreateDirectoryA(path, NULL) || GetLastError() == ERROR_ALREADY_EXISTS) return 0;
    return fail_with_last_error();
}

int os_make_private_dir(const char *path, char *why, size_t why_size)
{
    DWORD attributes;
    if (!CreateDirectoryA(path, NULL) && GetLastError() != ERROR_ALREADY_EXISTS) {
        snprintf(why, why_size, "cannot make %s (error %lu)", path, (unsigned long)GetLastError());
        return -1;
    }
    attributes = GetFileAttributesA(path);
    if (attributes == INVALID_FILE_ATTRIBUTES || !(attributes & FILE_ATTRIBUTE_DIRECTORY) ||
        (attributes & FILE_ATTRIBUTE_REPARSE_POINT)) {
        snprintf(why, why_size, "%s is not a directory", path);
        return -1;
    }
    return 0;
}

int os_user_name(char *out, size_t size)
{
    wchar_t name[257];
    DWORD n = 257;
    if (!GetUserNameW(name, &n) || WideCharToMultiByte(CP_UTF8, 0, name, -1, out, (int)size, NULL, NULL) <= 0)
        return -1;
    for (char *c = out; *c != '\0'; c++)   /* a file name: letters, digits, . _ - */
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.' ||
              *c == '_' || *c == '-'))
            *c = '_';
    return out[0] == '.' ? -1 : 0;
}

int os_is_plain_dir(const char *path)
{
    DWORD attributes = GetFileAttributesA(path);
    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY) &&
           !(attributes & FILE_ATTRIBUTE_REPARSE_POINT);
}

int os_exists(const char *path)
{
    return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
}

int os_is_executable(const char *path)
{
    static const char *const runnable[] = {".exe", ".com", ".bat", ".cmd", NULL};
    DWORD attributes = GetFileAttributesA(path);
    size_t n = strlen(path);
    if (attributes == INVALID_FILE_ATTRIBUTES || (attributes & FILE_ATTRIBUTE_DIRECTORY)) return 0;
    for (const char *const *ext = runnable; *ext != NULL; ext++)
        if (n > 4 && _stricmp(path + n - 4, *ext) == 0) return 1;
    return 0;
}

int os_path_is_absolute(const char *path)
{
    int drive = ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')) && path[1] == ':' &&
                (path[2] == '\\' || path[2] == '/');
    int unc = (path[0] == '\\' || path[0] == '/') && (path[1] == '\\' || path[1] == '/');
    return drive || unc;
}

int os_file_identity(const char *path, os_file_id *id)
{
    BY_HANDLE_FILE_INFORMATION info;
    HANDLE h = CreateFileA(path, FILE_READ_ATTRIBUTES, SHARE_ALL, NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    BOOL ok;
    if (h == INVALID_HANDLE_VALUE) return fail_with_last_error();
    ok = GetFileInformationByHandle(h, &info);
    if (!ok) errno = errno_from(GetLastError());
    CloseHandle(h);
    if (!ok) return -1;
    id->volume = info.dwVolumeSerialNumber;
    id->file = ((uint64_t)info.nFileIndexHigh << 32) | info.nFileIndexLow;
    id->size = ((uint64_t)info.nFileSizeHigh << 32) | info.nFileSizeLow;
    id->changed = ((uint64_t)info.ftLastWriteTime.dwHighDateTime << 32) | info.ftLastWriteTime.dwLowDateTime;
    return 0;
}

/* Windows: no cheap watch here; the reader looks at the file (an open) on every request. */
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

int os_confine(void)
{
    return 0;   /* Windows: a restricted token or job object would be the way; not done */
}

int os_check_private(const char *path, char *why, size_t why_size)
{
    (void)path;   /* the ProgramData ACL decides (docs/deployment.md) */
    (void)why;
    (void)why_size;
    return 0;
}

long os_process_id(void)
{
    return (long)GetCurrentProcessId();
}

int os_self_is_replaceable(void)
{
    /* Windows permissions are ACLs, which _access does not read: try what a replacement would
     * need, creating a file beside the executable (deleted again when the handle closes). */
    char dir[MAX_PATH], probe[MAX_PATH + 64];
    HANDLE h;
    if (os_self_dir(dir, sizeof dir) != 0) return -1;
    if (snprintf(probe, sizeof probe, "%s\\.netral-write-probe-%ld", dir, os_process_id()) >= (int)sizeof probe)
        return -1;
    h = CreateFileA(probe, GENERIC_WRITE, 0, NULL, CREATE_NEW,
                    FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (h == INVALID_HANDLE_VALUE) return 0;
    CloseHandle(h);
    return 1;
}

int os_self_dir(char *out, size_t size)
{
    DWORD n = GetModuleFileNameA(NULL, out, (DWORD)size);
    char *slash;
    if (n == 0 || n >= size) return -1;
    slash = strrchr(out, '\\');
    if (slash == NULL) return -1;
    *slash = '\0';
    return 0;
}

int os_is_terminal(FILE *f)
{
    return _isatty(_fileno(f));
}

int os_read_secret_line(FILE *in, char *buf, size_t size)
{
    HANDLE console = (HANDLE)_get_osfhandle(_fileno(in));
    DWORD saved = 0;
    int quiet = _isatty(_fileno(in)) && GetConsoleMode(console, &saved) &&
                SetConsoleMode(console, saved & ~(DWORD)ENABLE_ECHO_INPUT);
    char *got = fgets(buf, (int)size, in);
    if (quiet) SetConsoleMode(console, saved);
    if (got == NULL) return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

void os_stdio_binary(void)
{
    /* Without this the C runtime turns \n into \r\n in the frames and the browser drops us. */
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
}

int os_run_with_input(const char *program, const char *arg, const void *input, size_t input_len,
                      unsigned char *reply, size_t reply_size, size_t *reply_len, int timeout_ms,
                      char *why, size_t why_size)
{
    SECURITY_ATTRIBUTES inheritable = {sizeof inheritable, NULL, TRUE};
    HANDLE child_in = NULL, to_child = NULL, from_child = NULL, child_out = NULL, child_err = INVALID_HANDLE_VALUE;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi = {0};
    char command[4096 + 300];
    DWORD written = 0;
    size_t got = 0;
    int rc = -1, n;

    why[0] = '\0';
    n = snprintf(command, sizeof command, "\"%s\" \"%s\"", program, arg);
    if (n < 0 || (size_t)n >= sizeof command || strchr(program, '"') != NULL || strchr(arg, '"') != NULL) {
        snprintf(why, why_size, "the path cannot be run");
        goto done;
    }
    /* Pipes as large as the exchange, so that neither side waits on the other. */
    if (!CreatePipe(&child_in, &to_child, &inheritable, 65536) ||
        !CreatePipe(&from_child, &child_out, &inheritable, 65536)) {
        snprintf(why, why_size, "CreatePipe failed (error %lu)", GetLastError());
        goto done;
    }
    SetHandleInformation(to_child, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(from_child, HANDLE_FLAG_INHERIT, 0);
    child_err = CreateFileA("NUL", GENERIC_WRITE, SHARE_ALL, &inheritable, OPEN_EXISTING, 0, NULL);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = child_in;
    si.hStdOutput = child_out;
    si.hStdError = child_err;
    if (!CreateProcessA(program, command, NULL, NULL, TRUE, CREATE_NO_WINDOW, NULL, NULL, &si, &pi)) {
        snprintf(why, why_size, "it could not be started (error %lu)", GetLastError());
        goto done;
    }
    CloseHandle(child_in);   /* only the child holds its ends now: EOF reaches both sides */
    CloseHandle(child_out);
    child_in = child_out = NULL;
    if (!WriteFile(to_child, input, (DWORD)input_len, &written, NULL) || written != input_len)
        snprintf(why, why_size, "it did not read its input");
    CloseHandle(to_child);
    to_child = NULL;
    if (WaitForSingleObject(pi.hProcess, (DWORD)timeout_ms) != WAIT_OBJECT_0) {
        snprintf(why, why_size, "no answer within %d ms", timeout_ms);
        TerminateProcess(pi.hProcess, 1);
        WaitForSingleObject(pi.hProcess, INFINITE);
    }
    while (got < reply_size) {
        DWORD chunk = 0;
        if (!ReadFile(from_child, reply + got, (DWORD)(reply_size - got), &chunk, NULL) || chunk == 0) break;
        got += chunk;
    }
    *reply_len = got;
    rc = 0;
done:
    if (pi.hProcess != NULL) CloseHandle(pi.hProcess);
    if (pi.hThread != NULL) CloseHandle(pi.hThread);
    if (child_in != NULL) CloseHandle(child_in);
    if (to_child != NULL) CloseHandle(to_child);
    if (from_child != NULL) CloseHandle(from_child);
    if (child_out != NULL) CloseHandle(child_out);
    if (child_err != INVALID_HANDLE_VALUE) CloseHandle(child_err);
    return rc;
}
