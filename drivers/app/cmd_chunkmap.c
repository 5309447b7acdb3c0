/* ompsweep chunkmap KERNEL: threads x schedule x chunk size, the best chunk, and where it sits
 * against the caches. */
#include "app/commands.h"

#include "app/sweep_command.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

static const struct kernel_variant *chunked_variant(const struct kernel *k) {
    for (size_t i = 1; k->variants[i].name; i++)
        if (k->variants[i].flags & VARIANT_CHUNKED)
            return &k->variants[i];
    return NULL;
}

static int chunkmap_defaults(const struct kernel *k, const struct context *ctx,
                             const struct sweep_plan *plan, struct run_args *a) {
    (void)ctx;
    (void)plan;
    const struct kernel_variant *v = chunked_variant(k);
    if (!v)
        return command_usage_error("chunkmap",
                                   "%s has no chunked variant (no schedule(runtime) "
                                   "loop): 'ompsweep list' marks them 'chunked'",
                                   k->name);
    if (!a->variants && !(a->variants = run_args_own(a, strdup(v->name))))
        return command_usage_error("chunkmap", "out of memory");
    if (!a->schedules)
        a->schedules = "static,dynamic,guided";
    if (!a->chunks)
        a->chunks = k->map_chunks ? k->map_chunks : "1K,4K,16K,64K,256K,1M,4M,all";
    return 0;
}

/* The smallest cache level one chunk's data fits in (one instance: the core's own L1/L2). */
static void describe_chunk(FILE *f, const struct context *ctx, double bytes) {
    char b[32], c[32];
    cli_format_bytes(bytes, b, sizeof b);
    for (int i = 0; i < ctx->ncaches; i++)
        if (bytes <= (double)ctx->caches[i].size_bytes) {
            cli_format_bytes((double)ctx->caches[i].size_bytes, c, sizeof c);
            fprintf(f, "%s a chunk, fits L%d (%s)", b, ctx->caches[i].level, c);
            return;
        }
    fprintf(f, "%s a chunk, larger than every cache", b);
}

static void chunkmap_analyse(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                             const struct context *ctx) {
    fprintf(f, "\nbest chunk at each thread count:\n");
    for (size_t t = 0; t < plan->nthreads; t++) {
        const struct sweep_point *best = NULL, *worst = NULL;
        for (size_t i = 0; i < res->npoints; i++) {
            const struct sweep_point *p = &res->points[i];
            if (p->threads != plan->threads[t] || p->chunk_index < 0)
                continue;
            if (!best || p->st.median < best->st.median)
                best = p;
            if (!worst || p->st.median > worst->st.median)
                worst = p;
        }
        if (!best)
            continue;
        char chunk[32];
        cli_format_chunk(&plan->chunks[best->chunk_index], chunk, sizeof chunk);
        fprintf(f, "  %3d threads%s: %s, chunk %s: %.4g ms (the slowest chunk takes %.2fx); ",
                best->threads, best->oversubscribed ? "*" : "", sweep_schedule_name(best->schedule),
                chunk, best->st.median * 1e3, worst->st.median / best->st.median);
        describe_chunk(f, ctx, best->chunk_bytes);
        fputc('\n', f);
    }
}

static const struct run_mode chunkmap_mode = {.command = "chunkmap",
                                              .study = "chunkmap",
                                              .usage = chunkmap_usage,
                                              .defaults = chunkmap_defaults,
                                              .analyse = chunkmap_analyse};

int cmd_chunkmap(int argc, char **argv, int full_argc, char **full_argv) {
    return run_command(&chunkmap_mode, argc, argv, full_argc, full_argv);
}
