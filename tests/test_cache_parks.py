"""A park's part of the graph kept in the cache: the park analyses answer from it exactly as from the whole
graph (shipped data and a synthetic set, today and another day), an edited cell makes a new part, a damaged
part is rebuilt with one warning, two processes at once agree, the files are the owner's only."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import edit
from lithiumgraph.analysis import GapRules, balance, gaps, recommend, risk
from lithiumgraph.analysis.recommend import target_segments
from lithiumgraph.cli import cli
from lithiumgraph.output import show
from lithiumgraph.stores import MemoryStore

from test_cache import damage, files, run

SHIPPED = ["yichun-etdz", "yichun-city", "宜春经开区", "jiangxi", "china", "ningde"]


def parts(root: Path) -> list[str]:
    return [f for f in files(root) if ".part-" in f]


def answers(st: MemoryStore, whole, park: str, as_of=None) -> list[tuple[str, str]]:
    """Each park analysis as JSON, from the store's parts (as the commands read them) and from ``whole``."""
    from lithiumgraph.names import resolve

    rules, out = GapRules(), []
    pid = resolve(whole, park, kinds=("Park",), what="park")
    part = st.park_graph(park, as_of=as_of)
    segs = [s.segment for s in target_segments(gaps(part, pid, rules=rules))]
    more = st.park_graph(pid, segments=segs, as_of=as_of)
    sup = st.park_graph(park, supplies=True, as_of=as_of)
    for name, fn, G in (
        ("gaps", lambda G: gaps(G, pid, rules=rules), part),
        ("balance", lambda G: balance(G, pid), part),
        ("recommend", lambda G: recommend(G, pid, rules=rules), more),
        ("risk", lambda G: risk(G, pid, rules=rules), sup),
    ):
        out.append((show(fn(G), "json"), show(fn(whole), "json")))
        assert set(G) <= set(whole) and G.number_of_edges() <= whole.number_of_edges(), (name, park)
    return out


@pytest.mark.parametrize("as_of", [None, "2024-06"])
def test_the_parts_answer_as_the_whole_graph_shipped(data_copy, cache, as_of):
    for park in SHIPPED:
        st = MemoryStore([data_copy])
        for from_part, from_whole in answers(st, st.snapshot(as_of), park, as_of):
            assert from_part == from_whole, park
    assert bool(parts(cache)) == (as_of is None)  # today's parts are kept, another day's are not
    st = MemoryStore([data_copy])
    whole, part = st.snapshot(as_of), st.park_graph("yichun-etdz", supplies=True, as_of=as_of)
    assert part.number_of_edges() < whole.number_of_edges() / 2  # a part, not the graph


def test_the_parts_answer_as_the_whole_graph_synthetic(runner, tmp_path, cache):
    syn = tmp_path / "syn"
    run(runner, "synth", "--enterprises", "1500", "--seed", "5", "-o", str(syn))
    for park in ("syn-park00000", "syn-park00003", "syn-city0000", "syn-prov000"):
        for as_of in (None, "2021-06"):
            st = MemoryStore([syn])
            for from_part, from_whole in answers(st, st.snapshot(as_of), park, as_of):
                assert from_part == from_whole, (park, as_of)
    args = ["recommend", "--park", "syn-city0000", "--data", str(syn), "--format", "json"]
    assert run(runner, *args).stdout == run(runner, *args).stdout == run(runner, *args, "--no-cache").stdout


ANALYSES = ("gaps", "balance", "recommend", "risk")


def test_a_warm_command_reads_its_part_not_the_graph(runner, data_copy, cache, monkeypatch):
    args = ["--park", "yichun-etdz", "--data", str(data_copy), "--format", "json"]
    cold = {a: run(runner, a, *args, "--no-cache").stdout for a in ANALYSES}
    assert files(cache) == []  # without the cache nothing is kept
    first = {a: run(runner, a, *args).stdout for a in ANALYSES}
    assert len(parts(cache)) == 3  # the park's part, with its supply relations, with recommend's segments
    today = time.strftime("%Y-%m-%d")
    snap = next(cache.rglob(f"*.{today}.graph"))
    snap.unlink()  # a warm command reads its part alone: without today's snapshot it still answers
    monkeypatch.setattr("lithiumgraph.cache.GraphCache.snapshot", lambda *a: pytest.fail("read the graph"))
    warm = {a: run(runner, a, *args).stdout for a in ANALYSES}
    assert cold == first == warm


def test_an_edited_cell_makes_a_new_part(runner, data_copy, cache):
    args = ["gaps", "--park", "yichun-etdz", "--data", str(data_copy), "--format", "json"]
    before = run(runner, *args).stdout
    old = set(parts(cache))
    row = "江西国轩新能源科技有限公司,Jiangxi Gotion New Energy Technology,江西国轩|"
    edit(data_copy / "enterprises.csv", row, row.replace("江西国轩", "EDITED"))
    after = run(runner, *args).stdout
    assert "EDITED" in after and "EDITED" not in before and "江西国轩" in before
    assert after == run(runner, *args, "--no-cache").stdout
    assert old and parts(cache) and old.isdisjoint(parts(cache))  # the old part is gone with its key


@pytest.mark.parametrize("how", ["cut off", "one byte changed", "empty", "garbage"])
def test_a_damaged_part_is_rebuilt_with_one_warning(runner, data_copy, cache, how):
    args = ["risk", "--park", "yichun-etdz", "--data", str(data_copy), "--format", "json"]
    right = run(runner, *args).stdout
    (part,) = [p for p in cache.rglob("*.part-*")]
    damage(part, how)
    r = run(runner, *args)
    assert r.stdout == right
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: the cached part of the graph ")
    assert "rebuilding it" in lines[0]
    again = run(runner, *args)
    assert again.stdout == right and again.stderr == ""


def test_two_processes_asking_for_a_park_at_once_agree(runner, data_copy, cache):
    run(runner, "stats", "--data", str(data_copy))  # the graph and today's snapshot, but no part yet
    env = {**os.environ, "LITHIUMGRAPH_CACHE": str(cache)}
    cmd = [sys.executable, "-m", "lithiumgraph", "gaps", "--park", "yichun-etdz", "--data", str(data_copy)]
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert outs[0] == outs[1] and "electrolyte" in outs[0][0]
    assert len(parts(cache)) == 1 and not any(n.startswith(".") for n in files(cache))
    made = [p for p in cache.rglob("*")]
    assert {oct(p.stat().st_mode & 0o777) for p in made if p.is_file()} == {"0o600"}
    assert {oct(p.stat().st_mode & 0o777) for p in made if p.is_dir()} == {"0o700"}


def test_an_unknown_park_is_one_line_and_keeps_nothing(runner, data_copy, cache):
    r = runner.invoke(cli, ["gaps", "--park", "nowhere-park", "--data", str(data_copy)])
    assert r.exit_code == 1 and r.output.startswith("Error: ") and "nowhere-park" in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert parts(cache) == []
