/* peak: the machine's peak double-precision FLOP/s, measured (docs/cpu_loop.md).
 *
 * One work unit keeps peak_chains() independent accumulators, each a full-width vector of
 * peak_vector_doubles() doubles, and updates every one `inner` times with acc = acc * a + b,
 * a fused multiply-add where the build has one (peak_uses_fma); 2 flops per lane either way.
 * Enough chains are in flight to cover the FMA latency on two FMA pipes. 0 < a < 1, so the
 * values approach b / (1 - a) = 1.5: they never overflow and never become subnormal. A unit's
 * starting values come from (seed, unit), so nothing can be computed ahead of time; its
 * result is the sum of its accumulators in a fixed order (chains, then lanes).
 *
 * peak_run_ref runs the units one after another; peak_run_omp spreads them over the threads
 * (schedule(runtime)). Both call the same unit code, so results[] has the same bits.
 * Units: flops. Errors: 0, or EINVAL when units == 0, inner == 0 or results is NULL (nothing
 * written). Thread-safety: pure; peak_run_omp opens its own OpenMP parallel region.
 */
#ifndef OMPSWEEP_PEAK_H
#define OMPSWEEP_PEAK_H

#include <stddef.h>
#include <stdint.h>

/* Doubles per vector in this build: 8 with AVX-512, 4 with AVX, 2 otherwise. */
int peak_vector_doubles(void);

/* 1 if each step is a fused multiply-add (one rounding), 0 if a multiply then an add. */
int peak_uses_fma(void);

/* Independent accumulators per unit in this build. */
int peak_chains(void);

/* Floating-point operations of one unit: 2 * lanes * chains * inner. */
double peak_flops_per_unit(uint64_t inner);

/* results[u] = the result of unit u, for u < units. */
int peak_run_ref(uint64_t seed, size_t units, uint64_t inner, double *results);
int peak_run_omp(uint64_t seed, size_t units, uint64_t inner, double *results);

#endif
