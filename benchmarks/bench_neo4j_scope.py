"""Park analyses on Neo4j: the park's part read with server-side Cypher, against reading the whole graph back.

Usage: bash scripts/neo4j.sh start && eval "$(bash scripts/neo4j.sh env)"
       lithiumgraph synth --enterprises 100000 --seed 1 -o DIR && lithiumgraph push --data DIR --replace
       python benchmarks/bench_neo4j_scope.py [--parks syn-park00000 syn-city0000] [--runs 3] [--data DIR] [--before SRC]
Each round runs, alternated, one process per command (wall time and the process's peak RSS):
``gaps --store neo4j`` per park, ``risk`` and ``recommend`` for the first park, and the same-run baseline,
a process that reads the whole graph back (what every park analysis did before); ``--slow-runs`` rounds (default 1) include those slow ones. With ``--data`` the
answers of ``gaps`` are compared with the memory store's once (the memory run is not timed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

LG = [sys.executable, "-m", "lithiumgraph"]
WHOLE = (
    "import sys; from lithiumgraph.stores.neo4j import Neo4jStore; "
    "st = Neo4jStore(sys.argv[1], sys.argv[2], sys.argv[3]); G = st.graph(); "
    "print(G.number_of_nodes(), G.number_of_edges())"
)


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB, from the kernel's accounting of this one child) and stdout."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = p.stdout.read() if p.stdout else ""
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if status:
        raise SystemExit(f"failed ({status}): {' '.join(cmd)}")
    return wall, ru.ru_maxrss / 1024, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parks", nargs="+", default=["syn-park00000", "syn-city0000"])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data", help="the synthetic data pushed: compare gaps with the memory store once")
    ap.add_argument(
        "--slow-runs",
        type=int,
        default=1,
        help="rounds that also run risk, recommend and the whole-graph read (each takes a minute or more)",
    )
    ap.add_argument("--no-whole", action="store_true", help="leave out the whole-graph baseline")
    ap.add_argument(
        "--before",
        help="a src/ directory of other code (e.g. git archive COMMIT src | tar -x -C DIR): its gaps per park are "
        "timed in the same rounds, alternated, as a same-run before/after",
    )
    args = ap.parse_args()
    uri, user, pw = os.environ["NEO4J_URI"], os.environ.get("NEO4J_USERNAME", "neo4j"), os.environ["NEO4J_PASSWORD"]
    neo = ["--store", "neo4j", "--neo4j-uri", uri, "--neo4j-user", user, "--neo4j-password", pw]
    steps = {f"gaps {p}": LG + ["gaps", "--park", p, "--format", "json"] + neo for p in args.parks}
    if args.before:  # the same command on the other code, first on the path
        before = ["env", f"PYTHONPATH={os.path.abspath(args.before)}"]
        steps.update({f"gaps {p} (before)": before + steps[f"gaps {p}"] for p in args.parks})
    steps[f"risk {args.parks[0]}"] = LG + ["risk", "--park", args.parks[0], "--format", "json"] + neo
    steps[f"recommend {args.parks[0]}"] = LG + ["recommend", "--park", args.parks[0], "--format", "json"] + neo
    if not args.no_whole:
        steps["baseline: whole graph read back"] = [sys.executable, "-c", WHOLE, uri, user, pw]
    print(f"load average at start: {os.getloadavg()}")
    if args.data:
        for p in args.parks:
            mem = run(LG + ["gaps", "--park", p, "--format", "json", "--data", args.data])[2]
            db = run(steps[f"gaps {p}"])[2]
            print(f"gaps {p}: memory and neo4j answers {'identical' if mem == db else 'DIFFER'}")
            if args.before:
                old = run(steps[f"gaps {p} (before)"])[2]
                print(f"gaps {p}: neo4j answers before and after {'identical' if old == db else 'DIFFER'}")
    times: dict[str, list[float]] = {k: [] for k in steps}
    peaks: dict[str, list[float]] = {k: [] for k in steps}
    sizes = ""
    for i in range(args.runs):
        order = list(steps) if i % 2 == 0 else list(reversed(steps))  # alternated rounds
        for name in order:
            if i >= args.slow_runs and not name.startswith("gaps"):
                continue
            wall, peak, out = run(steps[name])
            times[name].append(wall)
            peaks[name].append(peak)
            if name.startswith("baseline"):
                sizes = out.strip()
        print(f"round {i + 1} done, load average {os.getloadavg()}", flush=True)
    print(f"\nwhole graph: {sizes} (nodes relationships); load average at end: {os.getloadavg()}\n")
    print("| step | rounds | min s | median s | peak RSS, MiB (max) |")
    print("|---|---:|---:|---:|---:|")
    for name in steps:
        t = times[name]
        if not t:  # a slow step when no round ran the slow ones
            continue
        print(f"| {name} | {len(t)} | {min(t):.2f} | {statistics.median(t):.2f} | {max(peaks[name]):,.0f} |")


if __name__ == "__main__":
    main()
