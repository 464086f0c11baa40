#include "registry.h"

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <stdio.h>
#include <string.h>

#define MAX_VALUE_NAME_BYTES 256
#define MAX_VALUE_BYTES 65536

static HKEY root_of(registry_hive hive)
{
    return hive == REGISTRY_MACHINE ? HKEY_LOCAL_MACHINE : HKEY_CURRENT_USER;
}

const char *registry_hive_name(registry_hive hive)
{
    return hive == REGISTRY_MACHINE ? "HKEY_LOCAL_MACHINE" : "HKEY_CURRENT_USER";
}

static int fail(netral_error *err, registry_hive hive, const char *key, const char *what, LONG code)
{
    char reason[256] = "";
    FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, (DWORD)code, 0, reason,
                   sizeof reason, NULL);
    reason[strcspn(reason, "\r\n")] = '\0';
    return netral_fail(err, NETRAL_E_IO, "cannot %s %s\\%s: %s (error %ld)%s", what, registry_hive_name(hive), key,
                       reason[0] ? reason : "registry error", (long)code,
                       code == ERROR_ACCESS_DENIED && hive == REGISTRY_MACHINE ? "; run it as Administrator" : "");
}

int registry_get_string(registry_hive hive, const char *key, const char *name, char *out, size_t size,
                        netral_error *err)
{
    HKEY k;
    DWORD type = 0, bytes = (DWORD)(size > 0 ? size - 1 : 0);
    LONG rc = RegOpenKeyExA(root_of(hive), key, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &k);
    if (rc == ERROR_FILE_NOT_FOUND) return 1;
    if (rc != ERROR_SUCCESS) return fail(err, hive, key, "open", rc);
    rc = RegQueryValueExA(k, name, NULL, &type, (BYTE *)out, &bytes);
    RegCloseKey(k);
    if (rc == ERROR_FILE_NOT_FOUND) return 1;
    if (rc == ERROR_MORE_DATA) return netral_fail(err, NETRAL_E_TOO_LARGE, "%s\\%s: value too long", registry_hive_name(hive), key);
    if (rc != ERROR_SUCCESS) return fail(err, hive, key, "read", rc);
    if (type != REG_SZ && type != REG_EXPAND_SZ)
        return netral_fail(err, NETRAL_E_FORMAT, "%s\\%s: %s is not a string value", registry_hive_name(hive), key,
                           name ? name : "(default)");
    out[bytes < size ? bytes : size - 1] = '\0';   /* the stored string may lack its NUL */
    return 0;
}

int registry_set_string(registry_hive hive, const char *key, const char *name, const char *value,
                        netral_error *err)
{
    HKEY k;
    LONG rc = RegCreateKeyExA(root_of(hive), key, 0, NULL, REG_OPTION_NON_VOLATILE, KEY_SET_VALUE | KEY_WOW64_64KEY,
                              NULL, &k, NULL);
    if (rc != ERROR_SUCCESS) return fail(err, hive, key, "create", rc);
    rc = RegSetValueExA(k, name, 0, REG_SZ, (const BYTE *)value, (DWORD)strlen(value) + 1);
    RegCloseKey(k);
    if (rc != ERROR_SUCCESS) return fail(err, hive, key, "write", rc);
    return 0;
}

int registry_delete_key(registry_hive hive, const char *key, int *removed, netral_error *err)
{
    LONG rc = RegDeleteKeyExA(root_of(hive), key, KEY_WOW64_64KEY, 0);
    *removed = rc == ERROR_SUCCESS;
    if (rc == ERROR_SUCCESS || rc == ERROR_FILE_NOT_FOUND) return 0;
    return fail(err, hive, key, "delete", rc);
}

int registry_each_string(registry_hive hive, const char *key, registry_value_fn each, void *ctx, netral_error *err)
{
    HKEY k;
    static char value[MAX_VALUE_BYTES];
    LONG rc = RegOpenKeyExA(root_of(hive), key, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &k);
    if (rc == ERROR_FILE_NOT_FOUND) return 1;
    if (rc != ERROR_SUCCESS) return fail(err, hive, key, "open", rc);
    for (DWORD i = 0;; i++) {
        char name[MAX_VALUE_NAME_BYTES];
        DWORD name_len = sizeof name, type = 0, bytes = sizeof value - 1;
        rc = RegEnumValueA(k, i, name, &name_len, NULL, &type, (BYTE *)value, &bytes);
        if (rc == ERROR_NO_MORE_ITEMS) break;
        if (rc == ERROR_MORE_DATA) continue;   /* not a value we would accept anyway */
        if (rc != ERROR_SUCCESS) {
            RegCloseKey(k);
            return fail(err, hive, key, "read", rc);
        }
        if (type != REG_SZ && type != REG_EXPAND_SZ) continue;
        value[bytes] = '\0';
        each(name, value, ctx);
    }
    RegCloseKey(k);
    return 0;
}
