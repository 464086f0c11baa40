/* UTC timestamps as written in lists: exactly "YYYY-MM-DDTHH:MM:SSZ". */
#ifndef NETRAL_ISOTIME_H
#define NETRAL_ISOTIME_H

#include <stddef.h>
#include <stdint.h>

#define ISOTIME_BYTES 21   /* 20 characters and a NUL */

/* Parses exactly LEN bytes of TEXT; returns 0 and seconds since the epoch, or -1. */
int isotime_parse(const char *text, size_t len, int64_t *out);

/* Writes SECONDS as "YYYY-MM-DDTHH:MM:SSZ" into OUT (ISOTIME_BYTES). */
void isotime_format(int64_t seconds, char out[ISOTIME_BYTES]);

#endif
