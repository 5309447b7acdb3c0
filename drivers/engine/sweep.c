/* sweep: the plan's points and the helpers every part of a sweep shares (see sweep.h). */
#include "engine/sweep.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

static const char *const schedule_names[] = {"static", "dynamic", "guided"};

const char *sweep_schedule_name(int schedule) {
    return schedule >= 0 && schedule <= SCHED_GUIDED ? schedule_names[schedule] : "-";
}

int sweep_parse_schedule(const char *name) {
    for (int i = 0; i <= SCHED_GUIDED; i++)
        if (strcmp(name, schedule_names[i]) == 0)
            return i;
    return -1;
}

omp_sched_t sweep_omp_kind(int schedule) {
    switch (schedule) {
    case SCHED_DYNAMIC:
        return omp_sched_dynamic;
    case SCHED_GUIDED:
        return omp_sched_guided;
    default:
        return omp_sched_static;
    }
}

long long sweep_chunk_iterations(const struct chunk_spec *c, const struct kernel_work *w,
                                 int threads) {
    long long total = (long long)w->iterations;
    long long it;
    if (!c)
        return 0;
    switch (c->kind) {
    case CHUNK_ALL:
        it = (total + threads - 1) / threads;
        break;
    case CHUNK_COUNT:
        it = (long long)ceil((double)c->value / w->iteration_size);
        break;
    default:
        it = (long long)ceil((double)c->value / w->iteration_bytes);
        break;
    }
    if (it > total && total > 0) /* a chunk beyond the loop is the whole loop */
        it = total;
    return it < 1 ? 1 : it;
}

int sweep_default_threads(int cpus, long long **out, size_t *n) {
    *out = calloc(64, sizeof **out);
    if (!*out)
        return ENOMEM;
    *n = 0;
    for (long long t = 1; t <= cpus && *n < 63; t = cpus <= 8 ? t + 1 : t * 2)
        (*out)[(*n)++] = t;
    if (*n == 0 || (*out)[*n - 1] != cpus)
        (*out)[(*n)++] = cpus < 1 ? 1 : cpus;
    return 0;
}

int sweep_splits(const struct sweep_plan *plan) {
    return plan->ranks > 1 && plan->kernel->setup_part != NULL;
}

/* Whether the reference is timed at this size (gemm's triple loop is not, at n = 2000). */
int sweep_ref_runs(const struct kernel *k, long long size) {
    return k->ref_max_size <= 0 || size <= k->ref_max_size;
}

/* One point per schedule and chunk of a variant at a thread count. */
/* One point per schedule and chunk of a variant at a thread count. */
static size_t variant_points(const struct sweep_plan *plan, const struct kernel_variant *var,
                             int threads, long long size, long long base, struct sweep_spec *out) {
    int chunked = (var->flags & VARIANT_CHUNKED) != 0;
    size_t n = 0, nchunks = chunked && plan->nchunks ? plan->nchunks : 1;
    for (size_t s = 0; s < (chunked ? plan->nschedules : 1); s++)
        for (size_t c = 0; c < nchunks; c++)
            out[n++] = (struct sweep_spec){var,
                                           threads,
                                           chunked ? (int)plan->schedules[s] : -1,
                                           chunked && plan->nchunks ? (int)c : -1,
                                           size,
                                           base};
    return n;
}

/* The points of one size, in order: the reference, then every requested variant. In a weak
 * sweep, for each thread count: the reference at t x size, then the variants at t threads. */
static size_t plan_points(const struct sweep_plan *plan, long long size, struct sweep_spec *out) {
    size_t n = 0;
    const struct kernel_variant *ref = &plan->kernel->variants[0];
    long long ranks = sweep_splits(plan) ? plan->ranks : 1;
    for (size_t t = 0; t < (plan->weak ? plan->nthreads : 1); t++) {
        long long at = plan->weak ? size * plan->threads[t] * ranks : size;
        if (sweep_ref_runs(plan->kernel, at))
            out[n++] = (struct sweep_spec){ref, 1, -1, -1, at, size};
        for (size_t v = 0; v < plan->nvariants; v++) {
            const struct kernel_variant *var = plan->variants[v];
            if (var == ref)
                continue;
            if (plan->weak) {
                if (!(var->flags & VARIANT_SERIAL) || plan->threads[t] == 1)
                    n += variant_points(plan, var, (int)plan->threads[t], at, size, out + n);
                continue;
            }
            int serial = (var->flags & VARIANT_SERIAL) != 0;
            for (size_t u = 0; u < (serial ? 1 : plan->nthreads); u++)
                n += variant_points(plan, var, serial ? 1 : (int)plan->threads[u], size, size,
                                    out + n);
        }
    }
    return n;
}

size_t sweep_specs(const struct sweep_plan *plan, struct sweep_spec **specs) {
    size_t per_size = (1 + plan->nvariants * plan->nthreads * plan->nschedules *
                               (plan->nchunks ? plan->nchunks : 1)) *
                      (plan->weak ? plan->nthreads : 1);
    *specs = calloc(per_size * plan->nsizes, sizeof **specs);
    if (!*specs)
        return 0;
    size_t n = 0;
    for (size_t s = 0; s < plan->nsizes; s++)
        n += plan_points(plan, plan->sizes[s], *specs + n);
    return n;
}

void sweep_baselines(const struct sweep_plan *plan, const struct sweep_spec *specs, size_t n,
                     int *ref_of, int *one_of) {
    const struct kernel_variant *ref = &plan->kernel->variants[0];
    for (size_t i = 0; i < n; i++) {
        const struct sweep_spec *p = &specs[i];
        ref_of[i] = one_of[i] = -1;
        for (size_t j = 0; j < n; j++) {
            const struct sweep_spec *q = &specs[j];
            if (ref_of[i] < 0 && j != i && q->variant == ref && q->size == p->size)
                ref_of[i] = (int)j;
            if (one_of[i] < 0 && q->threads == 1 && q->variant == p->variant &&
                q->base_size == p->base_size && q->schedule == p->schedule &&
                q->chunk_index == p->chunk_index)
                one_of[i] = (int)j;
        }
    }
}

void sweep_result_free(struct sweep_result *res) {
    for (size_t i = 0; i < res->npoints; i++) {
        free(res->points[i].times);
        free(res->points[i].starts);
        free(res->points[i].rounds);
        free(res->points[i].cpus);
    }
    free(res->points);
    for (size_t i = 0; i < res->nrounds; i++)
        free(res->rounds[i].order);
    free(res->rounds);
    memset(res, 0, sizeof *res);
}
