#include "xpi.h"

#include <stdio.h>

#include <zip.h>

static const char *const SIGNATURE_FILES[] = {"META-INF/mozilla.rsa", "META-INF/cose.sig"};

int xpi_find_signature(const unsigned char *zip, size_t len, int *is_signed, char *signature_name,
                       size_t name_size, netral_error *err)
{
    zip_error_t ze;
    zip_source_t *source = NULL;
    zip_t *archive = NULL;
    int rc = -1;

    *is_signed = 0;
    if (signature_name != NULL && name_size > 0) signature_name[0] = '\0';
    if (len > MAX_XPI_BYTES) return netral_fail(err, NETRAL_E_TOO_LARGE, "larger than %u bytes", MAX_XPI_BYTES);
    if (len == 0) return netral_fail(err, NETRAL_E_FORMAT, "not a zip file: it is empty");   /* libzip: a new archive */
    zip_error_init(&ze);
    source = zip_source_buffer_create(zip, len, 0, &ze);
    if (source == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "cannot read it: %s", zip_error_strerror(&ze));
        goto done;
    }
    /* Read-only, and the whole directory checked against the file (a cut one is refused). */
    archive = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (archive == NULL) {
        netral_fail(err, NETRAL_E_FORMAT, "not a zip file Netral can read: %s", zip_error_strerror(&ze));
        zip_source_free(source);   /* not taken by a failed open */
        goto done;
    }
    for (size_t s = 0; s < sizeof SIGNATURE_FILES / sizeof SIGNATURE_FILES[0]; s++) {
        if (zip_name_locate(archive, SIGNATURE_FILES[s], ZIP_FL_ENC_RAW) < 0) continue;
        *is_signed = 1;
        if (signature_name != NULL && name_size > 0) snprintf(signature_name, name_size, "%s", SIGNATURE_FILES[s]);
        break;
    }
    rc = 0;
done:
    if (archive != NULL) zip_discard(archive);   /* also frees the source */
    zip_error_fini(&ze);
    return rc;
}
