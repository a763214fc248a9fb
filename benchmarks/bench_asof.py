"""What --as-of costs: a command's answer as of a date against the plain answer, on synthetic graphs
(labelled synthetic in every record).

Usage: python benchmarks/bench_asof.py [--sizes 10000 100000] [--runs 3]

The synthetic facts all carry as_of 2026; to give the day something to cut, the benchmark dates them
(memberships, locations and supplies get an as_of year of 2018-2025 from a fixed seed, one supply in ten
a valid_to) before loading. Per size it prints the plain answer (validate + build + gaps for the largest
park), the same with the snapshot of today (what every read command does by default), and with
--as-of 2022-06 and 2025-06; each beside the plain figure measured in the same run, plus the snapshot alone.
"""
from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import tempfile
import time

from common import median_time, peak_mib
from lithiumgraph.analysis import gaps
from lithiumgraph.dataset import load
from lithiumgraph.graph import build_graph
from lithiumgraph.synth import write_synth
from lithiumgraph.timeline import snapshot


def date_facts(d: str, seed: int = 7) -> None:
    """Spread the synthetic facts over 2018-2025 (as_of) and end one supply in ten (valid_to)."""
    rng = random.Random(seed)
    for name in ("enterprise_segments.csv", "locations.csv", "supplies.csv"):
        path = os.path.join(d, name)
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        cols = list(rows[0])
        for r in rows:
            y = rng.randint(2018, 2025)
            r["as_of"] = f"{y}-{rng.randint(1, 12):02d}"
            if name == "supplies.csv" and rng.random() < 0.1:
                r["valid_to"] = str(min(2025, y + rng.randint(1, 4)))
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}")
    print(f"{'enterprises':>11} {'edges':>9} {'answer':<26} {'seconds':>8} {'vs plain':>9}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as d:
            write_synth(n, 1, d)
            date_facts(d)
            t = time.perf_counter()
            ds = load(d)
            t_load = time.perf_counter() - t
        t = time.perf_counter()
        G = build_graph(ds)
        t_build = time.perf_counter() - t
        park = "syn-park00000"
        base = t_load + t_build
        plain = base + median_time(lambda: gaps(G, park), args.runs)
        print(f"{n:>11,} {G.number_of_edges():>9,} {'plain (validate+build+gaps)':<26} {plain:>8.2f} {'':>9}")
        for label, day in (("default: today", None), ("--as-of 2025-06", "2025-06"), ("--as-of 2022-06", "2022-06")):
            snap = median_time(lambda: snapshot(G, day), args.runs)
            H = snapshot(G, day)
            answer = median_time(lambda: gaps(H, park), args.runs)
            total = base + snap + answer
            print(f"{n:>11,} {H.number_of_edges():>9,} {label:<26} {total:>8.2f} {100 * (total / plain - 1):>+8.1f}%"
                  f"   (snapshot alone {snap:.2f} s)")
        print(f"{'':>11} peak memory {peak_mib():,.0f} MiB")
        del G, ds


if __name__ == "__main__":
    main()
