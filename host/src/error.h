/* Errors returned with a reason: a code a program can switch on and a message a person can read. */
#ifndef NETRAL_ERROR_H
#define NETRAL_ERROR_H

typedef enum {
    NETRAL_OK = 0,
    NETRAL_E_IO,          /* a file or stream could not be read or written */
    NETRAL_E_NOMEM,
    NETRAL_E_TOO_LARGE,   /* input over a named limit */
    NETRAL_E_FORMAT,      /* input is not in the expected format */
    NETRAL_E_ACCOUNT,     /* not a valid account for the platform */
    NETRAL_E_KEY,         /* no usable key (missing, malformed, wrong passphrase, unknown id) */
    NETRAL_E_SIGNATURE,   /* the signature does not verify */
    NETRAL_E_ROLLBACK,    /* list version not newer than the installed one */
    NETRAL_E_EXPIRED,     /* list already expired */
    NETRAL_E_DATABASE,    /* the database could not be opened, read or written */
    NETRAL_E_BUSY,        /* another import holds the lock */
    NETRAL_E_NO_LIST,     /* no list is installed */
    NETRAL_E_NOT_OFFERED, /* a file sent for an update that no verified index asked for */
    NETRAL_E_OUT_OF_ORDER,/* a chunk of a file at another offset than the bytes received */
    NETRAL_E_INCOMPLETE   /* an update committed before every file it needs is complete */
} netral_code;

#define NETRAL_ERROR_MSG_BYTES 512

/* Format strings are C99's (%zu, %lld): on mingw-w64 that is gnu_printf, not Microsoft's. */
#ifdef __MINGW32__
#define NETRAL_PRINTF(fmt_index, first_arg) __attribute__((format(gnu_printf, fmt_index, first_arg)))
#else
#define NETRAL_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#endif

typedef struct {
    netral_code code;
    char msg[NETRAL_ERROR_MSG_BYTES];
} netral_error;

/* Records code and a printf-style reason; returns -1 so callers can `return netral_fail(...)`. */
int netral_fail(netral_error *err, netral_code code, const char *fmt, ...) NETRAL_PRINTF(3, 4);

/* Stable lower-case name of a code ("signature", "rollback", ...), for JSON and logs. */
const char *netral_code_name(netral_code code);

#endif
