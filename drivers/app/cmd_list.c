/* ompsweep list [KERNEL]: the registry, as a table or one kernel in detail. */
#include "app/commands.h"
#include "app/options.h"

#include "kernel.h"

#include <stdio.h>
#include <string.h>

static void print_table(void) {
    printf("%-14s %-10s %-10s %10s %10s %9s  %s\n", "kernel", "group", "item", "bytes/item",
           "flops/item", "flops/B", "variants");
    for (size_t i = 0; kernel_registry[i]; i++) {
        const struct kernel *k = kernel_registry[i];
        double params[KERNEL_MAX_PARAMS];
        struct kernel_work w;
        kernel_default_params(k, params);
        k->work((size_t)k->default_size, params, &w);
        printf("%-14s %-10s %-10s %10.3g %10.3g %9.3g  ", k->name, k->group, k->item,
               w.bytes / w.items, w.flops / w.items, w.flops / w.bytes);
        for (size_t v = 0; k->variants[v].name; v++)
            printf("%s%s", v ? "," : "", k->variants[v].name);
        printf("\n");
    }
    printf("\n'ompsweep list KERNEL' shows a kernel's parameters and variants.\n");
}

static void print_kernel(const struct kernel *k) {
    double params[KERNEL_MAX_PARAMS];
    struct kernel_work w;
    kernel_default_params(k, params);
    k->work((size_t)k->default_size, params, &w);
    printf("%s: %s\n", k->name, k->summary);
    printf("  group: %s\n  item: one %s (rates are %ss per second)\n", k->group, k->item, k->item);
    printf("  --size: %s, default %ld, range %ld..%ld\n", k->size_name, k->default_size,
           k->min_size, k->max_size);
    printf("  scheduled loop: one iteration = one %s (%g %s, %g bytes): --chunk counts %s, or "
           "bytes with B/K/M/G\n",
           k->iteration, w.iteration_size, kernel_chunk_unit(k), w.iteration_bytes,
           kernel_chunk_unit(k));
    printf("  at the defaults: %.4g bytes and %.4g flops per %s (arithmetic intensity %.3g "
           "flops/byte), working set %.4g MiB\n",
           w.bytes / w.items, w.flops / w.items, k->item, w.flops / w.bytes,
           w.working_set / 1048576.0);
    if (k->tolerance == 0.0)
        printf("  validation: checksum bit-identical to the reference\n");
    else
        printf("  validation: checksum within %g relative of the reference\n", k->tolerance);
    printf("  parameters (--param NAME=VALUE):\n");
    if (!k->params[0].name)
        printf("    (none)\n");
    for (size_t i = 0; k->params[i].name; i++)
        printf("    %-10s default %-6.15g range %.15g..%.15g%s  %s\n", k->params[i].name,
               k->params[i].def, k->params[i].min, k->params[i].max,
               k->params[i].kind == PARAM_INTEGER ? "" : " (real)", k->params[i].help);
    printf("  variants ([0] is the reference):\n");
    for (size_t v = 0; k->variants[v].name; v++) {
        unsigned fl = k->variants[v].flags;
        printf("    %-12s %-9s %s%s\n", k->variants[v].name,
               fl & VARIANT_SERIAL ? "serial" : (fl & VARIANT_CHUNKED ? "chunked" : "parallel"),
               fl & VARIANT_LIBRARY ? "[library] " : "", k->variants[v].summary);
    }
}

static void list_usage(FILE *f) {
    fprintf(f, "usage: ompsweep list [KERNEL]\n\nLists the registered kernels, or one kernel's "
               "parameters, variants and units.\n");
}

int cmd_list(int argc, char **argv) {
    const struct options_spec spec = {.command = "list", .usage = list_usage, .max_operands = 1};
    int first, rc = options_parse(&spec, argc, argv, &first);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (first == argc) {
        print_table();
        return 0;
    }
    const struct kernel *k;
    rc = command_find_kernel("list", argv[first], &k);
    if (!rc)
        print_kernel(k);
    return rc;
}
