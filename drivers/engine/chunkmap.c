/* chunkmap: the chunked variant and the best chunk (see chunkmap.h). */
#include "engine/chunkmap.h"

#include <stddef.h>

const struct kernel_variant *chunkmap_variant(const struct kernel *k) {
    for (size_t i = 1; k->variants[i].name; i++)
        if (k->variants[i].flags & VARIANT_CHUNKED)
            return &k->variants[i];
    return NULL;
}

int chunkmap_best(const struct sweep_result *res, int threads, const struct sweep_point **best,
                  const struct sweep_point **worst) {
    *best = *worst = NULL;
    for (size_t i = 0; i < res->npoints; i++) {
        const struct sweep_point *p = &res->points[i];
        if (p->threads != threads || p->chunk_index < 0)
            continue;
        if (!*best || p->st.median < (*best)->st.median)
            *best = p;
        if (!*worst || p->st.median > (*worst)->st.median)
            *worst = p;
    }
    return *best ? 0 : -1;
}
