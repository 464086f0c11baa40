/* The Linux corners `netral doctor` knows: browsers packaged as snaps or Flatpaks, which cannot
 * (or only through a portal) start native hosts, and a release Firefox told to force-install an
 * unsigned .xpi, which it refuses. Paths are the system's, under $NETRAL_ROOT (system_path). */
#ifndef NETRAL_DOCTOR_LINUX_H
#define NETRAL_DOCTOR_LINUX_H

#include "deploy.h"
#include "doctor.h"

/* Each check hands its findings to SINK and returns the number of FAIL findings. */
int doctor_check_sandboxed_browsers(finding_sink sink, void *ctx);
int doctor_check_firefox_signing(const host_identity *id, finding_sink sink, void *ctx);

#endif
