/* Cache and chunk maps: knee location on curves with known steps, the working-set ladder,
 * cache capacities, the cache override, and the cachemap / chunkmap / run --weak commands. */
#include "cli_support.h"
#include "engine/cachemap.h"
#include "engine/knee.h"
#include "machine/cache_override.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A cache hierarchy's throughput: plateaus that fall by a smooth step at each capacity (the
 * step spreads over a factor of ~1.4, like a real replacement policy's), with noise. */
static double model(double ws, const double *cap, const double *level, size_t n) {
    double tp = level[n]; /* beyond the last level */
    for (size_t l = n; l-- > 0;) {
        double t = 1.0 / (1.0 + pow(ws / cap[l], 12.0)); /* 1 inside, 0 beyond */
        tp = exp(t * log(level[l]) + (1.0 - t) * log(tp));
    }
    return tp;
}

static double uniform(uint64_t *s) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) * 0x1.0p-53;
}

/* With 3 points per doubling, noise alone must leave the knee within one ladder step
 * (2^(1/3) = 1.26) of the true step, plus the step's own width; isolated halved points (a
 * disturbed sample, at least three undisturbed points apart) within about two steps: one just
 * before the step cannot be told from the step itself. */
static void check_knees(double outlier_rate, double lo, double hi) {
    const double cap[] = {48e3, 2e6, 100e6}, level[] = {300, 110, 30, 16};
    uint64_t seed = fresh_seed(), s = seed;
    for (int trial = 0; trial < 50; trial++) {
        double ws[80], tp[80];
        size_t n = 0;
        int in_a_row = 0, clean = 3;
        for (double w = 4096; w < 2e9 && n < 80; w *= exp2(1.0 / 3.0), n++) {
            ws[n] = w;
            tp[n] = model(w, cap, level, 3) * (1.0 + 0.16 * (uniform(&s) - 0.5));
            int hit = uniform(&s) < outlier_rate && in_a_row < 1 && clean >= 3;
            in_a_row = hit ? in_a_row + 1 : 0;
            clean = hit ? 0 : clean + 1;
            if (hit)
                tp[n] *= 0.5;
        }
        struct knee k[3];
        struct knee_curve c = {ws, tp, NULL, NULL, n};
        cr_assert_eq(knee_find(&c, cap, 3, k), 0);
        for (int l = 0; l < 3; l++) {
            cr_assert(k[l].found, "seed %llu trial %d: level %d not found",
                      (unsigned long long)seed, trial, l);
            cr_expect(k[l].ratio > lo && k[l].ratio < hi, "seed %llu: level %d ratio %g",
                      (unsigned long long)seed, l, k[l].ratio);
            cr_expect(outlier_rate > 0 || fabs(k[l].inside / level[l] - 1.0) < 0.15,
                      "inside %g vs %g", k[l].inside, level[l]);
        }
    }
}

Test(knee, finds_each_step_of_a_noisy_curve) {
    check_knees(0.0, 0.75, 1.3);
}

Test(knee, isolated_disturbed_points_move_the_knee_by_at_most_two_ladder_steps) {
    check_knees(0.05, 0.6, 1.45);
}

Test(knee, a_level_without_a_drop_has_no_knee) {
    double ws[40], tp[40];
    const double cap[] = {1e5, 1e7};
    for (int i = 0; i < 40; i++) {
        ws[i] = 1e3 * exp2(i / 2.0);
        tp[i] = ws[i] < 1e5 ? 100.0 : 97.0; /* a 3 % dip is not a cache level */
    }
    struct knee k[2];
    struct knee_curve c = {ws, tp, NULL, NULL, 40};
    cr_assert_eq(knee_find(&c, cap, 2, k), 0);
    cr_expect_not(k[0].found);
    cr_expect(isnan(k[0].measured_bytes));
    cr_expect_not(k[1].found);
}

/* A 20 % step that the points' intervals (+-15 %) cannot show is "within the noise"; the
 * same step with +-5 % intervals is a knee. */
Test(knee, a_drop_inside_the_intervals_is_within_the_noise) {
    double ws[40], tp[40], low[40], high[40];
    const double cap[] = {1e5};
    for (double half = 0.15; half > 0.0; half -= 0.10) {
        for (int i = 0; i < 40; i++) {
            ws[i] = 1e3 * exp2(i / 4.0);
            tp[i] = ws[i] < 1e5 ? 100.0 : 80.0;
            low[i] = tp[i] * (1 - half);
            high[i] = tp[i] * (1 + half);
        }
        struct knee k[1];
        struct knee_curve c = {ws, tp, low, high, 40};
        cr_assert_eq(knee_find(&c, cap, 1, k), 0);
        cr_expect_eq(k[0].found, half < 0.1, "+-%.0f %%", 100 * half);
        cr_expect_eq(k[0].within_noise, half > 0.1, "+-%.0f %%", 100 * half);
        cr_expect_float_eq(k[0].inside_low, 100 * (1 - half), 1e-9);
        cr_expect_float_eq(k[0].outside_high, 80 * (1 + half), 1e-9);
    }
}

Test(knee, bad_input_is_refused) {
    double ws[] = {1, 2, 3}, tp[] = {1, 1, 1}, cap[] = {2, 1};
    double unsorted[] = {3, 2, 1}, zero[] = {0, 1, 2};
    struct knee k[2];
    struct knee_curve two = {ws, tp, NULL, NULL, 2}, down = {unsorted, tp, NULL, NULL, 3},
                      at_zero = {zero, tp, NULL, NULL, 3}, good = {ws, tp, NULL, NULL, 3};
    cr_expect_eq(knee_find(&two, cap, 1, k), -1);
    cr_expect_eq(knee_find(&down, cap, 1, k), -1);
    cr_expect_eq(knee_find(&at_zero, cap, 1, k), -1);
    cr_expect_eq(knee_find(&good, cap, 2, k), -1); /* capacities must increase */
}

Test(cachemap, ladder_is_geometric_within_the_range_and_strictly_increasing) {
    const struct kernel *k = kernel_find("stream_triad");
    cr_assert_not_null(k);
    double params[KERNEL_MAX_PARAMS] = {0};
    long long *sizes;
    size_t n;
    cr_assert_eq(cachemap_ladder(k, params, 6144, 1 << 30, 3, &sizes, &n), 0);
    cr_expect(n > 3 * 17 && n < 3 * 19, "%zu sizes", n);
    for (size_t i = 0; i < n; i++) {
        struct kernel_work w;
        k->work((size_t)sizes[i], params, &w);
        cr_expect(w.working_set >= 6144 * 0.99 && w.working_set <= 1.01 * (1 << 30), "%g",
                  w.working_set);
        if (i > 0) {
            cr_expect_gt(sizes[i], sizes[i - 1]);
            struct kernel_work p;
            k->work((size_t)sizes[i - 1], params, &p);
            cr_expect(w.working_set / p.working_set < 1.4, "step %g",
                      w.working_set / p.working_set);
        }
    }
    free(sizes);
    cr_expect_eq(cachemap_ladder(k, params, 1e13, 2e13, 3, &sizes, &n), -1); /* beyond max */
}

Test(cachemap, capacity_counts_the_instances_the_threads_use) {
    struct context ctx = {.logical_cpus = 8, .cores = 4};
    struct cache_level l2 = {
        .level = 2, .size_bytes = 1 << 20, .shared_by_cpus = 2, .instances = 4};
    struct cache_level l3 = {
        .level = 3, .size_bytes = 32 << 20, .shared_by_cpus = 8, .instances = 1};
    cr_expect_eq(cachemap_capacity(&ctx, &l2, 1), 1 << 20);
    cr_expect_eq(cachemap_capacity(&ctx, &l2, 3), 3 << 20);
    cr_expect_eq(cachemap_capacity(&ctx, &l2, 16), 4 << 20); /* no more than there are */
    cr_expect_eq(cachemap_capacity(&ctx, &l3, 4), 32 << 20);
}

Test(cache_override, parses_levels_and_refuses_bad_items) {
    struct cache_size s[8];
    int n;
    char err[256];
    cr_assert_eq(cache_override_parse("L1=48K,l3=32M", s, 8, &n, err, sizeof err), 0);
    cr_assert_eq(n, 2);
    cr_expect(s[0].level == 1 && s[0].size_bytes == 48 * 1024);
    cr_expect(s[1].level == 3 && s[1].size_bytes == 32LL << 20);
    const char *bad[] = {"L9=1M", "L2", "L2=", "X2=1M", "L2=1M,L2=2M", "L2=-1", "", "L2=10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_eq(cache_override_parse(bad[i], s, 8, &n, err, sizeof err), -1, "%s", bad[i]);
}

Test(cache_override, replaces_sizes_and_keeps_the_detected_ones) {
    struct context ctx = {.ncaches = 2, .packages = 1, .logical_cpus = 4};
    ctx.caches[0] = (struct cache_level){.level = 1, .size_bytes = 32768, .instances = 4};
    ctx.caches[1] = (struct cache_level){.level = 3, .size_bytes = 480 << 20, .instances = 1};
    struct cache_size s[] = {{3, 96 << 20}, {2, 2 << 20}};
    context_override_caches(&ctx, "L3=96M,L2=2M", s, 2);
    cr_assert_eq(ctx.ncaches, 3);
    cr_expect_eq(ctx.caches[1].level, 2);
    cr_expect_eq(ctx.caches[1].size_bytes, 2 << 20);
    cr_expect_eq(ctx.caches[2].size_bytes, 96 << 20);
    cr_expect_eq(ctx.ncaches_detected, 2);
    cr_expect_eq(ctx.caches_detected[1].size_bytes, 480 << 20);
    cr_expect_str_eq(ctx.caches_override, "L3=96M,L2=2M");
}

/* The whole file (a result's JSON holds every sample and round: megabytes), or NULL. */
static char *slurp(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[1 << 25];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

Test(binary, cachemap_writes_points_and_knees_for_the_cache_sizes_in_force) {
    static char out[1 << 18];
    char dir[] = "/tmp/ompsweep-maps-XXXXXX", args[1024], path[512];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(args, sizeof args,
             "cachemap stream_read --from 16K --to 4M --per-octave 1 --threads 1,3 --precision 0 "
             "--samples 2 "
             "--min-time 1ms --quiet --csv %s/cm.csv --json %s/cm.json",
             dir, dir);
    setenv("OMPSWEEP_CACHES", "L1=32K,L2=256K,L3=1M", 1);
    int rc = run_ompsweep(args, out, sizeof out);
    unsetenv("OMPSWEEP_CACHES");
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "cache knees of stream_read"), "%s", out);
    cr_expect(strstr(out, "OMPSWEEP_CACHES=L1=32K,L2=256K,L3=1M"), "%s", out);
    snprintf(path, sizeof path, "%s/cm.json", dir);
    const char *json = slurp(path);
    cr_assert_not_null(json);
    cr_expect(strstr(json, "\"study\": \"cachemap\""));
    cr_expect(strstr(json, "\"knees\": ["));
    cr_expect(strstr(json, "\"caches_override\": \"L1=32K,L2=256K,L3=1M\""));
    cr_expect(strstr(json, "\"reported_bytes\": 262144"), "the override's L2 is the one used");
    /* 3 threads: the overridden L2 (one per core here) counts once per core used */
    snprintf(path, sizeof path, "%s/cm.csv", dir);
    const char *csv = slurp(path);
    cr_assert_not_null(csv);
    cr_expect(strstr(csv, ",cachemap,1,1,"));
    int rows = 0;
    for (const char *c = csv; (c = strchr(c, '\n')); c++)
        rows++;
    cr_expect_geq(rows, 1 + 3 * 8, "%d rows: a point per size for ref, 1 and 3 threads", rows);
    unlink(path);
    snprintf(path, sizeof path, "%s/cm.json", dir);
    unlink(path);
    rmdir(dir);
}

Test(binary, chunkmap_sweeps_schedules_and_chunks_and_names_the_best) {
    static char out[1 << 18];
    int rc = run_ompsweep("chunkmap expsum --size 200k --threads 1,2 --chunk 4K,64K,all "
                          "--precision 0 --samples 6 --min-time 1ms --quiet",
                          out, sizeof out);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "schedule static (rows"), "%s", out);
    cr_expect(strstr(out, "schedule dynamic (rows"), "%s", out);
    cr_expect(strstr(out, "schedule guided (rows"), "%s", out);
    cr_expect(strstr(out, "fastest chunk at each thread count"), "%s", out);
    /* 6 rounds give every cell an interval: the cells it cannot tell apart are named, and a
     * slower one only beyond the noise. */
    cr_expect(strstr(out, "; the same within the noise: "), "%s", out);
    cr_expect(strstr(out, "; the slowest takes ") || strstr(out, "no chunk is slower beyond"), "%s",
              out);
    cr_expect(strstr(out, "a chunk, fits L") || strstr(out, "larger than every cache"), "%s", out);
}

Test(binary, weak_scaling_grows_the_size_with_threads) {
    static char out[1 << 16];
    char dir[] = "/tmp/ompsweep-weak-XXXXXX", args[512], path[512];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(args, sizeof args,
             "run dot --weak --size 100k --threads 1,2,3 --variant omp --precision 0 --samples 2 "
             "--min-time 1ms --quiet --csv %s/w.csv",
             dir);
    cr_assert_eq(run_ompsweep(args, out, sizeof out), 0, "%s", out);
    snprintf(path, sizeof path, "%s/w.csv", dir);
    const char *csv = slurp(path);
    cr_assert_not_null(csv);
    cr_expect(strstr(csv, "dot,omp,1,static,,,100000,"), "%s", csv);
    cr_expect(strstr(csv, "dot,omp,2,static,,,200000,"), "%s", csv);
    cr_expect(strstr(csv, "dot,omp,3,static,,,300000,"), "%s", csv);
    cr_expect(strstr(csv, "dot,ref,1,-,,,300000,"), "each size has its own reference: %s", csv);
    cr_expect(!strstr(csv, ",no,no,") && !strstr(csv, ",no,yes,"), "every point validated: %s",
              csv);
    cr_expect(strstr(csv, ",weak,1,2,"));
    unlink(path);
    rmdir(dir);
}
