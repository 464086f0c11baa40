/* install, uninstall, doctor: IT's deployment commands. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "deploy.h"
#include "doctor.h"
#include "os.h"

enum { OPT_SYSTEM = 1000, OPT_USER, OPT_BROWSER, OPT_HOST_PATH, OPT_EXTENSION_ID, OPT_GECKO_ID, OPT_JSON };
static const struct option DEPLOY_OPTIONS[] = {
    {"system", no_argument, NULL, OPT_SYSTEM},
    {"user", no_argument, NULL, OPT_USER},
    {"browser", required_argument, NULL, OPT_BROWSER},
    {"host-path", required_argument, NULL, OPT_HOST_PATH},
    {"extension-id", required_argument, NULL, OPT_EXTENSION_ID},
    {"gecko-id", required_argument, NULL, OPT_GECKO_ID},
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct {
    int scope;                   /* -1 until --system or --user */
    int browsers[BROWSER_COUNT];
    int browsers_given;
    int json;
    host_identity id;
    char host_path[PATH_MAX];
} deploy_args;

static int usage(const char *text, int status)
{
    fputs(text, status == EXIT_OK ? stdout : stderr);
    return status;
}

#ifdef _WIN32
#define HOST_EXECUTABLE "netral-host.exe"
#else
#define HOST_EXECUTABLE "netral-host"
#endif

/* netral-host beside this netral binary, else where the build installs it. */
static void default_host_path(char *out, size_t size)
{
    char self[PATH_MAX];
    if (os_self_dir(self, sizeof self) == 0) {
        int n = snprintf(out, size, "%s%c" HOST_EXECUTABLE, self, OS_DIR_SEPARATOR);
        if (n > 0 && (size_t)n < size && os_is_executable(out)) return;
    }
    snprintf(out, size, "%s", NETRAL_INSTALLED_HOST);
}

static int parse_args(int argc, char **argv, deploy_args *a, const char *help)
{
    int opt;
    memset(a, 0, sizeof *a);
    a->scope = -1;
    a->id.extension_id = NETRAL_CHROMIUM_EXTENSION_ID;
    a->id.gecko_id = NETRAL_GECKO_ID;
    default_host_path(a->host_path, sizeof a->host_path);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", DEPLOY_OPTIONS, NULL)) != -1) {
        browser_kind b;
        switch (opt) {
        case OPT_SYSTEM: a->scope = SCOPE_SYSTEM; break;
        case OPT_USER: a->scope = SCOPE_USER; break;
        case OPT_BROWSER:
            a->browsers_given = 1;
            if (strcmp(optarg, "all") == 0) {
                for (int i = 0; i < BROWSER_COUNT; i++) a->browsers[i] = 1;
            } else if (browser_parse(optarg, &b) == 0) {
                a->browsers[b] = 1;
            } else {
                fprintf(stderr, "netral: unknown browser '%s' (chrome, chromium, edge, firefox, all)\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_HOST_PATH:
            if (!os_path_is_absolute(optarg) || strlen(optarg) >= sizeof a->host_path) {
                fprintf(stderr, "netral: --host-path must be an absolute path\n");
                return EXIT_USAGE;
            }
            strcpy(a->host_path, optarg);
            break;
        case OPT_EXTENSION_ID: a->id.extension_id = optarg; break;
        case OPT_GECKO_ID: a->id.gecko_id = optarg; break;
        case OPT_JSON: a->json = 1; break;
        case 'h': return usage(help, EXIT_OK) - EXIT_OK - 1;   /* -1: done, exit 0 */
        default: return usage(help, EXIT_USAGE);
        }
    }
    if (optind != argc) return usage(help, EXIT_USAGE);
    if (strlen(a->id.extension_id) != 32 || strspn(a->id.extension_id, "abcdefghijklmnop") != 32) {
        fprintf(stderr, "netral: an extension id is 32 letters from a to p\n");
        return EXIT_USAGE;
    }
    a->id.host_path = a->host_path;
    if (!a->browsers_given) {   /* by default, the browsers found on this machine */
        for (int i = 0; i < BROWSER_COUNT; i++) a->browsers[i] = browser_present((browser_kind)i);
    }
    return 0;
}

static const char INSTALL_USAGE[] =
    "usage: netral install (--system | --user) [--browser chrome|chromium|edge|firefox|all]...\n"
    "                      [--host-path PATH] [--extension-id ID] [--gecko-id ID]\n"
    "Writes the native messaging host manifest " NETRAL_HOST_NAME " where each browser looks for it:\n"
    "system-wide (as root or Administrator; what managed laptops need) or for the current user. On\n"
    "Windows, also the registry key that points each browser at its manifest. Without --browser, for\n"
    "the browsers installed here. Safe to run again: it says what it changed.\n"
    "Defaults: the netral-host beside this program, extension " NETRAL_CHROMIUM_EXTENSION_ID ", " NETRAL_GECKO_ID ".\n";

static const char UNINSTALL_USAGE[] =
    "usage: netral uninstall (--system | --user) [--browser chrome|chromium|edge|firefox|all]...\n"
    "Removes the host manifests that `netral install` wrote. Safe to run again.\n";

static int install_or_uninstall(int argc, char **argv, int installing)
{
    deploy_args a;
    int rc = parse_args(argc, argv, &a, installing ? INSTALL_USAGE : UNINSTALL_USAGE), status = EXIT_OK, any = 0;
    if (rc != 0) return rc < 0 ? EXIT_OK : rc;
    if (a.scope < 0) return usage(installing ? INSTALL_USAGE : UNINSTALL_USAGE, EXIT_USAGE);
    if (installing && !os_is_executable(a.host_path))
        fprintf(stderr, "netral: warning: %s is not an executable file (yet)\n", a.host_path);
    for (int b = 0; b < BROWSER_COUNT; b++) {
        char path[4096], where[4096];
        netral_error err;
        int changed = 0;
        if (!a.browsers[b]) continue;
        any = 1;
        if (manifest_path((browser_kind)b, (install_scope)a.scope, path, sizeof path, &err) != 0 ||
            (installing ? manifest_install((browser_kind)b, (install_scope)a.scope, &a.id, &changed, &err)
                        : manifest_uninstall((browser_kind)b, (install_scope)a.scope, &changed, &err)) != 0) {
            fprintf(stderr, "netral: %s: %s\n", browser_name((browser_kind)b), err.msg);
            status = EXIT_FAILED;
            continue;
        }
        if (manifest_registration((browser_kind)b, (install_scope)a.scope, where, sizeof where) != 0 ||
            strcmp(where, path) == 0)
            where[0] = '\0';   /* on Windows: the registry key that leads the browser to the file */
        printf("%s: %s %s%s%s%s\n", browser_name((browser_kind)b),
               installing ? (changed ? "wrote" : "already up to date:") : (changed ? "removed" : "nothing to remove at"),
               path, where[0] ? " (" : "", where, where[0] ? ")" : "");
    }
    if (!any) {
        fprintf(stderr, "netral: no browser found here; name one with --browser\n");
        return EXIT_FAILED;
    }
    return status;
}

int cli_install(int argc, char **argv)
{
    return install_or_uninstall(argc, argv, 1);
}

int cli_uninstall(int argc, char **argv)
{
    return install_or_uninstall(argc, argv, 0);
}

static const char DOCTOR_USAGE[] =
    "usage: netral doctor [--json] [--extension-id ID] [--gecko-id ID]\n"
    "Checks this machine: for each browser found, the host manifest (present, valid, pointing at an\n"
    "executable that answers, allowing the extension); browser policies (readable, installing the\n"
    "extension, not blocking the host); on Linux, snap and Flatpak browsers and whether the .xpi a\n"
    "Firefox policy force-installs from a file is signed as that Firefox requires; trusted keys; the\n"
    "installed list (present, readable, not expired). One line per finding, with the fix. Exit\n"
    "status 1 when something would stop warnings from appearing.\n";

static void print_finding(const finding *f, void *ctx)
{
    static const char *const level[] = {"ok  ", "WARN", "FAIL"};
    cJSON *array = ctx;
    if (array != NULL) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "level", f->level == FINDING_OK ? "ok" : f->level == FINDING_WARN ? "warn" : "fail");
        cJSON_AddStringToObject(o, "subject", f->subject);
        cJSON_AddStringToObject(o, "message", f->message);
        if (f->fix[0] != '\0') cJSON_AddStringToObject(o, "fix", f->fix);
        cJSON_AddItemToArray(array, o);
        return;
    }
    printf("%s %-8s %s%s%s\n", level[f->level], f->subject, f->message, f->fix[0] ? " -- fix: " : "", f->fix);
}

int cli_doctor(int argc, char **argv)
{
    deploy_args a;
    netral_paths paths;
    netral_error err;
    int rc = parse_args(argc, argv, &a, DOCTOR_USAGE), failures;
    cJSON *array = NULL;
    if (rc != 0) return rc < 0 ? EXIT_OK : rc;
    if (paths_resolve(&paths, &err) != 0) {
        fprintf(stderr, "netral: %s\n", err.msg);
        return EXIT_FAILED;
    }
    if (a.json) array = cJSON_CreateArray();
    failures = doctor_run(&paths, &a.id, print_finding, array);
    if (array != NULL) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddBoolToObject(o, "ok", failures == 0);
        cJSON_AddItemToObject(o, "findings", array);
        char *text = cJSON_Print(o);
        if (text) printf("%s\n", text);
        cJSON_free(text);
        cJSON_Delete(o);
    } else {
        printf("%s\n", failures == 0 ? "Netral should work on this machine." : "Netral will not warn as it should: see FAIL above.");
    }
    return failures == 0 ? EXIT_OK : EXIT_FAILED;
}
