"""Cypher query times: every parity query (tests/parity_queries.py) on synthetic graphs, embedded and
Neo4j side by side, with the embedded engine's load time and the process's peak memory.

Usage: python benchmarks/bench_queries.py [--sizes 10000 100000] [--runs 3] [--neo4j]
With --neo4j (after scripts/neo4j.sh start and eval "$(bash scripts/neo4j.sh env)") each graph is also
pushed to that server (replacing what lithiumgraph wrote there) and every query timed on it.
Sizes are synthetic enterprises, labelled synthetic in every record; ~10 relationships each.
Queries with a fixed-length pattern (``[:SUPPLIES*2]``) also print, as their same-run baseline, the
median with that pattern left to the engine's variable-length search (as before it was written as hops).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from parity_queries import QUERIES, SCALE_QUERIES  # noqa: E402

from common import median_time, peak_mib  # noqa: E402
from lithiumgraph import cypher, load_graph  # noqa: E402
from lithiumgraph.stores.embedded import Embedded  # noqa: E402
from lithiumgraph.synth import write_synth  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--neo4j", action="store_true")
    args = ap.parse_args()
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}")
    store = None
    if args.neo4j:
        from lithiumgraph.stores.neo4j import Neo4jStore
        from lithiumgraph.stores.neo4jpush import push

        store = Neo4jStore(
            os.environ["NEO4J_URI"], os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ["NEO4J_PASSWORD"]
        )
    for n in args.sizes:
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
        print(f"{'query':<30} {'rows':>6} {'embedded s':>11} {'neo4j s':>9}")
        named = [
            (f"scale_{i + 1}", q, {k: first if k == "id" else v for k, v in p.items()})
            for i, (q, p) in enumerate(SCALE_QUERIES)
        ] + QUERIES
        slowest = 0.0
        for name, q, p in named:
            rows = len(db.run(q, p).rows)
            emb = median_time(lambda: db.run(q, p), args.runs)
            slowest = max(slowest, emb)
            neo = f"{median_time(lambda: store.query(q, p), args.runs):9.3f}" if store else f"{'-':>9}"
            print(f"{name:<30} {rows:>6} {emb:11.3f} {neo}{variable_length(db, q, p, args.runs)}")
        peak = peak_mib() / 1024
        print(f"slowest embedded query {slowest:.3f} s; peak memory so far {peak:.2f} GiB")
        db = G = None  # free both before the next size


def variable_length(db, q: str, p: dict, runs: int) -> str:
    """The same query with its fixed-length patterns left as written (the baseline), where it has any."""
    hops = cypher._fixed_hops
    if not hops(q, cypher._tokens(q)):
        return ""
    cypher._fixed_hops = lambda query, toks: []
    try:
        return f"  (as variable length: {median_time(lambda: db.run(q, p), runs):.3f} s)"
    finally:
        cypher._fixed_hops = hops


if __name__ == "__main__":
    main()
