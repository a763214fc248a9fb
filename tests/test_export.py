"""Exports round-trip: what networkx reads back from each file is the graph that was written."""

import csv
import json
import os
import subprocess
from pathlib import Path

import networkx as nx
import pytest

from lithiumgraph.cli import cli
from lithiumgraph.errors import LithiumGraphError
from lithiumgraph.export import export
from lithiumgraph.scope import subgraph as select

from conftest import edit, free_port

LISTS = ("aliases", "sources", "segments")
ROOT = Path(__file__).parents[1]


def canon_nodes(H):
    return {n: {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()} for n, d in H.nodes(data=True)}


def canon_edges(H):
    return sorted(
        (
            u,
            v,
            k,
            json.dumps(
                {a: list(x) if isinstance(x, tuple) else x for a, x in d.items()}, sort_keys=True, ensure_ascii=False
            ),
        )
        for u, v, k, d in H.edges(keys=True, data=True)
    )


def unflatten(H):
    """Read-back from a format without lists: split the list attributes, take the edge key from 'edge_key'."""
    R = nx.MultiDiGraph()
    for n, d in H.nodes(data=True):
        R.add_node(n, **{k: tuple(v.split("|")) if k in LISTS else v for k, v in d.items() if k != "label"})
    for u, v, d in H.edges(data=True):
        d = {k: tuple(x.split("|")) if k in LISTS else x for k, x in d.items() if k not in ("label", "id")}
        R.add_edge(u, v, key=d.pop("edge_key"), **d)
    return R


def test_graphml_round_trip(G, tmp_path):
    export(G, "graphml", tmp_path / "g.graphml")
    back = unflatten(nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True))
    assert canon_nodes(back) == canon_nodes(G) and canon_edges(back) == canon_edges(G)
    assert back.nodes["catl"]["name_zh"] == "宁德时代新能源科技股份有限公司"
    assert isinstance(back.nodes["catl-yichun-cells"]["capacity"], float)


def test_gexf_round_trip_keeps_every_attribute(G, tmp_path):
    export(G, "gexf", tmp_path / "g.gexf")
    raw = nx.read_gexf(tmp_path / "g.gexf")
    assert raw.nodes["catl"]["label"] == "宁德时代新能源科技股份有限公司 (Contemporary Amperex Technology Co. Limited)"
    back = unflatten(raw)
    assert canon_nodes(back) == canon_nodes(G) and canon_edges(back) == canon_edges(G)


def test_node_link_json_round_trip(G, tmp_path):
    export(G, "json", tmp_path / "g.json")
    back = nx.node_link_graph(json.loads((tmp_path / "g.json").read_text(encoding="utf-8")), edges="edges")
    assert back.is_directed() and back.is_multigraph()
    assert canon_nodes(back) == canon_nodes(G) and canon_edges(back) == canon_edges(G)


def test_csv_tables_round_trip(G, tmp_path):
    export(G, "csv", tmp_path / "t", raw_cells=True)  # for programs: cells as they are
    R = nx.MultiDiGraph()
    with open(tmp_path / "t" / "nodes.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            n = row.pop("id")
            R.add_node(
                n,
                **{
                    k: tuple(v.split("|"))
                    if k in LISTS
                    else float(v)
                    if k in ("capacity", "investment_yuan", "low", "high", "price")
                    else v
                    for k, v in row.items()
                    if v != ""
                },
            )
    with open(tmp_path / "t" / "edges.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            u, v, k = row.pop("source"), row.pop("target"), row.pop("key")
            R.add_edge(
                u,
                v,
                key=k,
                **{
                    a: tuple(x.split("|")) if a in LISTS else float(x) if a in ("capacity", "share_pct") else x
                    for a, x in row.items()
                    if x != ""
                },
            )
    assert canon_nodes(R) == canon_nodes(G) and canon_edges(R) == canon_edges(G)


def test_park_and_focus_select_a_self_contained_part(G):
    P = select(G, park="yichun-etdz")
    assert "yichun-times" in P and "catl" in P and "electrolyte" in P and "ganfeng-yichun-cells" in P
    assert "nidec" not in P  # a firm with no tie to the park
    cited = {s for _, d in P.nodes(data=True) for s in d.get("sources", ())}
    assert cited and all(s in P for s in cited)
    F = select(G, focus="catl", hops=1)
    assert {"catl", "shenghua", "hozon", "yichun-times"} <= set(F) and "nidec" not in F


def test_export_command_and_formats(runner, tmp_path, G):
    r = runner.invoke(cli, ["export", "--to", "gexf", "--park", "yichun-etdz", "-o", str(tmp_path / "p.gexf")])
    assert r.exit_code == 0, r.output
    P = select(G, park="yichun-etdz")
    assert r.stdout.startswith(f"wrote {P.number_of_nodes()} nodes and {P.number_of_edges()} edges as gexf to ")
    r = runner.invoke(cli, ["export", "--to", "xml", "-o", str(tmp_path / "x")])
    assert r.exit_code == 2 and "'xml' is not one of" in r.output


def test_a_control_character_is_refused_and_the_old_file_kept(runner, data_copy, tmp_path):
    out = tmp_path / "g.graphml"
    out.write_text("previous export", encoding="utf-8")
    edit(data_copy / "enterprises.csv", "sk-nexilis,SK Nexilis,SK Nexilis,", "sk-nexilis,SK\x01Nexilis,SK Nexilis,")
    r = runner.invoke(cli, ["export", "--to", "graphml", "--data", str(data_copy), "-o", str(out)])
    if r.exit_code == 1 and "enterprises.csv" in r.output:  # refused when the data is read: fine too
        assert "control" in r.output
    else:
        assert r.exit_code == 1
        assert (
            r.output
            == "Error: node 'sk-nexilis': attribute 'name_zh' holds a control character that XML cannot carry\n"
        )
    assert out.read_text(encoding="utf-8") == "previous export"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["g.graphml"]


def test_unknown_format_in_the_library():
    with pytest.raises(LithiumGraphError, match="unknown export format"):
        export(nx.MultiDiGraph(), "dot", "x")


@pytest.mark.neo4j
def test_neo4j_import_files_load_with_the_printed_command(runner, neo4j_env, tmp_path, G):
    """The files go into a fresh store with the printed command (through scripts/neo4j.sh admin), and a
    server started on that store gives back the very graph that was exported."""
    out = tmp_path / "imp"
    r = runner.invoke(cli, ["export", "--to", "neo4j-import", "-o", str(out)])
    assert r.exit_code == 0, r.output
    command = r.stdout.split("load with:\n  ")[1].strip()
    assert command.startswith("neo4j-admin database import full neo4j ")
    port = free_port()
    env = {**os.environ, "LG_NEO4J_HOME": str(tmp_path / "home"), "NEO4J_PORT": str(port)}
    done = subprocess.run(
        ["bash", "-c", "bash scripts/neo4j.sh admin " + command.removeprefix("neo4j-admin ")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "IMPORT DONE" in done.stdout + done.stderr, done.stdout[-2000:] + done.stderr[-2000:]
    subprocess.run(
        ["bash", "scripts/neo4j.sh", "start"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300
    )
    try:
        from lithiumgraph.stores.neo4j import Neo4jStore

        store = Neo4jStore(f"bolt://127.0.0.1:{port}", "neo4j", env.get("NEO4J_PASSWORD", "lithiumgraph-test"))
        back = store.graph()
        store.close()
        assert canon_nodes(back) == canon_nodes(G) and canon_edges(back) == canon_edges(G)
    finally:
        subprocess.run(["bash", "scripts/neo4j.sh", "stop"], cwd=ROOT, env=env, timeout=120)


def test_every_result_becomes_a_dataframe_of_the_cli_rows(G, runner):
    from lithiumgraph import query
    from lithiumgraph.analysis import balance, gaps, recommend, risk
    from lithiumgraph.frames import rows_of, to_frame
    from lithiumgraph.traverse import upstream

    for result, args in (
        (gaps(G, "yichun-etdz"), ["gaps", "--park", "yichun-etdz"]),
        (balance(G, "yichun-etdz"), ["balance", "--park", "yichun-etdz"]),
        (recommend(G, "yichun-etdz"), ["recommend", "--park", "yichun-etdz"]),
        (risk(G, "yichun-etdz"), ["risk", "--park", "yichun-etdz"]),
        (upstream(G, "hozon", hops=2), ["upstream", "哪吒汽车"]),
    ):
        df = to_frame(result)
        cli_rows = list(csv.DictReader(runner.invoke(cli, args + ["--format", "csv"]).stdout.splitlines()))
        assert len(df) == len(cli_rows) > 0, args
        assert list(df.columns) == list(cli_rows[0]), args
        assert rows_of(result) == df.to_dict("records") or len(rows_of(result)) == len(df)
    res = query(G, "MATCH (s:Segment) RETURN s.stage AS stage, count(*) AS n ORDER BY stage")
    assert to_frame(res).to_dict("records")[0] == {"stage": "downstream", "n": 9}
