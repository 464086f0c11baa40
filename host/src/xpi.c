#include "xpi.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The zip format (PKWARE APPNOTE.TXT, sections 4.3.12 and 4.3.16): the file ends with an
 * "end of central directory" record (22 bytes and a comment of up to 65535), which gives the
 * size and offset of the central directory: one header (46 bytes, then name, extra field and
 * comment) per file. Nothing else in the file is read. */
#define EOCD_SIGNATURE 0x06054b50u
#define EOCD_BYTES 22u
#define MAX_ZIP_COMMENT 65535u
#define CENTRAL_SIGNATURE 0x02014b50u
#define CENTRAL_BYTES 46u
#define ZIP64_MARK 0xffffffffu

static const char *const SIGNATURE_FILES[] = {"META-INF/mozilla.rsa", "META-INF/cose.sig"};

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The offset of the end record: the last one whose comment reaches exactly to the end. */
static int find_end_record(const unsigned char *zip, size_t len, size_t *at)
{
    size_t lowest;
    if (len < EOCD_BYTES) return -1;
    lowest = len - EOCD_BYTES > MAX_ZIP_COMMENT ? len - EOCD_BYTES - MAX_ZIP_COMMENT : 0;
    for (size_t i = len - EOCD_BYTES + 1; i-- > lowest;) {
        if (le32(zip + i) == EOCD_SIGNATURE && i + EOCD_BYTES + le16(zip + i + 20) == len) {
            *at = i;
            return 0;
        }
    }
    return -1;
}

int xpi_find_signature(const unsigned char *zip, size_t len, int *is_signed, char *signature_name,
                       size_t name_size, netral_error *err)
{
    size_t end = 0, offset, dir_end;
    uint32_t entries, dir_size, dir_offset;

    *is_signed = 0;
    if (signature_name != NULL && name_size > 0) signature_name[0] = '\0';
    if (len > MAX_XPI_BYTES) return netral_fail(err, NETRAL_E_TOO_LARGE, "larger than %u bytes", MAX_XPI_BYTES);
    if (find_end_record(zip, len, &end) != 0)
        return netral_fail(err, NETRAL_E_FORMAT, "not a zip file (no end of central directory)");
    if (le16(zip + end + 4) != 0 || le16(zip + end + 6) != 0 || le16(zip + end + 8) != le16(zip + end + 10))
        return netral_fail(err, NETRAL_E_FORMAT, "a zip split over several disks");
    entries = le16(zip + end + 10);
    dir_size = le32(zip + end + 12);
    dir_offset = le32(zip + end + 16);
    if (entries == 0xffffu || dir_size == ZIP64_MARK || dir_offset == ZIP64_MARK)
        return netral_fail(err, NETRAL_E_FORMAT, "a zip64 file (not expected for an add-on)");
    if ((size_t)dir_offset > end || (size_t)dir_size > end - dir_offset)
        return netral_fail(err, NETRAL_E_FORMAT, "the central directory lies outside the file (truncated?)");
    offset = dir_offset;
    dir_end = (size_t)dir_offset + dir_size;
    for (uint32_t n = 0; n < entries; n++) {
        const unsigned char *h = zip + offset;
        size_t name_len, record;
        if (dir_end - offset < CENTRAL_BYTES || le32(h) != CENTRAL_SIGNATURE)
            return netral_fail(err, NETRAL_E_FORMAT, "central directory entry %u is damaged", n + 1);
        name_len = le16(h + 28);
        record = CENTRAL_BYTES + name_len + le16(h + 30) + le16(h + 32);
        if (record > dir_end - offset)
            return netral_fail(err, NETRAL_E_FORMAT, "central directory entry %u runs past the directory", n + 1);
        for (size_t s = 0; s < sizeof SIGNATURE_FILES / sizeof SIGNATURE_FILES[0]; s++) {
            if (name_len != strlen(SIGNATURE_FILES[s]) || memcmp(h + CENTRAL_BYTES, SIGNATURE_FILES[s], name_len) != 0)
                continue;
            *is_signed = 1;
            if (signature_name != NULL && name_size > 0) snprintf(signature_name, name_size, "%s", SIGNATURE_FILES[s]);
        }
        offset += record;
    }
    return 0;
}
