#include "dot.h"

#include "reduce.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <omp.h>

/* cblas_ddot takes an int length: longer vectors go in pieces of this many elements. */
enum { DOT_BLAS_PIECE = 1 << 30 };

static int dot_args_bad(const double *x, size_t nx, const double *y, size_t ny,
                        const double *result) {
    return !x || !y || !result || nx == 0 || nx != ny;
}

size_t dot_scratch_count(size_t n) {
    return reduce_block_count(n, REDUCE_BLOCK);
}

/* Dot2: p + e = x*y exactly (fma), s + q = s + p exactly (TwoSum); the errors e + q are summed
 * in plain double, which is accurate enough because they are tiny against s. p must be
 * rounded on its own: the build's -std=c11 keeps GCC from contracting s + x*y into an fma. */
int dot_ref(const double *x, size_t nx, const double *y, size_t ny, double *result) {
    if (dot_args_bad(x, nx, y, ny, result))
        return EINVAL;
    double s = 0.0, c = 0.0;
    for (size_t i = 0; i < nx; i++) {
        double p = x[i] * y[i];
        double e = fma(x[i], y[i], -p);
        double t = s + p;
        double z = t - s;
        double q = (s - (t - z)) + (p - z);
        s = t;
        c += q + e;
    }
    /* An infinite product makes e NaN; the plain sum then carries the right Inf or NaN. */
    *result = isfinite(s) ? s + c : s;
    return 0;
}

/* GCC's unroll-and-jam (on at -O3) would run two steps of the lane loop interleaved, reading each
 * array at two places 256 bytes apart: from memory (10^7 elements, one thread) that ran 10-30 %
 * slower than one sequential step at a time, in cache no faster. */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_UNROLL_AND_JAM __attribute__((optimize("no-loop-unroll-and-jam")))
#else
#define NO_UNROLL_AND_JAM
#endif

/* One step of the DOT_LANES independent fma chains. */
static inline void lanes_fma(double *restrict acc, const double *restrict x,
                             const double *restrict y) {
#pragma omp simd
    for (size_t l = 0; l < DOT_LANES; l++)
        acc[l] = fma(x[l], y[l], acc[l]);
}

/* The lanes added in a fixed tree: halves, then quarters, ... (lane l + w into lane l). */
static inline double lanes_sum(double *acc) {
    for (size_t w = DOT_LANES / 2; w >= 1; w /= 2)
        for (size_t l = 0; l < w; l++)
            acc[l] += acc[l + w];
    return acc[0];
}

/* The source fixes every operation's order (fma is exactly rounded, the lanes are combined
 * in a fixed tree), so the bits do not depend on how the compiler vectorises. The tail goes
 * through a zero-padded copy (0 * 0 added to a lane leaves it unchanged), so that no lane is
 * indexed by a variable and GCC keeps all accumulators in zmm registers: the main loop is
 * loads and vfmadd231pd only. */
static inline NO_UNROLL_AND_JAM double block_sum(const double *x, const double *y, size_t n) {
    double acc[DOT_LANES] = {0.0};
    size_t full = n / DOT_LANES * DOT_LANES;
    for (size_t i = 0; i < full; i += DOT_LANES) {
#pragma omp simd
        for (size_t l = 0; l < DOT_LANES; l++)
            acc[l] = fma(x[i + l], y[i + l], acc[l]);
    }
    if (full < n) {
        double xt[DOT_LANES] = {0.0}, yt[DOT_LANES] = {0.0};
        for (size_t l = 0; full + l < n; l++) {
            xt[l] = x[full + l];
            yt[l] = y[full + l];
        }
        lanes_fma(acc, xt, yt);
    }
    return lanes_sum(acc);
}

/* Block b of the REDUCE_BLOCK-element blocks of x . y (n elements). */
static inline double dot_one_block(const double *x, const double *y, size_t n, size_t b) {
    size_t lo = b * REDUCE_BLOCK;
    size_t len = n - lo < REDUCE_BLOCK ? n - lo : REDUCE_BLOCK;
    return block_sum(x + lo, y + lo, len);
}

double dot_block(const double *x, const double *y, size_t n) {
    return block_sum(x, y, n);
}

int dot_omp(const double *x, size_t nx, const double *y, size_t ny, double *scratch,
            double *result) {
    if (dot_args_bad(x, nx, y, ny, result) || !scratch)
        return EINVAL;
    size_t nblocks = reduce_block_count(nx, REDUCE_BLOCK);
    /* One thread: the same blocks in the same order without a parallel region, whose start
     * alone (libgomp, 1.2 us on the development VM) is 8 % of a 10^5-element dot in cache.
     * The bits do not change: block partials and their pairwise sum do not depend on which
     * thread computed them. */
    if (omp_get_max_threads() == 1) {
        for (size_t b = 0; b < nblocks; b++)
            scratch[b] = dot_one_block(x, y, nx, b);
    } else {
#pragma omp parallel for schedule(runtime)
        for (size_t b = 0; b < nblocks; b++)
            scratch[b] = dot_one_block(x, y, nx, b);
    }
    *result = reduce_pairwise(scratch, nblocks);
    return 0;
}

/* The OpenMP build of OpenBLAS reads omp_get_max_threads() on every call anyway; setting it
 * explicitly keeps openblas_get_num_threads() truthful. Inside an active parallel region
 * OpenBLAS runs one thread whatever is set, and the setter writes a global: skip it there. */
int dot_blas(const double *x, size_t nx, const double *y, size_t ny, double *result) {
    if (dot_args_bad(x, nx, y, ny, result))
        return EINVAL;
    if (!omp_in_parallel())
        openblas_set_num_threads(omp_get_max_threads());
    double s = 0.0;
    for (size_t lo = 0; lo < nx; lo += DOT_BLAS_PIECE) {
        size_t len = nx - lo < DOT_BLAS_PIECE ? nx - lo : DOT_BLAS_PIECE;
        s += cblas_ddot((int)len, x + lo, 1, y + lo, 1);
    }
    *result = s;
    return 0;
}
