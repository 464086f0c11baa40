/* UTF-8 validation for bytes from the browser, before they reach the JSON parser. */
#ifndef NETRAL_UTF8_H
#define NETRAL_UTF8_H

#include <stddef.h>

/* Returns 1 when the LEN bytes at S are well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF), else 0. */
int utf8_valid(const unsigned char *s, size_t len);

#endif
