"""The ETL pipeline a Python user would write for `ompsweep etl noise`, the baseline of
scripts/bench_etl.sh: for each file in turn, read it with soundfile (as float64, full scale
1.0), add sigma * rng.normal() (one np.random.default_rng(seed) for the whole run, PCG64 and
its ziggurat), write OUTDIR/<name> in the input's format and subtype. Serial, as written
naively: no processes, no threads. Unlike ompsweep it does not clip (soundfile lets libsndfile
wrap integer samples beyond full scale; the benchmark's signals stay well inside it).

Prints one summary line like ompsweep's: files, samples, MB read, seconds, rates.
Run with Debian's interpreter: /usr/bin/python3 scripts/etl_noise.py IN... -o OUTDIR --sigma S
"""
import argparse
import os
import sys
import time

import numpy as np
import soundfile as sf


def add_noise(path, outdir, sigma, rng):
    """One file: read, add noise, write. Returns its sample count."""
    info = sf.info(path)
    data, rate = sf.read(path)
    noisy = data + sigma * rng.normal(size=data.shape)
    sf.write(os.path.join(outdir, os.path.basename(path)), noisy, rate,
             subtype=info.subtype, format=info.format)
    return data.size


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", metavar="IN")
    ap.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    ap.add_argument("--sigma", type=float, required=True)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if not np.isfinite(args.sigma) or args.sigma < 0:
        ap.error("--sigma must be a finite number >= 0")
    os.makedirs(args.output, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    samples = sum(add_noise(p, args.output, args.sigma, rng) for p in args.inputs)
    seconds = time.perf_counter() - t0
    nbytes = sum(os.path.getsize(p) for p in args.inputs)
    print(f"etl_noise.py: {len(args.inputs)} files written to {args.output}: "
          f"{samples / 1e6:.4g} M samples, {nbytes / 1e6:.4g} MB read in {seconds:.3f} s: "
          f"{samples / 1e6 / seconds:.4g} M samples/s, {nbytes / 1e6 / seconds:.4g} MB/s")


if __name__ == "__main__":
    sys.exit(main())
