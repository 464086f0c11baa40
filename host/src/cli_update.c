/* netral update (IT, or a timer: install the current list from a published repository) and
 * netral publish (the list authority: make the repository). docs/updates.md. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "config.h"
#include "isotime.h"
#include "json.h"
#include "publisher.h"
#include "updater.h"

enum { OPT_JSON = 1000, OPT_FROM, OPT_SPOOL, OPT_REFRESH, OPT_VALID_FOR };

static int usage(const char *text, int status)
{
    fputs(text, status == EXIT_OK ? stdout : stderr);
    return status;
}

static const char UPDATE_USAGE[] =
    "usage: netral update (--from DIR | --spool) [--json]\n"
    "Installs the current list from the published repository in DIR (index.json, the list and\n"
    "its deltas, as `netral publish` writes them): verifies the index with a trusted key, refuses an\n"
    "index older than one seen before or expired, applies a delta onto the installed version when\n"
    "one fits, else imports the full list. The outcome is kept for `netral status`.\n"
    "--spool: from the newest verified repository the browsers fetched (policy listUrl) and left in\n"
    "the spool (" NETRAL_DEFAULT_SPOOL_DIR "/USER), copied first; the netral-spool path unit runs it.\n";

int cli_update(int argc, char **argv)
{
    static const struct option options[] = {
        {"from", required_argument, NULL, OPT_FROM}, {"spool", no_argument, NULL, OPT_SPOOL},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *dir = NULL;
    int json = 0, from_spool = 0, opt, rc;
    netral_paths paths;
    netral_error err;
    update_result result;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (opt) {
        case OPT_FROM: dir = optarg; break;
        case OPT_SPOOL: from_spool = 1; break;
        case OPT_JSON: json = 1; break;
        case 'h': return usage(UPDATE_USAGE, EXIT_OK);
        default: return usage(UPDATE_USAGE, EXIT_USAGE);
        }
    }
    if ((dir == NULL) == !from_spool || optind != argc) return usage(UPDATE_USAGE, EXIT_USAGE);
    if (paths_resolve(&paths, &err) != 0) {
        fprintf(stderr, "netral: %s\n", err.msg);
        return EXIT_FAILED;
    }
    rc = from_spool ? update_from_spool(&paths, &result, &err) : update_from_dir(&paths, dir, &result, &err);
    if (json) {
        cJSON *o = cJSON_CreateObject();
        char *text;
        cJSON_AddBoolToObject(o, "ok", rc == 0);
        if (rc == 0) {
            cJSON_AddStringToObject(o, "via", result.via);
            json_add_integer(o, "from_version", result.from_version);
            json_add_integer(o, "version", result.list_version);
            json_add_integer(o, "index_serial", result.index_serial);
            if (result.delta_problem[0] != '\0') json_add_text(o, "delta_problem", result.delta_problem);
            json_add_integer(o, "sites_version", result.sites_version);
            cJSON_AddBoolToObject(o, "sites_installed", result.sites_installed);
            if (result.sites_problem[0] != '\0') json_add_text(o, "sites_problem", result.sites_problem);
        } else {
            cJSON *e = cJSON_AddObjectToObject(o, "error");
            cJSON_AddStringToObject(e, "code", netral_code_name(err.code));
            json_add_text(e, "message", err.msg);
        }
        text = cJSON_Print(o);
        if (text != NULL) printf("%s\n", text);
        cJSON_free(text);
        cJSON_Delete(o);
    }
    if (rc != 0) {
        fprintf(stderr, "netral: update refused: %s\n", err.msg);
        return EXIT_FAILED;
    }
    if (!json) {
        if (strcmp(result.via, "behind") == 0)
            printf("This repository (index %lld) is behind the index the other way in brought; list version %lld "
                   "stays installed.\n", (long long)result.index_serial, (long long)result.list_version);
        else if (strcmp(result.via, "current") == 0)
            printf("List version %lld is current (index %lld).\n", (long long)result.list_version,
                   (long long)result.index_serial);
        else
            printf("Installed list version %lld (was %lld) by %s (index %lld).\n", (long long)result.list_version,
                   (long long)result.from_version, strcmp(result.via, "delta") == 0 ? "a delta" : "the full list",
                   (long long)result.index_serial);
        if (result.delta_problem[0] != '\0') printf("The delta offered was not used: %s\n", result.delta_problem);
        if (result.sites_installed) printf("Installed site rules version %lld.\n", (long long)result.sites_version);
        if (result.sites_problem[0] != '\0')
            printf("The site rules offered were not installed (version %lld stays): %s\n",
                   (long long)result.sites_version, result.sites_problem);
    }
    return EXIT_OK;
}

static const char PUBLISH_USAGE[] =
    "usage: netral publish DIR LIST.jsonl -s LIST.key [-i INDEX.key] [-k K] [--valid-for HOURS] [-W]\n"
    "       netral publish --refresh DIR -i INDEX.key [--valid-for HOURS] [-W]\n"
    "Publishes the signed LIST.jsonl (with LIST.jsonl.minisig) in the repository DIR: the list as\n"
    "list-VERSION.jsonl, deltas to it from the K (default 5) newest lists already there, signed\n"
    "with LIST.key, and a new index.json naming them, signed with INDEX.key (default: LIST.key),\n"
    "valid for HOURS (default 48). --refresh re-signs the index with the next serial and a new\n"
    "expiry: run it daily. -W: the keys have no passphrase (asked for otherwise). A key statement\n"
    "(keys.json) and site rules (netral-sites.json) in DIR, each signed, are named in the index too.\n";

int cli_publish(int argc, char **argv)
{
    static const struct option options[] = {
        {"refresh", no_argument, NULL, OPT_REFRESH}, {"valid-for", required_argument, NULL, OPT_VALID_FOR},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *list_key_path = NULL, *index_key_path = NULL;
    long keep = 5, hours = 48;
    int refresh = 0, no_passphrase = 0, opt, status = EXIT_FAILED, rc;
    minisign_seckey *list_key = NULL, *index_key = NULL;
    publish_request req;
    publish_result result;
    netral_error err;
    char *end;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "s:i:k:Wh", options, NULL)) != -1) {
        switch (opt) {
        case 's': list_key_path = optarg; break;
        case 'i': index_key_path = optarg; break;
        case 'k':
            keep = strtol(optarg, &end, 10);
            if (*end != '\0' || keep < 0 || keep > 64) return usage(PUBLISH_USAGE, EXIT_USAGE);
            break;
        case OPT_VALID_FOR:
            hours = strtol(optarg, &end, 10);
            if (*end != '\0' || hours < 1 || hours > 24 * 365) return usage(PUBLISH_USAGE, EXIT_USAGE);
            break;
        case OPT_REFRESH: refresh = 1; break;
        case 'W': no_passphrase = 1; break;
        case 'h': return usage(PUBLISH_USAGE, EXIT_OK);
        default: return usage(PUBLISH_USAGE, EXIT_USAGE);
        }
    }
    if (refresh ? (optind != argc - 1 || index_key_path == NULL) : (optind != argc - 2 || list_key_path == NULL))
        return usage(PUBLISH_USAGE, EXIT_USAGE);
    memset(&req, 0, sizeof req);
    req.dir = argv[optind];
    req.list_path = refresh ? NULL : argv[optind + 1];
    req.keep = (unsigned)keep;
    req.valid_seconds = (int64_t)hours * 3600;
    if (list_key_path != NULL && cli_load_secret_key(list_key_path, no_passphrase, &list_key) != 0) goto done;
    if (index_key_path != NULL && cli_load_secret_key(index_key_path, no_passphrase, &index_key) != 0) goto done;
    req.list_key = list_key;
    req.index_key = index_key != NULL ? index_key : list_key;
    rc = refresh ? publish_refresh(&req, &result, &err) : publish_list(&req, &result, &err);
    if (rc != 0) {
        fprintf(stderr, "netral: publish failed: %s\n", err.msg);
        goto done;
    }
    char expires[ISOTIME_BYTES];
    isotime_format(result.expires, expires);
    printf("Published list version %lld in %s: index %lld, %u delta(s), valid until %s.\n", (long long)result.version,
           req.dir, (long long)result.serial, result.deltas, expires);
    status = EXIT_OK;
done:
    minisign_seckey_free(list_key);
    minisign_seckey_free(index_key);
    return status;
}
