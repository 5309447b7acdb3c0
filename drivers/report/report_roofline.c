/* report_roofline: each kernel's best point against the machine's ceilings: attainable
 * GFLOP/s = min(peak, bandwidth x arithmetic intensity), for STREAM triad and read bandwidth. */
#include "report/report_sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The point with the most GFLOP/s of each kernel (or the most GB/s, for kernels that do no
 * floating-point work), in order of first appearance. A kernel with neither (an integer loop)
 * has no place on the roofline. */
static size_t best_points(const struct report_data *d, const struct report_point **best,
                          size_t max) {
    /* Without flops, a kernel belongs on the bandwidth roof only if it moves memory at all. */
    double min_gbytes_per_s = 0.01 * d->ceilings.triad_gbytes_per_s;
    size_t n = 0;
    for (size_t i = 0; i < d->npoints; i++) {
        const struct report_point *p = &d->points[i];
        /* A cache map's small working sets live in L1: against DRAM roofs they would only
         * mislead, so the roofline takes the sweeps' points (run, weak, chunk maps). */
        if (p->study && strcmp(p->study, "cachemap") == 0)
            continue;
        size_t k = 0;
        while (k < n && strcmp(best[k]->kernel, p->kernel))
            k++;
        int flops = p->gflops > 0 && p->flops_per_byte > 0;
        if (!flops && !(p->gbytes_per_s >= min_gbytes_per_s))
            continue;
        if (k == n) {
            if (n < max)
                best[n++] = p;
            continue;
        }
        const struct report_point *b = best[k];
        int bflops = b->gflops > 0 && b->flops_per_byte > 0;
        if ((flops && (!bflops || p->gflops > b->gflops)) ||
            (!flops && !bflops && p->gbytes_per_s > b->gbytes_per_s))
            best[k] = p;
    }
    return n;
}

static double roof(double peak, double bw, double intensity) {
    return fmin(peak, bw * intensity);
}

static void roofline_plot(const struct report_data *d, struct report_out *o,
                          const struct report_point **best, size_t n) {
    const struct report_ceilings *c = &d->ceilings;
    struct plot pl;
    if (plot_begin(&pl, o, "roofline"))
        return;
    double xlo = c->peak_gflops / c->triad_gbytes_per_s, xhi = xlo, ylo = c->peak_gflops;
    plot_block(&pl);
    fprintf(pl.dat, "# flops-per-byte GFLOP/s label\n");
    int drawn = 0;
    for (size_t i = 0; i < n; i++) {
        const struct report_point *p = best[i];
        if (!(p->gflops > 0 && p->flops_per_byte > 0))
            continue;
        char label[200];
        snprintf(label, sizeof label, "%s (%s, %d thr)", p->kernel, p->variant, p->threads);
        fprintf(pl.dat, "%.6g %.6g ", p->flops_per_byte, p->gflops);
        gp_data_string(pl.dat, label);
        fputc('\n', pl.dat);
        xlo = fmin(xlo, p->flops_per_byte);
        xhi = fmax(xhi, p->flops_per_byte);
        ylo = fmin(ylo, p->gflops);
        drawn = 1;
    }
    if (!drawn) {
        plot_cancel(&pl);
        return;
    }
    FILE *gp = pl.gp;
    char t[160], r[160];
    snprintf(t, sizeof t, "STREAM triad %.4g GB/s", c->triad_gbytes_per_s);
    snprintf(r, sizeof r, "read %.4g GB/s", c->read_gbytes_per_s);
    fprintf(gp,
            "set title 'roofline: each kernel''s best point against the measured ceilings'\n"
            "set logscale xy 10\nset xrange [%.6g:%.6g]\nset yrange [%.6g:%.6g]\n"
            "set xlabel 'arithmetic intensity (flop per byte of memory traffic, log "
            "scale)'\nset ylabel 'GFLOP/s (log scale)'\nset grid\nset key bottom right box "
            "opaque\nset samples 400\npeak = %.17g\ntriad = %.17g\nread = %.17g\n"
            "set label sprintf('peak %%.4g GFLOP/s', peak) at graph 0.02, first peak "
            "offset 0, 0.7\n"
            "plot (triad * x < peak ? triad * x : peak) lw 2 lc rgb '#0072B2' title ",
            xlo / 4, xhi * 12, ylo / 4, c->peak_gflops * 3, c->peak_gflops, c->triad_gbytes_per_s,
            c->read_gbytes_per_s);
    gp_string(gp, t);
    fputs(", \\\n  (read * x < peak ? read * x : peak) lw 2 dt 2 lc rgb '#009E73' title ", gp);
    gp_string(gp, r);
    fputs(", \\\n  ", gp);
    plot_data_ref(&pl, 0);
    fputs(" using 1:2 with points pt 7 ps 1.3 lc rgb '#D55E00' title 'kernels (best point)', "
          "\\\n  ",
          gp);
    plot_data_ref(&pl, 0);
    fputs(" using 1:2:3 with labels left offset 0.8, 0.4 font ',9' notitle\n", gp);
    plot_end(&pl, "roofline of the kernels' best points");
}

static void roofline_table(const struct report_data *d, FILE *md, const struct report_point **best,
                           size_t n) {
    const struct report_ceilings *c = &d->ceilings;
    double ridge = c->peak_gflops / c->triad_gbytes_per_s;
    fputs("| kernel | variant | threads | flop/byte | GFLOP/s | GB/s | roof there (triad) | of "
          "the roof | bound by |\n|---|---|---:|---:|---:|---:|---:|---:|---|\n",
          md);
    for (size_t i = 0; i < n; i++) {
        const struct report_point *p = best[i];
        fputs("| ", md);
        md_text(md, p->kernel);
        fputs(" | ", md);
        md_text(md, p->variant);
        if (p->gflops > 0 && p->flops_per_byte > 0) {
            double r = roof(c->peak_gflops, c->triad_gbytes_per_s, p->flops_per_byte);
            fprintf(md, " | %d | %.3g | %.4g | %.4g | %.4g GFLOP/s | %.0f %% | %s |\n", p->threads,
                    p->flops_per_byte, p->gflops, p->gbytes_per_s, r, 100 * p->gflops / r,
                    p->flops_per_byte < ridge ? "memory" : "compute");
        } else {
            fprintf(md, " | %d | no flops | – | %.4g | %.4g GB/s (triad) | %.0f %% | memory |\n",
                    p->threads, p->gbytes_per_s, c->triad_gbytes_per_s,
                    100 * p->gbytes_per_s / c->triad_gbytes_per_s);
        }
    }
    fputc('\n', md);
}

void report_section_roofline(const struct report_data *d, struct report_out *o) {
    const struct report_ceilings *c = &d->ceilings;
    const struct report_point *best[128];
    size_t n = c->present ? best_points(d, best, 128) : 0;
    if (n == 0)
        return;
    fprintf(o->md, "## Roofline\n\nCeilings from `%s`", c->source);
    if (c->host[0]) {
        fputs(" (", o->md);
        md_text(o->md, c->host);
        fprintf(o->md, ", %s)", c->measured);
    }
    fprintf(o->md,
            ": peak %.4g GFLOP/s, STREAM triad %.4g GB/s, read %.4g GB/s; the ridge "
            "(peak / triad) is at %.3g flop per byte. Each kernel's best point (most "
            "GFLOP/s over its sweeps; cache maps are left out); a kernel left of the ridge is "
            "bound by memory "
            "bandwidth, right of it by the floating-point units. The kernels' own traffic "
            "can exceed DRAM bandwidth when their working set fits the caches.\n\n",
            c->peak_gflops, c->triad_gbytes_per_s, c->read_gbytes_per_s,
            c->peak_gflops / c->triad_gbytes_per_s);
    roofline_plot(d, o, best, n);
    roofline_table(d, o->md, best, n);
}
