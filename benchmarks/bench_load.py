"""Files -> validated graph on synthetic data (labelled synthetic in every record), beside its floors.

Usage: python benchmarks/bench_load.py [--sizes 10000 100000] [--rounds 3] [--cache DIR]
Per size, in alternated rounds: pyarrow reading the same CSV files as strings (the floor of reading),
the stdlib csv reader over them, ``load`` (read + validate), ``build_graph``, and networkx's own
add_nodes_from/add_edges_from of the same nodes and edges (the baseline of building). Prints min and
median wall time and median CPU time of each, the load average, and a block ready to paste into RESULTS.md. Synthetic sets are written
once into --cache and reused.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import platform
import statistics
import time
from pathlib import Path

import networkx as nx
import pyarrow as pa
import pyarrow.csv as pacsv

from common import peak_mib
from lithiumgraph.dataset import load
from lithiumgraph.graph import build_graph
from lithiumgraph.synth import write_synth

STEPS = ("pyarrow read (floor)", "stdlib csv read", "validate (load)", "build graph", "nx baseline build")


def _pyarrow(d: Path) -> int:
    n = 0
    for p in sorted(d.glob("*.csv")):
        names = next(csv.reader(open(p, encoding="utf-8-sig")))
        n += pacsv.read_csv(
            p, convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in names})
        ).num_rows
    return n


def _stdlib(d: Path) -> int:
    n = 0
    for p in sorted(d.glob("*.csv")):
        with open(p, encoding="utf-8-sig", newline="") as f:
            n += sum(1 for _ in csv.reader(f))
    return n


CPU: dict[str, list[float]] = {}


def _timed(fn, step: str = ""):
    """Wall time of one call (and its process CPU time into ``CPU[step]``: on a loaded machine the CPU
    time says more than the wall time)."""
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    CPU.setdefault(step, []).append(time.process_time() - c)
    return time.perf_counter() - t, out


def _round(d: Path, times: dict[str, list[float]]) -> tuple[int, int]:
    """One round of every step (``gc`` paused for the baseline build, as build_graph pauses it)."""
    times[STEPS[0]].append(_timed(lambda: _pyarrow(d), STEPS[0])[0])
    times[STEPS[1]].append(_timed(lambda: _stdlib(d), STEPS[1])[0])
    t, data = _timed(lambda: load(d), STEPS[2])
    times[STEPS[2]].append(t)
    t, G = _timed(lambda: build_graph(data), STEPS[3])
    times[STEPS[3]].append(t)
    data = None
    nodes = [(n, dict(a)) for n, a in G.nodes(data=True)]
    edges = [(u, v, k, dict(a)) for u, v, k, a in G.edges(keys=True, data=True)]
    size = G.number_of_nodes(), G.number_of_edges()
    del G
    gc.collect()
    gc.disable()
    try:

        def build():
            H = nx.MultiDiGraph()
            H.add_nodes_from(nodes)
            H.add_edges_from(edges)
            return H

        times[STEPS[4]].append(_timed(build, STEPS[4])[0])
    finally:
        gc.enable()
    nodes = edges = []
    gc.collect()
    return size


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cache", default=str(Path(__file__).resolve().parent.parent / ".cache" / "bench"))
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cpus; python {platform.python_version()}; "
        f"networkx {nx.__version__}; pyarrow {pa.__version__}"
    )
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    rows = []
    for n in args.sizes:
        d = Path(args.cache) / f"synth-{n}-seed1"
        if not (d / "supplies.csv").is_file():
            write_synth(n, 1, d)
        times: dict[str, list[float]] = {s: [] for s in STEPS}
        CPU.clear()
        for _ in range(args.rounds):
            nodes, edges = _round(d, times)
        for s in STEPS:
            rows.append((n, edges, s, min(times[s]), statistics.median(times[s]), statistics.median(CPU[s])))
        both = [a + b for a, b in zip(times[STEPS[2]], times[STEPS[3]])]
        cpu = [a + b for a, b in zip(CPU[STEPS[2]], CPU[STEPS[3]])]
        rows.append((n, edges, "files -> validated graph", min(both), statistics.median(both), statistics.median(cpu)))
        ratio = statistics.median(both) / statistics.median(times[STEPS[4]])
        rows.append(
            (
                n,
                edges,
                "  ratio to nx baseline (median)",
                ratio,
                ratio,
                statistics.median(cpu) / statistics.median(CPU[STEPS[4]]),
            )
        )
    load_avg = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average after: {load_avg}; peak memory {peak_mib():,.0f} MiB")
    print(f"\n{'enterprises':>11} {'edges':>9} {'step':<32} {'min s':>7} {'median s':>8} {'cpu s':>7}")
    for n, m, s, lo, med, cpu in rows:
        print(f"{n:>11} {m:>9} {s:<32} {lo:>7.2f} {med:>8.2f} {cpu:>7.2f}")
    print(f"\n--- RESULTS.md block (bench_load.py, {args.rounds} alternated rounds, load average {load_avg}) ---")
    print("| enterprises | relationships | step | min s | median s | median CPU s |\n|---:|---:|---|---:|---:|---:|")
    for n, m, s, lo, med, cpu in rows:
        unit = "×" if "ratio" in s else ""
        print(f"| {n:,} | {m:,} | {s.strip()} | {lo:.2f}{unit} | {med:.2f}{unit} | {cpu:.2f}{unit} |")


if __name__ == "__main__":
    main()
