"""The inputs of scripts/bench_etl.sh: N mono 16-bit WAV files of sine tones (the classic ETL
example: 24 files of four minutes at 44.1 kHz). File k is sine_KK.wav, a tone of
220 * 2^(k/12) Hz at half full scale, so no file clips when noise is added.
Run with Debian's interpreter: /usr/bin/python3 scripts/etl_make_sines.py OUTDIR [options]
"""
import argparse
import os

import numpy as np
import soundfile as sf


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--files", type=int, default=24)
    ap.add_argument("--seconds", type=float, default=240.0)
    ap.add_argument("--rate", type=int, default=44100)
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    t = np.arange(int(round(args.seconds * args.rate))) / args.rate
    for k in range(args.files):
        tone = 0.5 * np.sin(2.0 * np.pi * 220.0 * 2.0 ** (k / 12.0) * t)
        sf.write(os.path.join(args.outdir, f"sine_{k:02d}.wav"), tone, args.rate,
                 subtype="PCM_16")


if __name__ == "__main__":
    main()
