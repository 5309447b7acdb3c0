/* reduce: deterministic summation.
 *
 * Kernels sum in fixed blocks whose boundaries depend only on the problem size (never on the
 * thread count or the schedule), store one partial sum per block, and combine the partials
 * with reduce_pairwise, whose order is fixed. The same input then gives the same bits at any
 * thread count and chunk size, and the rounding error grows with log2 of the block count.
 * Thread-safety: pure functions on caller-owned arrays.
 */
#ifndef OMPSWEEP_REDUCE_H
#define OMPSWEEP_REDUCE_H

#include <stddef.h>

/* Elements per reduction block: 8 KiB of doubles, small enough to stay in L1. */
enum { REDUCE_BLOCK = 1024 };

/* Number of blocks of `block` elements covering n elements (the last may be short). */
static inline size_t reduce_block_count(size_t n, size_t block) {
    return (n + block - 1) / block;
}

/* Pairwise (recursive halving) sum of v[0..n-1]; 0 for n = 0. */
double reduce_pairwise(const double *v, size_t n);

/* Sum of v[0..n-1] with the fixed blocking above: block partials computed in parallel (any
 * schedule), then combined pairwise. scratch holds reduce_block_count(n, REDUCE_BLOCK) doubles. */
double reduce_blocked_sum(const double *v, size_t n, double *scratch);

/* Compensated (Neumaier) running sum, for serial references that must be accurate. */
struct reduce_kahan {
    double sum, compensation;
};
static inline void reduce_kahan_add(struct reduce_kahan *k, double x) {
    double t = k->sum + x;
    if (__builtin_fabs(k->sum) >= __builtin_fabs(x))
        k->compensation += (k->sum - t) + x;
    else
        k->compensation += (x - t) + k->sum;
    k->sum = t;
}
static inline double reduce_kahan_value(const struct reduce_kahan *k) {
    return k->sum + k->compensation;
}

#endif
