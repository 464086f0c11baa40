/* Is an .xpi signed? Firefox (release) installs only add-ons that carry Mozilla's signature,
 * which lives in the zip as META-INF/mozilla.rsa (PKCS#7) or META-INF/cose.sig (COSE). This
 * reads the zip's directory (with libzip) to see whether one is there; it does not verify the
 * signature: Firefox does that. Linux only (doctor_linux.c). */
#ifndef NETRAL_XPI_H
#define NETRAL_XPI_H

#include <stddef.h>

#include "error.h"

/* The largest .xpi doctor reads; Netral's is a few hundred KiB. */
#define MAX_XPI_BYTES (64u * 1024u * 1024u)

/* Looks through the directory of the zip ZIP (LEN bytes). On success *SIGNED is 1 when it names
 * a Mozilla signature file (its name copied to SIGNATURE_NAME when not NULL), else 0. -1 with
 * libzip's reason when ZIP is not a zip it can read (truncated, inconsistent, split). */
int xpi_find_signature(const unsigned char *zip, size_t len, int *is_signed, char *signature_name,
                       size_t name_size, netral_error *err);

#endif
