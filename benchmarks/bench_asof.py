"""What --as-of costs: a command's answer as of a date against the plain answer, on synthetic graphs
(labelled synthetic in every record).

Usage: python benchmarks/bench_asof.py [--sizes 10000 100000] [--rounds 3] [--data DIR]

The synthetic facts all carry as_of 2026; to give the day something to cut, the benchmark dates them
(memberships, locations and supplies get an as_of year of 2018-2025 from a fixed seed, one supply in ten
a valid_to) before loading. Per size and round it times the plain answer (validate + build + gaps for the largest
park), then the same with the snapshot of today (what a command without the cache does by default) and
with --as-of 2025-06 and 2022-06: each validated and built again and cut to the day in place, as a command
does. It prints the min and median over the rounds and each answer's cost over the plain one of its own
round (min / median / worst), plus the snapshot alone, in place and copied from a graph kept for other days.
``--data`` reuses a directory that synth wrote and :func:`date_facts` dated (one size).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import statistics
import tempfile
import time

from common import peak_mib
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


DAYS = (("default: today", None), ("--as-of 2025-06", "2025-06"), ("--as-of 2022-06", "2022-06"))


def one_round(d: str, park: str) -> dict:
    """One round: validate, build and gaps (the plain answer); each day's snapshot copied from that graph (the
    library call on a graph kept for other days); then, per day, validate and build again and cut the graph to
    the day in place (what a command does: the graph is read for that answer alone) and run gaps on it."""
    t = time.perf_counter()
    G = build_graph(load(d))
    base = time.perf_counter() - t
    t = time.perf_counter()
    gaps(G, park)
    out = {"plain (validate+build+gaps)": (base + time.perf_counter() - t, G.number_of_edges(), 0.0, 0.0)}
    copied = {}
    for label, day in DAYS:
        t = time.perf_counter()
        H = snapshot(G, day)
        copied[label] = time.perf_counter() - t
        del H
    del G
    for label, day in DAYS:
        t = time.perf_counter()
        G = build_graph(load(d))
        base = time.perf_counter() - t
        t = time.perf_counter()
        H = snapshot(G, day, inplace=True)
        snap = time.perf_counter() - t
        gaps(H, park)
        out[label] = (base + time.perf_counter() - t, H.number_of_edges(), snap, copied[label])
        del G, H
    return out


def shown(r: dict) -> dict:
    """Print a round as it ends (answer seconds, snapshot in place and copied) and return it."""
    print("  round:", "; ".join(f"{k} {t:.2f} s (in place {s:.2f}, copied {c:.2f})" for k, (t, _, s, c) in r.items()))
    print(f"  load average {os.getloadavg()[0]:.1f}", flush=True)
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--runs", "--rounds", dest="rounds", type=int, default=3)
    ap.add_argument("--data", help="a directory already written by synth and dated by date_facts (one size)")
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}; "
        f"load average at start {os.getloadavg()[0]:.1f}"
    )
    table = [
        "| enterprises | edges kept | answer | min s | median s | vs plain: min / median / worst round | "
        "snapshot in place, median s | snapshot copied, median s |",
        "|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for n in args.sizes:
        if args.data:
            rounds = [shown(one_round(args.data, "syn-park00000")) for _ in range(args.rounds)]
        else:
            with tempfile.TemporaryDirectory() as d:
                write_synth(n, 1, d)
                date_facts(d)
                rounds = [shown(one_round(d, "syn-park00000")) for _ in range(args.rounds)]
        loads = os.getloadavg()
        plain = [r["plain (validate+build+gaps)"][0] for r in rounds]
        for label in rounds[0]:
            tot = [r[label][0] for r in rounds]
            pct = [100 * (r[label][0] / p - 1) for r, p in zip(rounds, plain)]
            snap = statistics.median(r[label][2] for r in rounds)
            copy = statistics.median(r[label][3] for r in rounds)
            vs = (
                ""
                if label.startswith("plain")
                else f"{min(pct):+.1f}% / {statistics.median(pct):+.1f}% / {max(pct):+.1f}%"
            )
            print(
                f"{n:>9,} {rounds[0][label][1]:>9,} {label:<28} min {min(tot):7.2f} median "
                f"{statistics.median(tot):7.2f}  {vs}"
            )
            table.append(
                f"| {n:,} | {rounds[0][label][1]:,} | {label} | {min(tot):.2f} | "
                f"{statistics.median(tot):.2f} | {vs} | {snap:.2f} | {copy:.2f} |"
            )
        print(
            f"{'':>9} load average {loads[0]:.1f} / {loads[1]:.1f} / {loads[2]:.1f}; peak memory {peak_mib():,.0f} MiB"
        )
    print("\nRESULTS.md block:\n")
    print("\n".join(table))


if __name__ == "__main__":
    main()
