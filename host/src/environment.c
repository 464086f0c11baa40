#include "environment.h"

#include <stdlib.h>

#include "os.h"

int environment_trusted(void)
{
    static int decided = -1;
    if (decided < 0) decided = os_self_is_replaceable() == 1;
    return decided;
}

const char *environment_get(const char *name)
{
    const char *value;
    if (!environment_trusted()) return NULL;
    value = getenv(name);
    return value != NULL && value[0] != '\0' ? value : NULL;
}
