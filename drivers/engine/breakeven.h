/* breakeven: the smallest problem size at which N threads beat serial code.
 *
 * The search (breakeven_search) is pure: it sees the kernel only through a measurement
 * callback asked for "1 thread" (the baseline) or N threads, so it is tested against synthetic
 * cost models whose break-even is known (tests/test_breakeven.c). breakeven_kernel_measure is
 * that callback for a registered kernel: its baseline is the kernel's serial reference, the
 * code a user who does not parallelise runs, with no parallel region; comparing N threads with
 * the parallel code at 1 thread instead would charge both sides the region's cost and find N
 * threads "always faster" where the serial loop still wins.
 *
 * How it is not fooled by noise (docs/overhead.md says more):
 *   - Paired, interleaved samples. At a candidate size the search takes samples in pairs, one
 *     at 1 thread and one at N, alternating the order within pairs (1,N), (N,1), (1,N), ... so
 *     a slow drift of the host's speed hits both sides alike and cancels from the ratios.
 *   - A distribution-free decision. Each pair gives a ratio t1/tN; an exact two-sided sign test
 *     on those ratios decides "N faster" or "N slower" at 95 % confidence. It uses only the
 *     signs, so an outlier (a preempted sample, a page fault storm) counts as one vote, not as
 *     a huge number that drags a mean.
 *   - Sequential sampling with a budget. The test looks at 8 pairs, then 16, 32, ... up to
 *     max_pairs; the 5 % error is split over the looks (Bonferroni), so peeking does not
 *     inflate it. A size still undecided at max_pairs is a tie: speedup ~1 within the noise.
 *   - A bracket, not a point. Sizes decided "slower" move the lower end up, "faster" the upper
 *     end down; ties stay inside [lower, upper] and the search bisects (geometrically) the
 *     widest gap between neighbouring measured sizes until every gap is within `precision`.
 *     The true break-even then lies in [lower, upper] unless a decision was wrong, and the
 *     decisions near it are the ones the budget makes most careful.
 *   - Verdicts with significance only: "always" when the smallest size was shown faster,
 *     "never" when the largest was shown slower; a largest size left tied is "undecided".
 * The search first grows the size geometrically from min_size (cheap sizes first, and the
 * break-even of most kernels is small), then bisects the last step.
 *
 * Units: sizes in the kernel's --size units, times in seconds per run.
 * Errors: a callback's nonzero return is passed through (nothing else fails).
 * Thread-safety: the search is reentrant; breakeven_kernel_measure sets the OpenMP ICVs, so
 * one kernel measurement at a time per process.
 */
#ifndef OMPSWEEP_BREAKEVEN_H
#define OMPSWEEP_BREAKEVEN_H

#include "kernel.h"

#include <stddef.h>
#include <stdint.h>

/* n samples at `size` with `threads` threads into times[] (seconds per run); 0 on success. */
typedef int (*breakeven_measure_fn)(void *ctx, long long size, int threads, double *times, int n);

enum breakeven_verdict { BREAKEVEN_SLOWER = -1, BREAKEVEN_TIE = 0, BREAKEVEN_FASTER = 1 };
enum breakeven_status { BREAKEVEN_FOUND, BREAKEVEN_ALWAYS, BREAKEVEN_NEVER, BREAKEVEN_UNDECIDED };

/* One measured size, as the search saw it. */
struct breakeven_step {
    long long size;
    int verdict;    /* enum breakeven_verdict: N threads vs 1 */
    int pairs;      /* paired samples taken */
    int wins;       /* pairs in which N threads were faster */
    double t1, tn;  /* median seconds per run at 1 and at N threads */
    double speedup; /* median of the pairs' t1 / tN */
};

struct breakeven_settings {
    long long min_size, max_size;
    int threads;      /* N, >= 2 */
    int min_pairs;    /* pairs at the first look (0: 8) */
    int max_pairs;    /* pairs at the last look (0: 48) */
    double precision; /* stop when neighbouring sizes are within this ratio (0: 1.1) */
    double growth;    /* factor of the upward search (0: 4) */
    int max_steps;    /* sizes measured at most (0: 40) */
    double max_run_s; /* stop growing once one 1-thread run takes longer (0: no limit) */
    /* Called after each measured size (may be NULL). */
    void (*on_step)(void *ctx, const struct breakeven_step *step);
    void *on_step_ctx;
};

struct breakeven_result {
    enum breakeven_status status;
    long long breakeven_size;       /* smallest size shown faster; -1 for never and
                                       undecided                                     */
    long long lower_size;           /* largest size shown slower below it (min_size if none:
                                       ties down to there); for never and undecided the
                                       largest measured; -1 for always               */
    long long upper_size;           /* = breakeven_size                              */
    long long searched_max;         /* the largest size measured                     */
    double time_1, time_n, speedup; /* at breakeven_size; NaN for never and undecided */
    int measurements;               /* timed samples, both thread counts             */
    int steps, ties;                /* sizes measured; sizes left undecided          */
};

/* P(X >= k) for X ~ Binomial(n, 1/2): the one-sided sign-test p-value of k wins in n. */
double breakeven_sign_p(int wins, int n);

/* The decision at one size from paired samples (t1[i], tn[i]), i < n, at significance alpha
 * per side: FASTER when N threads won significantly many pairs, SLOWER when significantly few,
 * else TIE. Exact equalities are dropped, as the sign test does. */
int breakeven_decide(const double *t1, const double *tn, int n, double alpha);

/* The search. Returns 0 with *r filled, or the callback's error code. */
int breakeven_search(const struct breakeven_settings *s, breakeven_measure_fn measure, void *ctx,
                     struct breakeven_result *r);

/* "found", "always", "never" (shown slower at the largest size), "undecided" (never shown
 * faster, but not shown slower at the largest size either: a tie within the noise). */
const char *breakeven_status_name(int status);

/* ---- a registered kernel as the measurement ------------------------------------------- */

/* The "1 thread" side is the kernel's serial reference (the code a user who does not
 * parallelise runs: no parallel region at all), the N side the parallel variant at N threads.
 * One state per side, each set up (first-touched) under its own thread count and static
 * schedule, kept while the size stays the same. Each sample: one warm-up run (wakes the
 * thread pool the other side left idle), then reps runs timed as one; reps is calibrated once
 * per size and side so a sample lasts min_time. At every size change the two sides' checksums
 * are compared (the kernel's tolerance; 0 = same bits). */
struct breakeven_kernel {
    const struct kernel *kernel;
    const struct kernel_variant *variant; /* a parallel variant, at N threads    */
    const struct kernel_variant *serial;  /* the reference, at 1 thread          */
    double params[KERNEL_MAX_PARAMS];
    uint64_t seed;
    double min_time;
    int threads; /* N */
    /* private to breakeven_kernel_measure */
    long long size;
    void *state[2];
    long reps[2];
    int checked;
    char err[256]; /* the message of the last failure */
};

/* Initialise with kernel, variant, params (defaults if NULL), seed, min_time and threads. */
void breakeven_kernel_init(struct breakeven_kernel *bk, const struct kernel *k,
                           const struct kernel_variant *v, const double *params, uint64_t seed,
                           double min_time, int threads);
int breakeven_kernel_measure(void *ctx, long long size, int threads, double *times, int n);
/* Compares the last size's checksums and frees the states: 0, or -1 with bk->err set. */
int breakeven_kernel_finish(struct breakeven_kernel *bk);

/* The default parallel variant: the first one that is neither serial, a library nor nested;
 * NULL if there is none. */
const struct kernel_variant *breakeven_default_variant(const struct kernel *k);

/* The largest size whose two states fit in `bytes` (by the kernel's working set), within the
 * kernel's range; at least min_size. */
long long breakeven_size_cap(const struct kernel *k, const double *params, double bytes);

#endif
