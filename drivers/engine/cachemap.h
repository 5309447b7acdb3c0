/* cachemap: the working-set ladder of `ompsweep cachemap` and the knees found in its points.
 *
 * The ladder is geometric (per_octave sizes per doubling of the working set) from well inside
 * L1 to beyond the last-level cache; each target working set is turned into the kernel's
 * --size through its work() description. The capacity of a cache level for t threads pinned
 * one per core is its size times the instances those cores use (t private L2s hold t times
 * one L2). Knees come from engine/knee.h, one curve per variant and thread count.
 * Units: bytes; throughput in GB/s. Errors: as each function says.
 * Thread-safety: pure functions.
 */
#ifndef OMPSWEEP_CACHEMAP_H
#define OMPSWEEP_CACHEMAP_H

#include "engine/knee.h"
#include "engine/sweep.h"
#include "machine/context.h"

/* Bytes of a cache level that t threads (one per core, placed close) can use. */
double cachemap_capacity(const struct context *ctx, const struct cache_level *c, int threads);

/* The sizes whose working sets follow the geometric ladder [from, to], per_octave per doubling,
 * without repeats; *out is malloc'ed. Returns 0, or -1 (no size fits, or out of memory). */
int cachemap_ladder(const struct kernel *k, const double *params, double from, double to,
                    int per_octave, long long **out, size_t *n);

/* The default ladder's ends: from 1/8 of L1 (4 KiB without a known L1) to 4x every instance of
 * the last-level cache together, at least 256 MiB, at most 1/4 of memory. */
void cachemap_default_range(const struct context *ctx, double *from, double *to);

/* The variant a cache map measures by default: the first OpenMP variant that is neither a
 * library, nested nor serial (the one caches show in); the reference if there is none. */
const struct kernel_variant *cachemap_variant(const struct kernel *k);

/* One knee: where a curve (a variant at a thread count) falls off a cache level. */
struct cachemap_knee {
    const struct kernel_variant *variant;
    int threads, level;
    double reported; /* the level's size as the context has it (one instance) */
    struct knee k;
};

/* The knees of every curve of res, the reference's included (its serial loop pays no OpenMP
 * overhead, so at small working sets it shows the L1 plateau that a parallel region's cost can
 * hide), at each cache level larger than the one below it. *rows is malloc'ed (free it);
 * returns how many, 0 without cache levels, enough points or memory. */
size_t cachemap_knees(const struct sweep_result *res, const struct context *ctx,
                      struct cachemap_knee **rows);

#endif
