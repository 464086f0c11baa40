/* import, status, check: IT's commands. status and check ask the same code the host runs, so
 * what the CLI says is what the browser would be told. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "account.h"
#include "cli.h"
#include "config.h"
#include "importer.h"
#include "json.h"
#include "isotime.h"
#include "protocol.h"
#include "audit.h"
#include "recognition.h"

enum { OPT_JSON = 1000 };
static const struct option JSON_AND_HELP[] = {
    {"json", no_argument, NULL, OPT_JSON}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

static int usage(const char *text, int status)
{
    fputs(text, status == EXIT_OK ? stdout : stderr);
    return status;
}

static void print_json(cJSON *o)
{
    char *text;
    json_keep_numbers_exact(o);   /* versions and counts as the integers they are */
    text = cJSON_Print(o);
    if (text != NULL) printf("%s\n", text);
    cJSON_free(text);
}

/* Sends REQUEST through the host's own request handler; returns the parsed reply or NULL. */
static cJSON *ask(const netral_paths *paths, cJSON *request)
{
    protocol_ctx *ctx = protocol_ctx_new(paths);
    char *text = cJSON_PrintUnformatted(request), *reply_text = NULL;
    cJSON *reply = NULL;
    if (ctx != NULL && text != NULL) reply_text = protocol_handle(ctx, (const unsigned char *)text, strlen(text));
    if (reply_text != NULL) reply = cJSON_Parse(reply_text);
    if (reply == NULL) fprintf(stderr, "netral: out of memory\n");
    cJSON_free(reply_text);
    cJSON_free(text);
    protocol_ctx_free(ctx);
    return reply;
}

static const char *str(const cJSON *o, const char *name)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
    return s ? s : "";
}

static double num(const cJSON *o, const char *name)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(n) ? n->valuedouble : 0;
}

static const char IMPORT_USAGE[] =
    "usage: netral import FILE [-x SIG] [--json]\n"
    "Verifies FILE against FILE.minisig (or SIG) with a trusted key from CONFIG/keys/, then installs\n"
    "it. Refused: a bad signature, an unknown key, a version not newer than the installed one, an\n"
    "expired list, any malformed line. Whatever happens, the installed list keeps answering until\n"
    "the new one is complete.\n";

int cli_import(int argc, char **argv)
{
    const char *sig_given = NULL;
    char sig_path[4096];
    int json = 0, opt, rc;
    netral_paths paths;
    netral_error err;
    import_result result;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "x:h", JSON_AND_HELP, NULL)) != -1) {
        switch (opt) {
        case 'x': sig_given = optarg; break;
        case OPT_JSON: json = 1; break;
        case 'h': return usage(IMPORT_USAGE, EXIT_OK);
        default: return usage(IMPORT_USAGE, EXIT_USAGE);
        }
    }
    if (optind != argc - 1) return usage(IMPORT_USAGE, EXIT_USAGE);
    const char *file = argv[optind];
    int n = sig_given ? snprintf(sig_path, sizeof sig_path, "%s", sig_given)
                      : snprintf(sig_path, sizeof sig_path, "%s.minisig", file);
    if (n < 0 || (size_t)n >= sizeof sig_path) return usage(IMPORT_USAGE, EXIT_USAGE);
    if (paths_resolve(&paths, &err) != 0) {
        fprintf(stderr, "netral: %s\n", err.msg);
        return EXIT_FAILED;
    }
    rc = import_list(&paths, file, sig_path, &result, &err);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddBoolToObject(o, "ok", rc == 0);
        if (rc == 0) {
            char expires[ISOTIME_BYTES];
            isotime_format(result.meta.expires, expires);
            json_add_integer(o, "version", result.meta.version);
            json_add_integer(o, "previous_version", result.previous_version);
            json_add_integer(o, "entries", result.meta.entries);
            json_add_integer(o, "accounts", result.meta.accounts);
            cJSON_AddBoolToObject(o, "repaired", result.repaired);
            cJSON_AddStringToObject(o, "issuer", result.meta.issuer);
            cJSON_AddStringToObject(o, "expires", expires);
            cJSON_AddStringToObject(o, "key_id", result.meta.key_id);
        } else {
            cJSON *e = cJSON_AddObjectToObject(o, "error");
            cJSON_AddStringToObject(e, "code", netral_code_name(err.code));
            json_add_text(e, "message", err.msg);
        }
        print_json(o);
        cJSON_Delete(o);
    }
    if (rc != 0) {
        fprintf(stderr, "netral: import refused: %s\n", err.msg);
        return EXIT_FAILED;
    }
    if (!json) {
        char expires[ISOTIME_BYTES];
        isotime_format(result.meta.expires, expires);
        printf("Installed list version %lld from %s: %lld entries, %lld accounts, signed by key %s, expires %s.\n",
               (long long)result.meta.version, result.meta.issuer, (long long)result.meta.entries,
               (long long)result.meta.accounts, result.meta.key_id, expires);
        if (result.repaired) printf("It repairs the database, which had lost that version.\n");
        else if (result.previous_version > 0) printf("It replaces version %lld.\n", (long long)result.previous_version);
    }
    return EXIT_OK;
}

static const char STATUS_USAGE[] =
    "usage: netral status [--json]\n"
    "What the host would report: the installed list, the directories, the trusted keys and the\n"
    "outcome of the last import, the site recognition and audit counts the browser reported.\n"
    "Exit status 4 when no valid list is installed.\n";

int cli_status(int argc, char **argv)
{
    int json = 0, opt, status;
    netral_paths paths;
    netral_error err;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", JSON_AND_HELP, NULL)) != -1) {
        if (opt == OPT_JSON) json = 1;
        else return usage(STATUS_USAGE, opt == 'h' ? EXIT_OK : EXIT_USAGE);
    }
    if (optind != argc) return usage(STATUS_USAGE, EXIT_USAGE);
    if (paths_resolve(&paths, &err) != 0) {
        fprintf(stderr, "netral: %s\n", err.msg);
        return EXIT_FAILED;
    }
    cJSON *request = cJSON_CreateObject();
    cJSON_AddStringToObject(request, "type", "status");
    cJSON *reply = ask(&paths, request);
    cJSON_Delete(request);
    if (reply == NULL) return EXIT_FAILED;
    cJSON_DeleteItemFromObjectCaseSensitive(reply, "id");
    /* Audit mode's counts (audit.h), read here from the user's spool as the host keeps them; the
     * host's own status reply does not carry them, so they are added only when there are some. */
    cJSON *audit = audit_read_own(&paths);
    if (audit != NULL) cJSON_AddItemToObject(reply, "audit", audit);

    const cJSON *list = cJSON_GetObjectItemCaseSensitive(reply, "list");
    status = cJSON_IsObject(list) ? EXIT_OK : EXIT_UNKNOWN;
    if (json) {
        print_json(reply);
    } else {
        printf("Configuration: %s\nData:          %s\n", str(reply, "config_dir"), str(reply, "data_dir"));
        const cJSON *keys = cJSON_GetObjectItemCaseSensitive(reply, "trusted_keys"), *k;
        printf("Trusted keys:  %d", cJSON_GetArraySize(keys));
        cJSON_ArrayForEach(k, keys) printf(" %s", k->valuestring);
        printf("\n");
        if (cJSON_IsObject(list)) {
            printf("List:          version %.0f from %s, %.0f entries (%.0f accounts), key %s\n"
                   "               issued %s, expires %s%s\n",
                   num(list, "version"), str(list, "issuer"), num(list, "entries"), num(list, "accounts"),
                   str(list, "key_id"), str(list, "issued"), str(list, "expires"),
                   cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(list, "stale")) ? " (EXPIRED: update the list)" : "");
        } else {
            printf("List:          none (%s)\n", str(reply, "list_problem"));
        }
        const cJSON *last = cJSON_GetObjectItemCaseSensitive(reply, "last_import");
        if (cJSON_IsObject(last)) {
            const cJSON *e = cJSON_GetObjectItemCaseSensitive(last, "error");
            if (e != NULL) printf("Last import:   %s, %s: refused: %s\n", str(last, "at"), str(last, "file"), str(e, "message"));
            else printf("Last import:   %s, %s: installed version %.0f\n", str(last, "at"), str(last, "file"), num(last, "version"));
        }
        const cJSON *sites = cJSON_GetObjectItemCaseSensitive(reply, "sites");
        if (cJSON_IsObject(sites))
            printf("Site rules:    version %.0f, issued %s, expires %s\n", num(sites, "version"), str(sites, "issued"),
                   str(sites, "expires"));
        else if (*str(reply, "sites_problem"))
            printf("Site rules:    the extension's own (the kept ones are not usable: %s)\n", str(reply, "sites_problem"));
        else
            printf("Site rules:    the extension's own (none published)\n");
        const cJSON *recognition = cJSON_GetObjectItemCaseSensitive(reply, "recognition"), *site;
        if (!cJSON_IsObject(recognition)) recognition = NULL;
        cJSON_ArrayForEach(site, recognition) {
            printf("Recognition:   %s%s: %.0f not recognised, %.0f without account, %.0f rules not usable, "
                   "%.0f feeds without posts (site rules %.0f, since %s)\n", site->string,
                   recognition_out_of_date(site) ? " MAY BE OUT OF DATE" : "", num(site, "unrecognised"),
                   num(site, "noAccount"), num(site, "ruleError"), num(site, "noPosts"), num(site, "rules"),
                   str(site, "since"));
        }
        const cJSON *day, *platform, *count;
        cJSON_ArrayForEach(day, cJSON_GetObjectItemCaseSensitive(reply, "audit")) {
            cJSON_ArrayForEach(platform, day) {
                printf("Audit:         %s %s:", day->string, platform->string);
                cJSON_ArrayForEach(count, platform) printf(" %s %.0f", count->string, audit_count(count));
                printf(" (would have warned; counts only)\n");
            }
        }
        const cJSON *update = cJSON_GetObjectItemCaseSensitive(reply, "update");
        if (cJSON_IsObject(update)) {
            const cJSON *e = cJSON_GetObjectItemCaseSensitive(update, "last_error");
            const cJSON *since = cJSON_GetObjectItemCaseSensitive(update, "out_of_date_since");
            printf("Updates:       from %s (%s), last check %s, last success %s", str(update, "source"), str(update, "how"),
                   str(update, "last_check"), *str(update, "last_success") ? str(update, "last_success") : "never");
            if (*str(update, "via")) printf(" (%s)", str(update, "via"));
            printf("\n");
            if (*str(update, "index_expires")) printf("               index valid until %s\n", str(update, "index_expires"));
            if (cJSON_IsObject(e)) printf("               last error: %s\n", str(e, "message"));
            if (cJSON_IsString(since))
                printf("               THE LIST MAY BE OUT OF DATE since %s: no newer signed index was received\n",
                       since->valuestring);
        }
    }
    cJSON_Delete(reply);
    return status;
}

static const char CHECK_USAGE[] =
    "usage: netral check PLATFORM ACCOUNT [--json]\n"
    "       netral check URL [--json]\n"
    "Is the account on the installed list? PLATFORM is one of " NETRAL_PLATFORM_LIST ";\n"
    "ACCOUNT a handle, a numeric id or a URL of the site.\n"
    "Exit status: 0 not listed, 3 listed, 4 no valid list installed, 1 not an account.\n";

int cli_check(int argc, char **argv)
{
    int json = 0, opt, status = EXIT_FAILED;
    netral_paths paths;
    netral_error err;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", JSON_AND_HELP, NULL)) != -1) {
        if (opt == OPT_JSON) json = 1;
        else return usage(CHECK_USAGE, opt == 'h' ? EXIT_OK : EXIT_USAGE);
    }
    int rest = argc - optind;
    if (rest != 1 && rest != 2) return usage(CHECK_USAGE, EXIT_USAGE);
    if (paths_resolve(&paths, &err) != 0) {
        fprintf(stderr, "netral: %s\n", err.msg);
        return EXIT_FAILED;
    }
    cJSON *request = cJSON_CreateObject();
    cJSON_AddStringToObject(request, "type", "check");
    if (rest == 2) cJSON_AddStringToObject(request, "platform", argv[optind]);
    cJSON_AddStringToObject(request, "account", argv[argc - 1]);
    cJSON *reply = ask(&paths, request);
    cJSON_Delete(request);
    if (reply == NULL) return EXIT_FAILED;
    cJSON_DeleteItemFromObjectCaseSensitive(reply, "id");

    const cJSON *error = cJSON_GetObjectItemCaseSensitive(reply, "error");
    const char *verdict = str(reply, "verdict");
    if (error != NULL) status = EXIT_FAILED;
    else if (strcmp(verdict, "listed") == 0) status = EXIT_LISTED;
    else if (strcmp(verdict, "clear") == 0) status = EXIT_OK;
    else status = EXIT_UNKNOWN;

    if (json) {
        print_json(reply);
    } else if (error != NULL) {
        fprintf(stderr, "netral: %s\n", str(error, "message"));
    } else if (status == EXIT_LISTED) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(reply, "entity");
        printf("LISTED: %s %s belongs to %s", str(reply, "platform"), str(reply, "account"), str(e, "name"));
        if (*str(e, "role")) printf(" (%s)", str(e, "role"));
        if (*str(e, "election")) printf(", %s", str(e, "election"));
        printf(" [list version %.0f%s]\n", num(reply, "list_version"),
               cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(reply, "stale")) ? ", EXPIRED" : "");
    } else if (status == EXIT_OK) {
        printf("not listed: %s %s [list version %.0f%s]\n", str(reply, "platform"), str(reply, "account"),
               num(reply, "list_version"), cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(reply, "stale")) ? ", EXPIRED" : "");
    } else {
        printf("unknown: %s %s: %s\n", str(reply, "platform"), str(reply, "account"), str(reply, "reason"));
    }
    cJSON_Delete(reply);
    return status;
}
