/* maps: what the maps found, for people and for the JSON result: the cache knees of
 * `ompsweep cachemap` (engine/cachemap.h) as a table and as the "knees" array, and the best
 * chunk at each thread count of `ompsweep chunkmap` (engine/chunkmap.h) with the smallest cache
 * level its data fits in.
 * Units: bytes in binary units (KiB), GB/s, milliseconds. Errors: left in the FILE.
 * Thread-safety: one writer per FILE.
 */
#ifndef OMPSWEEP_MAPS_H
#define OMPSWEEP_MAPS_H

#include "engine/sweep.h"
#include "format/json.h"
#include "machine/context.h"

#include <stdio.h>

/* The knees of every curve of res next to the cache sizes of ctx, with a note when one lies more
 * than 2x from its reported size. */
void maps_print_knees(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                      const struct context *ctx);

/* The same knees as "knees": [{"variant", "threads", "level", ...}] (inside an object). */
void maps_write_knees(struct json_writer *w, const struct sweep_result *res,
                      const struct context *ctx);

/* One line per thread count: the fastest schedule and chunk, how much slower the slowest chunk
 * was, and the smallest cache level the chunk's data fits in. */
void maps_print_best_chunks(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                            const struct context *ctx);

#endif
