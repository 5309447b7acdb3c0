/* fill: reproducible pseudo-random inputs for the kernels.
 *
 * Element i of stream s under seed is a pure function of (seed, s, i) (a splitmix64 hash), so
 * arrays can be filled in parallel with any schedule (first touch on the thread that will use
 * the data) and are identical whatever the thread count. Not for statistics: for inputs only.
 * Thread-safety: pure functions; the array fillers open their own OpenMP parallel region.
 */
#ifndef OMPSWEEP_FILL_H
#define OMPSWEEP_FILL_H

#include <stddef.h>
#include <stdint.h>

/* A double uniform in [0, 1) with 53 random bits. */
double fill_uniform01(uint64_t seed, uint64_t stream, uint64_t index);

/* a[i] = lo + (hi - lo) * fill_uniform01(seed, stream, i), first-touched with the current
 * runtime schedule (schedule(runtime)), so pages land where the kernel's threads work. */
void fill_uniform_array(double *a, size_t n, double lo, double hi, uint64_t seed, uint64_t stream);

/* Elements first .. first + n - 1 of that array into a[0 .. n): one part of a larger problem. */
void fill_uniform_array_from(double *a, size_t first, size_t n, double lo, double hi, uint64_t seed,
                             uint64_t stream);

#endif
