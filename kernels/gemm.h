/* gemm: the matrix product C = A B of row-major double matrices, five ways.
 *
 * A is m x k, B is k x n, C is m x n, each stored contiguously by rows (leading dimensions k,
 * n and n). gemm_ref is the obvious serial triple loop (i, k, j order), for validation.
 * gemm_omp is a cache-blocked OpenMP product: C is cut into GEMM_MC x GEMM_NC tiles, the
 * tiles are shared out by a schedule(runtime) loop, and each tile accumulates over k in
 * blocks of GEMM_KC with packed panels of A and B and a 12 x 16 register-blocked fma kernel.
 * gemm_blas calls OpenBLAS's cblas_dgemm with OpenBLAS's threads set to omp_get_max_threads().
 *
 * The nesting experiment ("BLAS is already parallel"): gemm_blas_in_omp and gemm_omp_in_omp
 * open an outer team of omp_get_max_threads() threads that split C's rows into equal blocks;
 * each outer thread asks for `inner` threads (with two active levels allowed) and computes its
 * block with cblas_dgemm (after omp_set_num_threads(inner), which OpenBLAS reads) or with
 * gemm_omp's tile loop in an inner team of `inner` threads, respectively. The OpenMP
 * build of OpenBLAS 0.3.21 runs one thread inside an active parallel region whatever is
 * asked (docs/blas.md), while gemm_omp really opens inner teams and can oversubscribe.
 *
 * Units: none. Errors: 0; EINVAL for a zero dimension, a NULL pointer, sizes whose products
 * overflow, C overlapping A or B, inner < 1, or (BLAS variants) a dimension above INT_MAX,
 * with nothing written; ENOMEM if the packing buffers cannot be allocated (before any write).
 * NaN in a row of A gives NaN in that row of C. Thread-safety: each call reads A and B and
 * writes only C. gemm_blas sets OpenBLAS's global thread count when called outside a parallel
 * region, and the nested variants change the max-active-levels ICV for their duration (it is
 * restored): do not run them concurrently from several threads.
 */
#ifndef OMPSWEEP_GEMM_H
#define OMPSWEEP_GEMM_H

#include <stddef.h>

/* Blocking of gemm_omp. MR x NR is the register block (24 zmm accumulators); KC x NC of
 * packed B (1 MiB) stays in L2 while MR x KC of packed A (24 KiB) stays in L1. */
enum { GEMM_MR = 12, GEMM_NR = 16, GEMM_KC = 256, GEMM_MC = 192, GEMM_NC = 512 };

int gemm_ref(size_t m, size_t n, size_t k, const double *a, const double *b, double *c);
int gemm_omp(size_t m, size_t n, size_t k, const double *a, const double *b, double *c);
int gemm_blas(size_t m, size_t n, size_t k, const double *a, const double *b, double *c);
int gemm_blas_in_omp(size_t m, size_t n, size_t k, const double *a, const double *b, double *c,
                     int inner);
int gemm_omp_in_omp(size_t m, size_t n, size_t k, const double *a, const double *b, double *c,
                    int inner);

/* Tiles of gemm_omp's scheduled loop for an m x n product (its iteration count). */
size_t gemm_tile_count(size_t m, size_t n);

/* Writes zeros to C (m x n) tile by tile with the loop and schedule gemm_omp uses, so that
 * C's pages are first touched by the threads that will write them. */
void gemm_first_touch(size_t m, size_t n, double *c);

#endif
