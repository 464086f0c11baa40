#include "clock.h"

#include <string.h>
#include <time.h>

#include "environment.h"
#include "isotime.h"

int64_t netral_now(void)
{
    static int fixed_known = 0, is_fixed = 0;   /* NETRAL_NOW is read once: the host asks per request */
    static int64_t fixed;
    if (!fixed_known) {
        const char *text = environment_get("NETRAL_NOW");
        is_fixed = text != NULL && isotime_parse(text, strlen(text), &fixed) == 0;
        fixed_known = 1;
    }
    return is_fixed ? fixed : (int64_t)time(NULL);
}
