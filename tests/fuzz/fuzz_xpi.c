/* Fuzz target: the .xpi signature check (xpi.c), on any bytes taken as a zip file. Nothing may
 * crash; a refusal gives a reason; a signature found is one of the two names Mozilla uses. The
 * seeds are real zips made by zip(1): unsigned, signed (PKCS#7 and COSE names), with a comment. */
#include <stdint.h>
#include <string.h>

#include "fuzz_util.h"
#include "xpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    netral_error err;
    char name[64];
    int is_signed = -1;
    memset(&err, 0, sizeof err);
    if (xpi_find_signature(data, size, &is_signed, name, sizeof name, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0');
        return 0;
    }
    FUZZ_CHECK(is_signed == 0 || is_signed == 1);
    FUZZ_CHECK(is_signed ? strcmp(name, "META-INF/mozilla.rsa") == 0 || strcmp(name, "META-INF/cose.sig") == 0
                         : name[0] == '\0');
    return 0;
}
