#include "cpu_loop.h"

#include "kernel.h"

#include <errno.h>
#include <stdlib.h>

static uint64_t finalise(uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t start(uint64_t seed, uint64_t i) {
    return finalise(seed ^ finalise(i));
}

/* Shift-xor then multiply-add modulo 2^64: no closed form for the compiler's scalar evolution
 * to replace the loop with (docs/cpu_loop.md); each step depends on the previous one. */
static inline uint64_t step(uint64_t x) {
    return (x ^ (x >> 32)) * 0xD6E8FEB86659FD93ull + 0x9E3779B97F4A7C15ull;
}

uint64_t cpu_loop_item(uint64_t seed, uint64_t i, uint64_t steps) {
    uint64_t x = start(seed, i);
    for (uint64_t s = 0; s < steps; s++)
        x = step(x);
    return x;
}

/* A full group's items advanced together: CPU_LOOP_GROUP independent chains in flight. */
static uint64_t group_interleaved(uint64_t seed, uint64_t first, uint64_t steps) {
    uint64_t x[CPU_LOOP_GROUP], sum = 0;
    for (int l = 0; l < CPU_LOOP_GROUP; l++)
        x[l] = start(seed, first + (uint64_t)l);
    for (uint64_t s = 0; s < steps; s++)
        for (int l = 0; l < CPU_LOOP_GROUP; l++)
            x[l] = step(x[l]);
    for (int l = 0; l < CPU_LOOP_GROUP; l++)
        sum += x[l];
    return sum;
}

static int check_args(size_t n, uint64_t steps, const uint64_t *result) {
    return n == 0 || steps == 0 || !result ? EINVAL : 0;
}

int cpu_loop_ref(uint64_t seed, size_t n, uint64_t steps, uint64_t *result) {
    int rc = check_args(n, steps, result);
    if (rc)
        return rc;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += cpu_loop_item(seed, i, steps);
    *result = total;
    return 0;
}

/* Unsigned sums wrap: the reduction is exact and its order does not matter. */
int cpu_loop_omp(uint64_t seed, size_t n, uint64_t steps, uint64_t *result) {
    int rc = check_args(n, steps, result);
    if (rc)
        return rc;
    size_t ngroups = (n + CPU_LOOP_GROUP - 1) / CPU_LOOP_GROUP;
    uint64_t total = 0;
#pragma omp parallel for schedule(runtime) reduction(+ : total)
    for (size_t g = 0; g < ngroups; g++) {
        size_t lo = g * CPU_LOOP_GROUP, hi = n - lo < CPU_LOOP_GROUP ? n : lo + CPU_LOOP_GROUP;
        for (size_t i = lo; i < hi; i++)
            total += cpu_loop_item(seed, i, steps);
    }
    *result = total;
    return 0;
}

int cpu_loop_omp_ilp(uint64_t seed, size_t n, uint64_t steps, uint64_t *result) {
    int rc = check_args(n, steps, result);
    if (rc)
        return rc;
    size_t ngroups = (n + CPU_LOOP_GROUP - 1) / CPU_LOOP_GROUP;
    uint64_t total = 0;
#pragma omp parallel for schedule(runtime) reduction(+ : total)
    for (size_t g = 0; g < ngroups; g++) {
        size_t lo = g * CPU_LOOP_GROUP;
        if (n - lo >= CPU_LOOP_GROUP) {
            total += group_interleaved(seed, lo, steps);
            continue;
        }
        for (size_t i = lo; i < n; i++)
            total += cpu_loop_item(seed, i, steps);
    }
    *result = total;
    return 0;
}

double cpu_loop_fold(uint64_t result) {
    return (double)((result ^ (result >> 53)) & ((1ull << 53) - 1));
}

/* ---- registry glue ---------------------------------------------------------------------- */

enum { PARAM_STEPS };

struct cpu_loop_state {
    uint64_t seed, steps, result;
    size_t n;
};

static int cpu_loop_setup(void **state, size_t size, const double *params, uint64_t seed) {
    struct cpu_loop_state *s = calloc(1, sizeof *s);
    if (!s)
        return ENOMEM;
    s->seed = seed;
    s->n = size;
    s->steps = (uint64_t)params[PARAM_STEPS];
    *state = s;
    return 0;
}

static int cpu_loop_run_ref(void *state) {
    struct cpu_loop_state *s = state;
    return cpu_loop_ref(s->seed, s->n, s->steps, &s->result);
}

static int cpu_loop_run_omp(void *state) {
    struct cpu_loop_state *s = state;
    return cpu_loop_omp(s->seed, s->n, s->steps, &s->result);
}

static int cpu_loop_run_omp_ilp(void *state) {
    struct cpu_loop_state *s = state;
    return cpu_loop_omp_ilp(s->seed, s->n, s->steps, &s->result);
}

static double cpu_loop_checksum(const void *state) {
    return cpu_loop_fold(((const struct cpu_loop_state *)state)->result);
}

static void cpu_loop_teardown(void *state) {
    free(state);
}

/* No floating point and no arrays: the rate is items/s. The only memory written is the 8-byte
 * result; a chunk given in bytes counts 8 bytes (one value) per item. */
static void cpu_loop_work(size_t size, const double *params, struct kernel_work *w) {
    (void)params;
    w->items = (double)size;
    w->bytes = 8.0;
    w->flops = 0.0;
    w->working_set = 8.0;
    w->iterations = (size + CPU_LOOP_GROUP - 1) / CPU_LOOP_GROUP;
    w->iteration_size = CPU_LOOP_GROUP;
    w->iteration_bytes = 8.0 * CPU_LOOP_GROUP;
}

static const struct kernel_param cpu_loop_params[] = {
    {"steps", PARAM_INTEGER, 1000, 1, 1e9, "recurrence steps per item (the work of one item)"},
    {NULL, PARAM_INTEGER, 0, 0, 0, NULL},
};

static const struct kernel_variant cpu_loop_variants[] = {
    {"ref", "serial, one item after another", VARIANT_SERIAL, cpu_loop_run_ref},
    {"omp", "groups of 8 items over threads (schedule(runtime)), items one after another",
     VARIANT_CHUNKED, cpu_loop_run_omp},
    {"omp_ilp", "as omp, each group's 8 items interleaved (8 dependency chains in flight)",
     VARIANT_CHUNKED, cpu_loop_run_omp_ilp},
    {NULL, NULL, 0, NULL},
};

/* Tolerance 0: integer arithmetic modulo 2^64, summed exactly. */
const struct kernel cpu_loop_kernel = {
    .name = "cpu_loop",
    .group = "compute",
    .summary = "integer recurrence per item (steps x shift-xor-multiply), no memory traffic",
    .item = "item",
    .iteration = "group of 8 items",
    .size_name = "items",
    .default_size = 20000,
    .min_size = 1,
    .max_size = 1L << 40,
    .small_size = 1001,
    .tolerance = 0.0,
    .params = cpu_loop_params,
    .variants = cpu_loop_variants,
    .work = cpu_loop_work,
    .check = NULL,
    .setup = cpu_loop_setup,
    .checksum = cpu_loop_checksum,
    .teardown = cpu_loop_teardown,
};
