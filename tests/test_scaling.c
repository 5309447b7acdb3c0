/* Scaling models on synthetic data from a known serial fraction: exact recovery without noise,
 * recovery within the noise and honest standard errors with seeded multiplicative noise, the
 * exclusion of oversubscribed points, and the degenerate inputs. */
#include "report/scaling.h"

#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#define NP    64
#define SEEDS 300

static const double true_f = 0.05;

static void amdahl_data(double f, double *p, double *s) {
    for (int i = 0; i < NP; i++) {
        p[i] = i + 1;
        s[i] = 1.0 / (f + (1.0 - f) / p[i]); /* written out, not the module's function */
    }
}

/* The spread of the fitted f that the noise implies to first order, sd(S_i) = sd[i]: the
 * inverse Fisher information for the weighted fit, the sandwich (J'J)^-1 J'VJ (J'J)^-1 for the
 * unweighted one. */
static double amdahl_expected_stderr(double f, const double *p, const double *sd, int weighted) {
    double jj = 0.0, jvj = 0.0, info = 0.0;
    for (int i = 0; i < NP; i++) {
        double d = f + (1.0 - f) / p[i];
        double dsdf = -(1.0 - 1.0 / p[i]) / (d * d);
        jj += dsdf * dsdf;
        jvj += dsdf * dsdf * sd[i] * sd[i];
        info += dsdf * dsdf / (sd[i] * sd[i]);
    }
    return weighted ? 1.0 / sqrt(info) : sqrt(jvj) / jj;
}

Test(amdahl, noise_free_data_gives_f_exactly) {
    double p[NP], s[NP], fitted[NP];
    amdahl_data(true_f, p, s);
    struct scaling_points pts = {.p = p, .s = s, .n = NP};
    struct scaling_fit fit;
    cr_assert_eq(scaling_amdahl_fit(&pts, &fit, fitted), SCALING_OK);
    cr_assert_float_eq(fit.value, true_f, 1e-9);
    cr_assert_lt(fit.std_err, 1e-8);
    cr_assert_lt(fit.chi2, 1e-16);
    cr_assert_eq(fit.n_used, NP);
    cr_assert_eq(fit.dof, NP - 1);
    cr_assert_not(fit.at_bound);
    for (int i = 0; i < NP; i++)
        cr_assert_float_eq(fitted[i], s[i], 1e-9 * s[i]);
}

Test(amdahl, other_serial_fractions_including_the_bounds) {
    static const double fs[] = {0.0, 0.001, 0.3, 0.9, 1.0};
    for (size_t k = 0; k < sizeof fs / sizeof fs[0]; k++) {
        double p[NP], s[NP];
        amdahl_data(fs[k], p, s);
        struct scaling_points pts = {.p = p, .s = s, .n = NP};
        struct scaling_fit fit;
        cr_assert_eq(scaling_amdahl_fit(&pts, &fit, NULL), SCALING_OK, "f = %g", fs[k]);
        cr_assert_float_eq(fit.value, fs[k], 1e-8, "f = %g gave %g", fs[k], fit.value);
    }
}

Test(karp_flatt, equals_f_on_noise_free_amdahl_data) {
    double p[NP], s[NP];
    amdahl_data(true_f, p, s);
    for (int i = 1; i < NP; i++)
        cr_assert_float_eq(scaling_karp_flatt(p[i], s[i]), true_f, 1e-13, "p = %g", p[i]);
    cr_assert(isnan(scaling_karp_flatt(1.0, 1.0)), "undefined at one thread");
    cr_assert(isnan(scaling_karp_flatt(4.0, NAN)));
    cr_assert(isnan(scaling_karp_flatt(4.0, 0.0)));
    /* Ideal speedup: no serial fraction; no speedup at all: all serial. */
    cr_assert_float_eq(scaling_karp_flatt(8.0, 8.0), 0.0, 1e-15);
    cr_assert_float_eq(scaling_karp_flatt(8.0, 1.0), 1.0, 1e-15);
}

/* Fits SEEDS noisy data sets (S times 1 + rel N(0,1), or S plus rel N(0,1) when additive);
 * checks each estimate against the spread the noise implies, the coverage of the reported
 * standard errors, and their size against the spread seen. The unweighted fit of
 * multiplicative noise weighs the noisiest points most and its residual variance is an average
 * over all points, so its standard error is only checked for being finite there. */
static void check_noisy_amdahl(double rel, int weighted, int additive) {
    double p[NP], clean[NP], s[NP], sigma[NP];
    amdahl_data(true_f, p, clean);
    for (int i = 0; i < NP; i++)
        sigma[i] = additive ? rel : rel * clean[i];
    double expected = amdahl_expected_stderr(true_f, p, sigma, weighted);
    int check_stderr = weighted || additive;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int covered = 0;
    double sum_se = 0.0, sum_d2 = 0.0;
    for (int seed = 1; seed <= SEEDS; seed++) {
        gsl_rng_set(rng, (unsigned long)seed);
        for (int i = 0; i < NP; i++)
            s[i] = clean[i] + sigma[i] * gsl_ran_gaussian(rng, 1.0);
        struct scaling_points pts = {.p = p, .s = s, .sigma = weighted ? sigma : NULL, .n = NP};
        struct scaling_fit fit;
        cr_assert_eq(scaling_amdahl_fit(&pts, &fit, NULL), SCALING_OK, "seed %d", seed);
        double d = fit.value - true_f;
        cr_assert_lt(fabs(d), 6.0 * expected, "seed %d: f = %g, noise allows %g", seed, fit.value,
                     expected);
        cr_assert(isfinite(fit.std_err) && fit.std_err > 0.0);
        covered += fabs(d) <= 3.0 * fit.std_err;
        sum_se += fit.std_err;
        sum_d2 += d * d;
    }
    gsl_rng_free(rng);
    double rms = sqrt(sum_d2 / SEEDS), mean_se = sum_se / SEEDS;
    cr_assert(rms > 0.7 * expected && rms < 1.4 * expected, "spread %g, expected %g", rms,
              expected);
    if (!check_stderr)
        return;
    cr_assert_geq(covered, (int)(0.95 * SEEDS), "true f within 3 stderr in %d of %d", covered,
                  SEEDS);
    cr_assert(mean_se > 0.7 * rms && mean_se < 1.4 * rms, "mean stderr %g vs spread %g", mean_se,
              rms);
}

Test(amdahl, noisy_data_recovers_f_within_the_noise) {
    check_noisy_amdahl(0.02, 0, 0);
}

Test(amdahl, additive_noise_recovers_f_within_its_stderr) {
    check_noisy_amdahl(0.2, 0, 1);
}

Test(amdahl, noisy_weighted_data_recovers_f_within_its_stderr) {
    check_noisy_amdahl(0.05, 1, 0);
}

Test(amdahl, oversubscribed_points_are_excluded_by_max_p) {
    double p[NP + 8], s[NP + 8];
    amdahl_data(true_f, p, s);
    for (int i = NP; i < NP + 8; i++) {
        p[i] = i + 1;
        s[i] = 0.5; /* threads beyond the cores: far below the model */
    }
    struct scaling_points pts = {.p = p, .s = s, .n = NP + 8, .max_p = NP};
    struct scaling_fit fit;
    cr_assert_eq(scaling_amdahl_fit(&pts, &fit, NULL), SCALING_OK);
    cr_assert_float_eq(fit.value, true_f, 1e-9);
    cr_assert_eq(fit.n_used, NP);
    pts.max_p = 0; /* all in: the fit is pulled away */
    cr_assert_eq(scaling_amdahl_fit(&pts, &fit, NULL), SCALING_OK);
    cr_assert_gt(fit.value, true_f + 0.01, "f = %g", fit.value);
}

Test(amdahl, superlinear_speedup_stops_at_f_zero) {
    double p[] = {1, 2, 3, 4}, s[] = {1.0, 2.3, 3.5, 4.8};
    struct scaling_points pts = {.p = p, .s = s, .n = 4};
    struct scaling_fit fit;
    cr_assert_eq(scaling_amdahl_fit(&pts, &fit, NULL), SCALING_OK);
    cr_assert_eq(fit.value, 0.0);
    cr_assert(fit.at_bound);
    cr_assert(isfinite(fit.std_err));
}

Test(amdahl, two_thread_counts_are_enough) {
    /* The common 2-core case: S(2) = 1.8 means f = 2/1.8 - 1. */
    double p[] = {1, 2}, s[] = {1.0, 1.8}, sigma[] = {0.01, 0.02};
    struct scaling_points pts = {.p = p, .s = s, .n = 2};
    struct scaling_fit fit;
    cr_assert_eq(scaling_amdahl_fit(&pts, &fit, NULL), SCALING_OK);
    cr_assert_float_eq(fit.value, 2.0 / 1.8 - 1.0, 1e-10);
    cr_assert_eq(fit.dof, 1);
    pts.sigma = sigma; /* an exact fit: the error comes from the measurement alone */
    cr_assert_eq(scaling_amdahl_fit(&pts, &fit, NULL), SCALING_OK);
    double d = 0.5 + 0.5 * fit.value, dsdf = -0.5 / (d * d);
    cr_assert_float_eq(fit.std_err, 0.02 / fabs(dsdf), 1e-8);
}

Test(amdahl, degenerate_inputs_return_error_codes) {
    double p[] = {4, 4, 4}, s[] = {3, 3.1, 2.9}, sigma0[] = {0.1, 0, 0.1};
    struct scaling_points pts = {.p = p, .s = s, .n = 3};
    struct scaling_fit fit;
    cr_assert_eq(scaling_amdahl_fit(&pts, &fit, NULL), SCALING_TOO_FEW);
    cr_assert(isnan(fit.value) && isnan(fit.std_err));
    pts.n = 0;
    cr_assert_eq(scaling_amdahl_fit(&pts, &fit, NULL), SCALING_TOO_FEW);
    double p2[] = {1, 2, 4}, s2[] = {1, NAN, 3};
    struct scaling_points bad = {.p = p2, .s = s2, .n = 3};
    cr_assert_eq(scaling_amdahl_fit(&bad, &fit, NULL), SCALING_BAD_INPUT);
    s2[1] = -1.0;
    cr_assert_eq(scaling_amdahl_fit(&bad, &fit, NULL), SCALING_BAD_INPUT);
    s2[1] = 1.9;
    p2[0] = 0.5;
    cr_assert_eq(scaling_amdahl_fit(&bad, &fit, NULL), SCALING_BAD_INPUT);
    p2[0] = 1.0;
    bad.sigma = sigma0;
    cr_assert_eq(scaling_amdahl_fit(&bad, &fit, NULL), SCALING_BAD_INPUT);
    bad.sigma = NULL;
    bad.max_p = 1.5; /* only p = 1 left */
    cr_assert_eq(scaling_amdahl_fit(&bad, &fit, NULL), SCALING_TOO_FEW);
    cr_assert_eq(scaling_gustafson_fit(&pts, &fit), SCALING_TOO_FEW);
    cr_assert_eq(scaling_gustafson_fit(NULL, &fit), SCALING_BAD_INPUT);
    cr_assert_str_neq(scaling_strerror(SCALING_TOO_FEW), "ok");
}

/* ---- Gustafson --------------------------------------------------------------------------- */

static const double true_s = 0.08;

/* Times of a weak-scaling sweep: t(p, p n) = p t(1, n) / (p - s (p - 1)), times noise. */
static void weak_times(gsl_rng *rng, double rel, double *p, double *t) {
    const double t1 = 2.5;
    for (int i = 0; i < NP; i++) {
        p[i] = i + 1;
        double scaled = p[i] - true_s * (p[i] - 1.0);
        t[i] = p[i] * t1 / scaled * (rng ? 1.0 + rel * gsl_ran_gaussian(rng, 1.0) : 1.0);
    }
}

Test(gustafson, scaled_speedup_from_times) {
    cr_assert_float_eq(scaling_gustafson_speedup(8, 1.0, 1.0), 8.0, 1e-15);
    cr_assert_float_eq(scaling_gustafson_speedup(4, 1.0, 2.0), 2.0, 1e-15);
    cr_assert(isnan(scaling_gustafson_speedup(4, 1.0, 0.0)));
    cr_assert(isnan(scaling_gustafson_speedup(0.5, 1.0, 1.0)));
    cr_assert_float_eq(scaling_gustafson_model(0.25, 5), 4.0, 1e-15);
}

Test(gustafson, noise_free_fit_recovers_s) {
    double p[NP], t[NP], S[NP];
    weak_times(NULL, 0.0, p, t);
    for (int i = 0; i < NP; i++)
        S[i] = scaling_gustafson_speedup(p[i], t[0], t[i]);
    struct scaling_points pts = {.p = p, .s = S, .n = NP};
    struct scaling_fit fit;
    cr_assert_eq(scaling_gustafson_fit(&pts, &fit), SCALING_OK);
    cr_assert_float_eq(fit.value, true_s, 1e-12);
    cr_assert_lt(fit.std_err, 1e-10);
}

Test(gustafson, noisy_fit_recovers_s_within_its_stderr) {
    const double rel = 0.03;
    double p[NP], t[NP], S[NP];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int covered = 0;
    for (int seed = 1; seed <= SEEDS; seed++) {
        gsl_rng_set(rng, (unsigned long)seed);
        weak_times(rng, rel, p, t);
        double t1 = 2.5; /* the 1-thread time without noise: the noise is all in S */
        double info = 0.0, sigma[NP];
        for (int i = 0; i < NP; i++) {
            S[i] = scaling_gustafson_speedup(p[i], t1, t[i]);
            sigma[i] = rel * (p[i] - true_s * (p[i] - 1.0)); /* S/(1+e) ~ S (1 - e) */
            info += (p[i] - 1.0) * (p[i] - 1.0) / (sigma[i] * sigma[i]);
        }
        struct scaling_points pts = {.p = p, .s = S, .sigma = sigma, .n = NP};
        struct scaling_fit fit;
        cr_assert_eq(scaling_gustafson_fit(&pts, &fit), SCALING_OK);
        cr_assert_lt(fabs(fit.value - true_s), 6.0 / sqrt(info), "seed %d: s = %g", seed,
                     fit.value);
        covered += fabs(fit.value - true_s) <= 3.0 * fit.std_err;
    }
    gsl_rng_free(rng);
    cr_assert_geq(covered, (int)(0.95 * SEEDS), "true s within 3 stderr in %d of %d", covered,
                  SEEDS);
}
