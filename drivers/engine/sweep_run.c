/* sweep_run: batches, rounds, statistics and paired ratios of a sweep (see sweep_run.h). */
#include "engine/sweep_run.h"

#include "engine/rounds.h"
#include "engine/stats.h"
#include "engine/sweep_states.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The batch of each point: states are added in the order of the points' groups (size, thread
 * count) while their bytes fit the budget; a group larger than the budget is a batch alone. */
static int assign_batches(const struct sweep_plan *plan, const struct sweep_spec *specs, size_t n,
                          int *batch_of) {
    int batch = 0;
    double used = 0.0;
    for (size_t i = 0; i < n; i++) {
        batch_of[i] = -1;
        for (size_t j = 0; j < i && batch_of[i] < 0; j++)
            if (specs[j].size == specs[i].size && specs[j].threads == specs[i].threads)
                batch_of[i] = batch_of[j]; /* the same group: its state is already counted */
        if (batch_of[i] >= 0)
            continue;
        double bytes = sweep_states_bytes(plan, &specs[i]);
        if (plan->memory_budget > 0 && used > 0 && used + bytes > plan->memory_budget) {
            batch++;
            used = 0.0;
        }
        used += bytes;
        batch_of[i] = batch;
    }
    return batch + 1;
}

/* Copies a batch's samples and rounds into the result; local point k is index[k]. */
static int keep_rounds(struct sweep_result *res, const struct rounds_result *rr, const int *index,
                       int batch) {
    size_t base = res->nrounds;
    struct sweep_round *g = realloc(res->rounds, (base + rr->nrounds + 1) * sizeof *g);
    if (!g)
        return -1;
    res->rounds = g;
    for (size_t r = 0; r < rr->nrounds; r++) {
        const struct rounds_round *src = &rr->rounds[r];
        struct sweep_round *dst = &res->rounds[base + r];
        *dst =
            (struct sweep_round){batch, src->kept, src->start, src->evidence, NULL, src->npoints};
        dst->order = malloc((src->npoints ? src->npoints : 1) * sizeof *dst->order);
        if (!dst->order)
            return -1;
        for (size_t k = 0; k < src->npoints; k++)
            dst->order[k] = index[src->order[k]];
        res->nrounds++;
    }
    for (size_t k = 0; k < rr->npoints; k++) {
        struct sweep_point *pt = &res->points[index[k]];
        const struct rounds_samples *s = &rr->points[k];
        pt->times = malloc((s->n ? s->n : 1) * sizeof *pt->times);
        pt->starts = malloc((s->n ? s->n : 1) * sizeof *pt->starts);
        pt->rounds = malloc((s->n ? s->n : 1) * sizeof *pt->rounds);
        if (!pt->times || !pt->starts || !pt->rounds)
            return -1;
        for (size_t j = 0; j < s->n; j++) {
            pt->times[j] = s->seconds[j];
            pt->starts[j] = s->start[j];
            pt->rounds[j] = (int)base + s->round[j];
        }
        pt->ntimes = s->n;
        pt->unstable = rr->unstable[k];
    }
    res->repeated += rr->repeated;
    res->extra_seconds += rr->extra_seconds;
    return 0;
}

/* The samples of point i in kept rounds, into out. */
static size_t kept_times(const struct sweep_result *res, size_t i, double *out) {
    const struct sweep_point *p = &res->points[i];
    size_t n = 0;
    for (size_t j = 0; j < p->ntimes; j++)
        if (res->rounds[p->rounds[j]].kept)
            out[n++] = p->times[j];
    return n;
}

/* scale x (b's time / a's time) in the kept rounds both ran in, into out. */
static size_t paired(const struct sweep_result *res, size_t a, size_t b, double scale,
                     double *out) {
    const struct sweep_point *x = &res->points[a], *y = &res->points[b];
    size_t i = 0, j = 0, n = 0;
    while (i < x->ntimes && j < y->ntimes) {
        if (x->rounds[i] < y->rounds[j]) {
            i++;
        } else if (x->rounds[i] > y->rounds[j]) {
            j++;
        } else {
            if (res->rounds[x->rounds[i]].kept)
                out[n++] = scale * y->times[j] / x->times[i];
            i++;
            j++;
        }
    }
    return n;
}

/* The ratio scale x T(b) / T(a) with its interval: paired when the points shared rounds,
 * else from the medians and their intervals. */
static void ratio(const struct sweep_result *res, size_t a, size_t b, double scale, double *scratch,
                  double *value, double *low, double *high, int *was_paired) {
    size_t n = paired(res, a, b, scale, scratch);
    struct stats st;
    *was_paired = n > 0;
    if (n > 0 && stats_compute(scratch, n, &st) == 0) {
        *value = st.median;
        *low = st.ci_low;
        *high = st.ci_high;
        return;
    }
    const struct stats *x = &res->points[a].st, *y = &res->points[b].st;
    *value = scale * y->median / x->median;
    *low = scale * y->ci_low / x->ci_high;
    *high = scale * y->ci_high / x->ci_low;
}

/* The fastest point of point i's variant, size and thread count. */
static size_t fastest_like(const struct sweep_result *res, size_t i) {
    const struct sweep_point *p = &res->points[i];
    size_t best = i;
    for (size_t j = 0; j < res->npoints; j++) {
        const struct sweep_point *q = &res->points[j];
        if (q->variant == p->variant && q->size == p->size && q->threads == p->threads &&
            q->st.median < res->points[best].st.median)
            best = j;
    }
    return best;
}

/* Statistics, rates and ratios of every point. */
static int derive(const struct sweep_plan *plan, struct sweep_result *res, const int *ref_of,
                  const int *one_of) {
    size_t most = 1;
    for (size_t i = 0; i < res->npoints; i++)
        most = res->points[i].ntimes > most ? res->points[i].ntimes : most;
    double *scratch = malloc(most * sizeof *scratch);
    if (!scratch)
        return -1;
    for (size_t i = 0; i < res->npoints; i++) {
        struct sweep_point *p = &res->points[i];
        size_t n = kept_times(res, i, scratch);
        if (stats_compute(scratch, n, &p->st)) {
            free(scratch);
            return -1;
        }
        p->items_per_s = p->work.items / p->st.median;
        p->gbytes_per_s = p->work.bytes / p->st.median * 1e-9;
        p->gflops = p->work.flops / p->st.median * 1e-9;
    }
    for (size_t i = 0; i < res->npoints; i++) {
        struct sweep_point *p = &res->points[i];
        int pr = 1, ps = 1;
        if (ref_of[i] >= 0 || p->variant == &plan->kernel->variants[0])
            ratio(res, i, ref_of[i] >= 0 ? (size_t)ref_of[i] : i, 1.0, scratch, &p->ratio_ref,
                  &p->ratio_ref_low, &p->ratio_ref_high, &pr);
        if (one_of[i] >= 0) {
            const struct sweep_point *q = &res->points[one_of[i]];
            ratio(res, i, (size_t)one_of[i], (double)p->size / (double)q->size, scratch,
                  &p->speedup, &p->speedup_low, &p->speedup_high, &ps);
            p->efficiency = p->speedup / p->threads;
            p->efficiency_low = p->speedup_low / p->threads;
            p->efficiency_high = p->speedup_high / p->threads;
        }
        p->paired = pr && ps;
    }
    for (size_t i = 0; i < res->npoints; i++) {
        struct sweep_point *p = &res->points[i];
        int pb = 1;
        ratio(res, i, fastest_like(res, i), 1.0, scratch, &p->ratio_best, &p->ratio_best_low,
              &p->ratio_best_high, &pb);
        p->paired &= pb;
    }
    free(scratch);
    return 0;
}

/* The rounds' partners of each point of a batch: its reference and its 1-thread point, where
 * they are in the batch. */
static void partners_of(const int *index, size_t n, const int *ref_of, const int *one_of,
                        int (*partners)[ROUNDS_PARTNERS]) {
    for (size_t k = 0; k < n; k++) {
        partners[k][0] = partners[k][1] = ROUNDS_NONE;
        for (size_t j = 0; j < n; j++) {
            if (index[j] == ref_of[index[k]])
                partners[k][0] = (int)j;
            if (index[j] == one_of[index[k]] && j != k)
                partners[k][1] = (int)j;
        }
    }
}

static int measure_batch(const struct sweep_plan *plan, const struct sweep_spec *specs,
                         struct sweep_result *res, const int *ref_of, const int *one_of,
                         const int *index, size_t n, int batch, char *err, size_t errlen) {
    struct sweep_states st;
    if (sweep_states_open(&st, plan, specs, res->points, ref_of, index, n, err, errlen))
        return -1;
    int(*partners)[ROUNDS_PARTNERS] = malloc((n ? n : 1) * sizeof *partners);
    if (!partners) {
        sweep_states_close(&st);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    partners_of(index, n, ref_of, one_of, partners);
    struct rounds_settings rs = {.npoints = n,
                                 .min_rounds = plan->samples > 0 ? plan->samples : 1,
                                 .precision = plan->precision,
                                 .max_time = plan->max_time,
                                 .max_repeats = plan->max_repeats,
                                 .seed = plan->seed + (unsigned long long)batch,
                                 .partners = (const int(*)[ROUNDS_PARTNERS])partners,
                                 .sample = sweep_states_sample,
                                 .ctx = &st,
                                 .probe_latency = 1,
                                 .progress = plan->progress};
    struct rounds_result rr;
    int rc = rounds_run(&rs, &rr, err, errlen);
    if (!rc && keep_rounds(res, &rr, index, batch)) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    rounds_result_free(&rr);
    free(partners);
    sweep_states_close(&st);
    return rc ? -1 : 0;
}

int sweep_run(const struct sweep_plan *plan, struct sweep_result *res, char *err, size_t errlen) {
    memset(res, 0, sizeof *res);
    struct sweep_spec *specs = NULL;
    size_t n = sweep_specs(plan, &specs);
    res->points = calloc(n ? n : 1, sizeof *res->points);
    int *ref_of = malloc((n ? n : 1) * sizeof *ref_of),
        *one_of = malloc((n ? n : 1) * sizeof *one_of);
    int *batch_of = malloc((n ? n : 1) * sizeof *batch_of),
        *index = malloc((n ? n : 1) * sizeof *index);
    int rc = n && res->points && ref_of && one_of && batch_of && index ? 0 : -1;
    if (rc)
        snprintf(err, errlen, "out of memory");
    if (!rc) {
        res->npoints = n;
        sweep_baselines(plan, specs, n, ref_of, one_of);
        res->batches = assign_batches(plan, specs, n, batch_of);
        if (res->batches > 1 && plan->progress)
            fprintf(plan->progress,
                    "%s: the states do not fit the memory budget (%.3g GiB) at once: measured in "
                    "%d batches, rounds interleave within each\n",
                    plan->kernel->name, plan->memory_budget / 1073741824.0, res->batches);
    }
    for (int b = 0; !rc && b < res->batches; b++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (batch_of[i] == b)
                index[m++] = (int)i;
        rc = measure_batch(plan, specs, res, ref_of, one_of, index, m, b, err, errlen);
    }
    if (!rc && derive(plan, res, ref_of, one_of)) {
        snprintf(err, errlen, "out of memory for the statistics");
        rc = -1;
    }
    free(specs);
    free(ref_of);
    free(one_of);
    free(batch_of);
    free(index);
    return rc;
}
