#include "output/table.h"

#include "engine/ceilings.h"

#include "output/results.h"

#include <math.h>
#include <string.h>

static void print_header(FILE *f, const struct sweep_plan *plan, long long size) {
    char params[512];
    results_format_params(plan, params, sizeof params);
    fprintf(f, "\n%s, size %lld %s%s%s%s%s\n", plan->kernel->name, size, plan->kernel->size_name,
            plan->weak ? " per thread (weak scaling: speedup is scaled)" : "", *params ? " (" : "",
            params, *params ? ")" : "");
    if (plan->ranks > 1)
        fprintf(f, "%d MPI ranks, threads per rank in the threads column: %s\n", plan->ranks,
                sweep_splits(plan) ? (plan->weak ? "each rank has --size x threads of its own"
                                                 : "the size is split across the ranks")
                                   : "every rank runs the whole problem");
    fprintf(f, "%-12s %7s %-8s %9s %11s %12s %8s %8s %7s %5s %8s %6s %s\n", "variant", "threads",
            "schedule", "chunk", "median_ms", "M items/s", "GB/s", "GFLOP/s", "speedup", "eff",
            "x ref", "cv%", "check");
}

static void fmt_ratio(char *buf, size_t len, double v, const char *fmt) {
    if (isfinite(v))
        snprintf(buf, len, fmt, v);
    else
        snprintf(buf, len, "-");
}

static void print_row(FILE *f, const struct sweep_plan *plan, const struct sweep_point *p) {
    char chunk[32] = "-", speedup[16], eff[16], ratio[16], cv[16];
    if (p->chunk_index >= 0)
        units_format_chunk(&plan->chunks[p->chunk_index], chunk, sizeof chunk);
    fmt_ratio(speedup, sizeof speedup, p->speedup, "%.2f");
    fmt_ratio(eff, sizeof eff, p->efficiency, "%.2f");
    fmt_ratio(ratio, sizeof ratio, p->ratio_ref, "%.2f");
    fmt_ratio(cv, sizeof cv, 100.0 * p->st.cv, "%.1f");
    int noisy = isfinite(p->st.cv) && p->st.cv > STATS_NOISY_CV;
    fprintf(f, "%-12s %6d%s %-8s %9s %11.4g %12.4g %8.3g %8.3g %7s %5s %8s %5s%s %s\n",
            p->variant->name, p->threads, p->oversubscribed ? "*" : " ",
            sweep_schedule_name(p->schedule), chunk, p->st.median * 1e3, p->items_per_s * 1e-6,
            p->gbytes_per_s, p->gflops, speedup, eff, ratio, cv, noisy ? "!" : " ",
            p->validated ? "ok" : "MISMATCH");
}

/* Rate of the point with this variant, size, threads, schedule and chunk, or NaN. */
static double rate_at(const struct sweep_result *res, const struct sweep_point *like, int threads,
                      int chunk) {
    for (size_t i = 0; i < res->npoints; i++) {
        const struct sweep_point *p = &res->points[i];
        if (p->variant == like->variant && p->size == like->size && p->threads == threads &&
            p->schedule == like->schedule && p->chunk_index == chunk)
            return p->items_per_s;
    }
    return NAN;
}

static void print_chunk_table(FILE *f, const struct sweep_plan *plan,
                              const struct sweep_result *res, const struct sweep_point *first) {
    fprintf(f,
            "\nMillion %ss per second, %s, schedule %s (rows: threads; columns: chunk, "
            "as a count of %s or in bytes at %g bytes per %s):\n",
            plan->kernel->item, first->variant->name, sweep_schedule_name(first->schedule),
            kernel_chunk_unit(plan->kernel), first->work.iteration_bytes, plan->kernel->iteration);
    fprintf(f, "%8s", "threads");
    char chunk[32];
    for (size_t c = 0; c < plan->nchunks; c++)
        fprintf(f, " %10s", units_format_chunk(&plan->chunks[c], chunk, sizeof chunk));
    fputc('\n', f);
    for (size_t t = 0; t < plan->nthreads; t++) {
        int threads = (int)plan->threads[t];
        fprintf(f, "%7d%s", threads, threads > plan->cpus ? "*" : " ");
        for (size_t c = 0; c < plan->nchunks; c++)
            fprintf(f, " %10.4g", rate_at(res, first, threads, (int)c) * 1e-6);
        fputc('\n', f);
    }
}

/* 1 if every point of this variant and size has the same checksum bits as `first`. */
static int same_bits(const struct sweep_result *res, const struct sweep_point *first, int *count) {
    int same = 1;
    *count = 0;
    for (size_t i = 0; i < res->npoints; i++) {
        const struct sweep_point *p = &res->points[i];
        if (p->variant != first->variant || p->size != first->size)
            continue;
        (*count)++;
        same &= memcmp(&p->checksum, &first->checksum, sizeof p->checksum) == 0;
    }
    return same;
}

/* The first point of each (variant, size[, schedule]) group, in order. */
static int first_of_group(const struct sweep_result *res, size_t i, int by_schedule) {
    const struct sweep_point *p = &res->points[i];
    for (size_t j = 0; j < i; j++) {
        const struct sweep_point *q = &res->points[j];
        if (q->variant == p->variant && q->size == p->size &&
            (!by_schedule || q->schedule == p->schedule))
            return 0;
    }
    return 1;
}

/* Each variant's fastest point as fractions of the machine's ceilings. */
static void print_roofline(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                           long long size) {
    const struct ceilings *c = plan->ceilings;
    fprintf(f,
            "roofline (ceilings of %s, %s: %.4g GFLOP/s peak, %.4g GB/s triad, %.4g GB/s "
            "read):\n",
            c->host, c->measured, c->peak_gflops.best, c->triad_gbytes_per_s.best,
            c->read_gbytes_per_s.best);
    for (size_t i = 0; i < res->npoints; i++) {
        const struct sweep_point *p = &res->points[i];
        if (p->base_size != size || !first_of_group(res, i, 0))
            continue;
        const struct sweep_point *best = p;
        for (size_t j = i; j < res->npoints; j++)
            if (res->points[j].variant == p->variant && res->points[j].base_size == size &&
                res->points[j].st.median < best->st.median)
                best = &res->points[j];
        double frac[3];
        results_roofline(plan, best, frac);
        fprintf(f, "  %-12s best at %d thread%s:", best->variant->name, best->threads,
                best->threads == 1 ? "" : "s");
        if (best->work.flops > 0)
            fprintf(f, " %.4g GFLOP/s = %.1f%% of peak;", best->gflops, 100.0 * frac[0]);
        if (best->work.bytes >= best->work.items) /* at least a byte per item: memory work */
            fprintf(f, " %.4g GB/s = %.1f%% of triad, %.1f%% of read", best->gbytes_per_s,
                    100.0 * frac[1], 100.0 * frac[2]);
        else
            fprintf(f, best->work.flops > 0 ? " no memory traffic to speak of"
                                            : " integer work without memory traffic: outside "
                                              "the roofline");
        fputc('\n', f);
    }
}

static void print_size(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                       long long size) {
    print_header(f, plan, size);
    if (!sweep_ref_runs(plan->kernel, size))
        fprintf(f,
                "(the reference is not run above size %ld: points are validated against the "
                "kernel's independent expected checksum; no 'x ref')\n",
                plan->kernel->ref_max_size);
    int over = 0, noisy = 0;
    for (size_t i = 0; i < res->npoints; i++) {
        const struct sweep_point *p = &res->points[i];
        if (p->base_size != size)
            continue;
        print_row(f, plan, p);
        over |= p->oversubscribed;
        noisy |= isfinite(p->st.cv) && p->st.cv > STATS_NOISY_CV;
    }
    if (over && plan->ranks > 1)
        fprintf(f, "* more threads than CPUs, counting every rank on this host "
                   "(oversubscribed)\n");
    else if (over)
        fprintf(f, "* more threads than the %d CPUs this process may use (oversubscribed)\n",
                plan->cpus);
    if (noisy)
        fprintf(f, "! coefficient of variation above %.0f%%: a noisy point\n",
                100.0 * STATS_NOISY_CV);
    for (size_t i = 0; i < res->npoints; i++) {
        const struct sweep_point *p = &res->points[i];
        if (p->base_size == size && p->chunk_index >= 0 && plan->nchunks > 1 &&
            first_of_group(res, i, 1))
            print_chunk_table(f, plan, res, p);
    }
    for (size_t i = 0; i < res->npoints; i++) {
        const struct sweep_point *p = &res->points[i];
        int count;
        if (p->base_size != size || !first_of_group(res, i, 0))
            continue;
        if (same_bits(res, p, &count) && count > 1)
            fprintf(f, "%s: the same checksum bits at all %d points (deterministic)\n",
                    p->variant->name, count);
        else if (count > 1)
            fprintf(f, "%s: checksum bits differ between points\n", p->variant->name);
    }
    if (plan->ceilings)
        print_roofline(f, plan, res, size);
}

void table_print(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res) {
    for (size_t s = 0; s < plan->nsizes; s++)
        print_size(f, plan, res, plan->sizes[s]);
}
