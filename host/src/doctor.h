/* `netral doctor`: everything that must hold on a laptop for warnings to appear, checked. */
#ifndef NETRAL_DOCTOR_H
#define NETRAL_DOCTOR_H

#include "config.h"
#include "deploy.h"

typedef enum { FINDING_OK, FINDING_WARN, FINDING_FAIL } finding_level;

typedef struct {
    finding_level level;
    char subject[64];                      /* "chromium", "keys", "list", ... */
    char message[NETRAL_ERROR_MSG_BYTES];
    char fix[NETRAL_ERROR_MSG_BYTES];      /* empty when nothing is to be done */
} finding;

typedef void (*finding_sink)(const finding *f, void *ctx);

/* Runs every check, handing each finding to SINK; returns the number of FAIL findings. */
int doctor_run(const netral_paths *paths, const host_identity *id, finding_sink sink, void *ctx);

#endif
