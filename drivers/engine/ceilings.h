/* ceilings: the machine's measured limits, against which every kernel's rates are read.
 *
 * Peak double-precision FLOP/s (the peak_flops kernel: independent FMA chains on full-width
 * vectors), STREAM triad bandwidth (stream_triad) and read bandwidth (stream_read), each the
 * best over the kernel's parallel variants (e.g. ordinary and non-temporal stores) and a list
 * of thread counts, with the 1-thread value beside it. `ompsweep ceilings`
 * measures and stores them (output/ceilings_file.h); `ompsweep run --ceilings FILE` loads
 * them, adds them to the result and reports each point as a fraction of them (the roofline).
 * Units: GFLOP/s, GB/s (10^9 bytes per second). Errors: -1 with a message in err.
 * Thread-safety: ceilings_measure runs sweeps (it sets OpenMP ICVs): main thread only.
 */
#ifndef OMPSWEEP_CEILINGS_H
#define OMPSWEEP_CEILINGS_H

#include <stddef.h>
#include <stdio.h>

struct ceiling {
    double best;      /* GFLOP/s or GB/s at the best thread count                      */
    int best_threads; /* that thread count                                             */
    double one;       /* at 1 thread (the best variant there)                          */
    char variant[32]; /* the variant that reached `best` ("" if unknown)               */
};

struct ceilings {
    struct ceiling peak_gflops, triad_gbytes_per_s, read_gbytes_per_s;
    long long stream_elements; /* elements per STREAM array                         */
    char measured[32];         /* ISO 8601 date of the measurement                   */
    char host[256];
};

struct ceilings_settings {
    const long long *threads; /* thread counts to try                                  */
    size_t nthreads;
    long long stream_elements; /* elements per STREAM array                          */
    int samples;               /* rounds every point gets (engine/rounds.h)        */
    double min_time;           /* seconds one sample lasts at least                */
    double precision;          /* of each point's median, as in sweep.h            */
    double max_time;           /* seconds of rounds for precision, per ceiling     */
    double memory_budget;      /* bytes of inputs alive at once (0: no limit)      */
    int cpus;
    FILE *progress; /* NULL: silent */
};

/* STREAM's rule (each array at least 4x the last-level caches together), at least 2^23
 * elements, and at most 1/16 of memory per array and 2^32 elements. */
long long ceilings_stream_elements(long long llc_total_bytes, long long memory_bytes);

int ceilings_measure(const struct ceilings_settings *s, struct ceilings *c, char *err,
                     size_t errlen);

#endif
