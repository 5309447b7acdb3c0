/* ompsweep ae: the acoustic-emission features of every hit of .tradb files, as CSV
 * (realdata/ae_extract.h does the work; docs/ae.md defines the features and the file
 * format). */
#include "app/commands.h"
#include "app/options.h"
#include "engine/sweep.h"
#include "file_clash.h"
#include "format/outfile.h"
#include "format/units.h"
#include "machine/omp_team.h"
#include "realdata/ae_extract.h"

#include <omp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void ae_usage(FILE *f) {
    fprintf(f,
            "usage: ompsweep ae FILE.tradb... [-o features.csv] [--threads N] [--chunk C]\n\n"
            "Reads every transient record of Vallen .tradb files (raw or FLAC-coded) in TRAI\n"
            "order and writes one CSV row per hit: TRAI, channel, time and the features of\n"
            "docs/ae.md (amplitude, dB(AE), peak index, first threshold crossing, rise time,\n"
            "energy, signal strength, counts, rms, std, skewness), each with its unit in the\n"
            "header. Records are decoded and measured in parallel; the output is the same bytes\n"
            "for any thread count, schedule and chunk.\n\n"
            "  -o, --output FILE  write the CSV to FILE (%%h host, %%j job, %%r rank, %%d date),\n"
            "                     atomically (default: standard output)\n"
            "  --threads N        threads (default: the CPUs this process may use)\n"
            "  --schedule KIND    static, dynamic or guided over records (default dynamic)\n"
            "  --chunk C          records per scheduled chunk (default 4; 0 = the schedule's own)\n"
            "  --batch N          records fetched per batch (default 1024; at most 64 MiB of\n"
            "                     blobs are held at once)\n"
            "  --quiet            no progress and no summary on stderr\n"
            "\nA record that cannot be decoded is reported (file, TRAI, SetID, why) and skipped;\n"
            "a file that cannot be read is reported and the others are still processed.\n"
            "Exit codes: 0 ok, 1 a record or file failed, 2 a usage error.\n");
}

struct ae_args {
    struct common_options o; /* --schedule, and --quiet (also -q) */
    const char *output;
    long long threads, chunk, batch;
};

static const struct option_row ae_rows[] = {
    {"output", 'o', OPTION_TEXT, offsetof(struct ae_args, output), 0, 0},
    {"threads", 0, OPTION_COUNT, offsetof(struct ae_args, threads), 1, OMP_TEAM_MAX},
    {"chunk", 0, OPTION_COUNT, offsetof(struct ae_args, chunk), 0, 1 << 30},
    {"batch", 0, OPTION_COUNT, offsetof(struct ae_args, batch), 1, 1 << 20},
    {"quiet", 'q', OPTION_FLAG, offsetof(struct ae_args, o.quiet), 0, 0},
    {NULL, 0, OPTION_FLAG, 0, 0, 0},
};

/* Options into a and the schedule into *kind; returns 0 with *first at the files, -1 after
 * --help, else the exit code. */
static int parse_args(int argc, char **argv, struct ae_args *a, omp_sched_t *kind, int *first) {
    const struct options_spec spec = {.command = "ae",
                                      .usage = ae_usage,
                                      .common = COMMON_SCHEDULE,
                                      .values = &a->o,
                                      .rows = ae_rows,
                                      .args = a,
                                      .max_operands = -1,
                                      .missing_operand = "no .tradb file given"};
    int rc = options_parse(&spec, argc, argv, first);
    if (rc)
        return rc;
    int schedule = a->o.schedule ? sweep_parse_schedule(a->o.schedule) : SCHED_DYNAMIC;
    if (schedule < 0)
        return command_usage_error("ae", "--schedule: '%s' is not static, dynamic or guided",
                                   a->o.schedule);
    *kind = sweep_omp_kind(schedule);
    return 0;
}

static void summary(const struct ae_args *a, const struct ae_extract_totals *t, int files,
                    double seconds) {
    int cpus = omp_get_num_procs();
    fprintf(stderr, "ae: %ld hits from %d file%s in %.3f s (%.0f hits/s), %lld thread%s%s", t->hits,
            files, files == 1 ? "" : "s", seconds, seconds > 0 ? (double)t->hits / seconds : 0.0,
            a->threads, a->threads == 1 ? "" : "s",
            a->threads > cpus ? " (more than the CPUs: oversubscribed)" : "");
    if (t->failed || t->files_failed)
        fprintf(stderr, "; %ld record%s skipped, %ld file%s failed", t->failed,
                t->failed == 1 ? "" : "s", t->files_failed, t->files_failed == 1 ? "" : "s");
    fputc('\n', stderr);
}

/* Opens -o after checking that it is none of the inputs: 0, or the exit code. */
static int open_output(const char *pattern, char **inputs, int ninputs, struct outfile *of) {
    char err[UNITS_ERRLEN], path[sizeof of->path];
    if (outfile_expand(pattern, path, sizeof path, err, sizeof err))
        return command_usage_error("ae", "-o: %s", err);
    struct file_use *u = malloc(((size_t)ninputs + 1) * sizeof *u);
    if (!u)
        return command_usage_error("ae", "out of memory");
    for (int i = 0; i < ninputs; i++)
        u[i] = (struct file_use){NULL, inputs[i], 0};
    u[ninputs] = (struct file_use){"-o", path, 1};
    int rc = command_check_files("ae", u, (size_t)ninputs + 1);
    free(u);
    if (!rc && outfile_open_name(of, path, err, sizeof err))
        rc = command_usage_error("ae", "-o: %s", err);
    return rc;
}

int cmd_ae(int argc, char **argv, int full_argc, char **full_argv) {
    (void)full_argc;
    (void)full_argv;
    /* By default the CPUs, or as many threads as OMP_THREAD_LIMIT allows. */
    const long long default_threads = omp_team_within_limit(omp_get_num_procs());
    struct ae_args a = {.threads = default_threads, .chunk = 4, .batch = 1024};
    omp_sched_t kind = omp_sched_dynamic;
    int first, rc = parse_args(argc, argv, &a, &kind, &first);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (command_check_teams("ae", &a.threads, 1, a.threads == default_threads ? NULL : "--threads"))
        return EXIT_USAGE;
    struct outfile of = {0};
    if (a.output && (rc = open_output(a.output, argv + first, argc - first, &of)))
        return rc;
    FILE *out = a.output ? of.f : stdout;
    omp_set_num_threads((int)a.threads);
    omp_set_schedule(kind, (int)a.chunk);
    struct ae_extract_options o = {(size_t)a.batch, 64u << 20, !a.o.quiet && isatty(2)};
    struct ae_extract_totals t = {0};
    int files = argc - first;
    double start = omp_get_wtime();
    ae_extract_header(out);
    for (int i = first; i < argc; i++)
        ae_extract_file(argv[i], &o, out, &t);
    double seconds = omp_get_wtime() - start;
    if (!a.o.quiet)
        summary(&a, &t, files, seconds);
    int failed = t.failed > 0 || t.files_failed > 0;
    if (!a.output) /* main checks that stdout took it all */
        return failed ? EXIT_FAILED : 0;
    if (t.files_failed == files) {
        outfile_abort(&of);
        return EXIT_FAILED;
    }
    return command_commit_output("ae", &of, "-o") || failed ? EXIT_FAILED : 0;
}
