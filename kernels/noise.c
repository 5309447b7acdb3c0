/* The argument check, the serial references and the GSL baseline. This file must not include
 * kernels/vmath.h: the references are meant to call glibc's scalar log, sin and cos. */
#include "noise.h"

#include "philox.h"

#include <errno.h>
#include <float.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* 2 pi rounded to double and to float. */
#define NOISE_TWO_PI   0x1.921fb54442d18p+2
#define NOISE_TWO_PI_F 0x1.921fb6p+2f

/* Indices stay below 2^63 so block arithmetic never wraps. */
#define NOISE_MAX_INDEX (UINT64_C(1) << 63)

int noise_check_args(const void *out, size_t n_out, const void *in, size_t n_in, size_t elem_size,
                     double sigma, uint64_t first) {
    if (!out || !in || n_in == 0 || n_out != n_in || elem_size == 0)
        return EINVAL;
    if (!isfinite(sigma) || sigma < 0.0)
        return EINVAL;
    if (elem_size == sizeof(float) && sigma > FLT_MAX)
        return EINVAL;
    if (n_in > SIZE_MAX / elem_size || first >= NOISE_MAX_INDEX ||
        (uint64_t)n_in > NOISE_MAX_INDEX - first)
        return EINVAL;
    uintptr_t o = (uintptr_t)out, i = (uintptr_t)in, bytes = (uintptr_t)(n_in * elem_size);
    if (o != i && o < i + bytes && i < o + bytes)
        return EINVAL;
    return 0;
}

static struct philox4x32_ctr stream_counter(uint64_t j, uint64_t stream) {
    struct philox4x32_ctr ctr = {
        {(uint32_t)j, (uint32_t)(j >> 32), (uint32_t)stream, (uint32_t)(stream >> 32)}};
    return ctr;
}

/* z(4j .. 4j+3) in double, as noise.h specifies. */
static void normals4_f64(uint64_t j, uint64_t stream, struct philox4x32_key key, double z[4]) {
    struct philox4x32_ctr x = philox4x32_10(stream_counter(j, stream), key);
    double u0 = (double)x.v[0] * 0x1p-32 + 0x1p-33, u1 = (double)x.v[1] * 0x1p-32 + 0x1p-33;
    double u2 = (double)x.v[2] * 0x1p-32 + 0x1p-33, u3 = (double)x.v[3] * 0x1p-32 + 0x1p-33;
    double r0 = sqrt(-2.0 * log(u0)), a0 = NOISE_TWO_PI * u1;
    double r1 = sqrt(-2.0 * log(u2)), a1 = NOISE_TWO_PI * u3;
    z[0] = r0 * cos(a0);
    z[1] = r0 * sin(a0);
    z[2] = r1 * cos(a1);
    z[3] = r1 * sin(a1);
}

/* The same in float arithmetic. */
static void normals4_f32(uint64_t j, uint64_t stream, struct philox4x32_key key, float z[4]) {
    struct philox4x32_ctr x = philox4x32_10(stream_counter(j, stream), key);
    float u0 = (float)x.v[0] * 0x1p-32f + 0x1p-33f, u1 = (float)x.v[1] * 0x1p-32f + 0x1p-33f;
    float u2 = (float)x.v[2] * 0x1p-32f + 0x1p-33f, u3 = (float)x.v[3] * 0x1p-32f + 0x1p-33f;
    float r0 = sqrtf(-2.0f * logf(u0)), a0 = NOISE_TWO_PI_F * u1;
    float r1 = sqrtf(-2.0f * logf(u2)), a1 = NOISE_TWO_PI_F * u3;
    z[0] = r0 * cosf(a0);
    z[1] = r0 * sinf(a0);
    z[2] = r1 * cosf(a1);
    z[3] = r1 * sinf(a1);
}

int noise_add_ref_f64(double *out, size_t n_out, const double *in, size_t n_in, double sigma,
                      struct noise_source src) {
    int rc = noise_check_args(out, n_out, in, n_in, sizeof *in, sigma, src.first);
    if (rc)
        return rc;
    struct philox4x32_key key = philox4x32_key_from_u64(src.seed);
    size_t e = 0;
    while (e < n_in) {
        uint64_t i = src.first + e;
        double z[4];
        normals4_f64(i / 4, src.stream, key, z);
        for (unsigned k = (unsigned)(i % 4); k < 4 && e < n_in; k++, e++)
            out[e] = in[e] + sigma * z[k];
    }
    return 0;
}

int noise_add_ref_f32(float *out, size_t n_out, const float *in, size_t n_in, double sigma,
                      struct noise_source src) {
    int rc = noise_check_args(out, n_out, in, n_in, sizeof *in, sigma, src.first);
    if (rc)
        return rc;
    struct philox4x32_key key = philox4x32_key_from_u64(src.seed);
    float s = (float)sigma;
    size_t e = 0;
    while (e < n_in) {
        uint64_t i = src.first + e;
        float z[4];
        normals4_f32(i / 4, src.stream, key, z);
        for (unsigned k = (unsigned)(i % 4); k < 4 && e < n_in; k++, e++)
            out[e] = in[e] + s * z[k];
    }
    return 0;
}

/* ---- GSL baseline ------------------------------------------------------------------------ */

static uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* mt19937 takes 32 bits of seed (and maps 0 to its default): hash seed and stream into them. */
static unsigned long gsl_seed(uint64_t seed, uint64_t stream) {
    return (unsigned long)(splitmix64(seed ^ splitmix64(stream)) >> 32);
}

/* The generator is built by hand rather than with gsl_rng_alloc, whose failure would go to
 * GSL's error handler (abort() by default) instead of returning ENOMEM. */
static int gsl_open(gsl_rng *r, struct noise_source src) {
    r->type = gsl_rng_mt19937;
    r->state = malloc(gsl_rng_mt19937->size);
    if (!r->state)
        return ENOMEM;
    gsl_rng_set(r, gsl_seed(src.seed, src.stream));
    for (uint64_t i = 0; i < src.first; i++)
        (void)gsl_ran_gaussian_ziggurat(r, 1.0);
    return 0;
}

int noise_add_gsl_f64(double *out, size_t n_out, const double *in, size_t n_in, double sigma,
                      struct noise_source src) {
    int rc = noise_check_args(out, n_out, in, n_in, sizeof *in, sigma, src.first);
    gsl_rng r;
    if (rc || (rc = gsl_open(&r, src)))
        return rc;
    for (size_t e = 0; e < n_in; e++)
        out[e] = in[e] + sigma * gsl_ran_gaussian_ziggurat(&r, 1.0);
    free(r.state);
    return 0;
}

int noise_add_gsl_f32(float *out, size_t n_out, const float *in, size_t n_in, double sigma,
                      struct noise_source src) {
    int rc = noise_check_args(out, n_out, in, n_in, sizeof *in, sigma, src.first);
    gsl_rng r;
    if (rc || (rc = gsl_open(&r, src)))
        return rc;
    float s = (float)sigma;
    for (size_t e = 0; e < n_in; e++)
        out[e] = in[e] + s * (float)gsl_ran_gaussian_ziggurat(&r, 1.0);
    free(r.state);
    return 0;
}
