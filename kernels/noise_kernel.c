/* noise as a registered kernel: Gaussian noise of standard deviation sigma added to a
 * reproducible signal (uniform in [-1, 1), fill.h), in float64 or float32, out of place.
 *
 * The GSL variant draws other numbers than the Philox variants, so no checksum can agree with
 * the reference bit for bit across all three. The checksum is the measured noise power in units
 * of sigma^2, T = sum_i (out[i] - in[i])^2 / (n sigma^2) (sum_i (out[i] - in[i])^2 when sigma
 * is 0): about 1 for every variant, a few ulp apart between ref and omp, and for two
 * independent draws of n normals the two values differ with a standard deviation of
 * sqrt(2 * 2 / n) = 2 / sqrt(n) (n T is chi-square with n degrees of freedom). An element out
 * of place or missing its signal adds ((in[j] - in[i]) / sigma)^2 / n, so misplaced blocks show
 * at once; the exact, element-wise checks are in tests/test_noise.c (docs/noise.md). */
#include "kernel.h"
#include "noise.h"

#include "buffer.h"
#include "fill.h"
#include "reduce.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

enum { PARAM_SIGMA, PARAM_BITS, PARAM_STREAM };
enum { STREAM_SIGNAL = 0 };

/* The smallest sizes the statistical check holds at: 2 / sqrt(2^18) = 1/256, and the
 * tolerance below is 6.4 of those standard deviations. */
#define NOISE_MIN_SIZE  (1L << 18)
#define NOISE_TOLERANCE 0.025

/* Below these, sigma is under the rounding of a [-1, 1) signal (2^-24 and 2^-53 relative) and
 * out - in no longer measures the noise: refused rather than reported as a mismatch. */
#define NOISE_MIN_SIGMA_F32 1e-6
#define NOISE_MIN_SIGMA_F64 1e-14

struct noise_state {
    size_t n;
    int f32;
    double sigma;
    struct noise_source src;
    void *in, *out;
};

static void noise_destroy(struct noise_state *s) {
    if (!s)
        return;
    buffer_free(s->in);
    buffer_free(s->out);
    free(s);
}

/* Signal and output first-touched block by block with the runtime schedule of the omp run. */
static void fill_blocks(struct noise_state *s, uint64_t seed) {
    size_t n = s->n, nblocks = reduce_block_count(n, NOISE_BLOCK);
    double *in64 = s->in, *out64 = s->out;
    float *in32 = s->in, *out32 = s->out;
    int f32 = s->f32;
#pragma omp parallel for schedule(runtime)
    for (size_t b = 0; b < nblocks; b++) {
        size_t lo = b * NOISE_BLOCK, hi = lo + NOISE_BLOCK < n ? lo + NOISE_BLOCK : n;
        for (size_t i = lo; i < hi; i++) {
            double x = -1.0 + 2.0 * fill_uniform01(seed, STREAM_SIGNAL, i);
            if (f32) {
                in32[i] = (float)x;
                out32[i] = 0.0f;
            } else {
                in64[i] = x;
                out64[i] = 0.0;
            }
        }
    }
}

static int noise_setup(void **state, size_t size, const double *params, uint64_t seed) {
    struct noise_state *s = calloc(1, sizeof *s);
    if (!s)
        return ENOMEM;
    s->n = size;
    s->f32 = params[PARAM_BITS] == 32.0;
    s->sigma = params[PARAM_SIGMA];
    s->src = (struct noise_source){seed, (uint64_t)params[PARAM_STREAM], 0};
    size_t bytes = size * (s->f32 ? sizeof(float) : sizeof(double));
    s->in = buffer_alloc(bytes);
    s->out = buffer_alloc(bytes);
    if (!s->in || !s->out) {
        noise_destroy(s);
        return ENOMEM;
    }
    fill_blocks(s, seed);
    *state = s;
    return 0;
}

static int noise_run_ref(void *state) {
    struct noise_state *s = state;
    if (s->f32)
        return noise_add_ref_f32(s->out, s->n, s->in, s->n, s->sigma, s->src);
    return noise_add_ref_f64(s->out, s->n, s->in, s->n, s->sigma, s->src);
}

static int noise_run_omp(void *state) {
    struct noise_state *s = state;
    if (s->f32)
        return noise_add_f32(s->out, s->n, s->in, s->n, s->sigma, s->src);
    return noise_add_f64(s->out, s->n, s->in, s->n, s->sigma, s->src);
}

static int noise_run_gsl(void *state) {
    struct noise_state *s = state;
    if (s->f32)
        return noise_add_gsl_f32(s->out, s->n, s->in, s->n, s->sigma, s->src);
    return noise_add_gsl_f64(s->out, s->n, s->in, s->n, s->sigma, s->src);
}

/* Serial and compensated, so it adds no rounding worth speaking of to what it measures. */
static double noise_checksum(const void *state) {
    const struct noise_state *s = state;
    struct reduce_kahan acc = {0.0, 0.0};
    const double *in64 = s->in, *out64 = s->out;
    const float *in32 = s->in, *out32 = s->out;
    for (size_t i = 0; i < s->n; i++) {
        double d = s->f32 ? (double)out32[i] - (double)in32[i] : out64[i] - in64[i];
        reduce_kahan_add(&acc, d * d);
    }
    double sigma = s->f32 ? (double)(float)s->sigma : s->sigma;
    double power = reduce_kahan_value(&acc);
    return sigma > 0.0 ? power / ((double)s->n * sigma * sigma) : power;
}

static void noise_teardown(void *state) {
    noise_destroy(state);
}

static const char *noise_check(size_t size, const double *params) {
    (void)size;
    double bits = params[PARAM_BITS], sigma = params[PARAM_SIGMA];
    if (bits != 32.0 && bits != 64.0)
        return "bits must be 32 (float) or 64 (double)";
    if (sigma > 0.0 && sigma < (bits == 32.0 ? NOISE_MIN_SIGMA_F32 : NOISE_MIN_SIGMA_F64))
        return "sigma must be 0 or at least 1e-6 (bits=32) / 1e-14 (bits=64): smaller noise "
               "vanishes in the rounding of the signal and cannot be validated";
    return NULL;
}

/* Per sample: 2 flops for each uniform (u * 2^-32 + 2^-33), and per Box-Muller pair (two
 * samples) one log, one multiply by -2, one sqrt, one multiply by 2 pi; then per sample one
 * cos or sin, the product with the radius, sigma * z and the add. Functions count as one flop:
 * 2 + 4/2 + 4 = 8 flops a sample. Bytes: the signal read and the output written. */
static void noise_work(size_t size, const double *params, struct kernel_work *w) {
    double elem = params[PARAM_BITS] == 32.0 ? 4.0 : 8.0, n = (double)size;
    w->items = n;
    w->bytes = 2.0 * elem * n;
    w->flops = 8.0 * n;
    w->working_set = 2.0 * elem * n;
    w->iterations = reduce_block_count(size, NOISE_BLOCK);
    w->iteration_size = NOISE_BLOCK;
    w->iteration_bytes = 2.0 * elem * NOISE_BLOCK;
}

static const struct kernel_param noise_params[] = {
    {"sigma", PARAM_REAL, 0.1, 0.0, 1e6, "standard deviation of the noise (signal in [-1, 1))"},
    {"bits", PARAM_INTEGER, 64, 32, 64, "sample format: 32 (float) or 64 (double)"},
    {"stream", PARAM_INTEGER, 0, 0, 4294967295.0,
     "independent noise stream under the same seed (Philox counter words 2-3)"},
    {NULL, PARAM_INTEGER, 0, 0, 0, NULL},
};

static const struct kernel_variant noise_variants[] = {
    {"ref", "serial, Philox4x32-10 + Box-Muller with scalar glibc log, sqrt, cos, sin",
     VARIANT_SERIAL, noise_run_ref},
    {"omp", "blocks of 1024 over threads (schedule(runtime)), SIMD Philox, libmvec log/sin/cos",
     VARIANT_CHUNKED, noise_run_omp},
    {"gsl", "serial GSL gsl_ran_gaussian_ziggurat on mt19937 (other numbers, same statistics)",
     VARIANT_SERIAL | VARIANT_LIBRARY, noise_run_gsl},
    {NULL, NULL, 0, NULL},
};

/* Tolerance: the checksum is statistical (see the top of this file); 0.025 is 6.4 standard
 * deviations of the difference between two independent draws at the smallest size, and more at
 * any larger one. ref and omp agree to about 1e-15. */
const struct kernel noise_kernel = {
    .name = "noise",
    .group = "random",
    .summary = "Gaussian noise added to a signal: out = in + sigma * N(0, 1) (Philox, Box-Muller)",
    .item = "sample",
    .iteration = "block of 1024 samples",
    .size_name = "samples",
    .default_size = 10584000,
    .min_size = NOISE_MIN_SIZE,
    .max_size = 1L << 34,
    .small_size = NOISE_MIN_SIZE,
    .tolerance = NOISE_TOLERANCE,
    .params = noise_params,
    .variants = noise_variants,
    .work = noise_work,
    .check = noise_check,
    .setup = noise_setup,
    .checksum = noise_checksum,
    .teardown = noise_teardown,
};
