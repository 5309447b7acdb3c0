/* blas_env: the OpenBLAS core policy, applied before the library loads (see blas_env.h). */
#include "machine/blas_env.h"

#include "machine/blas_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* OpenBLAS's own header lives in a flavour-specific directory; the prototypes are simpler. */
char *openblas_get_corename(void);
int openblas_get_parallel(void);

#define CORETYPE_VAR "OPENBLAS_CORETYPE"
/* Set, with the core's name, when this program set OPENBLAS_CORETYPE itself. */
#define SET_MARK "OMPSWEEP_BLAS_CORE_SET"

static const char *policy(void) {
    const char *p = getenv(BLAS_POLICY_VAR);
    return p && *p ? p : "best";
}

int blas_policy_check(const char *value, const char *flags, char *err, size_t cap) {
    if (strcmp(value, "best") == 0 || strcmp(value, "as-installed") == 0)
        return 0;
    const char *core = blas_core_canonical(value);
    if (!core) {
        snprintf(err, cap, "unknown core '%s' (best, as-installed or one of: %s)", value,
                 blas_core_names());
        return 2;
    }
    char missing[32];
    if (blas_core_runs_on(core, flags, missing, sizeof missing) == 0) {
        snprintf(err, cap, "%s needs '%s', which this CPU lacks", core, missing);
        return 2;
    }
    return 0;
}

int blas_env_apply(const char *flags, const char *running) {
    const char *want = policy(), *now = getenv(CORETYPE_VAR);
    if (strcmp(want, "as-installed") == 0) {
        if (!now)
            return 0;
        return unsetenv(CORETYPE_VAR) == 0 && unsetenv(SET_MARK) == 0 ? 1 : -1;
    }
    const char *core = strcmp(want, "best") == 0 ? NULL : blas_core_canonical(want);
    if (!core) {
        /* best by default: the user's own OPENBLAS_CORETYPE stays; asked for explicitly, it
         * goes when it is of a lesser family than the CPU runs. */
        if (now && !getenv(BLAS_POLICY_VAR))
            return 0;
        char advice[8];
        if (blas_core_check(running, flags, advice, sizeof advice) != 1)
            return 0;
        core = blas_core_best(flags);
        if (!core || blas_core_runs_on(running, flags, NULL, 0) == 0)
            return 0; /* a core the CPU cannot run is not OpenBLAS's own choice */
    } else if (now && strcasecmp(now, core) == 0) {
        return 0;
    }
    return setenv(CORETYPE_VAR, core, 1) == 0 && setenv(SET_MARK, core, 1) == 0 ? 1 : -1;
}

void blas_env_source(char *out, size_t cap) {
    const char *want = policy(), *now = getenv(CORETYPE_VAR), *mark = getenv(SET_MARK);
    if (strcmp(want, "as-installed") == 0)
        snprintf(out, cap, "OpenBLAS's own choice (--blas-core as-installed)");
    else if (now && mark && strcasecmp(now, mark) == 0 && strcmp(want, "best") == 0)
        snprintf(out, cap,
                 "set by ompsweep: OPENBLAS_CORETYPE=%s, the best this CPU runs "
                 "(--blas-core as-installed measures the library as installed)",
                 now);
    else if (now && mark && strcasecmp(now, mark) == 0)
        snprintf(out, cap, "OPENBLAS_CORETYPE=%s (--blas-core %s)", now, want);
    else if (now)
        snprintf(out, cap, "OPENBLAS_CORETYPE=%s from the environment", now);
    else
        snprintf(out, cap, "OpenBLAS's own choice");
}

const char *blas_running_core(void) {
    const char *name = openblas_get_corename();
    return name && *name ? name : "unknown";
}

const char *blas_parallel_mode(void) {
    switch (openblas_get_parallel()) {
    case 0:
        return "sequential";
    case 1:
        return "pthreads";
    case 2:
        return "openmp";
    default:
        return "unknown";
    }
}
