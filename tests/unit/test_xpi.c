/* The .xpi signature check (xpi.c): which names count as Mozilla's signature, and every bound of
 * the central directory reader. The zips are built here byte by byte, so that each damaged
 * field can be written out; the black-box tests (tests/host/doctor-corners.test.mjs) use real
 * zips made by zip(1). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "xpi.h"

typedef struct {
    unsigned char b[8192];
    size_t n;
} zipbuf;

static void put16(zipbuf *z, uint32_t v)
{
    z->b[z->n++] = (unsigned char)v;
    z->b[z->n++] = (unsigned char)(v >> 8);
}

static void put32(zipbuf *z, uint32_t v)
{
    put16(z, v & 0xffffu);
    put16(z, v >> 16);
}

static void put_text(zipbuf *z, const char *s)
{
    memcpy(z->b + z->n, s, strlen(s));
    z->n += strlen(s);
}

/* One central directory header (APPNOTE 4.3.12); NAME_LEN lets a test lie about the name. */
static void central_entry(zipbuf *z, const char *name, uint32_t name_len, const char *extra, const char *comment)
{
    put32(z, 0x02014b50u);
    put16(z, 20); put16(z, 20); put16(z, 0); put16(z, 0);   /* versions, flags, method */
    put16(z, 0); put16(z, 0);                               /* time, date */
    put32(z, 0); put32(z, 0); put32(z, 0);                  /* crc, sizes */
    put16(z, name_len); put16(z, (uint32_t)strlen(extra)); put16(z, (uint32_t)strlen(comment));
    put16(z, 0); put16(z, 0); put32(z, 0); put32(z, 0);     /* disk, attributes, local header offset */
    put_text(z, name);
    put_text(z, extra);
    put_text(z, comment);
}

static void end_record(zipbuf *z, uint32_t entries, uint32_t dir_size, uint32_t dir_offset, const char *comment)
{
    put32(z, 0x06054b50u);
    put16(z, 0); put16(z, 0);
    put16(z, entries); put16(z, entries);
    put32(z, dir_size); put32(z, dir_offset);
    put16(z, (uint32_t)strlen(comment));
    put_text(z, comment);
}

/* A zip whose files are NAMES: some bytes standing for the files' data, the directory, the end. */
static void make_zip(zipbuf *z, const char *const *names, size_t count, const char *zip_comment)
{
    size_t dir_offset;
    z->n = 0;
    put_text(z, "PK\x03\x04 local headers and data");
    dir_offset = z->n;
    for (size_t i = 0; i < count; i++) central_entry(z, names[i], (uint32_t)strlen(names[i]), "", "");
    end_record(z, (uint32_t)count, (uint32_t)(z->n - dir_offset), (uint32_t)dir_offset, zip_comment);
}

static int signature_of(const zipbuf *z, int *is_signed, char *name, netral_error *err)
{
    return xpi_find_signature(z->b, z->n, is_signed, name, 64, err);
}

static void xpi_should_find_a_pkcs7_or_cose_signature(void)
{
    static const char *const pkcs7[] = {"manifest.json", "META-INF/manifest.mf", "META-INF/mozilla.sf", "META-INF/mozilla.rsa"};
    static const char *const cose[] = {"META-INF/cose.manifest", "META-INF/cose.sig", "manifest.json"};
    zipbuf z;
    netral_error err;
    char name[64];
    int is_signed = 0;
    make_zip(&z, pkcs7, 4, "");
    CHECK(signature_of(&z, &is_signed, name, &err) == 0);
    CHECK(is_signed == 1);
    CHECK_STR(name, "META-INF/mozilla.rsa");
    make_zip(&z, cose, 3, "");
    CHECK(signature_of(&z, &is_signed, name, &err) == 0);
    CHECK(is_signed == 1);
    CHECK_STR(name, "META-INF/cose.sig");
}

static void xpi_should_call_unsigned_a_zip_whose_names_only_resemble_a_signature(void)
{
    static const char *const names[] = {"manifest.json", "META-INF/mozilla.rsa.bak", "META-INF/mozilla.rs",
                                        "meta-inf/mozilla.rsa", "x/META-INF/cose.sig", "META-INF/manifest.mf"};
    zipbuf z;
    netral_error err;
    char name[64];
    int is_signed = 1;
    make_zip(&z, names, 6, "");
    CHECK(signature_of(&z, &is_signed, name, &err) == 0);
    CHECK(is_signed == 0);
    CHECK_STR(name, "");
}

static void xpi_should_not_read_a_signature_name_from_an_extra_field_or_comment(void)
{
    zipbuf z;
    netral_error err;
    int is_signed = 1;
    size_t dir_offset;
    z.n = 0;
    put_text(&z, "data");
    dir_offset = z.n;
    central_entry(&z, "manifest.json", 13, "META-INF/mozilla.rsa", "META-INF/cose.sig");
    end_record(&z, 1, (uint32_t)(z.n - dir_offset), (uint32_t)dir_offset, "META-INF/mozilla.rsa");
    CHECK(signature_of(&z, &is_signed, NULL, &err) == 0);
    CHECK(is_signed == 0);
}

static void xpi_should_find_the_end_record_behind_a_comment_that_imitates_one(void)
{
    static const char *const names[] = {"META-INF/mozilla.rsa"};
    zipbuf z;
    netral_error err;
    int is_signed = 0;
    /* The comment holds an end record's signature: only the record whose comment reaches the
     * end of the file is the real one. */
    make_zip(&z, names, 1, "PK\x05\x06 is not the end record");
    CHECK(signature_of(&z, &is_signed, NULL, &err) == 0);
    CHECK(is_signed == 1);
}

static void xpi_should_refuse_every_truncation_of_a_zip(void)
{
    static const char *const names[] = {"manifest.json", "META-INF/mozilla.rsa"};
    zipbuf z;
    netral_error err;
    int is_signed = 0, refused = 0;
    make_zip(&z, names, 2, "");
    for (size_t len = 0; len < z.n; len++) {
        unsigned char *copy = malloc(len > 0 ? len : 1);   /* exactly LEN bytes: a read past them is caught */
        memcpy(copy, z.b, len);
        if (xpi_find_signature(copy, len, &is_signed, NULL, 0, &err) != 0 && err.code == NETRAL_E_FORMAT) refused++;
        free(copy);
    }
    CHECK(refused == (int)z.n);
}

static void xpi_should_refuse_a_directory_outside_the_file_or_an_entry_past_it(void)
{
    zipbuf z;
    netral_error err;
    int is_signed = 0;
    size_t dir_offset;

    z.n = 0;
    put_text(&z, "data");
    end_record(&z, 1, 46, 4000, "");   /* the directory would start past the end record */
    CHECK(signature_of(&z, &is_signed, NULL, &err) == -1);
    CHECK(strstr(err.msg, "outside the file") != NULL);

    z.n = 0;
    put_text(&z, "data");
    dir_offset = z.n;
    central_entry(&z, "manifest.json", 4000, "", "");   /* a name longer than the directory */
    end_record(&z, 1, (uint32_t)(z.n - dir_offset), (uint32_t)dir_offset, "");
    CHECK(signature_of(&z, &is_signed, NULL, &err) == -1);
    CHECK(strstr(err.msg, "runs past the directory") != NULL);

    z.n = 0;
    put_text(&z, "data");
    dir_offset = z.n;
    central_entry(&z, "META-INF/mozilla.rsa", 20, "", "");
    end_record(&z, 2, (uint32_t)(z.n - dir_offset), (uint32_t)dir_offset, "");   /* two entries claimed, one there */
    CHECK(signature_of(&z, &is_signed, NULL, &err) == -1);
    CHECK(strstr(err.msg, "entry 2 is damaged") != NULL);
}

static void xpi_should_refuse_zip64_and_split_archives(void)
{
    zipbuf z;
    netral_error err;
    int is_signed = 0;
    z.n = 0;
    put_text(&z, "data");
    end_record(&z, 0xffffu, 0xffffffffu, 0xffffffffu, "");
    CHECK(signature_of(&z, &is_signed, NULL, &err) == -1);
    CHECK(strstr(err.msg, "zip64") != NULL);
    z.n = 0;
    put_text(&z, "data");
    put32(&z, 0x06054b50u);
    put16(&z, 1); put16(&z, 0); put16(&z, 0); put16(&z, 0); put32(&z, 0); put32(&z, 0); put16(&z, 0);
    CHECK(signature_of(&z, &is_signed, NULL, &err) == -1);
    CHECK(strstr(err.msg, "several disks") != NULL);
}

int main(void)
{
    RUN(xpi_should_find_a_pkcs7_or_cose_signature);
    RUN(xpi_should_call_unsigned_a_zip_whose_names_only_resemble_a_signature);
    RUN(xpi_should_not_read_a_signature_name_from_an_extra_field_or_comment);
    RUN(xpi_should_find_the_end_record_behind_a_comment_that_imitates_one);
    RUN(xpi_should_refuse_every_truncation_of_a_zip);
    RUN(xpi_should_refuse_a_directory_outside_the_file_or_an_entry_past_it);
    RUN(xpi_should_refuse_zip64_and_split_archives);
    return CHECK_REPORT();
}
