/* Faults from outside the program: odd OpenMP environments, closed standard descriptors, a
 * standard output that cannot be written, a full disk. Each must end in a clear message and an
 * exit code, never a signal, a wrong result recorded as good, or a file half written. */
#include "cli_support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* A sweep that takes well under a second. */
#define QUICK_RUN "run dot --size 10k --threads 1,2 --samples 3 --min-time 0.001 --max-time 0.2"

static char dir[] = "/tmp/ompsweep-faults-XXXXXX";

static void make_dir(void) {
    test_dir_make(dir);
}

static void remove_dir(void) {
    char mnt[600];
    snprintf(mnt, sizeof mnt, "%s/full", dir);
    umount(mnt); /* the full-disk test's, if an assertion stopped it before its own umount */
    test_dir_remove(dir);
}

/* Runs "ENV ompsweep ARGS" through the shell with stdout and stderr captured; the exit code. */
static int run_with_env(const char *env, const char *args, char *out, size_t len) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "env %s %s %s 2>&1", env, OMPSWEEP_BIN, args);
    return run_shell(cmd, out, len);
}

/* ---- the OpenMP environment ----------------------------------------------------------------- */

Test(faults, enormous_omp_num_threads_is_refused_not_a_crash) {
    static char out[1 << 16];
    const char *commands[] = {"info", QUICK_RUN};
    for (size_t i = 0; i < 2; i++) {
        int rc = run_with_env("OMP_NUM_THREADS=100000", commands[i], out, sizeof out);
        cr_expect_eq(rc, 2, "'%s' exited %d:\n%s", commands[i], rc, out);
        cr_expect(strstr(out, "OMP_NUM_THREADS=100000"), "'%s' said:\n%s", commands[i], out);
    }
}

/* Each of these makes OpenMP start fewer threads than asked: a 2-thread point would run on
 * one thread and be recorded as two. */
Test(faults, settings_that_shrink_the_team_are_refused, .init = make_dir, .fini = remove_dir) {
    static char out[1 << 16];
    const char *envs[] = {"OMP_THREAD_LIMIT=1", "OMP_MAX_ACTIVE_LEVELS=0", "OMP_DYNAMIC=true"};
    for (size_t i = 0; i < sizeof envs / sizeof envs[0]; i++) {
        char args[1024], name[64];
        snprintf(args, sizeof args, "%s --quiet --csv %s/r.csv", QUICK_RUN, dir);
        int rc = run_with_env(envs[i], args, out, sizeof out);
        snprintf(name, sizeof name, "%.*s", (int)strcspn(envs[i], "="), envs[i]);
        cr_expect_eq(rc, 2, "%s: exited %d:\n%s", envs[i], rc, out);
        cr_expect(strstr(out, name) && strstr(out, "--threads 2"), "%s: said:\n%s", envs[i], out);
        cr_expect(dir_is_empty(dir), "%s: left a file", envs[i]);
    }
    /* One thread is what such a setting gives, so a one-thread sweep still runs. */
    int rc = run_with_env("OMP_THREAD_LIMIT=1",
                          "run dot --size 10k --threads 1 --samples 3 --min-time 0.001 --quiet",
                          out, sizeof out);
    cr_expect_eq(rc, 0, "a 1-thread sweep under OMP_THREAD_LIMIT=1 exited %d:\n%s", rc, out);
}

Test(faults, the_other_measuring_commands_check_their_teams_too) {
    static char out[1 << 16];
    const char *commands[] = {
        "ceilings --threads 2 --samples 3 --size 100k --quiet",
        "overhead --threads 2 --construct barrier --samples 3 --quiet",
        "breakeven dot --threads 2 --quiet",
    };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        int rc = run_with_env("OMP_THREAD_LIMIT=1", commands[i], out, sizeof out);
        cr_expect_eq(rc, 2, "'%s' exited %d:\n%s", commands[i], rc, out);
        cr_expect(strstr(out, "OMP_THREAD_LIMIT"), "'%s' said:\n%s", commands[i], out);
    }
}

/* libgomp ends the process when it cannot create a thread: the user must learn which option
 * asked for them, and no temporary file may stay. The team is first started by the check
 * before measuring (machine/omp_team.h), before any output holds a byte. 1024 stacks of 16 MiB
 * cannot fit in 2 GB of address space whatever `ulimit -s` says. (An address-space limit
 * cannot be combined with AddressSanitizer's shadow memory.) */
Test(faults, threads_that_cannot_be_created_are_named, .init = make_dir, .fini = remove_dir) {
#ifdef __SANITIZE_ADDRESS__
    cr_skip_test("ulimit -v and AddressSanitizer do not mix");
#endif
    static char out[1 << 16];
    char cmd[4096];
    snprintf(
        cmd, sizeof cmd,
        "ulimit -v 2000000; OMP_STACKSIZE=16M %s run dot --size 10k --threads 1,1024 --samples 3 "
        "--min-time 0.001 --quiet --csv %s/x.csv --json %s/x.json 2>&1",
        OMPSWEEP_BIN, dir, dir);
    int rc = run_shell(cmd, out, sizeof out);
    cr_expect_eq(rc, 1, "exited %d:\n%s", rc, out);
    cr_expect(strstr(out, "--threads"), "no word of --threads:\n%s", out);
    cr_expect_eq(temp_files_in(dir), 0, "a temporary file was left");
}

/* ---- standard descriptors ----------------------------------------------------------------- */

static void read_file(const char *path, char *buf, size_t len) {
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, len - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
}

/* With stderr closed, the first file opened would get descriptor 2 and the progress lines. */
Test(faults, closed_stderr_never_writes_messages_into_a_result, .init = make_dir,
     .fini = remove_dir) {
    static char out[1 << 16], csv[1 << 16];
    char cmd[4096], path[512];
    snprintf(path, sizeof path, "%s/c.csv", dir);
    snprintf(cmd, sizeof cmd, "%s %s --csv %s --json %s/c.json 2>&-", OMPSWEEP_BIN, QUICK_RUN, path,
             dir);
    int rc = run_shell(cmd, out, sizeof out);
    cr_assert_eq(rc, 0, "exited %d:\n%s", rc, out);
    read_file(path, csv, sizeof csv);
    cr_expect(strncmp(csv, "kernel,", 7) == 0, "the CSV does not start with its header:\n%.300s",
              csv);
    cr_expect_null(strstr(csv, "ompsweep"), "a message went into the CSV:\n%.300s", csv);
}

Test(faults, closed_stdin_and_stdout_leave_results_intact, .init = make_dir, .fini = remove_dir) {
    static char out[1 << 16], json[1 << 20];
    char cmd[4096], path[512];
    snprintf(path, sizeof path, "%s/c.json", dir);
    snprintf(cmd, sizeof cmd, "%s %s --quiet --json %s <&- >&-; echo rc=$?", OMPSWEEP_BIN,
             QUICK_RUN, path);
    run_shell(cmd, out, sizeof out);
    read_file(path, json, sizeof json);
    cr_expect(json[0] == '{', "the JSON does not start with '{':\n%.300s", json);
    cr_expect_null(strstr(json, "variant      threads"), "the table went into the JSON");
}

/* ---- long paths ------------------------------------------------------------------------------ */

/* A message about a long path keeps its reason: an output under a plain file, 3000 characters
 * deep, must still say why it cannot be written. */
Test(faults, an_error_about_a_long_path_keeps_its_reason, .init = make_dir, .fini = remove_dir) {
    static char out[1 << 16];
    char deep[4096], args[8192];
    size_t n = (size_t)snprintf(deep, sizeof deep, "%s", dir);
    while (n < 3000) {
        n += (size_t)snprintf(
            deep + n, sizeof deep - n, "/%.100s",
            "a-folder-name-of-a-hundred-characters-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        cr_assert(mkdir(deep, 0755) == 0 || errno == EEXIST, "mkdir %s", deep);
    }
    snprintf(deep + n, sizeof deep - n, "/plain");
    FILE *f = fopen(deep, "w");
    cr_assert_not_null(f);
    fclose(f);
    snprintf(args, sizeof args, "%s %s --csv %s/x.csv 2>&1", OMPSWEEP_BIN, QUICK_RUN, deep);
    int rc = run_shell(args, out, sizeof out);
    cr_expect_eq(rc, 2, "exited %d", rc);
    cr_expect(strstr(out, "Not a directory"), "the reason was cut off:\n%.200s ... %s", out,
              out + (strlen(out) > 200 ? strlen(out) - 200 : 0));
}

/* ---- a standard output that cannot be written ------------------------------------------------ */

Test(faults, a_full_stdout_is_a_failed_run_with_a_message) {
    static char out[1 << 16];
    const char *commands[] = {"info --json", "list", "info", QUICK_RUN};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "%s %s 2>&1 >/dev/full", OMPSWEEP_BIN, commands[i]);
        int rc = run_shell(cmd, out, sizeof out);
        cr_expect_eq(rc, 1, "'%s' > /dev/full exited %d:\n%s", commands[i], rc, out);
        cr_expect(strstr(out, "cannot write the standard output: No space left on device"),
                  "'%s' > /dev/full said:\n%s", commands[i], out);
    }
}

/* ---- a full disk ------------------------------------------------------------------------------
 */

/* A 16 KiB tmpfs at dir/full: 1 when mounted (root only), 0 otherwise. */
static int mount_small_disk(char *mnt, size_t len) {
    snprintf(mnt, len, "%s/full", dir);
    if (geteuid() != 0 || mkdir(mnt, 0755) != 0)
        return 0;
    return mount("tmpfs", mnt, "tmpfs", 0, "size=16k") == 0;
}

/* A sweep's JSON (every sample with its round and start) does not fit: the run must fail naming
 * the file, leave the result that was there before untouched, and leave no temporary file. */
Test(faults, a_full_disk_fails_the_run_and_keeps_the_old_result, .init = make_dir,
     .fini = remove_dir) {
    char mnt[512];
    if (!mount_small_disk(mnt, sizeof mnt))
        cr_skip_test("mounting a tmpfs needs root");
    static char out[1 << 16], old[64];
    char path[600], cmd[4096];
    snprintf(path, sizeof path, "%s/r.json", mnt);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"earlier\": true}\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s %s --quiet --json %s 2>&1 >/dev/null", OMPSWEEP_BIN, QUICK_RUN,
             path);
    int rc = run_shell(cmd, out, sizeof out);
    read_file(path, old, sizeof old);
    int temps = temp_files_in(mnt);
    umount(mnt);
    cr_expect_eq(rc, 1, "exited %d:\n%s", rc, out);
    cr_expect(strstr(out, "No space left on device") && strstr(out, "r.json"), "said:\n%s", out);
    cr_expect_str_eq(old, "{\"earlier\": true}\n", "the earlier result was replaced");
    cr_expect_eq(temps, 0, "a temporary file was left on the full disk");
}
