/* ompsweep chunkmap KERNEL: threads x schedule x chunk size, the best chunk, and where it sits
 * against the caches. */
#include "app/commands.h"
#include "app/sweep_command.h"
#include "engine/chunkmap.h"
#include "output/maps.h"

#include <stdio.h>
#include <string.h>

static void chunkmap_usage(FILE *f) {
    fprintf(f,
            "usage: ompsweep chunkmap KERNEL [options]\n\n"
            "Measures KERNEL's chunked variant over threads x schedules x chunk sizes (in\n"
            "bytes of the data a chunk touches, or in the kernel's units), prints the table\n"
            "of rates per schedule, the best chunk at each thread count and where that chunk\n"
            "sits against the cache sizes.\n"
            "Defaults: --variant the kernel's chunked variant, --schedule static,dynamic,guided,\n"
            "--chunk the kernel's own list (spline_expsum: the classic 125000..1000000-point\n"
            "columns after 1K..1M bytes) or 1K,4K,...,4M,all, --threads 1 to the CPUs.\n\n");
    run_print_common_options(f);
    fprintf(f, "\nExit codes: 0 ok, 1 a failed run or a checksum mismatch, 2 a usage error.\n");
}

static int chunkmap_defaults(const struct kernel *k, const struct context *ctx,
                             const struct sweep_plan *plan, struct run_args *a) {
    (void)ctx;
    (void)plan;
    const struct kernel_variant *v = chunkmap_variant(k);
    if (!v)
        return command_usage_error("chunkmap",
                                   "%s has no chunked variant (no schedule(runtime) "
                                   "loop): 'ompsweep list' marks them 'chunked'",
                                   k->name);
    if (!a->variants && !(a->variants = run_args_own(a, strdup(v->name))))
        return command_usage_error("chunkmap", "out of memory");
    if (!a->common.schedule)
        a->common.schedule = "static,dynamic,guided";
    if (!a->common.chunk)
        a->common.chunk = k->map_chunks ? k->map_chunks : "1K,4K,16K,64K,256K,1M,4M,all";
    return 0;
}

static const struct run_mode chunkmap_mode = {.command = "chunkmap",
                                              .study = "chunkmap",
                                              .usage = chunkmap_usage,
                                              .defaults = chunkmap_defaults,
                                              .analyse = maps_print_best_chunks};

int cmd_chunkmap(int argc, char **argv, int full_argc, char **full_argv) {
    return run_command(&chunkmap_mode, argc, argv, full_argc, full_argv);
}
