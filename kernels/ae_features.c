#include "ae_features.h"

#include <errno.h>
#include <math.h>

static int bad_args(const float *d, size_t n, double thr, double fs, const struct ae_features *f) {
    return !d || !f || n == 0 || !(fs > 0.0) || !isfinite(fs) || !(thr >= 0.0);
}

/* The features that follow from the others, shared by both versions. */
static void finish(struct ae_features *f, size_t n, double fs, double sum_sq, double sum_abs,
                   double m2, double m3) {
    f->amplitude_db = 20.0 * log10(f->amplitude / 1e-6);
    f->rise_time = f->first_crossing >= 0 ? (double)(f->peak_index - f->first_crossing) / fs : 0.0;
    f->energy = sum_sq * 1e14 / fs;
    f->signal_strength = sum_abs * 1e9 / fs;
    f->rms = sqrt(sum_sq / (double)n);
    f->std = sqrt(m2);
    f->skewness = m3 / pow(m2, 1.5);
}

int ae_features_ref(const float *d, size_t n, double thr, double fs, struct ae_features *f) {
    if (bad_args(d, n, thr, fs, f))
        return EINVAL;
    double amp = 0.0;
    long peak = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs((double)d[i]) > amp) {
            amp = fabs((double)d[i]);
            peak = (long)i;
        }
    long first = -1;
    for (size_t i = 0; i < n && first < 0; i++)
        if ((double)d[i] >= thr || (double)d[i] <= -thr)
            first = (long)i;
    long counts = 0;
    for (size_t i = 1; i < n; i++)
        counts += (double)d[i - 1] < thr && (double)d[i] >= thr;
    double sum = 0.0, sum_sq = 0.0, sum_abs = 0.0;
    for (size_t i = 0; i < n; i++) {
        sum += d[i];
        sum_sq += (double)d[i] * d[i];
        sum_abs += fabs((double)d[i]);
    }
    double mean = sum / (double)n, m2 = 0.0, m3 = 0.0;
    for (size_t i = 0; i < n; i++) {
        double c = d[i] - mean;
        m2 += c * c;
        m3 += c * c * c;
    }
    *f = (struct ae_features){
        .amplitude = amp, .peak_index = peak, .first_crossing = first, .counts = counts};
    finish(f, n, fs, sum_sq, sum_abs, m2 / (double)n, m3 / (double)n);
    return 0;
}

/* Power sums of one pass. y = d - pivot keeps the moments free of cancellation when the signal
 * has an offset; the energy and rms need the unshifted sum of squares, summed alongside. */
struct pass {
    double sum_y, sum_y2, sum_y3, sum_sq, sum_abs;
    float amp;
    long counts;
};

static struct pass one_pass(const float *d, size_t n, double thr) {
    /* Sample 0 starts the sums (its y is 0); the loop from 1 has a predecessor for counts. */
    double pivot = d[0], x0 = d[0];
    double sy = 0.0, sy2 = 0.0, sy3 = 0.0, sq = x0 * x0, sa = fabs(x0);
    float amp = fabsf(d[0]) > 0.0f ? fabsf(d[0]) : 0.0f; /* NaN is skipped, as in the reference */
    long counts = 0;
#pragma omp simd reduction(+ : sy, sy2, sy3, sq, sa, counts) reduction(max : amp)
    for (size_t i = 1; i < n; i++) {
        double x = d[i], y = x - pivot;
        sy += y;
        sy2 += y * y;
        sy3 += y * y * y;
        sq += x * x;
        sa += fabs(x);
        float a = fabsf(d[i]);
        amp = a > amp ? a : amp;
        counts += ((double)d[i - 1] < thr) & (x >= thr); /* & not &&: no branch, so it vectorises */
    }
    return (struct pass){sy, sy2, sy3, sq, sa, amp, counts};
}

/* The first index of the maximum (0 when every sample is NaN and nothing equals it). */
static long first_index_of(const float *d, size_t n, float amp) {
    for (size_t i = 0; i < n; i++)
        if (fabsf(d[i]) == amp)
            return (long)i;
    return 0;
}

int ae_features_compute(const float *d, size_t n, double thr, double fs, struct ae_features *f) {
    if (bad_args(d, n, thr, fs, f))
        return EINVAL;
    struct pass p = one_pass(d, n, thr);
    long peak = first_index_of(d, n, p.amp);
    long first = -1;
    for (size_t i = 0; i < n; i++)
        if ((double)d[i] >= thr || (double)d[i] <= -thr) {
            first = (long)i;
            break;
        }
    /* Central moments from the shifted power sums: with a = mean(y),
     * m2 = E[y^2] - a^2 and m3 = E[y^3] - 3 a E[y^2] + 2 a^3. */
    double inv = 1.0 / (double)n, a = p.sum_y * inv, e2 = p.sum_y2 * inv, e3 = p.sum_y3 * inv;
    double m2 = fmax(e2 - a * a, 0.0), m3 = e3 - 3.0 * a * e2 + 2.0 * a * a * a;
    *f = (struct ae_features){
        .amplitude = p.amp, .peak_index = peak, .first_crossing = first, .counts = p.counts};
    finish(f, n, fs, p.sum_sq, p.sum_abs, m2, m3);
    return 0;
}
