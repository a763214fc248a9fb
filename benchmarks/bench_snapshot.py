"""What the cache of validated graphs saves: whole commands, end to end (a new process each), cold against
warm, on synthetic graphs (labelled synthetic in every record).

Usage: python benchmarks/bench_snapshot.py [--sizes 10000 100000] [--rounds 3] [--cold-rounds 1] [--work DIR]
[--only LABEL ...]

Per size and round: the cached graph files removed, then ``gaps`` cold (validate, build, save the graph,
today's snapshot and its ``stats`` figures: the first command after a change), then every read command warm
(``stats``, ``gaps``, ``balance``, ``recommend``, ``risk`` for a park, ``show`` and ``search``; ``recommend``,
``risk`` and ``search`` twice, as the first ask keeps the park's part or the names it reads: see the cache in
the README), a new
park's first ``gaps``, ``recommend`` and ``risk`` (each a park not asked before: its part is cut from today's
snapshot and kept), ``gaps --as-of 2025-06``, ``query`` cold for the engine (the graph cached, the engine's
database built and saved) and ``query`` warm (its first answer: the process started, the database opened, one
question answered). Each figure is the
min and median over the rounds. Beside them, in the same run: ``gaps --no-cache`` (what every command cost
before the cache), and the interpreter starting and importing the command line (the floor). The slow cold steps
run in the first ``--cold-rounds`` rounds only (the engine's database is kept for the later rounds' warm
``query``), so three rounds at 100,000 enterprises stay within six minutes. Synthetic data are written once
into ``--work`` (default: a temporary folder) and reused. Last, the park's parts kept in the cache are read
back in the benchmark's own process: their size and the seconds to read each. ``--only search floor`` runs only
the rows whose label begins with one of the words given, after one untimed run of each warm one (so the first
is not cold), and not the parts.
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


def steps(data: str, n: int) -> list[tuple[str, list[str], str, bool]]:
    """(label, arguments, what to remove from the cache first, slow cold step) in the order of one round: the
    graph files before ``gaps`` cold, the engine's database before ``query`` cold."""
    firm = f"syn-e{1:0{len(str(n))}d}"  # as synth names them
    park = ["--park", "syn-park00000", "--data", data]

    def other(i: int) -> list[str]:
        return ["--park", f"syn-park{i:05d}", "--data", data]

    query = ["query", QUERY, "--param", f"id={firm}", "--data", data]
    return [
        ("floor: start and import the CLI", ["--version"], "", False),
        ("gaps, no cache (as before)", ["gaps", *park, "--no-cache"], "", True),
        ("gaps, cold (validate, build, save)", ["gaps", *park], "graph", False),
        ("stats, warm", ["stats", "--data", data], "", False),
        ("gaps, warm", ["gaps", *park], "", False),
        ("balance, warm", ["balance", *park], "", False),
        ("recommend, first ask of the park", ["recommend", *park], "", False),
        ("recommend, warm", ["recommend", *park], "", False),
        ("risk, first ask of the park", ["risk", *park], "", False),
        ("risk, warm", ["risk", *park], "", False),
        ("gaps, a new park (syn-park00001)", ["gaps", *other(1)], "", False),
        ("recommend, a new park (syn-park00002)", ["recommend", *other(2)], "", False),
        ("risk, a new park (syn-park00003)", ["risk", *other(3)], "", False),
        ("show, warm", ["show", firm, "--data", data], "", False),
        (
            "first search after the cache is made (names kept)",
            ["search", "Synthetic Enterprise 1", "--data", data],
            "",
            False,
        ),
        ("search, warm", ["search", "Synthetic Enterprise 1", "--data", data], "", False),
        ("gaps --as-of 2025-06, warm", ["gaps", *park, "--as-of", "2025-06"], "", False),
        ("query, cold engine (build, save)", query, "engine", True),
        ("query, warm: first answer", query, "", False),
    ]


def parts(data: Path, cache: Path) -> list[tuple]:
    """The park's parts of the graph the cache keeps for syn-park00000 (read back in this process, as a warm
    command reads them): nodes, relationships, MiB pickled, seconds to read; printed, and as rows."""
    import pickle

    from lithiumgraph.analysis import GapRules, gaps
    from lithiumgraph.analysis.recommend import target_segments
    from lithiumgraph.stores import MemoryStore

    os.environ["LITHIUMGRAPH_CACHE"] = str(cache)
    st, park, rows = MemoryStore([data]), "syn-park00000", []
    segments = [s.segment for s in target_segments(gaps(st.park_graph(park), park, rules=GapRules()))]
    for label, kw in (
        ("park part (gaps, balance)", {}),
        ("park part with supplies (risk)", {"supplies": True}),
        ("park part with the segments recommend scores", {"segments": segments}),
    ):
        t = time.perf_counter()
        G = st.park_graph(park, **kw)
        took = time.perf_counter() - t
        mib = len(pickle.dumps(G, protocol=5)) / 2**20
        n, e = G.number_of_nodes(), G.number_of_edges()
        print(f"{'':>9}  {label}: {n:,} nodes, {e:,} relationships, {mib:.1f} MiB, read in {took:.2f} s")
        rows.append((int(data.name[3:]), f"read the {label}: {n:,} nodes, {e:,} rels, {mib:.1f} MiB", took, took, 1))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cold-rounds", type=int, default=1, help="rounds that run the slow cold steps")
    ap.add_argument("--work", help="folder for the synthetic data and the cache (kept between runs)")
    ap.add_argument("--only", nargs="+", metavar="LABEL", help="only the rows whose label begins with one of these")
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
        shutil.rmtree(cache, ignore_errors=True)
        times: dict[str, list[float]] = {}
        loads = []
        chosen = [s for s in steps(str(data), n) if not args.only or s[0].startswith(tuple(args.only))]
        for label, cmd, remove, slow in chosen if args.only else ():
            if not remove:
                timed(cmd, env)  # untimed: the cache made, as the rows before it would have made it
        for r in range(args.rounds):
            for label, cmd, remove, slow in chosen:
                if slow and r >= args.cold_rounds:
                    continue
                for p in cache.rglob("*.*") if remove else ():
                    if (p.suffix == ".lbdb") == (remove == "engine"):
                        shutil.rmtree(p) if p.is_dir() else p.unlink()
                times.setdefault(label, []).append(timed(cmd, env))
                print(f"{n:>9,}  round {r + 1}  {label:<38} {times[label][-1]:7.2f} s", flush=True)
            loads.append(os.getloadavg()[0])
            print(f"{n:>9,}  round {r + 1} done, load average {loads[-1]:.1f}", flush=True)
        for label, ts in times.items():
            rows.append((n, label, min(ts), statistics.median(ts), len(ts)))
            print(f"{n:>9,}  {label:<38} min {min(ts):7.2f} s  median {statistics.median(ts):7.2f} s  ({len(ts)} runs)")
        print(
            f"{'':>9}  load average after each round: {', '.join(f'{x:.1f}' for x in loads)}; peak memory of "
            f"a command: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MiB"
        )
        rows += parts(data, cache) if not args.only else []
    print("\nRESULTS.md block:\n")
    print("| enterprises | command | min s | median s | runs |\n|---:|---|---:|---:|---:|")
    for n, label, lo, med, k in rows:
        print(f"| {n:,} | {label} | {lo:.2f} | {med:.2f} | {k} |")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
