/* results: a sweep's points as long-format CSV (one row per point) and as JSON (the points,
 * each with its samples and thread placement, plus the run's context). results/README.md
 * documents both schemas. Values that were not measured (a speedup without a 1-thread point)
 * are empty in CSV and null in JSON. Errors: the FILE's error flag; check ferror().
 * Thread-safety: one writer per FILE.
 */
#ifndef OMPSWEEP_RESULTS_H
#define OMPSWEEP_RESULTS_H

#include "engine/sweep.h"
#include "format/json.h"
#include "machine/context.h"

#include <stdio.h>

/* run_id: the run's identity (context.run_id), put in every row; "" leaves it empty. */
void results_write_csv(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                       const char *run_id);
/* extra (may be NULL) adds members to the top-level object after the points. */
void results_write_json(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                        const struct context *ctx,
                        void (*extra)(struct json_writer *w, const void *arg),
                        const void *extra_arg);

/* A point as fractions of the machine's ceilings: frac[0] of peak FLOP/s, frac[1] of STREAM
 * triad bandwidth, frac[2] of read bandwidth; NaN without ceilings. */
void results_roofline(const struct sweep_plan *plan, const struct sweep_point *p, double frac[3]);

/* "splines=50;grid=50;degree=1" ("" for a kernel without parameters). */
void results_format_params(const struct sweep_plan *plan, char *buf, size_t len);

#endif
