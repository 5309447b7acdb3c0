/* sweep_plan: the options of the sweep commands (run, cachemap, chunkmap) and the engine's plan
 * they resolve into: every list parsed and checked against the kernel (variants, thread
 * counts, schedules, chunks, sizes and parameters, including the kernel's own constraints)
 * before anything is measured.
 * Errors: the functions return 0 or EXIT_USAGE after a message naming the option.
 * Thread-safety: one command per process.
 */
#ifndef OMPSWEEP_SWEEP_PLAN_H
#define OMPSWEEP_SWEEP_PLAN_H

#include "app/options.h"
#include "engine/sweep.h"

enum { RUN_MAX_DEFAULTS = 6 };

/* The options as given (NULL or 0: not given). */
struct run_args {
    struct common_options common;  /* --threads ... --quiet (app/options.h)               */
    const char *variants;          /* --variant LIST                                      */
    const char *ceilings;          /* --ceilings FILE                                     */
    double precision;              /* --precision: of each point's median                 */
    double max_time;               /* --max-time: seconds of rounds for precision         */
    long long memory_budget;       /* --memory: bytes of states alive at once (0: 1/4 of memory) */
    int weak;                      /* run --weak                                          */
    long long ws_from, ws_to;      /* cachemap --from, --to: working sets in bytes        */
    int per_octave;                /* cachemap --per-octave: sizes per doubling           */
    char *owned[RUN_MAX_DEFAULTS]; /* option strings a mode generated (freed at the end)  */
    int nowned;
};

/* Resolves a into plan (kernel, variants, threads, schedules, chunks, sizes, parameters, and
 * samples, min_time, precision, max_time, max_repeats, seed, cpus, progress); what a gives no
 * value for takes the defaults: every variant, threads 1 to cpus (sweep_default_threads),
 * static, OpenMP's chunk, the kernel's default size and parameters. The caller fills in study,
 * weak, ceilings, memory_budget, ranks and places. */
int sweep_plan_build(const char *command, const struct kernel *k, const struct run_args *a,
                     int cpus, struct sweep_plan *plan);

/* Frees what sweep_plan_build allocated. */
void sweep_plan_free(struct sweep_plan *plan);

/* Drops values listed twice in --variant, --threads, --schedule, --chunk and --size, with a note
 * on stderr (app/commands.h); call once on the final plan. */
void sweep_plan_drop_repeats(const char *command, struct sweep_plan *plan);

/* Linux overcommits: a working set beyond memory would be killed mid-run, so a size whose
 * working set (at the largest thread count, in a weak sweep) exceeds 80 % of memory_bytes is
 * refused up front. */
int sweep_plan_check_memory(const char *command, const struct sweep_plan *plan,
                            long long memory_bytes);

/* Across ranks a kernel without setup_part can only run whole on every rank (--weak), and a
 * split needs at least one loop iteration per rank. */
int sweep_plan_check_ranks(const char *command, const struct kernel *k,
                           const struct sweep_plan *plan);

#endif
