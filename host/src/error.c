#include "error.h"

#include <stdarg.h>
#include <stdio.h>

#include "utf8.h"

int netral_fail(netral_error *err, netral_code code, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        /* A truncated reason is still a reason: the result is not checked on purpose. */
        (void)vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        /* Reasons quote input and are cut to size: keep them valid UTF-8 for JSON replies. */
        utf8_repair(err->msg);
    }
    return -1;
}

const char *netral_code_name(netral_code code)
{
    switch (code) {
    case NETRAL_OK: return "ok";
    case NETRAL_E_IO: return "io";
    case NETRAL_E_NOMEM: return "no_memory";
    case NETRAL_E_TOO_LARGE: return "too_large";
    case NETRAL_E_FORMAT: return "format";
    case NETRAL_E_ACCOUNT: return "bad_account";
    case NETRAL_E_KEY: return "key";
    case NETRAL_E_SIGNATURE: return "signature";
    case NETRAL_E_ROLLBACK: return "rollback";
    case NETRAL_E_EXPIRED: return "expired";
    case NETRAL_E_DATABASE: return "database";
    case NETRAL_E_BUSY: return "busy";
    case NETRAL_E_NO_LIST: return "no_list";
    case NETRAL_E_NOT_OFFERED: return "not_offered";
    case NETRAL_E_OUT_OF_ORDER: return "out_of_order";
    case NETRAL_E_INCOMPLETE: return "incomplete";
    }
    return "unknown";
}
