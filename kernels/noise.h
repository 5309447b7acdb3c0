/* noise: Gaussian noise added to a signal, out[i] = in[i] + sigma * z(first + i).
 *
 * z(i) ~ N(0, 1) is a pure function of (seed, stream, i), built from Philox4x32-10
 * (kernels/philox.h) and Box-Muller, exactly:
 *
 *   j = i / 4, k = i % 4                                  (i: the index in the stream)
 *   x[0..3] = philox4x32_10(ctr = {lo32(j), hi32(j), lo32(stream), hi32(stream)},
 *                           key = {lo32(seed), hi32(seed)})
 *   u[m] = x[m] * 2^-32 + 2^-33                           (m = 0..3; in (0, 1), never 0)
 *   r0 = sqrt(-2 log u[0]),  a0 = 2 pi * u[1]
 *   r1 = sqrt(-2 log u[2]),  a1 = 2 pi * u[3]
 *   z(4j) = r0 cos a0,  z(4j+1) = r0 sin a0,  z(4j+2) = r1 cos a1,  z(4j+3) = r1 sin a1
 *   out[i - first] = in[i - first] + sigma * z(i)         (a multiply then an add, no FMA)
 *
 * Double variants evaluate this in double (2 pi = 0x1.921fb54442d18p+2). Float variants
 * evaluate it in float: x[m] converted to float (round to nearest), 2 pi = 0x1.921fb6p+2f,
 * logf, sqrtf, cosf, sinf, sigma rounded to float. |z| never exceeds sqrt(66 ln 2) = 6.76.
 *
 *   noise_add_ref_*  serial reference: scalar glibc log, sqrt, cos, sin, element by element.
 *   noise_add_*      OpenMP: blocks of NOISE_BLOCK stream indices (boundaries at multiples of
 *                    NOISE_BLOCK, independent of the threads) under schedule(runtime), Philox
 *                    in structure-of-arrays form and libmvec's vector log, sin, cos. Same bits
 *                    at any thread count, schedule and chunk, in place or not, and for any
 *                    sub-range (src.first); within a few ulp of the reference (libmvec is not
 *                    glibc's scalar libm).
 *   noise_add_gsl_*  serial library baseline: GSL's gsl_ran_gaussian_ziggurat on
 *                    gsl_rng_mt19937, seeded with 32 bits hashed from (seed, stream); element
 *                    i is the (first + i)-th draw (the first `first` draws are discarded).
 *                    A different stream: comparable in speed and statistics, not in bits.
 *
 * Units: those of the signal; sigma is the noise's standard deviation in the same units.
 * Errors: 0, or EINVAL (nothing written) when out or in is NULL, n_in == 0, n_out != n_in,
 * sigma is negative, NaN or infinite (float variants: also when it overflows float), out and
 * in overlap without being equal, or first + n exceeds 2^63; ENOMEM (nothing written) when the
 * GSL variant cannot allocate its generator. NaN or Inf in `in` reaches that element only.
 * Thread-safety: reentrant; noise_add_f64/_f32 open their own OpenMP parallel region.
 */
#ifndef OMPSWEEP_NOISE_H
#define OMPSWEEP_NOISE_H

#include <stddef.h>
#include <stdint.h>

/* Stream indices per scheduled iteration of noise_add_f64 / noise_add_f32. */
enum { NOISE_BLOCK = 1024 };

/* Which normals: z(first), z(first + 1), ... of `stream` under `seed`. */
struct noise_source {
    uint64_t seed;
    uint64_t stream;
    uint64_t first;
};

int noise_add_ref_f64(double *out, size_t n_out, const double *in, size_t n_in, double sigma,
                      struct noise_source src);
int noise_add_ref_f32(float *out, size_t n_out, const float *in, size_t n_in, double sigma,
                      struct noise_source src);

int noise_add_f64(double *out, size_t n_out, const double *in, size_t n_in, double sigma,
                  struct noise_source src);
int noise_add_f32(float *out, size_t n_out, const float *in, size_t n_in, double sigma,
                  struct noise_source src);

int noise_add_gsl_f64(double *out, size_t n_out, const double *in, size_t n_in, double sigma,
                      struct noise_source src);
int noise_add_gsl_f32(float *out, size_t n_out, const float *in, size_t n_in, double sigma,
                      struct noise_source src);

/* The argument check all six functions make (elem_size: sizeof(double) or sizeof(float)):
 * 0 or EINVAL as described above. */
int noise_check_args(const void *out, size_t n_out, const void *in, size_t n_in, size_t elem_size,
                     double sigma, uint64_t first);

#endif
