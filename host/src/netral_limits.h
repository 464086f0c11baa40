/* Every bound on untrusted input, in one place. */
#ifndef NETRAL_LIMITS_H
#define NETRAL_LIMITS_H

/* Native messaging */
/* One inbound frame from the browser. Chrome sends up to 64 MiB; the protocol needs at most a
 * check_batch of MAX_BATCH_ITEMS accounts of MAX_ACCOUNT_INPUT_BYTES (~0.5 MiB escaped) and, for
 * list updates, chunks of a few MiB. A longer frame is answered with an error and skipped. */
#define MAX_REQUEST_BYTES   (4u * 1024u * 1024u)
#define MAX_REPLY_BYTES     (1024u * 1024u)  /* Chrome's own limit for host -> browser */
#define MAX_BATCH_ITEMS     200u             /* items in one check_batch */
#define MAX_ID_BYTES        1024u            /* a request's "id" as JSON text: echoed in the reply */

/* Accounts */
#define MAX_ACCOUNT_INPUT_BYTES 2048u        /* a handle, id or URL as given */
#define MAX_CANONICAL_ACCOUNT_BYTES 128u     /* "channel:UC..." is the longest form */

/* Signed lists */
#define MAX_LIST_BYTES      (256u * 1024u * 1024u)
#define MAX_LIST_LINE_BYTES (16u * 1024u)
#define MAX_LIST_ENTRIES    2000000u
#define MAX_ACCOUNTS_PER_ENTRY 32u
#define MAX_ENTITY_FIELD_BYTES 256u
#define MAX_ELECTIONS       64u

/* minisign files */
#define MAX_SIG_FILE_BYTES  16384u
#define MAX_KEY_FILE_BYTES  4096u
#define MAX_COMMENT_BYTES   1024u            /* untrusted comment line */
#define MAX_TRUSTED_COMMENT_BYTES 8192u
#define MAX_TRUSTED_KEYS    64u

#endif
