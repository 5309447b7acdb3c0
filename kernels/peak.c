/* The multiply-adds are explicit FMA intrinsics where the build has FMA, so they stay fused at
 * any optimisation level (ISO C mode forbids the compiler to contract a * b + c by itself).
 * Check: objdump -d build/kernels/peak.o | grep vfmadd. */
#include "peak.h"

#include "kernel.h"

#include "buffer.h"
#include "fill.h"
#include "reduce.h"

#include <errno.h>
#include <stdlib.h>

#if defined(__AVX512F__) || defined(__FMA__)
#include <immintrin.h>
#endif

/* Chains: FMA latency (4 cycles) x 2 FMA pipes = 8 in flight at least; 16 zmm accumulators
 * plus a and b use 18 of the 32 AVX-512 registers. With 16 registers (AVX, SSE) 12 chains
 * and two constants still fit. */
#if defined(__AVX512F__)
#define PEAK_BYTES  64
#define PEAK_CHAINS 16
#elif defined(__AVX__)
#define PEAK_BYTES  32
#define PEAK_CHAINS 12
#else
#define PEAK_BYTES  16
#define PEAK_CHAINS 12
#endif

enum { LANES = PEAK_BYTES / sizeof(double) };
typedef double vec __attribute__((vector_size(PEAK_BYTES)));

/* x * a + b with one rounding where the hardware has FMA (2 flops either way). */
#if defined(__AVX512F__)
#define PEAK_FMA 1
static inline vec fmadd(vec x, vec a, vec b) {
    return _mm512_fmadd_pd(x, a, b);
}
#elif defined(__FMA__) && PEAK_BYTES == 32
#define PEAK_FMA 1
static inline vec fmadd(vec x, vec a, vec b) {
    return _mm256_fmadd_pd(x, a, b);
}
#elif defined(__FMA__)
#define PEAK_FMA 1
static inline vec fmadd(vec x, vec a, vec b) {
    return _mm_fmadd_pd(x, a, b);
}
#elif defined(__FP_FAST_FMA)
#define PEAK_FMA 1
static inline vec fmadd(vec x, vec a, vec b) {
    vec r;
    for (int l = 0; l < LANES; l++)
        r[l] = __builtin_fma(x[l], a[l], b[l]);
    return r;
}
#else
#define PEAK_FMA 0
static inline vec fmadd(vec x, vec a, vec b) {
    return x * a + b;
}
#endif

int peak_uses_fma(void) {
    return PEAK_FMA;
}

int peak_vector_doubles(void) {
    return LANES;
}

int peak_chains(void) {
    return PEAK_CHAINS;
}

double peak_flops_per_unit(uint64_t inner) {
    return 2.0 * LANES * PEAK_CHAINS * (double)inner;
}

/* a lies in (1 - 2^-11, 1 - 2^-12]: close enough to 1 that a unit's starting values still
 * show in its result after thousands of steps, and the fixed point b / (1 - a) is 1.5. */
static double unit(uint64_t seed, uint64_t u, uint64_t inner) {
    vec lane, acc[PEAK_CHAINS];
    for (int l = 0; l < LANES; l++)
        lane[l] = (double)l;
    double x0 = 1.0 + fill_uniform01(seed, 0, u);
    vec a = 1.0 - (1.0 + lane / LANES) * 0x1p-12;
    vec b = (1.0 - a) * 1.5;
#pragma GCC unroll 16
    for (int j = 0; j < PEAK_CHAINS; j++)
        acc[j] = x0 + lane * 0x1p-4 + (double)j * 0x1p-6;
    for (uint64_t k = 0; k < inner; k++) {
#pragma GCC unroll 16
        for (int j = 0; j < PEAK_CHAINS; j++)
            acc[j] = fmadd(acc[j], a, b);
    }
    vec s = acc[0];
#pragma GCC unroll 16
    for (int j = 1; j < PEAK_CHAINS; j++)
        s += acc[j];
    double t = 0.0;
    for (int l = 0; l < LANES; l++)
        t += s[l];
    return t;
}

static int check_args(size_t units, uint64_t inner, const double *results) {
    return units == 0 || inner == 0 || !results ? EINVAL : 0;
}

int peak_run_ref(uint64_t seed, size_t units, uint64_t inner, double *results) {
    int rc = check_args(units, inner, results);
    if (rc)
        return rc;
    for (size_t u = 0; u < units; u++)
        results[u] = unit(seed, u, inner);
    return 0;
}

int peak_run_omp(uint64_t seed, size_t units, uint64_t inner, double *results) {
    int rc = check_args(units, inner, results);
    if (rc)
        return rc;
#pragma omp parallel for schedule(runtime)
    for (size_t u = 0; u < units; u++)
        results[u] = unit(seed, u, inner);
    return 0;
}

/* ---- registry glue ---------------------------------------------------------------------- */

enum { PARAM_INNER };

struct peak_state {
    uint64_t seed, inner;
    size_t units;
    double *results;
};

static int peak_setup(void **state, size_t size, const double *params, uint64_t seed) {
    struct peak_state *s = calloc(1, sizeof *s);
    if (!s)
        return ENOMEM;
    s->seed = seed;
    s->units = size;
    s->inner = (uint64_t)params[PARAM_INNER];
    s->results = buffer_alloc(size * sizeof(double));
    if (!s->results) {
        free(s);
        return ENOMEM;
    }
    double *r = s->results;
#pragma omp parallel for schedule(runtime)
    for (size_t u = 0; u < size; u++)
        r[u] = 0.0;
    *state = s;
    return 0;
}

static int peak_run_ref_state(void *state) {
    struct peak_state *s = state;
    return peak_run_ref(s->seed, s->units, s->inner, s->results);
}

static int peak_run_omp_state(void *state) {
    struct peak_state *s = state;
    return peak_run_omp(s->seed, s->units, s->inner, s->results);
}

static double peak_checksum(const void *state) {
    const struct peak_state *s = state;
    return reduce_pairwise(s->results, s->units);
}

static void peak_teardown(void *state) {
    struct peak_state *s = state;
    if (!s)
        return;
    buffer_free(s->results);
    free(s);
}

/* Memory traffic is one 8-byte result per unit; everything else stays in registers. */
static void peak_work(size_t size, const double *params, struct kernel_work *w) {
    double n = (double)size;
    w->items = n;
    w->bytes = 8.0 * n;
    w->flops = n * peak_flops_per_unit((uint64_t)params[PARAM_INNER]);
    w->working_set = 8.0 * n;
    w->iterations = size;
    w->iteration_size = 1.0;
    w->iteration_bytes = 8.0;
}

static const struct kernel_param peak_params[] = {
    {"inner", PARAM_INTEGER, 1000, 1, 1e8, "FMA rounds per unit (each: one FMA on every chain)"},
    {NULL, PARAM_INTEGER, 0, 0, 0, NULL},
};

static const struct kernel_variant peak_variants[] = {
    {"ref", "serial, one unit after another", VARIANT_SERIAL, peak_run_ref_state},
    {"omp", "units over threads (schedule(runtime))", VARIANT_CHUNKED, peak_run_omp_state},
    {NULL, NULL, 0, NULL},
};

/* Tolerance 0: both variants run the same unit code on the same inputs, and the sum of the
 * per-unit results is formed in a fixed order after the run. */
const struct kernel peak_flops_kernel = {
    .name = "peak_flops",
    .group = "compute",
    .summary = "peak double-precision FLOP/s: independent vector FMA chains in registers",
    .item = "unit",
    .iteration = "unit",
    .size_name = "units",
    .default_size = 10000,
    .min_size = 1,
    .max_size = 1L << 32,
    .small_size = 64,
    .tolerance = 0.0,
    .params = peak_params,
    .variants = peak_variants,
    .work = peak_work,
    .check = NULL,
    .setup = peak_setup,
    .checksum = peak_checksum,
    .teardown = peak_teardown,
};
