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
    fprintf(f, "%-12s %7s %-8s %9s %11s %6s %12s %8s %8s %19s %5s %8s %s\n", "variant", "threads",
            "schedule", "chunk", "median_ms", "+-%", "M items/s", "GB/s", "GFLOP/s",
            "speedup (95% CI)", "eff", "x ref", "check");
}

/* The median's interval as a relative half-width (the wider side), in percent. */
static double half_width(const struct stats *st) {
    double lo = st->median - st->ci_low, hi = st->ci_high - st->median;
    return 100.0 * (lo > hi ? lo : hi) / st->median;
}

static void fmt_ratio(char *buf, size_t len, double v, const char *fmt) {
    if (isfinite(v))
        snprintf(buf, len, fmt, v);
    else
        snprintf(buf, len, "-");
}

static void print_row(FILE *f, const struct sweep_plan *plan, const struct sweep_point *p) {
    char chunk[32] = "-", speedup[40] = "-", eff[16], ratio[16], half[16];
    if (p->chunk_index >= 0)
        units_format_chunk(&plan->chunks[p->chunk_index], chunk, sizeof chunk);
    if (isfinite(p->speedup) && isfinite(p->speedup_low))
        snprintf(speedup, sizeof speedup, "%.2f (%.2f-%.2f)", p->speedup, p->speedup_low,
                 p->speedup_high);
    else if (isfinite(p->speedup))
        snprintf(speedup, sizeof speedup, "%.2f", p->speedup);
    fmt_ratio(eff, sizeof eff, p->efficiency, "%.2f");
    fmt_ratio(ratio, sizeof ratio, p->ratio_ref, "%.2f");
    fmt_ratio(half, sizeof half, half_width(&p->st), "%.1f");
    fprintf(f, "%-12s %6d%s %-8s %9s %11.4g %5s%s %12.4g %8.3g %8.3g %19s %5s %8s %s\n",
            p->variant->name, p->threads, p->oversubscribed ? "*" : " ",
            sweep_schedule_name(p->schedule), chunk, p->st.median * 1e3, half,
            p->unstable ? "!" : " ", p->items_per_s * 1e-6, p->gbytes_per_s, p->gflops, speedup,
            eff, ratio, p->validated ? "ok" : "MISMATCH");
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
    int over = 0, unstable = 0;
    for (size_t i = 0; i < res->npoints; i++) {
        const struct sweep_point *p = &res->points[i];
        if (p->base_size != size)
            continue;
        print_row(f, plan, p);
        over |= p->oversubscribed;
        unstable |= p->unstable;
    }
    if (over && plan->ranks > 1)
        fprintf(f, "* more threads than CPUs, counting every rank on this host "
                   "(oversubscribed)\n");
    else if (over)
        fprintf(f, "* more threads than the %d CPUs this process may use (oversubscribed)\n",
                plan->cpus);
    fprintf(f, "+-%%: the 95%% interval of the median, relative to it (the wider side)\n");
    if (unstable)
        fprintf(f,
                "! unstable: its interval did not come within %.3g%% in the rounds allowed "
                "(--precision, --max-time); no finding rests on it\n",
                100.0 * plan->precision);
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

/* How the points were measured: rounds, repeats and why, the time for precision. */
static void print_rounds(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res) {
    size_t kept = res->nrounds - res->repeated;
    fprintf(f,
            "\nmeasured in %zu interleaved round%s (each point at least %d, in a fresh random "
            "order each round)",
            kept, kept == 1 ? "" : "s", plan->samples);
    if (res->batches > 1)
        fprintf(f, ", in %d batches of inputs that fit the memory budget", res->batches);
    if (res->extra_seconds > 0)
        fprintf(f, "; %.3g s of them for precision", res->extra_seconds);
    fprintf(f, "\n");
    if (res->repeated) {
        fprintf(f, "%zu disturbed round%s measured again:", res->repeated,
                res->repeated == 1 ? "" : "s");
        for (size_t r = 0, shown = 0; r < res->nrounds && shown < 5; r++)
            if (!res->rounds[r].kept) {
                fprintf(f, "%s %s", shown ? ";" : "", res->rounds[r].evidence.why);
                shown++;
            }
        fprintf(f, "%s\n", res->repeated > 5 ? "; ..." : "");
    }
}

void table_print(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res) {
    for (size_t s = 0; s < plan->nsizes; s++)
        print_size(f, plan, res, plan->sizes[s]);
    print_rounds(f, plan, res);
}
