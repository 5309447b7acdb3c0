/* sweep_run: a whole sweep (engine/sweep.h describes it): the points planned, their states
 * set up in batches that fit the memory budget, each batch measured in interleaved rounds
 * (engine/rounds.h), then every point's statistics and its ratios to its baselines, paired
 * round by round.
 * Errors: 0, or -1 with a message in err; res holds what was measured until then (free it with
 * sweep_result_free either way). Thread-safety: one sweep at a time per process.
 */
#ifndef OMPSWEEP_SWEEP_RUN_H
#define OMPSWEEP_SWEEP_RUN_H

#include "engine/sweep.h"

#include <stddef.h>

int sweep_run(const struct sweep_plan *plan, struct sweep_result *res, char *err, size_t errlen);

#endif
