/* The OpenMP variant: Philox in structure-of-arrays form, Box-Muller with libmvec's vector
 * log, sin, cos and the sqrt instruction (this file is compiled with -fno-math-errno).
 *
 * Every normal is computed by the same vector code whatever the range asked for: a batch of
 * NOISE_BATCH counters (4 * NOISE_BATCH stream indices, aligned to multiples of that in the
 * stream) is always generated whole, so loops have fixed trip counts and no scalar remainder
 * that could round differently; the parts of a batch outside the range are dropped. */
#include "noise.h"

#include "philox.h"
#include "vmath.h"

#include <math.h>
#include <stdint.h>

enum { NOISE_BATCH = 64, NOISE_BATCH_ELEMS = 4 * NOISE_BATCH };

#define NOISE_TWO_PI   0x1.921fb54442d18p+2
#define NOISE_TWO_PI_F 0x1.921fb6p+2f

struct words {
    _Alignas(64) uint32_t x0[NOISE_BATCH];
    _Alignas(64) uint32_t x1[NOISE_BATCH];
    _Alignas(64) uint32_t x2[NOISE_BATCH];
    _Alignas(64) uint32_t x3[NOISE_BATCH];
};

static void batch_words(uint64_t j0, uint64_t stream, struct philox4x32_key key, struct words *w) {
    philox4x32_10_seq(j0, (uint32_t)stream, (uint32_t)(stream >> 32), key, NOISE_BATCH, w->x0,
                      w->x1, w->x2, w->x3);
}

/* Polar coordinates of one batch: radii r and angles a of both Box-Muller pairs. */
struct polar_f64 {
    _Alignas(64) double r0[NOISE_BATCH];
    _Alignas(64) double a0[NOISE_BATCH];
    _Alignas(64) double r1[NOISE_BATCH];
    _Alignas(64) double a1[NOISE_BATCH];
};

struct polar_f32 {
    _Alignas(64) float r0[NOISE_BATCH];
    _Alignas(64) float a0[NOISE_BATCH];
    _Alignas(64) float r1[NOISE_BATCH];
    _Alignas(64) float a1[NOISE_BATCH];
};

/* The four normals of each counter, before they are interleaved into stream order. */
struct normals_f64 {
    _Alignas(64) double z0[NOISE_BATCH];
    _Alignas(64) double z1[NOISE_BATCH];
    _Alignas(64) double z2[NOISE_BATCH];
    _Alignas(64) double z3[NOISE_BATCH];
};

struct normals_f32 {
    _Alignas(64) float z0[NOISE_BATCH];
    _Alignas(64) float z1[NOISE_BATCH];
    _Alignas(64) float z2[NOISE_BATCH];
    _Alignas(64) float z3[NOISE_BATCH];
};

/* z(4 j0 .. 4 j0 + NOISE_BATCH_ELEMS - 1) in double. cos and sin run in separate loops: in one
 * loop GCC would merge them into a complex cexpi call, which it cannot vectorise. */
static void batch_normals_f64(uint64_t j0, uint64_t stream, struct philox4x32_key key,
                              double *restrict z) {
    struct words w;
    struct polar_f64 p;
    struct normals_f64 c;
    batch_words(j0, stream, key, &w);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++) {
        double u0 = (double)w.x0[m] * 0x1p-32 + 0x1p-33, u1 = (double)w.x1[m] * 0x1p-32 + 0x1p-33;
        double u2 = (double)w.x2[m] * 0x1p-32 + 0x1p-33, u3 = (double)w.x3[m] * 0x1p-32 + 0x1p-33;
        p.r0[m] = sqrt(-2.0 * log(u0));
        p.a0[m] = NOISE_TWO_PI * u1;
        p.r1[m] = sqrt(-2.0 * log(u2));
        p.a1[m] = NOISE_TWO_PI * u3;
    }
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++) {
        c.z0[m] = p.r0[m] * cos(p.a0[m]);
        c.z2[m] = p.r1[m] * cos(p.a1[m]);
    }
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++) {
        c.z1[m] = p.r0[m] * sin(p.a0[m]);
        c.z3[m] = p.r1[m] * sin(p.a1[m]);
    }
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++) {
        z[4 * m] = c.z0[m];
        z[4 * m + 1] = c.z1[m];
        z[4 * m + 2] = c.z2[m];
        z[4 * m + 3] = c.z3[m];
    }
}

static void batch_normals_f32(uint64_t j0, uint64_t stream, struct philox4x32_key key,
                              float *restrict z) {
    struct words w;
    struct polar_f32 p;
    struct normals_f32 c;
    batch_words(j0, stream, key, &w);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++) {
        float u0 = (float)w.x0[m] * 0x1p-32f + 0x1p-33f, u1 = (float)w.x1[m] * 0x1p-32f + 0x1p-33f;
        float u2 = (float)w.x2[m] * 0x1p-32f + 0x1p-33f, u3 = (float)w.x3[m] * 0x1p-32f + 0x1p-33f;
        p.r0[m] = sqrtf(-2.0f * logf(u0));
        p.a0[m] = NOISE_TWO_PI_F * u1;
        p.r1[m] = sqrtf(-2.0f * logf(u2));
        p.a1[m] = NOISE_TWO_PI_F * u3;
    }
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++) {
        c.z0[m] = p.r0[m] * cosf(p.a0[m]);
        c.z2[m] = p.r1[m] * cosf(p.a1[m]);
    }
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++) {
        c.z1[m] = p.r0[m] * sinf(p.a0[m]);
        c.z3[m] = p.r1[m] * sinf(p.a1[m]);
    }
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++) {
        z[4 * m] = c.z0[m];
        z[4 * m + 1] = c.z1[m];
        z[4 * m + 2] = c.z2[m];
        z[4 * m + 3] = c.z3[m];
    }
}

/* out may equal in: each element is read before it is written. */
static void add_f64(double *out, const double *in, const double *z, size_t n, double sigma) {
#pragma omp simd
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] + sigma * z[i];
}

static void add_f32(float *out, const float *in, const float *z, size_t n, float sigma) {
#pragma omp simd
    for (size_t i = 0; i < n; i++)
        out[i] = in[i] + sigma * z[i];
}

static uint64_t max_u64(uint64_t a, uint64_t b) {
    return a > b ? a : b;
}

static uint64_t min_u64(uint64_t a, uint64_t b) {
    return a < b ? a : b;
}

/* Asks for the lines of in and out (for writing) that the add after the batch touches, so
 * memory works while the normals are computed instead of stalling the add. */
static void prefetch_range(const void *out, const void *in, size_t bytes) {
    for (size_t o = 0; o < bytes; o += 64) {
        __builtin_prefetch((const char *)in + o, 0, 3);
        __builtin_prefetch((const char *)out + o, 1, 3);
    }
}

/* Stream indices [lo, hi) of one block, batch by batch; out and in start at stream index g0. */
static void block_f64(double *out, const double *in, uint64_t g0, uint64_t lo, uint64_t hi,
                      double sigma, uint64_t stream, struct philox4x32_key key) {
    _Alignas(64) double z[NOISE_BATCH_ELEMS];
    for (uint64_t t = lo - lo % NOISE_BATCH_ELEMS; t < hi; t += NOISE_BATCH_ELEMS) {
        uint64_t a = max_u64(t, lo), b = min_u64(t + NOISE_BATCH_ELEMS, hi);
        prefetch_range(out + (a - g0), in + (a - g0), (size_t)(b - a) * sizeof *in);
        batch_normals_f64(t / 4, stream, key, z);
        add_f64(out + (a - g0), in + (a - g0), z + (a - t), (size_t)(b - a), sigma);
    }
}

static void block_f32(float *out, const float *in, uint64_t g0, uint64_t lo, uint64_t hi,
                      float sigma, uint64_t stream, struct philox4x32_key key) {
    _Alignas(64) float z[NOISE_BATCH_ELEMS];
    for (uint64_t t = lo - lo % NOISE_BATCH_ELEMS; t < hi; t += NOISE_BATCH_ELEMS) {
        uint64_t a = max_u64(t, lo), b = min_u64(t + NOISE_BATCH_ELEMS, hi);
        prefetch_range(out + (a - g0), in + (a - g0), (size_t)(b - a) * sizeof *in);
        batch_normals_f32(t / 4, stream, key, z);
        add_f32(out + (a - g0), in + (a - g0), z + (a - t), (size_t)(b - a), sigma);
    }
}

int noise_add_f64(double *out, size_t n_out, const double *in, size_t n_in, double sigma,
                  struct noise_source src) {
    int rc = noise_check_args(out, n_out, in, n_in, sizeof *in, sigma, src.first);
    if (rc)
        return rc;
    struct philox4x32_key key = philox4x32_key_from_u64(src.seed);
    uint64_t g0 = src.first, g1 = src.first + n_in;
    uint64_t b0 = g0 / NOISE_BLOCK, nblocks = (g1 - 1) / NOISE_BLOCK + 1 - b0;
#pragma omp parallel for schedule(runtime)
    for (uint64_t b = 0; b < nblocks; b++) {
        uint64_t lo = max_u64(g0, (b0 + b) * NOISE_BLOCK);
        uint64_t hi = min_u64(g1, (b0 + b + 1) * NOISE_BLOCK);
        block_f64(out, in, g0, lo, hi, sigma, src.stream, key);
    }
    return 0;
}

int noise_add_f32(float *out, size_t n_out, const float *in, size_t n_in, double sigma,
                  struct noise_source src) {
    int rc = noise_check_args(out, n_out, in, n_in, sizeof *in, sigma, src.first);
    if (rc)
        return rc;
    struct philox4x32_key key = philox4x32_key_from_u64(src.seed);
    uint64_t g0 = src.first, g1 = src.first + n_in;
    uint64_t b0 = g0 / NOISE_BLOCK, nblocks = (g1 - 1) / NOISE_BLOCK + 1 - b0;
    float s = (float)sigma;
#pragma omp parallel for schedule(runtime)
    for (uint64_t b = 0; b < nblocks; b++) {
        uint64_t lo = max_u64(g0, (b0 + b) * NOISE_BLOCK);
        uint64_t hi = min_u64(g1, (b0 + b + 1) * NOISE_BLOCK);
        block_f32(out, in, g0, lo, hi, s, src.stream, key);
    }
    return 0;
}
