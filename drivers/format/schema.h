/* schema: the names that make ompsweep's result files readable by the report and by anyone
 * else: the "schema" value of each kind of JSON file and the columns of each kind of CSV, in
 * order. The writers (output/, realdata/) and the report (report/) both take them from here,
 * so the two cannot drift apart; results/README.md documents every column and key. A schema's
 * number changes when a reader of the old one would misread the new one.
 * Thread-safety: constant data.
 */
#ifndef OMPSWEEP_SCHEMA_H
#define OMPSWEEP_SCHEMA_H

#define SCHEMA_RUN         "ompsweep-run-2"       /* a sweep: run, cachemap, chunkmap, weak */
#define SCHEMA_RUN_1       "ompsweep-run-1"       /* the same, before interleaved rounds    */
#define SCHEMA_OVERHEAD    "ompsweep-overhead-1"  /* ompsweep overhead                     */
#define SCHEMA_BREAKEVEN   "ompsweep-breakeven-2" /* ompsweep breakeven                    */
#define SCHEMA_BREAKEVEN_1 "ompsweep-breakeven-1" /* the same, against 1 thread, not serial */
#define SCHEMA_CEILINGS    "ompsweep-ceilings-1"  /* ompsweep ceilings                     */

/* Every CSV of a CSV/JSON pair ends with the column run_id: in each row, the id its JSON
 * holds in context.run_id. Files written before it lack the column (and the key). */
#define SCHEMA_RUN_ID "run_id"

/* The most threads any command runs (--threads accepts 1 to this): a result file with more
 * was not written by ompsweep. */
#define SCHEMA_MAX_THREADS 4096

/* A sweep's CSV: one row per measured point. */
enum sweep_column {
    COL_SWEEP_KERNEL,
    COL_SWEEP_VARIANT,
    COL_SWEEP_THREADS,
    COL_SWEEP_SCHEDULE,
    COL_SWEEP_CHUNK_ITEMS,
    COL_SWEEP_CHUNK_BYTES,
    COL_SWEEP_SIZE,
    COL_SWEEP_WORKING_SET_BYTES,
    COL_SWEEP_SAMPLES,
    COL_SWEEP_MEDIAN_S,
    COL_SWEEP_MIN_S,
    COL_SWEEP_MAX_S,
    COL_SWEEP_MEAN_S,
    COL_SWEEP_SD_S,
    COL_SWEEP_CV,
    COL_SWEEP_ITEMS_PER_S,
    COL_SWEEP_GBYTES_PER_S,
    COL_SWEEP_GFLOPS,
    COL_SWEEP_SPEEDUP,
    COL_SWEEP_EFFICIENCY,
    COL_SWEEP_CHECKSUM,
    COL_SWEEP_VALIDATED,
    COL_SWEEP_OVERSUBSCRIBED,
    COL_SWEEP_RATIO_REF,
    COL_SWEEP_REPS,
    COL_SWEEP_OUTLIERS,
    COL_SWEEP_PARAMS,
    COL_SWEEP_REL_ERROR,
    COL_SWEEP_FLOPS_PER_BYTE,
    COL_SWEEP_TOTAL_THREADS,
    COL_SWEEP_FRAC_PEAK_FLOPS,
    COL_SWEEP_FRAC_TRIAD_BW,
    COL_SWEEP_FRAC_READ_BW,
    COL_SWEEP_CHUNK,
    COL_SWEEP_STUDY,
    COL_SWEEP_RANKS,
    COL_SWEEP_THREADS_PER_RANK,
    COL_SWEEP_MEDIAN_CI_LOW_S, /* the median's 95 % interval (engine/stats.h)          */
    COL_SWEEP_MEDIAN_CI_HIGH_S,
    COL_SWEEP_SPEEDUP_LOW, /* the paired ratios' 95 % intervals (engine/sweep.h)    */
    COL_SWEEP_SPEEDUP_HIGH,
    COL_SWEEP_RATIO_REF_LOW,
    COL_SWEEP_RATIO_REF_HIGH,
    COL_SWEEP_UNSTABLE,       /* the interval never came within the precision asked    */
    COL_SWEEP_RATIO_BEST,     /* the fastest schedule and chunk's time / this one's */
    COL_SWEEP_RATIO_BEST_LOW, /* its 95 % interval (paired rounds)                   */
    COL_SWEEP_RATIO_BEST_HIGH,
    COL_SWEEP_RUN_ID, /* the run that wrote the file, as in its JSON (machine/run_id.h) */
    COL_SWEEP_COLUMNS
};
extern const char *const schema_sweep_columns[COL_SWEEP_COLUMNS];

/* `ompsweep overhead`'s CSV: one row per construct (and schedule, chunk) and thread count. */
enum overhead_column {
    COL_OVERHEAD_CONSTRUCT,
    COL_OVERHEAD_SCHEDULE,
    COL_OVERHEAD_CHUNK,
    COL_OVERHEAD_THREADS,
    COL_OVERHEAD_OVERSUBSCRIBED,
    COL_OVERHEAD_TEST_US,
    COL_OVERHEAD_REF_US,
    COL_OVERHEAD_OVERHEAD_US,
    COL_OVERHEAD_CI95_LOW_US,
    COL_OVERHEAD_CI95_HIGH_US,
    COL_OVERHEAD_SAMPLES,
    COL_OVERHEAD_RUN_ID,
    COL_OVERHEAD_COLUMNS
};
extern const char *const schema_overhead_columns[COL_OVERHEAD_COLUMNS];

/* `ompsweep breakeven`'s CSV: one row per kernel. */
enum breakeven_column {
    COL_BREAKEVEN_KERNEL,
    COL_BREAKEVEN_VARIANT,
    COL_BREAKEVEN_THREADS,
    COL_BREAKEVEN_STATUS,
    COL_BREAKEVEN_SIZE,
    COL_BREAKEVEN_WORKING_SET_BYTES,
    COL_BREAKEVEN_LOWER_SIZE,
    COL_BREAKEVEN_UPPER_SIZE,
    COL_BREAKEVEN_TIME_1THREAD_S,
    COL_BREAKEVEN_TIME_NTHREADS_S,
    COL_BREAKEVEN_SPEEDUP,
    COL_BREAKEVEN_MEASUREMENTS,
    COL_BREAKEVEN_BASELINE, /* the variant time_1thread_s is of: the serial reference */
    COL_BREAKEVEN_RUN_ID,
    COL_BREAKEVEN_COLUMNS
};
extern const char *const schema_breakeven_columns[COL_BREAKEVEN_COLUMNS];

/* `ompsweep ae`'s CSV: one row per hit, every feature with its unit in its name. */
enum { COL_AE_COLUMNS = 18 };
extern const char *const schema_ae_columns[COL_AE_COLUMNS];

#endif
