/* ompsweep: measure how OpenMP kernels scale with threads, schedule, chunk and size. */
#include "commands.h"

#include "context.h"

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
               "  report DIR      a Markdown report with plots from a folder of results\n\n"
               "'ompsweep COMMAND --help' describes each one.\n");
}

/* libgomp reads OMP_PROC_BIND and OMP_PLACES when it is loaded, before main: to pin threads
 * by default the process sets them and starts itself again, once. */
static void pin_by_default(char **argv) {
    if (getenv("OMPSWEEP_PINNED_BY_DEFAULT"))
        return;
    if (context_default_pinning() != 1)
        return;
    setenv("OMPSWEEP_PINNED_BY_DEFAULT", "1", 1);
    execv("/proc/self/exe", argv);
    /* Could not re-execute: carry on unpinned; the context records the binding in force. */
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("ompsweep %s\n", OMPSWEEP_VERSION);
        return 0;
    }
    if (strcmp(cmd, "list") == 0)
        return cmd_list(argc - 1, argv + 1);
    /* The report measures nothing: no pinning, no re-execution. */
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1, argc, argv);
    if (strcmp(cmd, "info") == 0 || strcmp(cmd, "run") == 0 || strcmp(cmd, "ceilings") == 0) {
        pin_by_default(argv);
        if (cmd[0] == 'i')
            return cmd_info(argc - 1, argv + 1, argc, argv);
        if (cmd[0] == 'r')
            return cmd_run(argc - 1, argv + 1, argc, argv);
        return cmd_ceilings(argc - 1, argv + 1, argc, argv);
    }
    fprintf(stderr, "ompsweep: unknown command '%s'\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
