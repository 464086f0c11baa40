/* What the os layer promises that the host relies on for its own safety. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "portable.h"
#include "os.h"

#ifdef __linux__
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs os_confine in a child, then tries what a confined host must not do. The child's exit
 * status says what happened: 0 when every attempt failed with EPERM and reading still works. */
static int confined_child(void)
{
    char buf[16];
    int fds[2];
    if (os_confine() != 0) return 10;
    if (socket(AF_INET, SOCK_STREAM, 0) >= 0 || errno != EPERM) return 11;
    if (socket(AF_UNIX, SOCK_STREAM, 0) >= 0 || errno != EPERM) return 12;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0 || errno != EPERM) return 13;
    execl("/bin/true", "true", (char *)NULL);
    if (errno != EPERM) return 14;
    int fd = os_open_read("/proc/self/status");   /* files still open */
    if (fd < 0 || read(fd, buf, sizeof buf) <= 0) return 15;
    close(fd);
    return 0;
}

static void a_confined_process_should_open_no_socket_and_start_no_program(void)
{
    int status = 0;
    pid_t pid = fork();
    if (pid == 0) _exit(confined_child());
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    if (WEXITSTATUS(status) != 0) fprintf(stderr, "confined child exited %d\n", WEXITSTATUS(status));
    CHECK(WEXITSTATUS(status) == 0);
}
#endif

static void check_private_should_refuse_a_directory_others_can_write(void)
{
    char dir[512], why[512];
    CHECK(test_make_temp_dir(dir, sizeof dir, "netral-os") == 0);
#ifdef _WIN32
    CHECK(os_check_private(dir, why, sizeof why) == 0);   /* ACLs decide on Windows */
#else
    CHECK(chmod(dir, 0755) == 0 && os_check_private(dir, why, sizeof why) == 0);
    CHECK(chmod(dir, 0777) == 0 && os_check_private(dir, why, sizeof why) == -1);
    CHECK(strstr(why, "can be changed by other users") != NULL);
    CHECK(chmod(dir, 0775) == 0 && os_check_private(dir, why, sizeof why) == -1);
#endif
    test_remove_tree(dir);
}

int main(void)
{
#ifdef __linux__
    RUN(a_confined_process_should_open_no_socket_and_start_no_program);
#endif
    RUN(check_private_should_refuse_a_directory_others_can_write);
    return CHECK_REPORT();
}
