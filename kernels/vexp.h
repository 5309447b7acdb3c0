/* vexp: lets GCC vectorise exp() through glibc's libmvec without -ffast-math.
 *
 * glibc declares its SIMD exp variants only under __FAST_MATH__, and -ffast-math would also
 * drop IEEE NaN/Inf semantics and let the compiler reorder every sum in the file. Declaring the
 * same "simd notinbranch" attribute here gives loops marked `#pragma omp simd` the vector call
 * (_ZGVeN8v_exp with 512-bit vectors, _ZGVdN4v_exp with AVX2) and nothing else changes.
 * Accuracy: libmvec's exp is within about 4 ulp (scalar glibc exp: < 1 ulp); the kernels'
 * tolerances against their scalar references allow for it. Link with -lmvec.
 */
#ifndef OMPSWEEP_VEXP_H
#define OMPSWEEP_VEXP_H

#include <math.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__) &&       \
    !defined(__FAST_MATH__)
__attribute__((__simd__("notinbranch"))) extern double exp(double);
#endif

#endif
