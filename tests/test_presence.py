"""Local presence by site, pipeline and unknown figures, pinned on hand-built multi-site firms.

tests/fixtures/sites is layered on tests/fixtures/mini (see test_analysis.py for the mini park):
- multico has its head office in park-a (no segment stated there), a plant in park-b stating
  lithium-carbonate and cathode-lfp (it leads both, world), and a pack project pm1 in park-a without
  a capacity figure;
- plannedco's recycling plant in park-a is planned and uncertain;
- cath2 makes LFP cathode in park-a and cellco3 cells there, neither with a figure;
- outco makes 碳酸锂 per an imported data set (weight 0.6), saltco too (0.5, uncertain).
"""

from pathlib import Path

import pytest

from lithiumgraph import load_graph
from lithiumgraph.analysis import balance, gaps, recommend, risk
from lithiumgraph.analysis.presence import sites
from lithiumgraph.analysis.scope import park_scope

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def S():
    return load_graph([FIX / "mini", FIX / "sites"])


def test_a_firm_is_local_only_where_a_site_says_what_it_makes(S):
    here = sites(S, park_scope(S, "park-a"))
    made_by_multico = {seg for seg, ss in here.items() for s in ss.present + ss.pipeline if s.enterprise == "multico"}
    assert made_by_multico == {"battery-pack"}  # its head office states nothing; pm1 is packs
    cov = gaps(S, "park-a")
    assert "multico" not in cov.get("cathode-lfp").firms and cov.get("lithium-carbonate").status == "missing"
    assert cov.get("battery-pack").firms == ["multico", "packco"]
    # in park-b its plant states lithium carbonate and cathode: there it leads
    b = gaps(S, "park-b").get("lithium-carbonate")
    assert b.firms == ["multico", "saltco"] and b.sites == ["multico@park-b", "saltco@park-b"]
    assert b.status == "strong" and b.reason.startswith("leading firm 多地集团 (world)")


def test_planned_or_uncertain_only_is_pipeline_never_weak_or_strong(S):
    rec = gaps(S, "park-a").get("recycling")
    assert (rec.status, rec.firms, rec.pipeline, rec.pipeline_names) == (
        "pipeline",
        [],
        ["plannedco@park-a"],
        ["规划公司"],
    )
    assert rec.reason == (
        "no local site in operation; pipeline: 规划公司 (location plannedco@park-a, planned, "
        "uncertain); downstream of local battery-pack"
    )
    assert "plannedco" not in {c.enterprise for c in risk(S, "park-a").chokepoints}
    # a pipeline segment is still a gap to fill
    assert "recycling" in {t.segment for t in recommend(S, "park-a")}


def test_every_status_and_chokepoint_names_its_site_rows(S):
    cov = gaps(S, "park-a")
    for s in cov.segments:
        for row in s.sites + s.pipeline:
            assert row in s.reason, (s.segment, row)
        assert bool(s.sites) == (s.status in ("weak", "strong"))
    for c in risk(S, "park-a").chokepoints:
        if c.segments:
            assert c.sites and set(c.sites) <= set(cov.get(c.segments[0]).sites)


def test_unknown_figures_stay_unknown(S):
    b = balance(S, "park-a")
    # cellco3's cells state no capacity: demand is at least 10 GWh x intensity, not exactly that
    assert b.cells_gwh == 10 and b.cells_unstated == ["cellco3@park-a"]
    c = b.get("cathode")
    # cath2 states no figure either: neither balanced nor surplus can be said
    assert (c.supply, c.status, c.supply_unstated, c.shortfall_low) == (20000, "unknown", ["cath2@park-a"], None)
    assert "1 local cell site without a capacity figure" in c.note and "cath2@park-a" in c.note
    # a shortfall holds whatever the missing demand is, as long as every supply site has its figure
    assert b.get("anode").status == "shortfall" and b.get("lithium").status == "shortfall"
    cat = gaps(S, "park-a").get("cathode-lfp")
    assert cat.status == "weak" and "coverage not shown: demand not stated at 1 local cell site" in cat.reason
    conc = {c.segment: c for c in risk(S, "park-a").concentration}
    assert conc["cathode-lfp"].hhi is None and conc["cathode-lfp"].top_firm is None
    assert conc["cathode-lfp"].unstated == ["cath2@park-a"] and conc["cell-power"].unstated == ["cellco3@park-a"]
    assert "anode" not in conc  # p4 is only under construction: pipeline, no capacity to concentrate


def test_no_cell_figure_at_all_gives_no_demand_and_no_status(tmp_path, S):
    li = balance(S, "park-b").get("lithium")  # no cells at all: demand is truly 0; supply is not stated
    assert (li.demand_low, li.supply, li.status) == (0, 0, "unknown")
    assert li.supply_unstated == ["multico@park-b", "saltco@park-b"]
    only = tmp_path / "only"
    only.mkdir()
    (only / "projects.csv").write_text(
        "id,name_en,enterprise,park,segment,status,sources,confidence\n"
        "px,Cells without a figure,cellco3,park-b,cell-power,operating,hand-sites,stated\n",
        encoding="utf-8",
    )
    G = load_graph([FIX / "mini", FIX / "sites", only])
    li = balance(G, "park-b").get("lithium")
    assert (li.demand_low, li.demand_high, li.status) == (None, None, "unknown")
    assert "demand unknown: 1 local cell site without a capacity figure; supply unknown: 2 local sites" in li.note


def test_imported_makers_score_and_keep_their_evidence(S):
    li = recommend(S, "park-a", segment="lithium-carbonate", top=10)[0]
    parts = {r.enterprise: {p.name: p.points for p in r.parts} for r in li.candidates}
    assert parts["outco"] == {"in_segment": 0, "makes_product": 0.6}
    assert parts["saltco"]["makes_product"] == 0.25  # 0.5 on uncertain evidence counts half
    why = next(r for r in li.candidates if r.enterprise == "saltco").row()["why"]
    assert "makes_product +0.25: makes 碳酸锂 (weight 0.50 (uncertain)) per hand-import" in why
    assert why.endswith("in_segment: active in lithium-carbonate (Li2CO3)")  # kept beside the scoring parts
