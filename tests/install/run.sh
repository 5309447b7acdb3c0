#!/usr/bin/env bash
# The installed tree as a user of libompsweep sees it: `make install` into a fresh temporary
# DESTDIR (PREFIX=/usr/local) from the existing build/ (install depends on `all`, which is up to
# date after `make`, so nothing is rebuilt), then a small C program that includes public headers
# as <ompsweep/...> and calls kernels through their own API and through the registry, compiled
# with the flags of the installed ompsweep.pc (pkg-config with PKG_CONFIG_SYSROOT_DIR) and
# linked once against libompsweep.so (run with LD_LIBRARY_PATH) and once against libompsweep.a.
# Also checks that every installed header compiles on its own (the installed set is
# self-contained), that no internal header was installed and every other kernels/*.h was, and
# that `make uninstall` leaves no file behind. The temporary folder is removed on exit.
# Usage: tests/install/run.sh   (from anywhere; needs make, cc and pkg-config)
# Ends with "install test: passed", or exits 1 after "install test: FAILED: <what>".
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -eq 0 ] || {
  echo "usage: tests/install/run.sh" >&2
  exit 2
}

# Headers only the kernels use (kept in step with PUBLIC_HEADERS in the Makefile): every other
# kernels/*.h must be installed, so a new header forces a decision.
internal="vexp.h vmath.h buffer.h fill.h"

fail() {
  echo "install test: FAILED: $*" >&2
  exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/ompsweep-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/root"
prefix=/usr/local
inc="$root$prefix/include/ompsweep"
libdir="$root$prefix/lib"
cc=${CC:-cc}

# make TARGET into the temporary DESTDIR, its output shown only when it fails.
run_make() {
  if ! make -C "$repo" --no-print-directory "$1" DESTDIR="$root" PREFIX="$prefix" \
    >"$work/make-$1.log" 2>&1; then
    cat "$work/make-$1.log" >&2
    fail "make $1 DESTDIR=$root PREFIX=$prefix"
  fi
}

run_make install

for f in "$root$prefix/bin/ompsweep" "$libdir/libompsweep.a" "$libdir/libompsweep.so" \
  "$libdir/libompsweep.so.0" "$libdir/pkgconfig/ompsweep.pc"; do
  [ -e "$f" ] || fail "${f#"$root"} was not installed"
done

# The installed headers: no internal one, every public one.
for h in $internal; do
  [ ! -e "$inc/$h" ] || fail "internal header $h was installed in ${inc#"$root"}"
done
for src in "$repo"/kernels/*.h; do
  h=$(basename "$src")
  case " $internal " in *" $h "*) continue ;; esac
  [ -f "$inc/$h" ] || fail "$h is neither installed nor listed as internal in tests/install/run.sh"
  cmp -s "$src" "$inc/$h" || fail "installed $h differs from kernels/$h"
done

# The compiler flags come from the installed ompsweep.pc only, with its paths under DESTDIR.
export PKG_CONFIG_LIBDIR="$libdir/pkgconfig" PKG_CONFIG_PATH="" PKG_CONFIG_SYSROOT_DIR="$root"
pkg-config --exists ompsweep || fail "pkg-config does not find the installed ompsweep.pc"
read -r -a cflags <<<"$(pkg-config --cflags ompsweep)"
read -r -a libs <<<"$(pkg-config --libs ompsweep)"
read -r -a static_libs <<<"$(pkg-config --static --libs ompsweep)"

# Each installed header on its own, as the first include of a file: it must bring everything
# it uses (and nothing outside include/ompsweep or the C library).
for h in "$inc"/*.h; do
  printf '#include <ompsweep/%s>\n' "$(basename "$h")" >"$work/alone.c"
  "$cc" -std=c11 -Wall -Wextra -Werror -fsyntax-only "${cflags[@]}" "$work/alone.c" ||
    fail "<ompsweep/$(basename "$h")> does not compile on its own with the installed Cflags"
done

cat >"$work/user.c" <<'EOF'
/* A user of libompsweep: dot, expsum and a spline through their own API, and the expsum
 * kernel through the registry, each against a value computed here in plain C. */
#include <ompsweep/dot.h>
#include <ompsweep/expsum.h>
#include <ompsweep/kernel.h>
#include <ompsweep/reduce.h>
#include <ompsweep/spline2d.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { N = 100000, GRID = 8 };

static int close_to(double got, double want, double rel) {
    return fabs(got - want) <= rel * fabs(want);
}

int main(void) {
    int bad = 0;
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    double *scratch = malloc(reduce_block_count(N, REDUCE_BLOCK) * sizeof *scratch);
    double *dscratch = malloc(dot_scratch_count(N) * sizeof *dscratch);
    if (!x || !y || !scratch || !dscratch)
        return 2;

    /* Small integers: every product and partial sum is exact, so any order gives the same. */
    double want_dot = 0.0;
    for (size_t i = 0; i < N; i++) {
        x[i] = (double)(i % 7);
        y[i] = (double)(i % 5) - 2.0;
        want_dot += x[i] * y[i];
    }
    double got_dot = 0.0;
    if (dot_omp(x, N, y, N, dscratch, &got_dot) != 0 || got_dot != want_dot) {
        printf("dot: %.17g, expected %.17g\n", got_dot, want_dot);
        bad = 1;
    }

    double want_exp = 0.0;
    for (size_t i = 0; i < N; i++) {
        x[i] = (double)(i % 1000) / 1000.0 - 0.5;
        want_exp += exp(x[i]);
    }
    double got_exp = expsum_blocked(x, N, scratch);
    if (!close_to(got_exp, want_exp, 1e-12)) {
        printf("expsum: %.17g, expected %.17g\n", got_exp, want_exp);
        bad = 1;
    }

    /* A degree-1 spline through z = 2x + 3y - 1 reproduces the plane between the grid points. */
    double axis[GRID], z[GRID * GRID];
    for (int i = 0; i < GRID; i++)
        axis[i] = (double)i;
    for (int i = 0; i < GRID; i++)
        for (int j = 0; j < GRID; j++)
            z[i * GRID + j] = 2.0 * axis[i] + 3.0 * axis[j] - 1.0;
    struct spline2d s;
    int rc = spline2d_fit(&s, axis, GRID, axis, GRID, z, GRID * GRID, 1, 1);
    if (rc != 0) {
        printf("spline2d_fit: %s\n", spline2d_strerror(rc));
        bad = 1;
    } else {
        for (double px = 0.25; px < GRID - 1; px += 1.5) {
            double py = 0.5 * px + 0.125, want = 2.0 * px + 3.0 * py - 1.0;
            double got = spline2d_eval(&s, px, py);
            if (fabs(got - want) > 1e-12 * (1.0 + fabs(want))) {
                printf("spline2d_eval(%g, %g): %.17g, expected %.17g\n", px, py, got, want);
                bad = 1;
            }
        }
        spline2d_free(&s);
    }

    /* The registry: expsum's omp variant against its serial reference. */
    const struct kernel *k = kernel_find("expsum");
    double params[KERNEL_MAX_PARAMS];
    void *state = NULL;
    if (k)
        kernel_default_params(k, params);
    if (!k || k->setup(&state, 50000, params, 42) != 0) {
        printf("registry: expsum not found or its setup failed\n");
        bad = 1;
    } else {
        double sums[2];
        for (int v = 0; v < 2; v++) {
            if (k->variants[v].run(state) != 0)
                bad = 1;
            sums[v] = k->checksum(state);
        }
        if (!close_to(sums[1], sums[0], k->tolerance)) {
            printf("registry: expsum omp %.17g vs ref %.17g\n", sums[1], sums[0]);
            bad = 1;
        }
        k->teardown(state);
    }

    free(x);
    free(y);
    free(scratch);
    free(dscratch);
    if (!bad)
        printf("ompsweep user: ok\n");
    return bad;
}
EOF

"$cc" -std=c11 -Wall -Wextra -Werror "${cflags[@]}" -o "$work/user-shared" "$work/user.c" \
  "${libs[@]}" -lm || fail "building against libompsweep.so with pkg-config --cflags --libs"
# The same flags with the archive named explicitly: -lompsweep would find the .so beside it.
static_libs=("${static_libs[@]/#-lompsweep/-l:libompsweep.a}")
"$cc" -std=c11 -Wall -Wextra -Werror "${cflags[@]}" -o "$work/user-static" "$work/user.c" \
  "${static_libs[@]}" || fail "building against libompsweep.a with pkg-config --static --libs"

if readelf -d "$work/user-static" | grep -q 'NEEDED.*libompsweep'; then
  fail "the static build still needs libompsweep.so"
fi
LD_LIBRARY_PATH="$libdir" ldd "$work/user-shared" | grep -q "$libdir/libompsweep.so.0" ||
  fail "the shared build does not load the installed libompsweep.so.0"

export OMP_NUM_THREADS=2
for kind in shared static; do
  # Only the shared build is told where the installed library is.
  path=$([ "$kind" = shared ] && echo "$libdir" || echo "${LD_LIBRARY_PATH:-}")
  out=$(LD_LIBRARY_PATH="$path" "$work/user-$kind" 2>&1) && rc=0 || rc=$?
  if [ "$rc" -ne 0 ] || [ "$out" != "ompsweep user: ok" ]; then
    fail "the program linked against the $kind library exited $rc and said: $out"
  fi
done

"$root$prefix/bin/ompsweep" list >/dev/null || fail "the installed ompsweep does not run"

run_make uninstall
left=$(find "$root" ! -type d -o -name '*ompsweep*')
[ -z "$left" ] || fail "make uninstall left: ${left//$root/}"

echo "install test: passed"
