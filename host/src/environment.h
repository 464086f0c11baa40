/* Which environment variables may change what Netral trusts.
 *
 * NETRAL_CONFIG_DIR, NETRAL_DATA_DIR and NETRAL_NOW move the trusted keys, the list and the
 * clock. A user may point their own copy of Netral anywhere; but a host that someone else
 * installed (root, IT) must not let the user's environment replace the list it answers from
 * (that would turn mode: block into nothing). So these variables are honoured only when the
 * user running the program could replace the program itself anyway: it is their file, or its
 * directory is writable by them. */
#ifndef NETRAL_ENVIRONMENT_H
#define NETRAL_ENVIRONMENT_H

/* 1 when the variables above are honoured by this process (decided once, at the first call). */
int environment_trusted(void);

/* getenv(NAME) when the environment is trusted and NAME is set and not empty, else NULL. */
const char *environment_get(const char *name);

#endif
