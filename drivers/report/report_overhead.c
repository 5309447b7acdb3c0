/* report_overhead: OpenMP construct overheads (EPCC style: a test loop against a reference
 * loop), per file: the table construct/schedule/chunk x threads in microseconds with their 95 %
 * confidence intervals, and the schedule overhead against the chunk. */
#include "report/report_sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 64

static int real_schedule(const char *s) {
    return s[0] && strcmp(s, "-") != 0;
}

/* A chunk given as a positive number of iterations, else 0. */
static double chunk_value(const char *s) {
    char *end;
    double v = strtod(s, &end);
    return s[0] && !*end && v > 0 && isfinite(v) ? v : 0;
}

static size_t file_threads(const struct report_data *d, size_t file, int *threads, int *over) {
    size_t n = 0;
    for (size_t i = 0; i < d->noverheads; i++) {
        const struct report_overhead *r = &d->overheads[i];
        if (r->file != file)
            continue;
        size_t k = 0;
        while (k < n && threads[k] != r->threads)
            k++;
        if (k == n && n < MAX_COLS) {
            threads[n] = r->threads;
            over[n++] = r->oversubscribed;
        } else if (k < n) {
            over[k] |= r->oversubscribed;
        }
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && threads[j - 1] > threads[j]; j--) {
            int t = threads[j], o = over[j];
            threads[j] = threads[j - 1];
            over[j] = over[j - 1];
            threads[j - 1] = t;
            over[j - 1] = o;
        }
    return n;
}

static int same_row(const struct report_overhead *a, const struct report_overhead *b) {
    return !strcmp(a->construct, b->construct) && !strcmp(a->schedule, b->schedule) &&
           !strcmp(a->chunk, b->chunk);
}

static const struct report_overhead *find(const struct report_data *d, size_t file,
                                          const struct report_overhead *row, int threads) {
    for (size_t i = 0; i < d->noverheads; i++) {
        const struct report_overhead *r = &d->overheads[i];
        if (r->file == file && r->threads == threads && same_row(r, row))
            return r;
    }
    return NULL;
}

static void cell(FILE *md, const struct report_overhead *r) {
    if (!r || !isfinite(r->overhead_us)) {
        fputs(" – |", md);
        return;
    }
    if (isfinite(r->ci_low_us) && isfinite(r->ci_high_us))
        fprintf(md, " %.3g ± %.2g |", r->overhead_us, (r->ci_high_us - r->ci_low_us) / 2);
    else
        fprintf(md, " %.3g |", r->overhead_us);
}

static void overhead_table(const struct report_data *d, FILE *md, size_t file) {
    int threads[MAX_COLS], over[MAX_COLS];
    size_t nt = file_threads(d, file, threads, over);
    fputs("| construct | schedule | chunk |", md);
    for (size_t t = 0; t < nt; t++)
        fprintf(md, " %d thread%s%s |", threads[t], threads[t] == 1 ? "" : "s",
                over[t] ? " *" : "");
    fputs("\n|---|---|---:|", md);
    for (size_t t = 0; t < nt; t++)
        fputs("---:|", md);
    fputc('\n', md);
    for (size_t i = 0; i < d->noverheads; i++) {
        const struct report_overhead *r = &d->overheads[i];
        int first = r->file == file;
        for (size_t j = 0; first && j < i; j++)
            first = !(d->overheads[j].file == file && same_row(&d->overheads[j], r));
        if (!first)
            continue;
        fputs("| ", md);
        md_text(md, r->construct);
        fputs(" | ", md);
        md_text(md, r->schedule[0] ? r->schedule : "–");
        fputs(" | ", md);
        md_text(md, r->chunk[0] ? r->chunk : "default");
        fputs(" |", md);
        for (size_t t = 0; t < nt; t++)
            cell(md, find(d, file, r, threads[t]));
        fputc('\n', md);
    }
    fputs("\nMicroseconds per construct, ± half the 95 % confidence interval", md);
    int any_over = 0;
    for (size_t t = 0; t < nt; t++)
        any_over |= over[t];
    fputs(any_over ? "; * more threads than CPUs.\n\n" : ".\n\n", md);
}

/* The thread count of the plot: the most threads within the CPUs with chunked rows. */
static int plot_threads(const struct report_data *d, size_t file) {
    int best = 0, best_over = 0;
    for (size_t i = 0; i < d->noverheads; i++) {
        const struct report_overhead *r = &d->overheads[i];
        if (r->file != file || !real_schedule(r->schedule) || !chunk_value(r->chunk))
            continue;
        if (!r->oversubscribed && r->threads > best)
            best = r->threads;
        if (r->threads > best_over)
            best_over = r->threads;
    }
    return best ? best : best_over;
}

static void overhead_plot(const struct report_data *d, struct report_out *o, size_t file) {
    int threads = plot_threads(d, file);
    if (!threads)
        return;
    struct plot pl;
    char name[160];
    snprintf(name, sizeof name, "overhead-schedules-%d-threads", threads);
    if (plot_begin(&pl, o, name))
        return;
    /* One line per (construct, schedule): rows are taken in file order, grouped. */
    const struct report_overhead *lines[32];
    size_t nl = 0, maxpts = 0;
    for (size_t i = 0; i < d->noverheads && nl < 32; i++) {
        const struct report_overhead *r = &d->overheads[i];
        if (r->file != file || r->threads != threads || !real_schedule(r->schedule) ||
            !chunk_value(r->chunk))
            continue;
        size_t k = 0;
        while (k < nl && (strcmp(lines[k]->construct, r->construct) ||
                          strcmp(lines[k]->schedule, r->schedule)))
            k++;
        if (k == nl)
            lines[nl++] = r;
    }
    for (size_t k = 0; k < nl; k++) {
        plot_block(&pl);
        fprintf(pl.dat, "# chunk overhead-us ci-low ci-high (%s %s)\n", lines[k]->construct,
                lines[k]->schedule);
        size_t pts = 0;
        for (size_t i = 0; i < d->noverheads; i++) {
            const struct report_overhead *r = &d->overheads[i];
            if (r->file == file && r->threads == threads && isfinite(r->overhead_us) &&
                !strcmp(r->construct, lines[k]->construct) &&
                !strcmp(r->schedule, lines[k]->schedule) && chunk_value(r->chunk)) {
                double lo = isfinite(r->ci_low_us) ? r->ci_low_us : r->overhead_us;
                double hi = isfinite(r->ci_high_us) ? r->ci_high_us : r->overhead_us;
                fprintf(pl.dat, "%.17g %.6g %.6g %.6g\n", chunk_value(r->chunk), r->overhead_us, lo,
                        hi);
                pts++;
            }
        }
        maxpts = pts > maxpts ? pts : maxpts;
    }
    if (maxpts < 2) {
        plot_cancel(&pl);
        return;
    }
    FILE *gp = pl.gp;
    fprintf(gp,
            "set title 'schedule overhead against chunk size, %d thread%s'\n"
            "set logscale x 2\nset xlabel 'chunk (loop iterations per chunk, log scale)'\n"
            "set ylabel 'overhead per construct (microseconds)'\nset grid\n"
            "set key top right box opaque\nset offsets graph 0.05, graph 0.05, 0, 0\nplot ",
            threads, threads == 1 ? "" : "s");
    for (size_t k = 0; k < nl; k++) {
        char title[160];
        snprintf(title, sizeof title, "%s, schedule %s", lines[k]->construct, lines[k]->schedule);
        plot_data_ref(&pl, (int)k);
        fprintf(gp, " using 1:2:3:4 with yerrorlines pt 7 lw 2 lc rgb '%s' title ", gp_color(k));
        gp_string(gp, title);
        fputs(k + 1 < nl ? ", \\\n  " : "\n", gp);
    }
    plot_end(&pl, "schedule overhead against chunk size");
}

void report_section_overhead(const struct report_data *d, struct report_out *o) {
    int header = 0;
    for (size_t f = 0; f < d->nfiles; f++) {
        if (d->files[f].kind != REPORT_OVERHEAD)
            continue;
        if (!header)
            fputs("## Overhead\n\nThe cost of OpenMP constructs: each measured as a test loop "
                  "against a reference loop without the construct (the EPCC method); overhead = "
                  "test − reference, per construct.\n\n",
                  o->md);
        header = 1;
        fprintf(o->md, "### `%s`\n\n", d->files[f].name);
        overhead_table(d, o->md, f);
        overhead_plot(d, o, f);
    }
}
