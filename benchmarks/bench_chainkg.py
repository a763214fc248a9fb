"""The ChainKnowledgeGraph import end to end: import, validate and build on top of graph_data/, gaps for a
park, a Cypher query and an explorer page, each timed once, with peak memory.

Usage: python benchmarks/bench_chainkg.py DIR   (DIR holds the ChainKnowledgeGraph JSON Lines files;
the project does not ship them: that data set states no licence)
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from common import peak_mib
from lithiumgraph import load_graph, query
from lithiumgraph.analysis import gaps
from lithiumgraph.dataset import default_data_dir
from lithiumgraph.explorer import explore
from lithiumgraph.importers import import_chainkg

ROOT = Path(__file__).parents[1]


def step(name, fn):
    t = time.perf_counter()
    out = fn()
    print(f"{name:<44} {time.perf_counter() - t:8.2f} s")
    return out


def main():
    src = Path(sys.argv[1])
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}")
    lines = sum(sum(1 for _ in open(p, encoding="utf-8")) for p in src.glob("*.json"))
    print(f"input: {lines:,} JSON lines in {src}")
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "ckg"
        s = step(
            "import chainkg",
            lambda: import_chainkg(src, out, product_map=ROOT / "imports" / "chainkg" / "product_segments.csv"),
        )
        print(
            f"  {s.counts}, merged {len(s.merged)}, anomalies "
            + ", ".join(f"{len(v)} {k}" for k, v in s.anomalies.items())
        )
        G = step("validate + build (graph_data + import)", lambda: load_graph([default_data_dir(), out]))
        print(f"  {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges")
        cov = step("gaps --park yichun-etdz", lambda: gaps(G, "yichun-etdz"))
        print(f"  {sum(1 for x in cov.segments if x.status == 'missing')} missing segments")
        res = step(
            "query: firms per segment (first query loads engine)",
            lambda: query(
                G,
                "MATCH (e:Enterprise)-[:IN_SEGMENT]->(s:Segment) RETURN s.id AS s, count(e) AS n ORDER BY n DESC LIMIT 5",
            ),
        )
        print(f"  {res.rows[:3]}")
        page = step("explore --level enterprise (all firms)", lambda: explore(G, level="enterprise"))
        step("  write the page", lambda: page.write(Path(d) / "ckg.html"))
        print(f"  {len(page.nodes):,} nodes, {(Path(d) / 'ckg.html').stat().st_size / 2**20:.1f} MiB")
    print(f"peak memory {peak_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
