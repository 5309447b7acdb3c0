/* breakeven_write: what `ompsweep breakeven` found (engine/breakeven.h) for each kernel, as the
 * table on stdout, the CSV (format/schema.h's break-even columns) and the JSON
 * (SCHEMA_BREAKEVEN: the settings, the findings and the context). Sizes that do not exist (no
 * break-even: never; no lower end: always) are empty in CSV, null in JSON and "-" in the table.
 * Units: sizes in the kernel's --size units, times in seconds per run, bytes.
 * Errors: left in the FILE (check ferror). Thread-safety: one writer per FILE.
 */
#ifndef OMPSWEEP_BREAKEVEN_WRITE_H
#define OMPSWEEP_BREAKEVEN_WRITE_H

#include "engine/breakeven.h"
#include "machine/context.h"

#include <stddef.h>
#include <stdio.h>

/* What the search found for one kernel. */
struct breakeven_found {
    const struct kernel *kernel;
    const struct kernel_variant *variant;
    struct breakeven_result r;
    double working_set; /* bytes at the break-even size; NaN where there is none */
};

/* One run of the command: its settings and what it found for each kernel. */
struct breakeven_run {
    int threads; /* N, compared with 1 */
    double min_time;
    long long max_pairs, seed;
    const struct breakeven_found *found;
    size_t n;
};

/* The table; cpus (the CPUs this process may use) marks an oversubscribed N. */
void breakeven_write_table(FILE *f, const struct breakeven_run *run, int cpus);
/* run_id: the run's identity (context.run_id), put in every row of the CSV. */
void breakeven_write_csv(FILE *f, const struct breakeven_run *run, const char *run_id);
void breakeven_write_json(FILE *f, const struct breakeven_run *run, const struct context *ctx);

#endif
