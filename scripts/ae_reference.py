#!/usr/bin/python3
"""An independent computation of the acoustic-emission features of .tradb files (docs/ae.md),
in the straightforward numpy way, to check `ompsweep ae` against.

    ae_reference.py FILE.tradb...                 print the reference CSV
    ae_reference.py --check OUT.csv FILE.tradb... compare ompsweep's CSV with it

The file is read with Python's sqlite3, raw blobs with numpy and FLAC blobs with soundfile;
volts are float32 as vallenae computes them; every feature is computed in float64 from its
definition. --check compares every row and column to 1e-5 relative (integers exactly) and
exits 1 naming the first difference. Needs Debian's python3-numpy and python3-soundfile.
"""
import csv
import io
import os
import sqlite3
import sys

import numpy as np
import soundfile

COLUMNS = ["trai", "channel", "time_s", "samples", "threshold_V", "amplitude_V",
           "amplitude_dBAE", "peak_index", "first_crossing", "rise_time_s", "energy_eu",
           "signal_strength_nVs", "counts", "rms_V", "std_V", "skewness"]
INTEGER_COLUMNS = {"trai", "channel", "samples", "peak_index", "first_crossing", "counts"}


def records(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    timebase = float(db.execute(
        "SELECT Value FROM tr_globalinfo WHERE Key = 'TimeBase'").fetchone()[0])
    query = ("SELECT d.TRAI, d.Chan, d.Time, d.Thr, d.SampleRate, d.Samples, d.DataFormat, "
             "d.Data, p.ADC_µV, p.TR_mV FROM tr_data d JOIN tr_params p ON p.ID = d.ParamID "
             "ORDER BY d.TRAI")
    for trai, chan, time, thr, fs, samples, fmt, blob, adc_uv, tr_mv in db.execute(query):
        if fmt == 0:
            raw = np.frombuffer(blob, dtype="<i2")[:samples]
        elif fmt == 2:
            raw = soundfile.read(io.BytesIO(blob), dtype="int16")[0][:samples]
        else:
            raise ValueError(f"{path}: TRAI {trai}: DataFormat {fmt}")
        volts = np.multiply(raw, tr_mv * 1e-3, dtype=np.float32)
        yield trai, chan, time / timebase, thr * adc_uv * 1e-6, float(fs), volts
    db.close()


def features(trai, chan, time, thr, fs, volts):
    d = volts.astype(np.float64)
    a = np.abs(d)
    peak = int(np.argmax(a))
    above = np.flatnonzero((d >= thr) | (d <= -thr))
    first = int(above[0]) if above.size else -1
    counts = int(np.count_nonzero((d[:-1] < thr) & (d[1:] >= thr)))
    c = d - d.mean()
    m2, m3 = np.mean(c ** 2), np.mean(c ** 3)
    return {"trai": trai, "channel": chan, "time_s": time, "samples": d.size, "threshold_V": thr,
            "amplitude_V": a[peak], "amplitude_dBAE": 20 * np.log10(a[peak] / 1e-6),
            "peak_index": peak, "first_crossing": first,
            "rise_time_s": (peak - first) / fs if first >= 0 else 0.0,
            "energy_eu": np.sum(d ** 2) * 1e14 / fs, "signal_strength_nVs": np.sum(a) * 1e9 / fs,
            "counts": counts, "rms_V": np.sqrt(np.mean(d ** 2)), "std_V": np.sqrt(m2),
            "skewness": m3 / m2 ** 1.5}


def reference_rows(paths):
    for path in paths:
        for rec in records(path):
            yield path, features(*rec)


def check(csv_path, paths):
    with open(csv_path, newline="") as f:
        got = list(csv.DictReader(f))
    expected = list(reference_rows(paths))
    if len(got) != len(expected):
        sys.exit(f"{csv_path}: {len(got)} rows, the reference has {len(expected)}")
    for line, (row, (name, ref)) in enumerate(zip(got, expected), start=2):
        if row["file"] != name:
            sys.exit(f"{csv_path}:{line}: file {row['file']}, expected {name}")
        for col in COLUMNS:
            value, want = float(row[col]), float(ref[col])
            ok = value == want if col in INTEGER_COLUMNS else \
                abs(value - want) <= 1e-5 * max(abs(want), 1e-300)
            if not ok:
                sys.exit(f"{csv_path}:{line}: {col} = {value!r}, reference {want!r}")
    print(f"ae_reference: {len(got)} rows of {csv_path} match to 1e-5 relative")


def main(argv):
    if len(argv) >= 3 and argv[0] == "--check":
        check(argv[1], argv[2:])
        return
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    out = csv.writer(sys.stdout)
    out.writerow(["file"] + COLUMNS)
    for name, ref in reference_rows(argv):
        out.writerow([name] + [ref[c] for c in COLUMNS])


if __name__ == "__main__":
    main(sys.argv[1:])
