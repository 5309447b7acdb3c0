/* cache_override: cache sizes given by the user (OMPSWEEP_CACHES="L1=48K,L2=2M,L3=32M") in
 * place of those hwloc detected, since containers and VMs can report caches wrongly (a VM
 * may show its host's whole L3). The context keeps both: what was detected and what is used.
 * Errors: cache_override_parse returns 0 or -1 with a message naming the item in err.
 * Thread-safety: pure functions.
 */
#ifndef OMPSWEEP_CACHE_OVERRIDE_H
#define OMPSWEEP_CACHE_OVERRIDE_H

#include "machine/context.h"

#include <stddef.h>

#define CACHE_OVERRIDE_ENV "OMPSWEEP_CACHES"

struct cache_size {
    int level;            /* 1 to 5 */
    long long size_bytes; /* one instance */
};

/* "L1=48K,L2=2M" (binary suffixes, as --chunk): each level at most once. */
int cache_override_parse(const char *spec, struct cache_size *out, int max, int *n, char *err,
                         size_t errlen);

/* Sets the size of each given level (adding a unified level not detected, one instance per
 * package), after saving the detected levels in ctx->caches_detected; records spec. */
void cache_override_apply(struct context *ctx, const char *spec, const struct cache_size *sizes,
                          int n);

#endif
