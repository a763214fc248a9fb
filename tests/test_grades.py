"""Answers decided only by C-grade sources (mirrors, aggregators) are marked, in gaps and in recommend:
on the hand-made graph with its one source graded in turn, and on the shipped data."""

import shutil
from pathlib import Path

import pytest

from lithiumgraph import load_graph
from lithiumgraph.analysis import gaps, recommend
from lithiumgraph.analysis.grades import C_ONLY, c_only
from lithiumgraph.analysis.presence import sites
from lithiumgraph.scope import park_scope

from conftest import edit

MINI = Path(__file__).parent / "fixtures" / "mini"
HAND = "hand,Hand-made test graph,lithiumgraph tests,2026,tests/fixtures/mini,,"


@pytest.fixture
def graded(tmp_path):
    """The mini graph with its source graded C, and an A-graded filing for the rows a test re-points to it."""
    d = tmp_path / "mini"
    shutil.copytree(MINI, d)
    edit(d / "sources.csv", HAND, HAND[:-1] + "C,")
    with open(d / "sources.csv", "a", encoding="utf-8") as f:
        f.write("filing,Exchange filing,Test exchange,2026,tests/fixtures/mini,A,Invented for tests only\n")
    return d


def _cite_filing(path: Path, start: str) -> None:
    """Let the row of ``path`` that starts with ``start`` cite the filing beside the C source."""
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [i for i, ln in enumerate(lines) if ln.startswith(start)]
    assert len(hits) == 1, (path, start)
    lines[hits[0]] = lines[hits[0]].replace(",hand,", ",hand|filing,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_ungraded_sources_mark_nothing():
    M = load_graph(MINI)
    assert not any(s.c_only for s in gaps(M, "park-a").segments)
    assert not any(r.c_only for t in recommend(M, "park-a") for r in t.candidates)


def test_c_only_statuses_are_marked_and_a_better_source_clears_the_mark(graded):
    cov = gaps(load_graph(graded), "park-a")
    marked = {s.segment: s.c_only for s in cov.segments if s.c_only}
    # every present segment rests on the one C source; cellco's national lead (strong) is C-only too
    assert marked == {"cathode-lfp": ["sites"], "battery-pack": ["sites"], "cell-power": ["sites", "leader"]}
    assert cov.get("cathode-lfp").reason.endswith(f"; {C_ONLY}: sites")
    assert cov.get("cathode-lfp").row()["c_only"] == ["sites"]
    assert "c_only" in cov.tables()[0].columns
    # the cathode project cites the filing as well: its mark goes, the others stay
    _cite_filing(graded / "projects.csv", "p3,")
    after = gaps(load_graph(graded), "park-a")
    assert after.get("cathode-lfp").c_only == [] and C_ONLY not in after.get("cathode-lfp").reason
    assert after.get("cell-power").c_only == ["sites", "leader"]
    # cellco's membership (with its leader flag) cites the filing: the lead no longer rests on C alone, and
    # neither does its location row, whose site carries the membership's sources too
    _cite_filing(graded / "enterprise_segments.csv", "cellco,cell-power,")
    assert gaps(load_graph(graded), "park-a").get("cell-power").c_only == []


def test_c_only_score_parts_are_marked(graded):
    t = {x.segment: x for x in recommend(load_graph(graded), "park-a")}
    saltco = t["lithium-carbonate"].candidates[0]
    assert saltco.enterprise == "saltco"
    assert saltco.c_only == ["supplies_local", "capacity", "regional_tie"]  # the parts that score, not in_segment
    assert f"supplies_local +3 ({C_ONLY}): supplies" in saltco.row()["why"]
    assert saltco.row()["c_only"] == saltco.c_only
    assert "c_only" in recommend(load_graph(graded), "park-a").tables()[0].columns
    # the supply relation cites the filing too: that part is no longer marked, the others still are
    _cite_filing(graded / "supplies.csv", "saltco,cathco,")
    saltco = {x.segment: x for x in recommend(load_graph(graded), "park-a")}["lithium-carbonate"].candidates[0]
    assert saltco.c_only == ["capacity", "regional_tie"] and "supplies_local +3: supplies" in saltco.row()["why"]


def test_c_only_needs_every_source_graded_c(G):
    assert c_only(G, ["seed-yetdz-2022"]) and c_only(G, ["seed-yetdz-2022", "yc-2016"])
    assert not c_only(G, []) and not c_only(G, ["seed-yetdz-2022", "jxrb-2023-02-05"])  # the second is B
    assert not c_only(G, ["no-such-source"])


def test_the_shipped_data_marks_what_rests_on_c_grade_sources(G):
    """Every present segment whose sites all rest on C sources is marked, and every scoring part of a
    top candidate that rests on C sources; the Yichun ETDZ has real cases of both."""
    cov = gaps(G, "yichun-etdz")
    here = sites(G, park_scope(G, "yichun-etdz"))
    for s in cov.segments:
        if s.status in ("weak", "strong"):
            solid = any(not c_only(G, x.sources) for x in here[s.segment].present)
            assert ("sites" in s.c_only) == (not solid), s.segment
            assert (C_ONLY in s.reason) == bool(s.c_only), s.segment
    assert any(s.c_only for s in cov.segments if s.status == "strong")
    tops = recommend(G, "yichun-etdz", coverage=cov, top=1)
    for t in tops:
        for r in t.candidates:
            for p in r.parts:
                assert p.c_only == bool(p.points and c_only(G, p.sources)), (t.segment, r.enterprise, p.name)
                assert (f"{p.name} +{p.points:g} ({C_ONLY})" in r.row()["why"]) == p.c_only
    assert any(r.c_only for t in tops for r in t.candidates)
