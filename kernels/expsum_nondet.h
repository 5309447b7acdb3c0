/* expsum_nondet: s = sum over i of exp(a[i]) the way most OpenMP code writes it, with
 * `parallel for simd reduction(+:s) schedule(runtime)`, for contrast with the deterministic
 * expsum kernel.
 *
 * OpenMP leaves the order of a reduction unspecified: each thread sums the elements the
 * schedule gave it (in vector lanes), and the threads' partial sums are combined in the order
 * the threads finish. So the result's last bits depend on the thread count, the schedule and
 * the chunk, and, with three or more threads or a dynamic schedule, on the run. It stays
 * within the error bound of any summation order (the tolerance in expsum_nondet.c).
 * Units: none. Errors: none (pure arithmetic; NaN propagates).
 * Thread-safety: reads a only; opens its own OpenMP team with the current runtime schedule.
 */
#ifndef OMPSWEEP_EXPSUM_NONDET_H
#define OMPSWEEP_EXPSUM_NONDET_H

#include <stddef.h>

double expsum_reduction(const double *a, size_t n);

#endif
