/* UTF-8 validation for bytes from the browser, before they reach the JSON parser. */
#ifndef NETRAL_UTF8_H
#define NETRAL_UTF8_H

#include <stddef.h>

/* Returns 1 when the LEN bytes at S are well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF), else 0. */
int utf8_valid(const unsigned char *s, size_t len);

/* Replaces every byte of the NUL-terminated TEXT that does not belong to a well-formed UTF-8
 * sequence (e.g. a character cut in half by truncation) with '?', so that it can go into JSON. */
void utf8_repair(char *text);

#endif
