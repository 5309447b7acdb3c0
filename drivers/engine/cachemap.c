/* cachemap: the working-set ladder of a cache map and the knees in its curves (see cachemap.h). */
#include "engine/cachemap.h"

#include "engine/knee.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double cachemap_capacity(const struct context *ctx, const struct cache_level *c, int threads) {
    int per_core =
        ctx->cores > 0 && ctx->logical_cpus >= ctx->cores ? ctx->logical_cpus / ctx->cores : 1;
    int cores_per_instance = c->shared_by_cpus > per_core ? c->shared_by_cpus / per_core : 1;
    int used = (threads + cores_per_instance - 1) / cores_per_instance;
    if (c->instances > 0 && used > c->instances)
        used = c->instances;
    return (double)c->size_bytes * (used > 0 ? used : 1);
}

/* The smallest size whose working set reaches `target` (sizes are monotone in it). */
static long long size_for(const struct kernel *k, const double *params, double target) {
    long long lo = k->min_size, hi = k->max_size;
    struct kernel_work w;
    while (lo < hi) {
        long long mid = lo + (hi - lo) / 2;
        k->work((size_t)mid, params, &w);
        if (w.working_set >= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

int cachemap_ladder(const struct kernel *k, const double *params, double from, double to,
                    int per_octave, long long **out, size_t *n) {
    size_t cap = (size_t)(per_octave * (log2(to / from) + 1.0)) + 2;
    *n = 0;
    *out = calloc(cap, sizeof **out);
    if (!*out)
        return -1;
    for (size_t i = 0; i < cap; i++) {
        double target = from * exp2((double)i / per_octave);
        if (target > to * 1.0001)
            break;
        long long size = size_for(k, params, target);
        struct kernel_work w;
        k->work((size_t)size, params, &w);
        if (w.working_set < 0.99 * target) /* beyond the kernel's largest size */
            break;
        const char *msg = k->check ? k->check((size_t)size, params) : NULL;
        if (msg || (*n > 0 && size <= (*out)[*n - 1]))
            continue;
        (*out)[(*n)++] = size;
    }
    if (*n == 0) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

const struct kernel_variant *cachemap_variant(const struct kernel *k) {
    for (size_t i = 1; k->variants[i].name; i++)
        if (!(k->variants[i].flags & (VARIANT_SERIAL | VARIANT_LIBRARY | VARIANT_NESTED)))
            return &k->variants[i];
    return &k->variants[0];
}

/* 1/8 of L1, or 4 KiB when L1 is unknown or small. */
static double default_from(const struct context *ctx) {
    for (int i = 0; i < ctx->ncaches; i++)
        if (ctx->caches[i].level == 1 && ctx->caches[i].size_bytes >= 8192)
            return (double)ctx->caches[i].size_bytes / 8.0;
    return 4096.0;
}

/* 4x every instance of the last-level cache, at least 256 MiB, at most 1/4 of memory. */
static double default_to(const struct context *ctx) {
    double llc = 0.0;
    for (int i = 0; i < ctx->ncaches; i++) {
        const struct cache_level *c = &ctx->caches[i];
        double all = (double)c->size_bytes * (c->instances > 0 ? c->instances : 1);
        llc = all > llc ? all : llc;
    }
    double to = 4.0 * llc > 268435456.0 ? 4.0 * llc : 268435456.0;
    if (ctx->memory_bytes > 0 && to > 0.25 * (double)ctx->memory_bytes)
        to = 0.25 * (double)ctx->memory_bytes;
    return to;
}

void cachemap_default_range(const struct context *ctx, double *from, double *to) {
    *from = default_from(ctx);
    *to = default_to(ctx);
}

/* The curve of one variant at one thread count: working sets ascending, GB/s with the 95 %
 * interval of each point (from its median time's; NaN where it has none). */
static size_t curve(const struct sweep_result *res, const struct kernel_variant *v, int threads,
                    double *ws, double *tp, double *low, double *high) {
    size_t n = 0;
    for (size_t i = 0; i < res->npoints; i++) {
        const struct sweep_point *p = &res->points[i];
        if (p->variant != v || p->threads != threads)
            continue;
        int seen = 0;
        for (size_t j = 0; j < n && !seen; j++)
            seen = ws[j] == p->work.working_set;
        if (seen) /* another schedule or chunk at the same size: the map uses the first */
            continue;
        size_t at = n++;
        while (at > 0 && ws[at - 1] > p->work.working_set) {
            ws[at] = ws[at - 1];
            tp[at] = tp[at - 1];
            low[at] = low[at - 1];
            high[at] = high[at - 1];
            at--;
        }
        ws[at] = p->work.working_set;
        tp[at] = p->gbytes_per_s;
        low[at] = p->work.bytes / p->st.ci_high * 1e-9; /* NaN with the interval */
        high[at] = p->work.bytes / p->st.ci_low * 1e-9;
    }
    return n;
}

static int first_curve_point(const struct sweep_result *res, size_t i) {
    for (size_t j = 0; j < i; j++)
        if (res->points[j].variant == res->points[i].variant &&
            res->points[j].threads == res->points[i].threads)
            return 0;
    return 1;
}

size_t cachemap_knees(const struct sweep_result *res, const struct context *ctx,
                      struct cachemap_knee **rows) {
    size_t nrows = 0, cap = res->npoints * CONTEXT_MAX_CACHES;
    size_t bytes = (res->npoints ? res->npoints : 1) * sizeof(double);
    double *ws = malloc(bytes), *tp = malloc(bytes), *low = malloc(bytes), *high = malloc(bytes);
    *rows = calloc(cap ? cap : 1, sizeof **rows);
    for (size_t i = 0; ws && tp && low && high && *rows && i < res->npoints; i++) {
        const struct sweep_point *p = &res->points[i];
        if (!first_curve_point(res, i))
            continue;
        struct knee_curve c = {ws, tp, low, high,
                               curve(res, p->variant, p->threads, ws, tp, low, high)};
        double capacity[CONTEXT_MAX_CACHES];
        int level[CONTEXT_MAX_CACHES];
        double reported[CONTEXT_MAX_CACHES];
        size_t nl = 0;
        for (int c = 0; c < ctx->ncaches; c++) {
            double b = cachemap_capacity(ctx, &ctx->caches[c], p->threads);
            if (nl > 0 && b <= capacity[nl - 1])
                continue; /* a level no larger than the one below shows no knee of its own */
            capacity[nl] = b;
            level[nl] = ctx->caches[c].level;
            reported[nl++] = (double)ctx->caches[c].size_bytes;
        }
        struct knee knees[CONTEXT_MAX_CACHES];
        if (nl == 0 || knee_find(&c, capacity, nl, knees))
            continue;
        for (size_t l = 0; l < nl; l++)
            (*rows)[nrows++] =
                (struct cachemap_knee){p->variant, p->threads, level[l], reported[l], knees[l]};
    }
    free(ws);
    free(tp);
    free(low);
    free(high);
    return nrows;
}
