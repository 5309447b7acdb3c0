/* overhead_write: what `ompsweep overhead` measured (engine/overhead.h), as the table on
 * stdout, the CSV (format/schema.h's overhead columns) and the JSON (SCHEMA_OVERHEAD: the
 * settings, the points and the context). results/README.md documents the files.
 * Units: microseconds per construct execution. Errors: left in the FILE (check ferror).
 * Thread-safety: one writer per FILE.
 */
#ifndef OMPSWEEP_OVERHEAD_WRITE_H
#define OMPSWEEP_OVERHEAD_WRITE_H

#include "engine/overhead.h"
#include "machine/context.h"

#include <stddef.h>
#include <stdio.h>

/* One run of the command: its settings and its points in measurement order. */
struct overhead_run {
    const struct overhead_settings *settings;
    double delay_us;    /* the delay asked for                             */
    double ns_per_step; /* what one step of overhead_delay() measured      */
    const struct overhead_point *points;
    size_t n;
};

/* The table: one line per point with its 95 % interval, '*' oversubscribed, '!' noisy. */
void overhead_write_table(FILE *f, const struct overhead_run *run);
/* run_id: the run's identity (context.run_id), put in every row of the CSV. */
void overhead_write_csv(FILE *f, const struct overhead_run *run, const char *run_id);
void overhead_write_json(FILE *f, const struct overhead_run *run, const struct context *ctx);

#endif
