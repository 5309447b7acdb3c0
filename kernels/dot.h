/* dot: the inner product x . y of two double vectors, three ways.
 *
 * dot_ref is the serial, accurate reference: Ogita-Rump-Oishi Dot2 (each product split
 * exactly with fma, each addition with TwoSum, the errors summed), as if computed in twice
 * the working precision. dot_omp is the parallel kernel: blocks of REDUCE_BLOCK elements
 * scheduled with schedule(runtime), each summed with DOT_LANES independent fma chains, the
 * partials combined pairwise (reduce.h); the lane and block orders are fixed by the source, so
 * the result has the same bits at any thread count, schedule and chunk. dot_blas calls
 * OpenBLAS's cblas_ddot with OpenBLAS's threads set to omp_get_max_threads().
 *
 * Units: none. Errors: 0, or EINVAL for a NULL pointer, an empty vector or nx != ny (nothing
 * is written then). NaN in the input gives NaN. Thread-safety: dot_ref and dot_omp read x, y
 * and write only scratch and *result; dot_blas sets OpenBLAS's global thread count when called
 * outside a parallel region, so two threads must not call it at once outside one.
 */
#ifndef OMPSWEEP_DOT_H
#define OMPSWEEP_DOT_H

#include <stddef.h>

/* Independent accumulators of one block: 4 AVX-512 vectors. Each fma needs two loads, so at two
 * vector loads a cycle one fma issues per cycle, and 4 chains cover a 4-cycle fma latency. 64
 * lanes (8 vectors) ran 3-10 % slower than 32 from memory (10^7 elements, one thread, interleaved
 * loops on the development VM) and no faster in cache. Part of the result's definition (it fixes
 * the order). */
enum { DOT_LANES = 32 };

/* Doubles of scratch dot_omp needs for n elements (one per block). */
size_t dot_scratch_count(size_t n);

int dot_ref(const double *x, size_t nx, const double *y, size_t ny, double *result);
int dot_omp(const double *x, size_t nx, const double *y, size_t ny, double *scratch,
            double *result);
int dot_blas(const double *x, size_t nx, const double *y, size_t ny, double *result);

/* x . y of one block by one thread, the building block of dot_omp: lane l sums the products
 * l, l + DOT_LANES, ... in order with fma, then the lanes are added pairwise. */
double dot_block(const double *x, const double *y, size_t n);

#endif
