/* affinity: which CPUs this process may use, and which CPU and core each OpenMP thread runs on.
 *
 * A thread "runs on" the CPU it reports inside an OpenMP team (sched_getcpu); with
 * OMP_PROC_BIND set the runtime keeps it there. Cores come from hwloc: two CPUs of one core are
 * its hardware threads (SMT), which share the core's units. CPU numbers are the operating
 * system's, core numbers hwloc's logical indices.
 * Errors: as each function says; nothing exits. Thread-safety: main thread only (the functions
 * open OpenMP teams or read the process's affinity), except affinity_pin_self, which any thread
 * calls for itself.
 */
#ifndef OMPSWEEP_AFFINITY_H
#define OMPSWEEP_AFFINITY_H

#include <stddef.h>

/* The CPUs this process may run on, in increasing order: the calling thread's affinity mask
 * joined with the processors of the OpenMP places. The places matter because libgomp pins the
 * initial thread to the first place before main() whenever OMP_PROC_BIND is set, which hides
 * the rest of the mask from sched_getaffinity(). Stores at most max ids in cpus (which may be
 * NULL when max is 0) and returns how many CPUs there are, or -1 on error. */
int affinity_allowed_cpus(int *cpus, int max);

/* Which CPU each thread of an OpenMP team of n runs on: cpus[i] for thread i, -1 for a thread
 * the runtime did not create (dynamic teams, thread limits). Returns 0, or -1 if n < 1. */
int affinity_thread_cpus(int n, int *cpus);

/* Pins the calling thread (any thread, not only the main one) to one CPU: 0 when it is then
 * running there, -1 otherwise. */
int affinity_pin_self(int cpu);

/* "cpu/core,cpu/core,..." of this process's threads at omp_get_max_threads(), into buf;
 * *threads receives the team size. */
void affinity_thread_map(char *buf, size_t len, int *threads);

#endif
