/* pinning: threads are pinned by default (OMP_PROC_BIND=close, OMP_PLACES=cores) unless the
 * user chose a binding (OMP_PROC_BIND, OMP_PLACES, GOMP_CPU_AFFINITY or KMP_AFFINITY set).
 *
 * libgomp reads these variables once, when it is loaded, before main(): setting them in a
 * running process changes nothing. So the policy is applied by setting them and executing the
 * program again, once (machine/start_env.h). The context records the binding that was in
 * force (omp_proc_bind, omp_env).
 * Thread-safety: before any other thread exists (setenv).
 */
#ifndef OMPSWEEP_PINNING_H
#define OMPSWEEP_PINNING_H

/* The policy's variables: when the user set none of the four, sets OMP_PROC_BIND=close and
 * OMP_PLACES=cores. Returns 1 if it set them, 0 if the user had chosen, -1 if setenv() failed. */
int pinning_default_env(void);

#endif
