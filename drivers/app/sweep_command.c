/* The sweep commands (run, cachemap, chunkmap): parse and check everything, open the outputs,
 * measure, write, then let the mode analyse the points. */
#include "app/sweep_command.h"

#include "app/commands.h"

#include "engine/sweep.h"
#include "format/outfile.h"
#include "format/units.h"
#include "machine/context.h"
#include "machine/rank_places.h"
#include "machine/ranks.h"
#include "output/results.h"
#include "output/table.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The command being run, for messages: one command per process. */
static const char *cmd = "run";

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
            "  --samples N       samples per point (default 7)\n"
            "  --min-time S      least duration of one sample, e.g. 0.02 or 20ms (default 20ms)\n"
            "  --seed N          seed of the inputs (default 1)\n"
            "  --csv FILE        write the points as CSV (%%h host, %%j job, %%r rank, %%d date)\n"
            "  --json FILE       write the points and the context as JSON\n"
            "  --ceilings FILE   read the machine's ceilings (from 'ompsweep ceilings --json';\n"
            "                    %%h %%j %%r %%d expand as in output names):\n"
            "                    each point is also reported as a fraction of them\n"
            "  --quiet           no progress lines on stderr\n");
}

const char *run_args_own(struct run_args *a, char *s) {
    if (!s || a->nowned == RUN_MAX_DEFAULTS) {
        free(s);
        return NULL;
    }
    a->owned[a->nowned++] = s;
    return s;
}

static int parse_options(const struct run_mode *mode, int argc, char **argv, struct run_args *a) {
    static const struct option opts[] = {{"variant", required_argument, NULL, 'v'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"schedule", required_argument, NULL, 'S'},
                                         {"chunk", required_argument, NULL, 'c'},
                                         {"size", required_argument, NULL, 'n'},
                                         {"param", required_argument, NULL, 'p'},
                                         {"samples", required_argument, NULL, 's'},
                                         {"min-time", required_argument, NULL, 'm'},
                                         {"seed", required_argument, NULL, 'r'},
                                         {"csv", required_argument, NULL, 'C'},
                                         {"json", required_argument, NULL, 'J'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"ceilings", required_argument, NULL, 'L'},
                                         {"weak", no_argument, NULL, 'w'},
                                         {"from", required_argument, NULL, 'F'},
                                         {"to", required_argument, NULL, 'T'},
                                         {"per-octave", required_argument, NULL, 'O'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    char err[CLI_ERRLEN];
    long long v;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'v':
            a->variants = optarg;
            break;
        case 't':
            a->threads = optarg;
            break;
        case 'S':
            a->schedules = optarg;
            break;
        case 'c':
            a->chunks = optarg;
            break;
        case 'n':
            a->sizes = optarg;
            break;
        case 'C':
            a->csv = optarg;
            break;
        case 'J':
            a->json = optarg;
            break;
        case 'L':
            a->ceilings = optarg;
            break;
        case 'q':
            a->quiet = 1;
            break;
        case 'h':
            mode->usage(stdout);
            return -1;
        case 'w':
        case 'F':
        case 'T':
        case 'O':
            if (!(mode->options & (c == 'w' ? RUN_OPT_WEAK : RUN_OPT_RANGE)))
                return command_usage_error(cmd, "unknown option '%s'",
                                           c == 'w'   ? "--weak"
                                           : c == 'F' ? "--from"
                                           : c == 'T' ? "--to"
                                                      : "--per-octave");
            if (c == 'w')
                a->weak = 1;
            else if (c == 'O' && cli_parse_count(optarg, 1, 16, &v, err, sizeof err))
                return command_usage_error(cmd, "--per-octave: %s", err);
            else if (c == 'O')
                a->per_octave = (int)v;
            else if (cli_parse_bytes(optarg, 64, 1LL << 40, &v, err, sizeof err))
                return command_usage_error(cmd, "%s: %s", c == 'F' ? "--from" : "--to", err);
            else if (c == 'F')
                a->ws_from = v;
            else
                a->ws_to = v;
            break;
        case 'p':
            if (a->nparams == 16)
                return command_usage_error(cmd, "--param: given too many times");
            a->params[a->nparams++] = optarg;
            break;
        case 's':
            if (cli_parse_count(optarg, 1, 1000, &v, err, sizeof err))
                return command_usage_error(cmd, "--samples: %s", err);
            a->samples = (int)v;
            break;
        case 'm':
            if (cli_parse_seconds(optarg, &a->min_time, err, sizeof err))
                return command_usage_error(cmd, "--min-time: %s", err);
            break;
        case 'r':
            if (cli_parse_count(optarg, 0, 0x7fffffffffffffffLL, &v, err, sizeof err))
                return command_usage_error(cmd, "--seed: %s", err);
            a->seed = (unsigned long long)v;
            break;
        case ':':
            return command_usage_error(cmd, "%s needs a value", argv[optind - 1]);
        default:
            return command_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    return 0;
}

static int resolve_variants(const struct kernel *k, const char *list, struct sweep_plan *plan) {
    char **names = NULL, err[CLI_ERRLEN];
    size_t n = 0;
    if (!list) {
        plan->nvariants = kernel_variant_count(k);
        plan->variants = calloc(plan->nvariants, sizeof *plan->variants);
        for (size_t i = 0; plan->variants && i < plan->nvariants; i++)
            plan->variants[i] = &k->variants[i];
        return plan->variants ? 0 : command_usage_error(cmd, "out of memory");
    }
    if (cli_parse_name_list(list, &names, &n, err, sizeof err))
        return command_usage_error(cmd, "--variant: %s", err);
    plan->variants = calloc(n, sizeof *plan->variants);
    int rc = plan->variants ? 0 : command_usage_error(cmd, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        plan->variants[i] = kernel_find_variant(k, names[i]);
        if (!plan->variants[i]) {
            char known[256] = "";
            for (size_t v = 0; k->variants[v].name; v++)
                snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", v ? ", " : "",
                         k->variants[v].name);
            rc = command_usage_error(cmd, "--variant: '%s' is not a variant of %s (it has: %s)",
                                     names[i], k->name, known);
        }
    }
    plan->nvariants = n;
    cli_free_names(names, n);
    return rc;
}

static int resolve_schedules(const char *list, struct sweep_plan *plan) {
    char **names = NULL, err[CLI_ERRLEN];
    size_t n = 0;
    if (cli_parse_name_list(list ? list : "static", &names, &n, err, sizeof err))
        return command_usage_error(cmd, "--schedule: %s", err);
    plan->schedules = calloc(n, sizeof *plan->schedules);
    int rc = plan->schedules ? 0 : command_usage_error(cmd, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        int s = sweep_parse_schedule(names[i]);
        if (s < 0)
            rc = command_usage_error(
                cmd, "--schedule: '%s' is not a schedule (static, dynamic, guided)", names[i]);
        else
            plan->schedules[i] = (enum sweep_schedule)s;
    }
    plan->nschedules = n;
    cli_free_names(names, n);
    return rc;
}

static int parse_one_param(const struct kernel *k, char *item, double *params) {
    char *eq = strchr(item, '=');
    if (!eq || eq == item)
        return command_usage_error(cmd, "--param: '%s' is not NAME=VALUE", item);
    *eq = '\0';
    int idx = kernel_param_index(k, item);
    if (idx < 0)
        return command_usage_error(
            cmd, "--param: %s has no parameter '%s' ('ompsweep list %s' shows them)", k->name, item,
            k->name);
    const struct kernel_param *p = &k->params[idx];
    char err[CLI_ERRLEN];
    if (p->kind == PARAM_INTEGER) {
        long long v;
        if (cli_parse_count(eq + 1, (long long)p->min, (long long)p->max, &v, err, sizeof err))
            return command_usage_error(cmd, "--param %s: %s", p->name, err);
        params[idx] = (double)v;
    } else if (cli_parse_real(eq + 1, p->min, p->max, &params[idx], err, sizeof err)) {
        return command_usage_error(cmd, "--param %s: %s", p->name, err);
    }
    return 0;
}

static int resolve_params(const struct kernel *k, const struct run_args *a,
                          struct sweep_plan *plan) {
    for (size_t i = 0; k->params[i].name; i++)
        plan->params[i] = k->params[i].def;
    for (int i = 0; i < a->nparams; i++) {
        char **items = NULL, err[CLI_ERRLEN];
        size_t n = 0;
        if (cli_parse_name_list(a->params[i], &items, &n, err, sizeof err))
            return command_usage_error(cmd, "--param: %s", err);
        int rc = 0;
        for (size_t j = 0; !rc && j < n; j++)
            rc = parse_one_param(k, items[j], plan->params);
        cli_free_names(items, n);
        if (rc)
            return rc;
    }
    for (size_t s = 0; s < plan->nsizes; s++) {
        for (size_t v = 0; a->variants && v < plan->nvariants; v++)
            if (plan->variants[v] == &k->variants[0] && !sweep_ref_runs(k, plan->sizes[s]))
                return command_usage_error(
                    cmd,
                    "--variant %s: %s's reference is not run above size %ld (too "
                    "slow; larger sizes are validated against an independent "
                    "checksum), and --size has %lld",
                    k->variants[0].name, k->name, k->ref_max_size, plan->sizes[s]);
        const char *msg = k->check ? k->check((size_t)plan->sizes[s], plan->params) : NULL;
        if (msg)
            return command_usage_error(cmd, "%s: %s", k->name, msg);
    }
    return 0;
}

/* Linux overcommits: a working set beyond memory would be killed mid-run, not refused. */
static int check_memory(const struct sweep_plan *plan, long long memory_bytes) {
    long long most = 1;
    for (size_t t = 0; plan->weak && t < plan->nthreads; t++)
        most = plan->threads[t] > most ? plan->threads[t] : most;
    for (size_t s = 0; memory_bytes > 0 && s < plan->nsizes; s++) {
        struct kernel_work w;
        plan->kernel->work((size_t)(plan->sizes[s] * most), plan->params, &w);
        if (w.working_set > 0.8 * (double)memory_bytes)
            return command_usage_error(
                cmd,
                "--size %lld: the working set (%.3g GiB) exceeds 80%% of this "
                "machine's memory (%.3g GiB)",
                plan->sizes[s], w.working_set / 1073741824.0, (double)memory_bytes / 1073741824.0);
    }
    return 0;
}

static int build_plan(const struct kernel *k, const struct run_args *a, int cpus,
                      struct sweep_plan *plan) {
    char err[CLI_ERRLEN];
    plan->kernel = k;
    plan->samples = a->samples;
    plan->min_time = a->min_time;
    plan->seed = a->seed;
    plan->cpus = cpus;
    plan->progress = a->quiet ? NULL : stderr;
    int rc = resolve_variants(k, a->variants, plan);
    if (!rc && a->threads &&
        cli_parse_count_list(a->threads, 1, 4096, &plan->threads, &plan->nthreads, err, sizeof err))
        rc = command_usage_error(cmd, "--threads: %s", err);
    if (!rc && !a->threads && sweep_default_threads(cpus, &plan->threads, &plan->nthreads))
        rc = command_usage_error(cmd, "out of memory");
    if (!rc)
        rc = resolve_schedules(a->schedules, plan);
    if (!rc && a->chunks &&
        cli_parse_chunk_list(a->chunks, &plan->chunks, &plan->nchunks, err, sizeof err))
        rc = command_usage_error(cmd, "--chunk: %s", err);
    if (!rc && a->sizes &&
        cli_parse_count_list(a->sizes, k->min_size, k->max_size, &plan->sizes, &plan->nsizes, err,
                             sizeof err))
        rc = command_usage_error(cmd, "--size: %s", err);
    if (!rc && !a->sizes) {
        plan->sizes = calloc(1, sizeof *plan->sizes);
        plan->nsizes = 1;
        rc = plan->sizes ? 0 : command_usage_error(cmd, "out of memory");
        if (!rc)
            plan->sizes[0] = k->default_size;
    }
    return rc ? rc : resolve_params(k, a, plan);
}

static void free_plan(struct sweep_plan *plan) {
    free(plan->variants);
    free(plan->threads);
    free(plan->schedules);
    free(plan->chunks);
    free(plan->sizes);
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
    char err[CLI_ERRLEN];
    int rc = 0;
    if (csv->f) {
        results_write_csv(csv->f, plan, res);
        if (outfile_commit(csv, err, sizeof err)) {
            fprintf(stderr, "ompsweep %s: --csv: %s\n", cmd, err);
            rc = 1;
        }
    }
    if (json->f) {
        struct json_extra_args x = {mode, plan, res, ctx};
        results_write_json(json->f, plan, res, ctx, json_extra, &x);
        if (outfile_commit(json, err, sizeof err)) {
            fprintf(stderr, "ompsweep %s: --json: %s\n", cmd, err);
            rc = 1;
        }
    }
    return rc;
}

/* Every rank measures; rank 0 alone prints and writes (the others' outputs are not open). */
static int measure_and_write(const struct run_mode *mode, const struct sweep_plan *plan,
                             struct context *ctx, struct outfile *csv, struct outfile *json) {
    char err[CLI_ERRLEN];
    struct sweep_result res;
    context_measure_latency(ctx, 0);
    if (sweep_run(plan, &res, err, sizeof err)) {
        fprintf(stderr, "ompsweep %s: %s\n", cmd, err);
        sweep_result_free(&res);
        outfile_abort(csv);
        outfile_abort(json);
        return 1;
    }
    context_measure_latency(ctx, 1);
    if (ranks_rank() != 0) {
        int mismatch = 0;
        for (size_t i = 0; i < res.npoints; i++)
            mismatch |= !res.points[i].validated;
        sweep_result_free(&res);
        return mismatch;
    }
    context_warn_placement(stderr, cmd, ctx);
    if (ctx->places && ctx->places->overlapping)
        fprintf(stderr,
                "ompsweep %s: warning: ranks on one host share CPUs, so their threads compete "
                "for cores ('ompsweep info --affinity' shows where each runs)\n",
                cmd);
    table_print(stdout, plan, &res);
    if (mode->analyse)
        mode->analyse(stdout, plan, &res, ctx);
    int rc = write_outputs(mode, plan, &res, ctx, csv, json);
    for (size_t i = 0; i < res.npoints; i++)
        if (!res.points[i].validated) {
            fprintf(stderr, "ompsweep %s: checksum mismatch: see the 'check' column\n", cmd);
            rc = 1;
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

/* Across ranks a kernel without setup_part can only run whole on every rank (--weak), and a
 * split needs at least one loop iteration per rank. */
static int check_ranks(const struct kernel *k, const struct sweep_plan *plan) {
    int ranks = ranks_count();
    if (ranks == 1)
        return 0;
    if (!k->setup_part && !plan->weak)
        return command_usage_error(cmd,
                                   "%s cannot be split across ranks: use --weak (each of the %d "
                                   "ranks then runs the whole problem)",
                                   k->name, ranks);
    for (size_t s = 0; k->setup_part && s < plan->nsizes; s++) {
        struct kernel_work w;
        k->work((size_t)(plan->sizes[s] * (plan->weak ? ranks : 1)), plan->params, &w);
        if (w.iterations < (size_t)ranks)
            return command_usage_error(cmd,
                                       "--size %lld: too small to split across %d ranks (it "
                                       "makes %zu %ss; at least one per rank)",
                                       plan->sizes[s], ranks, w.iterations, k->iteration);
    }
    return 0;
}

/* Each rank checks the options itself; the ranks then agree (ranks_max of the exit codes)
 * before anything collective, so a file one rank cannot read stops them all. */
static int run_kernel(const struct run_mode *mode, const struct kernel *k, struct run_args *a,
                      int full_argc, char **full_argv) {
    struct context ctx;
    context_collect(&ctx, full_argc, full_argv);
    struct sweep_plan plan = {.study = a->weak ? "weak" : mode->study, .weak = a->weak};
    struct outfile csv = {0}, json = {0};
    struct ceilings ceilings;
    struct rank_places places = {0};
    char err[CLI_ERRLEN];
    char ceilings_path[4096];
    int rc = 0;
    if (a->ceilings &&
        (outfile_expand(a->ceilings, ceilings_path, sizeof ceilings_path, err, sizeof err) ||
         ceilings_load(ceilings_path, &ceilings, err, sizeof err)))
        rc = command_usage_error(cmd, "--ceilings: %s", err);
    plan.ceilings = a->ceilings ? &ceilings : NULL;
    int cpus = ctx.allowed_cpus > 0 ? ctx.allowed_cpus : 1;
    if (!rc)
        rc = build_plan(k, a, cpus, &plan);
    if (!rc && mode->defaults) {
        rc = mode->defaults(k, &ctx, &plan, a);
        free_plan(&plan);
        plan =
            (struct sweep_plan){.study = plan.study, .weak = plan.weak, .ceilings = plan.ceilings};
        if (!rc)
            rc = build_plan(k, a, cpus, &plan);
    }
    if (!rc)
        rc = check_memory(&plan, ctx.memory_bytes);
    rc = (int)ranks_max((double)rc);
    if (!rc && rank_places_collect(&places))
        rc = command_usage_error(cmd, "out of memory");
    if (!rc)
        rc = check_ranks(k, &plan);
    if (!rc && ranks_rank() == 0)
        rc = command_open_outputs(cmd, a->csv, a->json, &csv, &json);
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
    free_plan(&plan);
    rank_places_free(&places);
    return rc;
}

int run_command(const struct run_mode *mode, int argc, char **argv, int full_argc,
                char **full_argv) {
    cmd = mode->command;
    struct run_args a = {.samples = 7, .min_time = 0.02, .seed = 1};
    int rc = parse_options(mode, argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (optind >= argc)
        return command_usage_error(cmd, "which kernel? ('ompsweep list' shows them)");
    if (optind + 1 < argc)
        return command_usage_error(cmd, "unexpected argument '%s' after the kernel",
                                   argv[optind + 1]);
    const struct kernel *k = kernel_find(argv[optind]);
    if (!k)
        return command_usage_error(cmd, "unknown kernel '%s' ('ompsweep list' shows them)",
                                   argv[optind]);
    rc = run_kernel(mode, k, &a, full_argc, full_argv);
    free_args(&a);
    return rc;
}
