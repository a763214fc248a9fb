"""Neo4j push throughput: lithiumgraph's batched push against one MERGE per row, same run.

Usage: bash scripts/neo4j.sh start && eval "$(bash scripts/neo4j.sh env)"
       python benchmarks/bench_push.py [--sizes 1000 10000 100000] [--runs 3] [--naive-rows 2000]
Sizes are synthetic enterprises (labelled synthetic in every record); ~10 relationships each.
Columns: the default push (two sessions) into an empty graph, its rate, the rate on one session, a
re-push onto the pushed graph (every row MERGEs), the naive rate and the speed-up over it.
The naive load is timed on its first --naive-rows relationships (all of it would take hours at 1M);
its rate is relationships per second over that sample.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time

from lithiumgraph import load_graph
from lithiumgraph.stores.neo4j import CLEAR_NODES, CLEAR_RELS, connect, push
from lithiumgraph.synth import write_synth


def clear(driver):
    with driver.session() as s:
        s.run(CLEAR_RELS).consume()
        s.run(CLEAR_NODES).consume()


def _props(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "kind"}  # the driver sends tuples as lists


def naive(G, driver, rows: int) -> tuple[int, float]:
    """Peer projects' load: one auto-commit MERGE per row. The nodes the sampled relationships need
    are merged first, untimed; the relationships are timed."""
    clear(driver)
    with driver.session() as s:
        ids = set()
        edges = list(G.edges(keys=True, data=True))[:rows]
        for u, v, _, _ in edges:
            ids.update((u, v))
        for n in ids:
            props = _props(G.nodes[n])
            s.run(f"MERGE (n:LG {{id: $id}}) SET n += $p, n:{G.nodes[n]['kind']}", id=n, p=props).consume()
        t = time.perf_counter()
        for u, v, k, d in edges:
            props = _props(d)
            s.run(
                f"MATCH (a:LG {{id: $u}}) MATCH (b:LG {{id: $v}}) MERGE (a)-[e:{d['kind']} {{_key: $k}}]->(b) "
                "SET e += $p",
                u=u,
                v=v,
                k=k,
                p=props,
            ).consume()
        return len(edges), time.perf_counter() - t


def timed_push(G, driver, runs: int, **kw) -> float:
    """Median seconds of ``runs`` pushes of ``G`` into an emptied graph (the emptying is not timed)."""
    times = []
    for _ in range(runs):
        clear(driver)
        t = time.perf_counter()
        push(G, driver, **kw)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--runs", type=int, default=3, help="pushes per figure; the median is shown")
    ap.add_argument("--warmup", type=int, default=5, help="untimed pushes of the first size before timing")
    ap.add_argument("--naive-rows", type=int, default=2000)
    args = ap.parse_args()
    uri, user, pw = os.environ["NEO4J_URI"], os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ["NEO4J_PASSWORD"]
    driver = connect(uri, user, pw)
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores; Neo4j 5.26 embedded at {uri}; "
        f"median of {args.runs} pushes after {args.warmup} untimed ones"
    )
    print(
        f"{'enterprises':>11} {'rels':>9} {'push s':>7} {'rels/s':>8} {'1 session':>10} {'re-push s':>10} "
        f"{'naive rels/s':>13} {'speed-up':>9}"
    )
    for i, n in enumerate(args.sizes):
        with tempfile.TemporaryDirectory() as d:
            write_synth(n, 1, d)
            G = load_graph(d)
        m = G.number_of_edges()
        if i == 0:  # a server just started runs its first pushes 2-3x slower, until its JIT has compiled them
            timed_push(G, driver, args.warmup)
        one = timed_push(G, driver, args.runs, workers=1)
        tb = timed_push(G, driver, args.runs)
        t = time.perf_counter()
        push(G, driver)  # onto the graph just pushed: every row MERGEs and changes nothing
        tm = time.perf_counter() - t
        rows, tn = naive(G, driver, args.naive_rows)
        rb, rn = m / tb, rows / tn
        print(f"{n:>11} {m:>9} {tb:>7.1f} {rb:>8,.0f} {m / one:>10,.0f} {tm:>10.1f} {rn:>13,.0f} {rb / rn:>8.0f}x")
    driver.close()


if __name__ == "__main__":
    main()
