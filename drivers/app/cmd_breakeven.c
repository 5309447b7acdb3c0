/* ompsweep breakeven KERNEL[,KERNEL...]: the smallest size at which N threads beat serial code, per
 * kernel (engine/breakeven.h has the search and its noise handling, docs/overhead.md more). */
#include "app/commands.h"
#include "app/options.h"
#include "engine/breakeven.h"
#include "engine/latency.h"
#include "format/outfile.h"
#include "format/units.h"
#include "machine/context.h"
#include "machine/omp_team.h"
#include "output/breakeven_write.h"

#include <math.h>
#include <omp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Without --max-size the search stops growing once one 1-thread run takes this long. */
#define DEFAULT_MAX_RUN_S 0.05
/* ... and never sets up two states larger than this together. */
#define DEFAULT_MAX_BYTES (1024.0 * 1048576.0)

static void breakeven_usage(FILE *f) {
    fprintf(f,
            "usage: ompsweep breakeven KERNEL[,KERNEL...] [options]\n\n"
            "Finds, for each kernel, the smallest size at which N threads run a parallel variant\n"
            "faster than the serial reference (the code without OpenMP: what a user who does not\n"
            "parallelise runs). At each size it takes interleaved pairs of samples (reference,\n"
            "N threads) and decides by a sign test on their ratios at 95%% confidence; sizes it\n"
            "cannot decide are ties. The answer is a bracket [lower, upper]: N threads are shown\n"
            "slower at lower and faster at upper; 'always' and 'never' only when shown so at the\n"
            "smallest and the largest size, 'undecided' otherwise (docs/overhead.md).\n\n"
            "  --variant NAME    the parallel variant (default: the kernel's first variant that\n"
            "                    is not serial, a library or nested)\n"
            "  --threads N       N, at least 2 (default: the CPUs, at least 2)\n"
            "  --min-size N      smallest size searched (default: the kernel's minimum)\n"
            "  --max-size N      largest size searched (default: the kernel's maximum, stopping\n"
            "                    once one reference run takes %.0f ms, within %.0f MiB of memory)\n"
            "  --min-time S      least duration of one sample (default 2ms)\n"
            "  --max-pairs N     most sample pairs at one size before it is a tie (default 48)\n"
            "  --seed N          seed of the inputs (default 1)\n"
            "  --csv FILE        write the results as CSV (%%h host, %%j job, %%r rank, %%d date)\n"
            "  --json FILE       write the results and the context as JSON\n"
            "  --quiet           no progress lines on stderr\n"
            "\nThe kernels run with their default parameters and the static schedule. Threads\n"
            "are pinned (OMP_PROC_BIND=close, OMP_PLACES=cores) unless OMP_PROC_BIND or\n"
            "OMP_PLACES is set. Exit codes: 0 ok, 1 a failed measurement or a checksum that\n"
            "differs from the reference's, 2 a usage error.\n",
            DEFAULT_MAX_RUN_S * 1e3, DEFAULT_MAX_BYTES / 1048576.0);
}

struct breakeven_args {
    struct common_options o; /* --min-time --seed --csv --json --quiet */
    const char *kernels, *variant;
    long long threads, min_size, max_size, max_pairs;
};

static const struct option_row breakeven_rows[] = {
    {"variant", 0, OPTION_TEXT, offsetof(struct breakeven_args, variant), 0, 0},
    {"threads", 0, OPTION_COUNT, offsetof(struct breakeven_args, threads), 2, OMP_TEAM_MAX},
    {"min-size", 0, OPTION_COUNT, offsetof(struct breakeven_args, min_size), 1, 0x1p50},
    {"max-size", 0, OPTION_COUNT, offsetof(struct breakeven_args, max_size), 1, 0x1p50},
    {"max-pairs", 0, OPTION_COUNT, offsetof(struct breakeven_args, max_pairs), 8, 10000},
    {NULL, 0, OPTION_FLAG, 0, 0, 0},
};

static int parse_options(int argc, char **argv, struct breakeven_args *a) {
    const struct options_spec spec = {
        .command = "breakeven",
        .usage = breakeven_usage,
        .common = COMMON_MIN_TIME | COMMON_SEED | COMMON_CSV | COMMON_JSON | COMMON_QUIET,
        .values = &a->o,
        .rows = breakeven_rows,
        .args = a,
        .max_operands = 1,
        .missing_operand = "which kernel? ('ompsweep list' shows them)"};
    int first, rc = options_parse(&spec, argc, argv, &first);
    if (!rc)
        a->kernels = argv[first];
    return rc;
}

/* How one kernel is searched; what the search finds goes to the matching breakeven_found. */
struct job {
    long long min_size, max_size;
    double max_run_s;
};

/* The variant to measure: --variant, else the kernel's default; a parallel one either way. */
static int resolve_variant(const char *name, struct breakeven_found *f) {
    const struct kernel *k = f->kernel;
    if (!name) {
        f->variant = breakeven_default_variant(k);
        if (!f->variant)
            return command_usage_error("breakeven", "%s has no parallel variant to measure",
                                       k->name);
        return 0;
    }
    int rc = command_find_variant("breakeven", k, name, &f->variant);
    if (!rc && (f->variant->flags & VARIANT_SERIAL))
        return command_usage_error(
            "breakeven", "--variant: %s/%s is serial: it runs the same at any thread count",
            k->name, name);
    if (!rc && (f->variant->flags & VARIANT_NESTED))
        return command_usage_error(
            "breakeven", "--variant: %s/%s is nested: its threads are not the thread count",
            k->name, name);
    return rc;
}

static int resolve_sizes(const struct breakeven_args *a, long long memory, const struct kernel *k,
                         struct job *j) {
    double params[KERNEL_MAX_PARAMS];
    kernel_default_params(k, params);
    j->min_size = a->min_size ? a->min_size : k->min_size;
    j->max_size = a->max_size;
    if (!a->max_size) {
        double bytes = memory > 0 && 0.25 * (double)memory < DEFAULT_MAX_BYTES
                           ? 0.25 * (double)memory
                           : DEFAULT_MAX_BYTES;
        j->max_size = breakeven_size_cap(k, params, bytes);
        j->max_run_s = DEFAULT_MAX_RUN_S;
        if (k->ref_max_size > 0 && j->max_size > k->ref_max_size)
            j->max_size = k->ref_max_size; /* the baseline is not run above it */
        if (j->max_size < j->min_size)
            j->max_size = j->min_size;
    }
    if (k->ref_max_size > 0 && j->max_size > k->ref_max_size)
        return command_usage_error("breakeven",
                                   "--max-size %lld: %s's reference, the baseline, is not run "
                                   "above size %ld (too slow)",
                                   j->max_size, k->name, k->ref_max_size);
    if (j->min_size < k->min_size || j->min_size > k->max_size)
        return command_usage_error("breakeven", "--min-size %lld: %s takes sizes %ld to %ld",
                                   j->min_size, k->name, k->min_size, k->max_size);
    if (j->max_size < k->min_size || j->max_size > k->max_size)
        return command_usage_error("breakeven", "--max-size %lld: %s takes sizes %ld to %ld",
                                   j->max_size, k->name, k->min_size, k->max_size);
    if (j->min_size > j->max_size)
        return command_usage_error("breakeven", "--min-size %lld is above --max-size %lld",
                                   j->min_size, j->max_size);
    struct kernel_work w;
    k->work((size_t)j->max_size, params, &w);
    if (memory > 0 && 2.0 * w.working_set > 0.8 * (double)memory)
        return command_usage_error("breakeven",
                                   "--max-size %lld: two working sets of %s (%.3g GiB each) "
                                   "exceed 80%% of memory",
                                   j->max_size, k->name, w.working_set / 1073741824.0);
    const char *msg = k->check ? k->check((size_t)j->min_size, params) : NULL;
    if (!msg && k->check)
        msg = k->check((size_t)j->max_size, params);
    return msg ? command_usage_error("breakeven", "%s: %s", k->name, msg) : 0;
}

/* Every kernel named, checked before anything is measured: *jobs and *found are allocated,
 * n of each. */
static int resolve_jobs(const struct breakeven_args *a, long long memory, struct job **jobs,
                        struct breakeven_found **found, size_t *n) {
    char **names = NULL, err[UNITS_ERRLEN];
    if (units_parse_name_list(a->kernels, &names, n, err, sizeof err))
        return command_usage_error("breakeven", "kernels: %s", err);
    *jobs = calloc(*n, sizeof **jobs);
    *found = calloc(*n, sizeof **found);
    int rc = *jobs && *found ? 0 : command_usage_error("breakeven", "out of memory");
    for (size_t i = 0; !rc && i < *n; i++) {
        struct breakeven_found *f = &(*found)[i];
        rc = command_find_kernel("breakeven", names[i], &f->kernel);
        if (!rc)
            rc = resolve_variant(a->variant, f);
        if (!rc)
            rc = resolve_sizes(a, memory, f->kernel, &(*jobs)[i]);
    }
    units_free_names(names, *n);
    return rc;
}

struct step_ctx {
    const struct breakeven_found *found;
    int threads;
};

static void print_step(void *ctx, const struct breakeven_step *st) {
    const struct step_ctx *c = ctx;
    static const char *const verdicts[] = {"slower", "tie", "faster"};
    char a[32], b[32];
    fprintf(stderr,
            "[%s/%s] size %lld: reference %s, %d threads %s, speedup %.3f (%d of %d pairs): %s\n",
            c->found->kernel->name, c->found->variant->name, st->size,
            units_format_seconds(st->t1, a, sizeof a), c->threads,
            units_format_seconds(st->tn, b, sizeof b), st->speedup, st->wins, st->pairs,
            verdicts[st->verdict + 1]);
    fflush(stderr);
}

static int search_one(const struct breakeven_args *a, const struct job *j,
                      struct breakeven_found *f) {
    struct breakeven_kernel bk;
    breakeven_kernel_init(&bk, f->kernel, f->variant, NULL, (uint64_t)a->o.seed, a->o.min_time,
                          (int)a->threads);
    struct step_ctx sc = {f, (int)a->threads};
    struct breakeven_settings s = {.min_size = j->min_size,
                                   .max_size = j->max_size,
                                   .threads = (int)a->threads,
                                   .max_pairs = (int)a->max_pairs,
                                   .max_run_s = j->max_run_s,
                                   .on_step = a->o.quiet ? NULL : print_step,
                                   .on_step_ctx = &sc};
    int rc = breakeven_search(&s, breakeven_kernel_measure, &bk, &f->r);
    int check = breakeven_kernel_finish(&bk); /* frees the states either way */
    if (rc || check) {
        fprintf(stderr, "ompsweep breakeven: %s\n", bk.err[0] ? bk.err : "out of memory");
        return -1;
    }
    f->working_set = NAN;
    if (f->r.breakeven_size > 0) {
        struct kernel_work w;
        f->kernel->work((size_t)f->r.breakeven_size, bk.params, &w);
        f->working_set = w.working_set;
    }
    return 0;
}

static int run_jobs(const struct breakeven_args *a, struct context *ctx, const struct job *jobs,
                    struct breakeven_found *found, size_t n, struct outfile *csv,
                    struct outfile *json) {
    latency_record(ctx, 0);
    for (size_t i = 0; i < n; i++)
        if (search_one(a, &jobs[i], &found[i])) {
            outfile_abort(csv);
            outfile_abort(json);
            return EXIT_FAILED;
        }
    latency_record(ctx, 1);
    latency_warn_placement(stderr, "breakeven", ctx);
    struct breakeven_run run = {(int)a->threads, a->o.min_time, a->max_pairs, a->o.seed, found, n};
    breakeven_write_table(stdout, &run, ctx->allowed_cpus > 0 ? ctx->allowed_cpus : 1);
    if (csv->f)
        breakeven_write_csv(csv->f, &run, ctx->run_id);
    if (json->f)
        breakeven_write_json(json->f, &run, ctx);
    int rc = command_commit_output("breakeven", csv, "--csv");
    return command_commit_output("breakeven", json, "--json") || rc;
}

int cmd_breakeven(int argc, char **argv, int full_argc, char **full_argv) {
    struct breakeven_args a = {.o = {.min_time = 0.002, .seed = 1}, .max_pairs = 48};
    int rc = parse_options(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct context ctx;
    context_collect(&ctx, full_argc, full_argv);
    const char *threads_option = a.threads ? "--threads" : NULL;
    if (!a.threads)
        a.threads = ctx.allowed_cpus > 2 ? ctx.allowed_cpus : 2;
    /* The kernels open their own teams: a runtime that gives fewer threads than asked would
     * make the N-thread times those of a smaller team, unnoticed. */
    if (command_check_teams("breakeven", &a.threads, 1, threads_option))
        return EXIT_USAGE;
    struct job *jobs = NULL;
    struct breakeven_found *found = NULL;
    size_t n = 0;
    struct outfile csv = {0}, json = {0};
    rc = resolve_jobs(&a, ctx.memory_bytes, &jobs, &found, &n);
    if (!rc)
        rc = command_open_outputs("breakeven", a.o.csv, a.o.json, NULL, 0, &csv, &json);
    if (!rc)
        rc = run_jobs(&a, &ctx, jobs, found, n, &csv, &json);
    free(jobs);
    free(found);
    return rc;
}
