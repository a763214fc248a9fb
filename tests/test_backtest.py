"""The backtest: metrics worked out by hand, a tiny dated history scored by hand, and no leak from
facts dated after the split."""

import shutil
from pathlib import Path

import pytest

from lithiumgraph.backtest import Query, backtest, evaluate
from lithiumgraph.cli import cli
from lithiumgraph.dataset import load
from lithiumgraph.graph import build_graph

ROOT = Path(__file__).parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"


def test_metrics_by_hand_ties_count_against_the_answer():
    a = Query("A", {"a": 0.9, "b": 0.5}, {"x": 0.7, "y": 0.5, "z": 0.1})
    b = Query("B", {"c": 0.0}, {"w": 0.0})
    # ranks: a 1; b 3 (x above, y tied); c 2 (w tied)
    m = evaluate([a, b])
    assert m.mrr == pytest.approx((1 + 1 / 3 + 1 / 2) / 3)
    assert m.hits == {1: pytest.approx(1 / 3), 5: 1.0, 10: 1.0}
    assert m.auc == pytest.approx(4 / 7)  # a beats 3, b beats z only, c beats none
    assert m.ap == pytest.approx(((1 + 2 / 4) / 2 + 1 / 2) / 2)
    assert (m.positives, m.queries) == (3, 2)
    assert evaluate([Query("C", {}, {"x": 1.0})]).mrr is None


HISTORY = {
    "sources.csv": "id,title,publisher,date,address,quality,note\n"
    "hand,Hand-made dated history,lithiumgraph tests,2018,tests,C,Invented for tests only\n",
    "parks.csv": "id,name_zh,name_en,aliases,level,parent,note,sources,as_of,confidence\n"
    "c,国,Country,,country,,,hand,2018,stated\n"
    + "".join(f"p{i},省{i},Province {i},,province,c,,hand,2018,stated\n" for i in (1, 2, 3)),
    "enterprises.csv": "id,name_zh,name_en,aliases,listed_code,note,sources,as_of,confidence\n"
    + "".join(f"f{i},企{i},Firm {i},,,,hand,2018,stated\n" for i in (1, 2, 3, 4)),
    # before the split (2020-06-30): f1 twice in p1, f2 in p1, f3 in p2, f4 in p3;
    # after it: f1 goes to p2, f4 goes to p1
    "projects.csv": "id,name_zh,name_en,enterprise,park,segment,capacity,unit,investment_yuan,chemistry,status,start,"
    "note,sources,as_of,confidence,valid_from\n"
    + "".join(
        f"{pid},,{pid},{f},{p},,,,,,,,,hand,2024,stated,{d}\n"
        for pid, f, p, d in (
            ("pa", "f1", "p1", "2019"),
            ("pb", "f1", "p1", "2019"),
            ("pc", "f2", "p1", "2019"),
            ("pd", "f3", "p2", "2019"),
            ("pe", "f4", "p3", "2019"),
            ("pg", "f1", "p2", "2021-01"),
            ("ph", "f4", "p1", "2021-03"),
        )
    ),
}


@pytest.fixture
def history(tmp_path):
    for name in ("segments.csv", "segment_links.csv"):
        shutil.copy(MINI / name, tmp_path / name)
    for name, text in HISTORY.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_tiny_history_scored_by_hand(history):
    G = build_graph(load(history))
    s = backtest(G, ["2020-06-30"], horizon_years=2, rounds=50).splits[0]
    assert (s.positives, s.queries, s.cold) == (2, 2, 0)
    # popularity (projects + places): f1 3, f2 2, f3 2, f4 2. Place p2: f1 first of 4 (rank 1);
    # place p1: f4 ties f2 and f3 and trails f1 (rank 4)
    pop = s.metrics["popularity"]
    assert pop.mrr == pytest.approx((1 + 1 / 4) / 2) and pop.auc == pytest.approx(3 / 6)
    assert pop.hits[1] == pytest.approx(1 / 2)
    # already in region: in the place 2, elsewhere in the country 1. p2: f3 2 above f1, f2 and f4 tie 1
    # (rank 4); p1: f1 and f2 2 above f4, f3 ties 1 (rank 4)
    reg = s.metrics["already_in_region"]
    assert reg.mrr == pytest.approx(1 / 4) and reg.auc == 0 and reg.hits[1] == 0 and reg.ap == pytest.approx(1 / 4)
    lo, hi = s.intervals["popularity"]["mrr"]
    assert lo <= pop.mrr <= hi


def _scores(G, day):
    from lithiumgraph.backtest import Features
    from lithiumgraph.timeline import snapshot

    F = Features.of(snapshot(G, day))
    return {(f, p): F.vector(f, p) for f in F.firms for p in F.firms_at}


def test_a_fact_dated_after_the_split_moves_no_score(history):
    """A project planted after the split (f2 in p3, 2022) is an answer, never a feature."""
    G0 = build_graph(load(history))
    with open(history / "projects.csv", "a", encoding="utf-8") as fh:
        fh.write("late,,late,f2,p3,,,,,,,,,hand,2024,stated,2022-02\n")
    G1 = build_graph(load(history))
    assert _scores(G0, "2020-06-30") == _scores(G1, "2020-06-30")
    r0 = backtest(G0, ["2020-06-30"], rounds=50).splits[0]
    r1 = backtest(G1, ["2020-06-30"], rounds=50).splits[0]
    assert (r0.positives, r1.positives) == (2, 3)


def test_a_late_fact_on_the_curated_data_moves_no_score(tmp_path):
    """The same on the curated data: a project dated after the split changes no feature of the split."""
    from lithiumgraph.dataset import default_data_dir

    data = tmp_path / "data"
    shutil.copytree(default_data_dir(), data)
    before = _scores(build_graph(load(data)), "2020-12-31")
    import csv

    header = (data / "projects.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    with open(data / "projects.csv", "a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, header).writerow(
            {
                "id": "planted",
                "name_en": "Planted",
                "enterprise": "catl",
                "park": "yichun-etdz",
                "segment": "cell-power",
                "sources": "seed-yetdz-2022",
                "as_of": "2023",
                "confidence": "stated",
            }
        )
    G = build_graph(load(data))
    assert "planted" in G and "planted" not in __import__("lithiumgraph.timeline").timeline.snapshot(G, "2020-12-31")
    after = _scores(G, "2020-12-31")
    assert before == after


def test_cli_backtest_prints_every_scorer_and_refuses_bad_input(runner):
    r = runner.invoke(cli, ["backtest", "--split", "2020-12-31", "--rounds", "20"])
    assert r.exit_code == 0, r.output
    for name in ("random", "popularity", "already_in_region", "adamic_adar", "recommend"):
        assert f"\n{name} " in r.stdout
    seg = runner.invoke(
        cli, ["backtest", "--split", "2020-12-31", "--rounds", "20", "--by-segment", "--format", "json"]
    )
    import json

    split = json.loads(seg.stdout)["splits"][0]
    assert split["unit"] == "place and segment" and split["positives"] >= 1
    assert {r["scorer"] for r in split["scorers"]} >= {"random", "recommend", "adamic_adar"}
    bad = runner.invoke(cli, ["backtest", "--split", "2020-13"])
    assert bad.exit_code == 1 and "split: malformed date '2020-13'" in bad.output and "Traceback" not in bad.output
    bad = runner.invoke(cli, ["backtest", "--split", "2020", "--within", "nowhere"])
    assert bad.exit_code == 1 and "within: no place 'nowhere'" in bad.output


def test_predict_links_marks_candidates_and_writes_nothing(runner):
    from lithiumgraph.dataset import default_data_dir

    before = (default_data_dir() / "supplies.csv").read_bytes()
    r = runner.invoke(cli, ["predict-links", "--customer", "catl", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = __import__("json").loads(r.stdout)["candidates"]
    stated = {("shenghua", "cathode-lfp")}
    assert rows and all(x["status"] == "candidate" and x["customer"] == "catl" for x in rows)
    assert not {(x["supplier"], x["segment"]) for x in rows} & stated  # a stated relation is no candidate
    assert (default_data_dir() / "supplies.csv").read_bytes() == before
    bt = runner.invoke(cli, ["predict-links", "--split", "2022-12-31", "--format", "json"])
    split = __import__("json").loads(bt.stdout)["splits"][0]
    assert split["unit"] == "customer and segment (SUPPLIES)" and split["positives"] >= 1
    assert runner.invoke(cli, ["predict-links"]).exit_code == 2
