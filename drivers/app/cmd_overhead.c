/* ompsweep overhead: EPCC-style overheads of OpenMP constructs and loop schedules, per thread
 * count (drivers/engine/overhead.h has the method, docs/overhead.md how to read the numbers). */
#include "app/commands.h"
#include "app/options.h"
#include "engine/latency.h"
#include "engine/overhead.h"
#include "engine/sweep.h"
#include "format/outfile.h"
#include "format/units.h"
#include "machine/context.h"
#include "machine/omp_team.h"
#include "output/overhead_write.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void overhead_usage(FILE *f) {
    fprintf(f,
            "usage: ompsweep overhead [options]\n\n"
            "Measures what OpenMP constructs cost, the EPCC way: a reference loop does a small\n"
            "delay on one thread, a test loop does the same delay inside the construct; the\n"
            "overhead is their difference per construct execution, in microseconds, as a mean\n"
            "over samples with a 95%% confidence interval (docs/overhead.md).\n\n"
            "  --threads LIST    thread counts (default: 1 to the CPUs; more than the CPUs is\n"
            "                    allowed and marked oversubscribed)\n"
            "  --construct LIST  parallel, for, parallel_for, barrier, single, critical, atomic,\n"
            "                    reduction, schedule (default: all)\n"
            "  --schedule LIST   schedules of the 'schedule' rows: static, dynamic, guided\n"
            "                    (default: all three)\n"
            "  --chunk LIST      chunk sizes in iterations (default: 1,2,4,8,16,32,64,128;\n"
            "                    --chunks is accepted too)\n"
            "  --iters N         iterations per thread of a schedule loop (default 1024)\n"
            "  --delay US        work per iteration in microseconds (default 0.1)\n"
            "  --samples N       samples per point, each one overhead estimate (default 20)\n"
            "  --min-time S      least duration of one test sample (default 2ms)\n"
            "  --reps N          fixed repetitions per sample instead of --min-time\n"
            "  --csv FILE        write the points as CSV (%%h host, %%j job, %%r rank, %%d date)\n"
            "  --json FILE       write the points and the context as JSON\n"
            "  --quiet           no progress lines on stderr\n"
            "\nThreads are pinned (OMP_PROC_BIND=close, OMP_PLACES=cores) unless OMP_PROC_BIND\n"
            "or OMP_PLACES is set. Exit codes: 0 ok, 1 a failed measurement, 2 a usage error.\n");
}

struct overhead_args {
    struct common_options o; /* --threads --schedule --chunk --samples --min-time --csv ... */
    const char *constructs;
    double delay_us;
    long long reps, iters;
    int samples;
};

static const struct option_row overhead_rows[] = {
    {"construct", 0, OPTION_TEXT, offsetof(struct overhead_args, constructs), 0, 0},
    {"iters", 0, OPTION_COUNT, offsetof(struct overhead_args, iters), 1, 1 << 20},
    {"delay", 0, OPTION_REAL, offsetof(struct overhead_args, delay_us), 0, 10000},
    {"samples", 0, OPTION_INT, offsetof(struct overhead_args, samples), 1, 10000},
    {"reps", 0, OPTION_COUNT, offsetof(struct overhead_args, reps), 1, 1 << 24},
    {NULL, 0, OPTION_FLAG, 0, 0, 0},
};

/* --chunks was this command's name for --chunk. */
static const struct option_alias overhead_aliases[] = {{"chunks", "chunk"}, {NULL, NULL}};

static int parse_options(int argc, char **argv, struct overhead_args *a) {
    const struct options_spec spec = {.command = "overhead",
                                      .usage = overhead_usage,
                                      .common = COMMON_THREADS | COMMON_SCHEDULE | COMMON_CHUNK |
                                                COMMON_MIN_TIME | COMMON_CSV | COMMON_JSON |
                                                COMMON_QUIET,
                                      .values = &a->o,
                                      .rows = overhead_rows,
                                      .args = a,
                                      .aliases = overhead_aliases};
    int first;
    return options_parse(&spec, argc, argv, &first);
}

/* What to measure, resolved from the arguments. */
struct overhead_plan {
    long long *threads, *chunks;
    size_t nthreads, nchunks;
    int constructs[OVERHEAD_NCONSTRUCTS], nconstructs;
    int schedules[3], nschedules;
};

static void free_plan(struct overhead_plan *p) {
    free(p->threads);
    free(p->chunks);
}

/* A list of names, each a member of names[0..n-1] (in order, no repeats), into idx. */
static int resolve_names(const char *option, const char *list, const char *const *names, int n,
                         int *idx, int *count) {
    char **items = NULL, err[UNITS_ERRLEN], known[256] = "";
    size_t m = 0;
    for (int i = 0; i < n; i++)
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
                 names[i]);
    if (units_parse_name_list(list, &items, &m, err, sizeof err))
        return command_usage_error("overhead", "%s: %s", option, err);
    int rc = 0, seen[OVERHEAD_NCONSTRUCTS] = {0};
    *count = 0;
    for (size_t i = 0; !rc && i < m; i++) {
        int k = -1;
        for (int j = 0; j < n; j++)
            if (strcmp(items[i], names[j]) == 0)
                k = j;
        if (k < 0)
            rc = command_usage_error("overhead", "%s: '%s' is not one of %s", option, items[i],
                                     known);
        else if (!seen[k]++)
            idx[(*count)++] = k;
    }
    units_free_names(items, m);
    return rc;
}

static int build_plan(const struct overhead_args *a, int cpus, struct overhead_plan *p) {
    static const char *const schedule_names[] = {"static", "dynamic", "guided"};
    const char *constructs[OVERHEAD_NCONSTRUCTS];
    char err[UNITS_ERRLEN];
    for (int i = 0; i < OVERHEAD_NCONSTRUCTS; i++)
        constructs[i] = overhead_construct_name(i);
    int rc = resolve_names("--construct",
                           a->constructs ? a->constructs
                                         : "parallel,for,parallel_for,barrier,single,critical,"
                                           "atomic,reduction,schedule",
                           constructs, OVERHEAD_NCONSTRUCTS, p->constructs, &p->nconstructs);
    if (!rc)
        rc = resolve_names("--schedule", a->o.schedule ? a->o.schedule : "static,dynamic,guided",
                           schedule_names, 3, p->schedules, &p->nschedules);
    if (!rc && units_parse_count_list(a->o.chunk ? a->o.chunk : "1,2,4,8,16,32,64,128", 1, 1 << 24,
                                      &p->chunks, &p->nchunks, err, sizeof err))
        rc = command_usage_error("overhead", "--chunk: %s", err);
    if (!rc && a->o.threads &&
        units_parse_count_list(a->o.threads, 1, OMP_TEAM_MAX, &p->threads, &p->nthreads, err,
                               sizeof err))
        rc = command_usage_error("overhead", "--threads: %s", err);
    if (!rc && !a->o.threads && sweep_default_threads(cpus, &p->threads, &p->nthreads))
        rc = command_usage_error("overhead", "out of memory");
    if (!rc) {
        command_drop_repeats("overhead", "--threads", p->threads, sizeof *p->threads, &p->nthreads,
                             command_same_count);
        command_drop_repeats("overhead", "--chunk", p->chunks, sizeof *p->chunks, &p->nchunks,
                             command_same_count);
    }
    if (!rc)
        rc = command_check_teams("overhead", p->threads, p->nthreads,
                                 a->o.threads ? "--threads" : NULL);
    return rc;
}

/* Points in measurement order: per thread count, the constructs, schedules x chunks last. */
static size_t points_per_threads(const struct overhead_plan *p) {
    size_t n = 0;
    for (int i = 0; i < p->nconstructs; i++)
        n += p->constructs[i] == OVERHEAD_SCHEDULE ? (size_t)p->nschedules * p->nchunks : 1;
    return n;
}

static void progress(FILE *f, size_t done, size_t total, const struct overhead_point *o) {
    char what[64];
    if (!f)
        return;
    if (o->construct == OVERHEAD_SCHEDULE)
        snprintf(what, sizeof what, "schedule %s,%d", sweep_schedule_name(o->schedule), o->chunk);
    else
        snprintf(what, sizeof what, "%s", overhead_construct_name(o->construct));
    fprintf(f, "[%zu/%zu] %s threads=%d: overhead %.4g us [%.4g, %.4g]%s\n", done, total, what,
            o->threads, o->overhead_us, o->ci95_low_us, o->ci95_high_us,
            o->oversubscribed ? "  (oversubscribed)" : "");
    fflush(f);
}

static int measure_all(const struct overhead_plan *p, const struct overhead_settings *s, FILE *prog,
                       struct overhead_point *out) {
    size_t per = points_per_threads(p), n = 0;
    char err[UNITS_ERRLEN];
    for (size_t t = 0; t < p->nthreads; t++)
        for (int c = 0; c < p->nconstructs; c++) {
            int k = p->constructs[c], sched = k == OVERHEAD_SCHEDULE;
            for (int sc = 0; sc < (sched ? p->nschedules : 1); sc++)
                for (size_t ch = 0; ch < (sched ? p->nchunks : 1); ch++) {
                    if (overhead_measure(s, k, (int)p->threads[t], sched ? p->schedules[sc] : -1,
                                         sched ? (int)p->chunks[ch] : 0, &out[n], err,
                                         sizeof err)) {
                        fprintf(stderr, "ompsweep overhead: %s\n", err);
                        return -1;
                    }
                    n++;
                    progress(prog, n, per * p->nthreads, &out[n - 1]);
                }
        }
    return 0;
}

static int run_plan(const struct overhead_args *a, const struct overhead_plan *p,
                    struct context *ctx, struct outfile *csv, struct outfile *json) {
    double ns_per_step;
    struct overhead_settings s = {.samples = a->samples,
                                  .min_time = a->o.min_time,
                                  .reps = (long)a->reps,
                                  .iters_per_thread = (int)a->iters,
                                  .cpus = ctx->allowed_cpus > 0 ? ctx->allowed_cpus : 1};
    s.delay_steps = overhead_delay_steps(a->delay_us, &ns_per_step);
    size_t n = points_per_threads(p) * p->nthreads;
    struct overhead_point *pts = calloc(n, sizeof *pts);
    if (!pts) {
        fprintf(stderr, "ompsweep overhead: out of memory\n");
        return EXIT_FAILED;
    }
    latency_record(ctx, 0);
    if (measure_all(p, &s, a->o.quiet ? NULL : stderr, pts)) {
        free(pts);
        outfile_abort(csv);
        outfile_abort(json);
        return EXIT_FAILED;
    }
    latency_record(ctx, 1);
    latency_warn_placement(stderr, "overhead", ctx);
    struct overhead_run run = {&s, a->delay_us, ns_per_step, pts, n};
    overhead_write_table(stdout, &run);
    if (csv->f)
        overhead_write_csv(csv->f, &run, ctx->run_id);
    if (json->f)
        overhead_write_json(json->f, &run, ctx);
    free(pts);
    int rc = command_commit_output("overhead", csv, "--csv");
    return command_commit_output("overhead", json, "--json") || rc;
}

int cmd_overhead(int argc, char **argv, int full_argc, char **full_argv) {
    struct overhead_args a = {
        .o = {.min_time = 0.002}, .delay_us = 0.1, .iters = 1024, .samples = 20};
    int rc = parse_options(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct context ctx;
    context_collect(&ctx, full_argc, full_argv);
    struct overhead_plan p = {0};
    struct outfile csv = {0}, json = {0};
    rc = build_plan(&a, ctx.allowed_cpus > 0 ? ctx.allowed_cpus : 1, &p);
    if (!rc)
        rc = command_open_outputs("overhead", a.o.csv, a.o.json, NULL, 0, &csv, &json);
    if (!rc)
        rc = run_plan(&a, &p, &ctx, &csv, &json);
    free_plan(&p);
    return rc;
}
