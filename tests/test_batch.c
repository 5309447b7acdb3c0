/* The SLURM job scripts without a cluster: scripts/make-batch.sh (every usage error names its
 * argument and exits 2, the scripts it writes say what was asked and parse), and
 * batch/thread-sweep.sbatch run by bash with the environment SLURM gives an array task (its
 * files named by task, threads, job id and host; a task beyond the thread list refused).
 * tests/slurm/run.sh submits the same scripts to a real one-node cluster (as root). */
#include "cli_support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char out_text[1 << 16];

/* Each test runs in its own process with its own folder, made by the suite's init and
 * removed by its fini (also after a failed assertion). */
static char test_dir[] = "/tmp/ompsweep-batch-XXXXXX";

static void make_test_dir(void) {
    test_dir_make(test_dir);
}

static void remove_test_dir(void) {
    test_dir_remove(test_dir);
}

TestSuite(batch, .init = make_test_dir, .fini = remove_test_dir);

/* Runs a shell command line with stdout and stderr in out_text; its exit code. */
static int sh(const char *fmt, const char *a, const char *b) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    char full[4200];
    snprintf(full, sizeof full, "( %s ) 2>&1", cmd);
    return run_shell(full, out_text, sizeof out_text);
}

static char *slurp(const char *path) {
    static char buf[1 << 16];
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* ---- make-batch -------------------------------------------------------------------------- */

Test(batch, make_batch_usage_errors_exit_2_naming_the_argument) {
    static const struct {
        const char *args, *expect;
    } cases[] = {
        {"--kind serial", "--kind: 'serial' is not array, hybrid or study"},
        {"--kind", "--kind needs a value"},
        {"--threads 1,x", "--threads: 'x' in '1,x' is not a thread count"},
        {"--threads 0", "--threads: '0'"},
        {"--threads 4-2", "--threads: '4-2'"},
        {"--size 10Q", "--size: '10Q' is not a list of sizes"},
        {"--time 1:2:3:4", "--time: '1:2:3:4' is not MM, MM:SS"},
        {"--time abc", "--time: 'abc'"},
        {"--partition 'a b'", "--partition: 'a b' is not a partition name"},
        {"--kind hybrid --ntasks 0", "--ntasks: '0' is not a positive whole number"},
        {"--kind hybrid --cpus-per-task x", "--cpus-per-task: 'x'"},
        {"--kind hybrid --nodes -1", "--nodes: '-1'"},
        {"--kernel nosuch", "--kernel: unknown kernel 'nosuch'"},
        {"--ntasks 2", "--ntasks: not used by --kind array"},
        {"--kind hybrid --threads 1,2", "--threads: not used by --kind hybrid"},
        {"--kind study --kernel dot", "--kernel: not used by --kind study"},
        {"--kind study -- --samples 3", "-- RUN OPTIONS: a study takes none"},
        {"--frobnicate", "unknown argument '--frobnicate'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char args[512];
        snprintf(args, sizeof args, "-o %s/job.sbatch %s", test_dir, cases[i].args);
        int rc = sh("scripts/make-batch.sh %s%s", args, "");
        cr_expect_eq(rc, 2, "'%s' exited %d:\n%s", cases[i].args, rc, out_text);
        cr_expect(strstr(out_text, cases[i].expect), "'%s' said:\n%s\nexpected: %s", cases[i].args,
                  out_text, cases[i].expect);
        cr_expect(dir_is_empty(test_dir), "'%s' left a file", cases[i].args);
    }
}

Test(batch, make_batch_writes_an_array_job_that_runs_the_sweep) {
    char path[256];
    snprintf(path, sizeof path, "%s/dot.sbatch", test_dir);
    int rc = sh("scripts/make-batch.sh --threads 1-3,8 --size 100k --partition short --time 5:00 "
                "--account lab -o %s -- --variant omp --param 'a=b c'",
                path, "");
    cr_assert_eq(rc, 0, "%s", out_text);
    cr_expect(strstr(out_text, "wrote"), "%s", out_text);
    const char *job = slurp(path);
    cr_assert_not_null(job);
    static const char *const lines[] = {
        "#!/usr/bin/env bash\n",
        "#SBATCH --job-name=ompsweep-threads\n",
        "#SBATCH --time=5:00\n",
        "#SBATCH --partition=short\n",
        "#SBATCH --account=lab\n",
        "#SBATCH --array=0-3\n", /* one task per count of 1,2,3,8 */
        "#SBATCH --exclusive\n",
        "#SBATCH --output=%x-%A_%a.out\n",
        "batch/thread-sweep.sbatch\" dot 1,2,3,8 --size 100k --variant omp --param a=b\\ c\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        cr_expect(strstr(job, lines[i]), "no '%s' in\n%s", lines[i], job);
    struct stat st;
    cr_expect(stat(path, &st) == 0 && (st.st_mode & 0111), "the job script is executable");
    cr_expect_eq(sh("bash -n %s%s", path, ""), 0, "it parses: %s", out_text);
    cr_expect_eq(temp_files_in(test_dir), 0);
    /* sbatch stops reading #SBATCH lines at the first command: they all come before it. */
    const char *first_cmd = strstr(job, "\nset -euo");
    cr_assert_not_null(first_cmd);
    cr_expect_null(strstr(first_cmd, "#SBATCH"), "an #SBATCH line after a command");
}

Test(batch, make_batch_hybrid_and_study_jobs) {
    int rc = sh("scripts/make-batch.sh --kind hybrid --nodes 2 --ntasks 4 --cpus-per-task 8 "
                "--size 1G --out %s/res",
                test_dir, "");
    cr_assert_eq(rc, 0, "%s", out_text);
    static const char *const hybrid[] = {
        "#SBATCH --nodes=2\n", "#SBATCH --ntasks=4\n", "#SBATCH --cpus-per-task=8\n",
        "batch/hybrid.sbatch\" dot --size 1G\n", "export OMPSWEEP_OUT=${OMPSWEEP_OUT:-/tmp/"};
    for (size_t i = 0; i < sizeof hybrid / sizeof hybrid[0]; i++)
        cr_expect(strstr(out_text, hybrid[i]), "no '%s' in\n%s", hybrid[i], out_text);
    cr_expect_null(strstr(out_text, "--array"), "%s", out_text);
    rc = sh("scripts/make-batch.sh --kind study --partition long%s%s", "", "");
    cr_assert_eq(rc, 0, "%s", out_text);
    static const char *const study[] = {"#SBATCH --job-name=ompsweep-study\n",
                                        "#SBATCH --time=1:00:00\n", "#SBATCH --exclusive\n",
                                        "batch/study.sbatch\"\n"};
    for (size_t i = 0; i < sizeof study / sizeof study[0]; i++)
        cr_expect(strstr(out_text, study[i]), "no '%s' in\n%s", study[i], out_text);
}

/* ---- thread-sweep.sbatch as SLURM runs it ----------------------------------------------- */

/* The script with the environment of array task TASK of array job 700 (its own job id
 * 700 + TASK + 1), its results under test_dir/res. */
static int array_task(int task, const char *threads) {
    char env[512];
    snprintf(env, sizeof env,
             "env SLURM_ARRAY_JOB_ID=700 SLURM_ARRAY_TASK_ID=%d SLURM_JOB_ID=%d "
             "SLURM_ARRAY_TASK_COUNT=2 SLURM_ARRAY_TASK_MIN=0 OMPSWEEP=%s OMPSWEEP_OUT=%s/res",
             task, 700 + task + 1, OMPSWEEP_BIN, test_dir);
    char args[256];
    snprintf(args, sizeof args,
             "dot %s --size 10k --precision 0 --samples 1 --min-time 1ms --quiet > /dev/null",
             threads);
    return sh("%s bash batch/thread-sweep.sbatch %s", env, args);
}

Test(batch, thread_sweep_array_tasks_write_files_of_their_own, .timeout = 60) {
    cr_assert_eq(array_task(0, "1,2"), 0, "%s", out_text);
    cr_assert_eq(array_task(1, "1,2"), 0, "%s", out_text);
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    for (int task = 0; task < 2; task++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/res/threads-700/run-dot-a%d-t%d-%d-%s-r0.csv", test_dir,
                 task, task + 1, 700 + task + 1, host);
        const char *csv = slurp(path);
        cr_assert_not_null(csv, "no %s", path);
        char row[32];
        snprintf(row, sizeof row, "\ndot,omp,%d,", task + 1);
        cr_expect(strstr(csv, row), "no omp row at %d threads in\n%s", task + 1, csv);
        snprintf(path + strlen(path) - 4, 8, ".json");
        const char *json = slurp(path);
        cr_assert_not_null(json, "no %s", path);
        char id[64];
        snprintf(id, sizeof id, "\"slurm_array_task_id\": \"%d\"", task);
        cr_expect(strstr(json, id), "no %s in the context", id);
    }
}

Test(batch, thread_sweep_refuses_a_task_beyond_the_thread_list) {
    cr_expect_eq(array_task(2, "1,2"), 2, "%s", out_text);
    cr_expect(strstr(out_text, "array task 2 has no thread count: THREADS '1,2' has 2 "
                               "(submit with --array=0-1)"),
              "%s", out_text);
    cr_expect_eq(array_task(0, "1,x"), 2, "%s", out_text);
    cr_expect(strstr(out_text, "THREADS: 'x' in '1,x' is not a thread count"), "%s", out_text);
}

Test(batch, thread_sweep_warns_when_the_array_does_not_match_the_list, .timeout = 60) {
    cr_expect_eq(array_task(0, "1,2,4"), 0, "%s", out_text);
    cr_expect(strstr(out_text, "warning: 2 array tasks for 3 thread counts (1,2,4): use "
                               "--array=0-2"),
              "%s", out_text);
}
