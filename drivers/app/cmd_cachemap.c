/* ompsweep cachemap KERNEL: throughput against working-set size, from well inside L1 to beyond
 * the last-level cache, with the knees it measured next to the cache sizes hwloc reported. */
#include "app/commands.h"

#include "app/sweep_command.h"
#include "engine/cachemap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void cachemap_usage(FILE *f) {
    fprintf(f, "usage: ompsweep cachemap KERNEL [options]\n\n"
               "Sweeps the working set of KERNEL (a kernel that moves memory: stream_triad,\n"
               "stream_read, dot, ...) from well inside L1 to 4x the last-level cache, for each\n"
               "thread count, and locates the knees where its throughput falls off each cache\n"
               "level, next to the sizes hwloc reported (override them with\n"
               "OMPSWEEP_CACHES=L1=48K,L2=2M,L3=32M when a VM reports them wrongly).\n\n"
               "  --from BYTES      smallest working set (default: 1/8 of L1, at least 1K)\n"
               "  --to BYTES        largest working set (default: 4x the last-level caches, at\n"
               "                    most 1/4 of memory)\n"
               "  --per-octave N    working sets per doubling (default 3)\n"
               "  (--size overrides the ladder; --threads defaults to 1 and all CPUs; --variant\n"
               "  defaults to the kernel's first plain OpenMP variant)\n\n");
    run_print_common_options(f);
    fprintf(f, "\nThe JSON result holds the knees under \"knees\". Exit codes: 0 ok, 1 a failed\n"
               "run or a checksum mismatch, 2 a usage error.\n");
}

static const struct run_mode cachemap_mode = {.command = "cachemap",
                                              .study = "cachemap",
                                              .options = RUN_OPT_RANGE,
                                              .usage = cachemap_usage,
                                              .defaults = cachemap_defaults,
                                              .analyse = cachemap_print_knees,
                                              .json_extra = cachemap_write_knees};

int cmd_cachemap(int argc, char **argv, int full_argc, char **full_argv) {
    return run_command(&cachemap_mode, argc, argv, full_argc, full_argv);
}
