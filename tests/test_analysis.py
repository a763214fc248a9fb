"""Analyses pinned on a hand-made graph (tests/fixtures/mini) whose answers are worked out by hand.

The mini park-a has cells p1 (10 GWh/yr, LFP, operating) and p2 (5 GWh/yr, chemistry unknown, signed:
pipeline, never summed), cathode p3 (2万 t/yr = 20,000 t/yr), anode p4 (8,000 t/yr, under construction: pipeline, shown apart
only when asked),
and a halted lithium-carbonate project p5 that must count for nothing. Every firm's location row states
what is made there.
"""

from pathlib import Path

import pytest

from lithiumgraph import load_graph
from lithiumgraph.analysis import GapRules, balance, gaps, recommend, risk

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def M():
    return load_graph(MINI)


def test_balance_by_hand(M):
    b = balance(M, "park-a")
    # p2 is signed: pipeline, listed and not summed
    assert b.cells_gwh == 10 and b.chemistry == {"lfp": 10} and b.cells_pipeline == ["cellco2@park-a", "p2"]
    # cathode: LFP 10 x 2000-2500 = 20,000-25,000; supply 20,000 sits inside the range
    c = b.get("cathode")
    assert (c.demand_low, c.demand_high, c.supply, c.status) == (20000, 25000, 20000, "balanced")
    assert (c.shortfall_low, c.shortfall_high) == (0, 5000)
    # anode: LFP 10 x 1000-1200 = 10,000-12,000; p4 (under construction) is pipeline, not supply
    a = b.get("anode")
    assert (a.demand_low, a.demand_high, a.supply, a.status) == (10000, 12000, 0, "shortfall")
    assert a.intensities == ["int:anode:lfp"] and a.supply_projects == [] and "p4" in a.pipeline
    assert a.supply_pipeline is None and "supply_pipeline" not in a.row()
    # lithium: 10 x 500-600; the halted p5 supplies nothing
    li = b.get("lithium")
    assert (li.demand_low, li.demand_high, li.supply, li.unit) == (5000, 6000, 0, "t LCE/yr")
    assert b.get("electrolyte") is None  # the mini template has no electrolyte segment


def test_balance_shows_pipeline_apart(M):
    b = balance(M, "park-a", include_pipeline=True)
    # p4's 8,000 t under construction is in its own figure, never in supply; p2 (signed, 5 GWh) never counts
    a = b.get("anode")
    assert (a.supply, a.supply_pipeline, a.status, a.shortfall_low) == (0, 8000, "shortfall", 10000)
    assert a.row()["supply_pipeline"] == 8000 and "supply_pipeline" in b.tables()[0].columns
    assert b.cells_gwh == 10 and "p2" in b.cells_pipeline and b.get("cell-power") is None
    c = b.get("cathode")
    assert (c.supply, c.supply_pipeline, c.status) == (20000, None, "balanced")


def test_gaps_by_hand(M):
    cov = gaps(M, "park-a")
    got = {s.segment: (s.status, s.action) for s in cov.segments}
    assert got == {
        "lepidolite-ore": ("missing", ""),  # a resource the park lacks: nothing to attract
        "lithium-carbonate": ("missing", "补链"),  # the park is short of lithium salts
        "cathode-lfp": ("weak", "强链"),  # one firm, no leader (20,000 covers 20,000)
        "anode": ("pipeline", "补链"),  # p4 and anodeco are only under construction
        "cell-power": ("strong", ""),  # cellco is a national leader
        "battery-pack": ("weak", "强链"),  # one firm, no leader
        "vehicle-nev": ("missing", "延链"),  # fed by the local battery-pack
        "recycling": ("missing", "延链"),
    }
    assert [s.segment for s in cov.segments][:2] == ["lepidolite-ore", "lithium-carbonate"]
    cp = cov.get("cell-power")
    assert (cp.firms, cp.capacity, cp.unit, cp.projects) == (["cellco"], 10, "GWh/yr", ["p1"])
    assert cp.pipeline == ["p2", "cellco2@park-a"] and cp.sites == ["p1", "cellco@park-a"]
    assert cov.get("cathode-lfp").reason == (
        "1 local firm (< 3) and no leading firm; local cathode material capacity 20,000 vs demand "
        "20,000–25,000 t/yr; sites: 正极公司 (project p3, operating); 正极公司 (location cathco@park-a, operating)"
    )
    assert cov.get("lithium-carbonate").reason == (
        "no local firm; local demand 5,000–6,000 t LCE/yr of lithium salts (LCE), local supply 0"
    )


def test_rules_are_configurable(M):
    cov = gaps(M, "park-a", rules=GapRules(strong_firms=1, min_coverage=0.9))
    # one firm now suffices; cathode 20,000 >= 0.9 x 20,000 = 18,000; the anode has no operating site
    assert [cov.get(s).status for s in ("battery-pack", "cathode-lfp", "anode")] == ["strong", "strong", "pipeline"]


def test_gaps_pipeline_capacity_is_its_own_column(M):
    plain, wide = gaps(M, "park-a"), gaps(M, "park-a", rules=GapRules(include_pipeline=True))
    assert "pipeline_capacity" not in plain.get("anode").row()
    # under construction: in the pipeline column, not in capacity, and the segment stays pipeline
    an = wide.get("anode")
    assert (an.status, an.capacity, an.pipeline_capacity, an.unit) == ("pipeline", None, 8000, "t/yr")
    assert "pipeline_capacity" in wide.tables()[0].columns
    # signed (p2, 5 GWh/yr): never capacity, never pipeline capacity
    cp = wide.get("cell-power")
    assert (cp.capacity, cp.pipeline_capacity) == (10, None) and "p2" in cp.pipeline


def test_recommend_by_hand(M):
    t = {x.segment: x for x in recommend(M, "park-a")}
    li = t["lithium-carbonate"]
    # saltco: supplies cathco in the park (+3), 30,000/60,000 of the largest capacity (+0.5), sited in
    # park-b within the same city (+2); its halted project in park-a does not count as presence
    # bigsalt: world leader (+3) and the largest capacity (+1); parentco: its subsidiary cellco is in the park (+2)
    assert [(r.enterprise, r.score, r.rank) for r in li.candidates] == [
        ("saltco", 5.5, 1),
        ("bigsalt", 4.0, 2),
        ("parentco", 2.0, 3),
    ]
    parts = {p.name: p.points for p in li.candidates[0].parts}
    assert parts == {"in_segment": 0, "supplies_local": 3, "capacity": 0.5, "regional_tie": 2}
    # the anode is pipeline only: anodeco, building there, is a candidate (in the park itself +2) and its
    # 8,000 t being built earn no capacity points; anodebig: national leader (+2) on uncertain evidence
    # counts half; the largest capacity (+1)
    assert [(r.enterprise, r.score) for r in t["anode"].candidates] == [("anodeco", 2.0), ("anodebig", 2.0)]
    assert "capacity" not in {p.name for p in t["anode"].candidates[0].parts}
    assert t["recycling"].candidates[0].enterprise == "recyco"
    assert t["vehicle-nev"].candidates == []
    assert "lepidolite-ore" not in t and "cell-power" not in t


def test_recommend_top_and_segment(M):
    t = recommend(M, "park-a", segment="lithium-carbonate", top=1)
    assert len(t) == 1 and [r.enterprise for r in t[0].candidates] == ["saltco"]


def test_risk_by_hand(M):
    r = risk(M, "park-a")
    assert [(s.customer, s.segment, s.supplier) for s in r.single_sources] == [
        ("cathco", "lithium-carbonate", "saltco")
    ]
    # cellco is the only local cell maker: cellco2's signed project is pipeline; anodeco only builds
    assert [(c.enterprise, c.feeds) for c in r.chokepoints] == [
        ("cathco", ["cell-power"]),
        ("cellco", ["battery-pack"]),
    ]
    assert [c.sites for c in r.chokepoints] == [["p3", "cathco@park-a"], ["p1", "cellco@park-a"]]
    conc = {c.segment: (c.firms, round(c.hhi, 1), round(c.top_share, 3)) for c in r.concentration if c.hhi is not None}
    # packco's pack plant states no capacity: no index, the site named
    assert [(c.segment, c.hhi, c.capacity, c.unstated) for c in r.concentration if c.hhi is None] == [
        ("battery-pack", None, None, ["packco@park-a"])
    ]
    # cell-power: only p1 counts (p2 is signed: pipeline); the anode (p4) is only under construction
    assert conc == {"cell-power": (1, 10000.0, 1.0), "cathode-lfp": (1, 10000.0, 1.0)}


def test_a_region_includes_its_parks(M):
    cov = gaps(M, "region")
    assert cov.get("lithium-carbonate").firms == ["saltco"]
    assert cov.get("recycling").status == "weak"


def test_second_park_of_the_shipped_data(G):
    """Nothing is tied to the ETDZ: Yichun city (with its counties) has lithium carbonate firms galore."""
    cov = gaps(G, "yichun-city")
    lc = cov.get("lithium-carbonate")
    assert len(lc.firms) >= 4 and lc.status == "strong"
    # firms known only from the ~2016 city page are uncertain: listed in the pipeline, never counted
    assert {"nanshi", "yinli", "hezong", "maite", "xuli"} <= set(lc.pipeline_firms)
    assert cov.get("recycling").status == "pipeline"  # Sunwoda's signed 50 GWh and GEM's uncertain expansion
    b = balance(G, "yichun-city")
    assert b.cells_gwh == 30 and b.cells_unstated == []  # Gotion 30; CATL's 50 is under construction
    assert "catl-yichun-cells" in b.cells_pipeline
    assert "far-east-battery@yichun-city" in b.cells_pipeline  # 远东福斯特: only the ~2016 page
    assert {"byd-yichun-cells", "ganfeng-yichun-cells"} <= set(b.cells_pipeline)  # signed: pipeline


def test_yichun_etdz_findings(G):
    cov = gaps(G, "yichun-etdz")
    missing = {s.segment for s in cov.by_status("missing")}
    assert {
        "electrolyte",
        "copper-foil",
        "aluminium-foil",
        "lipf6",
        "motor",
        "electronic-control",
        "bms",
        "recycling",
    } <= missing
    assert cov.get("cell-power").status == "strong" and cov.get("lithium-carbonate").status == "weak"
    b = cov.balance
    for m in ("electrolyte", "copper-foil", "aluminium-foil", "separator", "lipf6"):
        assert b.get(m).status == "shortfall" and b.get(m).unit and b.get(m).demand_low < b.get(m).demand_high
    recs = {t.segment: t for t in recommend(G, "yichun-etdz")}
    for seg in ("electrolyte", "copper-foil", "lipf6", "lithium-hydroxide", "recycling"):
        assert recs[seg].candidates, seg
    assert recs["lithium-hydroxide"].candidates[0].enterprise == "ganfeng"
    r = risk(G, "yichun-etdz")
    assert ("hozon", "catl") in {(s.customer, s.supplier) for s in r.single_sources}
    # a chokepoint names the site rows that put it (or its group's member) in the park
    arts = {c.enterprise: c.sites for c in r.chokepoints if not c.segments}
    assert {"gotion-kefeng-li2co3", "gotion-yichun-cells-1", "jiangxi-gotion@yichun-etdz"} <= set(arts["gotion"])
    assert arts["saic"] == []  # a partner outside the park: no site there


def test_every_missing_segment_with_a_candidate_gets_recommendations(G):
    cov = gaps(G, "yichun-etdz")
    targets = {t.segment: t for t in recommend(G, "yichun-etdz", coverage=cov)}
    for s in cov.by_status("missing"):
        if s.resource:
            assert s.segment not in targets
            continue
        active = {
            u
            for u, _, d in G.in_edges(s.segment, data=True)
            if d["kind"] == "IN_SEGMENT" and d.get("status") not in ("halted", "suspended", "cancelled")
        }
        assert bool(targets[s.segment].candidates) == bool(active), s.segment
        for r in targets[s.segment].candidates:
            assert r.score == sum(p.points for p in r.parts) and all(p.evidence for p in r.parts)


def test_supplies_local_counts_only_relations_that_fit_the_segment(G):
    """CATL's group sells power batteries to 哪吒汽车 in the park: that says nothing about lepidolite
    concentrate, two steps up the chain, so it is not evidence there; it still is for the power cells."""
    from lithiumgraph.template import template

    T = template(G)
    seg = "lepidolite-concentrate"
    fits = {seg} | set(T.predecessors(seg)) | set(T.successors(seg))
    t = recommend(G, "yichun-etdz", segment=seg, top=50)
    parts = [p for r in t[0].candidates for p in r.parts if p.name == "supplies_local"]
    assert "cell-power" not in fits
    assert not any("哪吒汽车" in p.evidence for p in parts)
    rels = [(u, d) for u, v, d in G.edges(data=True) if d["kind"] == "SUPPLIES"]
    for p in parts:  # whatever still counts names a relation in the segment or a neighbour of it
        assert any(d.get("segment") in fits and d.get("product") in p.evidence for _, d in rels)


def test_recent_expansion_names_projects_begun_within_the_window():
    """On the graph of 2023-06 ganfeng's projects agreed on 2022-09-28 count as recent; every project a
    recent_expansion part names began within the three years before the graph's date, and none later."""
    import re
    from datetime import date

    G = load_graph(as_of="2023-06")
    t = recommend(G, "yichun-etdz", segment="lithium-hydroxide", top=100)
    parts = {r.enterprise: p for r in t[0].candidates for p in r.parts if p.name == "recent_expansion"}
    assert "ganfeng-yichun-cells (2022-09-28)" in parts["ganfeng"].evidence
    for p in parts.values():
        for when in re.findall(r"\((\d{4}-\d{2}(?:-\d{2})?)\)", p.evidence):
            assert (
                date(2020, 6, 30) < date.fromisoformat(when if len(when) == 10 else when + "-01") <= date(2023, 6, 30)
            )


def test_articulation_points_are_networkx_s():
    """risk's own low-link search finds the articulation points networkx finds, on sparse random networks
    with several components, self-loops and paths (where every inner node is one)."""
    import random

    import networkx as nx

    from lithiumgraph.analysis.risk import _cut_vertices

    rnd = random.Random(7)
    for n, m in [(2, 1), (5, 4), (30, 30), (100, 400), (200, 220), (300, 600), (2000, 2300)]:
        S = nx.Graph()
        S.add_nodes_from(f"f{i}" for i in range(n))
        S.add_edges_from((f"f{rnd.randrange(n)}", f"f{rnd.randrange(n)}") for _ in range(m))
        adj = {u: set(S[u]) for u in S}
        assert _cut_vertices(adj) == set(nx.articulation_points(S)), n
    path = {f"p{i}": {f"p{j}" for j in (i - 1, i + 1) if 0 <= j < 6} for i in range(6)}
    assert _cut_vertices(path) == {f"p{i}" for i in range(1, 5)}
