/* ompsweep report on synthetic results of every kind (thread sweep, weak scaling, chunk map,
 * cache map with and without knees, overhead, break-even, ceilings), made from known models so
 * the fitted and explained numbers can be checked against the models, and on bad input. */
#include "cli_support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef OMPSWEEP_BIN
#define OMPSWEEP_BIN "build/ompsweep"
#endif

static const double true_f = 0.05, true_f2 = 0.2, true_s = 0.1;
static const double KiB = 1024.0, MiB = 1048576.0;

/* ---- writing synthetic files ------------------------------------------------------------- */

static FILE *create(const char *dir, const char *name) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    return f;
}

static void write_file(const char *dir, const char *name, const char *fmt, ...) {
    FILE *f = create(dir, name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fclose(f);
}

static const char point_header[] =
    "kernel,variant,threads,schedule,chunk_items,chunk_bytes,size,working_set_bytes,samples,"
    "median_s,min_s,max_s,mean_s,sd_s,cv,items_per_s,gbytes_per_s,gflops,speedup,efficiency,"
    "checksum,validated,oversubscribed,ratio_ref,reps,outliers,params,rel_error,flops_per_byte,"
    "total_threads,frac_peak_flops,frac_triad_bw,frac_read_bw,chunk,study,median_ci_low_s,"
    "median_ci_high_s,speedup_low,speedup_high,ratio_best,ratio_best_low,ratio_best_high\n";

struct pt {
    const char *kernel, *variant, *schedule, *chunk, *study;
    int threads, over;
    double chunk_bytes, size, ws, median, speedup, gbs;
    double ci; /* the median's 95 % interval, +- this fraction; 0: none (as older files) */
};

/* A row as `ompsweep run` writes it; 8 bytes and 2 flops per item, cv 1 %; the median's and
 * the speedup's 95 % intervals +- p->ci of each; the paired ratio to the fastest cell `best`
 * +- `half` (best 0: none). */
static void point_row_paired(FILE *f, const struct pt *p, double best, double half) {
    char paired[128] = ",,";
    if (best > 0)
        snprintf(paired, sizeof paired, "%.12g,%.12g,%.12g", best, best - half, best + half);
    char chunk_items[32] = "", chunk_bytes[32] = "", speedup[32] = "", ci[128] = ",,,";
    if (p->ci > 0 && isfinite(p->speedup))
        snprintf(ci, sizeof ci, "%.12g,%.12g,%.12g,%.12g", p->median * (1 - p->ci),
                 p->median * (1 + p->ci), p->speedup * (1 - p->ci), p->speedup * (1 + p->ci));
    else if (p->ci > 0)
        snprintf(ci, sizeof ci, "%.12g,%.12g,,", p->median * (1 - p->ci), p->median * (1 + p->ci));
    if (p->chunk_bytes > 0) {
        snprintf(chunk_items, sizeof chunk_items, "%.0f", p->chunk_bytes / 8);
        snprintf(chunk_bytes, sizeof chunk_bytes, "%.0f", p->chunk_bytes);
    }
    if (isfinite(p->speedup))
        snprintf(speedup, sizeof speedup, "%.12g", p->speedup);
    double items = p->size / p->median, gbs = p->gbs > 0 ? p->gbs : 8 * items / 1e9;
    fprintf(f,
            "%s,%s,%d,%s,%s,%s,%.0f,%.0f,5,%.12g,%.12g,%.12g,%.12g,%.12g,0.01,%.6g,%.6g,%.6g,%s,,"
            "1.5,yes,%s,,10,0,,0,0.25,%d,,,,%s,%s,%s,%s\n",
            p->kernel, p->variant, p->threads, p->schedule, chunk_items, chunk_bytes, p->size,
            p->ws, p->median, p->median * 0.99, p->median * 1.01, p->median, p->median * 0.01,
            items, gbs, 2 * items / 1e9, speedup, p->over ? "yes" : "no", p->threads, p->chunk,
            p->study, ci, paired);
}

static void point_row(FILE *f, const struct pt *p) {
    point_row_paired(f, p, 0, 0);
}

/* The context block of a JSON sidecar: 8 cores, L1d 32 KiB and L2 1 MiB per core, L3 32 MiB
 * shared; the core-to-core latency at the start and end of the run. */
static void context_json_on(FILE *f, const char *host, const char *cpu, double lat_start,
                            double lat_end) {
    fprintf(f,
            "\"context\": {\"date\": \"2026-11-21T10:00:00Z\", \"host\": \"%s\", "
            "\"cpu_model\": \"%s\", \"logical_cpus\": 8, \"cores\": 8, "
            "\"allowed_cpus\": 8, \"memory_bytes\": 17179869184, \"hypervisor\": \"\", "
            "\"git_revision\": \"abc1234\", \"version\": \"0.1.0\", \"caches\": ["
            "{\"level\": 1, \"type\": \"data\", \"size_bytes\": 32768, \"line_bytes\": 64, "
            "\"shared_by_cpus\": 1, \"instances\": 8},"
            "{\"level\": 2, \"type\": \"unified\", \"size_bytes\": 1048576, \"line_bytes\": "
            "64, \"shared_by_cpus\": 1, \"instances\": 8},"
            "{\"level\": 3, \"type\": \"unified\", \"size_bytes\": 33554432, \"line_bytes\": "
            "64, \"shared_by_cpus\": 8, \"instances\": 1}],"
            "\"latency_start_ns\": %g, \"latency_end_ns\": %g}",
            host, cpu, lat_start, lat_end);
}

static void context_json(FILE *f, double lat_start, double lat_end) {
    context_json_on(f, "synth-host", "Synthetic CPU", lat_start, lat_end);
}

/* A run's sidecar: its context, no list of points (the report checks a list, when there is
 * one, against the CSV's rows; these sidecars only add the context). */
static void run_json(const char *dir, const char *name, const char *study, double lat_start,
                     double lat_end, const char *extra) {
    FILE *f = create(dir, name);
    fprintf(f, "{\"schema\": \"ompsweep-run-1\", \"study\": \"%s\", ", study);
    context_json(f, lat_start, lat_end);
    fprintf(f, "%s, \"kernel\": {\"name\": \"synth\"}}\n", extra);
    fclose(f);
}

/* Strong scaling from Amdahl's law (written out here, not the module's function): f = 0.05
 * for omp, 0.2 for omp_b; 12 threads on 8 CPUs far below the law (oversubscribed). */
static void make_sweep(const char *dir, int with_json) {
    FILE *f = create(dir, "sweep.csv");
    fputs(point_header, f);
    struct pt ref = {"synth", "ref", "-", "", "run", 1, 0, 0, 1e6, 8e6, 1.2, NAN, 0, 0.01};
    point_row(f, &ref);
    const char *variants[] = {"omp", "omp_b"};
    const double fs[] = {true_f, true_f2};
    for (int v = 0; v < 2; v++) {
        for (int p = 1; p <= 12; p++) {
            if (p > 8 && p != 12)
                continue;
            double t = p <= 8 ? fs[v] + (1 - fs[v]) / p : 0.5;
            struct pt x = {"synth", variants[v], "static", "all", "run",   p, p > 8,
                           8e6 / p, 1e6,         8e6,      t,     1.0 / t, 0, 0.01};
            point_row(f, &x);
        }
    }
    fclose(f);
    if (with_json)
        run_json(dir, "sweep.json", "run", 30, 170, "");
}

/* Weak scaling from Gustafson's law with s = 0.1; no speedup column (as a weak run). */
static void make_weak(const char *dir) {
    FILE *f = create(dir, "weak.csv");
    fputs(point_header, f);
    for (int p = 1; p <= 8; p *= 2) {
        double t = p * 2.0 / (p - true_s * (p - 1));
        struct pt x = {"synthw", "omp",   "static", "", "weak", p, 0,
                       0,        1e6 * p, 8e6 * p,  t,  NAN,    0, 0};
        point_row(f, &x);
    }
    fclose(f);
    run_json(dir, "weak.json", "weak", 50, 52, "");
}

/* Time per run in the chunk map's model: the work divided among the threads, a per-chunk cost
 * that grows as chunks shrink, 25 % more above the 1 MiB L2, 5 % more for static. */
static double chunk_model(int threads, double bytes, int is_static) {
    return 1.0 / threads * (1 + 0.3 * 4096 / bytes) * (bytes > MiB ? 1.25 : 1.0) *
           (is_static ? 1.05 : 1.0);
}

static const char *const chunk_labels[] = {"4K", "16K", "64K", "256K", "1M", "4M"};
static const double chunk_sizes[] = {4 * 1024.0,   16 * 1024.0,   64 * 1024.0,
                                     256 * 1024.0, 1024 * 1024.0, 4096 * 1024.0};

/* ci: the medians' intervals (+- that fraction); paired: the half-width of the ratios to the
 * fastest cell at each thread count (dynamic 1M), as paired rounds give them (the fastest's
 * own is 1 exactly); 0: no ratios. */
static void make_chunkmap(const char *dir, double ci, double paired) {
    FILE *f = create(dir, "chunks.csv");
    fputs(point_header, f);
    const char *schedules[] = {"static", "dynamic"};
    for (int s = 0; s < 2; s++)
        for (int t = 1; t <= 8; t *= 2)
            for (int c = 0; c < 6; c++) {
                struct pt x = {"synth",
                               "omp",
                               schedules[s],
                               chunk_labels[c],
                               "chunkmap",
                               t,
                               0,
                               chunk_sizes[c],
                               16e6,
                               128e6,
                               chunk_model(t, chunk_sizes[c], s == 0),
                               NAN,
                               0,
                               ci};
                double best = chunk_model(t, MiB, 0) / x.median;
                int fastest = s == 1 && chunk_sizes[c] == MiB;
                point_row_paired(f, &x, paired > 0 ? best : 0, fastest ? 0 : paired);
            }
    fclose(f);
    run_json(dir, "chunks.json", "chunkmap", 120, 40, ""); /* the placement changed too */
}

/* Throughput falls at the threads' L1 and L2 capacities (per-core caches add up). */
static double cache_model(int threads, double ws) {
    return threads * (ws <= 32 * KiB * threads ? 100 : ws <= MiB * threads ? 50 : 20);
}

static void make_cachemap(const char *dir, const char *name, int with_knees) {
    char csv[256], json[256];
    snprintf(csv, sizeof csv, "%s.csv", name);
    snprintf(json, sizeof json, "%s.json", name);
    FILE *f = create(dir, csv);
    fputs(point_header, f);
    for (int t = 1; t <= 2; t++)
        for (double ws = 4 * KiB; ws <= 64 * MiB; ws *= 2) {
            struct pt x = {"synthc",
                           "omp",
                           "static",
                           "",
                           "cachemap",
                           t,
                           0,
                           0,
                           ws / 8,
                           ws,
                           ws / cache_model(t, ws) / 1e9,
                           NAN,
                           cache_model(t, ws),
                           0};
            point_row(f, &x);
        }
    fclose(f);
    char knees[2048] = "";
    if (with_knees) {
        size_t used = snprintf(knees, sizeof knees, ", \"knees\": [");
        for (int t = 1; t <= 2; t++)
            for (int level = 1; level <= 2; level++) {
                double one = level == 1 ? 32 * KiB : MiB, cap = one * t;
                used += snprintf(knees + used, sizeof knees - used,
                                 "%s{\"threads\": %d, \"level\": %d, \"reported_bytes\": %.0f, "
                                 "\"capacity_bytes\": %.0f, \"measured_bytes\": %.0f, \"ratio\": "
                                 "0.9, \"inside_gbytes_per_s\": %g, \"outside_gbytes_per_s\": %g}",
                                 t + level > 2 ? ", " : "", t, level, one, cap, 0.9 * cap,
                                 cache_model(t, cap / 2), cache_model(t, cap * 2));
            }
        /* The L3 at 1 thread: a drop the intervals do not show. */
        snprintf(knees + used, sizeof knees - used,
                 ", {\"threads\": 1, \"level\": 3, \"reported_bytes\": %.0f, "
                 "\"capacity_bytes\": %.0f, \"measured_bytes\": null, \"ratio\": null, "
                 "\"inside_gbytes_per_s\": 20, \"outside_gbytes_per_s\": 17, "
                 "\"within_noise\": true}]",
                 32 * MiB, 32 * MiB);
    }
    run_json(dir, json, "cachemap", 60, 61, knees);
}

static void make_overhead(const char *dir) {
    FILE *f = create(dir, "overhead.csv");
    fputs("construct,schedule,chunk,threads,oversubscribed,test_us,ref_us,overhead_us,"
          "ci95_low_us,ci95_high_us,samples\n",
          f);
    for (int t = 1; t <= 8; t *= 2)
        fprintf(f, "parallel,,,%d,no,%.4f,1.0,%.4f,%.4f,%.4f,20\n", t, 1.0 + 0.5 * t, 0.5 * t,
                0.45 * t, 0.55 * t);
    const char *sched[] = {"static", "dynamic", "guided"};
    for (int s = 0; s < 3; s++)
        for (int c = 1; c <= 64; c *= 4) {
            double o = (s + 1) * 8.0 / c + 0.2;
            fprintf(f, "for,%s,%d,8,no,%.4f,10.0,%.4f,%.4f,%.4f,20\n", sched[s], c, 10.0 + o, o,
                    0.9 * o, 1.1 * o);
        }
    fprintf(f, "barrier,,,16,yes,3.0,1.0,2.0,1.5,2.5,20\n");
    fclose(f);
    FILE *j = create(dir, "overhead.json");
    fputs("{\"schema\": \"ompsweep-overhead-1\", ", j);
    context_json(j, 44, 45);
    fputs("}\n", j);
    fclose(j);
}

static void make_breakeven(const char *dir) {
    write_file(dir, "breakeven.csv",
               "kernel,variant,threads,status,breakeven_size,breakeven_working_set_bytes,"
               "lower_size,upper_size,time_1thread_s,time_nthreads_s,speedup_at_breakeven,"
               "measurements\n"
               "synth,omp,8,found,12000,96000,10000,15000,1.2e-05,1.1e-05,1.09,14\n"
               "synth,omp_b,8,always,1000,8000,,1000,1e-06,5e-07,2,3\n"
               "synth,omp_c,8,never,,,100000000,,0.5,0.9,,9\n"
               "synth,ref,1,serial,,,,,,,,0\n");
}

static void make_ceilings(const char *dir) {
    FILE *f = create(dir, "ceilings.json");
    fputs("{\"schema\": \"ompsweep-ceilings-1\", \"ceilings\": {\"measured\": "
          "\"2026-11-21T09:00:00Z\", \"host\": \"synth-host\", \"peak_gflops\": 100, "
          "\"peak_gflops_threads\": 8, \"peak_gflops_1thread\": 12.5, \"triad_gbytes_per_s\": 20, "
          "\"read_gbytes_per_s\": 25, \"stream_elements\": 1000000}, ",
          f);
    context_json(f, 30, 31);
    fputs("}\n", f);
    fclose(f);
}

static char *make_dir(void) {
    static char dirs[16][64];
    static int n;
    char *d = dirs[n++ % 16];
    snprintf(d, 64, "/tmp/ompsweep-report-XXXXXX");
    cr_assert_not_null(mkdtemp(d));
    return d;
}

static void make_all(const char *dir) {
    make_sweep(dir, 1);
    make_weak(dir);
    make_chunkmap(dir, 0.01, 0.005);
    make_cachemap(dir, "cachemap", 1);
    char sub[256];
    snprintf(sub, sizeof sub, "%s/batch-1", dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    make_cachemap(sub, "cachemap_old", 0);
    make_overhead(dir);
    make_breakeven(dir);
    make_ceilings(dir);
}

/* One task of a thread-sweep job array, as batch/thread-sweep.sbatch leaves it: in its own
 * sub-folder, the reference at 1 thread and omp at `threads` (Amdahl with f = true_f), no
 * speedup column above 1 thread (the file has no 1-thread omp point to divide by). */
static void make_task(const char *dir, const char *sub, const char *host, const char *cpu,
                      int threads) {
    char folder[512];
    snprintf(folder, sizeof folder, "%s/%s", dir, sub);
    cr_assert_eq(mkdir(folder, 0755), 0, "cannot make %s", folder);
    FILE *f = create(folder, "run.csv");
    fputs(point_header, f);
    struct pt ref = {"synth", "ref", "-", "", "run", 1, 0, 0, 1e6, 8e6, 1.2, 1.0, 0, 0};
    point_row(f, &ref);
    double t = true_f + (1 - true_f) / threads;
    struct pt x = {"synth", "omp", "static", "",  "run", threads,
                   0,       0,     1e6,      8e6, t,     threads == 1 ? 1.0 : NAN,
                   0,       0};
    point_row(f, &x);
    fclose(f);
    f = create(folder, "run.json");
    fputs("{\"schema\": \"ompsweep-run-1\", \"study\": \"run\", ", f);
    context_json_on(f, host, cpu, 40, 41);
    fputs(", \"kernel\": {\"name\": \"synth\"}}\n", f);
    fclose(f);
}

/* OMPSWEEP_TEST_KEEP=1 keeps the folders, to look at the reports and plots. */
static void remove_dir(const char *dir) {
    if (getenv("OMPSWEEP_TEST_KEEP")) {
        fprintf(stderr, "kept %s\n", dir);
        return;
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/* ---- running the report ------------------------------------------------------------------ */

/* Runs `[env] ompsweep report ARGS`, stdout and stderr together in out; the exit code. */
static int run_report(const char *env, const char *args, char *out, size_t outlen) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s %s report %s 2>&1", env ? env : "", OMPSWEEP_BIN, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, outlen - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static char *read_all(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int have_gnuplot(void) {
    return system("command -v gnuplot > /dev/null 2>&1") == 0;
}

static long file_size(const char *dir, const char *name) {
    char path[1024];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* The number after the cell that follows `row` in a Markdown table ("| omp | x | 0.05"),
 * looking from `from` on (a heading). */
static double cell_after(const char *md, const char *from, const char *row, int cells) {
    const char *at = strstr(md, from);
    cr_assert_not_null(at, "no '%s' in the report", from);
    at = strstr(at, row);
    cr_assert_not_null(at, "no row '%s' in the report", row);
    at += strlen(row);
    for (int i = 0; i < cells; i++) {
        at = strchr(at, '|');
        cr_assert_not_null(at);
        at++;
    }
    return strtod(at, NULL);
}

/* Every image the report links exists and is not empty; returns how many there are. */
static int check_links(const char *dir, const char *md, const char *ext) {
    char pattern[16], plots[512];
    snprintf(pattern, sizeof pattern, "](plots/");
    snprintf(plots, sizeof plots, "%s/plots", dir);
    int n = 0;
    for (const char *at = strstr(md, pattern); at; at = strstr(at + 1, pattern)) {
        char name[256];
        if (sscanf(at + strlen(pattern), "%255[^)]", name) != 1 || !strstr(name, ext))
            continue;
        cr_assert_gt(file_size(plots, name), 100, "plots/%s missing or empty", name);
        n++;
    }
    return n;
}

/* The report of dir without gnuplot (exit 1 for the plots left undrawn, and for nothing else:
 * a leak would show as 23); its report.md. */
static const char *report_without_plots(const char *dir) {
    static char out[1 << 16];
    cr_expect_eq(run_report("OMPSWEEP_GNUPLOT=/nonexistent", dir, out, sizeof out), 1, "%s", out);
    char path[512];
    snprintf(path, sizeof path, "%s/report.md", dir);
    const char *md = read_all(path);
    cr_assert_not_null(md, "%s", out);
    return md;
}

/* ---- the report on good input ------------------------------------------------------------ */

Test(report, every_section_from_synthetic_results, .timeout = 60) {
    char *dir = make_dir();
    make_all(dir);
    static char out[1 << 16];
    int gp = have_gnuplot();
    int rc = run_report(NULL, dir, out, sizeof out);
    cr_assert_eq(rc, gp ? 0 : 1, "exit %d:\n%s", rc, out);
    char path[512];
    snprintf(path, sizeof path, "%s/report.md", dir);
    const char *md = read_all(path);
    cr_assert_not_null(md, "no report.md:\n%s", out);
    static const char *const sections[] = {"# ompsweep report",
                                           "## Machine",
                                           "## Runs",
                                           "## Thread sweeps",
                                           "## Weak scaling",
                                           "## Chunk maps",
                                           "## Cache maps",
                                           "## Roofline",
                                           "## Overhead",
                                           "## Break-even",
                                           "Synthetic CPU",
                                           "L2 1 MiB per core (×8)",
                                           "L3 32 MiB shared by 8 cores"};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        cr_expect(strstr(md, sections[i]), "'%s' missing", sections[i]);
    /* The run whose latency went from 30 to 170 ns, and the 12 threads on 8 cores. */
    cr_expect(strstr(md, "**Warning:** the thread placement changed during `sweep.csv`"), "%s", md);
    cr_expect(strstr(md, "the thread placement changed during `chunks.csv`: core-to-core "
                         "latency 120 ns at the start, 40 ns at the end (0.33×)"),
              "a fall counts as much as a rise");
    cr_expect_null(strstr(md, "changed during `weak.csv`"), "50 to 52 ns is the same placement");
    cr_expect(strstr(md, "`sweep.csv` ran up to 12 threads on 8 cores"));
    cr_expect(strstr(md, "`overhead.csv` ran up to 16 threads"));
    /* The fits recover the models' serial fractions. */
    const char *sweep = "### synth, size 1M", *weak = "### synthw";
    cr_expect_float_eq(cell_after(md, sweep, "| omp | schedule static, chunk all", 1), true_f,
                       2e-4);
    cr_expect_float_eq(cell_after(md, sweep, "| omp\\_b | schedule static, chunk all", 1), true_f2,
                       2e-4);
    cr_expect_float_eq(cell_after(md, weak, "| omp | ", 0), true_s, 2e-4, "Gustafson s");
    /* Karp-Flatt at 2 threads is f itself on Amdahl data. */
    char kf[64];
    snprintf(kf, sizeof kf, "| 2 | %.4f | %.4f |", true_f, true_f2);
    cr_expect(strstr(md, kf), "no Karp-Flatt row '%s'", kf);
    cr_expect(strstr(md, "| 12 * |"), "the oversubscribed row is marked");
    /* The speedup at 8 threads (within the CPUs) with the file's +-1 % interval. */
    double s8 = 1 / (true_f + (1 - true_f) / 8);
    char want[256];
    snprintf(want, sizeof want, "| %.3g (%.3g–%.3g) at 8 |", s8, s8 * 0.99, s8 * 1.01);
    cr_expect(strstr(md, want), "no '%s' in\n%s", want, md);
    snprintf(want, sizeof want,
             "- omp at 8 threads: %.3g× (95 %% interval %.3g–%.3g) faster than at 1 thread", s8,
             s8 * 0.99, s8 * 1.01);
    cr_expect(strstr(md, want), "no '%s'", want);
    cr_expect(strstr(md, "| 8, weighted |"), "the fit weighs the 8 points by their intervals");
    cr_expect_eq(temp_files_in(dir), 0);
    remove_dir(dir);
}

/* The chunk map's text from the model: paired = 0 judges by the medians' +-1 % intervals
 * (64K, 1.7 % slower in the model, and 256K, 0.4 %, overlap the fastest; 16K, 7.4 %, does
 * not); paired ratios +-0.5 % tell 64K apart too. */
static void check_chunk_map(double paired) {
    char *dir = make_dir();
    make_chunkmap(dir, 0.01, paired);
    const char *md = report_without_plots(dir);
    /* The model's best: the largest chunk within the L2, dynamic, at all 8 threads. */
    cr_expect(strstr(md, "**Fastest at 8 threads: schedule dynamic, chunk 1M (1 MiB of input per "
                         "chunk)"),
              "%s", md);
    const char *same = paired > 0 ? "(the 95 % interval of their time ratio to it, paired round "
                                    "by round, holds 1): dynamic 256K."
                                  : "(their medians' 95 % intervals overlap its own): dynamic "
                                    "64K, 256K.";
    cr_expect(strstr(md, same), "expected '%s' in\n%s", same, md);
    char want[256];
    double above = chunk_model(8, 4 * MiB, 0) / chunk_model(8, MiB, 0) - 1;
    snprintf(want, sizeof want,
             "Every chunk larger than 1M is slower (%.1f %%): the chunks up to 1M fit the 1 MiB "
             "L2 of a core, the larger ones (from 4 MiB of input) do not.",
             100 * above);
    cr_expect(strstr(md, want), "expected '%s' in\n%s", want, md);
    double smallest = chunk_model(8, 4 * KiB, 0) / chunk_model(8, MiB, 0) - 1;
    double least = chunk_model(8, (paired > 0 ? 64 : 16) * KiB, 0) / chunk_model(8, MiB, 0) - 1;
    double chunks = ceil(16e6 / (4 * KiB / 8)) / 8; /* 8 bytes per item, 8 threads */
    snprintf(want, sizeof want,
             "Every chunk smaller than %s is slower (%.1f–%.1f %%); the smallest, 4K, makes %.0f "
             "chunks per thread",
             paired > 0 ? "256K" : "64K", 100 * least, 100 * smallest, chunks);
    cr_expect(strstr(md, want), "expected '%s'", want);
    snprintf(want, sizeof want,
             "Schedule static's fastest at 8 threads, chunk 1M, is %.1f %% slower.",
             100 * (chunk_model(8, MiB, 1) / chunk_model(8, MiB, 0) - 1));
    cr_expect(strstr(md, want), "expected '%s'", want);
    const char *row = paired > 0
                          ? "| 8 | 98.46 | 119.1 | 125.6 | **127.4** | **127.8** ★ | 102.4 |"
                          : "| 8 | 98.46 | 119.1 | **125.6** | **127.4** | **127.8** ★ | 102.4 |";
    cr_expect(strstr(md, row), "the fastest and the cells it cannot be told from are bold");
    cr_expect(strstr(md, "| 8 | 93.77 | 113.4 | 119.7 | 121.3 | 121.8 | 97.5 |"),
              "static, 5 % slower everywhere, has no bold cell at 8 threads");
    remove_dir(dir);
}

Test(report, chunk_map_is_explained_by_the_caches, .timeout = 60) {
    check_chunk_map(0.005);
}

Test(report, chunk_map_from_the_medians_intervals_alone, .timeout = 60) {
    check_chunk_map(0);
}

/* Without intervals (files from before the rounds) the medians are shown and nothing is
 * called slower, faster or caused. */
Test(report, chunk_map_without_intervals_draws_no_conclusion, .timeout = 60) {
    char *dir = make_dir();
    make_chunkmap(dir, 0, 0);
    const char *md = report_without_plots(dir);
    cr_expect(strstr(md, "**Fastest at 8 threads: schedule dynamic, chunk 1M"), "%s", md);
    cr_expect(strstr(md, "no cell is called faster or slower than another"), "%s", md);
    cr_expect_null(strstr(md, "slower ("), "%s", md);
    cr_expect_null(strstr(md, "% slower"), "%s", md);
    cr_expect_null(strstr(md, "fit the 1 MiB"), "%s", md);
    cr_expect(strstr(md, "**"), "the best cell is bold");
    remove_dir(dir);
}

Test(report, cache_map_knees_and_their_absence, .timeout = 60) {
    char *dir = make_dir();
    make_cachemap(dir, "a_knees", 1);
    make_cachemap(dir, "b_old", 0);
    const char *md = report_without_plots(dir);
    cr_expect(strstr(md, "| 2 | L2 | 1 MiB | 2 MiB | 1.8 MiB | 0.9 | 100 | 40 |"), "%s", md);
    cr_expect(strstr(md, "| 1 | L3 | 32 MiB | 32 MiB | within the noise | – | 20 | 17 |"), "%s",
              md);
    cr_expect(strstr(md, "`b_old.csv` holds no knees"), "%s", md);
    /* Best throughput of the 2-thread line: 2 x 100 GB/s within the two L1s. */
    cr_expect(strstr(md, "| 2 | 200 | 4 KiB | 40 (64 MiB) |"), "%s", md);
    remove_dir(dir);
}

Test(report, plots_exist_and_png_can_be_left_out, .timeout = 60) {
    if (!have_gnuplot())
        cr_skip_test("gnuplot is not installed");
    char *dir = make_dir();
    make_all(dir);
    static char out[1 << 16];
    cr_assert_eq(run_report(NULL, dir, out, sizeof out), 0, "%s", out);
    char path[512];
    snprintf(path, sizeof path, "%s/report.md", dir);
    const char *md = read_all(path);
    int png = check_links(dir, md, ".png"), svg = check_links(dir, md, ".svg");
    cr_expect_geq(png, 9, "%d PNG plots", png);
    cr_expect_eq(png, svg, "every PNG has its SVG");
    snprintf(path, sizeof path, "%s/plots", dir);
    cr_expect_gt(file_size(path, "roofline.gp"), 0);
    cr_expect_gt(file_size(path, "roofline.dat"), 0);
    cr_expect_eq(temp_files_in(path), 0, "temporary plot files left");
    char args[1024];
    snprintf(args, sizeof args, "%s --no-png -o %s/svg/report.md", dir, dir);
    cr_assert_eq(run_report(NULL, args, out, sizeof out), 0, "%s", out);
    snprintf(path, sizeof path, "%s/svg/report.md", dir);
    md = read_all(path);
    char svgdir[512];
    snprintf(svgdir, sizeof svgdir, "%s/svg", dir);
    cr_expect_eq(check_links(svgdir, md, ".png"), 0);
    cr_expect_eq(check_links(svgdir, md, ".svg"), svg);
    snprintf(path, sizeof path, "%s/svg/plots", dir);
    cr_expect_lt(file_size(path, "roofline.png"), 0, "no PNG with --no-png");
    remove_dir(dir);
}

Test(report, absent_data_leaves_its_section_out, .timeout = 60) {
    char *dir = make_dir();
    make_sweep(dir, 0);
    /* Weak-scaling points without their 1-thread point: nothing to scale against. */
    FILE *f = create(dir, "weak.csv");
    fputs(point_header, f);
    for (int p = 2; p <= 4; p *= 2) {
        struct pt x = {"w", "omp", "static", "", "weak", p, 0, 0, 1e6 * p, 8e6 * p, 1.0, NAN, 0, 0};
        point_row(f, &x);
    }
    fclose(f);
    const char *md = report_without_plots(dir);
    cr_expect(strstr(md, "## Thread sweeps"));
    cr_expect(strstr(md, "the machine is unknown"), "no context without a sidecar");
    static const char *const absent[] = {"## Weak scaling", "## Chunk maps", "## Cache maps",
                                         "## Roofline",     "## Overhead",   "## Break-even"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        cr_expect_null(strstr(md, absent[i]), "'%s' without its data", absent[i]);
    remove_dir(dir);
}

/* A library sweep (blas variant) and a plain one, each with a context naming OpenBLAS's core;
 * only the first carries a warning about it. */
static void blas_file(const char *dir, const char *name, const char *variant, const char *advice) {
    char csv[64], json[64];
    snprintf(csv, sizeof csv, "%s.csv", name);
    snprintf(json, sizeof json, "%s.json", name);
    FILE *f = create(dir, csv);
    fputs(point_header, f);
    for (int p = 1; p <= 2; p++) {
        struct pt x = {"gemm", variant, "-", "", "run", p, 0, 0, 1e3, 2.4e7, 1.0 / p, p, 0, 0.01};
        point_row(f, &x);
    }
    fclose(f);
    f = create(dir, json);
    fputs("{\"schema\": \"ompsweep-run-1\", \"study\": \"run\", ", f);
    context_json(f, 40, 40);
    fseek(f, -1, SEEK_CUR); /* reopen the context object for OpenBLAS's keys */
    fprintf(f,
            ", \"openblas_core\": \"Haswell\", \"openblas_core_source\": "
            "\"OPENBLAS_CORETYPE=Haswell from the environment\", \"openblas_advice\": \"%s\"}"
            ", \"kernel\": {\"name\": \"gemm\"}}\n",
            advice);
    fclose(f);
}

Test(report, names_openblas_core_and_warns_where_library_points_ran_on_a_lesser_one,
     .timeout = 60) {
    char *dir = make_dir();
    const char *advice = "OpenBLAS runs its Haswell kernels (AVX2 + FMA) but this CPU supports "
                         "AVX-512: its library results understate OpenBLAS";
    blas_file(dir, "lib", "blas", advice);
    blas_file(dir, "own", "omp", advice);
    const char *md = report_without_plots(dir);
    cr_expect(strstr(md, "**Warning:** in `lib.csv`, OpenBLAS runs its Haswell kernels"), "%s", md);
    cr_expect_null(strstr(md, "in `own.csv`, OpenBLAS"), "no library points there: %s", md);
    cr_expect(strstr(md, "| OpenBLAS core | Haswell (OPENBLAS\\_CORETYPE=Haswell from the "
                         "environment) |"),
              "%s", md);
    remove_dir(dir);
}

/* ---- job arrays: one thread count per task --------------------------------------------- */

static const int task_threads[] = {1, 2, 4, 8};

Test(report, job_array_tasks_merge_into_one_sweep, .timeout = 60) {
    char *dir = make_dir();
    for (int i = 0; i < 4; i++) {
        char sub[16];
        snprintf(sub, sizeof sub, "task%d", i);
        make_task(dir, sub, "node01", "Synthetic CPU", task_threads[i]);
    }
    const char *md = report_without_plots(dir);
    /* Four files, one sweep: speedups against the 1-thread task, f recovered from all four. */
    const char *sweep = "### synth, size 1M";
    cr_expect_float_eq(cell_after(md, sweep, "| omp | schedule static, chunk default", 1), true_f,
                       2e-4, "%s", md);
    cr_expect(strstr(md, "| 4, weighted |"), "all four thread counts fitted:\n%s", md);
    char kf[64];
    snprintf(kf, sizeof kf, "| 8 | %.4f |", true_f);
    cr_expect(strstr(md, kf), "no Karp-Flatt row '%s'", kf);
    cr_expect_null(strstr(md, "taken as one machine"), "one host: nothing merged across hosts");
    remove_dir(dir);
}

Test(report, job_array_tasks_on_nodes_alike_merge_and_others_stay_apart, .timeout = 60) {
    char *dir = make_dir();
    /* The tasks landed on four nodes of one kind; a laptop measured 1 and 2 threads. */
    for (int i = 0; i < 4; i++) {
        char sub[16], host[16];
        snprintf(sub, sizeof sub, "task%d", i);
        snprintf(host, sizeof host, "node%02d", 4 - i);
        make_task(dir, sub, host, "Synthetic CPU", task_threads[i]);
    }
    make_task(dir, "laptop1", "laptop", "Other CPU", 1);
    make_task(dir, "laptop2", "laptop", "Other CPU", 2);
    static char out[1 << 16];
    cr_expect_eq(run_report("OMPSWEEP_GNUPLOT=/nonexistent", dir, out, sizeof out), 1, "%s", out);
    char path[512];
    snprintf(path, sizeof path, "%s/report.md", dir);
    const char *md = read_all(path);
    cr_assert_not_null(md, "%s", out);
    const char *sweep = "### synth, size 1M";
    cr_expect_float_eq(cell_after(md, sweep, "| omp on node04 +3 | schedule static", 1), true_f,
                       2e-4, "%s", md);
    cr_expect(strstr(md, "| omp on laptop | schedule static"), "%s", md);
    cr_expect(strstr(md, "node04, node03, node02 and node01 have the same CPU, cores and caches: "
                         "their points are taken as one machine, `node04 +3`"),
              "%s", md);
    cr_expect(strstr(out, "taken as one machine"), "the warning is on stderr too:\n%s", out);
    cr_expect_null(strstr(md, "laptop have the same"), "the laptop is a machine of its own");
    /* The Machine table still has one column per host. */
    cr_expect(strstr(md, "| host | laptop | node04 | node03 | node02 | node01 |"), "%s", md);
    remove_dir(dir);
}

/* A point as ompsweep-mpi writes it: the row of `run` and its ranks; threads per rank. */
/* A speedup is called faster or slower than 1 thread only when its whole interval says so. */
Test(report, speedups_are_judged_by_their_intervals, .timeout = 60) {
    char *dir = make_dir();
    FILE *f = create(dir, "sweep.csv");
    fputs(point_header, f);
    /* a: 1.6 +- 1 %; b: 1.02 +- 5 % (holds 1); c: 0.8 +- 1 %; d: 1.3 with no interval. */
    const char *names[] = {"a", "b", "c", "d"};
    const double at2[] = {1.6, 1.02, 0.8, 1.3}, ci[] = {0.01, 0.05, 0.01, 0};
    for (int v = 0; v < 4; v++)
        for (int p = 1; p <= 2; p++) {
            double sp = p == 1 ? 1 : at2[v];
            struct pt x = {"k", names[v], "static", "",     "run", p, 0,
                           0,   1e6,      8e6,      1 / sp, sp,    0, ci[v]};
            point_row(f, &x);
        }
    fclose(f);
    const char *md = report_without_plots(dir);
    cr_expect(strstr(md, "- a at 2 threads: 1.6× (95 % interval 1.58–1.62) faster than at 1 "
                         "thread, 80 % of the ideal 2×."),
              "%s", md);
    cr_expect(strstr(md, "- b at 2 threads: speedup 1.02, but its 95 % interval (0.969–1.07) "
                         "holds 1: no faster than 1 thread that this measurement can show."),
              "%s", md);
    cr_expect(strstr(md, "- c at 2 threads: slower than at 1 thread: speedup 0.8 (95 % interval "
                         "0.792–0.808)."),
              "%s", md);
    cr_expect(strstr(md, "- d at 2 threads: speedup 1.3, with no interval"), "%s", md);
    remove_dir(dir);
}

static void point_row_ranks(FILE *f, const struct pt *p, int ranks) {
    char *row = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&row, &len);
    cr_assert_not_null(m);
    point_row(m, p);
    fclose(m);
    fprintf(f, "%.*s,%d,%d\n", (int)len - 1, row, ranks, p->threads);
    free(row);
}

Test(report, mpi_ranks_make_series_of_their_own, .timeout = 60) {
    char *dir = make_dir();
    FILE *f = create(dir, "hybrid.csv");
    fprintf(f, "%.*s,ranks,threads_per_rank\n", (int)strlen(point_header) - 1, point_header);
    /* 1 rank with f = true_f, 2 ranks (half the time) with f = true_f2 over their threads. */
    for (int ranks = 1; ranks <= 2; ranks++)
        for (int p = 1; p <= 4; p *= 2) {
            double fr = ranks == 1 ? true_f : true_f2, t = (fr + (1 - fr) / p) / ranks;
            struct pt x = {"synth", "omp", "static", "", "run", p, 0, 0, 1e6, 8e6, t, NAN, 0, 0};
            point_row_ranks(f, &x, ranks);
        }
    fclose(f);
    const char *md = report_without_plots(dir);
    const char *sweep = "### synth, size 1M";
    cr_expect_float_eq(cell_after(md, sweep, "| omp | schedule static", 1), true_f, 2e-4, "%s", md);
    cr_expect_float_eq(cell_after(md, sweep, "| omp (2 ranks) | schedule static", 1), true_f2, 2e-4,
                       "%s", md);
    remove_dir(dir);
}

/* ---- errors ------------------------------------------------------------------------------ */

static int dir_has(const char *dir, const char *name) {
    return file_size(dir, name) >= 0;
}

Test(report, usage_errors_exit_2) {
    static char out[1 << 14];
    static const struct {
        const char *args, *expect;
    } cases[] = {
        {"", "which folder?"},
        {"/nonexistent/results", "/nonexistent/results: No such file or directory"},
        {"/etc/hostname", "'/etc/hostname' is not a folder"},
        {"/tmp extra", "unexpected argument 'extra'"},
        {"/tmp --frobnicate", "unknown option"},
        {"/tmp -o", "-o needs a value"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = run_report(NULL, cases[i].args, out, sizeof out);
        cr_expect_eq(rc, 2, "'%s' exited %d:\n%s", cases[i].args, rc, out);
        cr_expect(strstr(out, cases[i].expect), "'%s' said:\n%s\nexpected: %s", cases[i].args, out,
                  cases[i].expect);
    }
    char *dir = make_dir();
    make_breakeven(dir);
    char args[512];
    snprintf(args, sizeof args, "%s -o /proc/no/such/report.md", dir);
    cr_expect_eq(run_report(NULL, args, out, sizeof out), 2, "%s", out);
    cr_expect(strstr(out, "-o: cannot"), "%s", out);
    cr_expect_not(dir_has(dir, "report.md"));
    remove_dir(dir);
    cr_assert_eq(run_report(NULL, "--help", out, sizeof out), 0);
    cr_expect(strstr(out, "--no-png"));
}

/* Bad data: exit 1, the message names the file, line and problem, nothing is written. */
Test(report, malformed_results_exit_1_and_leave_nothing) {
    static const struct {
        const char *name, *text, *expect;
    } cases[] = {
        {"bad.csv",
         "kernel,variant,threads,schedule,size,working_set_bytes,median_s,"
         "oversubscribed\ndot,omp,1,static,100,800,0.5,no\ndot,omp,2,static,100\n",
         "bad.csv:3: 5 fields where the header has 8"},
        {"bad.csv",
         "kernel,variant,threads,schedule,size,working_set_bytes,median_s,"
         "oversubscribed\ndot,omp,1,static,100,800,fast,no\n",
         "bad.csv:2: column 'median_s': 'fast' is not a number"},
        {"bad.csv",
         "kernel,variant,threads,schedule,size,working_set_bytes,oversubscribed\n"
         "dot,omp,1,static,100,800,no\n",
         "bad.csv: missing required column 'median_s'"},
        {"bad.csv",
         "kernel,variant,threads,schedule,size,working_set_bytes,median_s,"
         "oversubscribed\ndot,omp,two,static,100,800,0.5,no\n",
         "bad.csv:2: column 'threads': 'two' is not a whole number"},
        {"bad.csv",
         "kernel,variant,threads,schedule,size,working_set_bytes,median_s,"
         "oversubscribed\ndot,\"omp,1,static,100,800,0.5,no\n",
         "bad.csv:2: unterminated quoted field"},
        {"o.csv",
         "construct,schedule,chunk,threads,oversubscribed,test_us,ref_us,overhead_us,"
         "ci95_low_us,ci95_high_us,samples\nfor,static,4,2,maybe,1,1,0,0,0,5\n",
         "o.csv:2: column 'oversubscribed': 'maybe' is not yes or no"},
        {"b.csv",
         "kernel,variant,threads,status,breakeven_size,breakeven_working_set_bytes,"
         "lower_size,upper_size,time_1thread_s,time_nthreads_s,speedup_at_breakeven,"
         "measurements\ndot,omp,2,perhaps,1,1,1,1,1,1,1,1\n",
         "b.csv:2: column 'status': 'perhaps' is not found, always, never, undecided or serial"},
        {"sub/bad.csv",
         "kernel,variant,threads,schedule,size,working_set_bytes,median_s,"
         "oversubscribed\ndot,omp,1,static,-100,800,0.5,no\n",
         "sub/bad.csv:2: column 'size': -100 is negative"},
    };
    static char out[1 << 14];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *dir = make_dir();
        make_sweep(dir, 1); /* a good file beside the bad one */
        char sub[512];
        snprintf(sub, sizeof sub, "%s/sub", dir);
        mkdir(sub, 0755);
        write_file(dir, cases[i].name, "%s", cases[i].text);
        int rc = run_report(NULL, dir, out, sizeof out);
        cr_expect_eq(rc, 1, "%s: exit %d:\n%s", cases[i].expect, rc, out);
        cr_expect(strstr(out, cases[i].expect), "said:\n%s\nexpected: %s", out, cases[i].expect);
        cr_expect_not(dir_has(dir, "report.md"), "report.md written for %s", cases[i].name);
        cr_expect_not(dir_has(dir, "plots"), "plots written for %s", cases[i].name);
        cr_expect_eq(temp_files_in(dir), 0);
        remove_dir(dir);
    }
}

Test(report, a_folder_without_results_exits_1) {
    char *dir = make_dir();
    write_file(dir, "notes.txt", "nothing here\n");
    write_file(dir, "other.csv", "a,b\n1,2\n");
    static char out[1 << 14];
    int rc = run_report(NULL, dir, out, sizeof out);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "no ompsweep result files"), "%s", out);
    cr_expect_not(dir_has(dir, "report.md"));
    remove_dir(dir);
}

/* Decided: a sidecar that does not parse is named in a warning, and its CSV is reported
 * without its context; the report itself succeeds. */
Test(report, a_broken_sidecar_is_named_and_its_csv_still_reported, .timeout = 60) {
    char *dir = make_dir();
    make_sweep(dir, 0);
    write_file(dir, "sweep.json", "{\"schema\": \"ompsweep-run-1\",\n  \"context\": {,}}\n");
    static char out[1 << 16];
    int rc = run_report("OMPSWEEP_GNUPLOT=/nonexistent", dir, out, sizeof out);
    cr_expect_eq(rc, 1, "only the missing gnuplot fails it: %s", out);
    cr_expect(strstr(out, "warning: `sweep.json` does not parse (sweep.json:2:"), "%s", out);
    char path[512];
    snprintf(path, sizeof path, "%s/report.md", dir);
    const char *md = read_all(path);
    cr_assert_not_null(md);
    cr_expect(strstr(md, "`sweep.json` does not parse"), "the report shows it");
    cr_expect(strstr(md, "## Thread sweeps"));
    if (have_gnuplot()) {
        rc = run_report(NULL, dir, out, sizeof out);
        cr_expect_eq(rc, 0, "%s", out);
    }
    remove_dir(dir);
}

Test(report, a_failing_gnuplot_is_reported_and_leaves_no_image, .timeout = 60) {
    char *dir = make_dir();
    make_sweep(dir, 1);
    make_weak(dir);
    /* A sidecar of another kind: its CSV is reported without it. */
    write_file(dir, "weak.json", "{\"schema\": \"ompsweep-overhead-1\"}\n");
    static char out[1 << 16];
    int rc = run_report("OMPSWEEP_GNUPLOT=/bin/false", dir, out, sizeof out);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "gnuplot failed (exit 1)"), "%s", out);
    cr_expect(strstr(out, "plots could not be drawn"), "%s", out);
    cr_expect(strstr(out, "`weak.json` has schema 'ompsweep-overhead-1', not 'ompsweep-run-2'"),
              "%s", out);
    char path[512];
    snprintf(path, sizeof path, "%s/report.md", dir);
    const char *md = read_all(path);
    cr_assert_not_null(md);
    cr_expect(strstr(md, "plot not drawn: gnuplot failed"));
    snprintf(path, sizeof path, "%s/plots", dir);
    cr_expect_lt(file_size(path, "sweep-synth-1M-speedup.svg"), 0);
    cr_expect_eq(temp_files_in(path), 0, "temporary outputs removed");
    remove_dir(dir);
}

/* Decided: without gnuplot the Markdown is written with its tables and the plot scripts, and
 * the exit code is 1 so a script notices the missing plots. */
Test(report, missing_gnuplot_writes_tables_and_exits_1, .timeout = 60) {
    char *dir = make_dir();
    make_sweep(dir, 1);
    make_breakeven(dir);
    static char out[1 << 16];
    int rc = run_report("OMPSWEEP_GNUPLOT=/nonexistent/gnuplot", dir, out, sizeof out);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "gnuplot not found"), "%s", out);
    char path[512];
    snprintf(path, sizeof path, "%s/report.md", dir);
    const char *md = read_all(path);
    cr_assert_not_null(md);
    cr_expect(strstr(md, "plot not drawn: gnuplot was not found"));
    cr_expect(strstr(md, "| synth | omp | 8 | found | 12k | 93.8 KiB | 10k – 15k |"), "%s", md);
    cr_expect(strstr(md, "| always faster | 1k | 7.81 KiB | at most 1k |"), "%s", md);
    snprintf(path, sizeof path, "%s/plots", dir);
    cr_expect_gt(file_size(path, "sweep-synth-1M-speedup.gp"), 0, "the script is kept");
    cr_expect_lt(file_size(path, "sweep-synth-1M-speedup.png"), 0);
    remove_dir(dir);
}
