#include "utf8.h"

#include <stdint.h>
#include <string.h>

/* Length of the well-formed sequence at S[0..LEN), or 0 when there is none. */
static size_t sequence_length(const unsigned char *s, size_t len);

int utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        /* Requests are mostly ASCII: skip it eight bytes at a time. */
        while (len - i >= 8) {
            uint64_t chunk;
            memcpy(&chunk, s + i, sizeof chunk);
            if ((chunk & 0x8080808080808080ull) != 0) break;
            i += 8;
        }
        if (i >= len) break;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = sequence_length(s + i, len - i);
        if (n == 0) return 0;
        i += n;
    }
    return 1;
}

void utf8_repair(char *text)
{
    unsigned char *s = (unsigned char *)text;
    size_t len = strlen(text), i = 0;
    while (i < len) {
        size_t n = sequence_length(s + i, len - i);
        if (n == 0) {
            s[i] = '?';
            n = 1;
        }
        i += n;
    }
}

static size_t sequence_length(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;   /* allowed range of the second byte */

    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) lo = 0xA0;          /* overlong */
        if (c == 0xED) hi = 0x9F;          /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) lo = 0x90;          /* overlong */
        if (c == 0xF4) hi = 0x8F;          /* past U+10FFFF */
    } else return 0;

    if (len - 1 < need) return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t k = 2; k <= need; k++)
        if ((s[k] & 0xC0) != 0x80) return 0;
    return need + 1;
}
