/* report_caches: what a run's caches mean for a team of threads, from the context's topology
 * (hwloc's sizes per instance, CPUs sharing an instance, instances in the machine).
 *
 * Threads are taken to be one per core (ompsweep pins OMP_PLACES=cores), so T threads use
 * min(T, instances) instances of a per-core cache and ceil(T / cores per instance) of a shared
 * one. Units: bytes. Thread-safety: pure functions.
 */
#ifndef OMPSWEEP_REPORT_CACHES_H
#define OMPSWEEP_REPORT_CACHES_H

#include "report/report.h"

/* "L1d", "L2", "L3" (an instruction cache is never listed by the context). */
const char *cache_name(const struct report_cache *c, char *buf, size_t len);

/* Cores sharing one instance (1 for a per-core cache). */
int cache_cores_per_instance(const struct report_context *ctx, const struct report_cache *c);

/* Bytes of this level that one of T threads may count on: the instance divided among the
 * threads that share it. */
double cache_share_per_thread(const struct report_context *ctx, const struct report_cache *c,
                              int threads);

/* Bytes of this level that T threads have together. */
double cache_capacity(const struct report_context *ctx, const struct report_cache *c, int threads);

/* "L2 2 MiB per core" or "L3 480 MiB shared by 2 cores" (x instances when > 1). */
void cache_describe(const struct report_context *ctx, const struct report_cache *c, char *buf,
                    size_t len);

#endif
