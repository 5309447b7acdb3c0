/* sweep_command: the commands that measure a sweep of one kernel (run, cachemap, chunkmap):
 * parse and check everything, open the outputs, measure, write, then let the mode analyse the
 * points (see sweep_command.h). */
#include "app/sweep_command.h"

#include "app/commands.h"
#include "engine/latency.h"
#include "engine/sweep_run.h"
#include "file_clash.h"
#include "format/outfile.h"
#include "machine/context.h"
#include "machine/rank_places.h"
#include "machine/ranks.h"
#include "output/ceilings_file.h"
#include "output/results.h"
#include "output/table.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

void run_print_common_options(FILE *f) {
    fprintf(f,
            "  --variant LIST    variants to measure (default: all; 'ompsweep list KERNEL')\n"
            "  --threads LIST    thread counts, e.g. 1,2,4 or 1-8 (default: 1 to the CPUs)\n"
            "  --schedule LIST   static, dynamic, guided (default: static)\n"
            "  --chunk LIST      chunk per scheduled loop: a count in --size units (gemm: tiles), "
            "bytes\n"
            "                    (125K, 1M: binary units), or all (one chunk per thread);\n"
            "                    default: the OpenMP default for the schedule\n"
            "  --size LIST       the kernel's main size (points, elements); k/M/G allowed\n"
            "  --param N=V[,..]  the kernel's other parameters (repeatable)\n"
            "  --samples N       rounds every point gets (default 7): a round takes one sample\n"
            "                    of every point, in a fresh random order\n"
            "  --precision P     more rounds for a point until its median's 95%% interval lies\n"
            "                    within P of it (default 2%%; 0: no more rounds)\n"
            "  --max-time S      at most S seconds of those rounds (default 10s); a point still\n"
            "                    wider is marked unstable\n"
            "  --min-time S      least duration of one sample, e.g. 0.02 or 20ms (default 20ms)\n"
            "  --memory BYTES    inputs kept at once across the rounds (default 1/4 of memory;\n"
            "                    beyond it the points are measured in batches)\n"
            "  --seed N          seed of the inputs (default 1)\n"
            "  --csv FILE        write the points as CSV (%%h host, %%j job, %%r rank, %%d date)\n"
            "  --json FILE       write the points and the context as JSON\n"
            "  --ceilings FILE   read the machine's ceilings (from 'ompsweep ceilings --json';\n"
            "                    %%h %%j %%r %%d expand as in output names):\n"
            "                    each point is also reported as a fraction of them\n"
            "  --quiet           no progress lines on stderr\n");
}

/* The options of every sweep command beyond the shared ones; a mode adds its own. */
static const struct option_row sweep_rows[] = {
    {"variant", 0, OPTION_TEXT, offsetof(struct run_args, variants), 0, 0},
    {"ceilings", 0, OPTION_TEXT, offsetof(struct run_args, ceilings), 0, 0},
    {"precision", 0, OPTION_FRACTION, offsetof(struct run_args, precision), 0, 0.5},
    {"max-time", 0, OPTION_SECONDS, offsetof(struct run_args, max_time), 0, 0},
    {"memory", 0, OPTION_BYTES, offsetof(struct run_args, memory_budget), 1 << 20, 0x1p62},
    {NULL, 0, OPTION_FLAG, 0, 0, 0},
};

const char *run_args_own(struct run_args *a, char *s) {
    if (!s || a->nowned == RUN_MAX_DEFAULTS) {
        free(s);
        return NULL;
    }
    a->owned[a->nowned++] = s;
    return s;
}

/* What the JSON writer's extra-members hook needs to call the mode's. */
struct json_extra_args {
    const struct run_mode *mode;
    const struct sweep_plan *plan;
    const struct sweep_result *res;
    const struct context *ctx;
};

static void json_extra(struct json_writer *w, const void *arg) {
    const struct json_extra_args *x = arg;
    if (x->mode->json_extra)
        x->mode->json_extra(w, x->plan, x->res, x->ctx);
}

static int write_outputs(const struct run_mode *mode, const struct sweep_plan *plan,
                         const struct sweep_result *res, const struct context *ctx,
                         struct outfile *csv, struct outfile *json) {
    if (csv->f)
        results_write_csv(csv->f, plan, res, ctx->run_id);
    if (json->f) {
        struct json_extra_args x = {mode, plan, res, ctx};
        results_write_json(json->f, plan, res, ctx, json_extra, &x);
    }
    int rc = command_commit_output(mode->command, csv, "--csv");
    return command_commit_output(mode->command, json, "--json") || rc;
}

/* Every rank measures; rank 0 alone prints and writes (the others' outputs are not open). */
static int measure_and_write(const struct run_mode *mode, const struct sweep_plan *plan,
                             struct context *ctx, struct outfile *csv, struct outfile *json) {
    char err[UNITS_ERRLEN];
    struct sweep_result res;
    latency_record(ctx, 0);
    if (sweep_run(plan, &res, err, sizeof err)) {
        fprintf(stderr, "ompsweep %s: %s\n", mode->command, err);
        sweep_result_free(&res);
        outfile_abort(csv);
        outfile_abort(json);
        return EXIT_FAILED;
    }
    latency_record(ctx, 1);
    if (ranks_rank() != 0) {
        int mismatch = 0;
        for (size_t i = 0; i < res.npoints; i++)
            mismatch |= !res.points[i].validated;
        sweep_result_free(&res);
        return mismatch;
    }
    latency_warn_placement(stderr, mode->command, ctx);
    if (ctx->places && ctx->places->overlapping)
        fprintf(stderr,
                "ompsweep %s: warning: ranks on one host share CPUs, so their threads compete "
                "for cores ('ompsweep info --affinity' shows where each runs)\n",
                mode->command);
    table_print(stdout, plan, &res);
    if (mode->analyse)
        mode->analyse(stdout, plan, &res, ctx);
    int rc = write_outputs(mode, plan, &res, ctx, csv, json);
    for (size_t i = 0; i < res.npoints; i++)
        if (!res.points[i].validated) {
            fprintf(stderr, "ompsweep %s: checksum mismatch: see the 'check' column\n",
                    mode->command);
            rc = EXIT_FAILED;
            break;
        }
    sweep_result_free(&res);
    return rc;
}

static void free_args(struct run_args *a) {
    for (int i = 0; i < a->nowned; i++)
        free(a->owned[i]);
    a->nowned = 0;
}

/* Each rank checks the options itself; the ranks then agree (ranks_max of the exit codes)
 * before anything collective, so a file one rank cannot read stops them all. */
static int run_kernel(const struct run_mode *mode, const struct kernel *k, struct run_args *a,
                      int full_argc, char **full_argv) {
    const char *command = mode->command;
    struct context ctx;
    context_collect(&ctx, full_argc, full_argv);
    struct sweep_plan plan = {.study = a->weak ? "weak" : mode->study, .weak = a->weak};
    struct outfile csv = {0}, json = {0};
    struct ceilings ceilings;
    struct rank_places places = {0};
    char err[UNITS_ERRLEN];
    char ceilings_path[4096];
    int rc = 0;
    if (a->ceilings &&
        (outfile_expand(a->ceilings, ceilings_path, sizeof ceilings_path, err, sizeof err) ||
         ceilings_file_load(ceilings_path, &ceilings, err, sizeof err)))
        rc = command_usage_error(command, "--ceilings: %s", err);
    plan.ceilings = a->ceilings ? &ceilings : NULL;
    int cpus = ctx.allowed_cpus > 0 ? ctx.allowed_cpus : 1;
    /* The user's own, before a map's defaults fill it in. */
    const char *threads_option = a->common.threads ? "--threads" : NULL;
    if (!rc)
        rc = sweep_plan_build(command, k, a, cpus, &plan);
    if (!rc && mode->defaults) {
        rc = mode->defaults(k, &ctx, &plan, a);
        sweep_plan_free(&plan);
        plan =
            (struct sweep_plan){.study = plan.study, .weak = plan.weak, .ceilings = plan.ceilings};
        if (!rc)
            rc = sweep_plan_build(command, k, a, cpus, &plan);
    }
    if (!rc)
        sweep_plan_drop_repeats(command, &plan);
    if (!rc)
        rc = sweep_plan_check_memory(command, &plan, ctx.memory_bytes);
    if (!rc)
        rc = command_check_teams(command, plan.threads, plan.nthreads, threads_option);
    for (size_t v = 0; !rc && v < plan.nvariants; v++)
        if (plan.variants[v]->flags & VARIANT_BLAS) {
            command_blas_warning(command, &ctx);
            break;
        }
    plan.memory_budget = a->memory_budget       ? (double)a->memory_budget
                         : ctx.memory_bytes > 0 ? 0.25 * (double)ctx.memory_bytes
                                                : 0.0;
    rc = (int)ranks_max((double)rc);
    if (!rc && rank_places_collect(&places))
        rc = command_usage_error(command, "out of memory");
    if (!rc)
        rc = sweep_plan_check_ranks(command, k, &plan);
    const struct file_use ceilings_use = {"--ceilings", ceilings_path, 0};
    if (!rc && ranks_rank() == 0)
        rc = command_open_outputs(command, a->common.csv, a->common.json, &ceilings_use,
                                  a->ceilings ? 1 : 0, &csv, &json);
    rc = (int)ranks_max((double)rc); /* an output rank 0 cannot open stops every rank */
    if (!rc) {
        if (ranks_rank() != 0)
            plan.progress = NULL;
        plan.ranks = ranks_count();
        plan.places = &places;
        ctx.places = &places;
        rc = measure_and_write(mode, &plan, &ctx, &csv, &json);
    } else {
        outfile_abort(&csv);
        outfile_abort(&json);
    }
    sweep_plan_free(&plan);
    rank_places_free(&places);
    return rc;
}

int run_command(const struct run_mode *mode, int argc, char **argv, int full_argc,
                char **full_argv) {
    const char *command = mode->command;
    struct run_args a = {
        .common = {.samples = 7, .min_time = 0.02, .seed = 1}, .precision = 0.02, .max_time = 10.0};
    const struct options_spec spec = {.command = command,
                                      .usage = mode->usage,
                                      .common = RUN_COMMON_OPTIONS,
                                      .values = &a.common,
                                      .rows = sweep_rows,
                                      .more_rows = mode->rows,
                                      .args = &a,
                                      .max_operands = 1,
                                      .missing_operand =
                                          "which kernel? ('ompsweep list' shows them)"};
    int first, rc = options_parse(&spec, argc, argv, &first);
    if (rc)
        return rc < 0 ? 0 : rc;
    const struct kernel *k;
    rc = command_find_kernel(command, argv[first], &k);
    if (!rc)
        rc = run_kernel(mode, k, &a, full_argc, full_argv);
    free_args(&a);
    return rc;
}
