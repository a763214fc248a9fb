"""What the cache of validated graphs saves: whole commands, end to end (a new process each), cold against
warm, on synthetic graphs (labelled synthetic in every record).

Usage: python benchmarks/bench_snapshot.py [--sizes 10000 100000] [--rounds 3] [--work DIR]

Per size and round: the cache emptied, then ``gaps`` cold (validate, build, save the graph and today's
snapshot: the first command after a change), ``stats``, ``gaps`` and ``gaps --as-of 2025-06`` warm,
``query`` cold for the engine (the graph cached, the engine's database built and saved) and ``query`` warm
(its first answer: the process started, the database opened, one question answered). Each figure is the
min and median over the rounds. Beside them, in the same run: ``gaps --no-cache`` (what every command
cost before the cache), and the interpreter starting and importing the command line (the floor).
Synthetic data are written once into ``--work`` (default: a temporary folder) and reused.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERY = "MATCH (s:Enterprise)-[:SUPPLIES]->(c:Enterprise {id: $id}) RETURN count(s) AS suppliers"


def timed(args: list[str], env: dict) -> float:
    """Wall seconds of one command in a new process; its failure stops the benchmark."""
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "lithiumgraph", *args], env=env, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"lithiumgraph {' '.join(args)} failed: {r.stderr.strip()}")
    return time.perf_counter() - t


def steps(data: str) -> list[tuple[str, list[str], bool]]:
    """(label, arguments, empty the cache first) in the order of one round."""
    gaps = ["gaps", "--park", "syn-park00000", "--data", data]
    return [
        ("floor: start and import the CLI", ["--version"], False),
        ("gaps, no cache (as before)", gaps + ["--no-cache"], False),
        ("gaps, cold (validate, build, save)", gaps, True),
        ("stats, warm", ["stats", "--data", data], False),
        ("gaps, warm", gaps, False),
        ("gaps --as-of 2025-06, warm", gaps + ["--as-of", "2025-06"], False),
        ("query, cold engine (build, save)", ["query", QUERY, "--param", "id=syn-e000001", "--data", data], False),
        ("query, warm: first answer", ["query", QUERY, "--param", "id=syn-e000001", "--data", data], False),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", help="folder for the synthetic data and the cache (kept between runs)")
    args = ap.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-snapshot-"))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; python {platform.python_version()}; "
        f"load average at start {os.getloadavg()[0]:.1f}"
    )
    rows = []
    for n in args.sizes:
        data = work / f"syn{n}"
        if not data.is_dir():
            from lithiumgraph.synth import write_synth

            write_synth(n, 1, data)
        cache = work / f"cache{n}"  # one per size: runs of two sizes at once do not empty each other's
        env = {**os.environ, "LITHIUMGRAPH_CACHE": str(cache)}
        times: dict[str, list[float]] = {}
        loads = []
        for _ in range(args.rounds):
            for label, cmd, empty in steps(str(data)):
                if empty:
                    shutil.rmtree(cache, ignore_errors=True)
                times.setdefault(label, []).append(timed(cmd, env))
            loads.append(os.getloadavg()[0])
        for label, ts in times.items():
            rows.append((n, label, min(ts), statistics.median(ts)))
            print(f"{n:>9,}  {label:<38} min {min(ts):7.2f} s  median {statistics.median(ts):7.2f} s")
        print(
            f"{'':>9}  load average after each round: {', '.join(f'{x:.1f}' for x in loads)}; peak memory of "
            f"a command: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MiB"
        )
    print("\nRESULTS.md block:\n")
    print("| enterprises | command | min s | median s |\n|---:|---|---:|---:|")
    for n, label, lo, med in rows:
        print(f"| {n:,} | {label} | {lo:.2f} | {med:.2f} |")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
