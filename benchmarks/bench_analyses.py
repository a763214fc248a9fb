"""Time gaps, balance, recommend and risk on synthetic graphs (labelled synthetic in every record).

Usage: python benchmarks/bench_analyses.py [--sizes 10000 100000] [--runs 3] [--data DIR]
Prints, per size: validate+build time (beside networkx's own add_edges_from of the same edges), then for
one park and one city, in alternated rounds, each analysis with the graph's indexes warm (as every call
after the first finds them) beside the same call with the indexes dropped first (read afresh from every
edge, as each call did before they were kept per graph); min and median of --runs rounds, the load average,
peak memory and a block for RESULTS.md. ``--data`` reuses a ``lithiumgraph synth`` directory (one size).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import tempfile
import time

import networkx as nx

from common import peak_mib
from lithiumgraph import graph as graph_module
from lithiumgraph.analysis import balance, gaps, recommend, risk
from lithiumgraph.dataset import load
from lithiumgraph.graph import build_graph
from lithiumgraph.synth import write_synth

PARKS = ("syn-park00000", "syn-city0000")


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def cold(G, fn):
    """``fn`` with the graph's indexes dropped first, so it reads them from every edge again; those kept
    before are put back after, so that the next warm step finds every index warm (not only those the
    cold step happened to rebuild)."""

    def run():
        kept = graph_module._INDEXES.pop(G, None)
        try:
            fn()
        finally:
            if kept is not None:
                graph_module._INDEXES[G] = kept

    return run


def load_timed(d: str):
    t = time.perf_counter()
    ds = load(d)
    t_load = time.perf_counter() - t
    t = time.perf_counter()
    G = build_graph(ds)
    t_build = time.perf_counter() - t
    edges = [(u, v, k, dict(a)) for u, v, k, a in G.edges(keys=True, data=True)]
    nodes = list(G.nodes(data=True))
    gc.disable()
    t = time.perf_counter()
    H = nx.MultiDiGraph()
    H.add_nodes_from(nodes)
    H.add_edges_from(edges)
    t_raw = time.perf_counter() - t
    gc.enable()
    return G, t_load, t_build, t_raw


def rounds(G, park: str, runs: int) -> dict[str, list[float]]:
    """Alternated rounds: every step once per round, warm and cold side by side."""
    cov = gaps(G, park)
    steps = {
        "gaps": lambda: gaps(G, park),
        "balance": lambda: balance(G, park),
        "recommend": lambda: recommend(G, park, coverage=cov),
        "risk": lambda: risk(G, park, coverage=cov),
        "gaps + recommend": lambda: recommend(G, park),
    }
    times: dict[str, list[float]] = {}
    for _ in range(runs):
        for name, fn in steps.items():
            times.setdefault(name, []).append(timed(fn))
            if name in ("recommend", "risk", "gaps + recommend"):
                times.setdefault(name + " (indexes cold)", []).append(timed(cold(G, fn)))
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data", help="a lithiumgraph synth directory to reuse (its size stands for --sizes)")
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores; python {platform.python_version()}; "
        f"networkx {nx.__version__}; load average {os.getloadavg()[0]:.1f} at the start"
    )
    block = []
    for n in [0] if args.data else args.sizes:
        if args.data:
            G, t_load, t_build, t_raw = load_timed(args.data)
            n = sum(1 for _, k in G.nodes(data="kind") if k == "Enterprise")
        else:
            with tempfile.TemporaryDirectory() as d:
                write_synth(n, 1, d)
                G, t_load, t_build, t_raw = load_timed(d)
        m = G.number_of_edges()
        print(
            f"\n{n:,} enterprises, {m:,} relationships: validate {t_load:.2f} s, build {t_build:.2f} s "
            f"(networkx add_edges_from {t_raw:.2f} s)"
        )
        print(f"{'park':<15} {'step':<34} {'min s':>7} {'median s':>9}")
        for park in PARKS:
            for name, ts in rounds(G, park, args.runs).items():
                lo, med = min(ts), statistics.median(ts)
                print(f"{park:<15} {name:<34} {lo:>7.2f} {med:>9.2f}", flush=True)
                block.append(f"| {n:,} | {park} | {name} | {lo:.2f} | {med:.2f} |")
        print(f"load average {os.getloadavg()[0]:.1f}; peak memory {peak_mib():,.0f} MiB")
        G = None
    print("\nRESULTS.md block:\n\n| enterprises | park | step | min s | median s |\n|---:|---|---|---:|---:|")
    print("\n".join(block))


if __name__ == "__main__":
    main()
