#!/usr/bin/python3
"""Regenerate tests/golden/spline2d_golden.txt from scipy.interpolate.RectBivariateSpline.

Run with Debian's interpreter, which has SciPy:   /usr/bin/python3 tests/golden/make_spline2d_golden.py
(from the repository root; the output path is relative to this script). Deterministic: fixed seed.

File format: whitespace-separated tokens, readable with fscanf("%d") / fscanf("%lf"); every
float is written with repr(), which round-trips exactly. Lines starting with '#' appear only in
the header block before the first token and are skipped by the reader.

    spline2d-golden 1              magic word and format version
    mx my                          data grid size
    x[0..mx-1]                     strictly increasing, non-uniform
    y[0..my-1]
    z[0..mx*my-1]                  z[i*my + j] = f(x[i], y[j])
    npts                           scattered query points (inside and outside the box)
    px[0..npts-1]
    py[0..npts-1]
    gnx gny                        grid query vectors (sorted, partly outside the box)
    gx[0..gnx-1]
    gy[0..gny-1]
    npairs                         then npairs blocks, kx-major:
      kx ky
      nx ny                        knot counts
      tx[0..nx-1]
      ty[0..ny-1]
      c[0..(nx-kx-1)*(ny-ky-1)-1]  coefficients, FITPACK layout
      ev[0..npts-1]                .ev(px, py)
      evdx[0..npts-1]              .ev(px, py, dx=1)          only if kx >= 2
      evdy[0..npts-1]              .ev(px, py, dy=1)          only if ky >= 2
      evdxdy[0..npts-1]            .ev(px, py, dx=1, dy=1)    only if kx >= 2 and ky >= 2
      grid[0..gnx*gny-1]           spline(gx, gy), row-major
"""
import os

import numpy as np
import scipy
from scipy.interpolate import RectBivariateSpline

SEED = 20240611
MX, MY = 9, 11
N_INSIDE, N_OUTSIDE = 40, 12
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spline2d_golden.txt")


def increasing(rng, m, start, mean_step):
    # Steps between 0.4 and 1.6 times the mean: clearly non-uniform, never degenerate.
    steps = mean_step * rng.uniform(0.4, 1.6, m - 1)
    return np.concatenate(([start], start + np.cumsum(steps)))


def make_data(rng):
    x = increasing(rng, MX, -0.7, 0.3)
    y = increasing(rng, MY, 1.1, 0.25)
    xx, yy = np.meshgrid(x, y, indexing="ij")
    z = np.sin(1.3 * xx) * np.cos(1.7 * yy) + 0.2 * xx * yy + 0.05 * rng.standard_normal(xx.shape)
    return x, y, z


def make_points(rng, x, y):
    x0, x1, y0, y1 = x[0], x[-1], y[0], y[-1]
    px = list(rng.uniform(x0, x1, N_INSIDE))
    py = list(rng.uniform(y0, y1, N_INSIDE))
    # Edges, corners and a knot exercise the closed last interval and exact nodes.
    px[:4] = [x0, x1, x1, x[4]]
    py[:4] = [y0, y1, y[3], y[5]]
    wx, wy = x1 - x0, y1 - y0
    outside = [
        (x0 - 0.3 * wx, y0 + 0.4 * wy), (x1 + 0.2 * wx, y0 + 0.6 * wy),
        (x0 + 0.3 * wx, y0 - 0.5 * wy), (x0 + 0.7 * wx, y1 + 0.1 * wy),
        (x0 - 1.0, y0 - 1.0), (x1 + 1.0, y1 + 2.0), (x0 - 0.1, y1 + 0.1), (x1 + 0.1, y0 - 0.1),
        (x0 - 1e-3, y0 + 0.5 * wy), (x1 + 1e-3, y0 + 0.5 * wy),
        (x0 + 0.5 * wx, y0 - 1e-3), (x0 + 0.5 * wx, y1 + 1e-3),
    ]
    assert len(outside) == N_OUTSIDE
    px += [p[0] for p in outside]
    py += [p[1] for p in outside]
    return np.array(px), np.array(py)


def make_grid_vectors(x, y):
    wx, wy = x[-1] - x[0], y[-1] - y[0]
    gx = np.array([x[0] - 0.2 * wx, x[0] + 0.13 * wx, x[0] + 0.13 * wx, x[0] + 0.77 * wx, x[-1]])
    gy = np.array([y[0], y[0] + 0.41 * wy, y[0] + 0.9 * wy, y[-1] + 0.3 * wy])
    return gx, gy


def fmt(values):
    return " ".join(repr(float(v)) for v in np.ravel(values))


def main():
    rng = np.random.default_rng(SEED)
    x, y, z = make_data(rng)
    px, py = make_points(rng, x, y)
    gx, gy = make_grid_vectors(x, y)
    pairs = [(kx, ky) for kx in range(1, 6) for ky in range(1, 6)]
    lines = [
        "# spline2d golden data from scipy %s RectBivariateSpline (s=0); see %s"
        % (scipy.__version__, os.path.basename(__file__)),
        "spline2d-golden 1",
        "%d %d" % (MX, MY), fmt(x), fmt(y), fmt(z),
        "%d" % len(px), fmt(px), fmt(py),
        "%d %d" % (len(gx), len(gy)), fmt(gx), fmt(gy),
        "%d" % len(pairs),
    ]
    for kx, ky in pairs:
        spl = RectBivariateSpline(x, y, z, kx=kx, ky=ky, s=0)
        tx, ty = spl.get_knots()
        lines += ["%d %d" % (kx, ky), "%d %d" % (len(tx), len(ty)), fmt(tx), fmt(ty),
                  fmt(spl.get_coeffs()), fmt(spl.ev(px, py))]
        if kx >= 2:
            lines.append(fmt(spl.ev(px, py, dx=1)))
        if ky >= 2:
            lines.append(fmt(spl.ev(px, py, dy=1)))
        if kx >= 2 and ky >= 2:
            lines.append(fmt(spl.ev(px, py, dx=1, dy=1)))
        lines.append(fmt(spl(gx, gy)))
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
