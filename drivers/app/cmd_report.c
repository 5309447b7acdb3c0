/* ompsweep report: a Markdown report with gnuplot plots from a folder of results. */
#include "app/commands.h"
#include "app/options.h"

#include "file_clash.h"
#include "format/outfile.h"
#include "machine/context.h"
#include "report/report.h"
#include "report/report_out.h"
#include "report/report_sections.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void report_usage(FILE *f) {
    fprintf(
        f, "usage: ompsweep report DIR [-o REPORT.md] [--no-png]\n\n"
           "Reads every result in DIR and its sub-folders (one level down): point CSVs from\n"
           "run (and its studies weak, cachemap, chunkmap), overhead and break-even CSVs,\n"
           "each with its JSON sidecar, and ceilings JSON. Writes a Markdown report with\n"
           "thread sweeps and Amdahl fits, weak scaling, chunk maps, cache maps, the\n"
           "roofline, overheads and break-even sizes, and its plots (gnuplot) in plots/\n"
           "beside the report: NAME.svg, NAME.png, and the NAME.gp and NAME.dat that draw them.\n\n"
           "  -o, --output FILE  the report (default DIR/report.md; %%h %%j %%r %%d as in run)\n"
           "  --no-png           SVG plots only (faster)\n\n"
           "A JSON sidecar that does not parse is named in a warning and its CSV is reported\n"
           "without context. Without gnuplot ($OMPSWEEP_GNUPLOT, else gnuplot on $PATH) the\n"
           "report is written with its tables and the plot scripts, and the exit code is 1.\n"
           "\nExit codes: 0 ok; 1 a malformed or missing result, an I/O error, or plots not\n"
           "drawn; 2 a usage error (including a DIR that does not exist).\n");
}

struct report_args {
    const char *dir, *output;
    int no_png;
};

static const struct option_row report_rows[] = {
    {"output", 'o', OPTION_TEXT, offsetof(struct report_args, output), 0, 0},
    {"no-png", 0, OPTION_FLAG, offsetof(struct report_args, no_png), 0, 0},
    {NULL, 0, OPTION_FLAG, 0, 0, 0},
};

static int parse_options(int argc, char **argv, struct report_args *a) {
    const struct options_spec spec = {.command = "report",
                                      .usage = report_usage,
                                      .rows = report_rows,
                                      .args = a,
                                      .max_operands = 1,
                                      .missing_operand = "which folder? (ompsweep report DIR)"};
    int first, rc = options_parse(&spec, argc, argv, &first);
    if (!rc)
        a->dir = argv[first];
    return rc;
}

/* The plots folder beside the report. */
static void plots_folder(const char *report, char *out, size_t len) {
    const char *slash = strrchr(report, '/');
    if (!slash)
        snprintf(out, len, "plots");
    else
        snprintf(out, len, "%.*s/plots", (int)(slash - report), report);
}

static void meta_collect(struct report_meta *m, int argc, char **argv) {
    struct context *ctx = malloc(sizeof *ctx);
    memset(m, 0, sizeof *m);
    if (!ctx)
        return;
    context_collect(ctx, argc, argv);
    snprintf(m->date, sizeof m->date, "%s", ctx->date);
    snprintf(m->version, sizeof m->version, "%s", ctx->version);
    snprintf(m->revision, sizeof m->revision, "%s", ctx->git_revision);
    snprintf(m->host, sizeof m->host, "%s", ctx->host);
    free(ctx);
}

static void write_sections(const struct report_data *d, struct report_out *o,
                           const struct report_meta *m) {
    report_section_header(d, o, m);
    report_section_sweeps(d, o);
    report_section_weak(d, o);
    report_section_chunkmaps(d, o);
    report_section_cachemaps(d, o);
    report_section_roofline(d, o);
    report_section_overhead(d, o);
    report_section_breakeven(d, o);
    report_section_notes(d, o);
}

static void print_warnings(const struct report_data *d) {
    for (size_t i = 0; i < d->nwarnings; i++)
        fprintf(stderr, "ompsweep report: warning: %s\n", d->warnings[i]);
}

/* The report is none of the results it reads, CSV or JSON sidecar: 0, or the exit code. */
static int check_output(const struct report_data *d, const char *report, const char *what) {
    struct file_use *u = malloc((2 * d->nfiles + 1) * sizeof *u);
    char(*sidecars)[4096 + 8] = malloc((d->nfiles ? d->nfiles : 1) * sizeof *sidecars);
    if (!u || !sidecars) {
        free(u);
        free(sidecars);
        return command_usage_error("report", "out of memory");
    }
    size_t n = 0;
    for (size_t i = 0; i < d->nfiles; i++) {
        const char *path = d->files[i].path;
        u[n++] = (struct file_use){NULL, path, 0};
        size_t len = strlen(path);
        if (len > 4 && strcmp(path + len - 4, ".csv") == 0) {
            snprintf(sidecars[i], sizeof sidecars[i], "%.*s.json", (int)(len - 4), path);
            if (access(sidecars[i], F_OK) == 0)
                u[n++] = (struct file_use){NULL, sidecars[i], 0};
        }
    }
    u[n++] = (struct file_use){what, report, 1};
    int rc = command_check_files("report", u, n);
    free(u);
    free(sidecars);
    return rc;
}

int cmd_report(int argc, char **argv, int full_argc, char **full_argv) {
    struct report_args a = {0};
    int rc = parse_options(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    char err[2048], name[8192];
    struct report_data d;
    rc = report_load(a.dir, &d, err, sizeof err);
    if (rc == REPORT_NO_FOLDER)
        return command_usage_error("report", "%s", err);
    if (rc) {
        fprintf(stderr, "ompsweep report: %s\n", err);
        return EXIT_FAILED;
    }
    print_warnings(&d);
    struct outfile out;
    /* -o is a pattern (%h, %d...); the default is a name: a '%' in DIR is a '%'. */
    snprintf(name, sizeof name, "%s/report.md", a.dir);
    if (a.output && outfile_expand(a.output, name, sizeof name, err, sizeof err)) {
        report_data_free(&d);
        return command_usage_error("report", "-o: %s", err);
    }
    rc = check_output(&d, name, a.output ? "-o" : "the report");
    if (rc) {
        report_data_free(&d);
        return rc;
    }
    if (outfile_open_name(&out, name, err, sizeof err)) {
        report_data_free(&d);
        if (a.output)
            return command_usage_error("report", "-o: %s", err);
        fprintf(stderr, "ompsweep report: %s\n", err);
        return EXIT_FAILED;
    }
    struct report_out o = {.md = out.f, .png = !a.no_png, .gnuplot = plot_find_gnuplot()};
    snprintf(o.plots_link, sizeof o.plots_link, "plots");
    plots_folder(out.path, o.plots_dir, sizeof o.plots_dir);
    if (!o.gnuplot)
        fprintf(stderr,
                "ompsweep report: gnuplot not found (%s): the report has its tables but "
                "no plots; install gnuplot (Debian: gnuplot-nox) and run it again\n",
                getenv("OMPSWEEP_GNUPLOT") ? "$OMPSWEEP_GNUPLOT is not an executable file"
                                           : "not on $PATH");
    struct report_meta m;
    meta_collect(&m, full_argc, full_argv);
    write_sections(&d, &o, &m);
    report_data_free(&d);
    free(o.names);
    if (outfile_commit(&out, err, sizeof err)) {
        fprintf(stderr, "ompsweep report: %s\n", err);
        return EXIT_FAILED;
    }
    printf("%s: %d plot%s", out.path, o.drawn_plots, o.drawn_plots == 1 ? "" : "s");
    if (o.drawn_plots)
        printf(" in %s", o.plots_dir);
    printf("\n");
    if (o.failed_plots)
        fprintf(stderr, "ompsweep report: %d plot%s could not be drawn (see above)\n",
                o.failed_plots, o.failed_plots == 1 ? "" : "s");
    return o.skipped_plots || o.failed_plots ? EXIT_FAILED : 0;
}
