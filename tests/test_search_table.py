"""search reads a names table kept in the cache instead of the graph: the table is what the graph gives, the
hits are those of a plain scan of every name (the way search worked before the table), a damaged table is
rebuilt with one warning and an edited cell makes a new one."""

import json
import time

import pytest
from rapidfuzz import fuzz, process

from conftest import edit
from lithiumgraph import load_graph
from lithiumgraph.cache import GraphCache
from lithiumgraph.cli import cli
from lithiumgraph.names import NAMED_KINDS, Match, _candidates, _label, _norm, name_table, search, search_table
from lithiumgraph.synth import write_synth
from lithiumgraph.timeline import snapshot

QUERIES = [
    "宁德时代",
    "赣锋锂业",
    "国轩",
    "国轩高科股份有限公司",
    "江西升华",
    "碳酸锂",
    "正极",
    "宜春",
    "ganfeng",
    "CATL",
    "Contemporary Amperex",
    "Tesla, Inc.",
    "Neta",
    "哪吒",
    "catl",
    "yichun-times",
    "300750",
    "002460.SZ",
    "寧德時代",
    "贛鋒鋰業",
    "Ganfng",
    "Gotoin",
    "宁德时待",
    "宁德",
    "锂",
    "zzzzqqq",
    "不存在的公司名字",
    "'; DROP TABLE x; --",
    "<script>alert(1)</script>",
    ".*",
    "   ",
    "a" * 300,
    "Ｃａｔｌ",
    "Synthetic Enterprise 1",
    "合成企业00001",
    "syn-e00001",
    "Syn",
]


def scan(G, text, *, limit=10, kinds=NAMED_KINDS, min_score=60):
    """Every name scored in one list and the hits walked best first: search as it was before the table."""
    cands = _candidates(G, kinds)
    key = _norm(text)
    if not key:
        return []
    scored = process.extract(key, [_norm(c) for _, c in cands], scorer=fuzz.WRatio, limit=None, score_cutoff=min_score)
    best: dict[str, Match] = {}
    for _, score, i in scored:
        n, cand = cands[i]
        if _norm(cand) == key:
            score = 100.0
        if n not in best or score > best[n].score:
            d = G.nodes[n]
            best[n] = Match(n, d["kind"], _label(d, n), cand, round(score, 1))
    return sorted(best.values(), key=lambda m: (-m.score, m.id))[:limit]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    d = tmp_path_factory.mktemp("syn")
    write_synth(2000, 1, d)
    return load_graph(d, cache=False)


@pytest.mark.parametrize("which", ["graph_data", "synthetic"])
def test_hits_are_those_of_a_scan_of_every_name(G, synthetic, which):
    H = G if which == "graph_data" else synthetic
    table = name_table(H)
    found = 0
    for q in QUERIES:
        for kw in ({}, {"limit": 50}, {"kinds": ("Segment", "Park")}, {"min_score": 50, "limit": 5}):
            want = scan(H, q, **kw)
            assert search_table(table, q, **kw) == want, (q, kw)
            assert search(H, q, **kw) == want, (q, kw)
            found += bool(want)
    assert found > 40  # most queries find something: the comparison is not of empty lists


def names_file(cache):
    today = time.strftime("%Y-%m-%d")
    return [p for p in cache.rglob("*.*") if p.name.split(".", 1)[1] == f"{today}.names"]


def test_the_cached_table_is_what_the_graph_gives(data_copy, cache):
    first = GraphCache(data_copy).names()
    assert len(names_file(cache)) == 1
    again = GraphCache(data_copy).names()  # read back from the file
    H = snapshot(load_graph(data_copy, cache=False), None)
    assert first == again == name_table(H)
    assert len(first.ids) == sum(1 for _, d in H.nodes(data=True) if d.get("kind") in NAMED_KINDS)
    assert oct(names_file(cache)[0].stat().st_mode & 0o777) == "0o600"


def cli_search(runner, *args):
    r = runner.invoke(cli, ["search", *args])
    assert r.exit_code == 0, r.output
    return r


@pytest.mark.parametrize("how", ["cut off", "one byte changed", "empty", "garbage"])
def test_a_damaged_table_is_rebuilt_with_one_warning(runner, data_copy, cache, how):
    from test_cache import damage

    args = ["宁德", "--format", "json", "--data", str(data_copy)]
    right = cli_search(runner, *args).stdout
    assert [h["id"] for h in json.loads(right)][:1] == ["catl"]
    damage(names_file(cache)[0], how)
    r = cli_search(runner, *args)
    lines = r.stderr.splitlines()
    assert r.stdout == right
    assert len(lines) == 1 and lines[0].startswith("warning: the cached names ") and "rebuilding it" in lines[0]
    again = cli_search(runner, *args)
    assert again.stdout == right and again.stderr == ""


def test_an_edited_cell_makes_a_new_table(runner, data_copy, cache):
    new = "Xylophone Quartz Cells"
    assert "catl" not in cli_search(runner, new, "--format", "json", "--data", str(data_copy)).stdout
    before = set(names_file(cache))
    edit(data_copy / "enterprises.csv", "Contemporary Amperex Technology Co. Limited", new)
    hits = json.loads(cli_search(runner, new, "--format", "json", "--data", str(data_copy)).stdout)
    assert hits[0]["id"] == "catl" and hits[0]["matched"] == new and hits[0]["score"] == 100
    assert before and not before & set(names_file(cache)) and len(names_file(cache)) == 1


@pytest.mark.parametrize("extra", [[], ["--as-of", "2022-12"], ["--kind", "park", "--kind", "Segment"], ["--no-cache"]])
def test_the_command_answers_as_the_graph_does(runner, data_copy, cache, extra):
    H = snapshot(load_graph(data_copy, cache=False), "2022-12" if "--as-of" in extra else None)
    kinds = ("Segment", "Park") if "--kind" in extra else NAMED_KINDS
    found = 0
    for q in ("宜春", "锂", "宁德时代"):
        got = json.loads(
            cli_search(runner, q, "--limit", "20", "--format", "json", "--data", str(data_copy), *extra).stdout
        )
        assert got == [m.__dict__ for m in scan(H, q, limit=20, kinds=kinds)]
        found += len(got)
    assert found > 10
    assert bool(names_file(cache)) == ("--as-of" not in extra and "--no-cache" not in extra)  # today's only
