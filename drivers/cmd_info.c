/* ompsweep info: the machine and build context every result file carries. */
#include "commands.h"

#include "context.h"

#include <stdio.h>
#include <string.h>

int cmd_info(int argc, char **argv, int full_argc, char **full_argv) {
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: ompsweep info [--json]\n\nShows the machine (CPU, cores, caches "
                   "from hwloc, memory, huge pages), the build (compiler, flags), the OpenMP "
                   "runtime and OMP_* settings, OpenBLAS's configuration, and the measured "
                   "core-to-core latency.\n");
            return 0;
        } else {
            fprintf(stderr, "ompsweep info: unknown argument '%s' (try --help)\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    struct context ctx;
    context_collect(&ctx, full_argc, full_argv);
    context_measure_latency(&ctx, 0);
    if (json) {
        struct json_writer w;
        json_init(&w, stdout, 1);
        json_object_begin(&w, NULL);
        context_write_json(&w, &ctx);
        json_object_end(&w);
    } else {
        context_print(stdout, &ctx);
    }
    return 0;
}
