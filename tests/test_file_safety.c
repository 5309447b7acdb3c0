/* What ompsweep never does to a user's files, driven through the binary: an output that is an
 * input or another output (the same name, a hard link, a symbolic link) is refused before
 * anything is written; SIGINT and SIGTERM leave no temporary file and kill the process with
 * that signal; stale temporaries of a dead process are removed by the next write in their
 * folder, a live process's are kept; %j, %r values that would leave the folder are refused. */
#include "atomic_file.h"
#include "cli_support.h"
#include "tradb_support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/ompsweep-files-XXXXXX";
static char out[1 << 16];

static void make_dir(void) {
    test_dir_make(dir);
}

static void remove_dir(void) {
    test_dir_remove(dir);
}

TestSuite(same_file, .init = make_dir, .fini = remove_dir);
TestSuite(temporaries, .init = make_dir, .fini = remove_dir);
TestSuite(name_codes, .init = make_dir, .fini = remove_dir);

/* A quick run's options: one point of each variant, one sample. */
#define QUICK "dot --size 1k --threads 1 --precision 0 --samples 1 --min-time 1ms --quiet"

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

/* The whole of a (small) file, for comparing before and after. */
static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    static char buf[1 << 20];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char *copy = malloc(*len + 1);
    cr_assert_not_null(copy);
    memcpy(copy, buf, *len);
    copy[*len] = '\0';
    return copy;
}

/* `ompsweep ARGS` must exit 2 naming both arguments, and leave path as it was. */
static void expect_refused(const char *args, const char *first, const char *second,
                           const char *path) {
    size_t before_len = 0, after_len = 0;
    char *before = path ? read_all(path, &before_len) : NULL;
    int rc = run_ompsweep(args, out, sizeof out);
    cr_expect_eq(rc, 2, "'%s' exited %d:\n%s", args, rc, out);
    cr_expect(strstr(out, first) && strstr(out, second), "'%s' said:\n%s\nwanted %s and %s", args,
              out, first, second);
    if (path) {
        char *after = read_all(path, &after_len);
        cr_expect(before_len == after_len && memcmp(before, after, before_len) == 0,
                  "'%s' changed %s", args, path);
        free(after);
    }
    free(before);
    cr_expect_eq(temp_files_in(dir), 0, "'%s' left a temporary file", args);
}

/* A ceilings file as `ompsweep ceilings --json` writes one (measuring one takes too long). */
static void make_ceilings(char *path, size_t len) {
    snprintf(path, len, "%s/c.json", dir);
    write_text(path, "{\"schema\": \"ompsweep-ceilings-1\", \"ceilings\": {\n"
                     "  \"peak_gflops\": 50, \"peak_gflops_threads\": 1,\n"
                     "  \"triad_gbytes_per_s\": 80, \"triad_gbytes_per_s_threads\": 1,\n"
                     "  \"read_gbytes_per_s\": 100, \"read_gbytes_per_s_threads\": 1,\n"
                     "  \"stream_elements\": 64000}}\n");
}

Test(same_file, run_csv_and_json_the_same_name) {
    char args[1024], csv[600];
    snprintf(csv, sizeof csv, "%s/r.out", dir);
    snprintf(args, sizeof args, "run " QUICK " --csv %s --json %s/./r.out", csv, dir);
    expect_refused(args, "--csv", "--json", NULL);
    cr_expect(dir_is_empty(dir), "nothing is written");
}

/* x cannot be both the CSV and the folder of the JSON: refused before any folder is made. */
Test(same_file, an_output_inside_another_output_is_refused) {
    char args[1024];
    snprintf(args, sizeof args, "run " QUICK " --csv %s/x --json %s/x/y.json", dir, dir);
    expect_refused(args, "--json: '", "inside --csv", NULL);
    cr_expect(dir_is_empty(dir), "a folder was made");
    snprintf(args, sizeof args, "run " QUICK " --json %s/x --csv %s/x/./y.csv", dir, dir);
    expect_refused(args, "--csv: '", "inside --json", NULL);
    cr_expect(dir_is_empty(dir), "a folder was made");
}

Test(same_file, run_json_over_its_ceilings_by_name_hard_link_or_symbolic_link) {
    char ceilings[600], hard[600], sym[600], args[2048];
    make_ceilings(ceilings, sizeof ceilings);
    snprintf(args, sizeof args, "run " QUICK " --ceilings %s --json %s", ceilings, ceilings);
    expect_refused(args, "--ceilings", "--json", ceilings);
    snprintf(hard, sizeof hard, "%s/hard.json", dir);
    cr_assert_eq(link(ceilings, hard) == 0 ? 0 : errno, 0);
    snprintf(args, sizeof args, "run " QUICK " --ceilings %s --csv %s", ceilings, hard);
    expect_refused(args, "--ceilings", "--csv", ceilings);
    snprintf(sym, sizeof sym, "%s/sym.json", dir);
    cr_assert_eq(symlink("c.json", sym), 0);
    snprintf(args, sizeof args, "run " QUICK " --ceilings %s --json %s", ceilings, sym);
    expect_refused(args, "--ceilings", "--json", ceilings);
    snprintf(args, sizeof args, "cachemap " QUICK " --ceilings %s --json %s", sym, ceilings);
    expect_refused(args, "--ceilings", "--json", ceilings);
}

Test(same_file, ae_output_over_its_input) {
    static const int16_t samples[64] = {0, 100, -200, 300, -400, 500};
    struct tradb_support_record r = {.trai = 1,
                                     .chan = 1,
                                     .pretrigger = 2,
                                     .thr = 10,
                                     .sample_rate = 1000000,
                                     .data = samples,
                                     .samples = 64,
                                     .adc_uv = 1.5,
                                     .tr_mv = 0.003};
    char tradb[600], sym[600], args[2048];
    snprintf(tradb, sizeof tradb, "%s/s.tradb", dir);
    cr_assert_eq(tradb_support_write(tradb, &r, 1, TRADB_RAW), 0);
    snprintf(args, sizeof args, "ae %s -o %s", tradb, tradb);
    expect_refused(args, "input", "-o", tradb);
    snprintf(sym, sizeof sym, "%s/features.csv", dir);
    cr_assert_eq(symlink(tradb, sym), 0);
    snprintf(args, sizeof args, "ae %s %s -o %s", tradb, tradb, sym);
    expect_refused(args, "input", "-o", tradb);
    /* Through a folder that does not exist yet: it would be made, then s.tradb replaced. */
    snprintf(args, sizeof args, "ae %s -o %s/new/../s.tradb", tradb, dir);
    expect_refused(args, "input", "-o", tradb);
    snprintf(sym, sizeof sym, "%s/new", dir);
    cr_expect_neq(access(sym, F_OK), 0, "the folder 'new' was made");
}

/* A result that exists and a name of it through a folder not made yet: one file. */
Test(same_file, an_existing_result_and_a_new_folders_way_to_it) {
    char args[2048], csv[600];
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    snprintf(args, sizeof args, "run " QUICK " --csv %s", csv);
    cr_assert_eq(run_ompsweep(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "run " QUICK " --csv %s --json %s/x/../r.csv", csv, dir);
    expect_refused(args, "--csv", "--json", csv);
}

/* A pipe (or /dev/stdout, /dev/null) is written as a stream: renaming a file over it would
 * replace the pipe or device itself. Two outputs may share one. */
Test(same_file, a_pipe_is_written_into_not_replaced) {
    char fifo[600], got[600], cmd[4096];
    snprintf(fifo, sizeof fifo, "%s/pipe", dir);
    snprintf(got, sizeof got, "%s/got", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    /* The reader gives up after 30 s: a run that never opens the pipe must not hang the test. */
    snprintf(cmd, sizeof cmd,
             "timeout 30 cat %s > %s & %s run " QUICK " --csv %s --json %s 2>&1; wait", fifo, got,
             OMPSWEEP_BIN, fifo, fifo);
    int rc = run_shell(cmd, out, sizeof out);
    cr_expect_eq(rc, 0, "exited %d:\n%s", rc, out);
    struct stat st;
    cr_assert_eq(lstat(fifo, &st), 0);
    cr_expect(S_ISFIFO(st.st_mode), "the pipe was replaced by a file");
    size_t len = 0;
    char *text = read_all(got, &len);
    cr_expect(text && strstr(text, "kernel,variant") && strstr(text, "\"context\""),
              "the CSV and the JSON did not come through the pipe");
    free(text);
    cr_expect_eq(temp_files_in(dir), 0, "a temporary file was left");
}

Test(same_file, report_output_over_a_result_or_its_sidecar) {
    char args[2048], res[600], csv[700], json[700];
    snprintf(res, sizeof res, "%s/res", dir);
    snprintf(csv, sizeof csv, "%s/r.csv", res);
    snprintf(json, sizeof json, "%s/r.json", res);
    snprintf(args, sizeof args, "run " QUICK " --csv %s --json %s", csv, json);
    cr_assert_eq(run_ompsweep(args, out, sizeof out), 0, "%s", out);
    snprintf(args, sizeof args, "report %s --no-png -o %s", res, csv);
    expect_refused(args, "input", "-o", csv);
    snprintf(args, sizeof args, "report %s --no-png -o %s", res, json);
    expect_refused(args, "input", "-o", json);
}

Test(same_file, overhead_and_breakeven_csv_and_json_the_same_file) {
    char args[1024];
    snprintf(args, sizeof args,
             "overhead --threads 1 --construct parallel --samples 2 --reps 1 --quiet --csv %s/o "
             "--json %s/o",
             dir, dir);
    expect_refused(args, "--csv", "--json", NULL);
    snprintf(args, sizeof args,
             "breakeven dot --threads 2 --min-time 1ms --quiet --csv %s/b.csv --json %s/x/../b.csv",
             dir, dir);
    expect_refused(args, "--csv", "--json", NULL);
}

/* ---- temporaries -------------------------------------------------------------------------- */

/* Starts `ompsweep ARGS` (in its own process group, output discarded) with env, "NAME=VALUE"
 * or NULL. */
static pid_t start(const char *args, const char *env) {
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        /* A background job inherits SIGINT ignored, and ompsweep keeps an ignored signal
         * ignored: these tests send it, so it must have its default action. */
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        setpgid(0, 0);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (env)
            putenv((char *)env);
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "exec %s %s", OMPSWEEP_BIN, args);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Polls every 10 ms, for at most about seconds, until folder holds a temporary file. */
static int wait_for_temporary(const char *folder, double seconds) {
    struct timespec tick = {0, 10 * 1000 * 1000};
    for (int i = 0; i < (int)(seconds * 100); i++) {
        if (temp_files_in(folder) > 0)
            return 1;
        nanosleep(&tick, NULL);
    }
    return 0;
}

static void expect_killed_by(pid_t pid, int sig) {
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_expect(WIFSIGNALED(status) && WTERMSIG(status) == sig,
              "died by signal %d (status %#x: exited %d, signalled %d)", sig, status,
              WIFEXITED(status) ? WEXITSTATUS(status) : -1,
              WIFSIGNALED(status) ? WTERMSIG(status) : -1);
}

/* A long run with --csv: no temporary file while it measures, none after the signal. */
static void interrupt_a_run(int sig) {
    char args[1024];
    snprintf(args, sizeof args,
             "run dot --size 10k --threads 1 --variant omp --precision 0 --samples 1000 "
             "--min-time 50ms --csv %s/x.csv --json %s/x.json",
             dir, dir);
    pid_t pid = start(args, NULL);
    int seen = wait_for_temporary(dir, 1.5);
    kill(pid, sig);
    expect_killed_by(pid, sig);
    cr_expect_not(seen, "a temporary file existed before there was anything to write");
    cr_expect_eq(temp_files_in(dir), 0, "a temporary file is left after signal %d", sig);
}

Test(temporaries, none_during_a_run_or_after_sigint) {
    interrupt_a_run(SIGINT);
}

/* A report stopped by sig while gnuplot draws its first plot: no temporary file is left. */
static void interrupt_a_report(int sig) {
    char args[2048], res[600], plots[700], gnuplot[700], env[800];
    snprintf(res, sizeof res, "%s/res", dir);
    snprintf(args, sizeof args,
             "run dot --size 1k --threads 1,2 --precision 0 --samples 1 --min-time 1ms --quiet "
             "--csv %s/r.csv --json %s/r.json",
             res, res);
    cr_assert_eq(run_ompsweep(args, out, sizeof out), 0, "%s", out);
    /* A gnuplot that never finishes: the plot's temporary files are open while it runs. */
    snprintf(gnuplot, sizeof gnuplot, "%s/slow-gnuplot", dir);
    write_text(gnuplot, "#!/bin/sh\nexec sleep 30\n");
    cr_assert_eq(chmod(gnuplot, 0755), 0);
    snprintf(env, sizeof env, "OMPSWEEP_GNUPLOT=%s", gnuplot);
    snprintf(args, sizeof args, "report %s --no-png", res);
    pid_t pid = start(args, env);
    snprintf(plots, sizeof plots, "%s/plots", res);
    int seen = wait_for_temporary(plots, 20.0);
    kill(pid, sig);
    expect_killed_by(pid, sig);
    kill(-pid, SIGKILL); /* the sleeping gnuplot */
    cr_assert(seen, "the plot's temporary file appeared");
    cr_expect_eq(temp_files_in(plots), 0, "a plot's temporary file is left");
    cr_expect_eq(temp_files_in(res), 0, "the report's temporary file is left");
}

Test(temporaries, none_after_sigterm_while_a_plot_is_drawn) {
    interrupt_a_report(SIGTERM);
}

Test(temporaries, none_after_sigint_while_a_plot_is_drawn) {
    interrupt_a_report(SIGINT);
}

/* The name a temporary file of final would have in a process pid. */
static void temporary_of(const char *final, long pid, char *name, size_t len) {
    cr_assert_eq(atomic_file_temp_name(final, pid, 0, name, len), 0);
}

Test(temporaries, stale_ones_of_a_dead_process_go_a_live_ones_stay) {
    pid_t dead = fork();
    cr_assert_geq(dead, 0);
    if (dead == 0)
        _exit(0);
    cr_assert_eq(waitpid(dead, NULL, 0), dead); /* reaped: its pid names no process now */
    char final[600], other[600], stale[900], stale_other[900], live[900], args[1024];
    snprintf(final, sizeof final, "%s/x.csv", dir);
    snprintf(other, sizeof other, "%s/older.json", dir);
    temporary_of(final, dead, stale, sizeof stale);
    temporary_of(other, dead, stale_other, sizeof stale_other);
    temporary_of(final, getpid(), live, sizeof live);
    write_text(stale, "half a file");
    write_text(stale_other, "half a file");
    write_text(live, "being written");
    snprintf(args, sizeof args, "run " QUICK " --csv %s", final);
    cr_assert_eq(run_ompsweep(args, out, sizeof out), 0, "%s", out);
    cr_expect_neq(access(stale, F_OK), 0, "%s (a dead process's) is removed", stale);
    cr_expect_neq(access(stale_other, F_OK), 0, "%s (a dead process's) is removed", stale_other);
    cr_expect_eq(access(live, F_OK), 0, "%s (a live process's) is kept", live);
    cr_expect_eq(access(final, F_OK), 0, "the result is written");
}

Test(temporaries, names_are_visible_say_whose_and_fit) {
    char name[900];
    temporary_of("res/x.csv", 4242, name, sizeof name);
    cr_expect(strncmp(name, "res/x.csv.", 10) == 0, "beside the final name, visible: %s", name);
    cr_expect(strstr(name, "ompsweep") && strstr(name, "4242") && strstr(name, ".tmp."),
              "the program, the process and .tmp. in %s", name);
    /* A final name at the file system's limit still has a temporary name that can be made. */
    char final[600], args[1024];
    int n = snprintf(final, sizeof final, "%s/", dir);
    memset(final + n, 'x', 251);
    snprintf(final + n + 251, sizeof final - (size_t)n - 251, ".csv");
    temporary_of(final, 4242, name, sizeof name);
    cr_expect_leq(strlen(strrchr(name, '/') + 1), 255, "%s", name);
    snprintf(args, sizeof args, "run " QUICK " --csv %s", final);
    cr_expect_eq(run_ompsweep(args, out, sizeof out), 0, "%s", out);
    cr_expect_eq(access(final, F_OK), 0, "a 255-character name is written");
}

/* ---- %-codes ------------------------------------------------------------------------------- */

static void expect_bad_value(const char *env, const char *option, const char *variable) {
    char args[1024], escaped[700];
    snprintf(args, sizeof args, "env %s %s run " QUICK " %s %s/a/b/%%j%%r.csv 2>&1", env,
             OMPSWEEP_BIN, option, dir);
    int rc = run_shell(args, out, sizeof out);
    cr_expect_eq(rc, 2, "'%s' exited %d:\n%s", args, rc, out);
    cr_expect(strstr(out, variable) && strstr(out, option), "'%s' said:\n%s", args, out);
    snprintf(escaped, sizeof escaped, "%s/x0.csv", dir);
    cr_expect_neq(access(escaped, F_OK), 0, "%s was written outside a/b", escaped);
    snprintf(escaped, sizeof escaped, "%s/a/x0.csv", dir);
    cr_expect_neq(access(escaped, F_OK), 0, "%s was written outside a/b", escaped);
}

Test(name_codes, values_that_would_leave_the_folder_are_refused) {
    expect_bad_value("SLURM_JOB_ID=../../x", "--csv", "SLURM_JOB_ID");
    expect_bad_value("SLURM_JOB_ID=.. SLURM_PROCID=0", "--json", "SLURM_JOB_ID");
    expect_bad_value("SLURM_JOB_ID=x PMI_RANK=../0", "--csv", "PMI_RANK");
    expect_bad_value("SLURM_JOB_ID='a b'", "--csv", "SLURM_JOB_ID");
}

Test(name_codes, safe_values_are_used) {
    char args[1024], path[700];
    snprintf(args, sizeof args,
             "env SLURM_JOB_ID=12_3.a-b PMI_RANK=7 %s run " QUICK " --csv %s/%%j-%%r.csv",
             OMPSWEEP_BIN, dir);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s 2>&1", args);
    cr_assert_eq(run_shell(cmd, out, sizeof out), 0, "%s", out);
    snprintf(path, sizeof path, "%s/12_3.a-b-7.csv", dir);
    cr_expect_eq(access(path, F_OK), 0, "%s written", path);
}
