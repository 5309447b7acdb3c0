/* report_cachemap: cache maps (study "cachemap"): throughput against working set, one line per
 * thread count, with the caches' capacities for those threads and the knees measured by
 * `ompsweep cachemap` (its JSON "knees"), and a table of reported against measured knees. */
#include "format/units.h"
#include "report/report_caches.h"
#include "report/report_sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 32

/* One variant of one cachemap file. */
struct camap {
    const struct report_data *d;
    const struct report_file *file;
    const struct report_point *first;
    size_t *idx, n;
    int threads[MAX_THREADS];
    size_t nthreads;
};

static int same_map(const struct report_data *d, const struct report_point *a,
                    const struct report_point *b) {
    return a->file == b->file && report_same_series(d, a, b, 0);
}

/* The map's points at a thread count, by working set (insertion sort: lines are short). */
static size_t line_points(const struct camap *m, int threads, const struct report_point **out,
                          size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < m->n && n < max; i++) {
        const struct report_point *p = &m->d->points[m->idx[i]];
        if (p->threads == threads && p->working_set_bytes > 0 && p->gbytes_per_s > 0)
            out[n++] = p;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && out[j - 1]->working_set_bytes > out[j]->working_set_bytes;
             j--) {
            const struct report_point *t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

/* Throughput of a thread count's line at bytes, linear in log(bytes) between points. */
static double interpolate(const struct camap *m, int threads, double bytes) {
    const struct report_point *pts[512];
    size_t n = line_points(m, threads, pts, 512);
    for (size_t i = 1; i < n; i++) {
        double x0 = log(pts[i - 1]->working_set_bytes), x1 = log(pts[i]->working_set_bytes);
        if (bytes >= pts[i - 1]->working_set_bytes && bytes <= pts[i]->working_set_bytes && x1 > x0)
            return pts[i - 1]->gbytes_per_s + (log(bytes) - x0) / (x1 - x0) *
                                                  (pts[i]->gbytes_per_s - pts[i - 1]->gbytes_per_s);
    }
    return NAN;
}

static size_t thread_slot(const struct camap *m, int threads) {
    size_t k = 0;
    while (k < m->nthreads && m->threads[k] != threads)
        k++;
    return k;
}

/* A capacity line: where a level ends for some of the map's thread counts. */
struct mark {
    int level;
    double bytes;
    int threads; /* the one thread count it belongs to, 0 when it is the same for all */
};

static void add_mark(struct mark *marks, size_t *n, size_t max, int level, double bytes,
                     int threads) {
    for (size_t i = 0; i < *n; i++)
        if (marks[i].level == level && marks[i].bytes == bytes) {
            if (marks[i].threads != threads)
                marks[i].threads = 0;
            return;
        }
    if (*n < max)
        marks[(*n)++] = (struct mark){level, bytes, threads};
}

/* Whether a knee belongs to this map's variant (a file may hold the reference's curve too). */
static int knee_matches(const char *variant, const struct report_knee *k) {
    return !k->variant[0] || strcmp(k->variant, variant) == 0;
}

/* The knee of a thread count and level, if the file has one. */
static const struct report_knee *knee_of(const struct camap *m, int threads, int level) {
    const struct report_sidecar *s = &m->file->json;
    for (size_t i = 0; i < s->nknees; i++)
        if (s->knees[i].threads == threads && s->knees[i].level == level &&
            knee_matches(m->first->variant, &s->knees[i]))
            return &s->knees[i];
    return NULL;
}

/* Each level's capacity for each thread count: the knee's when the file has one (what
 * `ompsweep cachemap` took it to be), else the topology's. */
static size_t capacity_marks(const struct camap *m, struct mark *marks, size_t max) {
    size_t n = 0;
    const struct report_sidecar *s = &m->file->json;
    const struct report_context *ctx = s->ctx.present ? &s->ctx : NULL;
    for (int c = 0; ctx && c < ctx->ncaches; c++)
        for (size_t t = 0; t < m->nthreads; t++) {
            const struct report_knee *k = knee_of(m, m->threads[t], ctx->caches[c].level);
            double bytes = k && k->capacity_bytes > 0
                               ? k->capacity_bytes
                               : cache_capacity(ctx, &ctx->caches[c], m->threads[t]);
            add_mark(marks, &n, max, ctx->caches[c].level, bytes, m->threads[t]);
        }
    for (size_t i = 0; i < s->nknees; i++) /* levels the context does not list */
        if (s->knees[i].capacity_bytes > 0 && thread_slot(m, s->knees[i].threads) < m->nthreads &&
            knee_matches(m->first->variant, &s->knees[i]))
            add_mark(marks, &n, max, s->knees[i].level, s->knees[i].capacity_bytes,
                     s->knees[i].threads);
    return n;
}

static void write_lines(const struct camap *m, struct plot *pl, double *xlo, double *xhi) {
    for (size_t t = 0; t < m->nthreads; t++) {
        const struct report_point *pts[512];
        size_t n = line_points(m, m->threads[t], pts, 512);
        plot_block(pl);
        fprintf(pl->dat, "# working-set-bytes GB/s (%d threads)\n", m->threads[t]);
        for (size_t i = 0; i < n; i++) {
            fprintf(pl->dat, "%.17g %.6g\n", pts[i]->working_set_bytes, pts[i]->gbytes_per_s);
            *xlo = fmin(*xlo, pts[i]->working_set_bytes);
            *xhi = fmax(*xhi, pts[i]->working_set_bytes);
        }
    }
}

/* Knee markers: at the measured knee, on the line of its thread count. */
static int write_knees(const struct camap *m, struct plot *pl) {
    const struct report_sidecar *s = &m->file->json;
    int any = 0;
    plot_block(pl);
    fprintf(pl->dat, "# knee-bytes GB/s threads-slot level\n");
    for (size_t i = 0; i < s->nknees; i++) {
        const struct report_knee *k = &s->knees[i];
        size_t slot = thread_slot(m, k->threads);
        if (!(k->measured_bytes > 0) || slot == m->nthreads || !knee_matches(m->first->variant, k))
            continue;
        double y = interpolate(m, k->threads, k->measured_bytes);
        if (!isfinite(y))
            y = (k->inside_gbytes_per_s + k->outside_gbytes_per_s) / 2;
        if (!isfinite(y))
            continue;
        fprintf(pl->dat, "%.17g %.6g %zu %d\n", k->measured_bytes, y, slot, k->level);
        any = 1;
    }
    return any;
}

static void draw_marks(const struct camap *m, FILE *gp, double *xlo, double *xhi) {
    struct mark marks[64];
    size_t n = capacity_marks(m, marks, 64);
    for (size_t i = 0; i < n; i++) {
        double b = marks[i].bytes;
        if (b < *xlo / 4 || b > *xhi * 4)
            continue;
        *xlo = fmin(*xlo, b / 1.5);
        *xhi = fmax(*xhi, b * 1.5);
        char size[32], label[96], th[32] = "";
        if (marks[i].threads)
            snprintf(th, sizeof th, ", %d thr", marks[i].threads);
        snprintf(label, sizeof label, "L%d %s%s", marks[i].level,
                 units_format_bytes(b, size, sizeof size), th);
        const char *color =
            marks[i].threads ? gp_color(thread_slot(m, marks[i].threads)) : "#555555";
        fprintf(gp,
                "set arrow from %.17g, graph 0 to %.17g, graph 1 nohead dt 2 lw 1.5 lc rgb '%s'\n"
                "set label ",
                b, b, color);
        gp_string(gp, label);
        fprintf(gp,
                " at %.17g, graph 0.98 right rotate by 90 offset -0.9, 0 tc rgb '%s' "
                "font ',9'\n",
                b, color);
    }
}

static void cachemap_plot(const struct camap *m, struct report_out *o) {
    struct plot pl;
    char name[256], title[1024];
    const struct report_point *f = m->first;
    snprintf(name, sizeof name, "cachemap-%s-%s", f->kernel, f->variant);
    if (plot_begin(&pl, o, name))
        return;
    double xlo = INFINITY, xhi = 0;
    write_lines(m, &pl, &xlo, &xhi);
    int knees = write_knees(m, &pl);
    FILE *gp = pl.gp;
    snprintf(title, sizeof title, "%s %s: throughput against working set (%s)", f->kernel,
             f->variant, m->file->name);
    fputs("set title ", gp);
    gp_string(gp, title);
    fputc('\n', gp);
    draw_marks(m, gp, &xlo, &xhi);
    fprintf(gp, "set logscale x 2\nset xrange [%.17g:%.17g]\n", xlo / 1.2, xhi * 1.2);
    gp_byte_tics(gp, 'x', xlo / 1.2, xhi * 1.2);
    fprintf(gp, "set xlabel 'working set (bytes, log scale)'\nset ylabel 'throughput (GB/s, "
                "10⁹ bytes per second)'\nset yrange [0:*]\nset grid\nset key bottom left box "
                "opaque\nplot ");
    for (size_t t = 0; t < m->nthreads; t++) {
        char label[64];
        snprintf(label, sizeof label, "%d thread%s", m->threads[t], m->threads[t] == 1 ? "" : "s");
        plot_data_ref(&pl, (int)t);
        fprintf(gp, " using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb '%s' title ", gp_color(t));
        gp_string(gp, label);
        fputs(", \\\n  ", gp);
    }
    if (knees) {
        plot_data_ref(&pl, (int)m->nthreads);
        fputs(" using 1:2 with points pt 13 ps 2 lc rgb 'black' title 'measured knee'", gp);
    } else {
        fputs("NaN notitle", gp);
    }
    fputc('\n', gp);
    snprintf(title, sizeof title, "%s %s cache map", f->kernel, f->variant);
    plot_end(&pl, title);
}

static void knee_table(const struct report_file *file, const char *variant, FILE *md) {
    const struct report_sidecar *s = &file->json;
    if (!s->has_knees) {
        fprintf(md,
                "`%s` holds no knees (written before `ompsweep cachemap` measured them): "
                "the dashed lines mark the capacities the topology gives for each thread "
                "count.\n\n",
                file->name);
        return;
    }
    if (s->nknees == 0) {
        fprintf(md, "`%s` lists no knees.\n\n", file->name);
        return;
    }
    fputs("Cache knees, reported by the topology against measured (where throughput falls):\n\n"
          "| threads | level | reported size (one) | capacity for the threads | measured knee | "
          "measured / capacity | GB/s inside | GB/s outside |\n"
          "|---:|---|---:|---:|---:|---:|---:|---:|\n",
          md);
    for (size_t i = 0; i < s->nknees; i++) {
        const struct report_knee *k = &s->knees[i];
        char a[32], b[32], c[32], r[32], in[32], out[32];
        if (!knee_matches(variant, k))
            continue;
        fprintf(md, "| %d | L%d | %s | %s | %s | %s | %s | %s |\n", k->threads, k->level,
                units_format_bytes(k->reported_bytes, a, sizeof a),
                units_format_bytes(k->capacity_bytes, b, sizeof b),
                k->measured_bytes > 0 ? units_format_bytes(k->measured_bytes, c, sizeof c)
                : k->within_noise     ? "within the noise"
                                      : "not found",
                fmt_num(k->ratio, 3, r, sizeof r),
                fmt_num(k->inside_gbytes_per_s, 4, in, sizeof in),
                fmt_num(k->outside_gbytes_per_s, 4, out, sizeof out));
    }
    fputs("\"Not found\": throughput beyond the level is not 10 % lower than inside it. \"Within "
          "the noise\": it is, but the points' 95 % intervals overlap (the inside plateau's "
          "low ends do not clear the outside plateau's high ends), so no knee is claimed.\n\n",
          md);
}

/* Best throughput per thread count and where, against the largest working set. */
static void summary_table(const struct camap *m, FILE *md) {
    fputs("| threads | best GB/s | at working set | GB/s at the largest working set |\n"
          "|---:|---:|---:|---:|\n",
          md);
    for (size_t t = 0; t < m->nthreads; t++) {
        const struct report_point *pts[512], *best = NULL;
        size_t n = line_points(m, m->threads[t], pts, 512);
        for (size_t i = 0; i < n; i++)
            if (!best || pts[i]->gbytes_per_s > best->gbytes_per_s)
                best = pts[i];
        if (!best)
            continue;
        char ws[32], big[32];
        fprintf(md, "| %d%s | %.4g | %s | %.4g (%s) |\n", m->threads[t],
                best->oversubscribed ? " *" : "", best->gbytes_per_s,
                units_format_bytes(best->working_set_bytes, ws, sizeof ws),
                pts[n - 1]->gbytes_per_s,
                units_format_bytes(pts[n - 1]->working_set_bytes, big, sizeof big));
    }
    fputc('\n', md);
}

static void one_map(const struct report_data *d, struct report_out *o, const size_t *idx,
                    size_t nidx, size_t seed, unsigned char *done) {
    struct camap m = {.d = d, .first = &d->points[idx[seed]]};
    m.file = &d->files[m.first->file];
    m.idx = malloc(nidx * sizeof *m.idx);
    if (!m.idx)
        return;
    for (size_t i = seed; i < nidx; i++)
        if (!done[i] && same_map(d, m.first, &d->points[idx[i]])) {
            const struct report_point *p = &d->points[idx[i]];
            m.idx[m.n++] = idx[i];
            done[i] = 1;
            if (thread_slot(&m, p->threads) == m.nthreads && m.nthreads < MAX_THREADS)
                m.threads[m.nthreads++] = p->threads;
        }
    for (size_t i = 1; i < m.nthreads; i++)
        for (size_t j = i; j > 0 && m.threads[j - 1] > m.threads[j]; j--) {
            int t = m.threads[j];
            m.threads[j] = m.threads[j - 1];
            m.threads[j - 1] = t;
        }
    const struct report_point *pts[2];
    int drawable = 0, file_multi = 0;
    for (size_t t = 0; t < m.nthreads; t++)
        drawable |= line_points(&m, m.threads[t], pts, 2) >= 2;
    /* A 1-thread map beside a thread sweep in the same file is the reference run with it. */
    for (size_t i = 0; i < nidx; i++)
        file_multi |= d->points[idx[i]].file == m.first->file && d->points[idx[i]].threads > 1;
    if (m.nthreads == 1 && file_multi)
        drawable = 0;
    if (drawable) {
        md_flush(o);
        fprintf(o->md, "### %s %s (`%s`)\n\n", m.first->kernel, m.first->variant, m.file->name);
        cachemap_plot(&m, o);
        summary_table(&m, o->md);
        knee_table(m.file, m.first->variant, o->md);
    }
    free(m.idx);
}

void report_section_cachemaps(const struct report_data *d, struct report_out *o) {
    size_t n;
    size_t *idx = report_points_of_study(d, "cachemap", &n);
    unsigned char *done = calloc(n ? n : 1, 1);
    md_open(o, "## Cache maps\n\nThroughput against the working set, one line per thread "
               "count. Dashed lines: each cache level's capacity for that many threads "
               "(per-core caches add up, a shared one does not); diamonds: the knees where "
               "throughput was measured to fall.\n\n");
    for (size_t i = 0; idx && done && i < n; i++)
        if (!done[i])
            one_map(d, o, idx, n, i, done);
    md_close(o);
    free(done);
    free(idx);
}
