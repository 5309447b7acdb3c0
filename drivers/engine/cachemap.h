/* cachemap: the working-set ladder of `ompsweep cachemap` and the knees found in its points.
 *
 * The ladder is geometric (per_octave sizes per doubling of the working set) from well inside
 * L1 to beyond the last-level cache; each target working set is turned into the kernel's
 * --size through its work() description. The capacity of a cache level for t threads pinned
 * one per core is its size times the instances those cores use (t private L2s hold t times
 * one L2). Knees come from drivers/engine/knee.h, one curve per variant and thread count.
 * Errors: cachemap_defaults returns 0 or EXIT_USAGE after a message. Thread-safety: pure
 * except for the messages.
 */
#ifndef OMPSWEEP_CACHEMAP_H
#define OMPSWEEP_CACHEMAP_H

#include "app/sweep_command.h"
#include "machine/context.h"

/* Fills --variant, --threads and --size when the user left them out. */
int cachemap_defaults(const struct kernel *k, const struct context *ctx,
                      const struct sweep_plan *plan, struct run_args *a);

/* Bytes of a cache level that t threads (one per core, placed close) can use. */
double cachemap_capacity(const struct context *ctx, const struct cache_level *c, int threads);

/* The sizes whose working sets follow the geometric ladder [from, to], per_octave per doubling,
 * without repeats; *out is malloc'ed. Returns 0, or -1 (no size fits, or out of memory). */
int cachemap_ladder(const struct kernel *k, const double *params, double from, double to,
                    int per_octave, long long **out, size_t *n);

void cachemap_print_knees(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                          const struct context *ctx);
void cachemap_write_knees(struct json_writer *w, const struct sweep_plan *plan,
                          const struct sweep_result *res, const struct context *ctx);

#endif
