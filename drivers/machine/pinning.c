/* pinning: the default binding, applied by a second start (see pinning.h). */
#include "machine/pinning.h"

#include <stdlib.h>

int pinning_default_env(void) {
    static const char *const user_choices[] = {"OMP_PROC_BIND", "OMP_PLACES", "GOMP_CPU_AFFINITY",
                                               "KMP_AFFINITY"};
    for (size_t i = 0; i < sizeof user_choices / sizeof user_choices[0]; i++)
        if (getenv(user_choices[i]))
            return 0;
    if (setenv("OMP_PROC_BIND", "close", 1) != 0 || setenv("OMP_PLACES", "cores", 1) != 0)
        return -1;
    return 1;
}
