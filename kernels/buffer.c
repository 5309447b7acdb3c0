#include "buffer.h"

#include <stdlib.h>
#include <sys/mman.h>

enum { CACHE_LINE = 64, HUGE_PAGE = 2 * 1024 * 1024 };

void *buffer_alloc(size_t bytes) {
    size_t align = bytes >= HUGE_PAGE ? HUGE_PAGE : CACHE_LINE;
    size_t rounded = (bytes + align - 1) / align * align;
    if (rounded == 0)
        rounded = align;
    void *p = aligned_alloc(align, rounded);
#ifdef MADV_HUGEPAGE
    /* Advice only: where THP is off or unsupported the call fails harmlessly. */
    if (p && align == HUGE_PAGE)
        (void)madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return p;
}

void buffer_free(void *p) {
    free(p);
}
