/* sweep: measures one kernel over sizes x variants x threads x schedules x chunks.
 *
 * For every size the reference variant runs first (1 thread): its checksum validates every
 * other point and its median is the denominator of each point's ratio to the reference. Above
 * a kernel's ref_max_size the reference is not run; the kernel's expected() validates instead
 * and ratio_ref is NaN. Each
 * point is set up afresh after the thread count and schedule are set, so its arrays are
 * first-touched by the threads and schedule that then compute on them. In a weak sweep
 * (plan->weak) the point at t threads runs t times the size, with its own reference run.
 * Across R MPI ranks (plan->ranks > 1) a kernel with setup_part is split: each rank sets up its
 * part of the point's size (ranks_split, in units of the scheduled loop's iterations), the
 * checksums of the parts are summed (ranks_combine_sum) and a sample lasts as long as the
 * slowest rank (measure.h); in a weak sweep the size is also multiplied by R. A kernel without
 * setup_part runs its whole problem on every rank (weak sweeps only: the sweep commands refuse
 * the rest); its point's size is then one rank's, and its work, R times one rank's.
 * Errors: sweep_run returns 0, or -1 with a message in err (a kernel's setup or run failed, or
 * memory ran out).
 * Thread-safety: one sweep at a time per process (it sets the OpenMP ICVs).
 */
#ifndef OMPSWEEP_SWEEP_H
#define OMPSWEEP_SWEEP_H

#include "engine/stats.h"
#include "format/units.h"
#include "kernel.h"

#include <omp.h>
#include <stdio.h>

struct ceilings;    /* engine/ceilings.h: carried for the writers, unused by the sweep */
struct rank_places; /* machine/rank_places.h */

enum sweep_schedule { SCHED_STATIC, SCHED_DYNAMIC, SCHED_GUIDED };

struct sweep_plan {
    const struct kernel *kernel;
    const struct kernel_variant **variants; /* the reference is always measured too */
    size_t nvariants;
    long long *threads;
    size_t nthreads;
    enum sweep_schedule *schedules;
    size_t nschedules;
    struct chunk_spec *chunks; /* NULL: the OpenMP default chunk */
    size_t nchunks;
    long long *sizes;
    size_t nsizes;
    double params[KERNEL_MAX_PARAMS];
    int samples;
    double min_time;
    unsigned long long seed;
    int cpus;       /* CPUs this process may run on (for the oversubscription flag) */
    FILE *progress; /* NULL: silent */
    const struct ceilings *ceilings; /* NULL: no roofline fractions */
    const char *study; /* "run" (NULL), "weak", "cachemap", "chunkmap": recorded in the results */
    int weak;          /* weak scaling: a point at t threads runs size x t (Gustafson)          */
    /* MPI (drivers/machine/ranks.h): the processes the work is spread over (0 or 1: this one
     * alone), and where they are (NULL: oversubscription is judged against cpus alone). */
    int ranks;
    const struct rank_places *places;
};

struct sweep_point {
    const struct kernel_variant *variant;
    int threads;
    int schedule;    /* enum sweep_schedule, or -1 where the variant takes none */
    int chunk_index; /* index into plan->chunks, or -1 (default / not chunked)  */
    long long chunk_iterations, chunk_items; /* 0 = OpenMP's default             */
    double chunk_bytes;
    long long size;
    long long base_size; /* the --size the point came from: size / threads in a weak sweep */
    struct kernel_work work;
    struct stats st;
    double *times; /* st.n samples, seconds per run                           */
    long reps;
    double items_per_s, gbytes_per_s, gflops;
    double speedup, efficiency, ratio_ref; /* NaN where no baseline was measured; in a weak
                                              sweep speedup is the scaled speedup
                                              t x T(1, n) / T(t, t n)                       */
    double checksum, ref_checksum;         /* ref_checksum from the kernel's expected() where the
                                              reference was not run at this size               */
    double rel_error;                      /* |checksum - ref_checksum| / |ref_checksum|         */
    long long total_threads;               /* threads x inner threads for a nested variant       */
    int validated, oversubscribed;
    int ranks;                 /* MPI processes that ran the point (1: this one alone)       */
    int *cpus;                 /* the CPU each thread ran on, `threads` of them           */
    long long huge_page_bytes; /* anonymous memory on huge pages after setup, -1 unknown */
};

struct sweep_result {
    struct sweep_point *points;
    size_t npoints;
};

const char *sweep_schedule_name(int schedule);
int sweep_parse_schedule(const char *name); /* -1 if unknown */
omp_sched_t sweep_omp_kind(int schedule);   /* the OpenMP kind of an enum sweep_schedule */

/* The default thread list: every count up to cpus on small machines (<= 8), powers of two
 * above, and cpus itself. *out is allocated (free it); returns 0 or ENOMEM. */
int sweep_default_threads(int cpus, long long **out, size_t *n);

/* Whether the plan's points are split across ranks (more than one, and setup_part). */
int sweep_splits(const struct sweep_plan *plan);

/* Whether the reference variant is run at this size (see kernel.ref_max_size). */
int sweep_ref_runs(const struct kernel *k, long long size);

int sweep_run(const struct sweep_plan *plan, struct sweep_result *res, char *err, size_t errlen);
void sweep_result_free(struct sweep_result *res);

#endif
