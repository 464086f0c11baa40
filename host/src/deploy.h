/* Where each browser looks for native messaging host manifests, and writing or removing them. */
#ifndef NETRAL_DEPLOY_H
#define NETRAL_DEPLOY_H

#include <stddef.h>

#include "config.h"
#include "error.h"

#define NETRAL_HOST_NAME "id.netral.host"
/* The extension ids; the build sets them (CMake NETRAL_EXTENSION_ID, NETRAL_GECKO_ID) so that
 * `netral install` and `netral doctor` agree with the packaged manifests and extension. */
#ifndef NETRAL_GECKO_ID
#define NETRAL_GECKO_ID "netral@netral.id"
#endif
#ifndef NETRAL_CHROMIUM_EXTENSION_ID
#define NETRAL_CHROMIUM_EXTENSION_ID "agbjhpfjmmgmllicjnfkepfagmiajhfi"   /* from the key in extension/manifest/base.json */
#endif

typedef enum { BROWSER_CHROME, BROWSER_CHROMIUM, BROWSER_EDGE, BROWSER_FIREFOX, BROWSER_COUNT } browser_kind;
typedef enum { SCOPE_SYSTEM, SCOPE_USER } install_scope;

typedef struct {
    const char *host_path;        /* absolute path of netral-host */
    const char *extension_id;     /* Chromium-family id (32 letters a-p) */
    const char *gecko_id;         /* Firefox add-on id */
} host_identity;

const char *browser_name(browser_kind browser);
int browser_parse(const char *name, browser_kind *out);

/* The directory where BROWSER reads manifests at SCOPE on this OS (user scope uses $HOME); on
 * Windows where `netral install` puts them (a registry key then points the browser there). */
int manifest_dir(browser_kind browser, install_scope scope, char *out, size_t size, netral_error *err);
int manifest_path(browser_kind browser, install_scope scope, char *out, size_t size, netral_error *err);

/* Where BROWSER finds the manifest at SCOPE: on Windows the registry key that names it, elsewhere
 * the manifest's path (for messages). */
int manifest_registration(browser_kind browser, install_scope scope, char *out, size_t size);
/* The manifest BROWSER would read at SCOPE: on Windows the file the registry key names (*found 0
 * when there is no key, and OUT is where install would put it), elsewhere the file in the
 * browser's directory (*found 0 when it does not exist). */
int manifest_locate(browser_kind browser, install_scope scope, char *out, size_t size, int *found, netral_error *err);

/* The manifest text for BROWSER (heap; the caller frees it with cJSON_free). */
char *manifest_json(browser_kind browser, const host_identity *id);

/* Writes the manifest (creating its directory); *changed is 0 when it was already right. */
int manifest_install(browser_kind browser, install_scope scope, const host_identity *id, int *changed,
                     netral_error *err);
/* Removes the manifest; *removed is 0 when there was none. */
int manifest_uninstall(browser_kind browser, install_scope scope, int *removed, netral_error *err);

/* Is this browser installed here? (its usual executable exists) */
int browser_present(browser_kind browser);

/* ABSOLUTE_PATH as seen on this machine: under $NETRAL_ROOT when that is set (to check or
 * prepare a mounted system image, and for tests), else unchanged. Like NETRAL_DATA_DIR, the
 * variable counts only for a program the user could replace (environment.h): a netral that root
 * installed, run by another user, checks and writes the real system. On Windows: with its
 * %VARIABLES% expanded. */
int system_path(const char *absolute_path, char *out, size_t size, netral_error *err);

#endif
