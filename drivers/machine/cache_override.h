/* cache_override: cache sizes given by the user (OMPSWEEP_CACHES="L1=48K,L2=2M,L3=32M") in
 * place of those hwloc detected, since containers and VMs can report caches wrongly (a VM
 * may show its host's whole L3). This module parses the variable; the context applies it
 * (context_override_caches) and keeps both what was detected and what is used.
 * Units: bytes. Errors: cache_override_parse returns 0 or -1 with a message naming the item
 * in err. Thread-safety: pure functions.
 */
#ifndef OMPSWEEP_CACHE_OVERRIDE_H
#define OMPSWEEP_CACHE_OVERRIDE_H

#include <stddef.h>

#define CACHE_OVERRIDE_ENV "OMPSWEEP_CACHES"

struct cache_size {
    int level;            /* 1 to 5 */
    long long size_bytes; /* one instance */
};

/* "L1=48K,L2=2M" (binary suffixes, as --chunk): each level at most once. */
int cache_override_parse(const char *spec, struct cache_size *out, int max, int *n, char *err,
                         size_t errlen);

#endif
