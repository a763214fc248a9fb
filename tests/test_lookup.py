"""Looking things up: listed codes in their exchange forms, imported products and industries by name and
id (show, search, walks, path), parks with their firm counts, and no path as an answer."""

import json
from pathlib import Path

import pytest

from lithiumgraph import load_graph
from lithiumgraph.cli import cli
from lithiumgraph.names import code_key, resolve
from lithiumgraph.analysis.scope import park_table

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def ckg(tmp_path_factory):
    """The ChainKG fixture imported, as a layer over the curated data."""
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("ckg") / "out"
    r = CliRunner().invoke(cli, ["import", "chainkg", str(FIX / "chainkg"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out


@pytest.mark.parametrize(
    "text,key",
    [
        ("300750", "CN:300750"),
        ("300750.SZ", "CN:300750"),
        ("SZ300750", "CN:300750"),
        ("sz.300750", "CN:300750"),
        ("600519.SH", "CN:600519"),
        ("600519.SS", "CN:600519"),
        ("0700.HK", "HK:700"),
        ("00700.HK", "HK:700"),
        ("HK00700", "HK:700"),
        ("０７００.HK", "HK:700"),
        ("宁德时代", None),
        ("30075.SZ", None),
        ("1234567", None),
    ],
)
def test_code_forms(text, key):
    assert code_key(text) == key


@pytest.mark.parametrize("text", ["300750", "300750.SZ", "SZ300750", "300750.sz"])
def test_listed_codes_resolve_with_or_without_the_exchange(G, text):
    assert resolve(G, text) == "catl"


def test_products_and_industries_resolve_and_walk(runner, ckg):
    data = ["--data", "graph_data", "--data", str(ckg)]
    G = load_graph(["graph_data", ckg])
    assert resolve(G, "碳酸锂") == "lithium-carbonate"  # the segment comes before the imported product
    assert resolve(G, "动力电池") == "ckg-p-2178a7885353" and resolve(G, "测试子行业") == "ckg-i-990100"
    r = runner.invoke(cli, ["show", "动力电池", *data])
    assert r.exit_code == 0 and r.output.startswith("动力电池  [ckg-p-2178a7885353, Product]")
    hits = json.loads(runner.invoke(cli, ["search", "电解液", "--kind", "product", "--format", "json", *data]).output)
    assert hits and {h["kind"] for h in hits} == {"Product"} and hits[0]["name"] == "电解液"
    up = json.loads(runner.invoke(cli, ["upstream", "动力电池", "--format", "json", *data]).output)
    assert [(s["id"], s["edge"], s["name"]) for s in up] == [("ckg-p-6f93c9cdfcb6", "MATERIAL_OF", "碳酸锂")]
    p = json.loads(runner.invoke(cli, ["path", "ckg-p-6f93c9cdfcb6", "动力电池", "--format", "json", *data]).output)
    assert [(s["source_node"], s["target_node"]) for s in p] == [("ckg-p-6f93c9cdfcb6", "ckg-p-2178a7885353")]
    r = runner.invoke(cli, ["upstream", "测试电解液", "--level", "product", *data])
    assert r.exit_code == 1 and "the product level walks from a product" in r.output


def test_no_path_is_an_answer(runner):
    r = runner.invoke(cli, ["path", "宁德时代", "赣锋锂业"])
    assert r.exit_code == 0 and r.output.startswith("no stated supply path between 宁德时代新能源科技股份有限公司")
    r = runner.invoke(cli, ["downstream", "哪吒汽车"])
    assert r.exit_code == 0 and r.output.startswith("nothing downstream of 合众新能源汽车股份有限公司")


def test_parks_with_their_firm_counts(runner, G):
    rows = {p.park: p for p in park_table(G)}
    etdz = rows["yichun-etdz"]
    firms = {
        u
        for u, _, d in G.in_edges("yichun-etdz", data=True)
        if d["kind"] == "LOCATED_IN" and G.nodes[u]["kind"] == "Enterprise"
    }
    firms |= {
        G.nodes[u]["enterprise"] for u, _, d in G.in_edges("yichun-etdz", data=True) if G.nodes[u]["kind"] == "Project"
    }
    assert (etdz.name, etdz.level, etdz.parent, etdz.firms) == ("宜春经开区", "park", "yichun-city", len(firms))
    assert rows["yichun-city"].firms >= etdz.firms + rows["yifeng-county"].firms  # its parks are inside it
    out = json.loads(runner.invoke(cli, ["parks", "--within", "宜春市", "--format", "json"]).output)
    assert {r["park"] for r in out} == {
        "yichun-city",
        "wanzai-county",
        "fengcheng-city",
        "fengxin-county",
        "yifeng-county",
        "yichun-etdz",
        "gaoan-city",
    }
    hits = json.loads(runner.invoke(cli, ["search", "宜春", "--kind", "Park", "--format", "json"]).output)
    assert hits[0]["id"] == "yichun-city" and {h["kind"] for h in hits} == {"Park"}
