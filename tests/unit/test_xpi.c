/* The .xpi signature check (xpi.c): which names count as Mozilla's signature, and that a zip
 * that is cut, damaged or not a zip is refused with a reason. The zips are real ones, written
 * here with libzip; the black-box tests (tests/host/doctor-corners.test.mjs) use zip(1). */
#define _GNU_SOURCE   /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "check.h"
#include "xpi.h"

#define MAX_TEST_ZIP (64u * 1024u)

typedef struct {
    unsigned char b[MAX_TEST_ZIP];
    size_t n;
} zipbuf;

/* A zip of the files NAMES (each holding its own name), with COMMENT on the archive and
 * FILE_COMMENT on its first file when not NULL, read back into Z. */
static void make_zip(zipbuf *z, const char *const *names, size_t count, const char *comment, const char *file_comment)
{
    char path[] = "/tmp/netral-test-xpi-XXXXXX";
    int fd = mkstemp(path), error = 0;
    zip_t *archive;
    FILE *f;
    z->n = 0;
    if (fd < 0) return;
    archive = zip_open(path, ZIP_TRUNCATE, &error);
    for (size_t i = 0; archive != NULL && i < count; i++) {
        zip_source_t *data = zip_source_buffer(archive, names[i], strlen(names[i]), 0);
        zip_int64_t at = data ? zip_file_add(archive, names[i], data, ZIP_FL_ENC_UTF_8) : -1;
        if (at < 0) zip_source_free(data);
        if (at == 0 && file_comment != NULL) zip_file_set_comment(archive, 0, file_comment, (zip_uint16_t)strlen(file_comment), 0);
    }
    if (archive != NULL && comment != NULL) zip_set_archive_comment(archive, comment, (zip_uint16_t)strlen(comment));
    if (archive != NULL) zip_close(archive);
    close(fd);   /* libzip wrote a new file and renamed it over this one: read it by name */
    f = fopen(path, "rb");
    if (f != NULL) {
        z->n = fread(z->b, 1, sizeof z->b, f);
        fclose(f);
    }
    remove(path);
}

static int signature_of(const unsigned char *zip, size_t n, int *is_signed, char *name, netral_error *err)
{
    return xpi_find_signature(zip, n, is_signed, name, 64, err);
}

static void xpi_should_find_a_pkcs7_or_cose_signature(void)
{
    static const char *const pkcs7[] = {"manifest.json", "META-INF/manifest.mf", "META-INF/mozilla.sf", "META-INF/mozilla.rsa"};
    static const char *const cose[] = {"META-INF/cose.manifest", "META-INF/cose.sig", "manifest.json"};
    static zipbuf z;
    netral_error err;
    char name[64];
    int is_signed = 0;
    make_zip(&z, pkcs7, 4, NULL, NULL);
    CHECK(signature_of(z.b, z.n, &is_signed, name, &err) == 0);
    CHECK(is_signed == 1);
    CHECK_STR(name, "META-INF/mozilla.rsa");
    make_zip(&z, cose, 3, NULL, NULL);
    CHECK(signature_of(z.b, z.n, &is_signed, name, &err) == 0);
    CHECK(is_signed == 1);
    CHECK_STR(name, "META-INF/cose.sig");
}

static void xpi_should_call_unsigned_a_zip_whose_names_only_resemble_a_signature(void)
{
    static const char *const names[] = {"manifest.json", "META-INF/mozilla.rsa.bak", "meta-inf/mozilla.rsa",
                                        "x/META-INF/mozilla.rsa", "META-INF/cose.sig/", "mozilla.rsa"};
    static zipbuf z;
    netral_error err;
    char name[64];
    int is_signed = 1;
    make_zip(&z, names, 6, NULL, NULL);
    CHECK(z.n > 0);
    CHECK(signature_of(z.b, z.n, &is_signed, name, &err) == 0);
    CHECK(is_signed == 0);
    CHECK_STR(name, "");
}

static void xpi_should_not_read_a_signature_name_from_a_comment(void)
{
    static const char *const names[] = {"manifest.json"};
    static zipbuf z;
    netral_error err;
    int is_signed = 1;
    make_zip(&z, names, 1, "META-INF/mozilla.rsa", "META-INF/cose.sig");
    CHECK(z.n > 0);
    CHECK(signature_of(z.b, z.n, &is_signed, NULL, &err) == 0);
    CHECK(is_signed == 0);
}

static void xpi_should_refuse_every_truncation_of_a_zip(void)
{
    static const char *const names[] = {"manifest.json", "META-INF/mozilla.rsa"};
    static zipbuf z;
    netral_error err;
    int is_signed, refused = 0;
    make_zip(&z, names, 2, NULL, NULL);
    CHECK(z.n > 0);
    for (size_t n = 0; n < z.n; n++) {
        err.msg[0] = '\0';
        if (signature_of(z.b, n, &is_signed, NULL, &err) == -1 && err.msg[0] != '\0') refused++;
    }
    CHECK(refused == (int)z.n);
}

static void xpi_should_refuse_damage_and_what_is_no_zip_with_a_reason(void)
{
    static const char *const names[] = {"manifest.json", "META-INF/mozilla.rsa"};
    static zipbuf z;
    static const char text[] = "{\"manifest_version\": 3}";
    netral_error err;
    int is_signed;
    unsigned char *directory;
    make_zip(&z, names, 2, NULL, NULL);
    directory = memmem(z.b, z.n, "PK\x01\x02", 4);   /* the first central directory entry */
    CHECK(directory != NULL);
    if (directory != NULL) directory[0] = 'X';
    CHECK(signature_of(z.b, z.n, &is_signed, NULL, &err) == -1);
    CHECK(strstr(err.msg, "not a zip file") != NULL);
    CHECK(signature_of((const unsigned char *)text, sizeof text - 1, &is_signed, NULL, &err) == -1);
    CHECK(strstr(err.msg, "not a zip file") != NULL);
    CHECK(signature_of(z.b, (size_t)MAX_XPI_BYTES + 1, &is_signed, NULL, &err) == -1);   /* not read */
    CHECK(strstr(err.msg, "larger than") != NULL);
}

int main(void)
{
    RUN(xpi_should_find_a_pkcs7_or_cose_signature);
    RUN(xpi_should_call_unsigned_a_zip_whose_names_only_resemble_a_signature);
    RUN(xpi_should_not_read_a_signature_name_from_a_comment);
    RUN(xpi_should_refuse_every_truncation_of_a_zip);
    RUN(xpi_should_refuse_damage_and_what_is_no_zip_with_a_reason);
    return CHECK_REPORT();
}
