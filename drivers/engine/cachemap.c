#include "engine/cachemap.h"

#include "app/commands.h"
#include "engine/knee.h"
#include "format/units.h"

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

/* The first variant that is OpenMP without a library or nesting: the one caches show in. */
static const struct kernel_variant *plain_variant(const struct kernel *k) {
    for (size_t i = 1; k->variants[i].name; i++)
        if (!(k->variants[i].flags & (VARIANT_SERIAL | VARIANT_LIBRARY | VARIANT_NESTED)))
            return &k->variants[i];
    return &k->variants[0];
}

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

static char *sizes_string(const long long *sizes, size_t n) {
    char *s = malloc(n * 24 + 1);
    size_t used = 0;
    for (size_t i = 0; s && i < n; i++)
        used += (size_t)sprintf(s + used, "%s%lld", i ? "," : "", sizes[i]);
    return s;
}

int cachemap_defaults(const struct kernel *k, const struct context *ctx,
                      const struct sweep_plan *plan, struct run_args *a) {
    struct kernel_work w;
    k->work((size_t)k->default_size, plan->params, &w);
    if (!(w.bytes >= 0.01 * w.items) || !(w.working_set > 0))
        return command_usage_error("cachemap",
                                   "%s moves next to no memory, so it has no cache map (try "
                                   "stream_triad, stream_read or dot)",
                                   k->name);
    if (!a->variants && !run_args_own(a, strdup(plain_variant(k)->name)))
        return command_usage_error("cachemap", "out of memory");
    if (!a->variants)
        a->variants = a->owned[a->nowned - 1];
    if (!a->threads) {
        char buf[32];
        int cpus = ctx->allowed_cpus > 1 ? ctx->allowed_cpus : 1;
        snprintf(buf, sizeof buf, cpus > 1 ? "1,%d" : "1", cpus);
        if (!(a->threads = run_args_own(a, strdup(buf))))
            return command_usage_error("cachemap", "out of memory");
    }
    if (a->sizes)
        return 0;
    double from = a->ws_from > 0 ? (double)a->ws_from : default_from(ctx);
    double to = a->ws_to > 0 ? (double)a->ws_to : default_to(ctx);
    if (from >= to)
        return command_usage_error("cachemap", "--from (%.0f bytes) must be below --to (%.0f)",
                                   from, to);
    long long *sizes;
    size_t n;
    if (cachemap_ladder(k, plan->params, from, to, a->per_octave > 0 ? a->per_octave : 3, &sizes,
                        &n))
        return command_usage_error("cachemap",
                                   "no size of %s has a working set in %.0f..%.0f "
                                   "bytes",
                                   k->name, from, to);
    a->sizes = run_args_own(a, sizes_string(sizes, n));
    free(sizes);
    return a->sizes ? 0 : command_usage_error("cachemap", "out of memory");
}

struct knee_row {
    const struct kernel_variant *variant;
    int threads, level;
    double reported;
    struct knee k;
};

/* The curve of one variant at one thread count: working sets ascending, GB/s. */
static size_t curve(const struct sweep_result *res, const struct kernel_variant *v, int threads,
                    double *ws, double *tp) {
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
            at--;
        }
        ws[at] = p->work.working_set;
        tp[at] = p->gbytes_per_s;
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

/* Knees of every curve, the reference's included: its serial loop pays no OpenMP overhead,
 * so at small working sets it shows the L1 plateau that a parallel region's cost can hide. */
static size_t compute_knees(const struct sweep_plan *plan, const struct sweep_result *res,
                            const struct context *ctx, struct knee_row **rows) {
    (void)plan;
    size_t nrows = 0, cap = res->npoints * CONTEXT_MAX_CACHES;
    double *ws = malloc(res->npoints * sizeof *ws), *tp = malloc(res->npoints * sizeof *tp);
    *rows = calloc(cap ? cap : 1, sizeof **rows);
    for (size_t i = 0; ws && tp && *rows && i < res->npoints; i++) {
        const struct sweep_point *p = &res->points[i];
        if (!first_curve_point(res, i))
            continue;
        size_t n = curve(res, p->variant, p->threads, ws, tp);
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
        if (nl == 0 || knee_find(ws, tp, n, capacity, nl, knees))
            continue;
        for (size_t l = 0; l < nl; l++)
            (*rows)[nrows++] =
                (struct knee_row){p->variant, p->threads, level[l], reported[l], knees[l]};
    }
    free(ws);
    free(tp);
    return nrows;
}

void cachemap_print_knees(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                          const struct context *ctx) {
    struct knee_row *rows;
    size_t n = compute_knees(plan, res, ctx, &rows);
    fprintf(f,
            "\ncache knees of %s: where GB/s falls halfway (geometric mean) from the plateau "
            "inside a level to the one beyond it\n",
            plan->kernel->name);
    if (ctx->caches_override[0])
        fprintf(f, "(cache sizes from OMPSWEEP_CACHES=%s)\n", ctx->caches_override);
    fprintf(f, "%-12s %7s %5s %11s %11s %11s %7s %12s %12s\n", "variant", "threads", "level",
            "reported", "capacity", "measured", "ratio", "inside GB/s", "beyond GB/s");
    for (size_t i = 0; i < n; i++) {
        const struct knee_row *r = &rows[i];
        char rep[32], cap[32], meas[32], ratio[16];
        cli_format_bytes(r->reported, rep, sizeof rep);
        cli_format_bytes(r->k.capacity_bytes, cap, sizeof cap);
        cli_format_bytes(r->k.measured_bytes, meas, sizeof meas);
        if (r->k.found)
            snprintf(ratio, sizeof ratio, "%.2f", r->k.ratio);
        else
            snprintf(ratio, sizeof ratio, "none");
        fprintf(f, "%-12s %7d %4s%d %11s %11s %11s %7s %12.4g %12.4g\n", r->variant->name,
                r->threads, "L", r->level, rep, cap, meas, ratio, r->k.inside, r->k.outside);
    }
    if (n == 0)
        fprintf(f, "(no cache levels known, or too few points: no knees)\n");
    for (size_t i = 0; i < n; i++)
        if (rows[i].k.found && (rows[i].k.ratio < 0.5 || rows[i].k.ratio > 2.0)) {
            fprintf(f,
                    "note: a knee more than 2x away from the reported size: a VM or container "
                    "may report its host's cache, or share it; OMPSWEEP_CACHES=L%d=SIZE sets "
                    "the size to use\n",
                    rows[i].level);
            break;
        }
    fprintf(f,
            "capacity: the level's size times the instances the threads' cores use; 'none': "
            "no drop of %.0f%% or more measured beyond it\n",
            100.0 * KNEE_MIN_DROP);
    free(rows);
}

void cachemap_write_knees(struct json_writer *w, const struct sweep_plan *plan,
                          const struct sweep_result *res, const struct context *ctx) {
    struct knee_row *rows;
    size_t n = compute_knees(plan, res, ctx, &rows);
    json_array_begin(w, "knees");
    for (size_t i = 0; i < n; i++) {
        const struct knee_row *r = &rows[i];
        json_object_begin(w, NULL);
        json_string(w, "variant", r->variant->name);
        json_integer(w, "threads", r->threads);
        json_integer(w, "level", r->level);
        json_number(w, "reported_bytes", r->reported);
        json_number(w, "capacity_bytes", r->k.capacity_bytes);
        json_number(w, "measured_bytes", r->k.measured_bytes);
        json_number(w, "ratio", r->k.ratio);
        json_number(w, "inside_gbytes_per_s", r->k.inside);
        json_number(w, "outside_gbytes_per_s", r->k.outside);
        json_object_end(w);
    }
    json_array_end(w);
    free(rows);
}
