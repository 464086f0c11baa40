/* The clock the list's dates are compared with. */
#ifndef NETRAL_CLOCK_H
#define NETRAL_CLOCK_H

#include <stdint.h>

/* Seconds since the epoch: the system clock, or NETRAL_NOW ("YYYY-MM-DDTHH:MM:SSZ") where the
 * environment is trusted (environment.h), for tests and for checking a list as of a date. */
int64_t netral_now(void);

#endif
