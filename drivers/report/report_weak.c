/* report_weak: weak scaling (study "weak": the size grows with the threads): Gustafson's scaled
 * speedup per variant with the scaled serial fraction fitted to it. */
#include "report/report_sections.h"
#include "report/scaling.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct weak_line {
    const char *variant, *host;
    int ranks;
    char label[200];
    size_t n;
    const struct report_point *pt[256];
    double p[256], s[256], sigma[256];
    int weighted, status;
    struct scaling_fit fit;
};

/* Scaled speedup p t(1, n) / t(p, p n); when the size at p threads is not exactly p n, the
 * work ratio n_p / n takes the place of p (the same thing when it is). */
static double scaled_speedup(const struct report_point *one, const struct report_point *pt) {
    double s = scaling_gustafson_speedup(pt->threads, one->median_s, pt->median_s);
    if (one->size > 0 && pt->size > 0)
        s *= pt->size / (pt->threads * one->size);
    return s;
}

static int weak_build(const struct report_data *d, const size_t *m, size_t n, struct weak_line *l) {
    const struct report_point *one = &d->points[m[0]];
    if (one->threads != 1 || !(one->median_s > 0))
        return -1;
    double fp[256], fs[256], fsg[256];
    size_t k = 0;
    int weighted = 1;
    for (size_t i = 0; i < n && l->n < 256; i++) {
        const struct report_point *pt = &d->points[m[i]];
        double s = scaled_speedup(one, pt);
        if (!isfinite(s))
            continue;
        l->pt[l->n] = pt;
        l->p[l->n] = pt->threads;
        l->s[l->n] = s;
        l->sigma[l->n] = s * sqrt(pt->cv * pt->cv + one->cv * one->cv);
        if (!pt->oversubscribed) {
            fp[k] = l->p[l->n];
            fs[k] = s;
            fsg[k] = l->sigma[l->n];
            weighted &= isfinite(fsg[k]) && fsg[k] > 0;
            k++;
        }
        l->n++;
    }
    struct scaling_points pts = {.p = fp, .s = fs, .sigma = weighted ? fsg : NULL, .n = k};
    l->weighted = weighted;
    l->status = scaling_gustafson_fit(&pts, &l->fit);
    return l->n >= 2 ? 0 : -1;
}

static void weak_plot(struct report_out *o, const char *kernel, const struct weak_line *lines,
                      size_t n) {
    struct plot pl;
    char name[160], title[300];
    snprintf(name, sizeof name, "weak-%s", kernel);
    if (plot_begin(&pl, o, name))
        return;
    double pmax = 1;
    for (size_t i = 0; i < n; i++) {
        plot_block(&pl);
        fprintf(pl.dat, "# threads scaled-speedup sd oversubscribed\n");
        for (size_t k = 0; k < lines[i].n; k++) {
            double sd = lines[i].p[k] == 1 || !isfinite(lines[i].sigma[k]) ? 0 : lines[i].sigma[k];
            fprintf(pl.dat, "%g %.6g %.6g %d\n", lines[i].p[k], lines[i].s[k], sd,
                    lines[i].pt[k]->oversubscribed);
            pmax = fmax(pmax, lines[i].p[k]);
        }
    }
    FILE *gp = pl.gp;
    snprintf(title, sizeof title, "%s: weak scaling (size grows with the threads)", kernel);
    fputs("set title ", gp);
    gp_string(gp, title);
    fprintf(gp,
            "\nset xlabel 'threads p (size p × n)'\nset ylabel 'scaled speedup = p × t(1, n) "
            "/ t(p, p n)'\nset grid\nset key top left box opaque\nset xrange [0.7:%g]\n"
            "set yrange [0:*]\n%s"
            "plot x title 'ideal: scaled speedup = p' dt 2 lc rgb 'black'",
            pmax + 0.3, pmax <= 16 ? "set xtics 1\n" : "");
    for (size_t i = 0; i < n; i++) {
        const char *c = gp_color(i);
        fputs(", \\\n  ", gp);
        plot_data_ref(&pl, (int)i);
        fprintf(gp, " using 1:2:3 with yerrorbars pt 7 lc rgb '%s' title ", c);
        gp_string(gp, lines[i].label);
        if (lines[i].status != SCALING_OK)
            continue;
        char fit[160];
        snprintf(fit, sizeof fit, "Gustafson fit: s = %.4f ± %.2g", lines[i].fit.value,
                 lines[i].fit.std_err);
        fprintf(gp, ", \\\n  [1:%g] x - %.17g * (x - 1) with lines lw 2 lc rgb '%s' title ", pmax,
                lines[i].fit.value, c);
        gp_string(gp, fit);
    }
    fputc('\n', gp);
    snprintf(title, sizeof title, "%s scaled speedup against threads", kernel);
    plot_end(&pl, title);
}

static void weak_table(FILE *md, const struct weak_line *lines, size_t n) {
    fputs("| variant | Gustafson s ± stderr | threads | size | median time (s) | scaled speedup "
          "| efficiency |\n|---|---|---|---|---|---|---|\n",
          md);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < lines[i].n; k++) {
            const struct weak_line *l = &lines[i];
            char sz[32];
            fputs("| ", md);
            if (k == 0) {
                md_text(md, l->label);
                if (l->status == SCALING_OK)
                    fprintf(md, " | %.4f ± %.2g%s", l->fit.value, l->fit.std_err,
                            l->weighted ? " (weighted)" : "");
                else
                    fprintf(md, " | no fit: %s", scaling_strerror(l->status));
            } else {
                fputs(" | ", md);
            }
            fprintf(md, " | %g%s | %s | %.4g | %.3g | %.2f |\n", l->p[k],
                    l->pt[k]->oversubscribed ? " *" : "", fmt_count(l->pt[k]->size, sz, sizeof sz),
                    l->pt[k]->median_s, l->s[k], l->s[k] / l->p[k]);
        }
    }
    fputc('\n', md);
}

static void weak_kernel(const struct report_data *d, struct report_out *o, const char *kernel,
                        const size_t *idx, size_t nidx) {
    struct weak_line *lines = calloc(8, sizeof *lines);
    size_t n = 0;
    int many = report_many_hosts(d);
    for (size_t i = 0; lines && i < nidx && n < 8; i++) {
        const struct report_point *p = &d->points[idx[i]];
        const char *host = report_host_of(d, p->file);
        int seen = strcmp(p->kernel, kernel) != 0;
        for (size_t k = 0; k < n && !seen; k++)
            seen = !strcmp(lines[k].variant, p->variant) && !strcmp(lines[k].host, host) &&
                   lines[k].ranks == p->ranks;
        size_t m;
        size_t *members = seen ? NULL : report_series_members(d, idx, nidx, idx[i], 0, &m);
        if (!members)
            continue;
        struct weak_line *l = &lines[n];
        memset(l, 0, sizeof *l);
        l->variant = p->variant;
        l->host = host;
        l->ranks = p->ranks;
        report_series_label(d, p, many, l->label, sizeof l->label);
        if (m >= 2 && weak_build(d, members, m, l) == 0)
            n++;
        free(members);
    }
    if (n > 0) {
        md_flush(o);
        fprintf(o->md, "### %s\n\n", kernel);
        weak_plot(o, kernel, lines, n);
        weak_table(o->md, lines, n);
    }
    free(lines);
}

void report_section_weak(const struct report_data *d, struct report_out *o) {
    size_t n;
    size_t *idx = report_points_of_study(d, "weak", &n);
    if (!idx)
        return;
    struct strset kernels = {0};
    for (size_t i = 0; i < n; i++)
        strset_add(&kernels, d->points[idx[i]].kernel);
    md_open(o, "## Weak scaling\n\nThe size grows with the threads (p × n at p threads). "
               "Gustafson's scaled speedup p × t(1, n) / t(p, p n) is p when the parallel part "
               "scales perfectly; s is the scaled serial fraction of S = p − s (p − 1), fitted "
               "by least squares to the points within the CPUs (* marks those beyond).\n\n");
    for (size_t k = 0; k < kernels.n; k++)
        weak_kernel(d, o, kernels.v[k], idx, n);
    md_close(o);
    strset_free(&kernels);
    free(idx);
}
