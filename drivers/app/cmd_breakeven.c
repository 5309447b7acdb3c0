/* ompsweep breakeven KERNEL[,KERNEL...]: the smallest size at which N threads beat 1, per
 * kernel (drivers/engine/breakeven.h has the search and its noise handling, docs/overhead.md more).
 */
#include "app/commands.h"

#include "engine/breakeven.h"
#include "engine/latency.h"
#include "format/outfile.h"
#include "format/units.h"
#include "machine/context.h"
#include "machine/context_write.h"

#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const csv_columns =
    "kernel,variant,threads,status,breakeven_size,breakeven_working_set_bytes,lower_size,"
    "upper_size,time_1thread_s,time_nthreads_s,speedup_at_breakeven,measurements";

/* Without --max-size the search stops growing once one 1-thread run takes this long. */
#define DEFAULT_MAX_RUN_S 0.05
/* ... and never sets up two states larger than this together. */
#define DEFAULT_MAX_BYTES (1024.0 * 1048576.0)

static void breakeven_usage(FILE *f) {
    fprintf(f,
            "usage: ompsweep breakeven KERNEL[,KERNEL...] [options]\n\n"
            "Finds, for each kernel, the smallest size at which N threads run a parallel variant\n"
            "faster than 1 thread. At each size it takes interleaved pairs of samples (1 thread,\n"
            "N threads) and decides by a sign test on their ratios at 95%% confidence; sizes it\n"
            "cannot decide are ties. The answer is a bracket [lower, upper]: N threads are shown\n"
            "slower at lower and faster at upper (docs/overhead.md).\n\n"
            "  --variant NAME    the parallel variant (default: the kernel's first variant that\n"
            "                    is not serial, a library or nested)\n"
            "  --threads N       N, at least 2 (default: the CPUs, at least 2)\n"
            "  --min-size N      smallest size searched (default: the kernel's minimum)\n"
            "  --max-size N      largest size searched (default: the kernel's maximum, stopping\n"
            "                    once one 1-thread run takes %.0f ms, within %.0f MiB of memory)\n"
            "  --min-time S      least duration of one sample (default 2ms)\n"
            "  --max-pairs N     most sample pairs at one size before it is a tie (default 48)\n"
            "  --seed N          seed of the inputs (default 1)\n"
            "  --csv FILE        write the results as CSV (%%h host, %%j job, %%r rank, %%d date)\n"
            "  --json FILE       write the results and the context as JSON\n"
            "  --quiet           no progress lines on stderr\n"
            "\nThe kernels run with their default parameters and the static schedule. Threads\n"
            "are pinned (OMP_PROC_BIND=close, OMP_PLACES=cores) unless OMP_PROC_BIND or\n"
            "OMP_PLACES is set. Exit codes: 0 ok, 1 a failed measurement or a checksum that\n"
            "differs between 1 and N threads, 2 a usage error.\n",
            DEFAULT_MAX_RUN_S * 1e3, DEFAULT_MAX_BYTES / 1048576.0);
}

struct breakeven_args {
    const char *kernels, *variant, *csv, *json;
    long long threads, min_size, max_size, max_pairs, seed;
    double min_time;
    int quiet;
};

/* The options that take a whole number, each with its range. */
static int parse_count_option(int c, const char *arg, struct breakeven_args *a) {
    const struct {
        int code;
        const char *name;
        long long min, max, *dest;
    } counts[] = {
        {'t', "--threads", 2, 4096, &a->threads},
        {'n', "--min-size", 1, 1LL << 50, &a->min_size},
        {'N', "--max-size", 1, 1LL << 50, &a->max_size},
        {'p', "--max-pairs", 8, 10000, &a->max_pairs},
        {'s', "--seed", 0, 0x7fffffffffffffffLL, &a->seed},
    };
    char err[UNITS_ERRLEN];
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (counts[i].code == c) {
            if (units_parse_count(arg, counts[i].min, counts[i].max, counts[i].dest, err,
                                  sizeof err))
                return command_usage_error("breakeven", "%s: %s", counts[i].name, err);
            return 0;
        }
    return command_usage_error("breakeven", "unknown option '%c'", c);
}

static int parse_options(int argc, char **argv, struct breakeven_args *a) {
    static const struct option opts[] = {
        {"variant", required_argument, NULL, 'v'},  {"threads", required_argument, NULL, 't'},
        {"min-size", required_argument, NULL, 'n'}, {"max-size", required_argument, NULL, 'N'},
        {"min-time", required_argument, NULL, 'm'}, {"max-pairs", required_argument, NULL, 'p'},
        {"seed", required_argument, NULL, 's'},     {"csv", required_argument, NULL, 'C'},
        {"json", required_argument, NULL, 'J'},     {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    char err[UNITS_ERRLEN];
    int c, rc;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'v':
            a->variant = optarg;
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
            breakeven_usage(stdout);
            return -1;
        case 'm':
            if (units_parse_seconds(optarg, &a->min_time, err, sizeof err))
                return command_usage_error("breakeven", "--min-time: %s", err);
            break;
        case 't':
        case 'n':
        case 'N':
        case 'p':
        case 's':
            if ((rc = parse_count_option(c, optarg, a)))
                return rc;
            break;
        default:
            return command_usage_error("breakeven", "unknown option or missing value '%s'",
                                       argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return command_usage_error("breakeven", "which kernel? ('ompsweep list' shows them)");
    if (optind + 1 < argc)
        return command_usage_error("breakeven", "unexpected argument '%s' after the kernels",
                                   argv[optind + 1]);
    a->kernels = argv[optind];
    return 0;
}

/* One kernel's search: what to measure and, afterwards, what was found. */
struct job {
    const struct kernel *kernel;
    const struct kernel_variant *variant;
    long long min_size, max_size;
    double max_run_s;
    struct breakeven_result r;
    double working_set; /* at the break-even size; NaN where there is none */
};

static int resolve_variant(const struct kernel *k, const char *name, struct job *j) {
    if (!name) {
        j->variant = breakeven_default_variant(k);
        if (!j->variant)
            return command_usage_error("breakeven", "%s has no parallel variant to measure",
                                       k->name);
        return 0;
    }
    j->variant = kernel_find_variant(k, name);
    if (!j->variant) {
        char known[256] = "";
        for (size_t v = 0; k->variants[v].name; v++)
            snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", v ? ", " : "",
                     k->variants[v].name);
        return command_usage_error("breakeven",
                                   "--variant: '%s' is not a variant of %s (it has: %s)", name,
                                   k->name, known);
    }
    if (j->variant->flags & VARIANT_SERIAL)
        return command_usage_error(
            "breakeven", "--variant: %s/%s is serial: it runs the same at any thread count",
            k->name, name);
    if (j->variant->flags & VARIANT_NESTED)
        return command_usage_error(
            "breakeven", "--variant: %s/%s is nested: its threads are not the thread count",
            k->name, name);
    return 0;
}

static int resolve_sizes(const struct breakeven_args *a, long long memory, struct job *j) {
    const struct kernel *k = j->kernel;
    double params[16] = {0};
    for (size_t i = 0; k->params[i].name; i++)
        params[i] = k->params[i].def;
    j->min_size = a->min_size ? a->min_size : k->min_size;
    j->max_size = a->max_size;
    if (!a->max_size) {
        double bytes = memory > 0 && 0.25 * (double)memory < DEFAULT_MAX_BYTES
                           ? 0.25 * (double)memory
                           : DEFAULT_MAX_BYTES;
        j->max_size = breakeven_size_cap(k, params, bytes);
        j->max_run_s = DEFAULT_MAX_RUN_S;
        if (j->max_size < j->min_size)
            j->max_size = j->min_size;
    }
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

/* Every kernel named, checked before anything is measured. *jobs is allocated. */
static int resolve_jobs(const struct breakeven_args *a, long long memory, struct job **jobs,
                        size_t *njobs) {
    char **names = NULL, err[UNITS_ERRLEN];
    size_t n = 0;
    if (units_parse_name_list(a->kernels, &names, &n, err, sizeof err))
        return command_usage_error("breakeven", "kernels: %s", err);
    *jobs = calloc(n, sizeof **jobs);
    *njobs = n;
    int rc = *jobs ? 0 : command_usage_error("breakeven", "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        struct job *j = &(*jobs)[i];
        j->kernel = kernel_find(names[i]);
        if (!j->kernel)
            rc = command_usage_error("breakeven",
                                     "unknown kernel '%s' ('ompsweep list' shows them)", names[i]);
        if (!rc)
            rc = resolve_variant(j->kernel, a->variant, j);
        if (!rc)
            rc = resolve_sizes(a, memory, j);
    }
    units_free_names(names, n);
    return rc;
}

/* "12.3 us", "4.56 ms": times span nanoseconds to seconds. */
static const char *format_time(double s, char *buf, size_t len) {
    if (!isfinite(s))
        snprintf(buf, len, "-");
    else if (s < 1e-6)
        snprintf(buf, len, "%.3g ns", s * 1e9);
    else if (s < 1e-3)
        snprintf(buf, len, "%.3g us", s * 1e6);
    else if (s < 1.0)
        snprintf(buf, len, "%.3g ms", s * 1e3);
    else
        snprintf(buf, len, "%.3g s", s);
    return buf;
}

struct step_ctx {
    const struct job *job;
    int threads;
};

static void print_step(void *ctx, const struct breakeven_step *st) {
    const struct step_ctx *c = ctx;
    static const char *const verdicts[] = {"slower", "tie", "faster"};
    char a[32], b[32];
    fprintf(stderr,
            "[%s/%s] size %lld: 1 thread %s, %d threads %s, speedup %.3f (%d of %d pairs): %s\n",
            c->job->kernel->name, c->job->variant->name, st->size, format_time(st->t1, a, sizeof a),
            c->threads, format_time(st->tn, b, sizeof b), st->speedup, st->wins, st->pairs,
            verdicts[st->verdict + 1]);
    fflush(stderr);
}

static int search_one(const struct breakeven_args *a, struct job *j) {
    struct breakeven_kernel bk;
    breakeven_kernel_init(&bk, j->kernel, j->variant, NULL, (uint64_t)a->seed, a->min_time,
                          (int)a->threads);
    struct step_ctx sc = {j, (int)a->threads};
    struct breakeven_settings s = {.min_size = j->min_size,
                                   .max_size = j->max_size,
                                   .threads = (int)a->threads,
                                   .max_pairs = (int)a->max_pairs,
                                   .max_run_s = j->max_run_s,
                                   .on_step = a->quiet ? NULL : print_step,
                                   .on_step_ctx = &sc};
    int rc = breakeven_search(&s, breakeven_kernel_measure, &bk, &j->r);
    int check = breakeven_kernel_finish(&bk); /* frees the states either way */
    if (rc || check) {
        fprintf(stderr, "ompsweep breakeven: %s\n", bk.err[0] ? bk.err : "out of memory");
        return -1;
    }
    j->working_set = NAN;
    if (j->r.breakeven_size > 0) {
        struct kernel_work w;
        j->kernel->work((size_t)j->r.breakeven_size, bk.params, &w);
        j->working_set = w.working_set;
    }
    return 0;
}

static void csv_size(FILE *f, long long v) {
    fputc(',', f);
    if (v >= 0)
        fprintf(f, "%lld", v);
}

static void csv_number(FILE *f, double v, const char *fmt) {
    fputc(',', f);
    if (isfinite(v))
        fprintf(f, fmt, v);
}

static void write_csv(FILE *f, const struct job *jobs, size_t n, int threads) {
    fprintf(f, "%s\n", csv_columns);
    for (const struct job *j = jobs; j < jobs + n; j++) {
        fprintf(f, "%s,%s,%d,%s", j->kernel->name, j->variant->name, threads,
                breakeven_status_name(j->r.status));
        csv_size(f, j->r.breakeven_size);
        csv_number(f, j->working_set, "%.0f");
        csv_size(f, j->r.lower_size);
        csv_size(f, j->r.upper_size);
        csv_number(f, j->r.time_1, "%.9g");
        csv_number(f, j->r.time_n, "%.9g");
        csv_number(f, j->r.speedup, "%.4f");
        fprintf(f, ",%d\n", j->r.measurements);
    }
}

static void json_size(struct json_writer *w, const char *key, long long v) {
    if (v >= 0)
        json_integer(w, key, v);
    else
        json_null(w, key);
}

static void write_json(FILE *f, const struct context *ctx, const struct breakeven_args *a,
                       const struct job *jobs, size_t n) {
    struct json_writer w;
    json_init(&w, f, 1);
    json_object_begin(&w, NULL);
    json_string(&w, "schema", "ompsweep-breakeven-1");
    context_write_json(&w, ctx);
    json_object_begin(&w, "settings");
    json_number(&w, "min_time_s", a->min_time);
    json_integer(&w, "max_pairs", a->max_pairs);
    json_number(&w, "confidence", 0.95);
    json_integer(&w, "seed", a->seed);
    json_object_end(&w);
    json_array_begin(&w, "breakeven");
    for (const struct job *j = jobs; j < jobs + n; j++) {
        json_object_begin(&w, NULL);
        json_string(&w, "kernel", j->kernel->name);
        json_string(&w, "variant", j->variant->name);
        json_integer(&w, "threads", a->threads);
        json_string(&w, "status", breakeven_status_name(j->r.status));
        json_size(&w, "breakeven_size", j->r.breakeven_size);
        json_number(&w, "breakeven_working_set_bytes", j->working_set);
        json_size(&w, "lower_size", j->r.lower_size);
        json_size(&w, "upper_size", j->r.upper_size);
        json_number(&w, "time_1thread_s", j->r.time_1);
        json_number(&w, "time_nthreads_s", j->r.time_n);
        json_number(&w, "speedup_at_breakeven", j->r.speedup);
        json_integer(&w, "measurements", j->r.measurements);
        json_object_end(&w);
    }
    json_array_end(&w);
    json_object_end(&w);
}

static const char *format_size(long long v, char *buf, size_t len) {
    if (v < 0)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%lld", v);
    return buf;
}

static void print_table(const struct job *jobs, size_t n, int threads, int cpus) {
    printf("\nBreak-even: the smallest size at which %d threads beat 1 thread%s\n"
           "(paired samples, sign test at 95 %%; N threads shown slower at 'lower', faster at "
           "'upper')\n",
           threads, threads > cpus ? " (oversubscribed: more threads than CPUs)" : "");
    printf("%-14s %-10s %-7s %12s %12s %12s %12s %10s %10s %8s %6s\n", "kernel", "variant",
           "status", "breakeven", "working_set", "lower", "upper", "t_1", "t_N", "speedup", "ties");
    for (const struct job *j = jobs; j < jobs + n; j++) {
        char be[32], lo[32], up[32], t1[32], tn[32], ws[32], sp[32] = "-";
        units_format_bytes(j->working_set, ws, sizeof ws);
        if (isfinite(j->r.speedup))
            snprintf(sp, sizeof sp, "%.3f", j->r.speedup);
        printf("%-14s %-10s %-7s %12s %12s %12s %12s %10s %10s %8s %6d\n", j->kernel->name,
               j->variant->name, breakeven_status_name(j->r.status),
               format_size(j->r.breakeven_size, be, sizeof be), ws,
               format_size(j->r.lower_size, lo, sizeof lo),
               format_size(j->r.upper_size, up, sizeof up), format_time(j->r.time_1, t1, sizeof t1),
               format_time(j->r.time_n, tn, sizeof tn), sp, j->r.ties);
        if (j->r.status == BREAKEVEN_NEVER)
            printf("%-14s %d threads not shown faster up to size %lld\n", "", threads,
                   j->r.searched_max);
    }
}

static int run_jobs(const struct breakeven_args *a, struct context *ctx, struct job *jobs, size_t n,
                    struct outfile *csv, struct outfile *json) {
    latency_record(ctx, 0);
    for (size_t i = 0; i < n; i++)
        if (search_one(a, &jobs[i])) {
            outfile_abort(csv);
            outfile_abort(json);
            return 1;
        }
    latency_record(ctx, 1);
    latency_warn_placement(stderr, "breakeven", ctx);
    print_table(jobs, n, (int)a->threads, ctx->allowed_cpus > 0 ? ctx->allowed_cpus : 1);
    if (csv->f)
        write_csv(csv->f, jobs, n, (int)a->threads);
    if (json->f)
        write_json(json->f, ctx, a, jobs, n);
    int rc = command_commit_output("breakeven", csv, "--csv");
    return command_commit_output("breakeven", json, "--json") || rc;
}

int cmd_breakeven(int argc, char **argv, int full_argc, char **full_argv) {
    struct breakeven_args a = {.min_time = 0.002, .max_pairs = 48, .seed = 1};
    int rc = parse_options(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct context ctx;
    context_collect(&ctx, full_argc, full_argv);
    if (!a.threads)
        a.threads = ctx.allowed_cpus > 2 ? ctx.allowed_cpus : 2;
    /* The kernels open their own teams: a runtime that gives fewer threads than asked would
     * make the N-thread times those of a smaller team, unnoticed. */
    if (omp_get_thread_limit() < a.threads)
        return command_usage_error("breakeven",
                                   "--threads %lld: the OpenMP runtime allows at most %d threads "
                                   "(OMP_THREAD_LIMIT)",
                                   a.threads, omp_get_thread_limit());
    struct job *jobs = NULL;
    size_t njobs = 0;
    struct outfile csv = {0}, json = {0};
    rc = resolve_jobs(&a, ctx.memory_bytes, &jobs, &njobs);
    if (!rc)
        rc = command_open_outputs("breakeven", a.csv, a.json, &csv, &json);
    if (!rc)
        rc = run_jobs(&a, &ctx, jobs, njobs, &csv, &json);
    free(jobs);
    return rc;
}
