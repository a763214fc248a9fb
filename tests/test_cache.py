"""The validated graph kept between commands: same answers warm and cold, rebuilt after any edit, a damaged
entry rebuilt with one warning, two processes building at once, nothing written with --no-cache."""

import io
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest

from conftest import edit
from lithiumgraph import load_graph
from lithiumgraph.cache import GraphCache
from lithiumgraph.cli import cli
from lithiumgraph.cli.base import _ProgressLine

NAME = "Contemporary Amperex Technology Co. Limited"
QUERY = "MATCH (e:Enterprise {id: 'catl'}) RETURN e.name_en"


def files(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def run(runner, *args):
    r = runner.invoke(cli, list(args))
    assert r.exit_code == 0, r.output
    return r


def test_warm_answers_are_the_cold_ones(runner, data_copy, cache):
    cold = run(runner, "stats", "--data", str(data_copy), "--no-cache").stdout
    assert files(cache) == []
    first = run(runner, "stats", "--data", str(data_copy))
    today = time.strftime("%Y-%m-%d")
    assert [f.split(".", 1)[1] for f in files(cache)] == [f"{today}.graph", f"{today}.stats", "graph"]
    warm = run(runner, "stats", "--data", str(data_copy))
    assert cold == first.stdout == warm.stdout and warm.stderr == ""
    as_of = run(runner, "show", "ganfeng-yichun-cells", "--data", str(data_copy), "--as-of", "2022-12").stdout
    assert (
        as_of
        == run(
            runner, "show", "ganfeng-yichun-cells", "--data", str(data_copy), "--as-of", "2022-12", "--no-cache"
        ).stdout
    )
    assert "signed" in as_of  # the status of that day, not today's
    gone = runner.invoke(cli, ["show", "ganfeng-yichun-cells", "--data", str(data_copy), "--as-of", "2022-06"])
    assert gone.exit_code == 1  # agreed on 2022-09-28: not in the graph of June


def test_an_edited_cell_rebuilds_graph_and_engine(runner, data_copy, cache):
    assert NAME in run(runner, "show", "catl", "--data", str(data_copy)).stdout
    assert NAME in run(runner, "query", QUERY, "--data", str(data_copy)).stdout
    before = set(files(cache))
    edit(data_copy / "enterprises.csv", NAME, "CATL edited")
    assert "CATL edited" in run(runner, "show", "catl", "--data", str(data_copy)).stdout
    assert "CATL edited" in run(runner, "query", QUERY, "--data", str(data_copy)).stdout
    after = set(files(cache))
    assert before.isdisjoint(after) and len(after) == 4  # the old entry is gone: graph, today, its figures, engine


def test_a_new_file_in_the_data_directory_changes_the_key(data_copy, cache):
    key = GraphCache(data_copy).key
    (data_copy / "notes.csv").write_text("a\n", encoding="utf-8")
    assert GraphCache(data_copy).key != key


def damage(path: Path, how: str) -> None:
    blob = path.read_bytes()
    if how == "cut off":
        path.write_bytes(blob[: len(blob) // 2])
    elif how == "one byte changed":
        i = len(blob) // 2
        path.write_bytes(blob[:i] + bytes([blob[i] ^ 0x20]) + blob[i + 1 :])
    elif how == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(b"not a graph at all" * 100)


@pytest.mark.parametrize("how", ["cut off", "one byte changed", "empty", "garbage"])
@pytest.mark.parametrize("which", ["graph", "today", "stats"])
def test_a_damaged_graph_file_is_rebuilt_with_one_warning(runner, data_copy, cache, how, which):
    # the full graph is read for another day, today's snapshot for a plain command, today's figures for stats
    args = {
        "graph": ["show", "catl", "--as-of", "2025-01"],
        "today": ["show", "catl"],
        "stats": ["stats", "--format", "json"],
    }[which] + ["--data", str(data_copy)]
    right = run(runner, *args).stdout
    run(runner, "stats", "--data", str(data_copy))
    today = time.strftime("%Y-%m-%d")
    suffix = {"graph": "graph", "today": f"{today}.graph", "stats": f"{today}.stats"}[which]
    damage(next(p for p in cache.rglob("*.*") if p.name.split(".", 1)[1] == suffix), how)
    r = run(runner, *args)
    assert r.stdout == right
    what = "figures" if which == "stats" else "graph"
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"warning: the cached {what} ") and "rebuilding it" in lines[0]
    again = run(runner, *args)
    assert again.stdout == right and again.stderr == ""


@pytest.mark.parametrize("how", ["cut off", "one byte changed", "empty", "garbage"])
def test_a_damaged_cypher_database_is_rebuilt_with_one_warning(runner, data_copy, cache, how):
    right = run(runner, "query", QUERY, "--data", str(data_copy)).stdout
    damage(next(cache.rglob("*.lbdb")), how)
    r = run(runner, "query", QUERY, "--data", str(data_copy))
    assert r.stdout == right
    warnings = [x for x in r.stderr.splitlines() if x.startswith("warning:")]
    assert len(warnings) == 1 and "rebuilding it" in warnings[0]


def test_the_cache_is_its_owners_only(runner, data_copy, cache):
    run(runner, "query", "MATCH (n:Enterprise) RETURN count(n) AS n", "--data", str(data_copy))
    made = [p for p in cache.rglob("*") if not p.name.startswith(".")]
    assert any(p.suffix == ".lbdb" for p in made) and any(p.suffix == ".graph" for p in made)
    modes = {str(p.relative_to(cache)): (p.is_dir(), oct(p.stat().st_mode & 0o777)) for p in made}
    assert {(d, m) for d, m in modes.values()} == {(True, "0o700"), (False, "0o600")}, modes


def test_no_cache_writes_nothing(runner, data_copy, cache):
    run(runner, "gaps", "--park", "yichun-etdz", "--data", str(data_copy), "--no-cache")
    run(runner, "query", QUERY, "--data", str(data_copy), "--no-cache")
    G = load_graph(data_copy, cache=False)
    assert files(cache) == [] and "catl" in G


def test_the_library_reads_what_it_cached(data_copy, cache):
    cold = load_graph(data_copy, cache=False)
    load_graph(data_copy)
    warm = load_graph(data_copy)
    assert files(cache)
    assert nx.utils.graphs_equal(cold, warm)
    assert nx.utils.graphs_equal(load_graph(data_copy, as_of="2023"), load_graph(data_copy, as_of="2023", cache=False))


def test_two_processes_building_at_once_agree(data_copy, cache):
    env = {**os.environ, "LITHIUMGRAPH_CACHE": str(cache)}
    cmd = [sys.executable, "-m", "lithiumgraph", "query", QUERY, "--data", str(data_copy)]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert outs[0][0] == outs[1][0] and NAME in outs[0][0]
    names = files(cache)  # the graph, the engine (each process's own when they finished together); no temporary file
    assert sum(n.endswith(".graph") for n in names) == 1 and 1 <= sum(n.endswith(".lbdb") for n in names) <= 2
    assert not any(n.startswith(".") for n in names)
    stamp = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    third = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert third.returncode == 0 and third.stdout == outs[0][0]
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == stamp  # read, not rewritten


def test_cache_info_and_clear(runner, data_copy, cache):
    r = run(runner, "cache", "info", "--data", str(data_copy))
    assert f"cache: {cache}" in r.stderr and "not cached yet" in r.stderr
    run(runner, "stats", "--data", str(data_copy))
    r = run(runner, "cache", "info", "--data", str(data_copy), "--format", "json")
    assert ": cached (folder " in r.stderr and '"file"' in r.stdout
    (cache / "someone-elses-file").write_text("kept", encoding="utf-8")
    assert run(runner, "cache", "clear").stdout == f"removed 3 cached files from {cache}\n"
    assert files(cache) == ["someone-elses-file"]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_slow_step_shows_one_line_on_a_terminal():
    out = Terminal()
    with _ProgressLine("validating graph_data", out, delay=0.05):
        time.sleep(0.3)
    assert out.getvalue().startswith("validating graph_data… ") and out.getvalue().endswith(" s\n")
    quick, piped = Terminal(), io.StringIO()
    with _ProgressLine("validating", quick, delay=5):
        pass
    with _ProgressLine("validating", piped, delay=0.01):
        time.sleep(0.1)
    assert quick.getvalue() == piped.getvalue() == ""


@pytest.mark.parametrize(
    "args, code",
    [
        (["search", "lithium", "--limit", "1000", "--format", "json"], 0),  # more than the output buffer
        (["stats"], 0),
        (["show", "no-such-firm"], 1),
        (["stats", "--no-such-option"], 2),
    ],
)
def test_a_command_leaves_without_teardown_yet_says_everything(runner, cache, tmp_path, args, code):
    # the process skips freeing the graph at exit: its status, its output and its exit handlers stay
    env = {**os.environ, "LITHIUMGRAPH_CACHE": str(cache)}
    out = tmp_path / "out.txt"
    with open(out, "w", encoding="utf-8") as f:
        r = subprocess.run([sys.executable, "-m", "lithiumgraph", *args], env=env, stdout=f, stderr=subprocess.PIPE)
    same = runner.invoke(cli, args)
    assert r.returncode == code == same.exit_code
    assert out.read_text(encoding="utf-8") == same.stdout
    assert len(same.stdout) > 8192 if "search" in args else True
    assert r.stderr.decode().splitlines()[-1:] == same.stderr.splitlines()[-1:]


def test_exit_handlers_run_before_the_quick_exit(tmp_path):
    mark = tmp_path / "handled"
    code = (
        "import atexit, pathlib, sys; from lithiumgraph.cli import main; "
        f"atexit.register(pathlib.Path({str(mark)!r}).write_text, 'yes'); sys.argv = ['lithiumgraph', '--version']; main()"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("lithiumgraph") and mark.read_text() == "yes"


def test_a_profiled_command_still_writes_its_profile(cache, tmp_path):
    # the quick exit would leave before cProfile writes what it measured: under a profiler it steps aside
    prof = tmp_path / "stats.prof"
    env = {**os.environ, "LITHIUMGRAPH_CACHE": str(cache)}
    r = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "lithiumgraph", "stats"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and "sources by grade" in r.stdout
    assert any("lithiumgraph" in f for f, _, _ in pstats.Stats(str(prof)).stats)  # type: ignore[attr-defined]
