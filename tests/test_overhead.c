/* The EPCC-style overhead measurements: the delay, the confidence interval, every construct on
 * a tiny budget, and the `ompsweep overhead` command on good and bad input. Nothing here
 * asserts a speed: the machine is shared. */
#include "cli_support.h"
#include "engine/overhead.h"
#include "engine/sweep.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

Test(overhead, delay_does_its_arithmetic) {
    double acc = 1.0;
    overhead_delay(1, &acc);
    cr_assert_eq(acc, 1.0 * 0.9999999 + 1.0);
    acc = 1.0;
    overhead_delay(3, &acc);
    double want = 1.0;
    for (int i = 0; i < 3; i++)
        want = want * 0.9999999 + 1.0;
    cr_assert_eq(acc, want);
    acc = 5.0;
    overhead_delay(0, &acc);
    cr_assert_eq(acc, 5.0);
    double ns;
    cr_assert_gt(overhead_delay_steps(0.1, &ns), 0);
    cr_assert(ns > 0.0 && isfinite(ns));
    cr_assert_eq(overhead_delay_steps(0.0, &ns), 0);
}

Test(overhead, mean_and_student_t_interval) {
    double x[] = {1, 2, 3, 4, 5}, mean, lo, hi;
    overhead_mean_ci95(x, 5, &mean, &lo, &hi);
    /* t(0.975, 4) = 2.7764451; sd = sqrt(2.5) */
    double half = 2.7764451051977987 * sqrt(2.5) / sqrt(5.0);
    cr_assert_float_eq(mean, 3.0, 1e-15);
    cr_assert_float_eq(lo, 3.0 - half, 1e-9);
    cr_assert_float_eq(hi, 3.0 + half, 1e-9);
    overhead_mean_ci95(x, 1, &mean, &lo, &hi);
    cr_assert(mean == 1.0 && isnan(lo) && isnan(hi));
}

Test(overhead, construct_names_round_trip) {
    for (int i = 0; i < OVERHEAD_NCONSTRUCTS; i++)
        cr_assert_eq(overhead_parse_construct(overhead_construct_name(i)), i);
    cr_assert_eq(overhead_parse_construct("sections"), -1);
    cr_assert_str_eq(overhead_construct_name(OVERHEAD_PARALLEL_FOR), "parallel_for");
}

/* Every construct at 1 and 2 threads with a fixed small budget: the bookkeeping holds (the
 * overhead is the test minus the reference, the interval surrounds the mean). */
Test(overhead, every_construct_is_measured_and_accounted) {
    struct overhead_settings s = {
        .delay_steps = 20, .samples = 3, .reps = 8, .iters_per_thread = 16, .cpus = 1};
    char err[256];
    for (int threads = 1; threads <= 2; threads++)
        for (int c = 0; c < OVERHEAD_NCONSTRUCTS; c++) {
            struct overhead_point o;
            int rc = overhead_measure(&s, c, threads, SCHED_DYNAMIC, 4, &o, err, sizeof err);
            cr_assert_eq(rc, 0, "%s: %s", overhead_construct_name(c), err);
            cr_assert(o.test_us > 0.0 && o.ref_us > 0.0, "%s", overhead_construct_name(c));
            cr_assert_float_eq(o.overhead_us, o.test_us - o.ref_us, 1e-9 * o.test_us);
            cr_assert(o.ci95_low_us <= o.overhead_us && o.overhead_us <= o.ci95_high_us);
            cr_assert_eq(o.samples, 3);
            cr_assert_eq(o.reps, 8);
            cr_assert_eq(o.executions, c == OVERHEAD_CRITICAL ? 8 * threads : 8);
            cr_assert_eq(o.oversubscribed, threads > 1, "cpus = 1");
            cr_assert_eq(o.schedule, c == OVERHEAD_SCHEDULE ? SCHED_DYNAMIC : -1);
            cr_assert_eq(o.chunk, c == OVERHEAD_SCHEDULE ? 4 : 0);
        }
}

/* The calibrated path (reps = 0). A preempted first run may end the calibration early, so
 * the repetitions found are not asserted. */
Test(overhead, calibrated_measurement_runs) {
    struct overhead_settings s = {
        .delay_steps = 10, .samples = 2, .min_time = 1e-3, .iters_per_thread = 8, .cpus = 2};
    struct overhead_point o;
    char err[256];
    cr_assert_eq(overhead_measure(&s, OVERHEAD_BARRIER, 2, -1, 0, &o, err, sizeof err), 0, "%s",
                 err);
    cr_assert_geq(o.reps, 1);
    cr_assert(isfinite(o.overhead_us) && isfinite(o.ci95_low_us) && isfinite(o.ci95_high_us));
}

/* ---- the command ------------------------------------------------------------------------ */

static const struct {
    const char *args, *expect;
} bad_cases[] = {
    {"overhead --threads 0", "--threads: 0 is out of range"},
    {"overhead --threads 1,,2", "--threads: '1,,2': empty item"},
    {"overhead --construct sections", "--construct: 'sections' is not one of parallel, for"},
    {"overhead --construct ''", "--construct: empty list"},
    {"overhead --schedule fastest", "--schedule: 'fastest' is not one of static, dynamic, guided"},
    {"overhead --chunk 0", "--chunk: 0 is out of range"},
    {"overhead --chunks 4,x", "--chunk: 'x' is not a whole number"},
    {"overhead --iters 0", "--iters: 0 is out of range"},
    {"overhead --delay -1", "--delay: -1 is out of range"},
    {"overhead --delay nan", "--delay: 'nan' is not a finite number"},
    {"overhead --delay 1us", "--delay: '1us' is not a number"},
    {"overhead --samples 0", "--samples: 0 is out of range"},
    {"overhead --min-time soon", "--min-time: 'soon' is not a duration"},
    {"overhead --reps 0", "--reps: 0 is out of range"},
    {"overhead --bogus", "unknown option '--bogus'"},
    {"overhead extra", "unexpected argument 'extra'"},
    {"overhead --json /proc/no/such/o.json", "--json: cannot"},
};

Test(overhead_cli, bad_input_exits_2_names_the_problem_and_writes_nothing) {
    char dir[] = "/tmp/ompsweep-ovh-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        char args[1024];
        if (strstr(bad_cases[i].args, "--json"))
            snprintf(args, sizeof args, "%s --csv %s/o.csv", bad_cases[i].args, dir);
        else
            snprintf(args, sizeof args, "%s --csv %s/o.csv --json %s/o.json", bad_cases[i].args,
                     dir, dir);
        expect_usage_error(args, bad_cases[i].expect, dir);
    }
    rmdir(dir);
}

Test(overhead_cli, a_team_smaller_than_asked_is_refused_and_writes_nothing) {
    char dir[] = "/tmp/ompsweep-ovh-XXXXXX", cmd[1024];
    cr_assert_not_null(mkdtemp(dir));
    static char out[1 << 14];
    snprintf(cmd, sizeof cmd,
             "OMP_THREAD_LIMIT=1 %s overhead --threads 2 --construct barrier --samples 2 "
             "--reps 2 --quiet --csv %s/o.csv 2>&1",
             OMPSWEEP_BIN, dir);
    FILE *p = popen(cmd, "r");
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "%s", out);
    cr_assert(strstr(out, "--threads 2: OMP_THREAD_LIMIT=1 caps a team at 1 thread;"), "%s", out);
    cr_assert(dir_is_empty(dir));
    rmdir(dir);
}

static int allowed_cpus(void) {
    cpu_set_t set;
    return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
}

/* Format and exit code only. */
Test(overhead_cli, writes_the_documented_csv_and_json) {
    char dir[] = "/tmp/ompsweep-ovh-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char args[1024], cmd[2048];
    static char out[1 << 16];
    int over = allowed_cpus() + 1;
    snprintf(args, sizeof args,
             "overhead --threads 1,%d --construct parallel,critical,schedule --schedule "
             "static,guided --chunk 1,8 --iters 16 --samples 3 --reps 4 --delay 0.05 "
             "--csv %s/o-%%h.csv --json %s/o.json",
             over, dir, dir);
    cr_assert_eq(run_ompsweep(args, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "OpenMP overheads") && strstr(out, "[1/12] parallel threads=1"), "%s",
              out);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import csv,json,glob,sys; d=sys.argv[1]; o=%d; "
             "f=open(glob.glob(d+\"/o-*.csv\")[0]); "
             "assert f.readline().strip()==\"construct,schedule,chunk,threads,oversubscribed,"
             "test_us,ref_us,overhead_us,ci95_low_us,ci95_high_us,samples,run_id\"; f.seek(0); "
             "r=list(csv.DictReader(f)); assert len(r)==12, len(r); "
             "assert [x[\"construct\"] for x in r[:6]]==[\"parallel\",\"critical\"]+"
             "[\"schedule\"]*4; "
             "assert all((x[\"schedule\"]==\"-\" and x[\"chunk\"]==\"\")==(x[\"construct\"]!="
             "\"schedule\") for x in r); "
             "assert [(x[\"schedule\"],x[\"chunk\"]) for x in r[2:6]]==[(\"static\",\"1\"),"
             "(\"static\",\"8\"),(\"guided\",\"1\"),(\"guided\",\"8\")]; "
             "assert all((x[\"oversubscribed\"]==\"yes\")==(int(x[\"threads\"])==o) for x in r); "
             "assert all(x[\"samples\"]==\"3\" and float(x[\"test_us\"])>0 for x in r); "
             "assert all(float(x[\"ci95_low_us\"])<=float(x[\"overhead_us\"])<="
             "float(x[\"ci95_high_us\"]) for x in r); "
             "j=json.load(open(d+\"/o.json\")); assert j[\"schema\"]==\"ompsweep-overhead-1\"; "
             "assert j[\"context\"][\"host\"]; v=j[\"overheads\"]; assert len(v)==12; "
             "assert set(v[0])|{\"run_id\"}==set(r[0]); "
             "assert all(x[\"run_id\"]==j[\"context\"][\"run_id\"] for x in r); "
             "assert v[0][\"chunk\"] is None and v[2][\"chunk\"]==1' "
             "%s",
             over, dir);
    cr_assert_eq(system(cmd), 0, "the CSV and JSON must hold the documented columns");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}
