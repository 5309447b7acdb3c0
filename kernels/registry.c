/* The one list of kernels. Adding a kernel: its family's files in kernels/ (the computation
 * and its header, with the descriptor in the same .c or in a <family>_kernel.c beside it),
 * then here its extern declaration and one line in the list. The Makefile compiles every .c
 * file in kernels/; a header users call goes into its PUBLIC_HEADERS. */
#include "kernel.h"

#include <string.h>

extern const struct kernel spline_expsum_kernel;
extern const struct kernel expsum_kernel;
extern const struct kernel expsum_nondet_kernel;
extern const struct kernel dot_kernel;
extern const struct kernel gemm_kernel;
extern const struct kernel noise_kernel;
extern const struct kernel stream_copy_kernel, stream_scale_kernel, stream_add_kernel;
extern const struct kernel stream_triad_kernel, stream_read_kernel;
extern const struct kernel cpu_loop_kernel;
extern const struct kernel peak_flops_kernel;
extern const struct kernel ae_features_kernel;

/* One kernel a line, so that adding one adds one line to the list. */
/* clang-format off */
const struct kernel *const kernel_registry[] = {
    &spline_expsum_kernel,
    &expsum_kernel,
    &expsum_nondet_kernel,
    &dot_kernel,
    &gemm_kernel,
    &noise_kernel,
    &stream_copy_kernel,
    &stream_scale_kernel,
    &stream_add_kernel,
    &stream_triad_kernel,
    &stream_read_kernel,
    &cpu_loop_kernel,
    &peak_flops_kernel,
    &ae_features_kernel,
    NULL,
};
/* clang-format on */

const struct kernel *kernel_find(const char *name) {
    for (size_t i = 0; kernel_registry[i]; i++)
        if (strcmp(kernel_registry[i]->name, name) == 0)
            return kernel_registry[i];
    return NULL;
}

const struct kernel_variant *kernel_find_variant(const struct kernel *k, const char *name) {
    for (const struct kernel_variant *v = k->variants; v->name; v++)
        if (strcmp(v->name, name) == 0)
            return v;
    return NULL;
}

int kernel_param_index(const struct kernel *k, const char *name) {
    for (int i = 0; k->params[i].name; i++)
        if (strcmp(k->params[i].name, name) == 0)
            return i;
    return -1;
}

size_t kernel_param_count(const struct kernel *k) {
    size_t n = 0;
    while (k->params[n].name)
        n++;
    return n;
}

void kernel_default_params(const struct kernel *k, double params[KERNEL_MAX_PARAMS]) {
    for (size_t i = 0; k->params[i].name && i < KERNEL_MAX_PARAMS; i++)
        params[i] = k->params[i].def;
}

size_t kernel_variant_count(const struct kernel *k) {
    size_t n = 0;
    while (k->variants[n].name)
        n++;
    return n;
}

const char *kernel_chunk_unit(const struct kernel *k) {
    return k->chunk_unit ? k->chunk_unit : k->size_name;
}
