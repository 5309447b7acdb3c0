/* ompsweep overhead: EPCC-style overheads of OpenMP constructs and loop schedules, per thread
 * count (drivers/engine/overhead.h has the method, docs/overhead.md how to read the numbers). */
#include "app/commands.h"

#include "engine/latency.h"
#include "engine/overhead.h"
#include "engine/sweep.h"
#include "format/outfile.h"
#include "format/units.h"
#include "machine/context.h"
#include "machine/context_write.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const csv_columns =
    "construct,schedule,chunk,threads,oversubscribed,test_us,ref_us,overhead_us,ci95_low_us,"
    "ci95_high_us,samples";

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
            "  --chunks LIST     chunk sizes in iterations (default: 1,2,4,8,16,32,64,128)\n"
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
    const char *threads, *constructs, *schedules, *chunks, *csv, *json;
    double delay_us, min_time;
    long long reps, iters;
    int samples, quiet;
};

/* The options that take a number; 0 when it parsed, else the exit code. */
static int parse_number(int c, const char *arg, struct overhead_args *a) {
    char err[UNITS_ERRLEN];
    long long v;
    switch (c) {
    case 's':
        if (units_parse_count(arg, 1, 10000, &v, err, sizeof err))
            return command_usage_error("overhead", "--samples: %s", err);
        a->samples = (int)v;
        return 0;
    case 'm':
        if (units_parse_seconds(arg, &a->min_time, err, sizeof err))
            return command_usage_error("overhead", "--min-time: %s", err);
        return 0;
    case 'r':
        if (units_parse_count(arg, 1, 1 << 24, &a->reps, err, sizeof err))
            return command_usage_error("overhead", "--reps: %s", err);
        return 0;
    case 'i':
        if (units_parse_count(arg, 1, 1 << 20, &a->iters, err, sizeof err))
            return command_usage_error("overhead", "--iters: %s", err);
        return 0;
    default: /* 'd' */
        if (units_parse_real(arg, 0.0, 10000.0, &a->delay_us, err, sizeof err))
            return command_usage_error("overhead", "--delay: %s", err);
        return 0;
    }
}

static int parse_options(int argc, char **argv, struct overhead_args *a) {
    static const struct option opts[] = {
        {"threads", required_argument, NULL, 't'},  {"construct", required_argument, NULL, 'k'},
        {"schedule", required_argument, NULL, 'S'}, {"chunks", required_argument, NULL, 'c'},
        {"iters", required_argument, NULL, 'i'},    {"delay", required_argument, NULL, 'd'},
        {"samples", required_argument, NULL, 's'},  {"min-time", required_argument, NULL, 'm'},
        {"reps", required_argument, NULL, 'r'},     {"csv", required_argument, NULL, 'C'},
        {"json", required_argument, NULL, 'J'},     {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    int c, rc;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            a->threads = optarg;
            break;
        case 'k':
            a->constructs = optarg;
            break;
        case 'S':
            a->schedules = optarg;
            break;
        case 'c':
            a->chunks = optarg;
            break;
        case 'C':
            a->csv = optarg;
            break;
        case 'J':
            a->json = optarg;
            break;
        case 'q':
            a->quiet = 1;
            break;
        case 'h':
            overhead_usage(stdout);
            return -1;
        case 's':
        case 'm':
        case 'r':
        case 'i':
        case 'd':
            if ((rc = parse_number(c, optarg, a)))
                return rc;
            break;
        default:
            return command_usage_error("overhead", "unknown option or missing value '%s'",
                                       argv[optind - 1]);
        }
    }
    if (optind < argc)
        return command_usage_error("overhead", "unexpected argument '%s'", argv[optind]);
    return 0;
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
        rc = resolve_names("--schedule", a->schedules ? a->schedules : "static,dynamic,guided",
                           schedule_names, 3, p->schedules, &p->nschedules);
    if (!rc && units_parse_count_list(a->chunks ? a->chunks : "1,2,4,8,16,32,64,128", 1, 1 << 24,
                                      &p->chunks, &p->nchunks, err, sizeof err))
        rc = command_usage_error("overhead", "--chunks: %s", err);
    if (!rc && a->threads &&
        units_parse_count_list(a->threads, 1, 4096, &p->threads, &p->nthreads, err, sizeof err))
        rc = command_usage_error("overhead", "--threads: %s", err);
    if (!rc && !a->threads && sweep_default_threads(cpus, &p->threads, &p->nthreads))
        rc = command_usage_error("overhead", "out of memory");
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

static void csv_number(FILE *f, double v) {
    fputc(',', f);
    if (isfinite(v))
        fprintf(f, "%.6g", v);
}

static void write_csv(FILE *f, const struct overhead_point *o, size_t n) {
    fprintf(f, "%s\n", csv_columns);
    for (size_t i = 0; i < n; i++, o++) {
        int sched = o->construct == OVERHEAD_SCHEDULE;
        fprintf(f, "%s,%s,", overhead_construct_name(o->construct),
                sweep_schedule_name(o->schedule));
        if (sched)
            fprintf(f, "%d", o->chunk);
        fprintf(f, ",%d,%s", o->threads, o->oversubscribed ? "yes" : "no");
        const double v[] = {o->test_us, o->ref_us, o->overhead_us, o->ci95_low_us, o->ci95_high_us};
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
            csv_number(f, v[j]);
        fprintf(f, ",%d\n", o->samples);
    }
}

static void write_json(FILE *f, const struct context *ctx, const struct overhead_settings *s,
                       double delay_us, double ns_per_step, const struct overhead_point *o,
                       size_t n) {
    struct json_writer w;
    json_init(&w, f, 1);
    json_object_begin(&w, NULL);
    json_string(&w, "schema", "ompsweep-overhead-1");
    context_write_json(&w, ctx);
    json_object_begin(&w, "settings");
    json_number(&w, "delay_us", delay_us);
    json_integer(&w, "delay_steps", s->delay_steps);
    json_number(&w, "ns_per_step", ns_per_step);
    json_integer(&w, "iters_per_thread", s->iters_per_thread);
    json_number(&w, "min_time_s", s->reps > 0 ? NAN : s->min_time);
    json_integer(&w, "reps", s->reps);
    json_object_end(&w);
    json_array_begin(&w, "overheads");
    for (size_t i = 0; i < n; i++, o++) {
        json_object_begin(&w, NULL);
        json_string(&w, "construct", overhead_construct_name(o->construct));
        json_string(&w, "schedule", sweep_schedule_name(o->schedule));
        if (o->construct == OVERHEAD_SCHEDULE)
            json_integer(&w, "chunk", o->chunk);
        else
            json_null(&w, "chunk");
        json_integer(&w, "threads", o->threads);
        json_bool(&w, "oversubscribed", o->oversubscribed);
        json_number(&w, "test_us", o->test_us);
        json_number(&w, "ref_us", o->ref_us);
        json_number(&w, "overhead_us", o->overhead_us);
        json_number(&w, "ci95_low_us", o->ci95_low_us);
        json_number(&w, "ci95_high_us", o->ci95_high_us);
        json_integer(&w, "samples", o->samples);
        json_object_end(&w);
    }
    json_array_end(&w);
    json_object_end(&w);
}

/* A point whose interval is wide against the time it measures: the spread is the machine's,
 * not the construct's (a preempted sample, another job), and the mean is not to be trusted. */
#define NOISY_HALF_WIDTH 0.1

static int noisy(const struct overhead_point *o) {
    return o->ci95_high_us - o->ci95_low_us > 2.0 * NOISY_HALF_WIDTH * o->test_us;
}

static void print_table(const struct overhead_settings *s, double delay_us, double ns_per_step,
                        const struct overhead_point *o, size_t n) {
    printf("\nOpenMP overheads (EPCC method): delay %.3g us (%ld steps of %.2f ns), %d samples "
           "per point,\nschedule loops of %d iterations per thread; microseconds per construct "
           "execution\n",
           delay_us, s->delay_steps, ns_per_step, s->samples, s->iters_per_thread);
    printf("%-13s %-8s %6s %8s %11s %11s %12s  %s\n", "construct", "schedule", "chunk", "threads",
           "test_us", "ref_us", "overhead_us", "95% CI");
    for (size_t i = 0; i < n; i++, o++) {
        char chunk[16] = "-";
        if (o->construct == OVERHEAD_SCHEDULE)
            snprintf(chunk, sizeof chunk, "%d", o->chunk);
        printf("%-13s %-8s %6s %7d%s %11.4g %11.4g %12.4g  [%.4g, %.4g]%s\n",
               overhead_construct_name(o->construct), sweep_schedule_name(o->schedule), chunk,
               o->threads, o->oversubscribed ? "*" : " ", o->test_us, o->ref_us, o->overhead_us,
               o->ci95_low_us, o->ci95_high_us, noisy(o) ? " !" : "");
    }
    printf("(* oversubscribed: more threads than CPUs; ! noisy: the interval is wider than\n"
           "+-%.0f %% of the test time: another load on the machine? more --samples or "
           "--min-time)\n",
           100.0 * NOISY_HALF_WIDTH);
}

static int run_plan(const struct overhead_args *a, const struct overhead_plan *p,
                    struct context *ctx, struct outfile *csv, struct outfile *json) {
    double ns_per_step;
    struct overhead_settings s = {.samples = a->samples,
                                  .min_time = a->min_time,
                                  .reps = (long)a->reps,
                                  .iters_per_thread = (int)a->iters,
                                  .cpus = ctx->allowed_cpus > 0 ? ctx->allowed_cpus : 1};
    s.delay_steps = overhead_delay_steps(a->delay_us, &ns_per_step);
    size_t n = points_per_threads(p) * p->nthreads;
    struct overhead_point *pts = calloc(n, sizeof *pts);
    if (!pts) {
        fprintf(stderr, "ompsweep overhead: out of memory\n");
        return 1;
    }
    latency_record(ctx, 0);
    if (measure_all(p, &s, a->quiet ? NULL : stderr, pts)) {
        free(pts);
        outfile_abort(csv);
        outfile_abort(json);
        return 1;
    }
    latency_record(ctx, 1);
    latency_warn_placement(stderr, "overhead", ctx);
    print_table(&s, a->delay_us, ns_per_step, pts, n);
    if (csv->f)
        write_csv(csv->f, pts, n);
    if (json->f)
        write_json(json->f, ctx, &s, a->delay_us, ns_per_step, pts, n);
    free(pts);
    int rc = command_commit_output("overhead", csv, "--csv");
    return command_commit_output("overhead", json, "--json") || rc;
}

int cmd_overhead(int argc, char **argv, int full_argc, char **full_argv) {
    struct overhead_args a = {.delay_us = 0.1, .min_time = 0.002, .iters = 1024, .samples = 20};
    int rc = parse_options(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct context ctx;
    context_collect(&ctx, full_argc, full_argv);
    struct overhead_plan p = {0};
    struct outfile csv = {0}, json = {0};
    rc = build_plan(&a, ctx.allowed_cpus > 0 ? ctx.allowed_cpus : 1, &p);
    if (!rc)
        rc = command_open_outputs("overhead", a.csv, a.json, &csv, &json);
    if (!rc)
        rc = run_plan(&a, &p, &ctx, &csv, &json);
    free_plan(&p);
    return rc;
}
