/* What the tests of the ompsweep binary share: running it with its output captured, and
 * checking that a failed command left no file behind. */
#ifndef OMPSWEEP_CLI_SUPPORT_H
#define OMPSWEEP_CLI_SUPPORT_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#ifndef OMPSWEEP_BIN
#define OMPSWEEP_BIN "build/ompsweep"
#endif

/* Runs the shell command cmd with stdout (and stderr, if cmd redirects it) captured into out;
 * returns the exit code, or 128 if it did not exit normally, -1 if it could not be started. */
static inline int run_shell(const char *cmd, char *out, size_t outlen) {
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, outlen - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Runs `ompsweep ARGS` with stdout and stderr captured into out, as run_shell. */
static inline int run_ompsweep(const char *args, char *out, size_t outlen) {
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", OMPSWEEP_BIN, args);
    return run_shell(cmd, out, outlen);
}

static inline int dir_is_empty(const char *dir) {
    DIR *d = opendir(dir);
    if (!d)
        return 1;
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = 0;
    closedir(d);
    return empty;
}

/* Entries of dir that look like a temporary output (".tmp." in the name, as io/atomic_file.h
 * makes them): a failed or finished command must leave none. */
static inline int temp_files_in(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strstr(e->d_name, ".tmp.") != NULL;
    if (d)
        closedir(d);
    return n;
}

/* A suite's folder: made by its init (mkdtemp on a "/tmp/...-XXXXXX" template), removed with
 * everything in it by its fini, also after a failed assertion (each test is its own process). */
static inline int cli_support_remove_entry(const char *path, const struct stat *st, int flag,
                                           struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline void test_dir_make(char *template_path) {
    cr_assert_not_null(mkdtemp(template_path), "mkdtemp %s", template_path);
}

static inline void test_dir_remove(const char *dir) {
    nftw(dir, cli_support_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* One bad command line: it must exit 2, say `expect`, and leave nothing in dir. */
static inline void expect_usage_error(const char *args, const char *expect, const char *dir) {
    static char out[1 << 16];
    int rc = run_ompsweep(args, out, sizeof out);
    cr_expect_eq(rc, 2, "'%s' exited %d:\n%s", args, rc, out);
    cr_expect(strstr(out, expect), "'%s' said:\n%s\nexpected: %s", args, out, expect);
    cr_expect(dir_is_empty(dir), "'%s' left a file in %s", args, dir);
}

#endif
