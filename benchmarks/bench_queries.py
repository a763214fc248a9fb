"""Cypher query times: every parity query (tests/parity_queries.py) on synthetic graphs, embedded and
Neo4j side by side, with the embedded engine's load time and the process's peak memory.

Usage: python benchmarks/bench_queries.py [--sizes 10000 100000] [--runs 3] [--neo4j] [--data DIR]
With --neo4j (after scripts/neo4j.sh start and eval "$(bash scripts/neo4j.sh env)") each graph is also
pushed to that server (replacing what lithiumgraph wrote there) and every query timed on it.
Sizes are synthetic enterprises, labelled synthetic in every record; ~10 relationships each. ``--data``
reuses a ``lithiumgraph synth --seed 1`` directory (one size). Embedded times are min / median of --runs.
Queries with a fixed-length pattern (``[:SUPPLIES*2]``) also print two same-run baselines (medians): with
every two hops kept apart by a condition, as before neighbouring hops that cannot meet went without one,
and with the pattern left to the engine's variable-length search (as before it was written as hops).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from parity_queries import QUERIES, SCALE_QUERIES  # noqa: E402

from common import median_time, peak_mib  # noqa: E402
from lithiumgraph import cypher, load_graph  # noqa: E402
from lithiumgraph.model import EDGE_KINDS  # noqa: E402
from lithiumgraph.stores.embedded import Embedded  # noqa: E402
from lithiumgraph.synth import write_synth  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--neo4j", action="store_true")
    ap.add_argument("--data", help="a `lithiumgraph synth --seed 1` directory to read instead of writing one")
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average {os.getloadavg()[0]:.1f} at the start (the machine is shared: compare rows of one run)"
    )
    store = None
    if args.neo4j:
        from lithiumgraph.stores.neo4j import Neo4jStore
        from lithiumgraph.stores.neo4jpush import push

        store = Neo4jStore(
            os.environ["NEO4J_URI"], os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ["NEO4J_PASSWORD"]
        )
    for n in args.sizes:
        if args.data:
            G = load_graph(args.data)
        else:
            with tempfile.TemporaryDirectory() as d:
                write_synth(n, 1, d)
                G = load_graph(d)
        first = min(x for x, k in G.nodes(data="kind") if k == "Enterprise")
        t = time.perf_counter()
        db = Embedded(G)
        load = time.perf_counter() - t
        print(
            f"\n{n} synthetic enterprises: {G.number_of_nodes()} nodes, {G.number_of_edges()} relationships; "
            f"embedded load {load:.2f} s"
        )
        if store:
            t = time.perf_counter()
            push(G, store.driver, replace=True)
            print(f"Neo4j push {time.perf_counter() - t:.1f} s")
        print(f"{'query':<30} {'rows':>6} {'min s':>7} {'median s':>9} {'neo4j s':>9}")
        named = [
            (f"scale_{i + 1}", q, {k: first if k == "id" else v for k, v in p.items()})
            for i, (q, p) in enumerate(SCALE_QUERIES)
        ] + QUERIES
        slowest = 0.0
        for name, q, p in named:
            rows = len(db.run(q, p).rows)
            ts = times(lambda: db.run(q, p), args.runs)
            slowest = max(slowest, statistics.median(ts))
            neo = f"{median_time(lambda: store.query(q, p), args.runs):9.3f}" if store else f"{'-':>9}"
            print(
                f"{name:<30} {rows:>6} {min(ts):7.3f} {statistics.median(ts):9.3f} {neo}"
                f"{baselines(db, q, p, args.runs)}",
                flush=True,
            )
        peak = peak_mib() / 1024
        print(
            f"slowest embedded query (median) {slowest:.3f} s; peak memory so far {peak:.2f} GiB; "
            f"load average {os.getloadavg()[0]:.1f} at the end"
        )
        db = G = None  # free both before the next size


def times(fn, runs: int) -> list[float]:
    """Wall times of ``runs`` calls of ``fn``, in seconds."""
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def baselines(db, q: str, p: dict, runs: int) -> str:
    """The same query, where it has fixed-length patterns, with every two hops kept apart (as if every
    relationship type ran from a node to itself somewhere) and as variable length: the two baselines."""
    hops = cypher._fixed_hops
    if not hops(q, cypher._tokens(q)):
        return ""
    looped, db._looped = db._looped, lambda: frozenset(EDGE_KINDS)
    try:
        apart = median_time(lambda: db.run(q, p), runs)
    finally:
        db._looped = looped
    cypher._fixed_hops = lambda query, toks, looped=None: []
    try:
        return (
            f"  (every hop apart: {apart:.3f} s; as variable length: {median_time(lambda: db.run(q, p), runs):.3f} s)"
        )
    finally:
        cypher._fixed_hops = hops


if __name__ == "__main__":
    main()
