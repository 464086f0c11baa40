#include "clock.h"

#include <string.h>
#include <time.h>

#include "environment.h"
#include "isotime.h"

int64_t netral_now(void)
{
    const char *fixed = environment_get("NETRAL_NOW");
    int64_t t;
    if (fixed != NULL && isotime_parse(fixed, strlen(fixed), &t) == 0) return t;
    return (int64_t)time(NULL);
}
