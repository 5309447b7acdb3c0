/* chunkmap: what `ompsweep chunkmap` measures by default and what it reads from the points:
 * the kernel's chunked variant (its scheduled loop honours --schedule and --chunk), and at each
 * thread count the fastest and the slowest of the chunks measured.
 * Errors: as each function says. Thread-safety: pure functions.
 */
#ifndef OMPSWEEP_CHUNKMAP_H
#define OMPSWEEP_CHUNKMAP_H

#include "engine/sweep.h"
#include "kernel.h"

/* The first variant flagged VARIANT_CHUNKED (not the reference), or NULL if there is none. */
const struct kernel_variant *chunkmap_variant(const struct kernel *k);

/* Among the points of res at `threads` threads that have a chunk, the one with the lowest and
 * the one with the highest median time: 0, or -1 when there is no such point. */
int chunkmap_best(const struct sweep_result *res, int threads, const struct sweep_point **best,
                  const struct sweep_point **worst);

#endif
