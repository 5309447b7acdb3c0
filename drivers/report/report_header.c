/* report_header: the report's first lines: who made it from what, the warnings that change
 * how every figure below must be read, the machines and the runs. */
#include "format/units.h"
#include "report/report_caches.h"
#include "report/report_sections.h"

#include <math.h>
#include <string.h>

/* Latency end/start of a file's run; NaN when not measured. */
static double latency_ratio(const struct report_context *c) {
    if (!c || !(c->latency_start_ns > 0) || !(c->latency_end_ns > 0))
        return NAN;
    return c->latency_end_ns / c->latency_start_ns;
}

static int placement_changed(const struct report_context *c) {
    double r = latency_ratio(c);
    return isfinite(r) && (r > REPORT_LATENCY_CHANGE || r < 1.0 / REPORT_LATENCY_CHANGE);
}

/* More threads than cores: the context's cores when known, else the file's own flag. */
static int over_cores(const struct report_file *f) {
    const struct report_context *c = f->json.ctx.present ? &f->json.ctx : NULL;
    int most = f->max_total_threads > f->max_threads ? f->max_total_threads : f->max_threads;
    return f->oversubscribed || (c && c->cores > 0 && most > c->cores);
}

static void warning(FILE *md, int *any) {
    fputs(*any ? ">\n> **Warning:** " : "> **Warning:** ", md);
    *any = 1;
}

/* Whether the file has points of a variant that calls OpenBLAS (dot's and gemm's "blas",
 * gemm's "blas_in_omp": the kernels name them so). */
static int has_blas_points(const struct report_data *d, size_t file) {
    for (size_t i = 0; i < d->npoints; i++)
        if (d->points[i].file == file && strncmp(d->points[i].variant, "blas", 4) == 0)
            return 1;
    return 0;
}

static void write_warnings(const struct report_data *d, struct report_out *o) {
    int any = 0;
    for (size_t i = 0; i < d->nfiles; i++) {
        const struct report_file *f = &d->files[i];
        const struct report_context *c = f->json.ctx.present ? &f->json.ctx : NULL;
        if (placement_changed(c)) {
            warning(o->md, &any);
            fprintf(o->md,
                    "the thread placement changed during `%s`: core-to-core latency %.3g ns at "
                    "the start, %.3g ns at the end (%.2f×). Its multi-thread figures may mix two "
                    "placements; measure it again.\n",
                    f->name, c->latency_start_ns, c->latency_end_ns, latency_ratio(c));
        }
        if (c && c->openblas_advice[0] && has_blas_points(d, i)) {
            warning(o->md, &any);
            fprintf(o->md, "in `%s`, %s.\n", f->name, c->openblas_advice);
        }
        if (f->kind != REPORT_CEILINGS && over_cores(f)) {
            warning(o->md, &any);
            fprintf(o->md, "`%s` ran up to %d threads", f->name, f->max_threads);
            if (f->max_total_threads > f->max_threads)
                fprintf(o->md, " (%d with their nested teams)", f->max_total_threads);
            if (c && c->cores > 0)
                fprintf(o->md, " on %d cores (%d CPUs available)", c->cores,
                        c->allowed_cpus > 0 ? c->allowed_cpus : c->logical_cpus);
            fprintf(o->md, ": points with more threads than CPUs are marked oversubscribed%s.\n",
                    f->kind == REPORT_POINTS ? " and left out of the fits" : "");
        }
    }
    for (size_t i = 0; i < d->nwarnings; i++) {
        warning(o->md, &any);
        fprintf(o->md, "%s.\n", d->warnings[i]);
    }
    if (any)
        fputc('\n', o->md);
}

/* Distinct machines (host and CPU) among the files' contexts. */
static size_t machines(const struct report_data *d, const struct report_context **out, size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < d->nfiles; i++) {
        const struct report_context *c = report_context_of(d, i);
        if (!c)
            continue;
        size_t k = 0;
        while (k < n && (strcmp(out[k]->host, c->host) || strcmp(out[k]->cpu_model, c->cpu_model)))
            k++;
        if (k == n && n < max)
            out[n++] = c;
    }
    return n;
}

/* The dates and revisions of the runs on machine m, as "first – last" and a list. */
static void runs_on(const struct report_data *d, const struct report_context *m, char *dates,
                    size_t dlen, char *revs, size_t rlen) {
    const char *first = NULL, *last = NULL;
    struct strset seen = {0};
    revs[0] = '\0';
    for (size_t i = 0; i < d->nfiles; i++) {
        const struct report_context *c = report_context_of(d, i);
        if (!c || strcmp(c->host, m->host) || strcmp(c->cpu_model, m->cpu_model))
            continue;
        if (c->date[0] && (!first || strcmp(c->date, first) < 0))
            first = c->date;
        if (c->date[0] && (!last || strcmp(c->date, last) > 0))
            last = c->date;
        size_t before = seen.n;
        if (c->git_revision[0] && strset_add(&seen, c->git_revision) >= 0 && seen.n > before) {
            size_t used = strlen(revs);
            snprintf(revs + used, rlen - used, "%s%s", before ? ", " : "", c->git_revision);
        }
    }
    strset_free(&seen);
    if (!first)
        snprintf(dates, dlen, "unknown");
    else if (strcmp(first, last) == 0)
        snprintf(dates, dlen, "%s", first);
    else
        snprintf(dates, dlen, "%s – %s", first, last);
}

static void write_machines(const struct report_data *d, struct report_out *o) {
    const struct report_context *m[8];
    size_t n = machines(d, m, 8);
    FILE *md = o->md;
    fprintf(md, "## Machine\n\n");
    if (n == 0) {
        fprintf(md, "No result file has its JSON context: the machine is unknown.\n\n");
        return;
    }
    fputs("| |", md);
    for (size_t k = 0; k < n; k++)
        fputs(" |", md);
    fputs("\n|---|", md);
    for (size_t k = 0; k < n; k++)
        fputs("---|", md);
    static const char *const rows[] = {
        "host",         "CPU", "cores", "caches", "memory", "measured", "ompsweep revision",
        "OpenBLAS core"};
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        fprintf(md, "\n| %s |", rows[r]);
        for (size_t k = 0; k < n; k++) {
            char buf[1024] = "", dates[128], revs[256];
            fputc(' ', md);
            if (r == 0)
                md_text(md, m[k]->host);
            else if (r == 1)
                md_text(md, m[k]->cpu_model);
            else if (r == 2)
                fprintf(md, "%d cores, %d logical CPUs%s%s", m[k]->cores, m[k]->logical_cpus,
                        m[k]->hypervisor[0] ? ", virtual machine: " : "", m[k]->hypervisor);
            else if (r == 3) {
                for (int i = 0; i < m[k]->ncaches; i++) {
                    cache_describe(m[k], &m[k]->caches[i], buf, sizeof buf);
                    fprintf(md, "%s%s", i ? "; " : "", buf);
                }
            } else if (r == 4)
                fputs(units_format_bytes(m[k]->memory_bytes, buf, sizeof buf), md);
            else if (r == 7) {
                md_text(md, m[k]->openblas_core[0] ? m[k]->openblas_core : "not recorded");
                if (m[k]->openblas_core_source[0]) {
                    fputs(" (", md);
                    md_text(md, m[k]->openblas_core_source);
                    fputc(')', md);
                }
            } else {
                runs_on(d, m[k], dates, sizeof dates, revs, sizeof revs);
                md_text(md, r == 5 ? dates : revs);
            }
            fputs(" |", md);
        }
    }
    fputs("\n\n", md);
}

static const char *file_kind(const struct report_data *d, size_t fi, char *buf, size_t len) {
    switch (d->files[fi].kind) {
    case REPORT_OVERHEAD:
        return "overhead";
    case REPORT_BREAKEVEN:
        return "break-even";
    case REPORT_CEILINGS:
        return "ceilings";
    default:
        break;
    }
    struct strset studies = {0};
    buf[0] = '\0';
    for (size_t i = 0; i < d->npoints; i++) {
        size_t before = studies.n;
        if (d->points[i].file == fi && strset_add(&studies, d->points[i].study) >= 0 &&
            studies.n > before) {
            size_t used = strlen(buf);
            snprintf(buf + used, len - used, "%s%s", before ? ", " : "", d->points[i].study);
        }
    }
    strset_free(&studies);
    return buf;
}

static void file_kernels(const struct report_data *d, size_t fi, FILE *md) {
    struct strset k = {0};
    for (size_t i = 0; i < d->npoints; i++)
        if (d->points[i].file == fi)
            strset_add(&k, d->points[i].kernel);
    for (size_t i = 0; i < d->nbreakevens; i++)
        if (d->breakevens[i].file == fi)
            strset_add(&k, d->breakevens[i].kernel);
    for (size_t i = 0; i < k.n && i < 4; i++) {
        fputs(i ? ", " : "", md);
        md_text(md, k.v[i]);
    }
    if (k.n > 4)
        fprintf(md, " and %zu more", k.n - 4);
    strset_free(&k);
}

static int unstable_points(const struct report_data *d, size_t file) {
    int n = 0;
    for (size_t i = 0; i < d->npoints; i++)
        n += d->points[i].file == file && d->points[i].unstable;
    return n;
}

static void write_runs(const struct report_data *d, struct report_out *o) {
    FILE *md = o->md;
    fprintf(md, "## Runs\n\n| file | study | kernels | threads | rounds (repeated) | unstable "
                "points | date | revision | core-to-core latency, start → end | placement |\n"
                "|---|---|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < d->nfiles; i++) {
        const struct report_file *f = &d->files[i];
        const struct report_context *c = report_context_of(d, i);
        char kind[128];
        fprintf(md, "| `%s` | %s | ", f->name, file_kind(d, i, kind, sizeof kind));
        file_kernels(d, i, md);
        if (f->max_threads > 0)
            fprintf(md, " | %d%s | ", f->max_threads, over_cores(f) ? " (beyond the cores)" : "");
        else
            fputs(" | – | ", md);
        if (f->json.rounds_measured > 0)
            fprintf(md, "%d (%d) | ", f->json.rounds_measured, f->json.rounds_repeated);
        else
            fputs("– | ", md);
        fprintf(md, "%d | ", unstable_points(d, i));
        if (!c) {
            fputs("– | – | no context | – |\n", md);
            continue;
        }
        md_text(md, c->date);
        fputs(" | ", md);
        md_text(md, c->git_revision);
        double r = latency_ratio(c);
        if (isfinite(r))
            fprintf(md, " | %.3g → %.3g ns (%.2f×) | %s |\n", c->latency_start_ns,
                    c->latency_end_ns, r, placement_changed(c) ? "**changed**" : "stable");
        else
            fputs(" | not measured | unknown |\n", md);
    }
    fputs("\nRounds: the interleaved rounds a run measured, and in brackets how many of them it "
          "measured again because the machine was disturbed; unstable points never reached the "
          "precision asked, and no finding rests on them (`docs/measurement.md` in the ompsweep "
          "sources).\n\n",
          md);
}

void report_section_header(const struct report_data *d, struct report_out *o,
                           const struct report_meta *m) {
    fprintf(o->md,
            "# ompsweep report\n\nGenerated %s on %s by ompsweep %s (revision %s) from "
            "%zu result file%s in `%s`.\n\n",
            m->date, m->host, m->version, m->revision, d->nfiles, d->nfiles == 1 ? "" : "s",
            d->dir);
    write_warnings(d, o);
    write_machines(d, o);
    write_runs(d, o);
}
