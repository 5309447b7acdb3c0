/* ompsweep: measure how OpenMP kernels scale with threads, schedule, chunk and size. */
#include "app/commands.h"
#include "format/units.h"

#include "machine/cache_override.h"
#include "machine/context.h"
#include "machine/omp_team.h"
#include "machine/ranks.h"
#include "machine/start_env.h"
#include "temp_registry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f) {
    fprintf(f, "usage: ompsweep COMMAND [ARGS]\n\n"
               "commands:\n"
               "  list [KERNEL]   the kernels, their variants, parameters and units\n"
               "  info            the machine, build and OpenMP context of a run\n"
               "  run KERNEL ...  measure a sweep of variants x threads x schedules x chunks x "
               "sizes\n"
               "  ceilings        measure peak FLOP/s and STREAM bandwidth (the roofline)\n"
               "  cachemap KERNEL throughput against working set: where the caches are\n"
               "  chunkmap KERNEL threads x schedule x chunk size: which chunk wins and why\n"
               "  overhead        measure what OpenMP constructs and schedules cost (EPCC)\n"
               "  breakeven K,..  find the smallest size at which N threads beat 1\n"
               "  report DIR      a Markdown report with plots from a folder of results\n"
               "  ae FILE.tradb.. acoustic-emission features of every hit of tradb files\n"
               "  etl noise IN... add reproducible noise to audio files, in parallel\n\n"
               "'ompsweep COMMAND --help' describes each one. Every command that measures also\n"
               "takes --blas-core best|as-installed|CORE: OpenBLAS's kernels at their best for\n"
               "this CPU (the default), as the library chooses them, or a named core\n"
               "(docs/blas.md).\n");
}

/* A wrong cache override would silently skew every map: refuse it before any command. */
static int check_cache_override(void) {
    const char *spec = getenv(CACHE_OVERRIDE_ENV);
    struct cache_size sizes[CONTEXT_MAX_CACHES];
    int n;
    char err[UNITS_ERRLEN];
    if (!spec || !*spec ||
        cache_override_parse(spec, sizes, CONTEXT_MAX_CACHES, &n, err, sizeof err) == 0)
        return 0;
    fprintf(stderr, "ompsweep: %s: %s\n", CACHE_OVERRIDE_ENV, err);
    return EXIT_USAGE;
}

/* Under mpirun or srun: rank 0 speaks for the run (the ranks agree on every outcome, see
 * drivers/machine/ranks.h), the others are silent; a command that does not run across ranks refuses
 * more than one. */
static int across_ranks_check(const char *cmd, int across_ranks) {
    if (ranks_count() > 1 && !across_ranks) {
        if (ranks_rank() == 0)
            fprintf(stderr,
                    "ompsweep %s: does not run across MPI ranks (%d here): run it as one "
                    "process; run, cachemap, chunkmap and info do\n",
                    cmd, ranks_count());
        return EXIT_USAGE;
    }
    if (ranks_rank() != 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            return EXIT_FAILED;
    }
    return 0;
}

/* Descriptors 0 to 2 open: a closed one is the next that open() returns, so a result's temporary
 * file would become "stderr" and collect the progress lines. A closed one gets /dev/null. */
static int standard_fds_open(void) {
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        int opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (opened != fd) {
            if (opened >= 0)
                close(opened);
            return -1;
        }
    }
    return 0;
}

/* What a command printed must have reached stdout: a full disk or a failed pipe is a failed
 * run, not a success with a truncated table. */
static int finish_stdout(const char *cmd, int rc) {
    errno = 0;
    int failed = fflush(stdout) != 0 || ferror(stdout);
    int e = errno;
    if (fclose(stdout) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    if (!failed)
        return rc;
    /* An earlier failed write leaves only the stream's error flag, not its errno. */
    fprintf(stderr, "ompsweep %s: cannot write the standard output: %s\n", cmd,
            e ? strerror(e) : "a write to it failed");
    return rc ? rc : EXIT_FAILED;
}

/* The command running, until it returns: a library that ends the process itself (libgomp when
 * it cannot create a thread) leaves its own message only, and the temporary files of the
 * outputs being written. */
static const char *running_command;

static void explain_library_exit(void) {
    if (!running_command)
        return;
    temp_registry_remove_files();
    fprintf(stderr,
            "ompsweep %s: stopped by a library (its message is above); when threads could not "
            "be created, ask for fewer (--threads, OMP_NUM_THREADS) or allow more (ulimit -u, "
            "ulimit -v)\n",
            running_command);
}

static int run_pinned(const char *cmd, int across_ranks, int (*run)(int, char **, int, char **),
                      int argc, char **argv) {
    if (start_env_take_options(cmd, &argc, argv))
        return EXIT_USAGE;
    start_env_apply(argv); /* before MPI starts: it re-executes the process */
    char err[UNITS_ERRLEN];
    if (omp_team_env_check(err, sizeof err)) {
        fprintf(stderr, "ompsweep %s: %s\n", cmd, err);
        return EXIT_USAGE;
    }
    if (ranks_init(&argc, &argv))
        return EXIT_FAILED;
    int rc = across_ranks_check(cmd, across_ranks);
    running_command = cmd;
    atexit(explain_library_exit);
    if (!rc)
        rc = run(argc - 1, argv + 1, argc, argv);
    running_command = NULL;
    ranks_finalize();
    return rc;
}

int main(int argc, char **argv) {
    if (standard_fds_open())
        return EXIT_FAILED;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    /* From here on, SIGINT, SIGTERM and SIGHUP remove the temporary files before dying. */
    if (temp_registry_install() != 0) {
        perror("ompsweep: cannot set the signal handlers");
        return EXIT_FAILED;
    }
    if (check_cache_override())
        return EXIT_USAGE;
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return finish_stdout(cmd, 0);
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("ompsweep %s\n", OMPSWEEP_VERSION);
        return finish_stdout(cmd, 0);
    }
    if (strcmp(cmd, "list") == 0)
        return finish_stdout(cmd, cmd_list(argc - 1, argv + 1));
    /* The report measures nothing: no pinning, no re-execution. */
    if (strcmp(cmd, "report") == 0)
        return finish_stdout(cmd, cmd_report(argc - 1, argv + 1, argc, argv));
    static const struct {
        const char *name;
        int (*run)(int, char **, int, char **);
        int across_ranks; /* runs across MPI ranks; the others refuse more than one */
    } pinned[] = {{"info", cmd_info, 1},
                  {"run", cmd_run, 1},
                  {"ceilings", cmd_ceilings, 0},
                  {"cachemap", cmd_cachemap, 1},
                  {"chunkmap", cmd_chunkmap, 1},
                  {"overhead", cmd_overhead, 0},
                  {"breakeven", cmd_breakeven, 0},
                  {"ae", cmd_ae, 0},
                  {"etl", cmd_etl, 0}};
    for (size_t i = 0; i < sizeof pinned / sizeof pinned[0]; i++)
        if (strcmp(cmd, pinned[i].name) == 0)
            return finish_stdout(
                cmd, run_pinned(cmd, pinned[i].across_ranks, pinned[i].run, argc, argv));
    fprintf(stderr, "ompsweep: unknown command '%s'\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
