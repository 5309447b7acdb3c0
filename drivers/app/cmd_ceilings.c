/* ompsweep ceilings: measure the machine's peak FLOP/s and STREAM bandwidths once, print them
 * and optionally store them (--json) for `ompsweep run --ceilings`. */
#include "app/commands.h"
#include "app/options.h"
#include "machine/omp_team.h"

#include "engine/latency.h"
#include "engine/sweep.h"
#include "format/outfile.h"
#include "format/units.h"
#include "machine/context.h"
#include "machine/context_write.h"
#include "output/ceilings_file.h"
#include "peak.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void ceilings_usage(FILE *f) {
    fprintf(f,
            "usage: ompsweep ceilings [options]\n\n"
            "Measures the limits every kernel is read against: peak double-precision FLOP/s\n"
            "(peak_flops: independent FMA chains on full-width vectors), STREAM triad and read\n"
            "bandwidth (stream_triad, stream_read), each the best over the thread counts.\n\n"
            "  --threads LIST    thread counts to try (default: 1 to the CPUs)\n"
            "  --size N          elements per STREAM array (default: 4x the last-level caches,\n"
            "                    at least 8M, at most 1/16 of memory per array)\n"
            "  --samples N       samples per point (default 5)\n"
            "  --min-time S      least duration of one sample (default 20ms)\n"
            "  --json FILE       store the ceilings and the context (%%h %%j %%r %%d as in run)\n"
            "  --quiet           no progress lines on stderr\n"
            "\nExit codes: 0 ok, 1 a failed measurement, 2 a usage error.\n");
}

struct ceilings_args {
    struct common_options o; /* --threads --samples --min-time --json --quiet */
    long long size;
};

/* --size is one count here (the STREAM arrays' elements), within the stream kernels' range. */
static const struct option_row ceilings_rows[] = {
    {"size", 0, OPTION_COUNT, offsetof(struct ceilings_args, size), 1024, 0x1p32},
    {NULL, 0, OPTION_FLAG, 0, 0, 0},
};

static int parse_options(int argc, char **argv, struct ceilings_args *a) {
    const struct options_spec spec = {.command = "ceilings",
                                      .usage = ceilings_usage,
                                      .common = COMMON_THREADS | COMMON_SAMPLES | COMMON_MIN_TIME |
                                                COMMON_JSON | COMMON_QUIET,
                                      .values = &a->o,
                                      .rows = ceilings_rows,
                                      .args = a};
    int first;
    return options_parse(&spec, argc, argv, &first);
}

static long long llc_total(const struct context *ctx) {
    long long best = 0;
    for (int i = 0; i < ctx->ncaches; i++) {
        long long total = ctx->caches[i].size_bytes *
                          (ctx->caches[i].instances > 0 ? ctx->caches[i].instances : 1);
        if (ctx->caches[i].level >= 2 && total > best)
            best = total;
    }
    return best;
}

static void print_ceiling(const char *what, const char *unit, const struct ceiling *c) {
    printf("%-22s %9.4g %s at %d thread%s, variant %s (1 thread: %.4g %s)\n", what, c->best, unit,
           c->best_threads, c->best_threads == 1 ? "" : "s", c->variant, c->one, unit);
}

static int write_json(struct outfile *out, const struct context *ctx, const struct ceilings *c) {
    ceilings_file_write(out->f, c, ctx);
    return command_commit_output("ceilings", out, "--json");
}

int cmd_ceilings(int argc, char **argv, int full_argc, char **full_argv) {
    struct ceilings_args a = {.o = {.samples = 5, .min_time = 0.02}};
    int rc = parse_options(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct context ctx;
    context_collect(&ctx, full_argc, full_argv);
    int cpus = ctx.allowed_cpus > 0 ? ctx.allowed_cpus : 1;
    struct ceilings_settings s = {.samples = a.o.samples,
                                  .min_time = a.o.min_time,
                                  .precision = 0.02,
                                  .max_time = 10.0,
                                  .memory_budget = 0.25 * (double)ctx.memory_bytes,
                                  .cpus = cpus,
                                  .progress = a.o.quiet ? NULL : stderr};
    char err[UNITS_ERRLEN];
    long long *threads = NULL;
    if (a.o.threads && units_parse_count_list(a.o.threads, 1, OMP_TEAM_MAX, &threads, &s.nthreads,
                                              err, sizeof err))
        return command_usage_error("ceilings", "--threads: %s", err);
    if (!a.o.threads && sweep_default_threads(cpus, &threads, &s.nthreads))
        return command_usage_error("ceilings", "out of memory");
    command_drop_repeats("ceilings", "--threads", threads, sizeof *threads, &s.nthreads,
                         command_same_count);
    s.threads = threads;
    if (command_check_teams("ceilings", threads, s.nthreads, a.o.threads ? "--threads" : NULL)) {
        free(threads);
        return EXIT_USAGE;
    }
    s.stream_elements =
        a.size ? a.size : ceilings_stream_elements(llc_total(&ctx), ctx.memory_bytes);
    if (ctx.memory_bytes > 0 && 3.0 * 8.0 * (double)s.stream_elements > 0.8 * ctx.memory_bytes) {
        free(threads);
        return command_usage_error(
            "ceilings", "--size %lld: three arrays of it exceed 80%% of memory", s.stream_elements);
    }
    struct outfile out = {0};
    if (a.o.json && outfile_open(&out, a.o.json, err, sizeof err)) {
        free(threads);
        return command_usage_error("ceilings", "--json: %s", err);
    }
    struct ceilings c;
    latency_record(&ctx, 0);
    if (ceilings_measure(&s, &c, err, sizeof err)) {
        fprintf(stderr, "ompsweep ceilings: %s\n", err);
        outfile_abort(&out);
        free(threads);
        return EXIT_FAILED;
    }
    latency_record(&ctx, 1);
    printf("\nceilings of %s (STREAM arrays of %lld elements, %.3g MiB each)\n", c.host,
           c.stream_elements, 8.0 * (double)c.stream_elements / 1048576.0);
    print_ceiling("peak DP", "GFLOP/s", &c.peak_gflops);
    printf("%-22s %d-wide vectors of doubles, %s\n", "  (as built)", peak_vector_doubles(),
           peak_uses_fma() ? "fused multiply-add" : "separate multiply and add");
    print_ceiling("STREAM triad", "GB/s", &c.triad_gbytes_per_s);
    print_ceiling("read (sum)", "GB/s", &c.read_gbytes_per_s);
    printf("machine balance: %.3g flops per byte of triad bandwidth\n",
           c.peak_gflops.best / c.triad_gbytes_per_s.best);
    rc = out.f ? write_json(&out, &ctx, &c) : 0;
    free(threads);
    return rc;
}
