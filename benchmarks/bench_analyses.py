"""Time gaps, balance, recommend and risk on synthetic graphs (labelled synthetic in every record).

Usage: python benchmarks/bench_analyses.py [--sizes 10000 100000] [--runs 3]
Prints, per size: validate+build time (beside networkx's own add_edges_from of the same edges),
the median of each analysis over --runs runs for one park and one city, and peak memory.
"""
from __future__ import annotations

import argparse
import gc
import platform
import tempfile
import time

import networkx as nx

from common import median_time, peak_mib
from lithiumgraph.analysis import balance, gaps, recommend, risk
from lithiumgraph.dataset import load
from lithiumgraph.graph import build_graph
from lithiumgraph.synth import write_synth



def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {platform.processor() or '?'}; python {platform.python_version()}; "
          f"networkx {nx.__version__}")
    print(f"{'enterprises':>11} {'edges':>9} {'step':<28} {'seconds':>8}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as d:
            write_synth(n, 1, d)
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
        del H, edges, nodes
        m = G.number_of_edges()
        print(f"{n:>11} {m:>9} {'validate (read CSV)':<28} {t_load:>8.2f}")
        print(f"{n:>11} {m:>9} {'build graph':<28} {t_build:>8.2f}")
        print(f"{n:>11} {m:>9} {'  baseline: nx add_edges_from':<28} {t_raw:>8.2f}")
        for park in ("syn-park00000", "syn-city0000"):
            cov = gaps(G, park)
            steps = {"gaps": lambda: gaps(G, park), "balance": lambda: balance(G, park),
                     "recommend": lambda: recommend(G, park, coverage=cov),
                     "risk": lambda: risk(G, park, coverage=cov)}
            for name, fn in steps.items():
                print(f"{n:>11} {m:>9} {name + ' ' + park:<28} {median_time(fn, args.runs):>8.2f}")
    peak = peak_mib()
    print(f"peak memory: {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
