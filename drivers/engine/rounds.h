/* rounds: measuring many points in interleaved rounds, so that a disturbance of the machine
 * spreads over every point instead of sinking the one being measured.
 *
 * Each round visits every active point once, in a fresh random order (a permutation drawn
 * from Philox4x32-10 keyed by the seed and counted by the round: the same seed gives the same
 * orders), and takes one sample of each (the caller's sample function: set the point up, time
 * it). A point's samples then lie seconds apart from those of every other point, and two
 * points' samples of one round form a pair whose ratio the drift of the machine cancels from.
 *
 * The first min_rounds rounds visit every point. Then, with a precision asked, a point whose
 * median's 95 % interval (engine/stats.h) is wider than precision x median on either side is
 * not settled: the next rounds visit the unsettled points and their partners (the points their
 * ratios are taken against), until all are settled or the extra rounds have used max_time
 * seconds (or max_rounds rounds are measured); a point still unsettled then is unstable.
 * Every round's disturbance evidence is recorded (engine/disturbance.h); a disturbed round is
 * not kept (its samples stay in the record, marked) and is measured again: max_repeats times
 * in any case, and beyond that, with a precision asked, while the rounds measured again have
 * taken less than max_time seconds; after that disturbed rounds are kept.
 * Across MPI ranks (machine/ranks.h) every decision is taken on values that all ranks share
 * (the slowest rank's times, the largest elapsed time, a disturbance on any rank), so every
 * rank visits the same points in the same order: the sample function may be collective.
 *
 * Units: seconds. Errors: rounds_run returns 0, or the sample function's nonzero code, or -1
 * out of memory, with a message in err. Thread-safety: one run at a time (the sample function
 * sets OpenMP's ICVs).
 */
#ifndef OMPSWEEP_ROUNDS_H
#define OMPSWEEP_ROUNDS_H

#include "engine/disturbance.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum { ROUNDS_PARTNERS = 2, ROUNDS_NONE = -1 };

struct rounds_settings {
    size_t npoints;
    int min_rounds;   /* rounds kept that every point gets, >= 1                       */
    double precision; /* relative half-width of the interval to reach; 0: none         */
    double max_time;  /* seconds the rounds beyond the first min_rounds may take       */
    int max_repeats;  /* disturbed rounds measured again in any case; beyond them, with a
                         precision, while the repeats have taken less than max_time; 0:
                         none, every round is kept                                       */
    int max_rounds;   /* rounds measured at most, repeats included; 0: no cap          */
    uint64_t seed;    /* of the orders                                                 */
    /* partners[i]: the points point i's ratios are taken against (ROUNDS_NONE: none) */
    const int (*partners)[ROUNDS_PARTNERS];
    /* One sample of point i: its time per run, in seconds, into *seconds; 0 or an error. */
    int (*sample)(void *ctx, size_t point, double *seconds);
    void *ctx;
    int probe_latency; /* probe the core-to-core latency and the CPUs' balance at each
                          round's end (engine/latency.h, engine/cpu_share.h) */
    FILE *progress;    /* a line per round; NULL: silent                      */
};

/* One point's samples, in the order taken. */
struct rounds_samples {
    double *seconds; /* per run                                            */
    int *round;      /* the round each was taken in                        */
    double *start;   /* when it began, seconds since the run's start       */
    size_t n, cap;
};

struct rounds_round {
    int index;    /* 0, 1, ... in the order measured                      */
    int kept;     /* 0: disturbed and measured again; its samples are not used */
    double start; /* seconds since the run's start                        */
    struct disturbance evidence;
    int *order; /* the points visited, in the order visited             */
    size_t npoints;
};

struct rounds_result {
    size_t npoints;
    struct rounds_samples *points; /* npoints of them                          */
    int *settled, *unstable;       /* per point: 0 or 1                        */
    struct rounds_round *rounds;
    size_t nrounds, repeated; /* rounds measured; of them, not kept       */
    double base_latency_ns;   /* median of 3 probes before the first round */
    double extra_seconds;     /* time the rounds beyond min_rounds took    */
};

int rounds_run(const struct rounds_settings *s, struct rounds_result *r, char *err, size_t errlen);
void rounds_result_free(struct rounds_result *r);

/* Whether a sample was taken in a kept round. */
int rounds_kept(const struct rounds_result *r, int round);

/* The kept samples of point i into out (room for r->points[i].n): how many. */
size_t rounds_kept_samples(const struct rounds_result *r, size_t i, double *out);

/* The ratios scale x (b's time / a's time) of the kept rounds in which both points were
 * measured, into out (room for the smaller n): how many. */
size_t rounds_paired_ratios(const struct rounds_result *r, size_t a, size_t b, double scale,
                            double *out);

/* A uniformly random permutation of 0 .. n - 1 into order, drawn by Fisher-Yates from
 * Philox4x32-10 with key seed and counter (round, i): the same arguments, the same order. */
void rounds_order(uint64_t seed, int round, int *order, size_t n);

#endif
