/* cpu_flags: the CPU's features as Linux names them (/proc/cpuinfo's "flags" line of the
 * first processor: "fpu vme ... avx2 ... avx512f ..."; "pni" is SSE3), which the kernel
 * clears for what the operating system does not enable.
 * Errors: cpu_flags_read returns -1 and leaves "" when the file or the line is missing (not
 * Linux, not x86). Thread-safety: reentrant.
 */
#ifndef OMPSWEEP_CPU_FLAGS_H
#define OMPSWEEP_CPU_FLAGS_H

#include <stddef.h>

/* Room for the whole line on current x86 CPUs (about 1.6 KB on an AVX-512 one). */
#define CPU_FLAGS_MAX 4096

/* The flags line of the cpuinfo file at path (NULL: /proc/cpuinfo) into buf. 0, or -1. */
int cpu_flags_read(const char *path, char *buf, size_t cap);

/* 1 when the first n characters of word are one of the blank-separated words of flags. */
int cpu_flags_has(const char *flags, const char *word, size_t n);

/* The vector-instruction features among flags, in a fixed order, space-separated
 * ("sse3 ssse3 sse4_1 sse4_2 avx fma avx2 avx512f ..."; SSE3 under its usual name), for the
 * context; "" when there are none. */
void cpu_vector_features(const char *flags, char *out, size_t cap);

#endif
