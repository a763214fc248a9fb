"""Park analyses on Neo4j read only the park's part of the graph, and answer exactly as the memory store
does: for a park and a city, today and on earlier days, on the shipped data and on a synthetic graph;
the routing URI form ``neo4j://`` works against a single server."""

from pathlib import Path

import pytest

from lithiumgraph.cli import cli

from test_neo4j import neo, push

pytestmark = pytest.mark.neo4j

SCOPED = ("gaps", "balance", "recommend", "risk")
CASES = [
    [a, "--park", p] + d
    for a in SCOPED
    for p in ("yichun-etdz", "yichun-city", "宜春市")
    for d in ([], ["--as-of", "2022-12"], ["--as-of", "2024-06"])
]
CASES += [
    ["recommend", "--park", "yichun-city", "--segment", "electrolyte", "--top", "8"],
    ["gaps", "--park", "yichun-etdz", "--include-pipeline", "--by", "group"],
    ["balance", "--park", "jiangxi", "--include-pipeline"],
]


@pytest.fixture(scope="module")
def shipped(neo4j_env):
    from click.testing import CliRunner

    push(CliRunner(), neo4j_env, "--replace")
    return neo4j_env


@pytest.mark.parametrize("args", CASES, ids=[" ".join(a) for a in CASES])
def test_scoped_analyses_answer_as_the_memory_store(runner, shipped, args):
    mem = runner.invoke(cli, args + ["--format", "json"])
    db = runner.invoke(cli, args + ["--format", "json"] + neo(shipped))
    assert mem.exit_code == db.exit_code == 0, db.output
    assert db.output == mem.output


def test_the_part_read_is_the_park_s_not_the_whole_graph(shipped):
    from lithiumgraph.stores.neo4j import Neo4jStore

    st = Neo4jStore(shipped["uri"], shipped["user"], shipped["password"])
    try:
        whole = st.graph()
        part = st.park_graph("宜春经开区")
        more = st.park_graph("yichun-etdz", segments=["electrolyte"])
    finally:
        st.close()
    assert part.number_of_edges() < whole.number_of_edges() / 2
    assert part.number_of_edges() < more.number_of_edges() < whole.number_of_edges()
    assert set(part) <= set(more) <= set(whole)
    for u, v, k, d in more.edges(keys=True, data=True):  # every relationship as the whole graph has it
        assert whole.edges[u, v, k] == d
    # the firms of another city's supply relations among themselves stay on the server
    far = [(u, v) for u, v, d in whole.edges(data=True) if d["kind"] == "SUPPLIES" and u not in more and v not in more]
    assert far


def test_an_unknown_park_is_one_line(runner, shipped):
    r = runner.invoke(cli, ["gaps", "--park", "nowhere-park"] + neo(shipped))
    assert r.exit_code == 1 and r.output.startswith("Error: ") and "nowhere-park" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_routing_uri_on_a_single_server(runner, shipped):
    """``neo4j://`` asks the server for a routing table (a single server names itself for every role), then
    sends reads to a reader and the push to the writer, as on a cluster."""
    routed = dict(shipped, uri=shipped["uri"].replace("bolt://", "neo4j://"))
    assert routed["uri"].startswith("neo4j://")
    push(runner, routed)  # onto the same graph: every row MERGEs through the writer
    for args in (
        ["gaps", "--park", "yichun-etdz"],
        ["recommend", "--park", "yichun-etdz", "--as-of", "2024-06"],
        ["query", "MATCH (p:Park {id: 'yichun-etdz'}) RETURN p.name_zh AS name"],
    ):
        mem = runner.invoke(cli, args + ["--format", "json"])
        db = runner.invoke(cli, args + ["--format", "json"] + neo(routed))
        assert mem.exit_code == db.exit_code == 0, db.output
        assert db.output == mem.output
    from neo4j import GraphDatabase

    with GraphDatabase.driver(routed["uri"], auth=(routed["user"], routed["password"])) as d:
        table = d.execute_query("CALL dbms.routing.getRoutingTable({}) YIELD servers RETURN servers").records[0][0]
    roles = {s["role"] for s in table}
    assert roles == {"WRITE", "READ", "ROUTE"}


def test_synthetic_park_and_city_with_dates(runner, neo4j_env, tmp_path):
    syn = str(tmp_path / "syn")
    assert runner.invoke(cli, ["synth", "--enterprises", "1200", "--seed", "3", "-o", syn]).exit_code == 0
    push(runner, neo4j_env, "--replace", "--data", syn)
    try:
        for a in SCOPED:
            for p in ("syn-park00000", "syn-city0000"):
                for d in ([], ["--as-of", "2021-06"]):
                    args = [a, "--park", p, "--format", "json"] + d
                    mem = runner.invoke(cli, args + ["--data", syn])
                    db = runner.invoke(cli, args + neo(neo4j_env))
                    assert mem.exit_code == db.exit_code == 0, (args, db.output)
                    assert db.output == mem.output, args
    finally:
        push(runner, neo4j_env, "--replace")  # leave the shipped data for the other tests


def test_a_large_push_points_to_the_offline_import(runner, neo4j_env, monkeypatch, tmp_path):
    """Above OFFLINE_ABOVE relationships (a million; lowered here so the shipped graph crosses it) push says
    how to load offline, with the export command for the same data, and still pushes."""
    from lithiumgraph.stores import neo4j as store

    monkeypatch.setattr(store, "OFFLINE_ABOVE", 100)
    data = str(Path(__file__).parent.parent / "graph_data")
    r = push(runner, neo4j_env, "--data", data)
    assert f"lithiumgraph export --data {data} --to neo4j-import -o neo4j-import" in r.stderr.replace("\n", " ")
    assert r.stdout.startswith("pushed ")
    monkeypatch.setattr(store, "OFFLINE_ABOVE", 10**9)
    assert "note: " not in push(runner, neo4j_env).stderr
