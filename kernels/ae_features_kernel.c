/* ae_features as a registered kernel: the features of a stream of synthetic acoustic-emission
 * hits, one hit per iteration of a schedule(runtime) loop, as the multiprocessing example of the
 * acoustic-emission story does with the records of a .tradb file (its chunk size is this
 * loop's chunk, in hits). `ompsweep ae` runs the same per-hit function on real files.
 *
 * A hit of n samples at fs = 1 MHz: a decaying burst A exp(-t/tau) sin(2 pi f t) starting at the
 * trigger (sample n/8), on uniform noise of +-0.2 mV, quantised to the int16 grid of a +-1 V
 * range (LSB 30.5 uV) as a recorder stores it, in float32 volts. A, f and tau vary per hit
 * (2 mV..0.5 V log-uniform, 50..250 kHz, 5..30 % of the record), so hits differ in counts and
 * rise time. Threshold 1 mV.
 *
 * The checksum sums, over hits in order, every feature made dimensionless: the counts and
 * indices, the rise time in samples, the amplitude, rms and std in thresholds, the energy and
 * signal strength as mean square and mean absolute value in thresholds, and the skewness.
 * ref (ae_features_ref) and omp (ae_features_compute) differ only in summation order. */
#include "ae_features.h"
#include "kernel.h"

#include "buffer.h"
#include "fill.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

enum { PARAM_SAMPLES };
enum { STREAM_AMPLITUDE = 1, STREAM_FREQUENCY, STREAM_DECAY, STREAM_NOISE };

#define AE_FS        1e6
#define AE_THRESHOLD 1e-3
#define AE_LSB       3.0517578125e-05 /* 1 V / 32768 */
#define AE_NOISE     2e-4

struct ae_features_state {
    size_t hits, samples;
    float *data;
    struct ae_features *features;
};

static void ae_features_destroy(struct ae_features_state *s) {
    if (!s)
        return;
    buffer_free(s->data);
    buffer_free(s->features);
    free(s);
}

static void make_hit(float *d, size_t n, uint64_t seed, uint64_t hit) {
    double amp = 0.002 * pow(250.0, fill_uniform01(seed, STREAM_AMPLITUDE, hit));
    double freq = 50e3 + 200e3 * fill_uniform01(seed, STREAM_FREQUENCY, hit);
    double tau = (double)n * (0.05 + 0.25 * fill_uniform01(seed, STREAM_DECAY, hit));
    size_t trigger = n / 8;
    for (size_t k = 0; k < n; k++) {
        double v = AE_NOISE * (2.0 * fill_uniform01(seed, STREAM_NOISE, hit * n + k) - 1.0);
        if (k >= trigger) {
            double t = (double)(k - trigger);
            v += amp * exp(-t / tau) * sin(2.0 * M_PI * freq * t / AE_FS);
        }
        d[k] = (float)nearbyint(v / AE_LSB) * (float)AE_LSB;
    }
}

/* Hits first-touched with the schedule of the omp variant. */
static int ae_features_setup(void **state, size_t size, const double *params, uint64_t seed) {
    struct ae_features_state *s = calloc(1, sizeof *s);
    if (!s)
        return ENOMEM;
    s->hits = size;
    s->samples = (size_t)params[PARAM_SAMPLES];
    s->data = buffer_alloc(s->hits * s->samples * sizeof(float));
    s->features = buffer_alloc(s->hits * sizeof(struct ae_features));
    if (!s->data || !s->features) {
        ae_features_destroy(s);
        return ENOMEM;
    }
    size_t n = s->samples;
#pragma omp parallel for schedule(runtime)
    for (size_t h = 0; h < s->hits; h++)
        make_hit(s->data + h * n, n, seed, h);
    *state = s;
    return 0;
}

static int ae_features_run_ref(void *state) {
    struct ae_features_state *s = state;
    for (size_t h = 0; h < s->hits; h++) {
        int rc = ae_features_ref(s->data + h * s->samples, s->samples, AE_THRESHOLD, AE_FS,
                                 &s->features[h]);
        if (rc)
            return rc;
    }
    return 0;
}

static int ae_features_run_omp(void *state) {
    struct ae_features_state *s = state;
    int failed = 0;
#pragma omp parallel for schedule(runtime) reduction(| : failed)
    for (size_t h = 0; h < s->hits; h++)
        failed |= ae_features_compute(s->data + h * s->samples, s->samples, AE_THRESHOLD, AE_FS,
                                      &s->features[h]) != 0;
    return failed ? EINVAL : 0;
}

static double ae_features_checksum(const void *state) {
    const struct ae_features_state *s = state;
    double n = (double)s->samples, thr = AE_THRESHOLD, sum = 0.0;
    for (size_t h = 0; h < s->hits; h++) {
        const struct ae_features *f = &s->features[h];
        sum += (double)(f->counts + f->peak_index + f->first_crossing) + f->rise_time * AE_FS;
        sum += (f->amplitude + f->rms + f->std) / thr + f->skewness;
        sum += f->energy * AE_FS * 1e-14 / (n * thr * thr) +
               f->signal_strength * AE_FS * 1e-9 / (n * thr);
    }
    return sum;
}

static void ae_features_teardown(void *state) {
    ae_features_destroy(state);
}

/* Per sample: the |d| maximum, two threshold comparisons, and the sums of y, y^2, y^3, x^2 and
 * |x| (y = x - d[0]): about 11 flops. Bytes: the samples, read once. */
static void ae_features_work(size_t size, const double *params, struct kernel_work *w) {
    double n = params[PARAM_SAMPLES], hits = (double)size;
    w->items = hits;
    w->bytes = 4.0 * n * hits;
    w->flops = 11.0 * n * hits;
    w->working_set = 4.0 * n * hits + (double)sizeof(struct ae_features) * hits;
    w->iterations = size;
    w->iteration_size = 1.0;
    w->iteration_bytes = 4.0 * n;
}

static const char *ae_features_check(size_t size, const double *params) {
    if ((double)size * params[PARAM_SAMPLES] > 0x1p33)
        return "hits x samples must not exceed 2^33 samples (32 GiB of float32)";
    return NULL;
}

static const struct kernel_param ae_features_params[] = {
    {"samples", PARAM_INTEGER, 5000, 64, 1 << 22, "samples per hit (1 MHz sample rate)"},
    {NULL, PARAM_INTEGER, 0, 0, 0, NULL},
};

static const struct kernel_variant ae_features_variants[] = {
    {"ref", "serial, one plain loop per feature, two-pass moments", VARIANT_SERIAL,
     ae_features_run_ref},
    {"omp", "hits over threads (schedule(runtime)), one vectorised pass per hit", VARIANT_CHUNKED,
     ae_features_run_omp},
    {NULL, NULL, 0, NULL},
};

const struct kernel ae_features_kernel = {
    .name = "ae_features",
    .group = "real data",
    .summary = "acoustic-emission hit features (amplitude, counts, energy, rise time, rms, "
               "skewness ...) of synthetic hits",
    .item = "hit",
    .iteration = "hit",
    .size_name = "hits",
    .map_chunks = "1,10,20,50,100,200,all",
    .default_size = 1000,
    .min_size = 1,
    .max_size = 1L << 24,
    .small_size = 64,
    .tolerance = 1e-9,
    .params = ae_features_params,
    .variants = ae_features_variants,
    .work = ae_features_work,
    .check = ae_features_check,
    .setup = ae_features_setup,
    .checksum = ae_features_checksum,
    .teardown = ae_features_teardown,
};
