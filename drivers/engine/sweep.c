#include "engine/sweep.h"

#include "engine/measure.h"
#include "machine/affinity.h"
#include "machine/context.h"
#include "machine/rank_places.h"
#include "machine/ranks.h"

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

/* A chunk as asked, in iterations of the scheduled loop (w: this rank's part of the point):
 * "all" is one chunk per thread; a chunk beyond the loop is the whole loop; 0 for OpenMP's
 * default (no chunk given). */
static long long chunk_iterations(const struct chunk_spec *c, const struct kernel_work *w,
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

/* What one point is: everything but its measurement. */
struct point_spec {
    const struct kernel_variant *variant;
    int threads, schedule, chunk_index;
    long long size, base_size;
};

static int validate(double checksum, double ref, double tolerance) {
    if (!isfinite(checksum) || !isfinite(ref))
        return 0;
    if (tolerance == 0.0)
        return memcmp(&checksum, &ref, sizeof ref) == 0;
    return fabs(checksum - ref) <= tolerance * fabs(ref);
}

/* The chunk is resolved against this rank's loop (local: its part of the point). */
static void set_icvs(const struct sweep_plan *plan, const struct point_spec *ps,
                     const struct kernel_work *local, struct sweep_point *pt) {
    const struct chunk_spec *c = ps->chunk_index >= 0 ? &plan->chunks[ps->chunk_index] : NULL;
    pt->chunk_iterations = chunk_iterations(c, local, ps->threads);
    pt->chunk_items = (long long)(pt->chunk_iterations * pt->work.iteration_size);
    pt->chunk_bytes = (double)pt->chunk_iterations * pt->work.iteration_bytes;
    omp_set_num_threads(ps->threads);
    omp_set_schedule(sweep_omp_kind(ps->schedule < 0 ? SCHED_STATIC : ps->schedule),
                     (int)(pt->chunk_iterations > 0x7fffffff ? 0x7fffffff : pt->chunk_iterations));
}

/* Threads the point runs in all: a nested variant runs `inner` threads in each of its own. */
static long long total_threads(const struct sweep_plan *plan, const struct point_spec *ps) {
    int inner = kernel_param_index(plan->kernel, "inner");
    if (!(ps->variant->flags & VARIANT_NESTED) || inner < 0)
        return ps->threads;
    return (long long)ps->threads * (long long)plan->params[inner];
}

int sweep_splits(const struct sweep_plan *plan) {
    return plan->ranks > 1 && plan->kernel->setup_part != NULL;
}

static int rank_count(const struct sweep_plan *plan) {
    return plan->ranks > 1 ? plan->ranks : 1;
}

/* This rank's part of a point of `size`: items [*first, *first + *local). */
static void rank_part(const struct sweep_plan *plan, long long size, size_t *first, size_t *local) {
    *first = 0;
    *local = (size_t)size;
    if (!sweep_splits(plan))
        return;
    struct kernel_work w;
    plan->kernel->work((size_t)size, plan->params, &w);
    size_t unit = w.iteration_size >= 1.0 ? (size_t)w.iteration_size : 1, fu, nu;
    ranks_split(w.iterations, ranks_rank(), plan->ranks, &fu, &nu);
    *first = fu * unit;
    *local = *first >= (size_t)size              ? 0
             : nu * unit > (size_t)size - *first ? (size_t)size - *first
                                                 : nu * unit;
}

/* The sum over the ranks of a value of each (itself with one rank), in a fixed order. */
static double combine(const struct sweep_plan *plan, double v) {
    int n = rank_count(plan);
    if (n == 1)
        return v;
    double small[64], *all = n <= 64 ? small : calloc((size_t)n, sizeof *all);
    if (!all)
        abort(); /* the other ranks would wait in the gather forever */
    ranks_allgather(v, all);
    double sum = ranks_combine_sum(all, n);
    if (all != small)
        free(all);
    return sum;
}

/* Work of the whole point: a split point's is that of its size; where every rank runs the
 * whole problem, R times one rank's. */
static void point_work(const struct sweep_plan *plan, long long size, struct kernel_work *w) {
    plan->kernel->work((size_t)size, plan->params, w);
    if (sweep_splits(plan) || rank_count(plan) == 1)
        return;
    double r = rank_count(plan);
    w->items *= r;
    w->bytes *= r;
    w->flops *= r;
    w->working_set *= r;
}

/* Sets up this rank's part; every rank learns whether all succeeded. */
static int setup_point(const struct sweep_plan *plan, const struct point_spec *ps, void **state,
                       char *err, size_t errlen) {
    const struct kernel *k = plan->kernel;
    size_t first, local;
    rank_part(plan, ps->size, &first, &local);
    int rc = sweep_splits(plan)
                 ? k->setup_part(state, first, local, (size_t)ps->size, plan->params, plan->seed)
                 : k->setup(state, local, plan->params, plan->seed);
    int any = (int)ranks_max((double)rc);
    if (!any)
        return 0;
    if (!rc)
        k->teardown(*state);
    if (rc)
        snprintf(err, errlen, "%s: setup at size %lld failed: %s", k->name, ps->size, strerror(rc));
    else
        snprintf(err, errlen, "%s: setup at size %lld failed on another rank", k->name, ps->size);
    return -1;
}

/* ref_checksum NaN: the point is the reference, or the reference was not run at this size
 * (above the kernel's ref_max_size) and the kernel's expected() stands in for it. */
static int measure_point(const struct sweep_plan *plan, const struct point_spec *ps,
                         double ref_checksum, struct sweep_point *pt, char *err, size_t errlen) {
    const struct kernel *k = plan->kernel;
    memset(pt, 0, sizeof *pt);
    pt->variant = ps->variant;
    pt->threads = ps->threads;
    pt->schedule = ps->schedule;
    pt->chunk_index = ps->chunk_index;
    pt->size = ps->size;
    pt->base_size = ps->base_size;
    point_work(plan, ps->size, &pt->work);
    size_t first, local;
    rank_part(plan, ps->size, &first, &local);
    struct kernel_work local_work;
    k->work(local, plan->params, &local_work);
    set_icvs(plan, ps, &local_work, pt);
    pt->ranks = rank_count(plan);
    pt->times = calloc((size_t)plan->samples, sizeof *pt->times);
    pt->cpus = calloc((size_t)ps->threads, sizeof *pt->cpus);
    if (!pt->times || !pt->cpus) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    affinity_thread_cpus(ps->threads, pt->cpus);
    void *state = NULL;
    if (setup_point(plan, ps, &state, err, errlen))
        return -1;
    pt->huge_page_bytes = context_anon_huge_bytes();
    struct measure_settings ms = {plan->samples, plan->min_time, 1L << 24};
    int rc = measure_variant(ps->variant, state, &ms, pt->times, &pt->reps);
    pt->checksum = rc ? NAN : combine(plan, k->checksum(state));
    int is_ref = ps->variant == &k->variants[0];
    if (!rc && isnan(ref_checksum) && !is_ref && k->expected)
        ref_checksum = combine(plan, k->expected(state));
    k->teardown(state);
    if (rc) {
        snprintf(err, errlen, "%s/%s failed: %s", k->name, ps->variant->name, strerror(rc));
        return -1;
    }
    /* Every rank learns of a failure here, so that none is left waiting at the next point. */
    if (ranks_max((double)(stats_compute(pt->times, (size_t)plan->samples, &pt->st) != 0))) {
        snprintf(err, errlen, "%s/%s: out of memory for the statistics", k->name,
                 ps->variant->name);
        return -1;
    }
    pt->items_per_s = pt->work.items / pt->st.median;
    pt->gbytes_per_s = pt->work.bytes / pt->st.median * 1e-9;
    pt->gflops = pt->work.flops / pt->st.median * 1e-9;
    /* No reference and no expected(): NaN, which never validates (fail closed). */
    pt->ref_checksum = is_ref ? pt->checksum : ref_checksum;
    pt->validated = validate(pt->checksum, pt->ref_checksum, k->tolerance);
    pt->rel_error = pt->ref_checksum == pt->checksum
                        ? 0.0
                        : fabs(pt->checksum - pt->ref_checksum) / fabs(pt->ref_checksum);
    pt->total_threads = total_threads(plan, ps);
    pt->oversubscribed = plan->places ? rank_places_oversubscribed(plan->places, pt->total_threads)
                                      : pt->total_threads > plan->cpus;
    pt->speedup = pt->efficiency = pt->ratio_ref = NAN;
    return 0;
}

static void report_progress(const struct sweep_plan *plan, size_t done, size_t total,
                            const struct sweep_point *pt) {
    if (!plan->progress)
        return;
    char chunk[32] = "-";
    if (pt->chunk_index >= 0)
        units_format_chunk(&plan->chunks[pt->chunk_index], chunk, sizeof chunk);
    fprintf(
        plan->progress, "[%zu/%zu] %s/%s size=%lld threads=%d schedule=%s chunk=%s: %.4g ms%s%s\n",
        done, total, plan->kernel->name, pt->variant->name, pt->size, pt->threads,
        sweep_schedule_name(pt->schedule), chunk, pt->st.median * 1e3,
        pt->validated ? "" : "  CHECKSUM MISMATCH", pt->oversubscribed ? "  (oversubscribed)" : "");
    fflush(plan->progress);
}

/* Whether the reference is timed at this size (gemm's triple loop is not, at n = 2000). */
int sweep_ref_runs(const struct kernel *k, long long size) {
    return k->ref_max_size <= 0 || size <= k->ref_max_size;
}

/* One point per schedule and chunk of a variant at a thread count. */
static size_t variant_points(const struct sweep_plan *plan, const struct kernel_variant *var,
                             int threads, long long size, long long base, struct point_spec *out) {
    int chunked = (var->flags & VARIANT_CHUNKED) != 0;
    size_t n = 0, nchunks = chunked && plan->nchunks ? plan->nchunks : 1;
    for (size_t s = 0; s < (chunked ? plan->nschedules : 1); s++)
        for (size_t c = 0; c < nchunks; c++)
            out[n++] = (struct point_spec){var,
                                           threads,
                                           chunked ? (int)plan->schedules[s] : -1,
                                           chunked && plan->nchunks ? (int)c : -1,
                                           size,
                                           base};
    return n;
}

/* The points of one size, in order: the reference, then every requested variant. In a weak
 * sweep, for each thread count: the reference at t x size, then the variants at t threads. */
static size_t plan_points(const struct sweep_plan *plan, long long size, struct point_spec *out) {
    size_t n = 0;
    const struct kernel_variant *ref = &plan->kernel->variants[0];
    long long ranks = sweep_splits(plan) ? plan->ranks : 1;
    for (size_t t = 0; t < (plan->weak ? plan->nthreads : 1); t++) {
        long long at = plan->weak ? size * plan->threads[t] * ranks : size;
        if (sweep_ref_runs(plan->kernel, at))
            out[n++] = (struct point_spec){ref, 1, -1, -1, at, size};
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

/* Speedup against the 1-thread point of the same variant, --size, schedule and chunk: work
 * per second relative to it, so a weak sweep's point (t times the work) gets the scaled
 * speedup t x T(1, n) / T(t, t n) and a strong sweep's the usual T(1) / T(t). */
static void derive_ratios(struct sweep_result *res) {
    for (size_t i = 0; i < res->npoints; i++) {
        struct sweep_point *p = &res->points[i];
        for (size_t j = 0; j < res->npoints; j++) {
            const struct sweep_point *q = &res->points[j];
            if (q->threads == 1 && q->variant == p->variant && q->base_size == p->base_size &&
                q->schedule == p->schedule && q->chunk_index == p->chunk_index) {
                p->speedup = ((double)p->size / (double)q->size) * q->st.median / p->st.median;
                p->efficiency = p->speedup / p->threads;
                break;
            }
        }
    }
}

int sweep_run(const struct sweep_plan *plan, struct sweep_result *res, char *err, size_t errlen) {
    size_t per_size = (1 + plan->nvariants * plan->nthreads * plan->nschedules *
                               (plan->nchunks ? plan->nchunks : 1)) *
                      (plan->weak ? plan->nthreads : 1);
    size_t total_max = per_size * plan->nsizes;
    memset(res, 0, sizeof *res);
    struct point_spec *specs = calloc(total_max, sizeof *specs);
    res->points = calloc(total_max, sizeof *res->points);
    if (!specs || !res->points) {
        free(specs);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t total = 0;
    for (size_t s = 0; s < plan->nsizes; s++)
        total += plan_points(plan, plan->sizes[s], specs + total);
    int rc = 0;
    double ref_checksum = NAN, ref_median = NAN;
    for (size_t i = 0; i < total && !rc; i++) {
        int is_ref = specs[i].variant == &plan->kernel->variants[0];
        if (i == 0 || specs[i].size != specs[i - 1].size)
            ref_checksum = ref_median = NAN;
        rc = measure_point(plan, &specs[i], is_ref ? NAN : ref_checksum, &res->points[i], err,
                           errlen);
        res->npoints = i + 1;
        if (rc)
            break;
        if (is_ref) {
            ref_checksum = res->points[i].checksum;
            ref_median = res->points[i].st.median;
        }
        res->points[i].ratio_ref = ref_median / res->points[i].st.median;
        report_progress(plan, i + 1, total, &res->points[i]);
    }
    free(specs);
    derive_ratios(res);
    return rc ? -1 : 0;
}

void sweep_result_free(struct sweep_result *res) {
    for (size_t i = 0; i < res->npoints; i++) {
        free(res->points[i].times);
        free(res->points[i].cpus);
    }
    free(res->points);
    memset(res, 0, sizeof *res);
}
