"""Explorer and export times and sizes on synthetic graphs (labelled synthetic in every record).

Usage: python benchmarks/bench_outputs.py [--sizes 1000 10000 100000] [--runs 3]
Prints, per size: the explorer page at segment and enterprise level (build + write), and each export
format (streamed to disk), with the median of --runs, the file size, and the process's peak memory.
Opening the page in a browser is timed by bench_explorer.py.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from pathlib import Path

from common import median_time, peak_mib
from lithiumgraph import load_graph
from lithiumgraph.explorer import explore
from lithiumgraph.export import FORMATS, export
from lithiumgraph.synth import write_synth


def size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) if p.is_dir() else p.stat().st_size


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'enterprises':>11} {'nodes':>8} {'edges':>8}  {'output':<22} {'median s':>9} {'MiB':>8}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as d:
            write_synth(n, 1, d)
            G = load_graph(d)
            out = Path(d) / "out"
            rows = []
            for level in ("segment", "enterprise"):
                if level == "enterprise" and n > 20000:
                    print(
                        f"{n:>11} {'':>8} {'':>8}  explore {level:<14} refused: above the 20,000-enterprise page limit"
                    )
                    continue
                path = out / f"{level}.html"
                rows.append(
                    (f"explore {level}", median_time(lambda: explore(G, level=level).write(path), args.runs), path)
                )
            for fmt in FORMATS:
                path = out / f"g.{fmt}"
                rows.append((f"export {fmt}", median_time(lambda: export(G, fmt, path), args.runs), path))
            for name, t, path in rows:
                print(
                    f"{n:>11} {G.number_of_nodes():>8} {G.number_of_edges():>8}  {name:<22} {t:9.2f} "
                    f"{size(path) / 2**20:8.1f}"
                )
        peak = peak_mib() / 1024
        print(f"peak memory so far {peak:.2f} GiB")


if __name__ == "__main__":
    main()
