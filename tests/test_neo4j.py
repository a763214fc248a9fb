"""The Neo4j store against a real server: idempotent push, parity of every read command, fast errors."""

import json
import time
from pathlib import Path

import pytest

from lithiumgraph.cli import cli

from conftest import free_port

pytestmark = pytest.mark.neo4j
MINI = str(Path(__file__).parent / "fixtures" / "mini")

READS = [
    ["stats"],
    ["show", "CATL"],
    ["show", "宜春经开区"],
    ["show", "electrolyte"],
    ["search", "国轩"],
    ["gaps", "--park", "yichun-etdz"],
    ["gaps", "--park", "yichun-city", "--operating-only"],
    ["balance", "--park", "yichun-etdz"],
    ["recommend", "--park", "yichun-etdz"],
    ["risk", "--park", "yichun-etdz"],
    ["upstream", "哪吒汽车", "--hops", "3"],
    ["upstream", "CATL", "--level", "segment"],
    ["downstream", "赣锋锂业"],
    ["suppliers", "electrolyte"],
    ["customers", "国轩高科"],
    ["neighbours", "宜春时代"],
    ["path", "江西升华", "哪吒汽车"],
    ["path", "赣锋锂业", "宁德时代", "--any"],
    [
        "query",
        "MATCH (e:Enterprise)-[r:SUPPLIES]->(c) RETURN e, r, c.name_zh AS customer ORDER BY e.id, customer, r.segment, r.product",
    ],
]
#: the same reads on the graph of earlier days: statuses from events, facts known later left out
READS += [
    a + ["--as-of", d]
    for d in ("2021-06", "2024-06")
    for a in (
        ["stats"],
        ["show", "哪吒汽车"],
        ["gaps", "--park", "yichun-etdz"],
        ["balance", "--park", "yichun-etdz"],
        ["recommend", "--park", "yichun-etdz"],
        ["risk", "--park", "yichun-etdz"],
        ["upstream", "哪吒汽车"],
        ["neighbours", "宜春时代"],
        ["search", "国轩"],
        [
            "query",
            "MATCH (p:Project)-[:HAS_EVENT]->(e:Event) RETURN p.id, p.status, e.date, e.stage ORDER BY p.id, e.date",
        ],
    )
]


def neo(env):
    return [
        "--store",
        "neo4j",
        "--neo4j-uri",
        env["uri"],
        "--neo4j-user",
        env["user"],
        "--neo4j-password",
        env["password"],
    ]


def push(runner, env, *extra):
    r = runner.invoke(
        cli,
        ["push", "--neo4j-uri", env["uri"], "--neo4j-user", env["user"], "--neo4j-password", env["password"], *extra],
    )
    assert r.exit_code == 0, r.output
    return r


def counts(env):
    from neo4j import GraphDatabase

    with GraphDatabase.driver(env["uri"], auth=(env["user"], env["password"])) as d:
        n = d.execute_query("MATCH (n:LG) RETURN count(n) AS c, collect(properties(n)) AS p").records[0]
        r = d.execute_query("MATCH (:LG)-[e]->(:LG) RETURN count(e) AS c, collect(properties(e)) AS p").records[0]
    key = lambda p: json.dumps(p, sort_keys=True, ensure_ascii=False)
    return n["c"], r["c"], sorted(map(key, n["p"])), sorted(map(key, r["p"]))


@pytest.fixture(scope="module")
def yichun(runner_module, neo4j_env):
    push(runner_module, neo4j_env, "--replace")
    return neo4j_env


@pytest.fixture(scope="module")
def runner_module():
    from click.testing import CliRunner

    return CliRunner()


def test_push_twice_leaves_the_same_graph(runner, yichun):
    from lithiumgraph.dataset import load
    from lithiumgraph.graph import build_graph

    G = build_graph(load())  # push writes every fact with its dates, ended ones too, not today's snapshot
    first = counts(yichun)
    n, m = G.number_of_nodes(), G.number_of_edges()
    r = push(runner, yichun, "--workers", "1", "--batch", "50")  # every row MERGEs, on one session
    assert r.stdout == f"pushed {n} nodes and {m} relationships to {yichun['uri']}\n"
    assert counts(yichun) == first and first[:2] == (n, m)


@pytest.mark.parametrize("args", READS, ids=[" ".join(a) for a in READS])
@pytest.mark.parametrize("fmt", ["json", "table"])
def test_every_read_command_gives_the_same_answer(runner, yichun, args, fmt):
    mem = runner.invoke(cli, args + ["--format", fmt])
    db = runner.invoke(cli, args + ["--format", fmt] + neo(yichun))
    assert mem.exit_code == db.exit_code == 0, db.output
    assert db.output == mem.output


def test_explorer_is_the_same(runner, yichun, tmp_path):
    for where, extra in (("mem", []), ("db", neo(yichun))):
        r = runner.invoke(
            cli,
            ["explore", "--park", "yichun-etdz", "--level", "enterprise", "-o", str(tmp_path / f"{where}.html")]
            + extra,
        )
        assert r.exit_code == 0, r.output
    assert (tmp_path / "mem.html").read_text(encoding="utf-8") == (tmp_path / "db.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv", "neo4j-import"])
def test_exports_are_the_same(runner, yichun, tmp_path, fmt):
    for where, extra in (("mem", []), ("db", neo(yichun))):
        r = runner.invoke(cli, ["export", "--to", fmt, "--park", "yichun-etdz", "-o", str(tmp_path / where)] + extra)
        assert r.exit_code == 0, r.output
    files = sorted(p.relative_to(tmp_path / "mem") for p in (tmp_path / "mem").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "db") for p in (tmp_path / "db").rglob("*") if p.is_file())
    for f in files:
        a = (tmp_path / "mem" / f).read_text(encoding="utf-8").replace(str(tmp_path / "mem"), "")
        b = (tmp_path / "db" / f).read_text(encoding="utf-8").replace(str(tmp_path / "db"), "")
        assert a == b, f


def test_report_is_the_same(runner, yichun, tmp_path):
    for where, extra in (("mem", []), ("db", neo(yichun))):
        r = runner.invoke(cli, ["report", "--park", "yichun-etdz", "-o", str(tmp_path / where)] + extra)
        assert r.exit_code == 0, r.output
    for f in ("report.md", "report.html"):
        assert (tmp_path / "mem" / f).read_text(encoding="utf-8") == (tmp_path / "db" / f).read_text(encoding="utf-8")


def test_parity_on_a_synthetic_graph(runner, neo4j_env, tmp_path):
    syn = str(tmp_path / "syn")
    assert runner.invoke(cli, ["synth", "--enterprises", "1500", "--seed", "7", "-o", syn]).exit_code == 0
    push(runner, neo4j_env, "--replace", "--data", syn, "--batch", "700")
    for args in (
        ["stats"],
        ["gaps", "--park", "syn-city0001"],
        ["balance", "--park", "syn-city0001"],
        ["recommend", "--park", "syn-park00000"],
        ["risk", "--park", "syn-park00000"],
        ["show", "syn-e0001"],
    ):
        mem = runner.invoke(cli, args + ["--format", "json", "--data", syn])
        db = runner.invoke(cli, args + ["--format", "json"] + neo(neo4j_env))
        assert mem.exit_code == db.exit_code == 0, (args, db.output)
        assert db.output == mem.output, args
    push(runner, neo4j_env, "--replace")  # leave the Yichun data for the other tests


def test_hostile_strings_are_stored_verbatim(runner, neo4j_env, data_copy):
    from conftest import edit

    evil = "'}) DETACH DELETE n //\" MATCH (m) DETACH DELETE m"
    edit(
        data_copy / "enterprises.csv",
        "sk-nexilis,SK Nexilis,SK Nexilis,",
        f'sk-nexilis,"{evil.replace(chr(34), chr(34) * 2)}",SK Nexilis,',
    )
    push(runner, neo4j_env, "--replace", "--data", str(data_copy))
    r = runner.invoke(cli, ["show", "sk-nexilis", "--format", "json"] + neo(neo4j_env))
    assert json.loads(r.output)["attributes"]["name_zh"] == evil
    from lithiumgraph.dataset import load
    from lithiumgraph.graph import build_graph

    G = build_graph(load([data_copy]))  # every fact with its dates, as push writes them
    assert counts(neo4j_env)[:2] == (G.number_of_nodes(), G.number_of_edges())
    push(runner, neo4j_env, "--replace")


@pytest.mark.parametrize(
    "uri,password,database,message",
    [
        (
            "bolt://127.0.0.1:1",
            None,
            None,
            "Error: cannot reach Neo4j at bolt://127.0.0.1:1: Couldn't connect to 127.0.0.1:1\n",
        ),
        (None, "wrong-password", None, "Error: Neo4j at {uri} refused the user 'neo4j': wrong user name or password\n"),
        (None, None, "nosuchdb", "Error: Neo4j at {uri} has no database 'nosuchdb'\n"),
    ],
)
def test_errors_are_one_line_and_fast(runner, neo4j_env, uri, password, database, message):
    uri = uri or neo4j_env["uri"]
    args = ["stats", "--store", "neo4j", "--neo4j-uri", uri, "--neo4j-password", password or neo4j_env["password"]]
    if database:
        args += ["--database", database]
    t = time.perf_counter()
    r = runner.invoke(cli, args)
    assert time.perf_counter() - t < 5
    assert (r.exit_code, r.stderr) == (1, message.format(uri=uri))


def test_a_push_cut_by_a_dying_server_is_completed_by_a_rerun(neo4j_env, tmp_path):
    """Kill a second, private server mid-push (SIGKILL), restart it, push again: the full graph."""
    import os
    import signal
    import subprocess
    import sys

    root = Path(__file__).parents[1]
    port = free_port()
    bolt = f"bolt://127.0.0.1:{port}"
    env = {
        **os.environ,
        "NEO4J_PORT": str(port),
        "LG_NEO4J_HOME": str(tmp_path / "home"),
        "NEO4J_PASSWORD": "kill-test",
    }
    script = ["bash", str(root / "scripts" / "neo4j.sh")]
    syn = tmp_path / "syn"
    subprocess.run(
        [sys.executable, "-m", "lithiumgraph", "synth", "--enterprises", "6000", "--seed", "2", "-o", str(syn)],
        check=True,
        capture_output=True,
    )
    from lithiumgraph import load_graph

    G = load_graph(syn)
    want = (G.number_of_nodes(), G.number_of_edges())
    cmd = [
        sys.executable,
        "-m",
        "lithiumgraph",
        "push",
        "--data",
        str(syn),
        "--batch",
        "500",
        "--neo4j-uri",
        bolt,
        "--neo4j-password",
        "kill-test",
    ]
    try:
        subprocess.run(script + ["start"], env=env, check=True, capture_output=True)
        pid = int(subprocess.run(script + ["pid"], env=env, capture_output=True, text=True).stdout)
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        b = {"uri": bolt, "user": "neo4j", "password": "kill-test"}
        deadline = time.time() + 30
        while counts(b)[0] < 2000 and time.time() < deadline:  # kill it once the push is under way
            time.sleep(0.1)
        assert p.poll() is None, "the push finished before the server could be killed"
        os.kill(pid, signal.SIGKILL)
        out, err = p.communicate(timeout=60)
        assert p.returncode == 1, (out, err)
        assert "became unreachable during the push" in err and "run the same push again to complete it" in err
        assert "Traceback" not in err
        subprocess.run(script + ["start"], env=env, check=True, capture_output=True)
        for _ in range(2):  # the re-run completes it; one more changes nothing
            r = subprocess.run(cmd, capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
            got = counts({"uri": bolt, "user": "neo4j", "password": "kill-test"})
            assert got[:2] == want
    finally:
        subprocess.run(script + ["stop"], env=env, capture_output=True)


def test_labels_and_types_outside_the_allow_list_never_reach_the_server(yichun):
    """A kind that is not in the model is refused before any query is sent; the graph stays as it was."""
    import networkx as nx
    from lithiumgraph.errors import LithiumGraphError
    from lithiumgraph.stores.neo4j import connect
    from lithiumgraph.stores.neo4jpush import push as push_graph

    before = counts(yichun)
    driver = connect(yichun["uri"], yichun["user"], yichun["password"])
    try:
        for node_kind, edge_kind in (
            ("Enterprise`) DETACH DELETE n //", "SUPPLIES"),
            ("Enterprise", "SUPPLIES]->() DETACH DELETE a //"),
        ):
            G = nx.MultiDiGraph()
            G.add_node("x", kind=node_kind)
            G.add_node("y", kind="Enterprise")
            G.add_edge("x", "y", key="k", kind=edge_kind)
            with pytest.raises(LithiumGraphError, match="refusing to push kinds outside the allow-list"):
                push_graph(G, driver, replace=True)
        G = nx.MultiDiGraph()  # property names are spelled out in the query, so they are checked too
        G.add_node("x", kind="Enterprise", **{"name_zh": "x", "a}) DETACH DELETE n //": 1})
        with pytest.raises(LithiumGraphError, match="refusing to push property names outside"):
            push_graph(G, driver, replace=True)
    finally:
        driver.close()
    assert counts(yichun) == before


def test_concurrent_batches_create_then_merge_the_very_graph(yichun):
    """Small batches on several sessions: an empty graph gets exactly ``G``; a push onto it after edits
    (a property changed, one dropped, an edge gone) MERGEs it into exactly the edited graph."""
    from lithiumgraph import load_graph
    from lithiumgraph.stores.neo4j import Neo4jStore, connect
    from lithiumgraph.stores.neo4jpush import push as push_graph

    G = load_graph()
    driver = connect(yichun["uri"], yichun["user"], yichun["password"])
    store = Neo4jStore(yichun["uri"], yichun["user"], yichun["password"])
    try:
        push_graph(G, driver, replace=True, batch=37, workers=4)
        assert store.graph().nodes(data=True) == G.nodes(data=True)
        assert sorted(store.graph().edges(keys=True, data=True)) == sorted(G.edges(keys=True, data=True))
        H = G.copy()
        H.nodes["catl"]["name_en"] = "CATL (edited)"
        del H.nodes["catl"]["aliases"]
        u, v, k, d = next(e for e in H.edges(keys=True, data=True) if "note" in e[3])
        del d["note"]
        H.remove_edge(*next((a, b, c) for a, b, c, x in H.edges(keys=True, data=True) if x["kind"] == "SUPPLIES"))
        push_graph(H, driver, batch=37, workers=4)
        got = store.graph()
        assert got.nodes["catl"]["name_en"] == "CATL (edited)" and "aliases" not in got.nodes["catl"]
        assert "note" not in got.edges[u, v, k]
        # a push without --replace adds and updates; it does not delete what the data no longer has
        assert got.number_of_edges() == H.number_of_edges() + 1
    finally:
        driver.close()
        store.close()
        push_graph(load_graph(), connect(yichun["uri"], yichun["user"], yichun["password"]), replace=True)


def test_the_driver_packs_and_unpacks_in_rust():
    """``neo4j-rust-ext`` (a dependency) is what the driver uses, also as the commands import it (without numpy,
    pandas and pyarrow): the pure-Python packstream would be several times slower on every park read and push."""
    import subprocess
    import sys

    code = (
        "from lithiumgraph.stores import _import_driver; _import_driver(); "
        "from neo4j._codec.packstream import RUST_AVAILABLE; print(RUST_AVAILABLE)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"
