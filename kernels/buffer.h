/* buffer: aligned allocations for kernel arrays.
 *
 * Every array is 64-byte aligned (one cache line, one AVX-512 vector). Arrays of 2 MiB or more
 * are 2 MiB-aligned and advised for transparent huge pages, which moves streaming bandwidth
 * noticeably on the development machine. Returns NULL on failure; buffer_free(NULL) is a no-op.
 * Thread-safety: as malloc.
 */
#ifndef OMPSWEEP_BUFFER_H
#define OMPSWEEP_BUFFER_H

#include <stddef.h>

void *buffer_alloc(size_t bytes);
void buffer_free(void *p);

#endif
