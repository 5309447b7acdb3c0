/* cpu_loop: a compute-bound integer loop the compiler cannot fold away (docs/cpu_loop.md).
 *
 * Item i starts from x = h(seed ^ h(i)), h the splitmix64 finaliser
 *   h(z): z += 0x9E3779B97F4A7C15; z = (z ^ z>>30) * 0xBF58476D1CE4E5B9;
 *         z = (z ^ z>>27) * 0x94D049BB133111EB; return z ^ z>>31,
 * then takes `steps` steps of x = (x ^ x>>32) * 0xD6E8FEB86659FD93 + 0x9E3779B97F4A7C15, all
 * modulo 2^64. The result is the sum of the items' final x modulo 2^64: exact, so every variant
 * and every thread count gives the same bits. No memory traffic: only registers.
 *
 * cpu_loop_ref runs the items one after another; cpu_loop_omp does the same in parallel, in
 * groups of CPU_LOOP_GROUP items scheduled with schedule(runtime); cpu_loop_omp_ilp runs each
 * group's items interleaved, so the core overlaps their independent dependency chains.
 * Units: none. Errors: 0, or EINVAL when n == 0, steps == 0 or result is NULL (nothing written).
 * Thread-safety: pure; the _omp forms open their own OpenMP parallel region.
 */
#ifndef OMPSWEEP_CPU_LOOP_H
#define OMPSWEEP_CPU_LOOP_H

#include <stddef.h>
#include <stdint.h>

/* Items per scheduled iteration (and per interleaved group). */
enum { CPU_LOOP_GROUP = 8 };

/* The final x of item i. */
uint64_t cpu_loop_item(uint64_t seed, uint64_t i, uint64_t steps);

int cpu_loop_ref(uint64_t seed, size_t n, uint64_t steps, uint64_t *result);
int cpu_loop_omp(uint64_t seed, size_t n, uint64_t steps, uint64_t *result);
int cpu_loop_omp_ilp(uint64_t seed, size_t n, uint64_t steps, uint64_t *result);

/* A 64-bit result as a double that keeps every bit's influence: the top 11 bits folded onto
 * the low 53, an exact integer below 2^53. The kernel's checksum. */
double cpu_loop_fold(uint64_t result);

#endif
