/* ompsweep cachemap KERNEL: throughput against working-set size, from well inside L1 to beyond
 * the last-level cache, with the knees it measured next to the cache sizes hwloc reported. */
#include "app/commands.h"
#include "app/sweep_command.h"
#include "engine/cachemap.h"
#include "output/maps.h"

#include <stddef.h>
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

/* "1000,2000,...": sizes as a --size list. */
static char *sizes_string(const long long *sizes, size_t n) {
    char *s = malloc(n * 24 + 1);
    size_t used = 0;
    for (size_t i = 0; s && i < n; i++)
        used += (size_t)sprintf(s + used, "%s%lld", i ? "," : "", sizes[i]);
    return s;
}

/* The working-set ladder as --size, when the user gave no --size. */
static int default_sizes(const struct kernel *k, const struct context *ctx,
                         const struct sweep_plan *plan, struct run_args *a) {
    double from, to;
    cachemap_default_range(ctx, &from, &to);
    if (a->ws_from > 0)
        from = (double)a->ws_from;
    if (a->ws_to > 0)
        to = (double)a->ws_to;
    if (from >= to)
        return command_usage_error("cachemap", "--from (%.0f bytes) must be below --to (%.0f)",
                                   from, to);
    long long *sizes;
    size_t n;
    if (cachemap_ladder(k, plan->params, from, to, a->per_octave > 0 ? a->per_octave : 3, &sizes,
                        &n))
        return command_usage_error(
            "cachemap", "no size of %s has a working set in %.0f..%.0f bytes", k->name, from, to);
    a->common.size = run_args_own(a, sizes_string(sizes, n));
    free(sizes);
    return a->common.size ? 0 : command_usage_error("cachemap", "out of memory");
}

/* --variant: the kernel's plain OpenMP variant; --threads: 1 and all CPUs; --size: the ladder. */
static int cachemap_defaults(const struct kernel *k, const struct context *ctx,
                             const struct sweep_plan *plan, struct run_args *a) {
    struct kernel_work w;
    k->work((size_t)k->default_size, plan->params, &w);
    if (!(w.bytes >= 0.01 * w.items) || !(w.working_set > 0))
        return command_usage_error("cachemap",
                                   "%s moves next to no memory, so it has no cache map (try "
                                   "stream_triad, stream_read or dot)",
                                   k->name);
    if (!a->variants && !(a->variants = run_args_own(a, strdup(cachemap_variant(k)->name))))
        return command_usage_error("cachemap", "out of memory");
    if (!a->common.threads) {
        char buf[32];
        int cpus = ctx->allowed_cpus > 1 ? ctx->allowed_cpus : 1;
        snprintf(buf, sizeof buf, cpus > 1 ? "1,%d" : "1", cpus);
        if (!(a->common.threads = run_args_own(a, strdup(buf))))
            return command_usage_error("cachemap", "out of memory");
    }
    return a->common.size ? 0 : default_sizes(k, ctx, plan, a);
}

static void cachemap_json(struct json_writer *w, const struct sweep_plan *plan,
                          const struct sweep_result *res, const struct context *ctx) {
    (void)plan;
    maps_write_knees(w, res, ctx);
}

static const struct option_row cachemap_rows[] = {
    {"from", 0, OPTION_BYTES, offsetof(struct run_args, ws_from), 64, 0x1p40},
    {"to", 0, OPTION_BYTES, offsetof(struct run_args, ws_to), 64, 0x1p40},
    {"per-octave", 0, OPTION_INT, offsetof(struct run_args, per_octave), 1, 16},
    {NULL, 0, OPTION_FLAG, 0, 0, 0},
};

static const struct run_mode cachemap_mode = {.command = "cachemap",
                                              .study = "cachemap",
                                              .rows = cachemap_rows,
                                              .usage = cachemap_usage,
                                              .defaults = cachemap_defaults,
                                              .analyse = maps_print_knees,
                                              .json_extra = cachemap_json};

int cmd_cachemap(int argc, char **argv, int full_argc, char **full_argv) {
    return run_command(&cachemap_mode, argc, argv, full_argc, full_argv);
}
