/* What `ompsweep report` does with inputs that are damaged or impossible (docs/report.md,
 * "What the report refuses"), with a CSV/JSON pair written by two runs, and with a plot that
 * gnuplot left incomplete. gnuplot is replaced by a small script (fake_gnuplot) so that the
 * images it "draws" are chosen by the test. */
#include "cli_support.h"
#include "report/plot_check.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- files --------------------------------------------------------------------------------- */

static char *new_dir(void) {
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/ompsweep-report-inputs-XXXXXX");
    test_dir_make(dir);
    return dir;
}

static void write_bytes(const char *dir, const char *name, const void *data, size_t len) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

__attribute__((format(printf, 3, 4))) static void write_text(const char *dir, const char *name,
                                                             const char *fmt, ...) {
    char text[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cr_assert(n > 0 && (size_t)n < sizeof text);
    write_bytes(dir, name, text, (size_t)n);
}

static char *read_file(const char *dir, const char *name) {
    static char buf[1 << 18];
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int exists(const char *dir, const char *name) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

/* The columns of a sweep's CSV that the report needs, and the run id. */
static const char header[] = "kernel,variant,threads,schedule,size,working_set_bytes,median_s,"
                             "speedup,oversubscribed,run_id\n";

/* A row of a 1, 2, 4 thread sweep of variant omp (serial fraction 0.1), with the given run id;
 * the last four calls' rows stay valid, so one printf may take several. */
static const char *row(int threads, const char *run_id) {
    static char buf[4][256];
    static int next;
    char *r = buf[next++ % 4];
    double speedup = 1 / (0.1 + 0.9 / threads);
    snprintf(r, sizeof buf[0], "synth,omp,%d,static,1000000,8000000,%.9g,%.6g,no,%s\n", threads,
             1.0 / speedup, speedup, run_id);
    return r;
}

/* A sweep's JSON: its context (holding run_id when not NULL) and npoints empty points. */
static void sweep_json(const char *dir, const char *name, const char *run_id, int npoints) {
    char id[96] = "", points[256] = "";
    if (run_id)
        snprintf(id, sizeof id, ", \"run_id\": \"%s\"", run_id);
    for (int i = 0; i < npoints; i++)
        strcat(points, i ? ", {}" : "{}");
    write_text(
        dir, name,
        "{\"schema\": \"ompsweep-run-2\", \"study\": \"run\",\n"
        "\"context\": {\"date\": \"2026-11-21T10:00:00Z\", \"host\": \"h\", \"cores\": 4%s},\n"
        "\"points\": [%s]}\n",
        id, points);
}

/* sweep.csv and sweep.json of one run (id "R1"), 3 points. */
static void good_sweep(const char *dir) {
    char csv[2048];
    snprintf(csv, sizeof csv, "%s", header);
    for (int t = 1; t <= 4; t *= 2)
        strcat(csv, row(t, "R1"));
    write_text(dir, "sweep.csv", "%s", csv);
    sweep_json(dir, "sweep.json", "R1", 3);
}

/* ---- a gnuplot that draws what the test says ----------------------------------------------- */

/* A PNG of one pixel, complete: signature, IHDR, IDAT, IEND. */
static const unsigned char png_1x1[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00,
    0x00, 0x3a, 0x7e, 0x9b, 0x55, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78,
    0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x48, 0xaf, 0xa4, 0x71, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

static const char svg_whole[] = "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<g/>\n</svg>\n";

/* dir/fake_gnuplot: called as `gnuplot -e "svg_out='A'; png_out='B'" NAME.gp`, it copies
 * $FAKE_SVG to A and $FAKE_PNG to B, prints $FAKE_SAYS on stderr and exits $FAKE_EXIT. */
static void fake_gnuplot(const char *dir) {
    write_text(dir, "fake_gnuplot",
               "#!/bin/sh\n"
               "svg=${2#svg_out=\\'}; svg=${svg%%%%\\'*}\n"
               "png=${2#*png_out=\\'}; png=${png%%%%\\'*}\n"
               "cat \"$FAKE_SVG\" > \"$svg\"\n"
               "if [ -n \"$png\" ]; then cat \"$FAKE_PNG\" > \"$png\"; fi\n"
               "if [ -n \"$FAKE_SAYS\" ]; then echo \"$FAKE_SAYS\" >&2; fi\n"
               "exit ${FAKE_EXIT:-0}\n");
    char path[512];
    snprintf(path, sizeof path, "%s/fake_gnuplot", dir);
    cr_assert_eq(chmod(path, 0755), 0);
    write_bytes(dir, "good.svg", svg_whole, strlen(svg_whole));
    write_bytes(dir, "good.png", png_1x1, sizeof png_1x1);
}

/* `ompsweep report DIR/data -o DIR/out/report.md ARGS` with the fake gnuplot drawing svg and png
 * (file names in dir), saying says and exiting exit_code; stdout and stderr in out. */
static int report_with(const char *dir, const char *svg, const char *png, const char *says,
                       int exit_code, const char *args, char *out, size_t outlen) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "OMPSWEEP_GNUPLOT=%s/fake_gnuplot FAKE_SVG=%s/%s FAKE_PNG=%s/%s FAKE_SAYS='%s' "
             "FAKE_EXIT=%d %s report %s/data -o %s/out/report.md %s 2>&1",
             dir, dir, svg, dir, png, says, exit_code, OMPSWEEP_BIN, dir, dir, args);
    return run_shell(cmd, out, outlen);
}

/* A folder with data/ (the results) and out/ (the report), and the fake gnuplot. */
static char *report_dir(void) {
    char *dir = new_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    snprintf(sub, sizeof sub, "%s/out", dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    fake_gnuplot(dir);
    return dir;
}

/* The report of DIR/data with SVG plots only, all drawn whole. */
static int report_svg(const char *dir, char *out, size_t outlen) {
    return report_with(dir, "good.svg", "good.png", "", 0, "--no-png", out, outlen);
}

/* The report refuses DIR/data: exit 1, every one of the expected texts said, no report. */
static void expect_refusal(const char *dir, const char *const *expect, size_t n) {
    static char out[1 << 16];
    int rc = report_svg(dir, out, sizeof out);
    cr_expect_eq(rc, 1, "exit %d:\n%s", rc, out);
    for (size_t i = 0; i < n; i++)
        cr_expect(strstr(out, expect[i]), "expected '%s' in:\n%s", expect[i], out);
    cr_expect(!exists(dir, "out/report.md"), "a refused folder still gave a report:\n%s", out);
}

/* The report of DIR/data goes ahead (exit 0) and says the warning on stderr and in the report. */
static const char *expect_warning(const char *dir, const char *warning) {
    static char out[1 << 16];
    int rc = report_svg(dir, out, sizeof out);
    cr_expect_eq(rc, 0, "exit %d:\n%s", rc, out);
    cr_expect(strstr(out, warning), "expected '%s' on stderr:\n%s", warning, out);
    const char *md = read_file(dir, "out/report.md");
    cr_assert_not_null(md, "no report:\n%s", out);
    cr_expect(strstr(md, warning), "expected '%s' in the report:\n%s", warning, md);
    const char *notes = strstr(md, "## Notes");
    cr_expect(notes && strstr(notes, "read with 1 warning, listed at the top"),
              "the notes do not point to the warning:\n%s", md);
    return md;
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- impossible data ----------------------------------------------------------------------- */

Test(report_inputs, a_good_pair_is_reported_without_a_warning, .timeout = 30) {
    char *dir = report_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    good_sweep(sub);
    static char out[1 << 16];
    int rc = report_svg(dir, out, sizeof out);
    cr_expect_eq(rc, 0, "exit %d:\n%s", rc, out);
    cr_expect_null(strstr(out, "warning"), "%s", out);
    const char *md = read_file(dir, "out/report.md");
    cr_assert_not_null(md);
    cr_expect(strstr(md, "synth"), "%s", md);
    cr_expect_eq(temp_files_in(sub), 0);
    test_dir_remove(dir);
}

Test(report_inputs, a_csv_shorter_than_its_json_is_refused, .timeout = 30) {
    char *dir = report_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    good_sweep(sub);
    sweep_json(sub, "sweep.json", "R1", 5); /* the run measured 5 points; the CSV kept 3 */
    const char *const want[] = {"sweep.csv:4:", "3 points", "sweep.json", "5"};
    expect_refusal(dir, want, N_OF(want));
    test_dir_remove(dir);
}

Test(report_inputs, a_csv_cut_inside_its_header_is_refused, .timeout = 30) {
    char *dir = report_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    good_sweep(sub);
    /* Cut inside a column name, beside a good result (which alone would make a report). */
    write_text(sub, "cut.csv", "kernel,varia");
    const char *const want[] = {"cut.csv:1:", "cut short"};
    expect_refusal(dir, want, N_OF(want));
    /* Cut between two columns: it reads as a file of an older schema with no points. */
    write_text(sub, "cut.csv", "kernel,variant,threads,schedule,size,working_set_bytes,median_s");
    expect_refusal(dir, want, N_OF(want));
    test_dir_remove(dir);
}

Test(report_inputs, a_zero_median_is_refused, .timeout = 30) {
    char *dir = report_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    write_text(sub, "sweep.csv", "%s%s%s", header, row(1, "R1"),
               "synth,omp,2,static,1000000,8000000,0,1.8,no,R1\n");
    sweep_json(sub, "sweep.json", "R1", 2);
    const char *const want[] = {"sweep.csv:3:", "median_s"};
    expect_refusal(dir, want, N_OF(want));
    test_dir_remove(dir);
}

Test(report_inputs, a_zero_working_set_is_refused, .timeout = 30) {
    char *dir = report_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    write_text(sub, "sweep.csv", "%s%s", header, "synth,omp,1,static,1000000,0,1,1,no,R1\n");
    sweep_json(sub, "sweep.json", "R1", 1);
    const char *const want[] = {"sweep.csv:2:", "working_set_bytes"};
    expect_refusal(dir, want, N_OF(want));
    test_dir_remove(dir);
}

Test(report_inputs, a_thread_count_no_command_runs_is_refused, .timeout = 30) {
    char *dir = report_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    write_text(sub, "sweep.csv", "%s%s%s", header, row(1, "R1"),
               "synth,omp,1000000,static,1000000,8000000,0.5,2,yes,R1\n");
    sweep_json(sub, "sweep.json", "R1", 2);
    const char *const want[] = {"sweep.csv:3:", "threads", "1000000"};
    expect_refusal(dir, want, N_OF(want));
    test_dir_remove(dir);
}

Test(report_inputs, an_impossible_speedup_is_a_warning_and_not_used, .timeout = 30) {
    char *dir = report_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    write_text(sub, "sweep.csv", "%s%s%s", header, row(1, "R1"),
               "synth,omp,2,static,1000000,8000000,0.55,1e308,no,R1\n");
    sweep_json(sub, "sweep.json", "R1", 2);
    const char *md = expect_warning(dir, "sweep.csv:3:");
    cr_expect(strstr(md, "speedup"), "%s", md);
    cr_expect_null(strstr(md, "1e+308"), "the speedup was used:\n%s", md);
    test_dir_remove(dir);
}

Test(report_inputs, a_context_that_is_not_an_object_is_a_warning, .timeout = 30) {
    char *dir = report_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    good_sweep(sub);
    write_text(sub, "sweep.json",
               "{\"schema\": \"ompsweep-run-2\", \"study\": \"run\",\n"
               "\"context\": [\"run_id\", \"R1\"],\n"
               "\"points\": [{}, {}, {}]}\n");
    const char *md = expect_warning(dir, "sweep.json:2:");
    cr_expect(strstr(md, "context"), "%s", md);
    test_dir_remove(dir);
}

Test(report_inputs, a_csv_with_a_byte_order_mark_is_read, .timeout = 30) {
    char *dir = report_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    good_sweep(sub);
    char csv[2048];
    snprintf(csv, sizeof csv, "\xEF\xBB\xBF%s%s%s%s", header, row(1, "R1"), row(2, "R1"),
             row(4, "R1"));
    write_text(sub, "sweep.csv", "%s", csv);
    static char out[1 << 16];
    int rc = report_svg(dir, out, sizeof out);
    cr_expect_eq(rc, 0, "exit %d:\n%s", rc, out);
    const char *md = read_file(dir, "out/report.md");
    cr_assert_not_null(md, "%s", out);
    cr_expect(strstr(md, "### synth"), "the points were not read:\n%s", md);
    test_dir_remove(dir);
}

/* ---- run ids ------------------------------------------------------------------------------- */

Test(report_inputs, a_pair_from_two_runs_is_refused, .timeout = 30) {
    char *dir = report_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    good_sweep(sub);
    sweep_json(sub, "sweep.json", "R2", 3);
    const char *const want[] = {"sweep.csv", "sweep.json", "R1", "R2"};
    expect_refusal(dir, want, N_OF(want));
    /* A CSV whose rows carry two ids is two runs' rows. */
    write_text(sub, "sweep.csv", "%s%s%s", header, row(1, "R2"), row(2, "R3"));
    sweep_json(sub, "sweep.json", "R2", 2);
    const char *const rows[] = {"sweep.csv:3:", "R3"};
    expect_refusal(dir, rows, N_OF(rows));
    test_dir_remove(dir);
}

Test(report_inputs, a_pair_without_ids_is_read_with_a_note, .timeout = 30) {
    char *dir = report_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    write_text(sub, "sweep.csv",
               "kernel,variant,threads,schedule,size,working_set_bytes,median_s,oversubscribed\n"
               "synth,omp,1,static,1000,8000,1,no\nsynth,omp,2,static,1000,8000,0.55,no\n");
    sweep_json(sub, "sweep.json", NULL, 2);
    static char out[1 << 16];
    int rc = report_svg(dir, out, sizeof out);
    cr_expect_eq(rc, 0, "exit %d:\n%s", rc, out);
    const char *md = read_file(dir, "out/report.md");
    cr_assert_not_null(md, "%s", out);
    cr_expect(strstr(md, "`sweep.csv`") && strstr(md, "could not be checked"), "%s", md);
    test_dir_remove(dir);
}

/* The run id each file of a pair holds: the CSV's run_id column (the same in every row) and the
 * JSON context's "run_id". */
static void ids_of(const char *dir, const char *stem, char *csv_id, char *json_id) {
    char name[64];
    snprintf(name, sizeof name, "%s.csv", stem);
    const char *csv = read_file(dir, name);
    cr_assert_not_null(csv, "no %s", name);
    const char *nl = strchr(csv, '\n');
    cr_assert_not_null(nl);
    cr_assert(nl - csv > 7 && strncmp(nl - 7, ",run_id", 7) == 0, "%s: no run_id last:\n%.400s",
              name, csv);
    const char *end = strchr(nl + 1, '\n');
    cr_assert_not_null(end, "%s has no row", name);
    const char *comma = end;
    while (comma > nl && comma[-1] != ',')
        comma--;
    snprintf(csv_id, 64, "%.*s", (int)(end - comma), comma);
    snprintf(name, sizeof name, "%s.json", stem);
    const char *json = read_file(dir, name);
    cr_assert_not_null(json, "no %s", name);
    const char *at = strstr(json, "\"run_id\": \"");
    cr_assert_not_null(at, "%s has no run_id", name);
    at += strlen("\"run_id\": \"");
    snprintf(json_id, 64, "%.*s", (int)strcspn(at, "\""), at);
}

Test(report_inputs, every_command_writing_a_pair_writes_one_run_id_in_both, .timeout = 60) {
    char *dir = new_dir();
    static const char *const commands[] = {
        "run dot --size 1k --threads 1 --variant ref --samples 3 --min-time 0.0001 "
        "--max-time 0.1",
        "run dot --size 1k --threads 1 --variant ref --samples 3 --min-time 0.0001 "
        "--max-time 0.1",
        "overhead --threads 1 --construct parallel --samples 3 --reps 2",
        "breakeven dot --threads 2 --min-size 1000 --max-size 2000 --min-time 0.0001 "
        "--max-pairs 8"};
    char ids[4][64];
    for (int i = 0; i < 4; i++) {
        char args[1024], stem[16], json_id[64];
        static char out[1 << 16];
        snprintf(stem, sizeof stem, "p%d", i);
        snprintf(args, sizeof args, "%s --quiet --csv %s/%s.csv --json %s/%s.json", commands[i],
                 dir, stem, dir, stem);
        int rc = run_ompsweep(args, out, sizeof out);
        cr_assert_eq(rc, 0, "%s: exit %d\n%s", args, rc, out);
        ids_of(dir, stem, ids[i], json_id);
        cr_expect_str_eq(ids[i], json_id, "%s: the CSV and the JSON differ", commands[i]);
        cr_expect_geq(strlen(ids[i]), 16, "%s: id '%s'", commands[i], ids[i]);
    }
    cr_expect_str_neq(ids[0], ids[1], "two runs with the same id");
    test_dir_remove(dir);
}

/* Two runs writing the same pair at once: whichever files win, the report either joins a pair
 * whose ids match or refuses it; it never reports a CSV with another run's JSON. */
Test(report_inputs, concurrent_writers_never_make_a_joined_pair, .timeout = 60) {
    char *dir = report_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    for (int trial = 0; trial < 3; trial++) {
        char cmd[2048];
        static char out[1 << 16];
        const char *run = "run dot --size 1k --threads 1 --variant ref --samples 3 "
                          "--min-time 0.0001 --max-time 0.1 --quiet";
        snprintf(cmd, sizeof cmd,
                 "%s %s --csv %s/s.csv --json %s/s.json >/dev/null 2>&1 & "
                 "%s %s --csv %s/s.csv --json %s/s.json >/dev/null 2>&1; wait",
                 OMPSWEEP_BIN, run, sub, sub, OMPSWEEP_BIN, run, sub, sub);
        cr_assert_eq(run_shell(cmd, out, sizeof out), 0);
        char csv_id[64], json_id[64];
        ids_of(sub, "s", csv_id, json_id);
        int rc = report_svg(dir, out, sizeof out);
        if (strcmp(csv_id, json_id) == 0)
            cr_expect_eq(rc, 0, "a matching pair refused:\n%s", out);
        else
            cr_expect(rc == 1 && strstr(out, csv_id) && strstr(out, json_id),
                      "a mixed pair (%s, %s) was not refused (exit %d):\n%s", csv_id, json_id, rc,
                      out);
    }
    test_dir_remove(dir);
}

/* ---- plots --------------------------------------------------------------------------------- */

Test(plot_check, a_png_is_complete_only_with_its_signature_and_iend) {
    cr_expect_eq(plot_check_bytes(png_1x1, sizeof png_1x1, PLOT_FORMAT_PNG), 0);
    for (size_t n = 0; n < sizeof png_1x1; n++)
        cr_expect_eq(plot_check_bytes(png_1x1, n, PLOT_FORMAT_PNG), PLOT_INCOMPLETE,
                     "the first %zu bytes taken as whole", n);
    unsigned char bad[sizeof png_1x1 + 1];
    memcpy(bad, png_1x1, sizeof png_1x1);
    bad[0] = 'x';
    cr_expect_eq(plot_check_bytes(bad, sizeof png_1x1, PLOT_FORMAT_PNG), PLOT_INCOMPLETE);
    memcpy(bad, png_1x1, sizeof png_1x1);
    bad[sizeof png_1x1] = '\n';
    cr_expect_eq(plot_check_bytes(bad, sizeof bad, PLOT_FORMAT_PNG), PLOT_INCOMPLETE,
                 "bytes after IEND");
}

Test(plot_check, an_svg_is_complete_only_when_it_ends_with_its_closing_tag) {
    size_t n = strlen(svg_whole);
    const unsigned char *s = (const unsigned char *)svg_whole;
    cr_expect_eq(plot_check_bytes(s, n, PLOT_FORMAT_SVG), 0);
    cr_expect_eq(plot_check_bytes(s, n - 1, PLOT_FORMAT_SVG), 0, "no final line end");
    for (size_t k = 0; k + 1 < n; k++)
        cr_expect_eq(plot_check_bytes(s, k, PLOT_FORMAT_SVG), PLOT_INCOMPLETE,
                     "the first %zu bytes taken as whole", k);
    const char spaced[] = "<svg>\n</svg>  \r\n\t\n\n";
    cr_expect_eq(plot_check_bytes((const unsigned char *)spaced, strlen(spaced), PLOT_FORMAT_SVG),
                 0);
}

Test(plot_check, a_file_is_checked_by_its_head_and_tail) {
    char *dir = new_dir(), path[512];
    /* A PNG larger than what is read of its ends, complete, then cut in its middle. */
    static unsigned char big[100000];
    memcpy(big, png_1x1, 33);
    memcpy(big + sizeof big - 12, png_1x1 + sizeof png_1x1 - 12, 12);
    write_bytes(dir, "big.png", big, sizeof big);
    snprintf(path, sizeof path, "%s/big.png", dir);
    cr_expect_eq(plot_check_file(path, PLOT_FORMAT_PNG), 0);
    write_bytes(dir, "big.png", big, sizeof big / 2);
    cr_expect_eq(plot_check_file(path, PLOT_FORMAT_PNG), PLOT_INCOMPLETE);
    write_bytes(dir, "empty.svg", "", 0);
    snprintf(path, sizeof path, "%s/empty.svg", dir);
    cr_expect_eq(plot_check_file(path, PLOT_FORMAT_SVG), PLOT_INCOMPLETE);
    snprintf(path, sizeof path, "%s/missing.svg", dir);
    cr_expect_eq(plot_check_file(path, PLOT_FORMAT_SVG), ENOENT);
    test_dir_remove(dir);
}

/* gnuplot exits 0 but leaves a PNG cut short (a disk that filled up): the plot is not drawn,
 * the report says so and exits 1, and the plot of the previous report stays as it was. */
Test(report_inputs, a_truncated_plot_never_replaces_a_good_one, .timeout = 30) {
    char *dir = report_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    good_sweep(sub);
    write_bytes(dir, "cut.png", png_1x1, 40);
    static char out[1 << 16];
    int rc = report_with(dir, "good.svg", "good.png", "", 0, "", out, sizeof out);
    cr_assert_eq(rc, 0, "exit %d:\n%s", rc, out);
    snprintf(sub, sizeof sub, "%s/out/plots", dir);
    cr_assert_eq(temp_files_in(sub), 0);
    /* Every PNG drawn is the good one; the next report's are cut short. */
    rc = report_with(dir, "good.svg", "cut.png", "", 0, "", out, sizeof out);
    cr_expect_eq(rc, 1, "exit %d:\n%s", rc, out);
    cr_expect(strstr(out, ".png") && strstr(out, "incomplete"), "%s", out);
    cr_expect_eq(temp_files_in(sub), 0);
    DIR *d = opendir(sub);
    cr_assert_not_null(d);
    struct dirent *e;
    int pngs = 0;
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".png"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", sub, e->d_name);
        cr_expect_eq(plot_check_file(path, PLOT_FORMAT_PNG), 0, "%s was replaced", e->d_name);
        pngs++;
    }
    closedir(d);
    cr_expect_gt(pngs, 0);
    const char *md = read_file(dir, "out/report.md");
    cr_assert_not_null(md);
    cr_expect(strstr(md, "plot not drawn"), "%s", md);
    test_dir_remove(dir);
}

/* gnuplot says the disk is full: the report names the file and says so, whatever gnuplot's
 * exit code; a plot left with no end on a full disk is named the same way. */
Test(report_inputs, a_full_disk_is_named_as_the_cause, .timeout = 30) {
    char *dir = report_dir(), sub[128];
    snprintf(sub, sizeof sub, "%s/data", dir);
    good_sweep(sub);
    write_bytes(dir, "cut.svg", svg_whole, 10);
    static char out[1 << 16];
    const char *says = "cannot write: No space left on device";
    for (int exit_code = 0; exit_code <= 1; exit_code++) {
        int rc =
            report_with(dir, "cut.svg", "good.png", says, exit_code, "--no-png", out, sizeof out);
        cr_expect_eq(rc, 1, "exit %d:\n%s", rc, out);
        cr_expect(strstr(out, ".svg: no space left on device"), "%s", out);
        cr_expect_null(strstr(out, "gnuplot failed (exit 0)"), "%s", out);
    }
    test_dir_remove(dir);
}

Test(plot_check, the_cause_is_a_full_disk_only_when_something_says_so) {
    cr_expect_eq(plot_check_cause("/", "x.gp line 3: No space left on device"), ENOSPC);
    cr_expect_eq(plot_check_cause("/nonexistent-folder", "x.gp line 3: undefined variable"), 0);
}
