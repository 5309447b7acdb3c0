/* sweep_states: shared states, calibration, validation and sampling of a sweep's points (see
 * sweep_states.h). */
#include "engine/sweep_states.h"

#include "engine/measure.h"
#include "machine/affinity.h"
#include "machine/context.h"
#include "machine/rank_places.h"
#include "machine/ranks.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A sample repeats its runs at most this often, so slow runs stay one per sample. */
#define MAX_REPS (1L << 24)

static int validate(double checksum, double ref, double tolerance) {
    if (!isfinite(checksum) || !isfinite(ref))
        return 0;
    if (tolerance == 0.0)
        return memcmp(&checksum, &ref, sizeof ref) == 0;
    return fabs(checksum - ref) <= tolerance * fabs(ref);
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

double sweep_states_bytes(const struct sweep_plan *plan, const struct sweep_spec *spec) {
    size_t first, local;
    rank_part(plan, spec->size, &first, &local);
    struct kernel_work w;
    plan->kernel->work(local, plan->params, &w);
    return w.working_set;
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

/* Threads the point runs in all: a nested variant runs `inner` threads in each of its own. */
static long long total_threads(const struct sweep_plan *plan, const struct sweep_spec *ps) {
    int inner = kernel_param_index(plan->kernel, "inner");
    if (!(ps->variant->flags & VARIANT_NESTED) || inner < 0)
        return ps->threads;
    return (long long)ps->threads * (long long)plan->params[inner];
}

/* The point's threads, schedule and chunk, the chunk resolved against this rank's loop. */
static void set_icvs(const struct sweep_plan *plan, const struct sweep_spec *ps,
                     const struct sweep_point *pt) {
    omp_set_num_threads(ps->threads);
    omp_set_schedule(sweep_omp_kind(ps->schedule < 0 ? SCHED_STATIC : ps->schedule),
                     (int)(pt->chunk_iterations > 0x7fffffff ? 0x7fffffff : pt->chunk_iterations));
    (void)plan;
}

/* What a point is, before it is measured: its work, chunk, threads and placement. */
static void describe(const struct sweep_plan *plan, const struct sweep_spec *ps,
                     struct sweep_point *pt) {
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
    struct kernel_work lw;
    plan->kernel->work(local, plan->params, &lw);
    const struct chunk_spec *c = ps->chunk_index >= 0 ? &plan->chunks[ps->chunk_index] : NULL;
    pt->chunk_iterations = sweep_chunk_iterations(c, &lw, ps->threads);
    pt->chunk_items = (long long)(pt->chunk_iterations * pt->work.iteration_size);
    pt->chunk_bytes = (double)pt->chunk_iterations * pt->work.iteration_bytes;
    pt->ranks = rank_count(plan);
    pt->total_threads = total_threads(plan, ps);
    pt->oversubscribed = plan->places ? rank_places_oversubscribed(plan->places, pt->total_threads)
                                      : pt->total_threads > plan->cpus;
    pt->speedup = pt->efficiency = pt->ratio_ref = NAN;
    pt->speedup_low = pt->speedup_high = pt->efficiency_low = pt->efficiency_high = NAN;
    pt->ratio_ref_low = pt->ratio_ref_high = NAN;
}

/* Sets up this rank's part of a group's state; every rank learns whether all succeeded. */
static int setup_group(const struct sweep_plan *plan, struct sweep_group *g, char *err,
                       size_t errlen) {
    const struct kernel *k = plan->kernel;
    size_t first, local;
    rank_part(plan, g->size, &first, &local);
    int rc = sweep_splits(plan)
                 ? k->setup_part(&g->state, first, local, (size_t)g->size, plan->params, plan->seed)
                 : k->setup(&g->state, local, plan->params, plan->seed);
    int any = (int)ranks_max((double)rc);
    if (!any)
        return 0;
    if (!rc)
        k->teardown(g->state);
    g->state = NULL;
    if (rc)
        snprintf(err, errlen, "%s: setup at size %lld failed: %s", k->name, g->size, strerror(rc));
    else
        snprintf(err, errlen, "%s: setup at size %lld failed on another rank", k->name, g->size);
    return -1;
}

static void progress(const struct sweep_plan *plan, size_t done, size_t total,
                     const struct sweep_point *pt) {
    if (!plan->progress)
        return;
    char chunk[32] = "-";
    if (pt->chunk_index >= 0)
        units_format_chunk(&plan->chunks[pt->chunk_index], chunk, sizeof chunk);
    fprintf(plan->progress,
            "[%zu/%zu] %s/%s size=%lld threads=%d schedule=%s chunk=%s: %ld run%s a sample%s%s\n",
            done, total, plan->kernel->name, pt->variant->name, pt->size, pt->threads,
            sweep_schedule_name(pt->schedule), chunk, pt->reps, pt->reps == 1 ? "" : "s",
            pt->validated ? "" : "  CHECKSUM MISMATCH",
            pt->oversubscribed ? "  (oversubscribed)" : "");
    fflush(plan->progress);
}

/* Warm-up, calibration, checksum and validation of open point k. */
static int prepare_point(struct sweep_states *st, size_t k, const int *ref_of, char *err,
                         size_t errlen) {
    const struct sweep_plan *plan = st->plan;
    const struct kernel *k_ = plan->kernel;
    size_t i = (size_t)st->index[k];
    const struct sweep_spec *ps = &st->specs[i];
    struct sweep_point *pt = &st->points[i];
    void *state = st->groups[st->group_of[k]].state;
    describe(plan, ps, pt);
    pt->cpus = calloc((size_t)ps->threads, sizeof *pt->cpus);
    if (!pt->cpus) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    set_icvs(plan, ps, pt);
    affinity_thread_cpus(ps->threads, pt->cpus);
    pt->huge_page_bytes = context_anon_huge_bytes();
    int rc = measure_calibrate(ps->variant, state, plan->min_time, MAX_REPS, &pt->reps);
    if (rc) {
        snprintf(err, errlen, "%s/%s failed: %s", k_->name, ps->variant->name, strerror(rc));
        return -1;
    }
    pt->checksum = combine(plan, k_->checksum(state));
    int ref = ref_of[i];
    if (ps->variant == &k_->variants[0])
        pt->ref_checksum = pt->checksum;
    else if (ref >= 0)
        pt->ref_checksum = st->points[ref].checksum;
    else /* No reference and no expected(): NaN, which never validates (fail closed). */
        pt->ref_checksum = k_->expected ? combine(plan, k_->expected(state)) : NAN;
    pt->validated = validate(pt->checksum, pt->ref_checksum, k_->tolerance);
    pt->rel_error = pt->ref_checksum == pt->checksum
                        ? 0.0
                        : fabs(pt->checksum - pt->ref_checksum) / fabs(pt->ref_checksum);
    return 0;
}

/* The group of (size, threads) among the first n groups, or n. */
static size_t find_group(const struct sweep_group *g, size_t n, long long size, int threads) {
    for (size_t i = 0; i < n; i++)
        if (g[i].size == size && g[i].threads == threads)
            return i;
    return n;
}

int sweep_states_open(struct sweep_states *st, const struct sweep_plan *plan,
                      const struct sweep_spec *specs, struct sweep_point *points, const int *ref_of,
                      const int *index, size_t n, char *err, size_t errlen) {
    memset(st, 0, sizeof *st);
    st->plan = plan;
    st->specs = specs;
    st->points = points;
    st->index = index;
    st->n = n;
    st->group_of = calloc(n ? n : 1, sizeof *st->group_of);
    st->groups = calloc(n ? n : 1, sizeof *st->groups);
    if (!st->group_of || !st->groups) {
        sweep_states_close(st);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        const struct sweep_spec *ps = &specs[index[k]];
        size_t g = find_group(st->groups, st->ngroups, ps->size, ps->threads);
        if (g == st->ngroups)
            st->groups[st->ngroups++] = (struct sweep_group){ps->size, ps->threads, NULL};
        st->group_of[k] = (int)g;
    }
    for (size_t k = 0; k < n; k++) {
        struct sweep_group *g = &st->groups[st->group_of[k]];
        int rc = 0;
        if (!g->state) { /* first-touched under the first point's threads and schedule */
            describe(plan, &specs[index[k]], &points[index[k]]);
            set_icvs(plan, &specs[index[k]], &points[index[k]]);
            rc = setup_group(plan, g, err, errlen);
        }
        if (!rc)
            rc = prepare_point(st, k, ref_of, err, errlen);
        /* Every rank learns of a failure here, so that none is left waiting at the next one. */
        if (ranks_max((double)(rc != 0))) {
            if (!rc)
                snprintf(err, errlen, "%s: failed on another rank", plan->kernel->name);
            sweep_states_close(st);
            return -1;
        }
        progress(plan, k + 1, n, &points[index[k]]);
    }
    return 0;
}

int sweep_states_sample(void *states, size_t k, double *seconds) {
    struct sweep_states *st = states;
    size_t i = (size_t)st->index[k];
    const struct sweep_spec *ps = &st->specs[i];
    const struct sweep_point *pt = &st->points[i];
    set_icvs(st->plan, ps, pt);
    double t;
    int rc = measure_runs(ps->variant, st->groups[st->group_of[k]].state, pt->reps, &t);
    *seconds = t / (double)pt->reps;
    return rc;
}

void sweep_states_close(struct sweep_states *st) {
    for (size_t g = 0; st->groups && g < st->ngroups; g++)
        if (st->groups[g].state)
            st->plan->kernel->teardown(st->groups[g].state);
    free(st->groups);
    free(st->group_of);
    st->groups = NULL;
    st->group_of = NULL;
    st->ngroups = 0;
}
