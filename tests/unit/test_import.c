/* Import and store through the library: signatures first, rollback and expiry, atomic switch. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "portable.h"
#include "config.h"
#include "fileio.h"
#include "importer.h"
#include "minisign_sign.h"
#include "minisign.h"
#include "store.h"

static char root[256];
static netral_paths paths;
static minisign_seckey *trusted_key, *other_key;

static void write_text(const char *path, const char *text)
{
    netral_error err;
    if (file_write_atomic(path, text, strlen(text), &err) != 0) fprintf(stderr, "%s\n", err.msg);
}

static char *make_key(const char *pub_path, minisign_seckey **out)
{
    char *pub = NULL, *sec = NULL;
    netral_error err;
    minisign_keygen(NULL, &pub, &sec, &err);
    minisign_seckey_parse(sec, strlen(sec), NULL, out, &err);
    if (pub_path) write_text(pub_path, pub);
    sodium_free(sec);
    return pub;
}

static void sign_file(const char *path, minisign_seckey *key)
{
    unsigned char hash[MINISIGN_HASH_BYTES];
    char sig_path[512], *sig = NULL;
    netral_error err;
    minisign_hash_file(path, 1u << 30, hash, &err);
    minisign_sign(key, hash, "test", "test list", &sig, &err);
    snprintf(sig_path, sizeof sig_path, "%s.minisig", path);
    write_text(sig_path, sig);
    free(sig);
}

/* Writes and signs a list of VERSION expiring at EXPIRES with one entry for x/ACCOUNT. */
static void make_list(const char *name, int version, const char *expires, const char *account,
                      minisign_seckey *key, char *path_out)
{
    char text[1024];
    snprintf(path_out, 512, "%s/%s", root, name);
    snprintf(text, sizeof text,
             "{\"format\":\"netral-list\",\"format_version\":1,\"version\":%d,\"issued\":\"2019-01-01T00:00:00Z\","
             "\"expires\":\"%s\",\"issuer\":\"uji\",\"elections\":[\"Pilkada\"]}\n"
             "{\"platform\":\"x\",\"accounts\":[\"%s\"],\"entity\":{\"name\":\"Tim %s\"}}\n",
             version, expires, account, account);
    write_text(path_out, text);
    sign_file(path_out, key);
}

static int import(const char *list, netral_error *err)
{
    char sig[600];
    import_result res;
    snprintf(sig, sizeof sig, "%s.minisig", list);
    return import_list(&paths, list, sig, &res, err);
}

static int listed(const char *account)
{
    store *s = NULL;
    account_ref ref;
    list_entity entity;
    netral_error err;
    int found = -1;
    if (store_open(paths.db_path, &s, &err) != 0) return -1;
    account_normalize(PLATFORM_X, account, strlen(account), &ref, &err);
    if (store_lookup(s, &ref, &found, &entity, &err) != 0) found = -1;
    store_close(s);
    return found;
}

static int64_t installed_version(void)
{
    store *s = NULL;
    store_meta meta;
    netral_error err;
    int64_t v = -1;
    if (store_open(paths.db_path, &s, &err) == 0 && store_get_meta(s, &meta, &err) == 0) v = meta.version;
    store_close(s);
    return v;
}

static void import_should_install_a_signed_list(void)
{
    char list[512];
    netral_error err;
    make_list("v1.jsonl", 1, "2099-01-01T00:00:00Z", "@tim_a", trusted_key, list);
    CHECK(import(list, &err) == 0);
    CHECK(installed_version() == 1);
    CHECK(listed("@TIM_A") == 1);
    CHECK(listed("@someone") == 0);
}

static void import_should_refuse_the_same_or_an_older_version(void)
{
    char list[512];
    netral_error err;
    make_list("v1b.jsonl", 1, "2099-01-01T00:00:00Z", "@tim_b", trusted_key, list);
    CHECK(import(list, &err) != 0);
    CHECK(err.code == NETRAL_E_ROLLBACK);
    CHECK(listed("@tim_a") == 1);
}

static void import_should_refuse_an_expired_list(void)
{
    char list[512];
    netral_error err;
    make_list("v5.jsonl", 5, "2020-01-01T00:00:00Z", "@tim_c", trusted_key, list);
    CHECK(import(list, &err) != 0);
    CHECK(err.code == NETRAL_E_EXPIRED);
    CHECK(installed_version() == 1);
}

static void import_should_refuse_a_list_signed_by_an_untrusted_key(void)
{
    char list[512];
    netral_error err;
    make_list("v6.jsonl", 6, "2099-01-01T00:00:00Z", "@tim_d", other_key, list);
    CHECK(import(list, &err) != 0);
    CHECK(err.code == NETRAL_E_KEY);
    CHECK(listed("@tim_d") == 0 && listed("@tim_a") == 1);
}

static void import_should_refuse_a_list_changed_after_signing(void)
{
    char list[512], text[1024];
    netral_error err;
    FILE *f;
    make_list("v7.jsonl", 7, "2099-01-01T00:00:00Z", "@tim_e", trusted_key, list);
    f = fopen(list, "r+");
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    char *p = strstr(text, "@tim_e");
    p[1] = 'T';   /* a byte the parser would happily accept */
    rewind(f);
    fwrite(text, 1, n, f);
    fclose(f);
    CHECK(import(list, &err) != 0);
    CHECK(err.code == NETRAL_E_SIGNATURE);
    CHECK(installed_version() == 1);
}

static void import_should_refuse_a_duplicate_account_and_keep_the_old_list(void)
{
    char path[512];
    netral_error err;
    snprintf(path, sizeof path, "%s/dup.jsonl", root);
    write_text(path,
               "{\"format\":\"netral-list\",\"format_version\":1,\"version\":8,\"issued\":\"2026-01-01T00:00:00Z\","
               "\"expires\":\"2099-01-01T00:00:00Z\",\"issuer\":\"uji\",\"elections\":[\"P\"]}\n"
               "{\"platform\":\"x\",\"accounts\":[\"@dup\"],\"entity\":{\"name\":\"A\"}}\n"
               "{\"platform\":\"twitter\",\"accounts\":[\"https://x.com/DUP\"],\"entity\":{\"name\":\"B\"}}\n");
    sign_file(path, trusted_key);
    CHECK(import(path, &err) != 0);
    CHECK(strstr(err.msg, "line 3") != NULL && strstr(err.msg, "twice") != NULL);
    CHECK(installed_version() == 1);
}

static void import_should_leave_no_temporary_files(void)
{
    char path[600];
    snprintf(path, sizeof path, "%s/data/.netral.db.new", root);
    CHECK(access(path, F_OK) != 0);
    snprintf(path, sizeof path, "%s/data/.list.jsonl.new", root);
    CHECK(access(path, F_OK) != 0);
}

static void reader_should_follow_a_newer_import(void)
{
    char list[512];
    netral_error err;
    store_reader *r = store_reader_new(paths.db_path);
    const store_meta *meta = NULL;
    const netral_error *problem = NULL;
    store *s = store_reader_get(r, &meta, &problem);
    CHECK(s != NULL && meta != NULL && meta->version == 1);
    make_list("v9.jsonl", 9, "2099-01-01T00:00:00Z", "@tim_f", trusted_key, list);
    CHECK(import(list, &err) == 0);
    s = store_reader_get(r, &meta, &problem);
    CHECK(s != NULL && meta != NULL && meta->version == 9);
    store_reader_free(r);
}

static void rollback_protection_should_survive_a_damaged_database(void)
{
    char list[512];
    netral_error err;
    write_text(paths.db_path, "this is not a database, it was damaged");
    CHECK(installed_version() == -1);
    make_list("v8.jsonl", 8, "2099-01-01T00:00:00Z", "@tim_g", trusted_key, list);
    CHECK(import(list, &err) != 0);   /* the kept verified copy says version 9 */
    CHECK(err.code == NETRAL_E_ROLLBACK);
    make_list("v10.jsonl", 10, "2099-01-01T00:00:00Z", "@tim_h", trusted_key, list);
    CHECK(import(list, &err) == 0);
    CHECK(installed_version() == 10);
}

int main(void)
{
    netral_error err;
    char keys[300], pub[400];
    char *pub_text;

    if (minisign_init(&err) != 0) return 1;
    if (test_make_temp_dir(root, sizeof root, "netral-test-import") != 0) return 1;
    snprintf(keys, sizeof keys, "%s/config", root);
    test_mkdir(keys);
    snprintf(keys, sizeof keys, "%s/config/keys", root);
    test_mkdir(keys);
    snprintf(pub, sizeof pub, "%s/authority.pub", keys);
    test_setenv("NETRAL_CONFIG_DIR", (snprintf(keys, sizeof keys, "%s/config", root), keys));
    char data[300];
    snprintf(data, sizeof data, "%s/data", root);
    test_setenv("NETRAL_DATA_DIR", data);
    paths_resolve(&paths, &err);
    free(make_key(pub, &trusted_key));
    pub_text = make_key(NULL, &other_key);
    free(pub_text);

    RUN(import_should_install_a_signed_list);
    RUN(import_should_refuse_the_same_or_an_older_version);
    RUN(import_should_refuse_an_expired_list);
    RUN(import_should_refuse_a_list_signed_by_an_untrusted_key);
    RUN(import_should_refuse_a_list_changed_after_signing);
    RUN(import_should_refuse_a_duplicate_account_and_keep_the_old_list);
    RUN(import_should_leave_no_temporary_files);
    RUN(reader_should_follow_a_newer_import);
    RUN(rollback_protection_should_survive_a_damaged_database);

    minisign_seckey_free(trusted_key);
    minisign_seckey_free(other_key);
    test_remove_tree(root);
    return CHECK_REPORT();
}
