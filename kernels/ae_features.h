/* ae_features: the acoustic-emission features of one hit (one transient record).
 *
 * Definitions (docs/ae.md, as vallenae 0.10), for data d[0..n-1] in volts, threshold thr in
 * volts (> 0 to be meaningful) and sample rate fs in Hz:
 *   amplitude       max |d|                                                      V
 *   amplitude_db    20 log10(amplitude / 1e-6)                                   dB(AE)
 *   peak_index      the first index of the maximum of |d|
 *   first_crossing  the first index with d >= thr or d <= -thr; -1 if none
 *   rise_time       (peak_index - first_crossing) / fs; 0 if there is no crossing  s
 *   energy          sum(d^2) * 1e14 / fs                                          eu (1e-14 V^2 s)
 *   signal_strength sum(|d|) * 1e9 / fs                                           nV s
 *   counts          number of i >= 1 with d[i-1] < thr and d[i] >= thr (rising, signed)
 *   rms             sqrt(mean(d^2))                                               V
 *   std             sqrt(m2), m2 = mean((d - mean)^2) (ddof = 0)                  V
 *   skewness        m3 / m2^1.5, m3 = mean((d - mean)^3) (biased g1; NaN if m2 is 0)
 * Comparisons with thr are made in double ((double)d[i] against thr); sums accumulate in double.
 *
 *   ae_features_ref      the reference: one plain loop per feature, two-pass moments.
 *   ae_features_compute  one vectorised pass for the sums, counts and maximum, then two
 *                        early-exit scans for the peak index and the first crossing; moments
 *                        from power sums of d - d[0] (shifted so an offset does not cancel).
 *                        Agrees with the reference to ~1e-12 relative (summation order).
 * Both are deterministic: the same data give the same bits on any thread.
 * Errors: 0, or EINVAL (nothing written) when d or f is NULL, n is 0, fs is not a positive
 * finite number, or thr is negative or NaN.
 * Thread-safety: reentrant; no OpenMP region of their own (callers parallelise over hits).
 */
#ifndef OMPSWEEP_AE_FEATURES_H
#define OMPSWEEP_AE_FEATURES_H

#include <stddef.h>

struct ae_features {
    double amplitude, amplitude_db;
    long peak_index, first_crossing;
    double rise_time, energy, signal_strength;
    long counts;
    double rms, std, skewness;
};

int ae_features_ref(const float *d, size_t n, double thr, double fs, struct ae_features *f);
int ae_features_compute(const float *d, size_t n, double thr, double fs, struct ae_features *f);

#endif
