/* maps: what the cache map and the chunk map found, as text and JSON (see maps.h). */
#include "output/maps.h"

#include "engine/cachemap.h"
#include "engine/chunkmap.h"
#include "format/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void maps_print_knees(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                      const struct context *ctx) {
    struct cachemap_knee *rows;
    size_t n = cachemap_knees(res, ctx, &rows);
    fprintf(f,
            "\ncache knees of %s: where GB/s falls halfway (geometric mean) from the plateau "
            "inside a level to the one beyond it\n",
            plan->kernel->name);
    if (ctx->caches_override[0])
        fprintf(f, "(cache sizes from OMPSWEEP_CACHES=%s)\n", ctx->caches_override);
    fprintf(f, "%-12s %7s %5s %11s %11s %11s %7s %12s %12s\n", "variant", "threads", "level",
            "reported", "capacity", "measured", "ratio", "inside GB/s", "beyond GB/s");
    for (size_t i = 0; i < n; i++) {
        const struct cachemap_knee *r = &rows[i];
        char rep[32], cap[32], meas[32], ratio[16];
        units_format_bytes(r->reported, rep, sizeof rep);
        units_format_bytes(r->k.capacity_bytes, cap, sizeof cap);
        units_format_bytes(r->k.measured_bytes, meas, sizeof meas);
        if (r->k.found)
            snprintf(ratio, sizeof ratio, "%.2f", r->k.ratio);
        else
            snprintf(ratio, sizeof ratio, r->k.within_noise ? "noise" : "none");
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
            "no drop of %.0f%% or more measured beyond it; 'noise': a drop the points' 95%% "
            "intervals do not show\n",
            100.0 * KNEE_MIN_DROP);
    free(rows);
}

void maps_write_knees(struct json_writer *w, const struct sweep_result *res,
                      const struct context *ctx) {
    struct cachemap_knee *rows;
    size_t n = cachemap_knees(res, ctx, &rows);
    json_array_begin(w, "knees");
    for (size_t i = 0; i < n; i++) {
        const struct cachemap_knee *r = &rows[i];
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
        json_number(w, "inside_low_gbytes_per_s", r->k.inside_low);
        json_number(w, "outside_high_gbytes_per_s", r->k.outside_high);
        json_bool(w, "within_noise", r->k.within_noise);
        json_object_end(w);
    }
    json_array_end(w);
    free(rows);
}

/* The smallest cache level one chunk's data fits in (one instance: the core's own L1/L2). */
static void describe_chunk(FILE *f, const struct context *ctx, double bytes) {
    char b[32], c[32];
    units_format_bytes(bytes, b, sizeof b);
    for (int i = 0; i < ctx->ncaches; i++)
        if (bytes <= (double)ctx->caches[i].size_bytes) {
            units_format_bytes((double)ctx->caches[i].size_bytes, c, sizeof c);
            fprintf(f, "%s a chunk, fits L%d (%s)", b, ctx->caches[i].level, c);
            return;
        }
    fprintf(f, "%s a chunk, larger than every cache", b);
}

/* Whether p is slower than the fastest point of its thread count, best: the 95 % interval of
 * their time ratio paired by round (ratio_best) lies below 1; without pairs, the medians'
 * intervals are apart. */
static int slower_than(const struct sweep_point *p, const struct sweep_point *best) {
    if (p->paired && isfinite(p->ratio_best_high))
        return p->ratio_best_high < 1.0;
    return p->st.ci_low > best->st.ci_high;
}

/* The cells at the best's thread count that the measurement cannot tell from it. Lists up to
 * 6 as "schedule chunk"; returns how many there are. */
static int print_ties(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                      const struct sweep_point *best) {
    int n = 0;
    for (size_t i = 0; i < res->npoints; i++) {
        const struct sweep_point *p = &res->points[i];
        if (p == best || p->threads != best->threads || p->chunk_index < 0 ||
            p->variant != best->variant || slower_than(p, best))
            continue;
        char chunk[32];
        units_format_chunk(&plan->chunks[p->chunk_index], chunk, sizeof chunk);
        if (n < 6)
            fprintf(f, "%s%s %s", n ? ", " : "", sweep_schedule_name(p->schedule), chunk);
        else if (n == 6)
            fputs(", ...", f);
        n++;
    }
    return n;
}

void maps_print_best_chunks(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                            const struct context *ctx) {
    fprintf(f, "\nfastest chunk at each thread count (a cell is slower only when the 95 %% "
               "interval of its time ratio to the fastest, paired round by round, lies below "
               "1):\n");
    for (size_t t = 0; t < plan->nthreads; t++) {
        const struct sweep_point *best, *worst;
        if (chunkmap_best(res, (int)plan->threads[t], &best, &worst))
            continue;
        char chunk[32];
        units_format_chunk(&plan->chunks[best->chunk_index], chunk, sizeof chunk);
        fprintf(f, "  %3d threads%s: %s, chunk %s: %.4g ms", best->threads,
                best->oversubscribed ? "*" : "", sweep_schedule_name(best->schedule), chunk,
                best->st.median * 1e3);
        if (!(best->st.ci_low > 0)) {
            fputs(" (no interval: fewer than 6 rounds, so no cell is called slower); ", f);
        } else {
            fprintf(f, " (%.4g-%.4g)%s; the same within the noise: ", best->st.ci_low * 1e3,
                    best->st.ci_high * 1e3, best->unstable ? " unstable" : "");
            if (!print_ties(f, plan, res, best))
                fputs("none", f);
            if (slower_than(worst, best))
                fprintf(f, "; the slowest takes %.2fx; ", worst->st.median / best->st.median);
            else
                fputs("; no chunk is slower beyond the noise; ", f);
        }
        describe_chunk(f, ctx, best->chunk_bytes);
        fputc('\n', f);
    }
}
