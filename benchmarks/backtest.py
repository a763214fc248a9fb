"""The backtest tables on both data sets, timed: the North American facilities split at the Inflation
Reduction Act (graph as known 2022-08-15, answers up to three years on) and the curated Chinese
projects split at 2020-12-31 and 2022-12-31 (answers two years on).

    python benchmarks/backtest.py [--rounds 1000]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "src"))

from lithiumgraph.backtest import backtest  # noqa: E402
from lithiumgraph.dataset import load  # noqa: E402
from lithiumgraph.graph import build_graph  # noqa: E402
from lithiumgraph.output import show  # noqa: E402

RUNS = (
    (
        "North America, split at the IRA",
        [ROOT / "graph_data", ROOT / "data" / "north-america"],
        ["2022-08-15"],
        3,
        ["na-united-states", "na-canada", "na-mexico"],
    ),
    ("China, curated projects", [ROOT / "graph_data"], ["2020-12-31", "2022-12-31"], 2, None),
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=1000)
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {platform.python_version()}, {platform.platform()}")
    total = time.perf_counter()
    for title, dirs, splits, horizon, within in RUNS:
        t = time.perf_counter()
        G = build_graph(load(dirs))
        for by_segment in (False, True):
            result = backtest(
                G, splits, horizon_years=horizon, within=within, by_segment=by_segment, rounds=args.rounds
            )
            print(
                f"\n# {title}, {'per place and segment' if by_segment else 'per place'}: "
                f"{time.perf_counter() - t:.1f} s (load, snapshots, scoring, {args.rounds} bootstrap rounds)"
            )
            print(show(result))
            t = time.perf_counter()
    print(f"\nboth data sets: {time.perf_counter() - total:.1f} s")


if __name__ == "__main__":
    main()
