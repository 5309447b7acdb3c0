/* ompsweep info: the machine and build context every result file carries. */
#include "app/commands.h"
#include "app/options.h"

#include "engine/latency.h"
#include "machine/context.h"
#include "machine/context_write.h"
#include "machine/places_print.h"
#include "machine/rank_places.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

static void info_usage(FILE *f) {
    fprintf(f, "usage: ompsweep info [--json] [--affinity]\n\nShows the machine (CPU, cores, "
               "caches from hwloc, memory, huge pages), the build (compiler, flags), the OpenMP "
               "runtime and OMP_* settings, OpenBLAS's configuration, and the measured "
               "core-to-core latency.\n\n"
               "  --json      as JSON: the context object every result file carries\n"
               "  --affinity  only where each rank (under mpirun or srun: ompsweep-mpi) and each "
               "of\n"
               "              its OpenMP threads runs, for the OMP_PLACES, OMP_PROC_BIND and MPI\n"
               "              binding in force, with a warning for every core that threads share\n"
               "              (exit 1 if any does)\n");
}

struct info_args {
    int json, affinity;
};

static const struct option_row info_rows[] = {
    {"json", 0, OPTION_FLAG, offsetof(struct info_args, json), 0, 0},
    {"affinity", 0, OPTION_FLAG, offsetof(struct info_args, affinity), 0, 0},
    {NULL, 0, OPTION_FLAG, 0, 0, 0},
};

int cmd_info(int argc, char **argv, int full_argc, char **full_argv) {
    struct info_args a = {0};
    const struct options_spec spec = {
        .command = "info", .usage = info_usage, .rows = info_rows, .args = &a};
    int first, rc = options_parse(&spec, argc, argv, &first);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct context ctx;
    context_collect(&ctx, full_argc, full_argv);
    if (a.json) /* the text has the warning in its own lines */
        command_blas_warning("info", &ctx);
    struct rank_places places;
    if (rank_places_collect(&places)) {
        fprintf(stderr, "ompsweep info: out of memory\n");
        return EXIT_FAILED;
    }
    ctx.places = &places;
    if (a.affinity && !a.json) {
        printf("OMP_PROC_BIND %s, OMP_PLACES %s (%d places), %d threads per rank, %d rank%s\n",
               ctx.omp_proc_bind, getenv("OMP_PLACES") ? getenv("OMP_PLACES") : "(unset)",
               ctx.omp_num_places, ctx.omp_max_threads, places.count, places.count > 1 ? "s" : "");
        int shared = places_print_threads(stdout, &places);
        rank_places_free(&places);
        return shared || places.overlapping ? EXIT_FAILED : 0;
    }
    latency_record(&ctx, 0);
    if (a.json) {
        struct json_writer w;
        json_init(&w, stdout, 1);
        json_object_begin(&w, NULL);
        context_write_json(&w, &ctx);
        json_object_end(&w);
    } else {
        context_print(stdout, &ctx);
        if (places.count > 1)
            places_print_ranks(stdout, &places);
    }
    rank_places_free(&places);
    return 0;
}
