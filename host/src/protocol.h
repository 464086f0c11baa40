/* The host's requests and replies (docs/protocol.md): one JSON request in, one JSON reply out. */
#ifndef NETRAL_PROTOCOL_H
#define NETRAL_PROTOCOL_H

#include <stddef.h>

#include "config.h"

#define NETRAL_PROTOCOL_VERSION 1

typedef struct protocol_ctx protocol_ctx;

/* The context keeps the database open between requests; PATHS must outlive it. */
protocol_ctx *protocol_ctx_new(const netral_paths *paths);
void protocol_ctx_free(protocol_ctx *ctx);

/* Answers one request frame of LEN bytes. Always a reply (an error reply for bad input), never
 * over MAX_REPLY_BYTES; heap, freed by the caller. NULL only when out of memory. */
char *protocol_handle(protocol_ctx *ctx, const unsigned char *frame, size_t len);

/* An error reply with "id": null, for faults found before a request could be read. */
char *protocol_error_reply(const char *code, const char *message);

#endif
