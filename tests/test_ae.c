/* Tests for `ompsweep ae` end to end: its CSV against scripts/ae_reference.py (an independent
 * numpy computation from the definitions, docs/ae.md) on .tradb files the test writes itself
 * (raw and FLAC) and on the real files of ../shared/data/ae when present; raw equals FLAC;
 * the same bytes at any thread count, schedule and chunk; bad records and bad files reported
 * and skipped; usage errors. Every run draws fresh records (the seed is printed on failure).
 */
#include "cli_support.h"
#include "test_support.h"
#include "tradb_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>

#define REAL_DATA "../shared/data/ae"
#define PYTHON    "/usr/bin/python3 scripts/ae_reference.py"
#define NREC      40

static char dir[] = "/tmp/ompsweep-ae-XXXXXX";
static char out[1 << 16];
static int16_t *samples[NREC];
static struct tradb_support_record recs[NREC];
static uint64_t seed;

static double uniform(uint64_t *s) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) * 0x1p-53;
}

/* Bursts of random size, frequency and length, TRAIs shuffled against SetIDs. */
static void make_records(void) {
    uint64_t s = seed = fresh_seed();
    for (int i = 0; i < NREC; i++) {
        size_t n = 64 + (size_t)(uniform(&s) * 20000);
        double amp = 200.0 + uniform(&s) * 30000.0, f = 0.05 + 0.3 * uniform(&s);
        samples[i] = malloc(n * sizeof(int16_t));
        cr_assert(samples[i]);
        for (size_t k = 0; k < n; k++) {
            double t = k < n / 8 ? 0.0 : (double)(k - n / 8);
            double v = amp * exp(-4.0 * t / n) * sin(f * t) * (t > 0) + 40.0 * (uniform(&s) - 0.5);
            samples[i][k] = (int16_t)lrint(fmax(-32768.0, fmin(32767.0, v)));
        }
        recs[i] = (struct tradb_support_record){.trai = (i * 7) % NREC + 1,
                                                .time_ticks = 1000 * i + 17,
                                                .chan = 1 + i % 4,
                                                .pretrigger = (long)(n / 8),
                                                .thr = 10 + (long)(uniform(&s) * 60),
                                                .sample_rate = i % 2 ? 5000000 : 1000000,
                                                .data = samples[i],
                                                .samples = n,
                                                .adc_uv = 1.52226441093467,
                                                .tr_mv = 0.00304452859014046 * (1 + i % 3)};
    }
}

static void setup(void) {
    cr_assert(mkdtemp(dir), "mkdtemp");
    make_records();
}

static void teardown(void) {
    for (int i = 0; i < NREC; i++)
        free(samples[i]);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(ae, .init = setup, .fini = teardown, .timeout = 120);

static char *path_in(const char *name) {
    static char buf[4][512];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 512, "%s/%s", dir, name);
    return p;
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot read %s", path);
    static char *bufs[2];
    static int next;
    char **b = &bufs[next++ % 2];
    free(*b);
    *b = calloc(1, 1 << 22);
    size_t n = fread(*b, 1, (1 << 22) - 1, f);
    fclose(f);
    (*b)[n] = '\0';
    return *b;
}

static int count_lines(const char *s) {
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void run_ok(const char *args) {
    int rc = run_ompsweep(args, out, sizeof out);
    cr_assert_eq(rc, 0, "ompsweep %s exited %d (seed %llu):\n%s", args, rc,
                 (unsigned long long)seed, out);
}

static void python_check(const char *csv, const char *files) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, PYTHON " --check %s %s 2>&1", csv, files);
    int rc = system(cmd);
    cr_expect_eq(rc, 0, "%s (seed %llu)", cmd, (unsigned long long)seed);
}

/* The rows with the file and set_id columns cut, to compare raw with FLAC. */
static void cut_names(const char *csv, const char *dest) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cut -d, -f2,4- %s > %s", csv, dest);
    cr_assert_eq(system(cmd), 0);
}

Test(ae, generated_raw_and_flac_files_match_the_reference_and_each_other) {
    char *raw = path_in("gen_raw.tradb"), *flac = path_in("gen_flac.tradb");
    cr_assert_eq(tradb_support_write(raw, recs, NREC, TRADB_RAW), 0);
    cr_assert_eq(tradb_support_write(flac, recs, NREC, TRADB_FLAC), 0);
    char args[2048], both[1100];
    snprintf(args, sizeof args, "ae -q %s %s -o %s/both.csv", raw, flac, dir);
    run_ok(args);
    snprintf(both, sizeof both, "%s %s", raw, flac);
    python_check(path_in("both.csv"), both);
    snprintf(args, sizeof args, "ae -q %s -o %s/raw.csv", raw, dir);
    run_ok(args);
    snprintf(args, sizeof args, "ae -q %s -o %s/flac.csv", flac, dir);
    run_ok(args);
    cut_names(path_in("raw.csv"), path_in("raw.cut"));
    cut_names(path_in("flac.csv"), path_in("flac.cut"));
    cr_expect_str_eq(slurp(path_in("raw.cut")), slurp(path_in("flac.cut")), "raw != FLAC");
    cr_expect_eq(count_lines(slurp(path_in("raw.csv"))), NREC + 1);
}

/* Two inputs of the same name in different folders: each row names its file by the path given,
 * so their rows can be told apart. */
Test(ae, rows_name_the_file_by_the_path_given) {
    char a_dir[600], b_dir[600], a_file[700], b_file[700];
    snprintf(a_dir, sizeof a_dir, "%s/a", dir);
    snprintf(b_dir, sizeof b_dir, "%s/b", dir);
    cr_assert_eq(mkdir(a_dir, 0755), 0);
    cr_assert_eq(mkdir(b_dir, 0755), 0);
    snprintf(a_file, sizeof a_file, "%s/x.tradb", a_dir);
    snprintf(b_file, sizeof b_file, "%s/x.tradb", b_dir);
    cr_assert_eq(tradb_support_write(a_file, recs, NREC, TRADB_RAW), 0);
    cr_assert_eq(tradb_support_write(b_file, recs, NREC, TRADB_RAW), 0);
    char args[2048];
    snprintf(args, sizeof args, "ae -q %s %s -o %s/two.csv", a_file, b_file, dir);
    run_ok(args);
    const char *csv = slurp(path_in("two.csv"));
    char a_row[800], b_row[800];
    snprintf(a_row, sizeof a_row, "\n%s,1,", a_file);
    snprintf(b_row, sizeof b_row, "\n%s,1,", b_file);
    cr_expect(strstr(csv, a_row) && strstr(csv, b_row), "rows do not name %s and %s:\n%.600s",
              a_file, b_file, csv);
}

Test(ae, the_same_bytes_at_any_threads_schedule_chunk_and_batch) {
    char flac[600];
    snprintf(flac, sizeof flac, "%s", path_in("gen_flac.tradb"));
    cr_assert_eq(tradb_support_write(flac, recs, NREC, TRADB_FLAC), 0);
    char args[2048];
    snprintf(args, sizeof args, "ae -q %s -o %s/t1.csv --threads 1", flac, dir);
    run_ok(args);
    char *first = strdup(slurp(path_in("t1.csv")));
    static const char *const variants[] = {
        "--threads 2", "--threads 3 --schedule static", "--threads 5 --chunk 1 --batch 3",
        "--threads 2 --schedule guided --chunk 0 --batch 1", "--threads 7 --chunk 100"};
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        snprintf(args, sizeof args, "ae -q %s -o %s/t.csv %s", flac, dir, variants[i]);
        run_ok(args);
        cr_expect_str_eq(slurp(path_in("t.csv")), first, "%s differs (seed %llu)", variants[i],
                         (unsigned long long)seed);
    }
    free(first);
}

/* Record 3 gets an unknown format and record 5 a blob too short for its Samples. */
Test(ae, bad_records_are_named_and_skipped_and_the_rest_is_written) {
    char *raw = path_in("bad.tradb");
    cr_assert_eq(tradb_support_write(raw, recs, NREC, TRADB_RAW), 0);
    char sql[512];
    snprintf(sql, sizeof sql,
             "UPDATE tr_data SET DataFormat = 5 WHERE TRAI = 3;"
             "UPDATE tr_data SET Data = substr(Data, 1, 10) WHERE TRAI = 5;");
    cr_assert_eq(tradb_support_exec(raw, sql), 0);
    char args[1024];
    snprintf(args, sizeof args, "ae %s -o %s/bad.csv", raw, dir);
    int rc = run_ompsweep(args, out, sizeof out);
    cr_expect_eq(rc, 1, "exit %d:\n%s", rc, out);
    cr_expect(strstr(out, "TRAI 3") && strstr(out, "DataFormat"), "%s", out);
    cr_expect(strstr(out, "TRAI 5"), "%s", out);
    cr_expect(strstr(out, "2 records skipped"), "%s", out);
    cr_expect_eq(count_lines(slurp(path_in("bad.csv"))), NREC - 1, "header + the good records");
}

Test(ae, a_file_that_is_not_tradb_is_reported_and_the_others_still_processed) {
    char *good = path_in("good.tradb"), *text = path_in("notes.tradb");
    cr_assert_eq(tradb_support_write(good, recs, 3, TRADB_RAW), 0);
    FILE *f = fopen(text, "w");
    cr_assert(f);
    fputs("this is not a database\n", f);
    fclose(f);
    char args[1024];
    snprintf(args, sizeof args, "ae %s %s/missing.tradb %s -o %s/out/mixed.csv", text, dir, good,
             dir);
    int rc = run_ompsweep(args, out, sizeof out);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "notes.tradb") && strstr(out, "missing.tradb"), "%s", out);
    cr_expect_eq(count_lines(slurp(path_in("out/mixed.csv"))), 4);
    /* Nothing readable at all: no output file. */
    snprintf(args, sizeof args, "ae %s -o %s/none/none.csv", text, dir);
    cr_expect_eq(run_ompsweep(args, out, sizeof out), 1, "%s", out);
    struct stat st;
    cr_expect(stat(path_in("none/none.csv"), &st) != 0, "an output was left behind");
}

Test(ae, usage_errors_name_the_argument) {
    char empty[600];
    snprintf(empty, sizeof empty, "%s/empty", dir);
    cr_assert_eq(mkdir(empty, 0700), 0);
    char a[1024];
    expect_usage_error("ae", "no .tradb file", empty);
    snprintf(a, sizeof a, "ae x.tradb --threads 0 -o %s/o.csv", empty);
    expect_usage_error(a, "--threads", empty);
    snprintf(a, sizeof a, "ae x.tradb --schedule fast -o %s/o.csv", empty);
    expect_usage_error(a, "--schedule", empty);
    snprintf(a, sizeof a, "ae x.tradb --chunk many -o %s/o.csv", empty);
    expect_usage_error(a, "--chunk", empty);
    snprintf(a, sizeof a, "ae x.tradb --batch 0 -o %s/o.csv", empty);
    expect_usage_error(a, "--batch", empty);
    expect_usage_error("ae x.tradb --frobnicate", "--frobnicate", empty);
    expect_usage_error("ae x.tradb -o /proc/forbidden/x.csv", "-o", empty);
}

Test(ae, the_reference_check_itself_catches_a_wrong_value) {
    char *raw = path_in("gen_raw.tradb");
    cr_assert_eq(tradb_support_write(raw, recs, 4, TRADB_RAW), 0);
    char args[1024], cmd[2048];
    snprintf(args, sizeof args, "ae -q %s -o %s/ok.csv", raw, dir);
    run_ok(args);
    /* The energy of the second row changed by 2e-5 relative, twice the tolerance. */
    snprintf(cmd, sizeof cmd,
             "awk -F, -v OFS=, 'NR==3 {$13 = sprintf(\"%%.12g\", $13 * 1.00002)} {print}' "
             "%s/ok.csv > %s/wrong.csv",
             dir, dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, PYTHON " --check %s/wrong.csv %s > /dev/null 2>&1", dir, raw);
    cr_expect_neq(system(cmd), 0, "the check did not notice a changed energy");
}

static int have_real_data(void) {
    struct stat st;
    return stat(REAL_DATA "/sample_plain.tradb", &st) == 0;
}

Test(ae, real_files_match_the_reference_and_flac_equals_raw) {
    if (!have_real_data())
        cr_skip_test("%s is not here", REAL_DATA);
    char args[2048];
    snprintf(args, sizeof args, "ae -q " REAL_DATA "/sample_plain.tradb -o %s/plain.csv", dir);
    run_ok(args);
    const char *plain = slurp(path_in("plain.csv"));
    cr_expect_eq(count_lines(plain), 5, "the four hits of sample_plain:\n%s", plain);
    for (int trai = 1; trai <= 4; trai++) {
        char row[64];
        snprintf(row, sizeof row, "\n" REAL_DATA "/sample_plain.tradb,%d,", trai);
        cr_expect(strstr(plain, row), "no TRAI %d in\n%s", trai, plain);
    }
    static const char *const files =
        REAL_DATA "/sample_plain.tradb " REAL_DATA "/sample.tradb " REAL_DATA
                  "/bearing.tradb " REAL_DATA "/signal-raw.tradb " REAL_DATA "/signal-flac.tradb";
    snprintf(args, sizeof args, "ae -q %s -o %s/real.csv", files, dir);
    run_ok(args);
    python_check(path_in("real.csv"), files);
    snprintf(args, sizeof args, "ae -q " REAL_DATA "/sample.tradb -o %s/flac.csv", dir);
    run_ok(args);
    cut_names(path_in("plain.csv"), path_in("plain.cut"));
    cut_names(path_in("flac.csv"), path_in("flac.cut"));
    cr_expect_str_eq(slurp(path_in("plain.cut")), slurp(path_in("flac.cut")));
}
