/* start_env: binding and OpenBLAS core set before the libraries load (see start_env.h). */
#include "machine/start_env.h"

#include "format/units.h"
#include "machine/blas_env.h"
#include "machine/cpu_flags.h"
#include "machine/pinning.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Set in the second start, so that it does not start a third. */
#define RESTART_MARK "OMPSWEEP_RESTARTED"

#define OPTION "--blas-core"

int start_env_take_options(const char *command, int *argc, char **argv) {
    char flags[CPU_FLAGS_MAX], err[UNITS_ERRLEN];
    const char *value = NULL;
    int out = 1;
    cpu_flags_read(NULL, flags, sizeof flags);
    for (int i = 1; i < *argc; i++) {
        size_t n = strlen(OPTION);
        if (strcmp(argv[i], "--") == 0) {
            for (; i < *argc; i++)
                argv[out++] = argv[i];
            break;
        }
        if (strncmp(argv[i], OPTION, n) == 0 && argv[i][n] == '=') {
            value = argv[i] + n + 1;
        } else if (strcmp(argv[i], OPTION) == 0) {
            if (i + 1 >= *argc) {
                fprintf(stderr, "ompsweep %s: %s needs a value (try 'ompsweep --help')\n", command,
                        OPTION);
                return 2;
            }
            value = argv[++i];
        } else {
            argv[out++] = argv[i];
        }
    }
    argv[out] = NULL;
    *argc = out;
    if (value) {
        if (blas_policy_check(value, flags, err, sizeof err)) {
            fprintf(stderr, "ompsweep %s: %s: %s\n", command, OPTION, err);
            return 2;
        }
        if (setenv(BLAS_POLICY_VAR, value, 1) != 0) {
            fprintf(stderr, "ompsweep %s: %s: cannot set the environment\n", command, OPTION);
            return 2;
        }
    } else if ((value = getenv(BLAS_POLICY_VAR)) && *value &&
               blas_policy_check(value, flags, err, sizeof err)) {
        fprintf(stderr, "ompsweep %s: %s: %s\n", command, BLAS_POLICY_VAR, err);
        return 2;
    }
    return 0;
}

void start_env_apply(char **argv) {
    if (getenv(RESTART_MARK))
        return;
    char flags[CPU_FLAGS_MAX];
    cpu_flags_read(NULL, flags, sizeof flags);
    int pinned = pinning_default_env();
    int blas = blas_env_apply(flags, blas_running_core());
    if (pinned != 1 && blas != 1)
        return;
    setenv(RESTART_MARK, "1", 1);
    execv("/proc/self/exe", argv);
}
