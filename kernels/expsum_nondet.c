#include "expsum_nondet.h"

#include "expsum.h"
#include "kernel.h"
#include "vexp.h"

#include "buffer.h"
#include "fill.h"

#include <errno.h>
#include <stdlib.h>

double expsum_reduction(const double *a, size_t n) {
    double s = 0.0;
#pragma omp parallel for simd schedule(runtime) reduction(+ : s)
    for (size_t i = 0; i < n; i++)
        s += exp(a[i]);
    return s;
}

/* ---- registry glue ---------------------------------------------------------------------- */

struct expsum_nondet_state {
    double *a;
    size_t n;
    double result;
};

/* The inputs of expsum (uniform in [-1, 1), stream 0), so both kernels have the same
 * reference sum at the same size and seed. */
static int expsum_nondet_setup(void **state, size_t size, const double *params, uint64_t seed) {
    (void)params;
    struct expsum_nondet_state *s = calloc(1, sizeof *s);
    if (!s)
        return ENOMEM;
    s->n = size;
    s->a = buffer_alloc(size * sizeof(double));
    if (!s->a) {
        free(s);
        return ENOMEM;
    }
    fill_uniform_array(s->a, size, -1.0, 1.0, seed, 0);
    *state = s;
    return 0;
}

static int expsum_nondet_run_ref(void *state) {
    struct expsum_nondet_state *s = state;
    s->result = expsum_ref(s->a, s->n);
    return 0;
}

static int expsum_nondet_run_reduction(void *state) {
    struct expsum_nondet_state *s = state;
    s->result = expsum_reduction(s->a, s->n);
    return 0;
}

static double expsum_nondet_checksum(const void *state) {
    return ((const struct expsum_nondet_state *)state)->result;
}

static void expsum_nondet_teardown(void *state) {
    struct expsum_nondet_state *s = state;
    if (!s)
        return;
    buffer_free(s->a);
    free(s);
}

/* As expsum, but the scheduled loop runs over single elements, so a chunk is any count. */
static void expsum_nondet_work(size_t size, const double *params, struct kernel_work *w) {
    (void)params;
    w->items = (double)size;
    w->bytes = 8.0 * (double)size;
    w->flops = 2.0 * (double)size;
    w->working_set = 8.0 * (double)size;
    w->iterations = size;
    w->iteration_size = 1.0;
    w->iteration_bytes = 8.0;
}

static const struct kernel_param expsum_nondet_params[] = {{NULL, PARAM_INTEGER, 0, 0, 0, NULL}};

static const struct kernel_variant expsum_nondet_variants[] = {
    {"ref", "serial, scalar glibc exp, compensated sum (as expsum's)", VARIANT_SERIAL,
     expsum_nondet_run_ref},
    {"omp_reduce",
     "parallel for simd reduction(+:s) schedule(runtime): the order of the sum is OpenMP's",
     VARIANT_CHUNKED, expsum_nondet_run_reduction},
    {NULL, NULL, 0, NULL},
};

/* Tolerance. The terms t_i = exp(a_i) are all positive. OpenMP and the compiler may sum them
 * in any order (lanes, threads, the order threads finish), so the only bound that holds for
 * every schedule is the one for any summation tree of n terms: each term passes through at
 * most n - 1 additions, and the computed sum is within gamma_{n-1} * sum |t_i| of the exact
 * sum of the computed terms, gamma_k = k u / (1 - k u), u = 2^-53 (Higham, Accuracy and
 * Stability of Numerical Algorithms, 2nd ed., sec. 4.2). With positive terms sum |t_i| is the
 * sum itself, so this is a relative bound. libmvec's exp adds at most 4 ulp = 8u relative per
 * term, the reference (scalar exp, < 1 ulp; compensated sum) at most about 4u. At the largest
 * size, n = 2^26: gamma_{n-1} < 2^26 * 2^-53 * (1 + 1e-8) = 7.451e-9, plus 12u = 1.4e-15:
 * under 7.46e-9, so 1e-8 holds at every size with a margin. The error actually seen is far
 * smaller (rounding errors mostly cancel): the rel_error column of a run shows it. */
const struct kernel expsum_nondet_kernel = {
    .name = "expsum_nondet",
    .group = "reduction",
    .summary = "sum of exp(a[i]) with OpenMP's reduction(+:s): bits vary with threads and runs",
    .item = "element",
    .iteration = "element",
    .size_name = "elements",
    .default_size = 10000000,
    .min_size = 1,
    .max_size = 1L << 26,
    .tolerance = 1e-8,
    .params = expsum_nondet_params,
    .variants = expsum_nondet_variants,
    .work = expsum_nondet_work,
    .check = NULL,
    .setup = expsum_nondet_setup,
    .checksum = expsum_nondet_checksum,
    .teardown = expsum_nondet_teardown,
};
