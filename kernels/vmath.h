/* vmath: lets GCC vectorise log, sin and cos (double and float) through glibc's libmvec
 * without -ffast-math, as kernels/vexp.h does for exp.
 *
 * glibc declares its SIMD variants only under __FAST_MATH__. Declaring the same
 * "simd notinbranch" attribute here gives loops marked `#pragma omp simd` the vector calls
 * (_ZGVeN8v_log, _ZGVeN16v_sinf, ... with 512-bit vectors; _ZGVdN4v_log with AVX2) and changes
 * nothing else. Keep it out of files with serial references that must call glibc's scalar
 * functions: GCC vectorises plain loops at -O3 too, and would call the vector ones there.
 * Accuracy: libmvec's log, sin and cos are within a few ulp (glibc's scalar functions:
 * < 1 ulp); tests and tolerances allow for that. sqrt becomes a vector instruction only with
 * -fno-math-errno. Link -lmvec.
 */
#ifndef OMPSWEEP_VMATH_H
#define OMPSWEEP_VMATH_H

#include <math.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__) &&       \
    !defined(__FAST_MATH__)
__attribute__((__simd__("notinbranch"))) extern double log(double);
__attribute__((__simd__("notinbranch"))) extern double sin(double);
__attribute__((__simd__("notinbranch"))) extern double cos(double);
__attribute__((__simd__("notinbranch"))) extern float logf(float);
__attribute__((__simd__("notinbranch"))) extern float sinf(float);
__attribute__((__simd__("notinbranch"))) extern float cosf(float);
#endif

#endif
