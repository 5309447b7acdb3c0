/* blas_env: which OpenBLAS core a run uses, chosen before the library reads OPENBLAS_CORETYPE.
 *
 * OpenBLAS reads OPENBLAS_CORETYPE once, when it is loaded, before main(). The policy is
 * therefore applied the way the default binding is (machine/pinning.h): main() sets the
 * variable and executes the program again (machine/start_env.h).
 *
 * The policy comes from --blas-core (any measuring command; main() moves it into the
 * environment) or OMPSWEEP_BLAS_CORE:
 *   best          (the default) keep OpenBLAS's own choice when it is of the best family the
 *                 CPU supports (machine/blas_core.h), else ask for the best core; by default
 *                 a OPENBLAS_CORETYPE the user set is left alone (with a warning when it is
 *                 of a lesser family), given explicitly it is replaced then too;
 *   as-installed  the library as installed: OPENBLAS_CORETYPE removed, OpenBLAS chooses;
 *   NAME          that core (one of blas_core_names()), which the CPU must be able to run.
 * Errors: blas_policy_check's message. Thread-safety: before any other thread exists
 * (getenv, setenv).
 */
#ifndef OMPSWEEP_BLAS_ENV_H
#define OMPSWEEP_BLAS_ENV_H

#include <stddef.h>

#define BLAS_POLICY_VAR "OMPSWEEP_BLAS_CORE"

/* 0 when value is a policy this CPU (flags) can follow; else 2 with the reason in err
 * ("unknown core 'X' (known: ...)", "SkylakeX needs 'avx512f', which this CPU lacks"). */
int blas_policy_check(const char *value, const char *flags, char *err, size_t cap);

/* Sets or removes OPENBLAS_CORETYPE as the policy in OMPSWEEP_BLAS_CORE asks, given the CPU's
 * flags and the core the library chose at this start (running). Returns 1 when the
 * environment changed (the program must start again for OpenBLAS to see it), 0 when it is
 * as wanted, -1 when setenv() failed. */
int blas_env_apply(const char *flags, const char *running);

/* Where the core in force came from, in words, for the context: "OpenBLAS's own choice",
 * "set by ompsweep (--blas-core best)", "OPENBLAS_CORETYPE from the environment", ... */
void blas_env_source(char *out, size_t cap);

/* The core OpenBLAS runs ("Haswell"; "unknown" when the library cannot say) and its
 * parallel mode ("openmp", "pthreads", "sequential"). */
const char *blas_running_core(void);
const char *blas_parallel_mode(void);

#endif
