/* expsum: s = sum over i of exp(a[i]) for a double array.
 *
 * expsum_ref is the serial reference: scalar glibc exp, compensated sum. expsum_blocked is
 * the parallel kernel: blocks of REDUCE_BLOCK elements scheduled with schedule(runtime), each
 * summed with glibc's vector exp, partials combined pairwise, so the result has the same bits
 * at any thread count and chunk. Units: none. Errors: none (pure arithmetic; NaN propagates).
 * Thread-safety: both read a and write only scratch / their return value.
 */
#ifndef OMPSWEEP_EXPSUM_H
#define OMPSWEEP_EXPSUM_H

#include <stddef.h>

double expsum_ref(const double *a, size_t n);

/* sum of exp(a[i]) by one thread with the vector exp: the building block of the blocked sums
 * (its lane order is fixed by the compiled code, so equal inputs give equal bits). */
double expsum_vector(const double *a, size_t n);

/* scratch holds reduce_block_count(n, REDUCE_BLOCK) doubles. */
double expsum_blocked(const double *a, size_t n, double *scratch);

#endif
