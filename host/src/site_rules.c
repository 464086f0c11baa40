#include "site_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "fileio.h"
#include "isotime.h"
#include "json.h"
#include "minisign.h"
#include "netral_limits.h"
#include "os.h"

/* The kept file: "netral-sites-kept SIG_LEN TEXT_LEN\n", the signature's bytes, the document's. */
#define KEPT_MAGIC "netral-sites-kept"
#define KEPT_HEADER_MAX 64u

static int verify_by_list_key(const trusted_keys *keys, const char *text, size_t len, const char *sig_text,
                              size_t sig_len, netral_error *err)
{
    minisign_sig *sig = malloc(sizeof *sig);
    unsigned char hash[MINISIGN_HASH_BYTES];
    char id[MINISIGN_KEY_ID_HEX_BYTES];
    key_role role;
    const minisign_pubkey *key;
    int rc = -1;
    if (sig == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (minisign_sig_parse(sig_text, sig_len, sig, err) != 0) goto done;
    minisign_key_id_hex(sig->keynum, id);
    key = trusted_keys_find(keys, sig->keynum, &role);
    if (key == NULL || role != KEY_ROLE_LIST) {
        netral_fail(err, NETRAL_E_KEY, "the site rules are signed by key %s, which is not a trusted list key", id);
        goto done;
    }
    crypto_generichash(hash, sizeof hash, (const unsigned char *)text, len, NULL, 0);
    rc = minisign_verify(key, sig, hash, err);
done:
    free(sig);
    return rc;
}

static int header_time(const cJSON *o, const char *name, int64_t *out, netral_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsString(item) || isotime_parse(item->valuestring, strlen(item->valuestring), out) != 0)
        return netral_fail(err, NETRAL_E_FORMAT, "the site rules need \"%s\", a UTC time such as 2026-12-03T00:00:00Z",
                           name);
    return 0;
}

int site_rules_check_header(const char *text, size_t len, int64_t now, site_rules_header *out, netral_error *err)
{
    json_problem problem;
    cJSON *o = json_parse_exact(text, len, &problem);
    const cJSON *format, *version;
    int rc = -1;
    if (o == NULL || problem != JSON_OK) {
        netral_fail(err, NETRAL_E_FORMAT, "the site rules are not one JSON object%s%s", o ? ": it" : "",
                    o ? json_problem_text(problem) : "");
        goto done;
    }
    format = cJSON_GetObjectItemCaseSensitive(o, "netral_sites");
    version = cJSON_GetObjectItemCaseSensitive(o, "version");
    if (!cJSON_IsObject(o) || !cJSON_IsNumber(format) || format->valuedouble != SITE_RULES_FORMAT) {
        netral_fail(err, NETRAL_E_FORMAT, "not site rules of format %d (\"netral_sites\": %d)", SITE_RULES_FORMAT,
                    SITE_RULES_FORMAT);
        goto done;
    }
    if (!cJSON_IsNumber(version) || version->valuedouble < 1 || version->valuedouble > 9007199254740991.0 ||
        version->valuedouble != (double)(int64_t)version->valuedouble) {
        netral_fail(err, NETRAL_E_FORMAT, "the site rules need a whole \"version\" from 1");
        goto done;
    }
    out->version = (int64_t)version->valuedouble;
    if (header_time(o, "issued", &out->issued, err) != 0 || header_time(o, "expires", &out->expires, err) != 0) goto done;
    if (out->expires <= out->issued) {
        netral_fail(err, NETRAL_E_FORMAT, "the site rules expire before they are issued");
        goto done;
    }
    if (now >= out->expires) {
        char when[ISOTIME_BYTES];
        isotime_format(out->expires, when);
        netral_fail(err, NETRAL_E_EXPIRED, "site rules version %lld expired at %s", (long long)out->version, when);
        goto done;
    }
    rc = 0;
done:
    cJSON_Delete(o);
    return rc;
}

int site_rules_verify(const netral_paths *paths, const char *text, size_t len, const char *sig_text, size_t sig_len,
                      int64_t now, site_rules_header *out, netral_error *err)
{
    trusted_keys *keys = malloc(sizeof *keys);
    int rc = -1;
    if (keys == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (len > MAX_SITE_RULES_BYTES) {
        netral_fail(err, NETRAL_E_TOO_LARGE, "the site rules are over %u KiB", MAX_SITE_RULES_BYTES / 1024u);
        goto done;
    }
    if (trusted_keys_load(paths, keys, err) != 0) goto done;
    if (keys->refused[0] != '\0') {
        netral_fail(err, NETRAL_E_KEY, "the trusted keys are not usable: %s", keys->refused);
        goto done;
    }
    if (verify_by_list_key(keys, text, len, sig_text, sig_len, err) != 0) goto done;
    rc = site_rules_check_header(text, len, now, out, err);
done:
    free(keys);
    return rc;
}

char *site_rules_pack(const char *text, size_t len, const char *sig_text, size_t sig_len, size_t *packed_len)
{
    char header[KEPT_HEADER_MAX];
    int n = snprintf(header, sizeof header, KEPT_MAGIC " %zu %zu\n", sig_len, len);
    char *packed = n > 0 && (size_t)n < sizeof header ? malloc((size_t)n + sig_len + len) : NULL;
    if (packed == NULL) return NULL;
    memcpy(packed, header, (size_t)n);
    memcpy(packed + n, sig_text, sig_len);
    memcpy(packed + n + sig_len, text, len);
    *packed_len = (size_t)n + sig_len + len;
    return packed;
}

int site_rules_unpack(const char *packed, size_t packed_len, const char **text, size_t *len, const char **sig_text,
                      size_t *sig_len, netral_error *err)
{
    const char *end = memchr(packed, '\n', packed_len < KEPT_HEADER_MAX ? packed_len : KEPT_HEADER_MAX);
    char header[KEPT_HEADER_MAX], magic[sizeof KEPT_MAGIC];
    unsigned long long s = 0, t = 0;
    size_t header_len;
    char extra;
    if (end == NULL) return netral_fail(err, NETRAL_E_FORMAT, "the kept site rules are damaged (no header)");
    header_len = (size_t)(end - packed);
    memcpy(header, packed, header_len);
    header[header_len] = '\0';
    if (sscanf(header, "%17s %llu %llu%c", magic, &s, &t, &extra) != 3 || strcmp(magic, KEPT_MAGIC) != 0 ||
        s > MAX_SIG_FILE_BYTES || t > MAX_SITE_RULES_BYTES || header_len + 1 + s + t != packed_len)
        return netral_fail(err, NETRAL_E_FORMAT, "the kept site rules are damaged (bad header or length)");
    *sig_text = end + 1;
    *sig_len = (size_t)s;
    *text = end + 1 + s;
    *len = (size_t)t;
    return 0;
}

int site_rules_read(const netral_paths *paths, int64_t now, char **text, size_t *len, site_rules_header *out,
                    netral_error *err)
{
    char path[NETRAL_PATH_BYTES];
    char *packed = NULL;
    size_t packed_len = 0, doc_len = 0, sig_len = 0;
    const char *doc, *sig;
    int rc = -1;
    *text = NULL;
    if (path_join(path, sizeof path, paths->data_dir, SITE_RULES_KEPT_FILE, err) != 0) return -1;
    if (!os_exists(path)) return netral_fail(err, NETRAL_E_NO_LIST, "no site rules are installed");
    if (file_read_bounded(path, KEPT_HEADER_MAX + MAX_SIG_FILE_BYTES + MAX_SITE_RULES_BYTES, &packed, &packed_len, err) != 0)
        return -1;
    if (site_rules_unpack(packed, packed_len, &doc, &doc_len, &sig, &sig_len, err) != 0 ||
        site_rules_verify(paths, doc, doc_len, sig, sig_len, now, out, err) != 0)
        goto done;
    *text = malloc(doc_len + 1);
    if (*text == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        goto done;
    }
    memcpy(*text, doc, doc_len);
    (*text)[doc_len] = '\0';
    *len = doc_len;
    rc = 0;
done:
    free(packed);
    return rc;
}

int64_t site_rules_kept_version(const netral_paths *paths, int64_t now)
{
    site_rules_header header;
    netral_error ignored;
    char *text = NULL;
    size_t len = 0;
    int64_t version = site_rules_read(paths, now, &text, &len, &header, &ignored) == 0 ? header.version : 0;
    free(text);
    return version;
}
