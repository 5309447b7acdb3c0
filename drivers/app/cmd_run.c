/* ompsweep run KERNEL [options]: a thread sweep (strong scaling, or weak with --weak). */
#include "app/commands.h"
#include "app/sweep_command.h"

#include <stddef.h>

static void run_usage(FILE *f) {
    fprintf(f, "usage: ompsweep run KERNEL [options]\n\n"
               "Measures KERNEL over every combination of the lists given; the reference variant\n"
               "is always measured too (1 thread): it validates every point and is the baseline\n"
               "of the 'x ref' column. Above a kernel's reference limit (gemm: n > 512) it is not\n"
               "run, and an independent checksum validates the points instead.\n\n");
    run_print_common_options(f);
    fprintf(f, "  --weak            weak scaling: at t threads the size is t x --size, and the\n"
               "                    speedup is the scaled speedup t x T(1, n) / T(t, t n)\n"
               "\nThreads are pinned (OMP_PROC_BIND=close, OMP_PLACES=cores) unless OMP_PROC_BIND\n"
               "or OMP_PLACES is set. Exit codes: 0 ok, 1 a failed run or a checksum mismatch,\n"
               "2 a usage error.\n");
}

static const struct option_row run_rows[] = {
    {"weak", 0, OPTION_FLAG, offsetof(struct run_args, weak), 0, 0},
    {NULL, 0, OPTION_FLAG, 0, 0, 0},
};

static const struct run_mode run_mode = {
    .command = "run", .study = "run", .rows = run_rows, .usage = run_usage};

int cmd_run(int argc, char **argv, int full_argc, char **full_argv) {
    return run_command(&run_mode, argc, argv, full_argc, full_argv);
}
