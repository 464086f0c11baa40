#include "keychain.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "fileio.h"
#include "json.h"
#include "minisign.h"
#include "os.h"

#define MAX_SAFE_INTEGER 9007199254740991.0
#define MAX_KEPT_STATEMENTS 256u

/* Reads the signature that key ID made over a statement, for the statement at PATH. */
typedef int (*proof_reader)(const char *path, const char *key_id, char **text, size_t *len, netral_error *err);

static int read_proof(const char *path, const char *key_id, char **text, size_t *len, netral_error *err)
{
    char proof[NETRAL_PATH_BYTES];
    if (snprintf(proof, sizeof proof, "%s.%s.minisig", path, key_id) >= (int)sizeof proof)
        return netral_fail(err, NETRAL_E_TOO_LARGE, "path too long: %s", path);
    return file_read_bounded(proof, MAX_SIG_FILE_BYTES, text, len, err);
}

static int verify_text(const minisign_pubkey *key, const char *text, size_t len, const char *sig_text, size_t sig_len,
                       netral_error *err)
{
    minisign_sig *sig = malloc(sizeof *sig);
    unsigned char hash[MINISIGN_HASH_BYTES];
    int rc = -1;
    if (sig == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    crypto_generichash(hash, sizeof hash, (const unsigned char *)text, len, NULL, 0);
    if (minisign_sig_parse(sig_text, sig_len, sig, err) == 0) {
        if (memcmp(sig->keynum, key->keynum, MINISIGN_KEYNUM_BYTES) != 0)
            netral_fail(err, NETRAL_E_KEY, "the signature is by another key");
        else
            rc = minisign_verify(key, sig, hash, err);
    }
    free(sig);
    return rc;
}

static int find_key(const trusted_keys *keys, const unsigned char keynum[MINISIGN_KEYNUM_BYTES])
{
    for (size_t i = 0; i < keys->count; i++)
        if (memcmp(keys->keys[i].keynum, keynum, MINISIGN_KEYNUM_BYTES) == 0) return (int)i;
    return -1;
}

static void remove_key(trusted_keys *keys, size_t at)
{
    keys->count--;
    memmove(&keys->keys[at], &keys->keys[at + 1], (keys->count - at) * sizeof keys->keys[0]);
    memmove(&keys->roles[at], &keys->roles[at + 1], (keys->count - at) * sizeof keys->roles[0]);
    memmove(&keys->names[at], &keys->names[at + 1], (keys->count - at) * sizeof keys->names[0]);
}

/* Checks the statement TEXT (at PATH, signed by SIG_TEXT) against KEYS, which it then changes.
 * Its serial must be at least MIN_SERIAL; *SERIAL gets it. */
static int apply_statement(trusted_keys *keys, const char *path, const char *text, size_t len, const char *sig_text,
                           size_t sig_len, proof_reader proofs, int64_t min_serial, int64_t *serial, netral_error *err)
{
    json_problem problem;
    cJSON *o = json_parse_exact(text, len, &problem);
    const cJSON *format, *version, *number, *add, *retire, *item;
    minisign_sig *sig = malloc(sizeof *sig);
    minisign_pubkey added[MAX_STATEMENT_CHANGES];
    key_role added_roles[MAX_STATEMENT_CHANGES];
    char added_names[MAX_STATEMENT_CHANGES][64];
    size_t added_count = 0;
    key_role role;
    int rc = -1;

    if (sig == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        goto done;
    }
    if (problem != JSON_OK || !cJSON_IsObject(o)) {
        netral_fail(err, NETRAL_E_FORMAT, "the key statement %s", problem != JSON_OK ? json_problem_text(problem)
                                                                                 : "is not a JSON object");
        goto done;
    }
    format = cJSON_GetObjectItemCaseSensitive(o, "format");
    version = cJSON_GetObjectItemCaseSensitive(o, "format_version");
    number = cJSON_GetObjectItemCaseSensitive(o, "serial");
    if (!cJSON_IsString(format) || strcmp(format->valuestring, KEY_STATEMENT_FORMAT) != 0 ||
        !cJSON_IsNumber(version) || version->valuedouble != 1) {
        netral_fail(err, NETRAL_E_FORMAT, "not a Netral key statement (format \"%s\", version 1)", KEY_STATEMENT_FORMAT);
        goto done;
    }
    if (!cJSON_IsNumber(number) || number->valuedouble < 1 || number->valuedouble > MAX_SAFE_INTEGER ||
        (double)(int64_t)number->valuedouble != number->valuedouble) {
        netral_fail(err, NETRAL_E_FORMAT, "the key statement's \"serial\" must be a whole number from 1");
        goto done;
    }
    *serial = (int64_t)number->valuedouble;
    if (*serial < min_serial) {
        netral_fail(err, NETRAL_E_ROLLBACK, "key statement %lld is older than statement %lld, accepted before",
                    (long long)*serial, (long long)min_serial - 1);
        goto done;
    }
    /* Signed by a list key trusted before the statement. */
    if (minisign_sig_parse(sig_text, sig_len, sig, err) != 0) goto done;
    const minisign_pubkey *signer = trusted_keys_find(keys, sig->keynum, &role);
    if (signer == NULL || role != KEY_ROLE_LIST) {
        char id[MINISIGN_KEY_ID_HEX_BYTES];
        minisign_key_id_hex(sig->keynum, id);
        netral_fail(err, NETRAL_E_KEY, "the key statement is signed by key %s, which is not a trusted list key", id);
        goto done;
    }
    if (verify_text(signer, text, len, sig_text, sig_len, err) != 0) goto done;

    add = cJSON_GetObjectItemCaseSensitive(o, "add");
    retire = cJSON_GetObjectItemCaseSensitive(o, "retire");
    if ((add != NULL && (!cJSON_IsArray(add) || cJSON_GetArraySize(add) > (int)MAX_STATEMENT_CHANGES)) ||
        (retire != NULL && (!cJSON_IsArray(retire) || cJSON_GetArraySize(retire) > (int)MAX_STATEMENT_CHANGES))) {
        netral_fail(err, NETRAL_E_FORMAT, "\"add\" and \"retire\" are lists of at most %u", MAX_STATEMENT_CHANGES);
        goto done;
    }
    /* Every key added has signed the statement too. */
    cJSON_ArrayForEach(item, add) {
        const cJSON *pub = cJSON_GetObjectItemCaseSensitive(item, "public_key");
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(item, "role");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");
        char id[MINISIGN_KEY_ID_HEX_BYTES], *proof = NULL;
        size_t proof_len = 0;
        int proven;
        if (!cJSON_IsString(pub) || minisign_pubkey_parse(pub->valuestring, strlen(pub->valuestring),
                                                          &added[added_count], err) != 0) {
            if (!cJSON_IsString(pub)) netral_fail(err, NETRAL_E_FORMAT, "an added key needs \"public_key\"");
            goto done;
        }
        if (!cJSON_IsString(r) || (strcmp(r->valuestring, "list") != 0 && strcmp(r->valuestring, "index") != 0)) {
            netral_fail(err, NETRAL_E_FORMAT, "an added key's \"role\" is \"list\" or \"index\"");
            goto done;
        }
        added_roles[added_count] = strcmp(r->valuestring, "index") == 0 ? KEY_ROLE_INDEX : KEY_ROLE_LIST;
        minisign_key_id_hex(added[added_count].keynum, id);
        snprintf(added_names[added_count], sizeof added_names[added_count], "statement %lld: %.30s", (long long)*serial,
                 cJSON_IsString(name) ? name->valuestring : id);
        if (proofs(path, id, &proof, &proof_len, err) != 0) {
            netral_fail(err, NETRAL_E_KEY, "key %s is added without its own signature over the statement", id);
            goto done;
        }
        proven = verify_text(&added[added_count], text, len, proof, proof_len, err) == 0;
        free(proof);
        if (!proven) {
            netral_fail(err, NETRAL_E_KEY, "key %s did not sign the statement that adds it", id);
            goto done;
        }
        added_count++;
    }
    cJSON_ArrayForEach(item, retire) {
        if (!cJSON_IsString(item) || strlen(item->valuestring) != MINISIGN_KEY_ID_HEX_BYTES - 1 ||
            strspn(item->valuestring, "0123456789ABCDEF") != MINISIGN_KEY_ID_HEX_BYTES - 1) {
            netral_fail(err, NETRAL_E_FORMAT, "\"retire\" lists key ids of 16 upper-case hex digits");
            goto done;
        }
    }
    /* Everything holds: change the set. Retire first: a statement may replace a key by itself. */
    cJSON_ArrayForEach(item, retire) {
        for (size_t i = 0; i < keys->count;) {
            char id[MINISIGN_KEY_ID_HEX_BYTES];
            minisign_key_id_hex(keys->keys[i].keynum, id);
            if (strcmp(id, item->valuestring) == 0) remove_key(keys, i);
            else i++;
        }
    }
    for (size_t a = 0; a < added_count; a++) {
        int at = find_key(keys, added[a].keynum);
        if (at >= 0) {
            if (sodium_memcmp(keys->keys[at].pk, added[a].pk, MINISIGN_PK_BYTES) != 0) {
                netral_fail(err, NETRAL_E_KEY, "the statement adds a key whose id another trusted key has");
                goto done;
            }
            keys->roles[at] = added_roles[a];
            continue;
        }
        if (keys->count == MAX_TRUSTED_KEYS) {
            netral_fail(err, NETRAL_E_KEY, "more than %u trusted keys", MAX_TRUSTED_KEYS);
            goto done;
        }
        keys->keys[keys->count] = added[a];
        keys->roles[keys->count] = added_roles[a];
        memcpy(keys->names[keys->count], added_names[a], sizeof keys->names[0]);
        keys->count++;
    }
    rc = 0;
done:
    cJSON_Delete(o);
    free(sig);
    return rc;
}

static int compare_serials(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The serials of the statements kept in DIR, in order; their count. */
static size_t kept_serials(const char *dir, int64_t *serials, size_t max)
{
    DIR *d = opendir(dir);
    struct dirent *ent;
    size_t count = 0;
    if (d == NULL) return 0;
    while ((ent = readdir(d)) != NULL && count < max) {
        long long serial;
        int used = 0;
        if (sscanf(ent->d_name, "statement-%lld.json%n", &serial, &used) == 1 && ent->d_name[used] == '\0' && serial > 0)
            serials[count++] = serial;
    }
    closedir(d);
    qsort(serials, count, sizeof *serials, compare_serials);
    return count;
}

static int load_pair(const char *path, char **text, size_t *len, char **sig_text, size_t *sig_len, netral_error *err)
{
    char sig_path[NETRAL_PATH_BYTES];
    if (snprintf(sig_path, sizeof sig_path, "%s.minisig", path) >= (int)sizeof sig_path)
        return netral_fail(err, NETRAL_E_TOO_LARGE, "path too long: %s", path);
    if (file_read_bounded(path, MAX_KEY_STATEMENT_BYTES, text, len, err) != 0) return -1;
    if (file_read_bounded(sig_path, MAX_SIG_FILE_BYTES, sig_text, sig_len, err) != 0) {
        free(*text);
        *text = NULL;
        return -1;
    }
    return 0;
}

int keychain_apply(const netral_paths *paths, trusted_keys *keys, int64_t *serial, netral_error *err)
{
    char dir[NETRAL_PATH_BYTES];
    int64_t *serials = malloc(MAX_KEPT_STATEMENTS * sizeof *serials), last = 0;
    size_t count;
    if (serials == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (path_join(dir, sizeof dir, paths->data_dir, KEYCHAIN_SUBDIR, err) != 0) {
        free(serials);
        return -1;
    }
    count = kept_serials(dir, serials, MAX_KEPT_STATEMENTS);
    for (size_t i = 0; i < count; i++) {
        char path[NETRAL_PATH_BYTES], name[64], *text = NULL, *sig_text = NULL;
        size_t len = 0, sig_len = 0;
        int64_t applied = 0;
        netral_error why;
        trusted_keys *next = malloc(sizeof *next);
        int ok;
        snprintf(name, sizeof name, "statement-%lld.json", (long long)serials[i]);
        ok = next != NULL && path_join(path, sizeof path, dir, name, &why) == 0 &&
             load_pair(path, &text, &len, &sig_text, &sig_len, &why) == 0;
        if (ok) {
            *next = *keys;   /* applied to a copy: a statement that fails changes nothing */
            ok = apply_statement(next, path, text, len, sig_text, sig_len, read_proof, last + 1, &applied, &why) == 0 &&
                 applied == serials[i];
            if (ok) *keys = *next;
        }
        free(text);
        free(sig_text);
        free(next);
        if (!ok) {
            if (keys->rejected++ == 0)
                snprintf(keys->first_problem, sizeof keys->first_problem, "kept key statement %lld not applied: %.300s",
                         (long long)serials[i], why.msg);
            break;
        }
        last = applied;
    }
    if (serial != NULL) *serial = last;
    free(serials);
    return 0;
}

int keychain_accept(const netral_paths *paths, const char *dir, const char *file, netral_error *err)
{
    char path[NETRAL_PATH_BYTES], kept_dir[NETRAL_PATH_BYTES], kept[NETRAL_PATH_BYTES], name[64];
    char *text = NULL, *sig_text = NULL;
    size_t len = 0, sig_len = 0;
    trusted_keys *keys = malloc(sizeof *keys);
    int64_t current = 0, serial = 0;
    cJSON *o = NULL;
    int rc = -1;

    if (keys == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    if (path_join(path, sizeof path, dir, file, err) != 0 || load_pair(path, &text, &len, &sig_text, &sig_len, err) != 0)
        goto done;
    if (trusted_keys_load(paths, keys, err) != 0) goto done;   /* the kept statements applied */
    if (keys->refused[0] != '\0') {
        netral_fail(err, NETRAL_E_KEY, "the trusted keys are not usable: %s", keys->refused);
        goto done;
    }
    current = keys->statement_serial;
    {
        json_problem problem;
        cJSON *peek = json_parse_exact(text, len, &problem);
        const cJSON *number = cJSON_GetObjectItemCaseSensitive(peek, "serial");
        serial = cJSON_IsNumber(number) ? (int64_t)number->valuedouble : 0;
        cJSON_Delete(peek);
    }
    if (serial != 0 && serial == current) {   /* the one kept already: it must be the same bytes */
        char *kept_text = NULL;
        size_t kept_len = 0;
        snprintf(name, sizeof name, "statement-%lld.json", (long long)serial);
        if (path_join(kept_dir, sizeof kept_dir, paths->data_dir, KEYCHAIN_SUBDIR, err) == 0 &&
            path_join(kept, sizeof kept, kept_dir, name, err) == 0 &&
            file_read_bounded(kept, MAX_KEY_STATEMENT_BYTES, &kept_text, &kept_len, err) == 0) {
            if (kept_len == len && memcmp(kept_text, text, len) == 0) rc = 0;
            else netral_fail(err, NETRAL_E_KEY, "key statement %lld differs from the one accepted before", (long long)serial);
        }
        free(kept_text);
        goto done;
    }
    if (apply_statement(keys, path, text, len, sig_text, sig_len, read_proof, current + 1, &serial, err) != 0) goto done;
    /* Keep it: the proofs and the signature first, the statement last (the loader starts from it). */
    if (path_join(kept_dir, sizeof kept_dir, paths->data_dir, KEYCHAIN_SUBDIR, err) != 0) goto done;
    if (os_make_dir(paths->data_dir) != 0 || os_make_dir(kept_dir) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot create %s: %s", kept_dir, strerror(errno));
        goto done;
    }
    snprintf(name, sizeof name, "statement-%lld.json", (long long)serial);
    if (path_join(kept, sizeof kept, kept_dir, name, err) != 0) goto done;
    {
        json_problem problem;
        const cJSON *item;
        o = json_parse_exact(text, len, &problem);
        cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(o, "add")) {
            minisign_pubkey pk;
            char id[MINISIGN_KEY_ID_HEX_BYTES], *proof = NULL, target[NETRAL_PATH_BYTES];
            size_t proof_len = 0;
            const cJSON *pub = cJSON_GetObjectItemCaseSensitive(item, "public_key");
            if (minisign_pubkey_parse(pub->valuestring, strlen(pub->valuestring), &pk, err) != 0) goto done;
            minisign_key_id_hex(pk.keynum, id);
            if (read_proof(path, id, &proof, &proof_len, err) != 0) goto done;
            int written = snprintf(target, sizeof target, "%s.%s.minisig", kept, id) < (int)sizeof target &&
                          file_write_atomic(target, proof, proof_len, err) == 0;
            free(proof);
            if (!written) goto done;
        }
    }
    {
        char target[NETRAL_PATH_BYTES];
        if (snprintf(target, sizeof target, "%s.minisig", kept) >= (int)sizeof target ||
            file_write_atomic(target, sig_text, sig_len, err) != 0 || file_write_atomic(kept, text, len, err) != 0)
            goto done;
    }
    rc = 0;
done:
    cJSON_Delete(o);
    free(text);
    free(sig_text);
    free(keys);
    return rc;
}
