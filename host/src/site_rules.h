/* The site rules (docs/site-rules.md): a JSON document, signed by a list key like a list, that
 * the authority publishes beside the lists (the index names it). `netral update` keeps the newest
 * one it verified in DATA, the signature and the document in one file, so that they switch as
 * one; the host reads it, verifies it again with the system's keys and hands the document to the
 * extension. Here only its header is checked (format, version, times): the rules themselves are
 * checked by the extension (extension/src/content/site-rules.js) before it uses any of them. */
#ifndef NETRAL_SITE_RULES_H
#define NETRAL_SITE_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"

#define SITE_RULES_FILE "netral-sites.json"   /* in the repository, with .minisig */
#define SITE_RULES_KEPT_FILE "netral-sites.kept"   /* in DATA */
#define SITE_RULES_FORMAT 1
/* Chrome takes at most 1 MB from a host in one message; the rules are a few tens of KiB. */
#define MAX_SITE_RULES_BYTES (256u * 1024u)

typedef struct {
    int64_t version, issued, expires;
} site_rules_header;

/* Verifies TEXT (LEN bytes) against SIG_TEXT with a trusted list key of PATHS, then checks its
 * header at NOW: "netral_sites": 1, a whole "version", "issued" and "expires" (refused once
 * expired). */
int site_rules_verify(const netral_paths *paths, const char *text, size_t len, const char *sig_text, size_t sig_len,
                      int64_t now, site_rules_header *out, netral_error *err);

/* The header check of site_rules_verify alone (for `netral publish`, on rules the authority signed). */
int site_rules_check_header(const char *text, size_t len, int64_t now, site_rules_header *out, netral_error *err);

/* The kept rules of PATHS, verified again as above: *TEXT (heap, the caller frees it) is the
 * document. NETRAL_E_NO_LIST when none is kept. */
int site_rules_read(const netral_paths *paths, int64_t now, char **text, size_t *len, site_rules_header *out,
                    netral_error *err);

/* The version of the kept rules that still verify at NOW, or 0 (none, expired or damaged). */
int64_t site_rules_kept_version(const netral_paths *paths, int64_t now);

/* The kept file's bytes for SIG_TEXT and TEXT (heap; the caller frees it), and the other way. */
char *site_rules_pack(const char *text, size_t len, const char *sig_text, size_t sig_len, size_t *packed_len);
int site_rules_unpack(const char *packed, size_t packed_len, const char **text, size_t *len, const char **sig_text,
                      size_t *sig_len, netral_error *err);

#endif
