/* scaling: models of how a speedup grows with threads, fitted to measured points.
 *
 * Amdahl (strong scaling, fixed size): S(p) = 1 / (f + (1 - f) / p), f the serial fraction,
 * fitted by nonlinear least squares (GSL's trust region) in S, weighted by 1/sigma^2 when
 * per-point uncertainties are given. Karp-Flatt: the serial fraction each p implies on its
 * own, e = (1/S - 1/p) / (1 - 1/p). Gustafson (weak scaling, size grows with threads):
 * scaled speedup S = p t(1, n) / t(p, p n), fitted to S = p - s (p - 1) by linear least
 * squares through the origin in (p - 1, p - S).
 *
 * Standard errors: the covariance of the fit scaled by the residual variance chi^2/dof; with
 * given uncertainties by max(1, chi^2/dof), so that a fit never claims more precision than the
 * measurement noise allows, and a too-good fit of few points does not give a zero error.
 *
 * Units: p in threads (>= 1), S dimensionless, times in any one unit. Inputs are not changed.
 * Errors: SCALING_* codes below (0 = success); outputs are NaN on error.
 * Thread-safety: no shared state; reentrant.
 */
#ifndef OMPSWEEP_SCALING_H
#define OMPSWEEP_SCALING_H

#include <stddef.h>

enum scaling_status {
    SCALING_OK = 0,
    SCALING_TOO_FEW = -1,        /* fewer than 2 distinct thread counts after exclusion */
    SCALING_BAD_INPUT = -2,      /* NaN or infinite value, p < 1, S <= 0, sigma <= 0   */
    SCALING_NO_CONVERGENCE = -3, /* the solver failed                                    */
};

/* Measured points: n pairs (p[i], s[i]); sigma NULL or the standard deviation of each s[i].
 * Points with p > max_p are left out (the caller passes the cores to exclude oversubscribed
 * points); max_p <= 0 keeps every point. */
struct scaling_points {
    const double *p, *s, *sigma;
    size_t n;
    double max_p;
};

struct scaling_fit {
    double value;    /* f (Amdahl) or s (Gustafson), in [0, 1] for Amdahl            */
    double std_err;  /* its standard error (see the note at the top)                  */
    double chi2;     /* sum of squared (weighted) residuals                           */
    double chi2_dof; /* chi2 / dof; NaN when dof is 0                                 */
    int n_used;      /* points used                                                   */
    int dof;         /* n_used - 1                                                    */
    int at_bound;    /* Amdahl: the unconstrained optimum lay outside [0, 1] (superlinear
                        or slower than serial), so f is the nearer bound                 */
};

/* S(p) of Amdahl's law for serial fraction f. */
double scaling_amdahl_speedup(double f, double p);

/* Fits f; fitted (may be NULL) receives S(p[i]) of the fitted f for every input point,
 * including excluded ones. Returns a scaling_status. */
int scaling_amdahl_fit(const struct scaling_points *pts, struct scaling_fit *fit, double *fitted);

/* Karp-Flatt serial fraction of one point; NaN for p <= 1 or invalid input. */
double scaling_karp_flatt(double p, double s);

/* Scaled speedup p t1 / tp of a weak-scaling point (size p n at p threads); NaN if invalid. */
double scaling_gustafson_speedup(double p, double t1, double tp);

/* S(p) = p - s (p - 1). */
double scaling_gustafson_model(double s, double p);

/* Fits the scaled serial fraction s to scaled speedups (pts->s). Returns a scaling_status. */
int scaling_gustafson_fit(const struct scaling_points *pts, struct scaling_fit *fit);

/* A short English description of a status code. */
const char *scaling_strerror(int status);

#endif
