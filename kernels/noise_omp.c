/* The OpenMP variant: Philox in structure-of-arrays form, Box-Muller with libmvec's vector
 * log, sin, cos and the sqrt instruction (this file is compiled with -fno-math-errno).
 *
 * Every normal is computed by the same vector code whatever the range asked for: a batch of
 * NOISE_BATCH counters (4 * NOISE_BATCH stream indices, aligned to multiples of that in the
 * stream) is always generated whole, so loops have fixed trip counts and no scalar remainder
 * that could round differently; the parts of a batch outside the range are dropped.
 *
 * Each step of a batch is its own loop over the batch: the radius and angle of each pair,
 * then each cos and each sin. cos and sin of one angle in one loop would be merged by GCC into
 * a complex cexpi call, which does not vectorise. Between the steps the batch asks for the
 * memory lines of the next batch's signal and output, a few at a time: issued all at once they
 * would exceed the core's outstanding misses and stall the arithmetic behind them (measured on
 * the development machine at 10^7 doubles, 1 thread: 400 M samples/s in one burst, 550 spread
 * over the steps, 590 when everything is in cache). */
#include "noise.h"

#include "philox.h"
#include "vmath.h"

#include <math.h>
#include <stdint.h>

enum { NOISE_BATCH = 64, NOISE_BATCH_ELEMS = 4 * NOISE_BATCH };

/* Prefetches are spread over this many points of a batch. */
enum { NOISE_PREFETCH_PARTS = 7 };

#define NOISE_TWO_PI   0x1.921fb54442d18p+2
#define NOISE_TWO_PI_F 0x1.921fb6p+2f

/* The bytes of signal and output that the next batch reads and writes. */
struct prefetch_plan {
    const char *in, *out;
    size_t bytes;
};

static void prefetch_part(const struct prefetch_plan *pl, int part) {
    size_t lines = (pl->bytes + 63) / 64;
    size_t lo = lines * (size_t)part / NOISE_PREFETCH_PARTS;
    size_t hi = lines * (size_t)(part + 1) / NOISE_PREFETCH_PARTS;
    for (size_t l = lo; l < hi; l++) {
        __builtin_prefetch(pl->in + 64 * l, 0, 3);
        __builtin_prefetch(pl->out + 64 * l, 1, 3);
    }
}

static void prefetch_all(const struct prefetch_plan *pl) {
    for (int part = 0; part < NOISE_PREFETCH_PARTS; part++)
        prefetch_part(pl, part);
}

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

/* Radii r, angles a and the four normals z of each counter, before they are interleaved. */
struct batch_f64 {
    _Alignas(64) double r0[NOISE_BATCH];
    _Alignas(64) double a0[NOISE_BATCH];
    _Alignas(64) double r1[NOISE_BATCH];
    _Alignas(64) double a1[NOISE_BATCH];
    _Alignas(64) double z0[NOISE_BATCH];
    _Alignas(64) double z1[NOISE_BATCH];
    _Alignas(64) double z2[NOISE_BATCH];
    _Alignas(64) double z3[NOISE_BATCH];
};

struct batch_f32 {
    _Alignas(64) float r0[NOISE_BATCH];
    _Alignas(64) float a0[NOISE_BATCH];
    _Alignas(64) float r1[NOISE_BATCH];
    _Alignas(64) float a1[NOISE_BATCH];
    _Alignas(64) float z0[NOISE_BATCH];
    _Alignas(64) float z1[NOISE_BATCH];
    _Alignas(64) float z2[NOISE_BATCH];
    _Alignas(64) float z3[NOISE_BATCH];
};

/* z(4 j0 .. 4 j0 + NOISE_BATCH_ELEMS - 1) in double, in stream order. */
static void batch_normals_f64(uint64_t j0, uint64_t stream, struct philox4x32_key key,
                              double *restrict z, const struct prefetch_plan *pl) {
    struct words w;
    struct batch_f64 b;
    prefetch_part(pl, 0);
    batch_words(j0, stream, key, &w);
    prefetch_part(pl, 1);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++) {
        double u0 = (double)w.x0[m] * 0x1p-32 + 0x1p-33, u1 = (double)w.x1[m] * 0x1p-32 + 0x1p-33;
        b.r0[m] = sqrt(-2.0 * log(u0));
        b.a0[m] = NOISE_TWO_PI * u1;
    }
    prefetch_part(pl, 2);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++) {
        double u2 = (double)w.x2[m] * 0x1p-32 + 0x1p-33, u3 = (double)w.x3[m] * 0x1p-32 + 0x1p-33;
        b.r1[m] = sqrt(-2.0 * log(u2));
        b.a1[m] = NOISE_TWO_PI * u3;
    }
    prefetch_part(pl, 3);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++)
        b.z0[m] = b.r0[m] * cos(b.a0[m]);
    prefetch_part(pl, 4);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++)
        b.z2[m] = b.r1[m] * cos(b.a1[m]);
    prefetch_part(pl, 5);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++)
        b.z1[m] = b.r0[m] * sin(b.a0[m]);
    prefetch_part(pl, 6);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++)
        b.z3[m] = b.r1[m] * sin(b.a1[m]);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++) {
        z[4 * m] = b.z0[m];
        z[4 * m + 1] = b.z1[m];
        z[4 * m + 2] = b.z2[m];
        z[4 * m + 3] = b.z3[m];
    }
}

static void batch_normals_f32(uint64_t j0, uint64_t stream, struct philox4x32_key key,
                              float *restrict z, const struct prefetch_plan *pl) {
    struct words w;
    struct batch_f32 b;
    prefetch_part(pl, 0);
    batch_words(j0, stream, key, &w);
    prefetch_part(pl, 1);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++) {
        float u0 = (float)w.x0[m] * 0x1p-32f + 0x1p-33f, u1 = (float)w.x1[m] * 0x1p-32f + 0x1p-33f;
        b.r0[m] = sqrtf(-2.0f * logf(u0));
        b.a0[m] = NOISE_TWO_PI_F * u1;
    }
    prefetch_part(pl, 2);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++) {
        float u2 = (float)w.x2[m] * 0x1p-32f + 0x1p-33f, u3 = (float)w.x3[m] * 0x1p-32f + 0x1p-33f;
        b.r1[m] = sqrtf(-2.0f * logf(u2));
        b.a1[m] = NOISE_TWO_PI_F * u3;
    }
    prefetch_part(pl, 3);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++)
        b.z0[m] = b.r0[m] * cosf(b.a0[m]);
    prefetch_part(pl, 4);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++)
        b.z2[m] = b.r1[m] * cosf(b.a1[m]);
    prefetch_part(pl, 5);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++)
        b.z1[m] = b.r0[m] * sinf(b.a0[m]);
    prefetch_part(pl, 6);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++)
        b.z3[m] = b.r1[m] * sinf(b.a1[m]);
#pragma omp simd
    for (int m = 0; m < NOISE_BATCH; m++) {
        z[4 * m] = b.z0[m];
        z[4 * m + 1] = b.z1[m];
        z[4 * m + 2] = b.z2[m];
        z[4 * m + 3] = b.z3[m];
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

/* What one thread works on: out[i - g0] = in[i - g0] + sigma z(i) for stream indices i in
 * [g0, g1); one block covers [lo, hi) of it. */
struct span {
    void *out;
    const void *in;
    size_t elem;
    uint64_t g0, g1;
};

/* The lines of batch t (clipped to the span), for prefetching. */
static struct prefetch_plan plan_for(const struct span *s, uint64_t t) {
    uint64_t a = max_u64(t, s->g0), b = min_u64(t + NOISE_BATCH_ELEMS, s->g1);
    struct prefetch_plan pl = {NULL, NULL, 0};
    if (a < b) {
        pl.in = (const char *)s->in + (a - s->g0) * s->elem;
        pl.out = (const char *)s->out + (a - s->g0) * s->elem;
        pl.bytes = (size_t)(b - a) * s->elem;
    }
    return pl;
}

static void block_f64(const struct span *s, uint64_t lo, uint64_t hi, double sigma, uint64_t stream,
                      struct philox4x32_key key) {
    _Alignas(64) double z[NOISE_BATCH_ELEMS];
    double *out = s->out;
    const double *in = s->in;
    uint64_t t0 = lo - lo % NOISE_BATCH_ELEMS;
    struct prefetch_plan first = plan_for(s, t0);
    prefetch_all(&first);
    for (uint64_t t = t0; t < hi; t += NOISE_BATCH_ELEMS) {
        struct prefetch_plan next = plan_for(s, t + NOISE_BATCH_ELEMS);
        batch_normals_f64(t / 4, stream, key, z, &next);
        uint64_t a = max_u64(t, lo), b = min_u64(t + NOISE_BATCH_ELEMS, hi);
        add_f64(out + (a - s->g0), in + (a - s->g0), z + (a - t), (size_t)(b - a), sigma);
    }
}

static void block_f32(const struct span *s, uint64_t lo, uint64_t hi, float sigma, uint64_t stream,
                      struct philox4x32_key key) {
    _Alignas(64) float z[NOISE_BATCH_ELEMS];
    float *out = s->out;
    const float *in = s->in;
    uint64_t t0 = lo - lo % NOISE_BATCH_ELEMS;
    struct prefetch_plan first = plan_for(s, t0);
    prefetch_all(&first);
    for (uint64_t t = t0; t < hi; t += NOISE_BATCH_ELEMS) {
        struct prefetch_plan next = plan_for(s, t + NOISE_BATCH_ELEMS);
        batch_normals_f32(t / 4, stream, key, z, &next);
        uint64_t a = max_u64(t, lo), b = min_u64(t + NOISE_BATCH_ELEMS, hi);
        add_f32(out + (a - s->g0), in + (a - s->g0), z + (a - t), (size_t)(b - a), sigma);
    }
}

int noise_add_f64(double *out, size_t n_out, const double *in, size_t n_in, double sigma,
                  struct noise_source src) {
    int rc = noise_check_args(out, n_out, in, n_in, sizeof *in, sigma, src.first);
    if (rc)
        return rc;
    struct philox4x32_key key = philox4x32_key_from_u64(src.seed);
    struct span s = {out, in, sizeof *in, src.first, src.first + n_in};
    uint64_t b0 = s.g0 / NOISE_BLOCK, nblocks = (s.g1 - 1) / NOISE_BLOCK + 1 - b0;
#pragma omp parallel for schedule(runtime)
    for (uint64_t b = 0; b < nblocks; b++) {
        uint64_t lo = max_u64(s.g0, (b0 + b) * NOISE_BLOCK);
        uint64_t hi = min_u64(s.g1, (b0 + b + 1) * NOISE_BLOCK);
        block_f64(&s, lo, hi, sigma, src.stream, key);
    }
    return 0;
}

int noise_add_f32(float *out, size_t n_out, const float *in, size_t n_in, double sigma,
                  struct noise_source src) {
    int rc = noise_check_args(out, n_out, in, n_in, sizeof *in, sigma, src.first);
    if (rc)
        return rc;
    struct philox4x32_key key = philox4x32_key_from_u64(src.seed);
    struct span s = {out, in, sizeof *in, src.first, src.first + n_in};
    uint64_t b0 = s.g0 / NOISE_BLOCK, nblocks = (s.g1 - 1) / NOISE_BLOCK + 1 - b0;
    float sf = (float)sigma;
#pragma omp parallel for schedule(runtime)
    for (uint64_t b = 0; b < nblocks; b++) {
        uint64_t lo = max_u64(s.g0, (b0 + b) * NOISE_BLOCK);
        uint64_t hi = min_u64(s.g1, (b0 + b + 1) * NOISE_BLOCK);
        block_f32(&s, lo, hi, sf, src.stream, key);
    }
    return 0;
}
