#include "reduce.h"

enum { PAIRWISE_LEAF = 8 };

double reduce_pairwise(const double *v, size_t n) {
    if (n <= PAIRWISE_LEAF) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += v[i];
        return s;
    }
    size_t half = n / 2;
    return reduce_pairwise(v, half) + reduce_pairwise(v + half, n - half);
}

/* One block's sum. The simd reduction's lane order is fixed by the compiled code, so it is the
 * same for every block and every thread count. */
static double block_sum(const double *v, size_t n) {
    double s = 0.0;
#pragma omp simd reduction(+ : s)
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s;
}

double reduce_blocked_sum(const double *v, size_t n, double *scratch) {
    size_t nblocks = reduce_block_count(n, REDUCE_BLOCK);
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < nblocks; b++) {
        size_t lo = b * REDUCE_BLOCK;
        size_t len = n - lo < REDUCE_BLOCK ? n - lo : REDUCE_BLOCK;
        scratch[b] = block_sum(v + lo, len);
    }
    return reduce_pairwise(scratch, nblocks);
}
