/* affinity: where the threads of each rank run, and which of them compete for a core
 * (`ompsweep info --affinity`).
 *
 * A thread "runs on" the CPU it reports inside an OpenMP team of omp_get_max_threads() threads
 * (sched_getcpu); with OMP_PROC_BIND set the runtime keeps it there. Cores come from hwloc:
 * two CPUs of one core are its hardware threads (SMT), which share the core's units.
 * Thread-safety: main thread only (it opens OpenMP teams).
 */
#ifndef OMPSWEEP_AFFINITY_H
#define OMPSWEEP_AFFINITY_H

#include "machine/rank_places.h"

#include <stddef.h>
#include <stdio.h>

/* The core (hwloc logical index) of the CPU with this operating-system index, -1 unknown. */
int affinity_core_of_cpu(int cpu);

/* "cpu/core,cpu/core,..." of this process's threads at omp_get_max_threads(), into buf;
 * *threads receives the team size. */
void affinity_thread_map(char *buf, size_t len, int *threads);

/* The map of every rank and thread, then a warning line for each core that more than one
 * thread (of any rank on that host) runs on. Returns the number of such shared cores. */
int affinity_print(FILE *f, const struct rank_places *p);

#endif
