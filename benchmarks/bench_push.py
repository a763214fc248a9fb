"""Neo4j push against the offline floor, `neo4j-admin database import` of the same graph, same run.

Usage: bash scripts/neo4j.sh start && eval "$(bash scripts/neo4j.sh env)"
       python benchmarks/bench_push.py [--sizes 10000 100000 | --data DIR] [--rounds 3] [--repush] [--naive-rows 2000]
Sizes are synthetic enterprises (labelled synthetic in every record); ~10 relationships each. ``--data``
pushes an existing graph_data directory (e.g. one written by ``lithiumgraph synth``) instead.

Each round times, one after the other: the admin import (the command ``lithiumgraph export --to
neo4j-import`` prints, run by ``scripts/neo4j.sh admin`` into a fresh store in a temporary home, JVM
start included; writing its files is timed once, apart) and a push into the emptied graph on the
running server. ``--repush`` adds one push onto the pushed graph (every row MERGEs and changes
nothing); ``--naive-rows N`` times one auto-commit MERGE per relationship on the first N relationships.
The load average is printed with every round: figures measured beside other work are upper bounds.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from lithiumgraph import load_graph
from lithiumgraph.export import export
from lithiumgraph.stores.neo4j import connect
from lithiumgraph.stores.neo4jpush import CLEAR_NODES, CLEAR_RELS, push
from lithiumgraph.synth import write_synth

ROOT = Path(__file__).resolve().parent.parent


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


def timed_push(G, driver) -> float:
    """Seconds of one push of ``G`` into an emptied graph (the emptying is not timed)."""
    clear(driver)
    t = time.perf_counter()
    push(G, driver)
    return time.perf_counter() - t


def admin_import(command: str, home: str) -> float:
    """Seconds of the printed ``neo4j-admin database import full`` into a fresh store under ``home``."""
    args = command.removeprefix("neo4j-admin ").replace("import full ", "import full --overwrite-destination ", 1)
    env = {**os.environ, "LG_NEO4J_HOME": home}
    t = time.perf_counter()
    r = subprocess.run(
        ["bash", "-c", "bash scripts/neo4j.sh admin " + args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    took = time.perf_counter() - t
    if r.returncode or "IMPORT DONE" not in r.stdout:
        raise SystemExit(f"neo4j-admin import failed:\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    return took


def graphs(args):
    """(label, graph) for each size or data directory asked for."""
    for d in args.data:
        yield Path(d).name, load_graph(d)
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as d:
            write_synth(n, 1, d)
            yield f"{n:,}", load_graph(d)


def run(label, G, driver, args, work: str) -> dict:
    """Alternated rounds of admin import and push for one graph; one line per round."""
    m = G.number_of_edges()
    t = time.perf_counter()
    command = export(G, "neo4j-import", Path(work) / "files").command
    written = time.perf_counter() - t
    print(f"{label}: {G.number_of_nodes():,} nodes, {m:,} relationships; import files written in {written:.1f} s")
    admin, pushed = [], []
    for i in range(args.rounds):
        admin.append(admin_import(command, str(Path(work) / "home")))
        la = os.getloadavg()[0]
        pushed.append(timed_push(G, driver))
        print(
            f"  round {i + 1}: admin import {admin[-1]:6.1f} s (load {la:.1f})   push {pushed[-1]:6.1f} s "
            f"{m / pushed[-1]:>8,.0f} rels/s (load {os.getloadavg()[0]:.1f})   "
            f"push / admin {pushed[-1] / admin[-1]:.2f}x",
            flush=True,
        )
    out = {"label": label, "rels": m, "admin": admin, "push": pushed, "repush": None, "naive": None}
    if args.repush:
        t = time.perf_counter()
        push(G, driver)  # onto the graph just pushed: every row MERGEs and changes nothing
        out["repush"] = time.perf_counter() - t
    if args.naive_rows:
        rows, tn = naive(G, driver, args.naive_rows)
        out["naive"] = rows / tn
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[])
    ap.add_argument("--data", nargs="*", default=[], help="graph_data directories to push instead of new synth data")
    ap.add_argument("--rounds", type=int, default=3, help="alternated admin-import / push rounds per graph")
    ap.add_argument("--warmup", type=int, default=5, help="untimed pushes of a 1,000-firm graph before timing")
    ap.add_argument("--repush", action="store_true", help="also time one push onto the pushed graph")
    ap.add_argument("--naive-rows", type=int, default=0)
    args = ap.parse_args()
    if not args.sizes and not args.data:
        args.sizes = [10000]
    uri, user, pw = os.environ["NEO4J_URI"], os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ["NEO4J_PASSWORD"]
    driver = connect(uri, user, pw)
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cores; Neo4j 5.26 embedded at {uri}; load average at "
        f"start {os.getloadavg()[0]:.1f}; {args.rounds} rounds after {args.warmup} untimed pushes of 1k firms"
    )
    with tempfile.TemporaryDirectory() as d:  # a server just started runs its first pushes 2-3x slower (JIT)
        write_synth(1000, 1, d)
        small = load_graph(d)
    for _ in range(args.warmup):
        timed_push(small, driver)
    results = []
    for label, G in graphs(args):
        with tempfile.TemporaryDirectory() as work:
            results.append(run(label, G, driver, args, work))
    driver.close()
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}; ready for RESULTS.md:\n")
    print(
        "| graph | relationships | admin import, s (min / median) | push, s (min / median) | push rels/s (median) "
        "| push / admin (medians) | re-push, s | naive rels/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        a, p = statistics.median(r["admin"]), statistics.median(r["push"])
        repush = f"{r['repush']:.1f}" if r["repush"] is not None else "-"
        naive_rate = f"{r['naive']:,.0f}" if r["naive"] is not None else "-"
        print(
            f"| {r['label']} | {r['rels']:,} | {min(r['admin']):.1f} / {a:.1f} | {min(r['push']):.1f} / {p:.1f} "
            f"| {r['rels'] / p:,.0f} | {p / a:.2f}x | {repush} | {naive_rate} |"
        )


if __name__ == "__main__":
    main()
