"""The shipped graph_data/: complete, sourced, and faithful to the seed article's figures."""

import networkx as nx
import pytest

from lithiumgraph.graph import edges_of, nodes_of
from lithiumgraph.names import resolve
from lithiumgraph.summary import stats


def test_every_fact_cites_a_known_source(G):
    s = stats(G)
    assert s.unsourced == [] and s.sourced == s.facts and s.facts > 500


def test_every_source_is_cited():
    from lithiumgraph import build_graph, load

    G = build_graph(load())  # every fact, also those that have ended
    cited = {src for _, d in G.nodes(data=True) for src in d.get("sources", [])}
    cited |= {src for _, _, d in G.edges(data=True) for src in d.get("sources", [])}
    unused = sorted(n for n, _ in nodes_of(G, "Source") if n not in cited)
    assert unused == []


def test_sizes():
    from lithiumgraph import load_graph

    G = load_graph()
    assert sum(1 for _ in nodes_of(G, "Segment")) >= 30
    assert sum(1 for _ in nodes_of(G, "Enterprise")) >= 40


def test_template_flows_one_way_except_the_recycling_loop(G):
    T = nx.DiGraph((u, v) for u, v, _ in edges_of(G, "UPSTREAM_OF"))
    loops = [(u, v) for u, v in T.edges if G.nodes[u]["stage"] == "recycling" and G.nodes[v]["stage"] != "recycling"]
    assert loops == [("recycling", "lithium-carbonate")]
    T.remove_edges_from(loops)
    assert nx.is_directed_acyclic_graph(T)
    segments = {n for n, _ in nodes_of(G, "Segment")}
    assert segments == set(T.nodes), segments - set(T.nodes)
    stages = {d["stage"] for _, d in nodes_of(G, "Segment")}
    assert stages == {"upstream", "midstream", "downstream", "recycling"}
    assert {d.get("group") for _, d in nodes_of(G, "Segment")} >= {"battery", "motor", "control", "vehicle"}


SEED = "seed-yetdz-2022"


@pytest.mark.parametrize(
    "project,runner,segment,capacity,unit,investment,source",
    [
        ("catl-yichun-cells", "yichun-times", "cell-power", 50, "GWh/yr", 135e8, SEED),
        ("gotion-yichun-cells-1", "jiangxi-gotion", "cell-power", 10, "GWh/yr", None, SEED),
        ("hozon-yichun-plant", "hozon", "vehicle-nev", 100000, "vehicles/yr", 50e8, "yanjintv-neta-yichun"),
        ("ganfeng-yichun-li-metal", "yichun-ganfeng", "lithium-metal", 7000, "t/yr", 22e8, SEED),
        ("qingtao-yichun-phase2", "qingtao", "cell-solid-state", 9, "GWh/yr", None, SEED),
        ("zhengzhao-anode", "zhengzhao-seed", "anode", 200000, "t/yr", 30e8, SEED),
        ("zhongtian-zhilian-expansion", "zhongtian-zhilian", None, None, None, 21e8, SEED),
        ("catl-yichun-pv", "yichun-times-ventures", None, None, None, None, SEED),
    ],
)
def test_seed_projects_carry_the_seed_figures(G, project, runner, segment, capacity, unit, investment, source):
    d = G.nodes[project]
    assert (d.get("enterprise"), d.get("segment"), d.get("capacity"), d.get("unit"), d.get("investment_yuan")) == (
        runner,
        segment,
        capacity,
        unit,
        investment,
    )
    assert source in d["sources"]
    assert G.has_edge(runner, project, "RUNS")


def test_unconfirmed_seed_figures_are_flagged(G):
    assert G.nodes["qingtao-yichun-phase2"]["confidence"] == "uncertain"
    assert G.nodes["zhengzhao-anode"]["confidence"] == "uncertain"
    starts = {d["value"]: d["confidence"] for _, d in nodes_of(G, "Figure") if d["metric"] == "start_date"}
    assert starts == {"2021-12-24": "uncertain", "2021-05-22": "uncertain"}
    land = sorted((d["value"], d["sources"][0]) for n, d in nodes_of(G, "Figure") if d["metric"] == "land_area")
    assert land == [("1300", "jxrb-catl"), ("1800", "zqsb-2022-01-07")]
    deliveries = sorted(d["value"] for _, d in nodes_of(G, "Figure") if d["metric"] == "deliveries_2021")
    assert deliveries == ["69674", "70000"]


SEED_PARK_FIRMS = [
    "宁德时代",
    "国轩高科",
    "清陶能源",
    "哪吒汽车",
    "赣锋锂业",
    "明冠新材",
    "宝弘纳米",
    "倍特力",
    "中天智联",
    "宇泽半导体",
    "苏强格",
    "万中制药机械",
    "南昌实业",
    "江西正招拳手联手集团",
]
OUTSIDE_CHAIN = {"zhongtian-zhilian", "yuze-semiconductor", "suqiangge", "wanzhong-pharma", "nanchang-shiye"}


@pytest.mark.parametrize("name", SEED_PARK_FIRMS)
def test_every_firm_the_seed_names_is_in_the_park(G, name):
    n = resolve(G, name)
    group = {n} | {u for u, _, d in G.in_edges(n, data=True) if d["kind"] == "SUBSIDIARY_OF"}
    assert any(G.has_edge(m, "yichun-etdz", "LOCATED_IN") for m in group), n
    in_chain = any(d["kind"] == "IN_SEGMENT" for m in group for _, _, d in G.out_edges(m, data=True))
    assert in_chain == (n not in OUTSIDE_CHAIN)


def test_subsidiary_and_names(G):
    assert resolve(G, "宜春时代") == "yichun-times"
    assert G.edges["yichun-times", "catl", "SUBSIDIARY_OF"]["share_pct"] == 85.5
    assert {resolve(G, x) for x in ("宁德时代", "CATL", "Contemporary Amperex Technology", "300750")} == {"catl"}


def test_no_dangling_ids():
    """Every id a row names (edge ends, a project's runner and park, a figure's subject) is a node the data
    defines, of the kind the column means: validation refuses such rows, and the built graph has none."""
    from lithiumgraph import build_graph, load

    G = build_graph(load())  # every fact, also those that have ended
    assert [n for n, d in G.nodes(data=True) if not d.get("kind")] == []
    assert [
        (u, v, d["kind"]) for u, v, d in G.edges(data=True) if not (G.nodes[u].get("kind") and G.nodes[v].get("kind"))
    ] == []
    kinds = {
        "SUPPLIES": ("Enterprise", "Enterprise"),
        "SUBSIDIARY_OF": ("Enterprise", "Enterprise"),
        "INVESTS_IN": ("Enterprise", "Enterprise"),
        "RUNS": ("Enterprise", "Project"),
        "UPSTREAM_OF": ("Segment", "Segment"),
    }
    wrong = [
        (u, v, d["kind"])
        for u, v, d in G.edges(data=True)
        if d["kind"] in kinds and (G.nodes[u]["kind"], G.nodes[v]["kind"]) != kinds[d["kind"]]
    ]
    assert wrong == []
    projects = [(n, d) for n, d in nodes_of(G, "Project")]
    assert [
        n
        for n, d in projects
        if G.nodes.get(d["enterprise"], {}).get("kind") != "Enterprise"
        or G.nodes.get(d["park"], {}).get("kind") != "Park"
    ] == []
