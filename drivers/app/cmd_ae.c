/* ompsweep ae: the acoustic-emission features of every hit of .tradb files, as CSV
 * (drivers/realdata/ae_extract.h does the work; docs/ae.md defines the features and the file
 * format). */
#include "app/commands.h"

#include "engine/sweep.h"
#include "format/outfile.h"
#include "format/units.h"
#include "realdata/ae_extract.h"

#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
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
    const char *output;
    long long threads, chunk, batch;
    omp_sched_t kind;
    int quiet;
};

static int parse_option(int c, const char *arg, struct ae_args *a) {
    char err[UNITS_ERRLEN];
    switch (c) {
    case 'o':
        a->output = arg;
        return 0;
    case 't':
        if (units_parse_count(arg, 1, 4096, &a->threads, err, sizeof err))
            return command_usage_error("ae", "--threads: %s", err);
        return 0;
    case 's':
        if (sweep_parse_schedule(arg) < 0)
            return command_usage_error("ae", "--schedule: '%s' is not static, dynamic or guided",
                                       arg);
        a->kind = sweep_omp_kind(sweep_parse_schedule(arg));
        return 0;
    case 'c':
        if (units_parse_count(arg, 0, 1 << 30, &a->chunk, err, sizeof err))
            return command_usage_error("ae", "--chunk: %s", err);
        return 0;
    case 'b':
        if (units_parse_count(arg, 1, 1 << 20, &a->batch, err, sizeof err))
            return command_usage_error("ae", "--batch: %s", err);
        return 0;
    case 'q':
        a->quiet = 1;
        return 0;
    default:
        return command_usage_error("ae", "unknown option");
    }
}

/* Options into a; returns -1 when parsed (optind at the files), else the exit code. */
static int parse_args(int argc, char **argv, struct ae_args *a) {
    static const struct option longopts[] = {
        {"output", required_argument, 0, 'o'},   {"threads", required_argument, 0, 't'},
        {"schedule", required_argument, 0, 's'}, {"chunk", required_argument, 0, 'c'},
        {"batch", required_argument, 0, 'b'},    {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        if (c == 'h') {
            ae_usage(stdout);
            return 0;
        }
        if (c == '?')
            return command_usage_error("ae", "unknown or incomplete option '%s'", argv[optind - 1]);
        int rc = parse_option(c, optarg, a);
        if (rc)
            return rc;
    }
    if (optind >= argc)
        return command_usage_error("ae", "no .tradb file given");
    return -1;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
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

int cmd_ae(int argc, char **argv, int full_argc, char **full_argv) {
    (void)full_argc;
    (void)full_argv;
    struct ae_args a = {
        .threads = omp_get_num_procs(), .chunk = 4, .batch = 1024, .kind = omp_sched_dynamic};
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    struct outfile of = {0};
    char err[UNITS_ERRLEN];
    if (a.output && outfile_open(&of, a.output, err, sizeof err))
        return command_usage_error("ae", "-o: %s", err);
    FILE *out = a.output ? of.f : stdout;
    omp_set_num_threads((int)a.threads);
    omp_set_schedule(a.kind, (int)a.chunk);
    struct ae_extract_options o = {(size_t)a.batch, 64u << 20, !a.quiet && isatty(2)};
    struct ae_extract_totals t = {0};
    double start = now();
    ae_extract_header(out);
    for (int i = optind; i < argc; i++)
        ae_extract_file(argv[i], &o, out, &t);
    double seconds = now() - start;
    if (!a.quiet)
        summary(&a, &t, argc - optind, seconds);
    int failed = t.failed > 0 || t.files_failed > 0;
    if (!a.output)
        return fflush(stdout) == 0 && !failed ? 0 : 1;
    if (t.files_failed == argc - optind) {
        outfile_abort(&of);
        return 1;
    }
    return command_commit_output("ae", &of, "-o") || failed ? 1 : 0;
}
