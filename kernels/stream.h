/* stream: the STREAM memory-bandwidth kernels (McCalpin) and a read-only sum, on double arrays.
 *
 *   copy   c = a           scale  b = s c           add  c = a + b
 *   triad  a = b + s c     read   sum = a[0] + ... + a[n-1]
 *
 * Three forms of each writing kernel: _ref (serial, the obvious loop), _omp (blocks of
 * STREAM_BLOCK elements scheduled with schedule(runtime), vectorised) and _nt (as _omp, but the
 * output is written with non-temporal stores that bypass the caches; plain stores where the
 * build has no x86 vector extension, see stream_nt_lanes). Every element is computed with the
 * same IEEE operations in all three (no FMA contraction: the build is ISO C11), so their outputs
 * have the same bits. stream_read_ref is a serial compensated sum; stream_read_omp sums fixed
 * blocks and combines them pairwise, so its result has the same bits at any thread count.
 *
 * Units: none (array lengths in elements). Errors: 0, or EINVAL when n == 0, n * 8 overflows,
 * an array or result pointer is NULL, or the output overlaps an input (inputs may overlap each
 * other); nothing is written on error. Thread-safety: the functions touch only their arguments;
 * the _omp and _nt forms open their own OpenMP parallel region.
 */
#ifndef OMPSWEEP_STREAM_H
#define OMPSWEEP_STREAM_H

#include <stddef.h>

/* Elements per scheduled iteration: 8 KiB per array, the same blocks as reduce.h. */
enum { STREAM_BLOCK = 1024 };

/* Number of STREAM_BLOCK blocks covering n elements (the last may be short). */
size_t stream_block_count(size_t n);

/* Doubles per non-temporal store in this build (8 with AVX-512, 4 with AVX, 2 with SSE2); 0
 * where the _nt forms fall back to ordinary stores. */
int stream_nt_lanes(void);

int stream_copy_ref(double *c, const double *a, size_t n);
int stream_copy_omp(double *c, const double *a, size_t n);
int stream_copy_nt(double *c, const double *a, size_t n);

int stream_scale_ref(double *b, const double *c, double s, size_t n);
int stream_scale_omp(double *b, const double *c, double s, size_t n);
int stream_scale_nt(double *b, const double *c, double s, size_t n);

int stream_add_ref(double *c, const double *a, const double *b, size_t n);
int stream_add_omp(double *c, const double *a, const double *b, size_t n);
int stream_add_nt(double *c, const double *a, const double *b, size_t n);

int stream_triad_ref(double *a, const double *b, const double *c, double s, size_t n);
int stream_triad_omp(double *a, const double *b, const double *c, double s, size_t n);
int stream_triad_nt(double *a, const double *b, const double *c, double s, size_t n);

/* *sum = sum of a[i], serial and compensated (Neumaier): the accurate reference. */
int stream_read_ref(const double *a, size_t n, double *sum);

/* *sum = sum of a[i]: each STREAM_BLOCK block summed with 32 interleaved partial sums (four
 * 8-wide vectors, so the loop is limited by loads, not by the add latency), partials stored in
 * scratch (stream_block_count(n) doubles, must not overlap a) and combined pairwise. */
int stream_read_omp(const double *a, size_t n, double *scratch, double *sum);

/* The same sum, bit for bit, read as two streams per thread: iteration k sums block k and
 * block k + ceil(blocks / 2). One stream per core may not reach the memory's read bandwidth
 * (the prefetchers track a limited number of lines per stream); this is the read ceiling a
 * two-array kernel (dot) is compared against. */
int stream_read_omp2(const double *a, size_t n, double *scratch, double *sum);

#endif
