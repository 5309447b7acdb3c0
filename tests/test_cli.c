/* The command line: parsers, output files, and the ompsweep binary on good and bad input. */
#include "atomic_file.h"
#include "cli_support.h"
#include "engine/stats.h"
#include "format/outfile.h"
#include "format/units.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- parsers ----------------------------------------------------------------------------- */

Test(cli, count_lists_with_ranges_and_suffixes) {
    long long *v;
    size_t n;
    char err[UNITS_ERRLEN];
    cr_assert_eq(units_parse_count_list("1-4,8,2k", 1, 100000, &v, &n, err, sizeof err), 0);
    long long want[] = {1, 2, 3, 4, 8, 2000};
    cr_assert_eq(n, 6);
    cr_assert_arr_eq(v, want, sizeof want);
    free(v);
    cr_assert_eq(units_parse_count_list("1,,2", 1, 10, &v, &n, err, sizeof err), -1);
    cr_assert(strstr(err, "empty item"), "%s", err);
    cr_assert_eq(units_parse_count_list("", 1, 10, &v, &n, err, sizeof err), -1);
    cr_assert(strstr(err, "empty list"), "%s", err);
    cr_assert_eq(units_parse_count_list("0", 1, 10, &v, &n, err, sizeof err), -1);
    cr_assert(strstr(err, "out of range"), "%s", err);
    cr_assert_eq(units_parse_count_list("-3", 1, 10, &v, &n, err, sizeof err), -1);
    cr_assert(strstr(err, "negative"), "%s", err);
    cr_assert_eq(units_parse_count_list("4-2", 1, 10, &v, &n, err, sizeof err), -1);
    cr_assert_eq(units_parse_count_list("2x", 1, 10, &v, &n, err, sizeof err), -1);
    cr_assert_eq(units_parse_count_list("99999999999999999999", 1, 10, &v, &n, err, sizeof err),
                 -1);
}

Test(cli, chunks_in_counts_bytes_and_all) {
    struct chunk_spec *c;
    size_t n;
    char err[UNITS_ERRLEN], buf[32];
    cr_assert_eq(units_parse_chunk_list("125K,1M,all,5334,64B", &c, &n, err, sizeof err), 0);
    cr_assert_eq(n, 5);
    cr_assert(c[0].kind == CHUNK_BYTES && c[0].value == 128000);
    cr_assert(c[1].kind == CHUNK_BYTES && c[1].value == 1048576);
    cr_assert(c[2].kind == CHUNK_ALL);
    cr_assert(c[3].kind == CHUNK_COUNT && c[3].value == 5334);
    cr_assert(c[4].kind == CHUNK_BYTES && c[4].value == 64);
    cr_assert_str_eq(units_format_chunk(&c[0], buf, sizeof buf), "125K");
    cr_assert_str_eq(units_format_chunk(&c[2], buf, sizeof buf), "all");
    free(c);
    cr_assert_eq(units_parse_chunk_list("0", &c, &n, err, sizeof err), -1);
    cr_assert(strstr(err, "larger than 0"), "%s", err);
    cr_assert_eq(units_parse_chunk_list("12Q", &c, &n, err, sizeof err), -1);
    cr_assert_eq(units_parse_chunk_list("64K,", &c, &n, err, sizeof err), -1);
}

/* Random strings over the parsers' alphabet: each parser must accept or reject cleanly (ASan
 * checks the memory side in make asan), and what it accepts must respect its contract. */
Test(cli, fuzzed_lists_are_accepted_or_rejected_cleanly) {
    static const char alphabet[] = "0123456789,,--kKMGBiQ al";
    char s[24], err[UNITS_ERRLEN];
    unsigned state = 12345u;
    for (int iter = 0; iter < 200000; iter++) {
        size_t len = (state = state * 1103515245u + 12345u) >> 16 & 15;
        for (size_t i = 0; i < len; i++) {
            state = state * 1103515245u + 12345u;
            s[i] = alphabet[(state >> 16) % (sizeof alphabet - 1)];
        }
        s[len] = '\0';
        long long *v;
        struct chunk_spec *c;
        char **names;
        size_t n;
        if (units_parse_count_list(s, 1, 4096, &v, &n, err, sizeof err) == 0) {
            cr_assert(n >= 1, "'%s'", s);
            for (size_t i = 0; i < n; i++)
                cr_assert(v[i] >= 1 && v[i] <= 4096, "'%s' gave %lld", s, v[i]);
            free(v);
        } else {
            cr_assert(err[0], "'%s' rejected without a message", s);
        }
        if (units_parse_chunk_list(s, &c, &n, err, sizeof err) == 0) {
            for (size_t i = 0; i < n; i++)
                cr_assert(c[i].kind == CHUNK_ALL || c[i].value > 0, "'%s'", s);
            free(c);
        }
        if (units_parse_name_list(s, &names, &n, err, sizeof err) == 0) {
            for (size_t i = 0; i < n; i++)
                cr_assert(names[i][0] && !strchr(names[i], ','), "'%s'", s);
            units_free_names(names, n);
        }
    }
}

Test(cli, seconds) {
    double s;
    char err[UNITS_ERRLEN];
    cr_assert_eq(units_parse_seconds("20ms", &s, err, sizeof err), 0);
    cr_assert_float_eq(s, 0.02, 1e-15);
    cr_assert_eq(units_parse_seconds("0.5", &s, err, sizeof err), 0);
    cr_assert_eq(s, 0.5);
    cr_assert_eq(units_parse_seconds("0", &s, err, sizeof err), -1);
    cr_assert_eq(units_parse_seconds("fast", &s, err, sizeof err), -1);
}

Test(stats, summary_of_known_samples) {
    double x[] = {4, 1, 3, 2, 100};
    struct stats st;
    cr_assert_eq(stats_compute(x, 5, &st), 0);
    cr_assert_eq(st.median, 3);
    cr_assert_eq(st.min, 1);
    cr_assert_eq(st.max, 100);
    cr_assert_float_eq(st.mean, 22.0, 1e-12);
    cr_assert_float_eq(st.sd, sqrt((18.0 * 18 + 21 * 21 + 19 * 19 + 20 * 20 + 78 * 78) / 4), 1e-9);
    double even[] = {1, 2, 3, 4};
    stats_compute(even, 4, &st);
    cr_assert_eq(st.median, 2.5);
    cr_assert_eq(st.outliers, 0);
    double one = 7;
    stats_compute(&one, 1, &st);
    cr_assert(isnan(st.sd) && st.median == 7);
}

Test(outfile, pattern_expansion_and_atomic_commit) {
    char out[256], err[UNITS_ERRLEN], host[256] = "";
    gethostname(host, sizeof host - 1);
    setenv("SLURM_JOB_ID", "4242", 1);
    cr_assert_eq(outfile_expand("r-%h-%j-%%.csv", out, sizeof out, err, sizeof err), 0);
    char want[300];
    snprintf(want, sizeof want, "r-%s-4242-%%.csv", host);
    cr_assert_str_eq(out, want);
    unsetenv("SLURM_JOB_ID");
    cr_assert_eq(outfile_expand("x%q", out, sizeof out, err, sizeof err), -1);
    char dir[] = "/tmp/ompsweep-outfile-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/sub/dir/r.csv", dir);
    struct outfile o;
    cr_assert_eq(outfile_open(&o, path, err, sizeof err), 0, "%s", err);
    fputs("a,b\n", o.f);
    cr_assert_neq(access(path, F_OK), 0, "the final name appears only at commit");
    cr_assert_eq(outfile_commit(&o, err, sizeof err), 0);
    cr_assert_eq(access(path, F_OK), 0);
    cr_assert_eq(outfile_open(&o, path, err, sizeof err), 0);
    cr_assert_eq(o.file.tmp[0], '\0', "no temporary file before there is something to write");
    fputs("a,b\n", o.f);
    cr_assert_eq(fflush(o.f), 0);
    char tmp[sizeof o.file.tmp];
    snprintf(tmp, sizeof tmp, "%s", o.file.tmp);
    cr_assert_eq(access(tmp, F_OK), 0, "the temporary file %s exists while writing", tmp);
    outfile_abort(&o);
    cr_assert_neq(access(tmp, F_OK), 0, "abort removes the temporary file");
    cr_assert_eq(access(path, F_OK), 0, "abort leaves the committed file");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* The one temporary-file-then-rename every writer uses (results, reports, plots, audio). */
Test(atomic_file, replaces_a_file_in_one_step_or_not_at_all) {
    char dir[] = "/tmp/ompsweep-atomic-XXXXXX", path[512], failed[512], text[16] = "";
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/a/b/c", dir);
    cr_assert_eq(atomic_file_make_folders(path, failed, sizeof failed), 0);
    cr_assert_eq(atomic_file_make_folders(path, failed, sizeof failed), 0, "again: no error");
    snprintf(path, sizeof path, "%s/a/b/c/x.txt", dir);
    struct atomic_file a;
    cr_assert_eq(atomic_file_open(&a, path), 0);
    char want[600];
    snprintf(want, sizeof want, "%s.ompsweep.tmp.%ld.", path, (long)getpid());
    cr_assert(strncmp(a.tmp, want, strlen(want)) == 0, "beside the final name, visible: %s", a.tmp);
    cr_assert_eq(write(a.fd, "new", 3), 3);
    FILE *f = fopen(path, "w"); /* the file being replaced */
    fputs("old", f);
    fclose(f);
    atomic_file_abort(&a);
    f = fopen(path, "r");
    cr_assert(fgets(text, sizeof text, f) && strcmp(text, "old") == 0, "abort keeps the old file");
    fclose(f);
    cr_assert_eq(atomic_file_open(&a, path), 0);
    cr_assert_eq(write(a.fd, "new", 3), 3);
    cr_assert_eq(atomic_file_commit(&a), 0);
    f = fopen(path, "r");
    cr_assert(fgets(text, sizeof text, f) && strcmp(text, "new") == 0, "commit replaced it");
    fclose(f);
    snprintf(path, sizeof path, "%s/a/b/c", dir);
    cr_assert_eq(temp_files_in(path), 0, "no temporary file is left");
    /* A folder that cannot be made names itself; a file whose folder is missing is not made. */
    snprintf(path, sizeof path, "%s/a/b/c/x.txt/d", dir);
    cr_assert_eq(atomic_file_make_folders(path, failed, sizeof failed), ENOTDIR);
    cr_assert_str_eq(failed, path);
    snprintf(path, sizeof path, "%s/none/x.txt", dir);
    cr_assert_eq(atomic_file_open(&a, path), ENOENT);
    atomic_file_abort(&a); /* harmless after a failed open */
    test_dir_remove(dir);
}

/* ---- the binary ------------------------------------------------------------------------- */

struct bad_case {
    const char *args, *expect;
};

static const struct bad_case bad_cases[] = {
    {"run nope", "unknown kernel 'nope'"},
    {"run", "which kernel"},
    {"frobnicate", "unknown command"},
    {"run expsum --variant foo", "'foo' is not a variant of expsum"},
    {"run expsum --variant ref,", "empty item"},
    {"run expsum --threads 1,,2", "--threads: '1,,2': empty item"},
    {"run expsum --threads ''", "--threads: empty list"},
    {"run expsum --threads abc", "--threads: 'abc' is not a whole number"},
    {"run expsum --threads 0", "--threads: 0 is out of range"},
    {"run expsum --threads -2", "--threads: '-2' is negative"},
    {"run expsum --size 0", "--size: 0 is out of range"},
    {"run expsum --size -5", "--size: '-5' is negative"},
    {"run expsum --chunk 0", "--chunk: chunk '0' must be larger than 0"},
    {"run expsum --chunk 12Q", "--chunk: '12Q' is not a chunk"},
    {"run expsum --schedule fastest", "--schedule: 'fastest' is not a schedule"},
    {"run expsum --samples 0", "--samples: 0 is out of range"},
    {"run expsum --min-time soon", "--min-time"},
    {"run expsum --bogus", "unknown option '--bogus'"},
    {"run spline_expsum --param degree=0", "--param degree: 0 is out of range"},
    {"run spline_expsum --param degree=6", "--param degree: 6 is out of range"},
    {"run spline_expsum --param grid=3,degree=3", "grid must be larger than degree"},
    {"run spline_expsum --param colour=3", "has no parameter 'colour'"},
    {"run spline_expsum --param degree", "'degree' is not NAME=VALUE"},
    {"list nope", "unknown kernel 'nope'"},
    {"run dot --size 0", "--size: 0 is out of range"},
    {"run dot --size 1e5", "--size: '1e5' is not a whole number"},
    {"run gemm --size 0", "--size: 0 is out of range"},
    {"run gemm --variant ref,blas --size 100,600", "gemm's reference is not run above size 512"},
    {"run gemm --param inner=0", "--param inner: 0 is out of range"},
    {"run gemm --param inner=1.5", "--param inner: '1.5' is not a whole number"},
    {"run stream_triad --size 0", "--size: 0 is out of range"},
    {"run cpu_loop --param steps=0", "--param steps: 0 is out of range"},
    {"run noise --param sigma=-1", "--param sigma: -1 is out of range"},
    {"run noise --param sigma=nan", "--param sigma: 'nan' is not a finite number"},
    {"run noise --param sigma=inf", "--param sigma: 'inf' is not a finite number"},
    {"run noise --param sigma=0.1x", "--param sigma: '0.1x' is not a number"},
    {"run noise --param sigma=1e-400", "--param sigma: '1e-400' is too small to represent"},
    {"run noise --param 'sigma= 0.5'", "--param sigma: ' 0.5' is not a number"},
    {"ceilings --size 5G", "--size: 5G is out of range"},
    {"run noise --param bits=48", "bits must be 32 (float) or 64 (double)"},
    {"run noise --size 0", "--size: 0 is out of range"},
    {"run peak_flops --param inner=-1", "--param inner: '-1' is not a whole number"},
    {"run expsum --ceilings /nonexistent/c.json", "--ceilings: /nonexistent/c.json: No such file"},
    {"run expsum --ceilings /dev/null", "no \"ceilings\" object"},
    {"ceilings --size 10", "--size: 10 is out of range"},
    {"ceilings --threads 0", "--threads: 0 is out of range"},
    {"ceilings --samples x", "--samples: 'x' is not a whole number"},
    {"ceilings extra", "unexpected argument 'extra'"},
    {"ceilings --json /proc/no/such/c.json", "--json: cannot"},
    {"cachemap nope", "ompsweep cachemap: unknown kernel 'nope'"},
    {"cachemap cpu_loop", "cpu_loop moves next to no memory"},
    {"cachemap stream_triad --from 1M --to 64K", "--from (1048576 bytes) must be below --to"},
    {"cachemap stream_triad --from 12Q", "--from: '12Q' is not a size in bytes"},
    {"cachemap stream_triad --per-octave 0", "--per-octave: 0 is out of range"},
    {"cachemap stream_triad --weak", "unknown option '--weak'"},
    {"chunkmap cpu_loop --from 4K", "unknown option '--from'"},
    {"chunkmap expsum --schedule auto", "--schedule: 'auto' is not a schedule"},
    {"run dot --weak --size 9G", "--size: 9G is out of range"},
};

Test(binary, bad_input_exits_2_names_the_problem_and_writes_nothing) {
    char dir[] = "/tmp/ompsweep-cli-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        char args[1024];
        snprintf(args, sizeof args, "%s --csv %s/out.csv --json %s/out.json --samples 1",
                 bad_cases[i].args, dir, dir);
        if ((strncmp(bad_cases[i].args, "run", 3) != 0 &&
             strncmp(bad_cases[i].args, "c", 1) != 0) ||
            strncmp(bad_cases[i].args, "ceilings", 8) == 0 ||
            strstr(bad_cases[i].args, "--samples"))
            snprintf(args, sizeof args, "%s", bad_cases[i].args);
        expect_usage_error(args, bad_cases[i].expect, dir);
    }
    rmdir(dir);
}

Test(binary, unwritable_output_path_exits_2_before_measuring) {
    static char out[1 << 14];
    int rc = run_ompsweep("run expsum --size 1000 --csv /proc/no/such/out.csv", out, sizeof out);
    cr_assert_eq(rc, 2, "%s", out);
    cr_assert(strstr(out, "--csv: cannot"), "%s", out);
    cr_assert_null(strstr(out, "[1/"), "no measurement may start: %s", out);
    rc = run_ompsweep("run expsum --size 1000 --json /tmp", out, sizeof out);
    cr_assert_eq(rc, 2, "%s", out);
    cr_assert(strstr(out, "--json: '/tmp' is a folder"), "%s", out);
}

Test(binary, a_working_set_beyond_memory_is_refused_up_front) {
    double memory = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    if (0.8 * memory > 4e9 * 8.0)
        cr_skip_test("this machine has room for the largest expsum size");
    static char out[1 << 14];
    cr_assert_eq(run_ompsweep("run expsum --size 4G", out, sizeof out), 2, "%s", out);
    cr_assert(strstr(out, "exceeds 80% of this machine's memory"), "%s", out);
}

static int allowed_cpus(void) {
    cpu_set_t set;
    return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
}

static int count_lines(const char *path) {
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s missing", path);
    int n = 0, c;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

Test(binary, run_writes_validated_csv_and_json) {
    char dir[] = "/tmp/ompsweep-run-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    int over = allowed_cpus() + 1;
    char args[1024];
    static char out[1 << 16];
    snprintf(args, sizeof args,
             "run expsum --size 5000 --threads 1,%d --chunk 2K,all --schedule static,dynamic "
             "--precision 0 --samples 3 --min-time 1ms --quiet --csv %s/r-%%h.csv --json %s/r.json",
             over, dir, dir);
    cr_assert_eq(run_ompsweep(args, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "omp: the same checksum bits at all 8 points"), "%s", out);
    cr_assert(strstr(out, "oversubscribed"), "%s", out);
    char host[256] = "", csv[600], json[600], cmd[2048];
    gethostname(host, sizeof host - 1);
    snprintf(csv, sizeof csv, "%s/r-%s.csv", dir, host);
    snprintf(json, sizeof json, "%s/r.json", dir);
    cr_assert_eq(count_lines(csv), 1 + 1 + 2 * 2 * 2, "header, ref, 2 threads x 2 schedules x 2");
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); "
             "assert all(x[\"validated\"]==\"yes\" for x in r); "
             "assert all((x[\"oversubscribed\"]==\"yes\")==(int(x[\"threads\"])==%d) for x in r); "
             "assert r[0][\"variant\"]==\"ref\" and float(r[0][\"median_s\"])>0' %s",
             over, csv);
    cr_assert_eq(system(cmd), 0, "every row validated; the %d-thread rows oversubscribed", over);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
             "assert len(d[\"points\"])==9; assert d[\"context\"][\"host\"]; "
             "assert all(p[\"validated\"] for p in d[\"points\"]); "
             "p=d[\"points\"][-1]; n=len(p[\"times_s\"]); "
             "assert n==len(p[\"sample_rounds\"])==len(p[\"sample_starts_s\"]) and n>=3; "
             "assert p[\"samples\"]==3 and p[\"ci_low_s\"] is None; "
             "m=d[\"measurement\"]; assert m[\"min_rounds\"]==3; "
             "assert all(sorted(r[\"order\"])==sorted(set(r[\"order\"])) for r in m[\"rounds\"]); "
             "assert \"huge_page_bytes\" in d[\"points\"][0]' %s",
             json);
    cr_assert_eq(system(cmd), 0, "JSON must parse and hold the points and the context");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(binary, spline_chunk_table_has_the_original_layout) {
    static char out[1 << 16];
    int rc = run_ompsweep(
        "run spline_expsum --variant omp_points --threads 1,2,3 "
        "--chunk 125K,250K,all --size 20000 --param splines=5 --precision 0 --samples 1 "
        "--min-time 1ms --quiet",
        out, sizeof out);
    cr_assert_eq(rc, 0, "%s", out);
    cr_assert(strstr(out, "Million values per second, omp_points"), "%s", out);
    cr_assert(strstr(out, "125K"), "%s", out);
    cr_assert(strstr(out, "250K"), "%s", out);
    cr_assert(strstr(out, "all"), "%s", out);
    cr_assert(strstr(out, "omp_points: the same checksum bits at all 9 points"), "%s", out);
}

Test(binary, list_and_info) {
    static char out[1 << 16];
    cr_assert_eq(run_ompsweep("list", out, sizeof out), 0);
    cr_assert(strstr(out, "spline_expsum") && strstr(out, "expsum"), "%s", out);
    cr_assert_eq(run_ompsweep("list spline_expsum", out, sizeof out), 0);
    cr_assert(strstr(out, "degree") && strstr(out, "omp_points"), "%s", out);
    cr_assert_eq(run_ompsweep("info", out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "OMP_PROC_BIND=close"), "pinned by default:\n%s", out);
    cr_assert_eq(run_ompsweep("run --help", out, sizeof out), 0);
    cr_assert(strstr(out, "--chunk"), "%s", out);
}

/* One process: a thread per CPU is clean; more threads than CPUs pile onto a core, named. */
Test(binary, info_affinity_maps_threads_to_cores) {
    static char out[1 << 16];
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=%ld %s info --affinity 2>&1", cpus, OMPSWEEP_BIN);
    cr_expect_eq(run_shell(cmd, out, sizeof out), 0, "%s", out);
    cr_expect(strstr(out, "rank 0 on ") && strstr(out, "t0->cpu "), "%s", out);
    cr_expect_null(strstr(out, "warning"), "%s", out);
    snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=%ld %s info --affinity 2>&1", cpus + 1,
             OMPSWEEP_BIN);
    cr_expect_eq(run_shell(cmd, out, sizeof out), 1, "%s", out);
    cr_expect(strstr(out, "threads share core") && strstr(out, "on the same CPU"), "%s", out);
    cr_expect_eq(run_ompsweep("info --json", out, sizeof out), 0, "%s", out);
    cr_expect(strstr(out, "\"ranks\": [") && strstr(out, "\"threads\": ["), "%s", out);
}

Test(binary, ceilings_are_stored_and_read_back_by_run) {
    char dir[] = "/tmp/ompsweep-ceil-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char args[1024], cmd[2048];
    static char out[1 << 16];
    snprintf(args, sizeof args,
             "ceilings --size 64k --threads 1,2 --samples 1 --min-time 1ms --quiet --json "
             "%s/c-%%h.json",
             dir);
    cr_assert_eq(run_ompsweep(args, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "peak DP") && strstr(out, "STREAM triad"), "%s", out);
    snprintf(
        args, sizeof args,
        "run stream_add --size 10k --threads 1 --precision 0 --samples 1 --min-time 1ms --quiet "
        "--ceilings %s/c-%%h.json --csv %s/r.csv --json %s/r.json",
        dir, dir, dir);
    cr_assert_eq(run_ompsweep(args, out, sizeof out), 0, "%s", out);
    cr_assert(strstr(out, "roofline (ceilings of"), "%s", out);
    snprintf(
        cmd, sizeof cmd,
        "/usr/bin/python3 -c 'import csv,json,sys; d=sys.argv[1]; "
        "r=list(csv.DictReader(open(d+\"/r.csv\"))); "
        "assert all(float(x[\"frac_triad_bw\"])>0 and float(x[\"frac_read_bw\"])>0 for x in r); "
        "j=json.load(open(d+\"/r.json\")); import glob; "
        "c=json.load(open(glob.glob(d+\"/c-*.json\")[0]))[\"ceilings\"]; "
        "assert j[\"ceilings\"][\"peak_gflops\"]==c[\"peak_gflops\"]>0; "
        "p=j[\"points\"][0]; assert abs(p[\"frac_triad_bw\"]*c[\"triad_gbytes_per_s\"]"
        "-p[\"gbytes_per_s\"])<1e-9*p[\"gbytes_per_s\"]' %s",
        dir);
    cr_assert_eq(system(cmd), 0, "the fractions must be the point's rates over the ceilings");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* A team smaller than asked (the runtime's thread limit) gives each outer thread of the
 * nested gemm a larger block of rows than it planned for: results must still validate. */
/* A value listed twice is measured once, with a note: two rows of one point would look like two
 * measurements of different things. */
Test(binary, repeated_list_values_are_measured_once) {
    char dir[] = "/tmp/ompsweep-repeat-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    static char out[1 << 16];
    char args[1024], csv[600];
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    snprintf(args, sizeof args,
             "run dot --variant omp,omp --threads 1,2,1 --size 10k,10000 --chunk 1K,1024B,1K "
             "--precision 0 --samples 3 --min-time 1ms --quiet --csv %s",
             csv);
    cr_assert_eq(run_ompsweep(args, out, sizeof out), 0, "%s", out);
    const char *notes[] = {"--variant: 1 repeated value dropped", "--threads: 1 repeated value",
                           "--size: 1 repeated value", "--chunk: 2 repeated values"};
    for (size_t i = 0; i < 4; i++)
        cr_expect(strstr(out, notes[i]), "no note '%s' in:\n%s", notes[i], out);
    /* header, ref, omp at 1 and 2 threads: one size, one chunk */
    cr_expect_eq(count_lines(csv), 4, "%s", out);
    test_dir_remove(dir);
}

Test(binary, nested_gemm_validates_when_the_runtime_gives_fewer_threads) {
    static char out[1 << 16];
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "OMP_THREAD_LIMIT=3 %s run gemm --variant omp_in_omp,blas_in_omp --size 100 "
             "--threads 2,3 --param inner=2 --precision 0 --samples 1 --min-time 1ms --quiet 2>&1",
             OMPSWEEP_BIN);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", out);
    cr_assert_null(strstr(out, "MISMATCH"), "%s", out);
}

/* Every command reads its options through one parser (app/options.c): the same problem is
 * worded the same way whichever command has it, and names the option as the user wrote it. */
Test(binary, every_command_words_option_errors_alike) {
    static const char *const commands[] = {"list",
                                           "info",
                                           "run dot",
                                           "cachemap stream_triad",
                                           "chunkmap expsum",
                                           "ceilings",
                                           "overhead",
                                           "breakeven dot",
                                           "report /tmp",
                                           "ae x.tradb",
                                           "etl noise x.wav -o /tmp/none --sigma 1"};
    static char out[1 << 14];
    char args[512], expect[256];
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s", commands[i]);
        if (strncmp(name, "etl noise", 9) == 0)
            name[9] = '\0';
        else
            name[strcspn(name, " ")] = '\0';
        snprintf(args, sizeof args, "%s --frobnicate", commands[i]);
        snprintf(expect, sizeof expect,
                 "ompsweep %s: unknown option '--frobnicate' (try 'ompsweep %s --help')", name,
                 name);
        cr_expect_eq(run_ompsweep(args, out, sizeof out), 2, "%s:\n%s", args, out);
        cr_expect(strstr(out, expect), "'%s' said:\n%s\nexpected: %s", args, out, expect);
        snprintf(args, sizeof args, "%s -Z", commands[i]);
        cr_expect_eq(run_ompsweep(args, out, sizeof out), 2, "%s:\n%s", args, out);
        cr_expect(strstr(out, "unknown option '-Z'"), "'%s' said:\n%s", args, out);
    }
    /* A value left out, at the end of the line, for an option of each kind of value. */
    static const struct {
        const char *args, *expect;
    } missing[] = {
        {"run dot --threads", "ompsweep run: --threads needs a value"},
        {"run dot --samples", "ompsweep run: --samples needs a value"},
        {"cachemap stream_triad --from", "ompsweep cachemap: --from needs a value"},
        {"overhead --delay", "ompsweep overhead: --delay needs a value"},
        {"breakeven dot --min-time", "ompsweep breakeven: --min-time needs a value"},
        {"ceilings --size", "ompsweep ceilings: --size needs a value"},
        {"report /tmp --output", "ompsweep report: --output needs a value"},
        {"ae x.tradb -o", "ompsweep ae: -o needs a value"},
        {"etl noise x.wav --sigma", "ompsweep etl noise: --sigma needs a value"},
    };
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        cr_expect_eq(run_ompsweep(missing[i].args, out, sizeof out), 2, "%s:\n%s", missing[i].args,
                     out);
        cr_expect(strstr(out, missing[i].expect), "'%s' said:\n%s\nexpected: %s", missing[i].args,
                  out, missing[i].expect);
    }
}

/* A shared option keeps one meaning and one range in every command that takes it. */
Test(binary, shared_options_are_checked_alike) {
    static const char *const commands[] = {"run dot",         "cachemap stream_triad",
                                           "chunkmap expsum", "breakeven dot",
                                           "overhead",        "ceilings"};
    static char out[1 << 14];
    char args[512];
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        snprintf(args, sizeof args, "%s --min-time soon", commands[i]);
        cr_expect_eq(run_ompsweep(args, out, sizeof out), 2, "%s:\n%s", args, out);
        cr_expect(strstr(out, "--min-time: 'soon' is not a duration"), "'%s' said:\n%s", args, out);
    }
    cr_expect_eq(run_ompsweep("run dot --seed 9223372036854775808", out, sizeof out), 2);
    cr_expect(strstr(out, "--seed: 9223372036854775808 is out of range (0 to "
                          "9223372036854775807)") ||
                  strstr(out, "--seed: '9223372036854775808' is not a whole number"),
              "%s", out);
    cr_expect_eq(run_ompsweep("etl noise --seed -1 x.wav -o /tmp/none --sigma 1", out, sizeof out),
                 2);
    cr_expect(strstr(out, "--seed: '-1' is not a whole number"), "%s", out);
}
