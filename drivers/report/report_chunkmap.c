/* report_chunkmap: chunk maps (study "chunkmap"): per schedule, a heat map of the speed
 * relative to the fastest cell at each thread count over threads x chunk bytes with the caches
 * marked, the threads x chunk table, and the cells the data cannot tell from the fastest, with
 * a cause (a cache level, the cost of handing out chunks, load balance) named only when the
 * slower cells show that pattern (versus_fastest: the paired ratio's 95 % interval below 1). */
#include "format/units.h"
#include "report/report_caches.h"
#include "report/report_sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_AXIS 64

struct cmap {
    const struct report_data *d;
    const struct report_point *first;
    size_t *idx, n; /* the map's points */
    struct strset schedules;
    int threads[MAX_AXIS];
    size_t nthreads;
    const char *chunks[MAX_AXIS]; /* chunk labels as asked, ordered by bytes */
    size_t nchunks;
    /* the fastest cell (least time) at each thread count, any schedule and chunk */
    const struct report_point *fastest[MAX_AXIS];
    int tstar;                         /* the thread count the text is about */
    const struct report_point *winner; /* the best cell at tstar */
    double vmin;                       /* least relative speed in the map */
};

static int same_map(const struct report_data *d, const struct report_point *a,
                    const struct report_point *b) {
    return !strcmp(a->kernel, b->kernel) && !strcmp(a->variant, b->variant) && a->size == b->size &&
           !strcmp(a->params, b->params) && a->ranks == b->ranks &&
           !strcmp(report_host_of(d, a->file), report_host_of(d, b->file));
}

/* A point of a scheduled loop: the reference and library variants have none. */
static int chunked(const struct report_point *p) {
    return p->schedule[0] && strcmp(p->schedule, "-") != 0;
}

static const struct report_point *cell(const struct cmap *m, const char *schedule, int threads,
                                       const char *chunk) {
    for (size_t i = 0; i < m->n; i++) {
        const struct report_point *p = &m->d->points[m->idx[i]];
        if (p->threads == threads && !strcmp(p->schedule, schedule) && !strcmp(p->chunk, chunk) &&
            p->median_s > 0)
            return p;
    }
    return NULL;
}

/* The cells of a schedule at a thread count that have a size in bytes, ascending; returns how
 * many (at most MAX_AXIS, one per chunk asked). */
static size_t sized_row(const struct cmap *m, const char *schedule, int threads,
                        const struct report_point **row) {
    size_t n = 0;
    for (size_t c = 0; c < m->nchunks; c++) {
        const struct report_point *p = cell(m, schedule, threads, m->chunks[c]);
        if (p && p->chunk_bytes > 0)
            row[n++] = p;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && row[j - 1]->chunk_bytes > row[j]->chunk_bytes; j--) {
            const struct report_point *t = row[j];
            row[j] = row[j - 1];
            row[j - 1] = t;
        }
    return n;
}

static size_t thread_index(const struct cmap *m, int threads) {
    size_t k = 0;
    while (k < m->nthreads && m->threads[k] != threads)
        k++;
    return k;
}

/* The fastest cell at a thread count, any schedule and chunk. */
static const struct report_point *fastest_at(const struct cmap *m, int threads) {
    size_t t = thread_index(m, threads);
    return t < m->nthreads ? m->fastest[t] : NULL;
}

/* p against the fastest cell at its thread count: 1 slower, 0 the measurement cannot tell
 * them apart, 2 no interval to tell (then p counts as not slower). The test is the 95 %
 * interval of the time ratio paired by round (ratio_best, against that same cell: its own
 * ratio is 1), which a slow stretch of the host cancels from; files without it fall back on
 * the medians' intervals being apart, which such a stretch widens. */
static int versus_fastest(const struct cmap *m, const struct report_point *p) {
    const struct report_point *w = fastest_at(m, p->threads);
    if (!w || p == w)
        return 0;
    if (w->ratio_best == 1.0 && isfinite(p->ratio_best_low) && isfinite(p->ratio_best_high))
        return p->ratio_best_high < 1.0 ? 1 : 0;
    return report_compare(p, w);
}

static double relative(const struct cmap *m, const struct report_point *p) {
    return fastest_at(m, p->threads)->median_s / p->median_s;
}

/* Chunk bytes of a label at the fewest threads measured ("all" grows as threads shrink). */
static double chunk_order(const struct cmap *m, const char *chunk) {
    for (size_t t = 0; t < m->nthreads; t++)
        for (size_t i = 0; i < m->n; i++) {
            const struct report_point *p = &m->d->points[m->idx[i]];
            if (p->threads == m->threads[t] && !strcmp(p->chunk, chunk) && p->chunk_bytes > 0)
                return p->chunk_bytes;
        }
    return INFINITY; /* OpenMP's default chunk: no size, listed last */
}

static void sort_axes(struct cmap *m) {
    for (size_t i = 1; i < m->nthreads; i++)
        for (size_t j = i; j > 0 && m->threads[j - 1] > m->threads[j]; j--) {
            int t = m->threads[j];
            m->threads[j] = m->threads[j - 1];
            m->threads[j - 1] = t;
        }
    double order[MAX_AXIS];
    for (size_t i = 0; i < m->nchunks; i++)
        order[i] = chunk_order(m, m->chunks[i]);
    for (size_t i = 1; i < m->nchunks; i++)
        for (size_t j = i; j > 0 && order[j - 1] > order[j]; j--) {
            double o = order[j];
            const char *c = m->chunks[j];
            order[j] = order[j - 1];
            m->chunks[j] = m->chunks[j - 1];
            order[j - 1] = o;
            m->chunks[j - 1] = c;
        }
}

/* Axes, the best time per thread count, the thread count the text is about and its winner. */
static void cmap_analyse(struct cmap *m) {
    for (size_t i = 0; i < m->n; i++) {
        const struct report_point *p = &m->d->points[m->idx[i]];
        strset_add(&m->schedules, p->schedule);
        if (thread_index(m, p->threads) == m->nthreads && m->nthreads < MAX_AXIS)
            m->threads[m->nthreads++] = p->threads;
        size_t c = 0;
        while (c < m->nchunks && strcmp(m->chunks[c], p->chunk))
            c++;
        if (c == m->nchunks && m->nchunks < MAX_AXIS)
            m->chunks[m->nchunks++] = p->chunk;
    }
    sort_axes(m);
    int within = 0;
    for (size_t t = 0; t < m->nthreads; t++) {
        m->fastest[t] = NULL;
        for (size_t i = 0; i < m->n; i++) {
            const struct report_point *p = &m->d->points[m->idx[i]];
            if (p->threads == m->threads[t] && p->median_s > 0 &&
                (!m->fastest[t] || p->median_s < m->fastest[t]->median_s))
                m->fastest[t] = p;
            if (p->threads == m->threads[t] && !p->oversubscribed)
                within = m->threads[t];
        }
    }
    m->tstar = within ? within : m->threads[m->nthreads - 1];
    m->vmin = 1.0;
    for (size_t i = 0; i < m->n; i++) {
        const struct report_point *p = &m->d->points[m->idx[i]];
        if (!(p->median_s > 0))
            continue;
        m->vmin = fmin(m->vmin, relative(m, p));
    }
    m->winner = fastest_at(m, m->tstar);
}

/* ---- heat map ---------------------------------------------------------------------------- */

/* One row of cells: chunk bytes ascending, each cell spanning half-way (in log) to its
 * neighbours, so every row covers its own chunks whatever "all" means at that thread count. */
static void write_row(const struct cmap *m, FILE *dat, const char *schedule, size_t rowno,
                      double *xlo, double *xhi) {
    const struct report_point *row[MAX_AXIS];
    size_t n = sized_row(m, schedule, m->threads[rowno], row);
    /* Two chunks asked that round to the same bytes are one cell: the first is drawn, or the
     * best of the map if it is one of them. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || row[i]->chunk_bytes != row[k - 1]->chunk_bytes)
            row[k++] = row[i];
        else if (row[i] == m->winner)
            row[k - 1] = row[i];
    n = k;
    for (size_t i = 0; i < n; i++) {
        double b = row[i]->chunk_bytes;
        double lo = i > 0 ? sqrt(b * row[i - 1]->chunk_bytes)
                          : (n > 1 ? b * b / sqrt(b * row[1]->chunk_bytes) : b / 2);
        double hi = i + 1 < n ? sqrt(b * row[i + 1]->chunk_bytes)
                              : (n > 1 ? b * b / sqrt(b * row[n - 2]->chunk_bytes) : b * 2);
        *xlo = fmin(*xlo, lo);
        *xhi = fmax(*xhi, hi);
        int star = row[i] == m->winner                                             ? 1
                   : row[i]->threads == m->tstar && versus_fastest(m, row[i]) == 0 ? 2
                                                                                   : 0;
        /* Rows are evenly spaced whatever the thread counts: y is the row number. */
        fprintf(dat, "%.6g %zu %.6g %.6g %g %g %.4f %d\n", b, rowno, lo, hi, rowno - 0.5,
                rowno + 0.5, relative(m, row[i]), star);
    }
}

/* Vertical lines at the caches' sizes that fall near the chunks measured. */
static void cache_marks(const struct cmap *m, FILE *gp, double *xlo, double *xhi) {
    const struct report_context *ctx = report_context_of(m->d, m->first->file);
    for (int i = 0; ctx && i < ctx->ncaches; i++) {
        const struct report_cache *c = &ctx->caches[i];
        double b = c->size_bytes;
        if (b < *xlo / 8 || b > *xhi * 8)
            continue;
        *xlo = fmin(*xlo, b / 1.5);
        *xhi = fmax(*xhi, b * 1.5);
        char name[16], size[32], label[64];
        snprintf(label, sizeof label, "%s %s%s", cache_name(c, name, sizeof name),
                 units_format_bytes(b, size, sizeof size),
                 cache_cores_per_instance(ctx, c) > 1 ? " shared" : " per core");
        fprintf(gp,
                "set arrow from %.17g, graph 0 to %.17g, graph 1 nohead front lw 2 dt 2 "
                "lc rgb '#d62728'\nset label ",
                b, b);
        gp_string(gp, label);
        fprintf(gp, " at %.17g, graph 1 offset 0, 0.8 center front tc rgb '#d62728'\n", b);
    }
}

static void heat_map(const struct cmap *m, struct report_out *o, const char *schedule) {
    struct plot pl;
    char name[256], title[512], sz[32];
    const struct report_point *f = m->first;
    snprintf(name, sizeof name, "chunkmap-%s-%s-%s-%s", f->kernel, f->variant, schedule,
             fmt_count(f->size, sz, sizeof sz));
    if (plot_begin(&pl, o, name))
        return;
    double xlo = INFINITY, xhi = 0;
    plot_block(&pl);
    fprintf(pl.dat, "# chunk-bytes row x-low x-high y-low y-high relative-speed "
                    "fastest(1)-or-within-its-interval(2)\n");
    for (size_t t = 0; t < m->nthreads; t++)
        write_row(m, pl.dat, schedule, t, &xlo, &xhi);
    if (!(xhi > xlo)) {
        plot_cancel(&pl);
        return;
    }
    FILE *gp = pl.gp;
    snprintf(title, sizeof title,
             "%s %s, schedule %s, size %s: speed relative to the best at "
             "each thread count",
             f->kernel, f->variant, schedule, sz);
    fputs("set title ", gp);
    gp_string(gp, title);
    fprintf(gp, " offset 0, 1\nset tmargin 5\n");
    cache_marks(m, gp, &xlo, &xhi);
    double cbmin = floor(fmin(m->vmin, 0.95) * 20) / 20;
    fprintf(gp, "set logscale x 2\nset xrange [%.17g:%.17g]\n", xlo, xhi);
    gp_byte_tics(gp, 'x', xlo, xhi);
    fprintf(gp, "set yrange [-0.5:%g]\nset ytics (", m->nthreads - 0.5);
    for (size_t t = 0; t < m->nthreads; t++) {
        const struct report_point *any = NULL;
        for (size_t c = 0; c < m->nchunks && !any; c++)
            any = cell(m, schedule, m->threads[t], m->chunks[c]);
        fprintf(gp, "%s'%d%s' %zu", t ? ", " : "", m->threads[t],
                any && any->oversubscribed ? "*" : "", t);
    }
    fprintf(gp,
            ")\nset xlabel 'chunk: bytes of input per chunk (log scale)'\n"
            "set ylabel 'threads (* more than the CPUs)'\n"
            "set cblabel 'speed / best speed at the same thread count'\n"
            "set cbrange [%g:1]\nset palette defined (0 '#440154', 0.5 '#21908d', 1 "
            "'#fde725')\nset style fill solid 1.0 noborder\nunset key\nplot ",
            cbmin);
    plot_data_ref(&pl, 0);
    fputs(" using 1:2:3:4:5:6:7 with boxxyerror lc palette, \\\n  ", gp);
    plot_data_ref(&pl, 0);
    /* Labels white on the dark half of the palette, black on the light half. */
    double mid = (cbmin + 1) / 2;
    static const char label[] =
        "sprintf($8 == 1 ? '%.2f ★ fastest' : $8 == 2 ? '%.2f ≈' : '%.2f', $7)";
    fprintf(gp, " using 1:2:($7 < %g ? %s : '') with labels tc rgb 'white', \\\n  ", mid, label);
    plot_data_ref(&pl, 0);
    fprintf(gp, " using 1:2:($7 >= %g ? %s : '') with labels tc rgb 'black'\n", mid, label);
    snprintf(title, sizeof title, "%s %s chunk map, schedule %s", f->kernel, f->variant, schedule);
    plot_end(&pl, title);
}

/* ---- table ------------------------------------------------------------------------------- */

/* Million items per second when the file has rates, else milliseconds per run. */
static int use_rates(const struct cmap *m) {
    for (size_t i = 0; i < m->n; i++)
        if (!(m->d->points[m->idx[i]].items_per_s > 0))
            return 0;
    return 1;
}

static const struct report_point *row_best(const struct cmap *m, const char *schedule,
                                           int threads) {
    const struct report_point *best = NULL;
    for (size_t c = 0; c < m->nchunks; c++) {
        const struct report_point *p = cell(m, schedule, threads, m->chunks[c]);
        if (p && (!best || p->median_s < best->median_s))
            best = p;
    }
    return best;
}

static void chunk_table(const struct cmap *m, FILE *md, const char *schedule) {
    int rates = use_rates(m);
    fprintf(md,
            "Schedule %s, %s (rows: threads; columns: chunk as asked; **bold**: the fastest "
            "cell at that thread count, any schedule, and the cells the measurement cannot "
            "tell from it; ★: the fastest of all at %d threads; ! unstable):\n\n| threads |",
            schedule, rates ? "million items per second" : "milliseconds per run", m->tstar);
    for (size_t c = 0; c < m->nchunks; c++) {
        fputc(' ', md);
        md_text(md, m->chunks[c][0] ? m->chunks[c] : "default");
        fputs(" |", md);
    }
    fputs("\n|---:|", md);
    for (size_t c = 0; c < m->nchunks; c++)
        fputs("---:|", md);
    for (size_t t = 0; t < m->nthreads; t++) {
        const struct report_point *best = row_best(m, schedule, m->threads[t]);
        if (!best)
            continue;
        fprintf(md, "\n| %d%s |", m->threads[t], best->oversubscribed ? " *" : "");
        for (size_t c = 0; c < m->nchunks; c++) {
            const struct report_point *p = cell(m, schedule, m->threads[t], m->chunks[c]);
            if (!p) {
                fputs(" – |", md);
                continue;
            }
            double v = rates ? p->items_per_s / 1e6 : p->median_s * 1e3;
            const char *b = versus_fastest(m, p) != 1 ? "**" : "";
            fprintf(md, " %s%.4g%s%s%s |", b, v, b, p->unstable ? " !" : "",
                    p == m->winner ? " ★" : "");
        }
    }
    fputs("\n\n", md);
}

/* ---- what the map shows ------------------------------------------------------------------ */

static double slower_pct(const struct report_point *p, const struct report_point *best) {
    return (p->median_s / best->median_s - 1.0) * 100.0;
}

/* The first cache level (in the context's order) whose share per thread holds bytes. */
static const struct report_cache *fitting_level(const struct report_context *ctx, double bytes,
                                                int threads) {
    for (int i = 0; ctx && i < ctx->ncaches; i++)
        if (bytes <= cache_share_per_thread(ctx, &ctx->caches[i], threads))
            return &ctx->caches[i];
    return NULL;
}

static void describe_share(const struct report_context *ctx, const struct report_cache *c,
                           int threads, FILE *md) {
    char name[16], size[32], share[32];
    cache_name(c, name, sizeof name);
    units_format_bytes(c->size_bytes, size, sizeof size);
    double s = cache_share_per_thread(ctx, c, threads);
    if (s < c->size_bytes)
        fprintf(md, "its %s share of the %s %s (shared by %d cores)",
                units_format_bytes(s, share, sizeof share), size, name,
                cache_cores_per_instance(ctx, c));
    else
        fprintf(md, "the %s %s of a core", size, name);
}

static const char *label(const struct report_point *p) {
    return p->chunk[0] ? p->chunk : "default";
}

/* The winner's schedule at tstar: its cells with a size in bytes, ascending. */
static size_t winner_row(const struct cmap *m, const struct report_point **row) {
    return sized_row(m, m->winner->schedule, m->tstar, row);
}

/* The cells of the map at tstar that cannot be told from the winner, listed by schedule. */
static int list_equivalent(const struct cmap *m, FILE *md) {
    int count = 0;
    for (size_t s = 0; s < m->schedules.n; s++) {
        int first = 1;
        for (size_t c = 0; c < m->nchunks; c++) {
            const struct report_point *p = cell(m, m->schedules.v[s], m->tstar, m->chunks[c]);
            if (!p || p == m->winner || versus_fastest(m, p) == 1)
                continue;
            fprintf(md, "%s%s%s", first ? (count ? "; " : "") : ", ",
                    first ? m->schedules.v[s] : "", first ? " " : "");
            fputs(label(p), md);
            first = 0;
            count++;
        }
    }
    return count;
}

/* How much slower the cells row[from..to) are than w, as "x %" or "x–y %". */
static const char *slower_range(const struct report_point *const *row, size_t from, size_t to,
                                const struct report_point *w, char *buf, size_t len) {
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = from; i < to; i++) {
        lo = fmin(lo, slower_pct(row[i], w));
        hi = fmax(hi, slower_pct(row[i], w));
    }
    if (hi - lo < 0.05)
        snprintf(buf, len, "%.1f %%", hi);
    else
        snprintf(buf, len, "%.1f–%.1f %%", lo, hi);
    return buf;
}

/* The cause of the larger chunks' loss: fewer chunks than threads (a thread idles), the cache
 * level the equivalent ones fit in and the slower ones do not, or load balance (two chunks or
 * fewer per thread), or none named. */
static void explain_larger(const struct cmap *m, const struct report_point *const *row, size_t n,
                           size_t last_eq, FILE *md) {
    const struct report_context *ctx = report_context_of(m->d, m->winner->file);
    const struct report_point *big = row[last_eq], *next = row[last_eq + 1];
    char b[32], range[64];
    slower_range(row, last_eq + 1, n, m->winner, range, sizeof range);
    const struct report_cache *fits = fitting_level(ctx, big->chunk_bytes, m->tstar);
    const struct report_cache *spills = fitting_level(ctx, next->chunk_bytes, m->tstar);
    fprintf(md, "- Every chunk larger than %s is slower (%s): ", label(big), range);
    double per_thread =
        next->chunk_items > 0 ? ceil(next->size / next->chunk_items) / m->tstar : INFINITY;
    if (per_thread < 1.0) {
        fprintf(md,
                "from %s on there are fewer chunks than threads, so a thread has nothing to "
                "do.\n",
                label(next));
    } else if (fits && fits != spills) {
        fprintf(md, "the chunks up to %s fit ", label(big));
        describe_share(ctx, fits, m->tstar, md);
        fprintf(md, ", the larger ones (from %s of input) do not.\n",
                units_format_bytes(next->chunk_bytes, b, sizeof b));
    } else if (per_thread <= 2.0) {
        fprintf(md,
                "from %s on there are at most two chunks per thread, too few to even out the "
                "threads' work (load balance).\n",
                label(next));
    } else {
        fprintf(md, "no cache level and no lack of chunks per thread separates them from the "
                    "faster ones, so no cause is given.\n");
    }
}

static void explain_smaller(const struct cmap *m, const struct report_point *const *row,
                            size_t first_eq, FILE *md) {
    char range[64];
    slower_range(row, 0, first_eq, m->winner, range, sizeof range);
    const struct report_point *small = row[0];
    fprintf(md, "- Every chunk smaller than %s is slower (%s)", label(row[first_eq]), range);
    if (small->chunk_items > 0 && small->size > 0)
        fprintf(md, "; the smallest, %s, makes %.0f chunks per thread", label(small),
                ceil(small->size / small->chunk_items) / m->tstar);
    fprintf(md, ": each chunk handed out costs the schedule something, and smaller chunks pay it "
                "more often.\n");
}

/* The pattern of the winner's schedule at tstar: which cells are slower, beyond the noise. */
static void explain_pattern(const struct cmap *m, FILE *md) {
    const struct report_point *row[MAX_AXIS];
    size_t n = winner_row(m, row), first_eq = n, last_eq = 0, slower = 0;
    for (size_t i = 0; i < n; i++) {
        if (versus_fastest(m, row[i]) != 1) { /* the same, or no interval to tell */
            first_eq = i < first_eq ? i : first_eq;
            last_eq = i;
        } else {
            slower++;
        }
    }
    if (n == 0 || first_eq == n)
        return;
    if (slower == 0) {
        fprintf(md,
                "- With schedule %s no chunk size is slower than the fastest beyond the "
                "noise: at this size and thread count the chunk does not matter.\n",
                m->winner->schedule);
        return;
    }
    for (size_t i = first_eq; i <= last_eq; i++)
        if (versus_fastest(m, row[i]) == 1) {
            fprintf(md,
                    "- With schedule %s the cells slower than the fastest follow no order of "
                    "chunk size (slower ones lie between equivalent ones), so no cause is "
                    "given.\n",
                    m->winner->schedule);
            return;
        }
    if (first_eq > 0)
        explain_smaller(m, row, first_eq, md);
    if (last_eq + 1 < n)
        explain_larger(m, row, n, last_eq, md);
}

static void explain_schedules(const struct cmap *m, FILE *md) {
    for (size_t s = 0; s < m->schedules.n; s++) {
        const char *sched = m->schedules.v[s];
        if (!strcmp(sched, m->winner->schedule))
            continue;
        const struct report_point *b = row_best(m, sched, m->tstar);
        if (!b)
            continue;
        if (versus_fastest(m, b) == 1)
            fprintf(md, "- Schedule %s's fastest at %d threads, chunk %s, is %.1f %% slower.\n",
                    sched, m->tstar, label(b), slower_pct(b, m->winner));
        else
            fprintf(md,
                    "- Schedule %s's fastest at %d threads, chunk %s, cannot be told from it.\n",
                    sched, m->tstar, label(b));
    }
}

static void explain(const struct cmap *m, FILE *md) {
    const struct report_point *w = m->winner;
    char b[32];
    fprintf(md, "**Fastest at %d thread%s: schedule %s, chunk %s", m->tstar,
            m->tstar == 1 ? "" : "s", w->schedule, label(w));
    if (w->chunk_bytes > 0)
        fprintf(md, " (%s of input per chunk)", units_format_bytes(w->chunk_bytes, b, sizeof b));
    if (w->items_per_s > 0)
        fprintf(md, ", %.4g million items per second", w->items_per_s / 1e6);
    if (isfinite(w->ci_low_s))
        fprintf(md, " (median %.4g ms, 95 %% interval %.4g–%.4g)", w->median_s * 1e3,
                w->ci_low_s * 1e3, w->ci_high_s * 1e3);
    fprintf(md, ".**\n\n");
    if (report_compare(w, w) == 2) {
        fprintf(md, "These points have no intervals (measured before interleaved rounds, or in "
                    "fewer than 6 rounds): the tables give the medians, and no cell is called "
                    "faster or slower than another.\n\n");
        return;
    }
    if (w->unstable)
        fprintf(md, "Its interval never came within the precision asked (unstable): what follows "
                    "rests on a wide interval.\n\n");
    fprintf(md, "- Cells the measurement cannot tell from it (%s): ",
            w->ratio_best == 1.0 ? "the 95 % interval of their time ratio to it, paired round "
                                   "by round, holds 1"
                                 : "their medians' 95 % intervals overlap its own");
    if (!list_equivalent(m, md))
        fputs("none", md);
    fputs(".\n", md);
    if (!(w->chunk_bytes > 0))
        fprintf(md, "- The fastest chunk has no size in bytes (OpenMP's default), so it cannot "
                    "be read against the caches.\n");
    else if (!report_context_of(m->d, w->file))
        fprintf(md, "- The cache sizes are unknown (no JSON context), so the chunks cannot be "
                    "read against them.\n");
    explain_pattern(m, md);
    explain_schedules(m, md);
    fputc('\n', md);
}

/* ---- the section ------------------------------------------------------------------------- */

static void one_map(const struct report_data *d, struct report_out *o, const size_t *idx,
                    size_t nidx, size_t seed, unsigned char *done) {
    struct cmap m = {.d = d, .first = &d->points[idx[seed]]};
    m.idx = malloc(nidx * sizeof *m.idx);
    if (!m.idx)
        return;
    for (size_t i = seed; i < nidx; i++)
        if (!done[i] && chunked(&d->points[idx[i]]) && same_map(d, m.first, &d->points[idx[i]])) {
            m.idx[m.n++] = idx[i];
            done[i] = 1;
        }
    cmap_analyse(&m);
    if (m.winner) {
        char sz[32];
        md_flush(o);
        fprintf(o->md, "### %s %s, size %s", m.first->kernel, m.first->variant,
                fmt_count(m.first->size, sz, sizeof sz));
        if (m.first->ranks > 1)
            fprintf(o->md, ", %d MPI ranks", m.first->ranks);
        fputs("\n\n", o->md);
        explain(&m, o->md);
        for (size_t s = 0; s < m.schedules.n; s++) {
            heat_map(&m, o, m.schedules.v[s]);
            chunk_table(&m, o->md, m.schedules.v[s]);
        }
    }
    strset_free(&m.schedules);
    free(m.idx);
}

void report_section_chunkmaps(const struct report_data *d, struct report_out *o) {
    size_t n;
    size_t *idx = report_points_of_study(d, "chunkmap", &n);
    unsigned char *done = calloc(n ? n : 1, 1);
    md_open(o, "## Chunk maps\n\nTime per run over threads × chunk size, for each schedule. "
               "The heat maps show each cell's speed relative to the fastest cell at the same "
               "thread count (any schedule), on a log axis of the bytes of input per chunk, "
               "with the cache sizes marked; the tables give the rates.\n\n");
    for (size_t i = 0; idx && done && i < n; i++)
        if (!done[i] && chunked(&d->points[idx[i]]))
            one_map(d, o, idx, n, i, done);
    md_close(o);
    free(done);
    free(idx);
}
