"""How long the chain chief's pack takes for a park, step by step, against the `report` command's
document of the same analyses in the same run (the baseline).

Usage: LG_CHROMIUM=$(bash scripts/browser.sh) python benchmarks/bench_pack.py [--park yichun-etdz] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--park", default="yichun-etdz")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    lg = [sys.executable, "-m", "lithiumgraph"]
    rows = {
        "report (baseline: Markdown + HTML)": [],
        "pack --no-print (SVG, xlsx, CSV, HTML)": [],
        "pack (with PNG maps and PDF)": [],
    }
    for _ in range(a.runs):
        with tempfile.TemporaryDirectory() as d:
            rows["report (baseline: Markdown + HTML)"].append(timed(lg + ["report", "--park", a.park, "-o", f"{d}/r"]))
            rows["pack --no-print (SVG, xlsx, CSV, HTML)"].append(
                timed(lg + ["pack", "--park", a.park, "-o", f"{d}/n", "--no-print"])
            )
            rows["pack (with PNG maps and PDF)"].append(timed(lg + ["pack", "--park", a.park, "-o", f"{d}/p"]))
            size = sum(f.stat().st_size for f in Path(f"{d}/p").rglob("*") if f.is_file())
    print(f"park {a.park}, medians of {a.runs} runs, wall-clock seconds including Python start-up")
    for k, v in rows.items():
        print(f"{k:42s} {statistics.median(v):7.2f}  (runs: {', '.join(f'{x:.2f}' for x in v)})")
    print(f"pack size with PNG and PDF: {size / 1e6:.1f} MB")
    with open("/proc/loadavg") as f:
        print(f"load average at the end: {f.read().split()[0]} on {__import__('os').cpu_count()} cores")


if __name__ == "__main__":
    main()
