/* The break-even search against cost models whose break-even is known, the sign test, the
 * kernel measurement, and the `ompsweep breakeven` command on good and bad input. */
#include "cli_support.h"
#include "engine/breakeven.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- a kernel whose cost is known ------------------------------------------------------- */

/* t1(n) = a n and tN(n) = c + a n / N: N threads pay a fixed cost c (fork, join, barrier) and
 * share the work. They break even at n* = c N / (a (N - 1)). Every sample is multiplied by
 * uniform noise in [1 - noise, 1 + noise]; with probability outlier_p it is also multiplied by
 * 2 to 5 (a preempted sample); drift multiplies the k-th sample taken by 1 + drift k (a host
 * that slows down while the search runs), and `busy` multiplies every sample taken while the
 * host is busy: 37 samples out of every 74 (another job sharing the machine on and off). */
struct model {
    double a, c, noise, outlier_p, drift, busy;
    int threads;
    uint64_t rng;
    long samples;
    int fail_at; /* > 0: the fail_at-th call returns 5 */
    int calls;
};

static uint64_t splitmix64(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s) {
    return (double)(splitmix64(s) >> 11) * 0x1p-53;
}

static double true_breakeven(const struct model *m) {
    return m->c * m->threads / (m->a * (m->threads - 1));
}

static int model_measure(void *ctx, long long size, int threads, double *times, int n) {
    struct model *m = ctx;
    if (m->fail_at > 0 && ++m->calls == m->fail_at)
        return 5;
    cr_assert(threads == 1 || threads == m->threads, "asked for %d threads", threads);
    for (int i = 0; i < n; i++) {
        double t = threads == 1 ? m->a * (double)size : m->c + m->a * (double)size / threads;
        t *= 1.0 + m->noise * (2.0 * uniform(&m->rng) - 1.0);
        if (uniform(&m->rng) < m->outlier_p)
            t *= 2.0 + 3.0 * uniform(&m->rng);
        if (m->busy > 0.0 && (m->samples / 37) % 2)
            t *= m->busy;
        t *= 1.0 + m->drift * (double)m->samples++;
        times[i] = t;
    }
    return 0;
}

static struct breakeven_settings settings_for(const struct model *m, long long lo, long long hi) {
    return (struct breakeven_settings){.min_size = lo, .max_size = hi, .threads = m->threads};
}

/* The noisy model over many seeds: the bracket holds n* in at least `strict` of the runs, and
 * always holds it once widened by `factor` at each end. Returns the worst bracket ratio. */
static double check_over_seeds(struct model proto, int seeds, double strict, double factor) {
    int inside = 0;
    double nstar = true_breakeven(&proto), widest = 1.0;
    for (int seed = 1; seed <= seeds; seed++) {
        struct model m = proto;
        m.rng = (uint64_t)seed * 7919u;
        struct breakeven_settings s = settings_for(&m, 1, 1000000000LL);
        struct breakeven_result r;
        cr_assert_eq(breakeven_search(&s, model_measure, &m, &r), 0);
        cr_assert_eq(r.status, BREAKEVEN_FOUND, "seed %d: %s", seed,
                     breakeven_status_name(r.status));
        cr_assert(r.lower_size < r.upper_size && r.breakeven_size == r.upper_size, "seed %d", seed);
        inside += r.lower_size <= nstar && nstar <= r.upper_size;
        cr_assert(r.lower_size / factor <= nstar && nstar <= r.upper_size * factor,
                  "seed %d, N=%d: n* = %.0f outside [%lld, %lld] widened by %.2f", seed, m.threads,
                  nstar, r.lower_size, r.upper_size, factor);
        cr_assert(r.speedup > 1.0 && r.time_n < r.time_1 * 1.2, "seed %d: speedup %g", seed,
                  r.speedup);
        cr_assert_eq(r.measurements, (int)m.samples, "every sample is counted");
        if ((double)r.upper_size / r.lower_size > widest)
            widest = (double)r.upper_size / r.lower_size;
    }
    cr_assert(inside >= strict * seeds, "N=%d: n* = %.0f in the bracket for %d of %d seeds",
              proto.threads, nstar, inside, seeds);
    return widest;
}

Test(breakeven, noise_free_model_is_bracketed_to_the_precision) {
    struct model m = {.a = 1e-9, .c = 3e-6, .threads = 2};
    struct breakeven_settings s = settings_for(&m, 1, 1000000000LL);
    struct breakeven_result r;
    cr_assert_eq(breakeven_search(&s, model_measure, &m, &r), 0);
    double nstar = true_breakeven(&m); /* 6000 */
    cr_assert_eq(r.status, BREAKEVEN_FOUND);
    cr_assert(r.lower_size < nstar && nstar <= r.upper_size, "[%lld, %lld] vs %.0f", r.lower_size,
              r.upper_size, nstar);
    cr_assert((double)r.upper_size / r.lower_size <= 1.1, "[%lld, %lld]", r.lower_size,
              r.upper_size);
    cr_assert_eq(r.ties, 0);
    cr_assert_eq(r.measurements, 16 * r.steps, "8 pairs decide every noise-free size");
}

Test(breakeven, noisy_model_with_outliers_is_bracketed_across_seeds) {
    for (int threads = 2; threads <= 8; threads *= 2) {
        struct model m = {
            .a = 2e-9, .c = 5e-6, .threads = threads, .noise = 0.15, .outlier_p = 0.05};
        double widest = check_over_seeds(m, 100, 0.95, 1.25);
        cr_assert(widest < 2.0, "N=%d: brackets stay narrow (widest %.2f)", threads, widest);
    }
}

Test(breakeven, interleaved_pairs_cancel_a_host_that_changes_speed) {
    /* The host runs 1.6x slower half of the time, in phases of 37 samples, and slows down by
     * 0.1 % per sample besides. Only the pair that straddles a phase change sees it. Taking
     * each look's 1-thread samples and then its N-thread samples instead puts n* outside the
     * bracket in about 8 % of these seeds, by up to 1.7x (checked while writing this test). */
    struct model m = {
        .a = 1e-9, .c = 2e-5, .threads = 2, .noise = 0.15, .busy = 1.6, .drift = 0.001};
    check_over_seeds(m, 100, 0.95, 1.25);
}

Test(breakeven, always_and_never_when_the_breakeven_lies_outside_the_range) {
    struct model m = {.a = 1e-9, .c = 5e-6, .threads = 4, .noise = 0.15, .outlier_p = 0.05};
    double nstar = true_breakeven(&m);
    for (int seed = 1; seed <= 30; seed++) {
        struct model x = m;
        x.rng = (uint64_t)seed;
        struct breakeven_settings s = settings_for(&x, (long long)(4 * nstar), 1000000000LL);
        struct breakeven_result r;
        cr_assert_eq(breakeven_search(&s, model_measure, &x, &r), 0);
        cr_assert_eq(r.status, BREAKEVEN_ALWAYS, "seed %d: %s", seed,
                     breakeven_status_name(r.status));
        cr_assert_eq(r.breakeven_size, s.min_size);
        cr_assert_eq(r.upper_size, s.min_size);
        cr_assert_eq(r.lower_size, -1);
        cr_assert(r.speedup > 1.0);
        s = settings_for(&x, 1, (long long)(nstar / 4));
        cr_assert_eq(breakeven_search(&s, model_measure, &x, &r), 0);
        cr_assert_eq(r.status, BREAKEVEN_NEVER, "seed %d: %s", seed,
                     breakeven_status_name(r.status));
        cr_assert_eq(r.breakeven_size, -1);
        cr_assert_eq(r.upper_size, -1);
        cr_assert_eq(r.lower_size, s.max_size, "never: the largest size searched");
        cr_assert(isnan(r.speedup) && isnan(r.time_1));
    }
}

Test(breakeven, growth_stops_at_the_run_time_limit) {
    struct model m = {.a = 1e-9, .c = 1.0, .threads = 2}; /* n* = 2e9: beyond the limit */
    struct breakeven_settings s = settings_for(&m, 1, 1LL << 40);
    s.max_run_s = 1e-3; /* one 1-thread run of 1 ms: n = 1e6 */
    struct breakeven_result r;
    cr_assert_eq(breakeven_search(&s, model_measure, &m, &r), 0);
    cr_assert_eq(r.status, BREAKEVEN_NEVER);
    cr_assert(r.searched_max >= 1000000 && r.searched_max < 4 * 1000000 + 4, "%lld",
              r.searched_max);
    cr_assert_eq(r.lower_size, r.searched_max);
}

Test(breakeven, a_measurement_error_is_passed_through) {
    struct model m = {.a = 1e-9, .c = 3e-6, .threads = 2, .fail_at = 37};
    struct breakeven_settings s = settings_for(&m, 1, 1000000000LL);
    struct breakeven_result r;
    cr_assert_eq(breakeven_search(&s, model_measure, &m, &r), 5);
}

Test(breakeven, sign_test) {
    cr_assert_float_eq(breakeven_sign_p(8, 8), 1.0 / 256, 1e-12);
    cr_assert_float_eq(breakeven_sign_p(7, 8), 9.0 / 256, 1e-12);
    cr_assert_eq(breakeven_sign_p(0, 8), 1.0);
    cr_assert_float_eq(breakeven_sign_p(5, 10), 638.0 / 1024, 1e-12);
    double t1[10], tn[10];
    for (int i = 0; i < 10; i++) {
        t1[i] = 1.0;
        tn[i] = i < 9 ? 0.5 : 3.0; /* 9 of 10 faster, one huge outlier the other way */
    }
    cr_assert_eq(breakeven_decide(t1, tn, 10, 0.025), BREAKEVEN_FASTER);
    cr_assert_eq(breakeven_decide(tn, t1, 10, 0.025), BREAKEVEN_SLOWER);
    for (int i = 0; i < 10; i++)
        tn[i] = i % 2 ? 0.9 : 1.1;
    cr_assert_eq(breakeven_decide(t1, tn, 10, 0.025), BREAKEVEN_TIE);
    cr_assert_eq(breakeven_decide(t1, t1, 10, 0.025), BREAKEVEN_TIE, "equal times decide nothing");
}

/* ---- a real kernel ---------------------------------------------------------------------- */

Test(breakeven, kernel_measurement_and_defaults) {
    const struct kernel *k = kernel_find("cpu_loop");
    cr_assert_not_null(k);
    const struct kernel_variant *v = breakeven_default_variant(k);
    cr_assert_str_eq(v->name, "omp");
    struct breakeven_kernel bk;
    breakeven_kernel_init(&bk, k, v, NULL, 1, 1e-4, 2);
    double t[3];
    for (long long size = 1; size <= 100; size *= 10) {
        cr_assert_eq(breakeven_kernel_measure(&bk, size, 1, t, 3), 0, "%s", bk.err);
        cr_assert_eq(breakeven_kernel_measure(&bk, size, 2, t + 1, 2), 0, "%s", bk.err);
        for (int i = 0; i < 3; i++)
            cr_assert(t[i] > 0.0 && isfinite(t[i]));
    }
    cr_assert_eq(breakeven_kernel_measure(&bk, 10, 3, t, 1), -1, "only 1 and N threads");
    cr_assert_eq(breakeven_kernel_finish(&bk), 0, "%s", bk.err);
    for (size_t i = 0; kernel_registry[i]; i++) {
        const struct kernel_variant *d = breakeven_default_variant(kernel_registry[i]);
        cr_assert_not_null(d, "%s", kernel_registry[i]->name);
        cr_assert_eq(d->flags & (VARIANT_SERIAL | VARIANT_LIBRARY | VARIANT_NESTED), 0u);
    }
}

Test(breakeven, size_cap_fits_two_working_sets) {
    const struct kernel *k = kernel_find("dot");
    double params[KERNEL_MAX_PARAMS] = {0};
    long long cap = breakeven_size_cap(k, params, 1 << 30);
    struct kernel_work w, w1;
    k->work((size_t)cap, params, &w);
    k->work((size_t)cap + 1, params, &w1);
    cr_assert(2.0 * w.working_set <= (1 << 30) && 2.0 * w1.working_set > (1 << 30), "%lld", cap);
    cr_assert_eq(breakeven_size_cap(kernel_find("cpu_loop"), params, 1 << 30),
                 kernel_find("cpu_loop")->max_size, "no arrays: the kernel's own maximum");
}

/* A registered-style kernel of known cost: its reference spins A_S seconds per item, its
 * parallel variant C_S + A_S x items / threads (a team's fixed cost, shared work). The kernel
 * measurement compares N threads with the reference, so they break even at
 * n* = C_S N / (A_S (N - 1)) = 40 items at 2 threads; compared with the parallel variant at 1
 * thread (which pays C_S too) N threads would win from the first item. */
#define A_S 1e-6
#define C_S 20e-6

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void spin(double seconds) {
    double t = now_s();
    while (now_s() - t < seconds)
        ;
}

struct spin_state {
    size_t n;
};

static int spin_setup(void **state, size_t size, const double *params, uint64_t seed) {
    (void)params;
    (void)seed;
    struct spin_state *s = malloc(sizeof *s);
    if (!s)
        return ENOMEM;
    s->n = size;
    *state = s;
    return 0;
}

static int spin_ref(void *state) {
    spin(A_S * (double)((struct spin_state *)state)->n);
    return 0;
}

static int spin_omp(void *state) {
    spin(C_S + A_S * (double)((struct spin_state *)state)->n / omp_get_max_threads());
    return 0;
}

static double spin_checksum(const void *state) {
    return (double)((const struct spin_state *)state)->n;
}

static void spin_teardown(void *state) {
    free(state);
}

static const struct kernel_param spin_params[] = {{NULL, PARAM_INTEGER, 0, 0, 0, NULL}};
static const struct kernel_variant spin_variants[] = {
    {"ref", "A_S per item", VARIANT_SERIAL, spin_ref},
    {"omp", "C_S + A_S per item / threads", VARIANT_CHUNKED, spin_omp},
    {NULL, NULL, 0, NULL}};
static const struct kernel spin_kernel = {.name = "spin",
                                          .min_size = 1,
                                          .max_size = 1 << 20,
                                          .params = spin_params,
                                          .variants = spin_variants,
                                          .setup = spin_setup,
                                          .checksum = spin_checksum,
                                          .teardown = spin_teardown};

Test(breakeven, a_kernel_of_known_cost_breaks_even_against_its_serial_reference) {
    struct breakeven_kernel bk;
    breakeven_kernel_init(&bk, &spin_kernel, &spin_variants[1], NULL, 1, 1e-3, 2);
    cr_assert_eq(bk.serial, &spin_variants[0], "the baseline is the reference");
    struct breakeven_settings s = {.min_size = 1, .max_size = 1000, .threads = 2};
    struct breakeven_result r;
    cr_assert_eq(breakeven_search(&s, breakeven_kernel_measure, &bk, &r), 0, "%s", bk.err);
    cr_assert_eq(breakeven_kernel_finish(&bk), 0, "%s", bk.err);
    cr_expect_eq(r.status, BREAKEVEN_FOUND, "%s", breakeven_status_name(r.status));
    /* The bracket holds n* = 40 (a tenth either way for the spin's own cost). */
    cr_expect(r.lower_size <= 44 && r.upper_size >= 36, "[%lld, %lld], n* = 40", r.lower_size,
              r.upper_size);
    cr_expect(r.upper_size <= 60, "the bracket closes in on it: upper %lld", r.upper_size);
}

/* Both sides take the same time, with independent noise: no size can be decided. */
static int tie_measure(void *ctx, long long size, int threads, double *times, int n) {
    struct model *m = ctx;
    (void)threads;
    for (int i = 0; i < n; i++)
        times[i] = m->a * (double)size * (1.0 + m->noise * (2.0 * uniform(&m->rng) - 1.0));
    return 0;
}

Test(breakeven, never_only_when_shown_slower_at_the_largest_size) {
    struct model m = {.a = 1e-6, .c = 1e-3, .threads = 2, .rng = 9};
    struct breakeven_settings s = {.min_size = 1, .max_size = 64, .threads = 2};
    struct breakeven_result r;
    cr_assert_eq(breakeven_search(&s, model_measure, &m, &r), 0);
    cr_expect_eq(r.status, BREAKEVEN_NEVER, "64 items x 1 us against a 1 ms team: shown slower");
    /* Equal times at every size: never shown faster, never shown slower: undecided. */
    struct model tie = {.a = 1e-6, .threads = 2, .rng = 9, .noise = 0.05};
    s.max_size = 8;
    cr_assert_eq(breakeven_search(&s, tie_measure, &tie, &r), 0);
    cr_expect_eq(r.status, BREAKEVEN_UNDECIDED, "%s", breakeven_status_name(r.status));
    cr_expect_str_eq(breakeven_status_name(r.status), "undecided");
    cr_expect_eq(r.breakeven_size, -1);
}

/* ---- the command ------------------------------------------------------------------------ */

static const struct {
    const char *args, *expect;
} bad_cases[] = {
    {"breakeven", "which kernel"},
    {"breakeven nope", "unknown kernel 'nope'"},
    {"breakeven dot,nope", "unknown kernel 'nope'"},
    {"breakeven dot,", "kernels: 'dot,': empty item"},
    {"breakeven dot extra", "unexpected argument 'extra'"},
    {"breakeven dot --variant foo", "--variant: 'foo' is not a variant of dot"},
    {"breakeven dot --variant ref", "--variant: dot/ref is serial"},
    {"breakeven gemm --variant omp_in_omp", "--variant: gemm/omp_in_omp is nested"},
    {"breakeven dot,cpu_loop --variant blas", "'blas' is not a variant of cpu_loop"},
    {"breakeven dot --threads 1", "--threads: 1 is out of range"},
    {"breakeven dot --threads x", "--threads: 'x' is not a whole number"},
    {"breakeven dot --min-size 0", "--min-size: 0 is out of range"},
    {"breakeven dot --min-size 100 --max-size 10", "--min-size 100 is above --max-size 10"},
    {"breakeven dot --max-size 2G", "--max-size 2000000000: dot takes sizes 1 to"},
    {"breakeven noise --min-size 10", "--min-size 10: noise takes sizes"},
    {"breakeven dot --max-pairs 4", "--max-pairs: 4 is out of range"},
    {"breakeven dot --min-time 0", "--min-time"},
    {"breakeven dot --seed -1", "--seed: '-1' is not a whole number"},
    {"breakeven dot --bogus", "unknown option '--bogus'"},
    {"breakeven dot --csv /proc/no/such/b.csv", "--csv: cannot"},
};

Test(breakeven_cli, bad_input_exits_2_names_the_problem_and_writes_nothing) {
    char dir[] = "/tmp/ompsweep-be-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        char args[1024];
        if (strstr(bad_cases[i].args, "--csv"))
            snprintf(args, sizeof args, "%s --json %s/b.json", bad_cases[i].args, dir);
        else
            snprintf(args, sizeof args, "%s --csv %s/b.csv --json %s/b.json", bad_cases[i].args,
                     dir, dir);
        expect_usage_error(args, bad_cases[i].expect, dir);
    }
    rmdir(dir);
}

Test(breakeven_cli, a_thread_limit_below_n_is_refused) {
    static char out[1 << 14];
    char cmd[512];
    snprintf(cmd, sizeof cmd, "OMP_THREAD_LIMIT=2 %s breakeven dot --threads 3 2>&1", OMPSWEEP_BIN);
    FILE *p = popen(cmd, "r");
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "%s", out);
    cr_assert(strstr(out, "--threads 3: OMP_THREAD_LIMIT=2 caps a team at 2 threads"), "%s", out);
}

Test(breakeven_cli, help_names_the_options) {
    static char out[1 << 14];
    cr_assert_eq(run_ompsweep("breakeven --help", out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "--max-size") && strstr(out, "--variant"), "%s", out);
}

/* Format and exit code only: on a shared machine the answer itself is not asserted. */
Test(breakeven_cli, writes_the_documented_csv_and_json) {
    char dir[] = "/tmp/ompsweep-be-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char args[1024], cmd[2048];
    static char out[1 << 16];
    snprintf(args, sizeof args,
             "breakeven cpu_loop,dot --threads 2 --max-size 64 --min-time 0.2ms --max-pairs 8 "
             "--csv %s/b-%%h.csv --json %s/b.json",
             dir, dir);
    cr_assert_eq(run_ompsweep(args, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "Break-even") && strstr(out, "[cpu_loop/omp] size 1:"), "%s", out);
    snprintf(
        cmd, sizeof cmd,
        "/usr/bin/python3 -c 'import csv,json,glob,sys; d=sys.argv[1]; "
        "f=open(glob.glob(d+\"/b-*.csv\")[0]); "
        "assert f.readline().strip()==\"kernel,variant,threads,status,breakeven_size,"
        "breakeven_working_set_bytes,lower_size,upper_size,time_1thread_s,time_nthreads_s,"
        "speedup_at_breakeven,measurements,baseline,run_id\"; f.seek(0); "
        "r=list(csv.DictReader(f)); "
        "assert [x[\"kernel\"] for x in r]==[\"cpu_loop\",\"dot\"]; "
        "assert all(x[\"status\"] in (\"found\",\"always\",\"never\",\"undecided\") for x in r); "
        "assert all(x[\"variant\"]==\"omp\" and x[\"threads\"]==\"2\" for x in r); "
        "assert all(int(x[\"measurements\"])>=16 for x in r); "
        "assert all((x[\"breakeven_size\"]==\"\")==(x[\"status\"] in (\"never\",\"undecided\")) "
        "for x in r); "
        "assert all(x[\"baseline\"]==\"ref\" for x in r); "
        "j=json.load(open(d+\"/b.json\")); assert j[\"schema\"]==\"ompsweep-breakeven-2\"; "
        "assert j[\"context\"][\"host\"]; b=j[\"breakeven\"]; "
        "assert [set(x)|{\"run_id\"} for x in b]==[set(r[0])]*2; "
        "assert all(x[\"run_id\"]==j[\"context\"][\"run_id\"] for x in r); "
        "assert [x[\"status\"] for x in b]==[x[\"status\"] for x in r]' %s",
        dir);
    cr_assert_eq(system(cmd), 0, "the CSV and JSON must hold the documented columns");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}
