/* netral-host: the native messaging host. The browser starts it and talks to it over
 * stdin/stdout; it answers from the installed list, and writes only to its user's spool (a list
 * update the browser fetched, for the system's updater to install: spool.h). Logs go to stderr
 * only, and name no account. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "frame.h"
#include "json_arena.h"
#include "netral_limits.h"
#include "minisign.h"
#include "os.h"
#include "protocol.h"
#include "store.h"

/* Browsers pass: Chrome/Chromium/Edge the caller's origin "chrome-extension://ID/" (and on
 * Windows "--parent-window=N"); Firefox the manifest path and the extension id. None of them
 * changes what the host answers, so they are accepted and not used. */
static int usage_requested(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
    return 0;
}

static int send_reply(char *reply)
{
    int rc;
    if (reply == NULL) {
        static const char oom[] = "{\"id\":null,\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
        return frame_write(STDOUT_FILENO, oom, sizeof oom - 1);
    }
    rc = frame_write(STDOUT_FILENO, reply, strlen(reply));
    cJSON_free(reply);
    return rc;
}

int main(int argc, char **argv)
{
    netral_paths paths;
    netral_error err;
    protocol_ctx *ctx = NULL;
    frame_reader *in = NULL;
    int status = 1;

    if (usage_requested(argc, argv)) {
        printf("netral-host %s: Netral's native messaging host. Browsers start it; see `netral --help`.\n",
               NETRAL_VERSION);
        return 0;
    }
    os_stdio_binary();   /* frames are bytes; a closed pipe is a write error, not a silent death */
#ifdef SIGXFSZ
    signal(SIGXFSZ, SIG_IGN);   /* a file size limit fails a spool write (EFBIG), said in the reply */
#endif
    store_init();
    if (minisign_init(&err) != 0 || paths_resolve(&paths, &err) != 0) {
        fprintf(stderr, "netral-host: %s\n", err.msg);
        return 1;
    }
    if (os_confine() != 0) fprintf(stderr, "netral-host: could not give up sockets and exec: %s\n", strerror(errno));
    json_arena_install();
    ctx = protocol_ctx_new(&paths);
    in = frame_reader_new(STDIN_FILENO, MAX_REQUEST_BYTES);
    if (ctx == NULL || in == NULL) {
        fprintf(stderr, "netral-host: out of memory\n");
        goto done;
    }
    for (;;) {
        const unsigned char *frame = NULL;
        size_t len = 0;
        frame_status fs;
        json_arena_reset();   /* the last request, its reply and their trees are gone */
        fs = frame_reader_next(in, &frame, &len);
        if (fs == FRAME_EOF) {
            status = 0;
            break;
        }
        if (fs == FRAME_TOO_LARGE) {
            /* The length is known, so the stream stays framed: refuse this one and go on. */
            char message[128];
            snprintf(message, sizeof message, "request of %zu bytes, over the limit of %u; skipped", len,
                     MAX_REQUEST_BYTES);
            if (send_reply(protocol_error_reply("frame_too_large", message)) != 0) {
                perror("netral-host: write");
                break;
            }
            continue;
        }
        if (fs == FRAME_TRUNCATED) {
            (void)send_reply(protocol_error_reply("truncated_frame", "the stream ended inside a request"));
            fprintf(stderr, "netral-host: the stream ended inside a request\n");
            status = 2;
            break;
        }
        if (fs == FRAME_IO) {
            perror("netral-host: read");
            break;
        }
        if (send_reply(protocol_handle(ctx, frame, len)) != 0) {
            perror("netral-host: write");
            break;
        }
    }
done:
    frame_reader_free(in);
    protocol_ctx_free(ctx);
    return status;
}
