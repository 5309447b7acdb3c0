/* sweep: measures one kernel over sizes x variants x threads x schedules x chunks.
 *
 * First every point is set up and calibrated: points that share inputs (one size and thread
 * count: every variant, schedule and chunk there) share one state, set up after the thread
 * count and the first point's schedule are set, so its arrays are first-touched by the threads
 * that then compute on them; each point then runs once (warm-up), is calibrated to a sample of
 * at least min_time (engine/measure.h), and its checksum is taken and validated. Then the
 * points are measured in interleaved rounds (engine/rounds.h): each round takes one sample of
 * every point in a fresh random order, so a disturbance of the machine spreads over all of
 * them; with a precision asked, the points whose median's interval is still wider get more
 * rounds, within max_time. States stay alive across the rounds while they fit the memory
 * budget; beyond it the points are measured in batches of states that fit (the rounds then
 * interleave within a batch only, and ratios across batches are not paired).
 *
 * For every size the reference variant is measured (1 thread): its checksum validates every
 * other point and each point's ratio to it is taken round by round (ratio_ref, with its 95 %
 * interval); the speedup is taken the same way against the 1-thread point of the same variant,
 * schedule and chunk. Above a kernel's ref_max_size the reference is not run; the kernel's
 * expected() validates instead and ratio_ref is NaN. In a weak sweep (plan->weak) the point at
 * t threads runs t times the size, with its own reference run.
 * Across R MPI ranks (plan->ranks > 1) a kernel with setup_part is split: each rank sets up its
 * part of the point's size (ranks_split, in units of the scheduled loop's iterations), the
 * checksums of the parts are summed (ranks_combine_sum) and a sample lasts as long as the
 * slowest rank (measure.h); in a weak sweep the size is also multiplied by R. A kernel without
 * setup_part runs its whole problem on every rank (weak sweeps only: the sweep commands refuse
 * the rest); its point's size is then one rank's, and its work, R times one rank's.
 * Errors: sweep_run returns 0, or -1 with a message in err (a kernel's setup or run failed, or
 * memory ran out). Thread-safety: one sweep at a time per process (it sets the OpenMP ICVs).
 */
#ifndef OMPSWEEP_SWEEP_H
#define OMPSWEEP_SWEEP_H

#include "engine/disturbance.h"
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
    int samples;             /* rounds every point gets (kept ones), >= 1                      */
    double min_time;         /* seconds one sample lasts at least                              */
    double precision;        /* relative half-width of the median's interval to reach; 0: none */
    double max_time;         /* seconds the rounds beyond the first `samples` may take         */
    double memory_budget;    /* bytes of states kept alive at once (0: no limit)               */
    int max_repeats;         /* disturbed rounds measured again, at most                       */
    unsigned long long seed; /* of the inputs and of the rounds' orders                     */
    int cpus;                /* CPUs this process may run on (for the oversubscription flag) */
    FILE *progress;          /* NULL: silent */
    const struct ceilings *ceilings; /* NULL: no roofline fractions */
    const char *study; /* "run" (NULL), "weak", "cachemap", "chunkmap": recorded in the results */
    int weak;          /* weak scaling: a point at t threads runs size x t (Gustafson)          */
    /* MPI (machine/ranks.h): the processes the work is spread over (0 or 1: this one alone),
     * and where they are (NULL: oversubscription is judged against cpus alone). */
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
    struct stats st; /* over the samples of the kept rounds                       */
    /* Every sample, kept or not, in the order taken: seconds per run, the round (an index
     * into sweep_result.rounds) and when it began (seconds since the sweep's start). */
    double *times, *starts;
    int *rounds;
    size_t ntimes;
    long reps;    /* runs timed as one sample                                  */
    int unstable; /* its interval never came within the precision asked          */
    double items_per_s, gbytes_per_s, gflops;
    /* Ratios from the rounds in which both points ran (paired), with their 95 % intervals;
     * NaN where no baseline was measured. In a weak sweep speedup is the scaled speedup
     * t x T(1, n) / T(t, t n). Across batches (paired = 0) the ratio of the medians, with
     * the interval of the ratio of the medians' intervals. */
    double speedup, speedup_low, speedup_high;
    double efficiency, efficiency_low, efficiency_high;
    double ratio_ref, ratio_ref_low, ratio_ref_high;
    /* The fastest point (least median) of the same variant, size and thread count, over the
     * schedules and chunks measured, against this one: its time / this point's, paired; 1 for
     * that point itself. An interval holding 1: the measurement cannot tell the two apart. */
    double ratio_best, ratio_best_low, ratio_best_high;
    int paired;
    double checksum, ref_checksum; /* ref_checksum from the kernel's expected() where the
                                      reference was not run at this size               */
    double rel_error;              /* |checksum - ref_checksum| / |ref_checksum|         */
    long long total_threads;       /* threads x inner threads for a nested variant       */
    int validated, oversubscribed;
    int ranks;                 /* MPI processes that ran the point (1: this one alone)       */
    int *cpus;                 /* the CPU each thread ran on, `threads` of them           */
    long long huge_page_bytes; /* anonymous memory on huge pages after setup, -1 unknown */
};

/* One round of measurements (engine/rounds.h), across the sweep's batches. */
struct sweep_round {
    int batch;    /* the batch of states it measured                                 */
    int kept;     /* 0: disturbed, measured again, its samples unused                */
    double start; /* seconds since the sweep's start                                 */
    struct disturbance evidence;
    int *order; /* the points visited (indices into sweep_result.points), in order */
    size_t npoints;
};

struct sweep_result {
    struct sweep_point *points;
    size_t npoints;
    struct sweep_round *rounds;
    size_t nrounds;
    size_t repeated;      /* rounds not kept                                         */
    int batches;          /* 1 when every state fitted the memory budget at once     */
    double extra_seconds; /* what the rounds for precision took, over the batches   */
};

/* What one point is: everything but its measurement. */
struct sweep_spec {
    const struct kernel_variant *variant;
    int threads, schedule, chunk_index; /* as in struct sweep_point */
    long long size, base_size;
};

/* The points of the plan, in order: for each size the reference, then every variant at every
 * thread count, schedule and chunk (in a weak sweep: for each thread count, the reference at
 * t x size, then the variants at t threads). *specs is malloc'ed; returns how many, or 0 when
 * out of memory. */
size_t sweep_specs(const struct sweep_plan *plan, struct sweep_spec **specs);

/* For each spec, the index of its reference point (the reference at the same size), -1 where
 * there is none (above ref_max_size) or for the reference itself; and of the 1-thread point of
 * the same variant, --size, schedule and chunk (its speedup's baseline, the point itself at 1
 * thread), -1 where there is none. */
void sweep_baselines(const struct sweep_plan *plan, const struct sweep_spec *specs, size_t n,
                     int *ref_of, int *one_of);

/* A chunk as asked, in iterations of the scheduled loop (w: this rank's part of the point):
 * "all" is one chunk per thread; a chunk beyond the loop is the whole loop; 0 for OpenMP's
 * default (no chunk given). */
long long sweep_chunk_iterations(const struct chunk_spec *c, const struct kernel_work *w,
                                 int threads);

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

/* Frees what sweep_run (engine/sweep_run.h) allocated in res. */
void sweep_result_free(struct sweep_result *res);

#endif
