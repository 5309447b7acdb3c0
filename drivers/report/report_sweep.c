/* report_sweep: thread sweeps (study "run"): per kernel and size, speedup and efficiency
 * against threads with their 95 % intervals, one line per variant with its Amdahl fit
 * (weighted by the intervals), what the intervals allow to be said of the speedup at the most
 * threads, and the Karp-Flatt fractions. */
#include "format/units.h"
#include "report/report_sections.h"
#include "report/scaling.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FIT_SAMPLES 120 /* points of a drawn fit curve */

/* One variant's thread sweep at one size: the line of a plot. */
struct line {
    char label[200]; /* the variant (and host, when several) */
    const char *variant, *host;
    int ranks;
    char config[128]; /* schedule and chunk of the series drawn */
    int configs;      /* (schedule, chunk) series measured for this variant at this size */
    size_t n;
    double *p, *s, *sigma, *e;
    double *lo, *hi; /* the speedup's 95 % interval; NaN where unknown */
    int *over, *unstable;
    int weighted, status;
    struct scaling_fit fit;
};

static void line_free(struct line *l) {
    free(l->p);
    free(l->s);
    free(l->sigma);
    free(l->e);
    free(l->lo);
    free(l->hi);
    free(l->over);
    free(l->unstable);
}

static int line_alloc(struct line *l, size_t n) {
    l->p = malloc(n * sizeof *l->p);
    l->s = malloc(n * sizeof *l->s);
    l->sigma = malloc(n * sizeof *l->sigma);
    l->e = malloc(n * sizeof *l->e);
    l->lo = malloc(n * sizeof *l->lo);
    l->hi = malloc(n * sizeof *l->hi);
    l->over = malloc(n * sizeof *l->over);
    l->unstable = malloc(n * sizeof *l->unstable);
    return l->p && l->s && l->sigma && l->e && l->lo && l->hi && l->over && l->unstable ? 0 : -1;
}

/* Fits f to the points within the CPUs, weighted when every point has its noise. */
static void line_fit(struct line *l) {
    double *p = malloc(l->n * sizeof *p), *s = malloc(l->n * sizeof *s),
           *sg = malloc(l->n * sizeof *sg);
    size_t k = 0;
    int weighted = p && s && sg;
    for (size_t i = 0; p && s && sg && i < l->n; i++) {
        if (l->over[i])
            continue;
        p[k] = l->p[i];
        s[k] = l->s[i];
        sg[k] = l->sigma[i];
        weighted &= isfinite(sg[k]) && sg[k] > 0.0;
        k++;
    }
    struct scaling_points pts = {.p = p, .s = s, .sigma = weighted ? sg : NULL, .n = k};
    l->weighted = weighted;
    l->status = p && s && sg ? scaling_amdahl_fit(&pts, &l->fit, NULL) : SCALING_NO_CONVERGENCE;
    free(p);
    free(s);
    free(sg);
}

/* Speedups of a series: the file's own column, else t(1)/t(p) from its 1-thread point.
 * Their 95 % interval: the file's (paired rounds), else the widest ratio of the two medians'
 * intervals. The fit's sigma is the interval's half-width / 1.96; files without intervals
 * fall back on both points' coefficients of variation, and so does the 1-thread point, whose
 * paired interval with itself is a point (its weight changes nothing: S(1) = 1 for every f,
 * so its residual and its derivative in f are 0). */
static int line_build(const struct report_data *d, const size_t *m, size_t n, struct line *l) {
    const struct report_point *one = d->points[m[0]].threads == 1 ? &d->points[m[0]] : NULL;
    if (line_alloc(l, n))
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct report_point *pt = &d->points[m[i]];
        double s = pt->speedup;
        if (!isfinite(s) && one && one->median_s > 0 && pt->median_s > 0)
            s = one->median_s / pt->median_s;
        if (!isfinite(s) || s <= 0)
            continue;
        double cv1 = one ? one->cv : NAN, lo = pt->speedup_low, hi = pt->speedup_high;
        if (!(isfinite(lo) && isfinite(hi)) && one && one->ci_high_s > 0 && pt->ci_low_s > 0) {
            lo = one->ci_low_s / pt->ci_high_s;
            hi = one->ci_high_s / pt->ci_low_s;
        }
        l->p[l->n] = pt->threads;
        l->s[l->n] = s;
        l->lo[l->n] = isfinite(lo) && isfinite(hi) ? lo : NAN;
        l->hi[l->n] = isfinite(lo) && isfinite(hi) ? hi : NAN;
        l->sigma[l->n] = isfinite(l->lo[l->n]) && hi > lo ? (hi - lo) / (2 * 1.96)
                                                          : s * sqrt(pt->cv * pt->cv + cv1 * cv1);
        l->unstable[l->n] = pt->unstable;
        l->e[l->n] = s / pt->threads;
        l->over[l->n] = pt->oversubscribed;
        l->n++;
    }
    const struct report_point *p0 = &d->points[m[0]];
    if (strcmp(p0->schedule, "-") == 0 || !p0->schedule[0])
        snprintf(l->config, sizeof l->config, "no scheduled loop");
    else
        snprintf(l->config, sizeof l->config, "schedule %s, chunk %s", p0->schedule,
                 p0->chunk[0] ? p0->chunk : "default");
    if (p0->params[0]) { /* series differing only in a parameter (gemm's inner) are told apart */
        size_t used = strlen(l->config);
        snprintf(l->config + used, sizeof l->config - used, ", %s", p0->params);
    }
    line_fit(l);
    return l->n >= 2 ? 0 : -1;
}

/* ---- plots ------------------------------------------------------------------------------- */

static double max_threads(const struct line *lines, size_t n) {
    double m = 1;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < lines[i].n; k++)
            m = fmax(m, lines[i].p[k]);
    return m;
}

/* The thread axis; the "cores" mark sits at the top or the bottom, away from the key. */
static void thread_axis(FILE *gp, const struct line *lines, size_t n, int cores, int mark_top) {
    double pmax = max_threads(lines, n);
    if (pmax > 16) {
        fprintf(gp, "set logscale x 2\nset xrange [0.9:%g]\n", pmax * 1.1);
    } else {
        fprintf(gp, "set xrange [0.7:%g]\nset xtics 1\n", pmax + 0.3);
    }
    fprintf(gp, "set xlabel 'threads'\nset grid\n");
    if (cores > 0 && cores < pmax)
        fprintf(gp,
                "set arrow from %d, graph 0 to %d, graph 1 nohead dt 3 lc rgb 'gray40'\n"
                "set label 'cores' at %d, graph %g right offset -0.5, 0 tc rgb 'gray40'\n",
                cores, cores, cores, mark_top ? 0.96 : 0.04);
}

static double max_efficiency(const struct line *lines, size_t n) {
    double m = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < lines[i].n; k++)
            m = fmax(m, lines[i].e[k]);
    return m;
}

static int any_over(const struct line *lines, size_t n) {
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < lines[i].n; k++)
            if (lines[i].over[k])
                return 1;
    return 0;
}

static void fit_title(const struct line *l, char *buf, size_t len) {
    if (l->status != SCALING_OK)
        snprintf(buf, len, "no Amdahl fit: %s", scaling_strerror(l->status));
    else if (l->fit.at_bound)
        snprintf(buf, len, "Amdahl fit: f = %.4f (at its bound)", l->fit.value);
    else
        snprintf(buf, len, "Amdahl fit: f = %.4f ± %.2g", l->fit.value, l->fit.std_err);
}

/* The most threads the fit used: the law says nothing about threads beyond the CPUs, so its
 * curve stops there. */
static double fitted_max(const struct line *l) {
    double m = 1;
    for (size_t k = 0; k < l->n; k++)
        if (!l->over[k])
            m = fmax(m, l->p[k]);
    return m;
}

/* Data: block 2i the measured points (p, S, S low, S high, E, E low, E high, over), block
 * 2i+1 the fit. Bars: the 95 % interval, else +- sigma. */
static void write_data(struct plot *pl, const struct line *lines, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const struct line *l = &lines[i];
        double pmax = fitted_max(l);
        plot_block(pl);
        fprintf(pl->dat, "# threads speedup low high efficiency low high oversubscribed\n");
        for (size_t k = 0; k < l->n; k++) {
            /* The 1-thread point is 1 by definition: no error bar. */
            double sd = isfinite(l->sigma[k]) && l->p[k] != 1.0 ? l->sigma[k] : 0.0;
            int bar = isfinite(l->lo[k]) && l->p[k] != 1.0;
            double lo = bar ? l->lo[k] : l->s[k] - sd, hi = bar ? l->hi[k] : l->s[k] + sd;
            fprintf(pl->dat, "%g %.6g %.6g %.6g %.6g %.6g %.6g %d\n", l->p[k], l->s[k], lo, hi,
                    l->e[k], lo / l->p[k], hi / l->p[k], l->over[k]);
        }
        plot_block(pl);
        fprintf(pl->dat, "# threads fitted-speedup fitted-efficiency\n");
        for (int k = 0; l->status == SCALING_OK && k <= FIT_SAMPLES; k++) {
            double p = pow(pmax, (double)k / FIT_SAMPLES);
            double s = scaling_amdahl_speedup(l->fit.value, p);
            fprintf(pl->dat, "%.6g %.6g %.6g\n", p, s, s / p);
        }
    }
}

/* One plot: speedup (efficiency = 0) or efficiency against threads. */
static void draw(struct report_out *o, const char *kernel, const char *what, const char *name,
                 const struct line *lines, size_t n, int cores, int efficiency) {
    struct plot pl;
    if (plot_begin(&pl, o, name))
        return;
    FILE *gp = pl.gp;
    write_data(&pl, lines, n);
    fprintf(gp, "set title ");
    char title[400];
    snprintf(title, sizeof title, "%s: %s, %s", kernel, efficiency ? "efficiency" : "speedup",
             what);
    gp_string(gp, title);
    fputc('\n', gp);
    thread_axis(gp, lines, n, cores, efficiency);
    fprintf(gp, "set key %s left box opaque\n", efficiency ? "bottom" : "top");
    if (efficiency)
        fprintf(gp,
                "set ylabel 'parallel efficiency = speedup / threads'\n"
                "set yrange [0:%g]\nplot 1 title 'ideal: efficiency 1' dt 2 lc rgb 'black'",
                fmax(1.15, 1.1 * max_efficiency(lines, n)));
    else
        fprintf(gp, "set ylabel 'speedup = time at 1 thread / time at p threads'\n"
                    "set yrange [0:*]\nplot x title 'ideal: speedup = threads' dt 2 lc rgb "
                    "'black'");
    int y = efficiency ? 5 : 2;
    for (size_t i = 0; i < n; i++) {
        const char *c = gp_color(i);
        char fit[160];
        fprintf(gp, ", \\\n  ");
        plot_data_ref(&pl, (int)(2 * i));
        fprintf(gp, " using 1:($8 == 0 ? $%d : NaN):%d:%d with yerrorbars pt 7 lc rgb '%s' title ",
                y, y + 1, y + 2, c);
        gp_string(gp, lines[i].label);
        fprintf(gp, ", \\\n  ");
        plot_data_ref(&pl, (int)(2 * i));
        fprintf(gp, " using 1:($8 == 1 ? $%d : NaN) with points pt 6 ps 1.5 lc rgb '%s' notitle", y,
                c);
        if (lines[i].status != SCALING_OK)
            continue;
        fprintf(gp, ", \\\n  ");
        plot_data_ref(&pl, (int)(2 * i + 1));
        fprintf(gp, " using 1:%d with lines lw 2 lc rgb '%s' title ", efficiency ? 3 : 2, c);
        fit_title(&lines[i], fit, sizeof fit);
        gp_string(gp, fit);
    }
    if (any_over(lines, n))
        fprintf(gp, ", \\\n  NaN with points pt 6 ps 1.5 lc rgb 'black' title 'open: more threads "
                    "than CPUs (not fitted)'");
    fputc('\n', gp);
    char alt[400];
    snprintf(alt, sizeof alt, "%s %s against threads, %s", kernel,
             efficiency ? "efficiency" : "speedup", what);
    plot_end(&pl, alt);
}

/* ---- tables ------------------------------------------------------------------------------ */

static void fit_table(FILE *md, const struct line *lines, size_t n) {
    fprintf(md, "| variant | series drawn | Amdahl f ± stderr | χ²/dof | fitted thread counts | "
                "speedup at the most threads within the CPUs | efficiency there "
                "|\n|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        const struct line *l = &lines[i];
        size_t last = l->n - 1; /* the most threads within the CPUs, if any are */
        while (last > 0 && l->over[last])
            last--;
        fputs("| ", md);
        md_text(md, l->label);
        fputs(" | ", md);
        md_text(md, l->config);
        if (l->configs > 1)
            fprintf(md, " (first of %d)", l->configs);
        if (l->status != SCALING_OK)
            fprintf(md, " | no fit: %s | – | – ", scaling_strerror(l->status));
        else
            fprintf(md, " | %.4f ± %.2g%s | %.3g | %d%s ", l->fit.value, l->fit.std_err,
                    l->fit.at_bound ? " (at its bound)" : "", l->fit.chi2_dof, l->fit.n_used,
                    l->weighted ? ", weighted" : "");
        fprintf(md, "| %.3g", l->s[last]);
        if (isfinite(l->lo[last]) && l->p[last] != 1.0)
            fprintf(md, " (%.3g–%.3g)", l->lo[last], l->hi[last]);
        fprintf(md, "%s at %g%s | %.2f |\n", l->unstable[last] ? " !" : "", l->p[last],
                l->over[last] ? " (oversubscribed)" : "", l->e[last]);
    }
    fputc('\n', md);
}

/* What the intervals allow to be said of each line's speedup at the most threads within the
 * CPUs: faster or slower than at 1 thread only when the whole interval says so. */
static void speedup_findings(FILE *md, const struct line *lines, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const struct line *l = &lines[i];
        size_t last = l->n - 1;
        while (last > 0 && l->over[last])
            last--;
        if (l->p[last] == 1.0)
            continue;
        fputs("- ", md);
        md_text(md, l->label);
        fprintf(md, " at %g threads: ", l->p[last]);
        if (!isfinite(l->lo[last]))
            fprintf(md,
                    "speedup %.3g, with no interval (an older file, or too few rounds): not "
                    "compared with 1 thread.\n",
                    l->s[last]);
        else if (l->lo[last] > 1.0)
            fprintf(md,
                    "%.3g× (95 %% interval %.3g–%.3g) faster than at 1 thread, %.0f %% of the "
                    "ideal %g×.\n",
                    l->s[last], l->lo[last], l->hi[last], 100 * l->e[last], l->p[last]);
        else if (l->hi[last] < 1.0)
            fprintf(md, "slower than at 1 thread: speedup %.3g (95 %% interval %.3g–%.3g).\n",
                    l->s[last], l->lo[last], l->hi[last]);
        else
            fprintf(md,
                    "speedup %.3g, but its 95 %% interval (%.3g–%.3g) holds 1: no faster "
                    "than 1 thread that this measurement can show.\n",
                    l->s[last], l->lo[last], l->hi[last]);
    }
    fputc('\n', md);
}

static int has_threads(const struct line *l, double p, size_t *k) {
    for (*k = 0; *k < l->n; (*k)++)
        if (l->p[*k] == p)
            return 1;
    return 0;
}

/* Karp-Flatt per thread count (rows) and variant (columns). */
static void karp_flatt_table(FILE *md, const struct line *lines, size_t n) {
    fputs("Karp–Flatt serial fraction e(p) = (1/S − 1/p) / (1 − 1/p), per thread count:\n\n"
          "| threads |",
          md);
    for (size_t i = 0; i < n; i++) {
        fputc(' ', md);
        md_text(md, lines[i].label);
        fputs(" |", md);
    }
    fputs("\n|---|", md);
    for (size_t i = 0; i < n; i++)
        fputs("---|", md);
    fputc('\n', md);
    double pmax = max_threads(lines, n), prev = 1;
    for (;;) { /* thread counts in increasing order, across all lines */
        double next = INFINITY;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < lines[i].n; k++)
                if (lines[i].p[k] > prev && lines[i].p[k] < next)
                    next = lines[i].p[k];
        if (!isfinite(next) || next > pmax)
            break;
        int over = 0;
        size_t k;
        for (size_t i = 0; i < n; i++)
            over |= has_threads(&lines[i], next, &k) && lines[i].over[k];
        fprintf(md, "| %g%s |", next, over ? " *" : "");
        for (size_t i = 0; i < n; i++) {
            if (has_threads(&lines[i], next, &k))
                fprintf(md, " %.4f |", scaling_karp_flatt(next, lines[i].s[k]));
            else
                fputs(" – |", md);
        }
        fputc('\n', md);
        prev = next;
    }
    fputs("\n", md);
    if (any_over(lines, n))
        fputs("\\* more threads than CPUs (oversubscribed).\n\n", md);
}

/* ---- one kernel -------------------------------------------------------------------------- */

/* Lines for one kernel and size: the first series of each variant with two thread counts. */
static size_t build_lines(const struct report_data *d, const size_t *cand, size_t ncand,
                          struct line *lines, size_t max) {
    size_t n = 0;
    int many_hosts = report_many_hosts(d);
    /* Points already seen in a series: each series is gathered once. */
    unsigned char *tried = calloc(ncand ? ncand : 1, 1);
    for (size_t i = 0; tried && i < ncand && n < max; i++) {
        const struct report_point *p = &d->points[cand[i]];
        const char *host = report_host_of(d, p->file);
        int seen = tried[i];
        for (size_t k = 0; k < n; k++)
            seen |= !strcmp(lines[k].variant, p->variant) && !strcmp(lines[k].host, host) &&
                    lines[k].ranks == p->ranks;
        if (seen)
            continue;
        size_t m;
        size_t *members = report_series_members(d, cand, ncand, cand[i], 1, &m);
        if (!members)
            break;
        for (size_t j = i; j < ncand; j++)
            tried[j] |= report_same_series(d, p, &d->points[cand[j]], 1);
        if (m < 2) {
            free(members);
            continue;
        }
        struct line *l = &lines[n];
        memset(l, 0, sizeof *l);
        l->variant = p->variant;
        l->host = host;
        l->ranks = p->ranks;
        report_series_label(d, p, many_hosts, l->label, sizeof l->label);
        if (line_build(d, members, m, l) == 0)
            n++;
        else
            line_free(l);
        free(members);
    }
    free(tried);
    return n;
}

/* How many (schedule, chunk) series each line's variant has at this size. */
static void count_configs(const struct report_data *d, const size_t *cand, size_t ncand,
                          struct line *lines, size_t n) {
    for (size_t i = 0; i < n; i++) {
        struct strset configs = {0};
        char keys[64][160];
        for (size_t c = 0; c < ncand; c++) {
            const struct report_point *p = &d->points[cand[c]];
            if (strcmp(lines[i].variant, p->variant) || lines[i].ranks != p->ranks ||
                strcmp(lines[i].host, report_host_of(d, p->file)) || configs.n >= 64)
                continue;
            snprintf(keys[configs.n], sizeof keys[0], "%s/%s", p->schedule, p->chunk);
            strset_add(&configs, keys[configs.n]);
        }
        lines[i].configs = (int)configs.n;
        strset_free(&configs);
    }
}

static int cores_of(const struct report_data *d, const size_t *cand, size_t ncand) {
    for (size_t i = 0; i < ncand; i++) {
        const struct report_context *c = report_context_of(d, d->points[cand[i]].file);
        if (c && c->cores > 0)
            return c->cores;
    }
    return 0;
}

static void kernel_size(const struct report_data *d, struct report_out *o, const char *kernel,
                        double size, const size_t *all, size_t nall) {
    size_t *cand = malloc((nall ? nall : 1) * sizeof *cand), ncand = 0;
    if (!cand)
        return;
    double ws = NAN;
    for (size_t i = 0; i < nall; i++) {
        const struct report_point *p = &d->points[all[i]];
        if (strcmp(p->kernel, kernel) == 0 && p->size == size) {
            cand[ncand++] = all[i];
            ws = p->working_set_bytes;
        }
    }
    struct line lines[16];
    size_t n = build_lines(d, cand, ncand, lines, 16);
    if (n > 0) {
        count_configs(d, cand, ncand, lines, n);
        char sz[32], wsb[32], what[128], name[160];
        snprintf(what, sizeof what, "size %s (working set %s)", fmt_count(size, sz, sizeof sz),
                 units_format_bytes(ws, wsb, sizeof wsb));
        md_flush(o);
        fprintf(o->md, "### %s, %s\n\n", kernel, what);
        int cores = cores_of(d, cand, ncand);
        snprintf(name, sizeof name, "sweep-%s-%s-speedup", kernel, sz);
        draw(o, kernel, what, name, lines, n, cores, 0);
        snprintf(name, sizeof name, "sweep-%s-%s-efficiency", kernel, sz);
        draw(o, kernel, what, name, lines, n, cores, 1);
        fit_table(o->md, lines, n);
        speedup_findings(o->md, lines, n);
        karp_flatt_table(o->md, lines, n);
    }
    for (size_t i = 0; i < n; i++)
        line_free(&lines[i]);
    free(cand);
}

/* Sizes of a kernel's sweeps, ascending; more than three: only the largest. */
static size_t kernel_sizes(const struct report_data *d, const char *kernel, const size_t *idx,
                           size_t n, double *sizes, size_t max) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct report_point *p = &d->points[idx[i]];
        if (strcmp(p->kernel, kernel) || p->threads == 1 || !isfinite(p->size))
            continue;
        size_t j = 0;
        while (j < k && sizes[j] != p->size)
            j++;
        if (j == k && k < max)
            sizes[k++] = p->size;
    }
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && sizes[j - 1] > sizes[j]; j--) {
            double t = sizes[j];
            sizes[j] = sizes[j - 1];
            sizes[j - 1] = t;
        }
    if (k > 3) {
        sizes[0] = sizes[k - 1];
        k = 1;
    }
    return k;
}

void report_section_sweeps(const struct report_data *d, struct report_out *o) {
    size_t n;
    size_t *idx = report_points_of_study(d, "run", &n);
    if (!idx)
        return;
    struct strset kernels = {0};
    for (size_t i = 0; i < n; i++)
        if (d->points[idx[i]].threads > 1)
            strset_add(&kernels, d->points[idx[i]].kernel);
    md_open(o, "## Thread sweeps\n\nSpeedup and efficiency against threads, one line per "
               "variant (its first schedule and chunk in the file), with Amdahl's law S(p) = "
               "1 / (f + (1 − f)/p) fitted to the points within the CPUs; f is the serial "
               "fraction, ± its standard error, each point weighted by its interval. Error bars: "
               "the 95 % interval of each speedup (paired rounds; files from before the rounds: "
               "± one standard deviation); ! marks a point whose interval never came within the "
               "precision asked. A fit "
               "at its bound (f = 0 or 1) means the speedups are beyond what the law allows "
               "(superlinear, e.g. from a working set that fits the caches of more cores, or "
               "slower than serial).\n\n");
    for (size_t k = 0; k < kernels.n; k++) {
        double sizes[64];
        size_t ns = kernel_sizes(d, kernels.v[k], idx, n, sizes, 64);
        for (size_t s = 0; s < ns; s++)
            kernel_size(d, o, kernels.v[k], sizes[s], idx, n);
    }
    md_close(o);
    strset_free(&kernels);
    free(idx);
}
