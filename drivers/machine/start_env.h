/* start_env: the environment that must be in place before the OpenMP runtime and OpenBLAS
 * are loaded, which read it once, before main(): the default binding (machine/pinning.h) and
 * OpenBLAS's core (machine/blas_env.h). The first start sets what is missing and executes
 * the program again, once (OMPSWEEP_RESTARTED=1 marks the second start); the context records
 * what was in force.
 *
 * --blas-core VALUE (or --blas-core=VALUE) is taken out of the command's arguments here,
 * checked and moved into OMPSWEEP_BLAS_CORE, so every measuring command accepts it and no
 * command's parser sees it.
 * Errors: start_env_take_options returns 2 after printing "ompsweep CMD: --blas-core: ..."
 * (or naming OMPSWEEP_BLAS_CORE when the variable is wrong). Thread-safety: before any other
 * thread exists (setenv, execv).
 */
#ifndef OMPSWEEP_START_ENV_H
#define OMPSWEEP_START_ENV_H

/* Removes --blas-core from argv (options before a "--"; *argc and argv[] are updated) and
 * checks the policy against this CPU. 0, or 2 with the message printed. */
int start_env_take_options(const char *command, int *argc, char **argv);

/* Unless this is already the second start: applies the binding and core policies and, when
 * either changed the environment, executes /proc/self/exe with argv again. Returns only when
 * nothing needed doing or the new start failed; the process then carries on as it is. Call it
 * first in main(), before any OpenMP call or MPI start. */
void start_env_apply(char **argv);

#endif
