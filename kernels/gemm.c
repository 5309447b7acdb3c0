#include "gemm.h"

#include "buffer.h"

#include <cblas.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>

static size_t min_sz(size_t a, size_t b) {
    return a < b ? a : b;
}

static size_t round_up(size_t v, size_t to) {
    return (v + to - 1) / to * to;
}

static int overlaps(const double *p, size_t np, const double *q, size_t nq) {
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)q;
    return a < b + nq * sizeof(double) && b < a + np * sizeof(double);
}

static int gemm_args_bad(size_t m, size_t n, size_t k, const double *a, const double *b,
                         const double *c) {
    size_t na, nb, nc, bytes;
    if (!a || !b || !c || m == 0 || n == 0 || k == 0)
        return 1;
    if (__builtin_mul_overflow(m, k, &na) || __builtin_mul_overflow(k, n, &nb) ||
        __builtin_mul_overflow(m, n, &nc))
        return 1;
    size_t most = na > nb ? (na > nc ? na : nc) : (nb > nc ? nb : nc);
    if (__builtin_mul_overflow(most, sizeof(double), &bytes))
        return 1;
    return overlaps(c, nc, a, na) || overlaps(c, nc, b, nb);
}

static int blas_dims_bad(size_t m, size_t n, size_t k) {
    return m > INT_MAX || n > INT_MAX || k > INT_MAX;
}

int gemm_ref(size_t m, size_t n, size_t k, const double *a, const double *b, double *c) {
    if (gemm_args_bad(m, n, k, a, b, c))
        return EINVAL;
    for (size_t i = 0; i < m; i++) {
        double *ci = c + i * n;
        for (size_t j = 0; j < n; j++)
            ci[j] = 0.0;
        for (size_t p = 0; p < k; p++) {
            double aip = a[i * k + p];
            const double *bp = b + p * n;
            for (size_t j = 0; j < n; j++)
                ci[j] += aip * bp[j];
        }
    }
    return 0;
}

/* ---- gemm_omp: packing, register kernel, tiles ----------------------------------------- */

/* mc x kc of A (leading dimension lda) into panels of GEMM_MR rows, stored column after
 * column (element (i, p) of a panel at p * MR + i); rows past mc are zero. The twelve rows
 * of a panel are read side by side, so the writes are sequential. */
static void pack_a(const double *a, size_t lda, size_t mc, size_t kc, double *ap) {
    for (size_t ir = 0; ir < mc; ir += GEMM_MR) {
        size_t mr = min_sz(GEMM_MR, mc - ir);
        double *panel = ap + ir * kc;
        const double *rows = a + ir * lda;
        if (mr == GEMM_MR) {
            for (size_t p = 0; p < kc; p++)
                for (size_t i = 0; i < GEMM_MR; i++)
                    panel[p * GEMM_MR + i] = rows[i * lda + p];
        } else {
            for (size_t p = 0; p < kc; p++)
                for (size_t i = 0; i < GEMM_MR; i++)
                    panel[p * GEMM_MR + i] = i < mr ? rows[i * lda + p] : 0.0;
        }
    }
}

/* kc x nc of B (leading dimension ldb) into panels of GEMM_NR columns, stored row after row
 * (element (p, j) of a panel at p * NR + j); columns past nc are zero. B is read row by row,
 * sequentially; a full panel row is a copy of two vectors. */
static void pack_b(const double *b, size_t ldb, size_t kc, size_t nc, double *bp) {
    size_t full = nc / GEMM_NR * GEMM_NR;
    for (size_t p = 0; p < kc; p++) {
        const double *row = b + p * ldb;
        for (size_t jr = 0; jr < full; jr += GEMM_NR) {
            double *dst = bp + jr * kc + p * GEMM_NR;
#pragma omp simd
            for (size_t j = 0; j < GEMM_NR; j++)
                dst[j] = row[jr + j];
        }
        if (full < nc) {
            double *dst = bp + full * kc + p * GEMM_NR;
            for (size_t j = 0; j < GEMM_NR; j++)
                dst[j] = full + j < nc ? row[full + j] : 0.0;
        }
    }
}

/* C[0..mr, 0..nr] (=, or += when accumulating) the product of one packed A panel and one
 * packed B panel. GCC keeps acc in 24 zmm registers: per k, two loads of B, twelve
 * broadcasts of A and 24 vfmadd231pd (checked with objdump). */
static void micro_kernel(size_t kc, const double *restrict ap, const double *restrict bp,
                         double *restrict c, size_t ldc, size_t mr, size_t nr, int accumulate) {
    double acc[GEMM_MR][GEMM_NR] = {{0.0}};
    for (size_t p = 0; p < kc; p++) {
        for (size_t i = 0; i < GEMM_MR; i++) {
#pragma omp simd
            for (size_t j = 0; j < GEMM_NR; j++)
                acc[i][j] = fma(ap[p * GEMM_MR + i], bp[p * GEMM_NR + j], acc[i][j]);
        }
    }
    for (size_t i = 0; i < mr; i++) {
        double *ci = c + i * ldc;
        if (accumulate)
            for (size_t j = 0; j < nr; j++)
                ci[j] += acc[i][j];
        else
            for (size_t j = 0; j < nr; j++)
                ci[j] = acc[i][j];
    }
}

/* Doubles of one thread's packing space: a block of A and a block of B, each rounded to whole
 * cache lines so that threads' blocks never share one. */
static size_t packed_a_doubles(size_t m, size_t k) {
    return round_up(round_up(min_sz(GEMM_MC, m), GEMM_MR) * min_sz(GEMM_KC, k), 8);
}

static size_t packed_doubles(size_t m, size_t n, size_t k) {
    return packed_a_doubles(m, k) +
           round_up(round_up(min_sz(GEMM_NC, n), GEMM_NR) * min_sz(GEMM_KC, k), 8);
}

/* One tile of C: rows i0.., columns j0.., summed over k in blocks of GEMM_KC (the first block
 * stores, the others add). The tile packs its KC x NC block of B (1 MiB, kept in L2) and its
 * MC x KC block of A; each packed A panel (MR x KC, 24 KiB) stays in L1 while it meets every
 * panel of the B block. */
static void gemm_tile(size_t m, size_t n, size_t k, const double *a, const double *b, double *c,
                      size_t i0, size_t j0, double *ap, double *bp) {
    size_t mc = min_sz(GEMM_MC, m - i0), nc = min_sz(GEMM_NC, n - j0);
    for (size_t p0 = 0; p0 < k; p0 += GEMM_KC) {
        size_t kc = min_sz(GEMM_KC, k - p0);
        pack_b(b + p0 * n + j0, n, kc, nc, bp);
        pack_a(a + i0 * k + p0, k, mc, kc, ap);
        for (size_t ir = 0; ir < mc; ir += GEMM_MR)
            for (size_t jr = 0; jr < nc; jr += GEMM_NR)
                micro_kernel(kc, ap + ir * kc, bp + jr * kc, c + (i0 + ir) * n + j0 + jr, n,
                             min_sz(GEMM_MR, mc - ir), min_sz(GEMM_NR, nc - jr), p0 > 0);
    }
}

size_t gemm_tile_count(size_t m, size_t n) {
    return ((m + GEMM_MC - 1) / GEMM_MC) * ((n + GEMM_NC - 1) / GEMM_NC);
}

/* The scheduled loop, orphaned: the enclosing team shares out the tiles. work is the calling
 * thread's packing space (packed_doubles(m, n, k)). */
static void gemm_tiles(size_t m, size_t n, size_t k, const double *a, const double *b, double *c,
                       double *work) {
    size_t tiles_j = (n + GEMM_NC - 1) / GEMM_NC, tiles = gemm_tile_count(m, n);
    double *ap = work, *bp = work + packed_a_doubles(m, k);
#pragma omp for schedule(runtime)
    for (size_t t = 0; t < tiles; t++)
        gemm_tile(m, n, k, a, b, c, (t / tiles_j) * GEMM_MC, (t % tiles_j) * GEMM_NC, ap, bp);
}

void gemm_first_touch(size_t m, size_t n, double *c) {
    size_t tiles_j = (n + GEMM_NC - 1) / GEMM_NC, tiles = gemm_tile_count(m, n);
#pragma omp parallel for schedule(runtime)
    for (size_t t = 0; t < tiles; t++) {
        size_t i0 = (t / tiles_j) * GEMM_MC, j0 = (t % tiles_j) * GEMM_NC;
        size_t mc = min_sz(GEMM_MC, m - i0), nc = min_sz(GEMM_NC, n - j0);
        for (size_t i = 0; i < mc; i++)
            for (size_t j = 0; j < nc; j++)
                c[(i0 + i) * n + j0 + j] = 0.0;
    }
}

/* count blocks of `each` doubles, or NULL (also on overflow). */
static double *alloc_doubles(size_t count, size_t each) {
    size_t doubles;
    if (__builtin_mul_overflow(count, each, &doubles) || doubles > SIZE_MAX / sizeof(double))
        return NULL;
    return buffer_alloc(doubles * sizeof(double));
}

int gemm_omp(size_t m, size_t n, size_t k, const double *a, const double *b, double *c) {
    if (gemm_args_bad(m, n, k, a, b, c))
        return EINVAL;
    int nthreads = omp_get_max_threads();
    size_t each = packed_doubles(m, n, k);
    double *work = alloc_doubles((size_t)nthreads, each);
    if (!work)
        return ENOMEM;
#pragma omp parallel num_threads(nthreads)
    gemm_tiles(m, n, k, a, b, c, work + (size_t)omp_get_thread_num() * each);
    buffer_free(work);
    return 0;
}

/* ---- OpenBLAS and the nesting experiment ------------------------------------------------ */

static void blas_block(size_t m, size_t n, size_t k, const double *a, const double *b, double *c) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)k, 1.0, a, (int)k,
                b, (int)n, 0.0, c, (int)n);
}

/* The OpenMP build of OpenBLAS follows omp_get_max_threads() on every call; setting it keeps
 * openblas_get_num_threads() truthful. The setter writes a global: not inside a region. */
int gemm_blas(size_t m, size_t n, size_t k, const double *a, const double *b, double *c) {
    if (gemm_args_bad(m, n, k, a, b, c) || blas_dims_bad(m, n, k))
        return EINVAL;
    if (!omp_in_parallel())
        openblas_set_num_threads(omp_get_max_threads());
    blas_block(m, n, k, a, b, c);
    return 0;
}

/* Outer thread t of T takes rows [m t / T, m (t + 1) / T): equal blocks, none empty unless
 * m < T. */
static size_t block_start(size_t m, int t, int nt) {
    return m * (size_t)t / (size_t)nt;
}

int gemm_blas_in_omp(size_t m, size_t n, size_t k, const double *a, const double *b, double *c,
                     int inner) {
    if (gemm_args_bad(m, n, k, a, b, c) || blas_dims_bad(m, n, k) || inner < 1)
        return EINVAL;
    int outer = omp_get_max_threads(), levels = omp_get_max_active_levels();
    omp_set_max_active_levels(2);
#pragma omp parallel num_threads(outer)
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        size_t lo = block_start(m, t, nt), hi = block_start(m, t + 1, nt);
        /* What the caller asks for; OpenBLAS decides (one thread in an active region). */
        omp_set_num_threads(inner);
        if (hi > lo)
            blas_block(hi - lo, n, k, a + lo * k, b, c + lo * n);
    }
    omp_set_max_active_levels(levels);
    return 0;
}

/* Each outer thread computes its rows' tiles with an inner team of `inner` threads (fewer if
 * the runtime limits nesting); all packing space is allocated before any thread starts. */
int gemm_omp_in_omp(size_t m, size_t n, size_t k, const double *a, const double *b, double *c,
                    int inner) {
    if (gemm_args_bad(m, n, k, a, b, c) || inner < 1)
        return EINVAL;
    int outer = omp_get_max_threads();
    /* Sized for all m rows (packing is capped at GEMM_MC rows anyway): the team may be smaller
     * than asked (OMP_THREAD_LIMIT, OMP_DYNAMIC), and then each thread's block is larger. */
    size_t each = packed_doubles(m, n, k);
    double *work = alloc_doubles((size_t)outer * (size_t)inner, each);
    if (!work)
        return ENOMEM;
    int levels = omp_get_max_active_levels();
    omp_set_max_active_levels(2);
#pragma omp parallel num_threads(outer)
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        size_t lo = block_start(m, t, nt), hi = block_start(m, t + 1, nt);
        double *mine = work + (size_t)t * (size_t)inner * each;
#pragma omp parallel num_threads(inner) if (hi > lo)
        gemm_tiles(hi - lo, n, k, a + lo * k, b, c + lo * n,
                   mine + (size_t)omp_get_thread_num() * each);
    }
    omp_set_max_active_levels(levels);
    buffer_free(work);
    return 0;
}
