/* The floor for a native messaging host: reads each frame (4-byte native-endian length, then
 * that many bytes) and answers every one with the same small frame. Exits at end of input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int read_full(unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(STDIN_FILENO, buf + got, n - got);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

int main(void)
{
    static const char body[] = "{\"id\":0,\"verdict\":\"clear\"}";
    unsigned char reply[4 + sizeof body - 1];
    uint32_t len = sizeof body - 1;
    size_t cap = 1 << 20;
    unsigned char *buf = malloc(cap);

    memcpy(reply, &len, 4);
    memcpy(reply + 4, body, len);
    for (;;) {
        uint32_t n;
        if (buf == NULL || read_full((unsigned char *)&n, 4) != 0 || n > cap || read_full(buf, n) != 0) return 0;
        if (write(STDOUT_FILENO, reply, sizeof reply) != (ssize_t)sizeof reply) return 1;
    }
}
