"""Cypher: the parity suite on the embedded store and on Neo4j, the read-only guard, refused constructs,
errors and timeouts; and the traversal commands."""

import json
import time
from collections import Counter

import pytest

from lithiumgraph.cli import cli
from lithiumgraph.cypher import check, parse_param, return_columns, rewrite
from lithiumgraph.errors import LithiumGraphError
from lithiumgraph.stores import MemoryStore

from parity_queries import QUERIES, SCALE_QUERIES
from test_neo4j import neo, push

SHENGHUA_CATL = ["jixiandian-shenghua", "metalnomist-2025-08-shenghua-catl", "hqlh-2025-09-19-shenghua-catl"]
IDS = [q[0] for q in QUERIES]


def canon(rows, ordered):
    """Rows as comparable text, in order when the query orders them, else as a multiset. Floats to 12
    significant digits (the engines add in different orders) and integral floats as ints."""

    def fix(v):
        if isinstance(v, float):
            v = float(f"{v:.12g}")
            return int(v) if v.is_integer() else v
        if isinstance(v, list):
            return [fix(x) for x in v]
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        return v

    texts = [json.dumps(fix(r), sort_keys=True, ensure_ascii=False) for r in rows]
    return texts if ordered else Counter(texts)


@pytest.fixture(scope="module")
def mem():
    return MemoryStore()


@pytest.fixture(scope="module")
def db(neo4j_env):
    from click.testing import CliRunner
    from lithiumgraph.stores.neo4j import Neo4jStore

    push(CliRunner(), neo4j_env, "--replace")
    store = Neo4jStore(neo4j_env["uri"], neo4j_env["user"], neo4j_env["password"])
    yield store
    store.close()


def test_the_suite_is_large_and_varied():
    assert len(QUERIES) >= 25 and len(set(IDS)) == len(IDS)
    text = " ".join(q for _, q, _ in QUERIES)
    for construct in ("OPTIONAL MATCH", "ORDER BY", "*1..", "count(", "$", "UNION", "EXISTS", "CASE", "UNWIND"):
        assert construct in text, construct
    assert any(any("\u4e00" <= c <= "\u9fff" for c in q + json.dumps(p, ensure_ascii=False)) for _, q, p in QUERIES)


@pytest.mark.parametrize("name,query,params", QUERIES, ids=IDS)
def test_embedded_answers_every_suite_query(mem, name, query, params):
    res = mem.query(query, params)
    assert res.columns == return_columns(query)
    assert all(len(r) == len(res.columns) for r in res.rows)


@pytest.mark.neo4j
@pytest.mark.parametrize("name,query,params", QUERIES, ids=IDS)
def test_parity_on_yichun(mem, db, name, query, params):
    a, b = mem.query(query, params), db.query(query, params)
    assert a.columns == b.columns
    ordered = "ORDER BY" in query
    assert canon(a.rows, ordered) == canon(b.rows, ordered)


def test_suite_rows_are_not_all_empty(mem):
    empty = [n for n, q, p in QUERIES if not mem.query(q, p).rows]
    assert empty == ["enterprise_to_park_chain"] or len(empty) <= 2, empty


def test_known_answers(mem):
    rows = mem.query("MATCH (s:Enterprise)-[r:SUPPLIES]->(:Enterprise {id: 'catl'}) RETURN s.id, r.sources").rows
    assert ["shenghua", SHENGHUA_CATL] in rows
    assert {"tinci", "yuneng", "semcorp", "jiayuan"} <= {r[0] for r in rows}
    res = mem.query("MATCH p = (:Enterprise {id: 'shenghua'})-[:SUPPLIES*1..3]->(:Enterprise {id: 'hozon'}) RETURN p")
    path = res.rows[0][0]
    assert [n["id"] for n in path["nodes"]] == ["shenghua", "catl", "hozon"]
    assert [(r["from"], r["to"]) for r in path["relationships"]] == [("shenghua", "catl"), ("catl", "hozon")]
    assert mem.query("MATCH (e:Enterprise) WHERE '宁德时代' IN e.aliases RETURN e.id").rows == [["catl"]]


@pytest.mark.parametrize(
    "query,word",
    [
        ("MATCH (n) DETACH DELETE n", "DETACH, DELETE"),
        ("CREATE (n:Enterprise {id: 'x'})", "CREATE"),
        ("MATCH (n {id: 'catl'}) SET n.name_zh = 'x'", "SET"),
        ("match (n) remove n.note", "REMOVE"),
        ("MERGE (n:Park {id: 'p'})", "MERGE"),
        ("LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", "LOAD"),
    ],
)
def test_writes_are_refused_without_write(runner, query, word):
    r = runner.invoke(cli, ["query", query])
    assert r.exit_code == 1
    what = "loads files or the network" if word == "LOAD" else "writes"
    assert r.output == f"Error: this query {what} ({word}); queries are read-only unless --write is given\n"


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (n) WHERE n.name_zh = 'CREATE (x)' RETURN n.id",  # inside a string
        "MATCH (n) // DELETE n\nRETURN count(n)",  # inside a comment
        "MATCH (n) RETURN n.set, n.`delete`",  # property names
        "RETURN {create: 1} AS m",  # map key
    ],
)
def test_write_words_that_are_not_clauses_pass(query):
    check(query)


def test_write_on_the_memory_store_is_refused_even_with_write(runner):
    r = runner.invoke(cli, ["query", "CREATE (n:Enterprise {id: 'x'})", "--write"])
    assert r.exit_code == 1 and "would be lost" in r.output and r.output.count("\n") == 1


@pytest.mark.parametrize(
    "query,construct",
    [
        ("MATCH (n:Enterprise) RETURN labels(n)", "labels()"),
        ("MATCH (n) RETURN id(n)", "id()"),
        ("MATCH (n) RETURN elementId(n)", "elementId()"),
        ("MATCH (n) RETURN properties(n)", "properties()"),
        ("MATCH (n) RETURN keys(n)", "keys()"),
        ("MATCH (n:Enterprise) RETURN n.aliases[0]", "list subscript x[i]"),
        ("RETURN [1, 2, 3][1] AS x", "list subscript x[i]"),
        ("MATCH (n:Segment) RETURN substring(n.id, 0, 2)", "substring()"),
        ("MATCH (n:Enterprise) WITH n ORDER BY n.id LIMIT 2 RETURN collect(n.id)", "ORDER BY in WITH"),
        ("MATCH p = shortestPath((a {id: 'catl'})-[*]-(b {id: 'hozon'})) RETURN p", "shortestPath()"),
        ("CALL db.labels()", "CALL"),
    ],
)
def test_constructs_with_another_meaning_are_refused_by_name(runner, query, construct):
    r = runner.invoke(cli, ["query", query])
    assert r.exit_code == 1 and r.output.count("\n") == 1
    assert r.output.startswith(f"Error: the embedded store does not run {construct}: ")


@pytest.mark.parametrize(
    "query",
    [
        "RETURN [1, 2] AS l",
        "MATCH (n) WHERE n.id IN ['catl'] RETURN n.id",
        "MATCH (a)-[r:SUPPLIES]->(b) RETURN a.id ORDER BY a.id",
    ],
)
def test_list_literals_and_patterns_are_not_subscripts(query):
    check(query, embedded=True)


@pytest.mark.parametrize(
    "query,start",
    [
        ("MATCH (n RETURN n", "Error: the query does not parse: Invalid input"),
        (
            "MATCH (n:Enterprise) RETURN n.no_such_property",
            "Error: no node or relationship in the data has the property no_such_property (asked of n)",
        ),
        (
            "RETURN toInteger('3')",
            "Error: the embedded store has no function tointeger() (see the README's Cypher subset); Neo4j may run it",
        ),
        (
            "MATCH (c:Company) RETURN c",
            "Error: the graph has no node label or relationship type Company: labels are Enterprise, Segment,",
        ),
        ("RETURN 1; RETURN 2", "Error: run one statement at a time"),
        ("   ", "Error: the query is empty"),
    ],
)
def test_engine_errors_are_one_line(runner, query, start):
    r = runner.invoke(cli, ["query", query])
    assert r.exit_code == 1 and r.output.startswith(start) and r.output.count("\n") == 1, r.output


def test_timeout_stops_a_runaway_query(runner):
    t = time.perf_counter()
    r = runner.invoke(
        cli,
        ["query", "MATCH (a), (b), (c), (d) WHERE a.id + b.id + c.id + d.id = 'x' RETURN count(*)", "--timeout", "0.5"],
    )
    assert r.exit_code == 1 and r.output == "Error: the query ran past the 0.5 s timeout\n"
    assert time.perf_counter() - t < 10


@pytest.mark.neo4j
def test_neo4j_guard_syntax_error_and_timeout(runner, db, neo4j_env):
    r = runner.invoke(cli, ["query", "MATCH (n:LG) DETACH DELETE n"] + neo(neo4j_env))
    assert r.exit_code == 1 and "read-only unless --write" in r.output
    r = runner.invoke(cli, ["query", "MATCH (n RETURN n"] + neo(neo4j_env))
    assert (
        r.exit_code == 1
        and r.output.startswith(f"Error: Neo4j at {neo4j_env['uri']} cannot run this query: Invalid input 'RETURN'")
        and r.output.count("\n") == 1
    )
    r = runner.invoke(
        cli,
        ["query", "MATCH (a), (b), (c), (d) WHERE a.id + b.id + c.id + d.id = 'x' RETURN count(*)", "--timeout", "0.5"]
        + neo(neo4j_env),
    )
    assert r.exit_code == 1 and r.output == "Error: the query ran past the 0.5 s timeout\n"


@pytest.mark.neo4j
def test_the_server_refuses_a_write_that_slips_past_the_guard(db, monkeypatch):
    """The server's plan is a second lock and the read-access session a third: a write the text check
    missed is refused by Neo4j."""
    import lithiumgraph.cypher
    import lithiumgraph.guard

    monkeypatch.setattr(lithiumgraph.cypher, "check", lambda *a, **k: None)
    with pytest.raises(
        LithiumGraphError, match=r"^Neo4j plans this query as more than a read \(query type 'rw', Create\)"
    ):
        db.query("CREATE (n:Scratch {id: 'x'}) RETURN n.id")
    monkeypatch.setattr(lithiumgraph.guard, "check_plan", lambda *a, **k: None)
    with pytest.raises(LithiumGraphError, match="refused a write in a read-only session"):
        db.query("CREATE (n:Scratch {id: 'x'}) RETURN n.id")
    monkeypatch.undo()
    assert db.query("MATCH (n:Scratch) RETURN count(n) AS n").rows == [[0]]


@pytest.mark.neo4j
def test_write_with_write_on_neo4j(db):
    db.query("CREATE (n:Scratch {id: 'lg-test'})", write=True)
    assert db.query("MATCH (n:Scratch {id: 'lg-test'}) RETURN count(n) AS n").rows == [[1]]
    db.query("MATCH (n:Scratch) DELETE n", write=True)
    assert db.query("MATCH (n:Scratch) RETURN count(n) AS n").rows == [[0]]


@pytest.mark.neo4j
def test_parameters_carry_hostile_text_as_data(db, mem):
    evil = "'}) DETACH DELETE n //"
    for store in (mem, db):
        assert store.query("MATCH (e:Enterprise) WHERE e.name_zh = $x RETURN count(e) AS n", {"x": evil}).rows == [[0]]
    assert db.query("MATCH (n:LG) RETURN count(n) AS n").rows == [[mem.graph().number_of_nodes()]]


def test_params_from_the_command_line(runner):
    r = runner.invoke(
        cli,
        [
            "query",
            "MATCH (e:Enterprise) WHERE e.id IN $ids AND size(e.sources) >= $n RETURN e.id ORDER BY e.id",
            "--param",
            'ids=["catl","gotion","nope"]',
            "--param",
            "n=2",
            "--format",
            "csv",
        ],
    )
    assert r.exit_code == 0, r.output
    assert r.stdout == "e.id\ncatl\ngotion\n"
    assert parse_param("name=宁德时代") == ("name", "宁德时代")
    with pytest.raises(LithiumGraphError, match="expected NAME=VALUE"):
        parse_param("no equals sign")


def test_query_output_formats(runner):
    q = "MATCH (e:Enterprise)-[r:SUPPLIES]->(c:Enterprise {id: 'hozon'}) RETURN e, r, c.name_zh AS customer"
    r = runner.invoke(cli, ["query", q])
    assert r.exit_code == 0
    assert "(Enterprise catl)" in r.stdout and "[SUPPLIES catl→hozon]" in r.stdout and "合众新能源汽车" in r.stdout
    data = json.loads(runner.invoke(cli, ["query", q, "--format", "json"]).stdout)
    assert data[0]["e"]["id"] == "catl" and data[0]["r"]["from"] == "catl"
    assert data[0]["r"]["sources"][0] == "pandaily-neta-catl"


# -- traversals -----------------------------------------------------------------------------------------


def rows(runner, *args):
    r = runner.invoke(cli, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_upstream_and_downstream(runner):
    up_hozon = [(s["hop"], s["id"]) for s in rows(runner, "upstream", "哪吒汽车")]
    assert up_hozon[0] == (1, "catl") and (2, "shenghua") in up_hozon and {h for h, _ in up_hozon} == {1, 2}
    up = rows(runner, "upstream", "宁德时代", "--level", "segment", "--hops", "2")
    assert {s["id"] for s in up if s["hop"] == 1} >= {"cathode-lfp", "anode", "electrolyte", "separator"}
    assert {s["id"] for s in up if s["hop"] == 2} >= {"lithium-carbonate", "lipf6", "graphite"}
    down = rows(runner, "downstream", "Ganfeng", "--hops", "3")
    assert sorted(s["id"] for s in down) == ["bmw", "dongfeng-renault", "lg-chem", "tesla"]
    assert all(s["sources"] for s in up + down)


def test_suppliers_customers_neighbours_path(runner):
    sup = [s["id"] for s in rows(runner, "suppliers", "CATL")]
    assert {"shenghua", "yuneng", "semcorp", "jiayuan", "btr"} <= set(sup) and sup == sorted(sup)
    assert [s["id"] for s in rows(runner, "customers", "国轩高科")] == [
        "baic",
        "jac",
        "king-long",
        "saic",
        "sgmw",
        "volkswagen",
    ]
    nb = rows(runner, "neighbours", "宜春时代", "--edge", "SUBSIDIARY_OF")
    assert [(s["id"], s["detail"]) for s in nb] == [("catl", "share_pct=85.5")]
    p = rows(runner, "path", "江西升华", "哪吒汽车")
    assert [(s["source_node"], s["target_node"], s["edge"]) for s in p] == [
        ("shenghua", "catl", "SUPPLIES"),
        ("catl", "hozon", "SUPPLIES"),
    ]
    assert p[0]["sources"] == SHENGHUA_CATL
    back = rows(runner, "path", "哪吒汽车", "江西升华")
    assert back == p


def test_path_without_supply_link_says_so_and_any_finds_one(runner):
    r = runner.invoke(cli, ["path", "赣锋锂业", "宁德时代"])
    assert r.exit_code == 0 and r.output.startswith("no stated supply path between 江西赣锋锂业集团")
    assert "--any" in r.output and "Error" not in r.output
    assert json.loads(runner.invoke(cli, ["path", "赣锋锂业", "宁德时代", "--format", "json"]).output) == []
    p = rows(runner, "path", "赣锋锂业", "宁德时代", "--any")
    assert p[0]["source_node"] == "ganfeng" and p[-1]["id"] == "catl" and all(s["sources"] for s in p)


def test_traversal_names_resolve_like_show(runner):
    r = runner.invoke(cli, ["upstream", "宁德电池"])
    assert r.exit_code == 1 and "closest matches" in r.output and "catl" in r.output
    r = runner.invoke(cli, ["customers", "宜春经开区"])
    assert (
        r.exit_code == 1
        and "walks start from an enterprise, a project, a segment, a product or an industry" in r.output
    )
    r = runner.invoke(cli, ["suppliers", "electrolyte"])
    assert r.exit_code == 0 and "lipf6" in r.output and "electrolyte-solvent" in r.output


@pytest.mark.neo4j
def test_parity_on_a_synthetic_graph(db, neo4j_env, tmp_path, runner):
    from click.testing import CliRunner

    syn = tmp_path / "syn"
    assert runner.invoke(cli, ["synth", "--enterprises", "1500", "--seed", "3", "-o", str(syn)]).exit_code == 0
    push(CliRunner(), neo4j_env, "--replace", "--data", str(syn))
    try:
        local = MemoryStore([syn])
        for query, params in SCALE_QUERIES + [(q, p) for _, q, p in QUERIES]:
            a, b = local.query(query, params), db.query(query, params)
            assert a.columns == b.columns, query
            assert canon(a.rows, "ORDER BY" in query) == canon(b.rows, "ORDER BY" in query), query
        assert local.query(SCALE_QUERIES[5][0]).rows[0][0] == 1500
    finally:
        push(CliRunner(), neo4j_env, "--replace")


def test_the_embedded_store_refuses_kinds_outside_the_model():
    import networkx as nx
    from lithiumgraph.stores.embedded import Embedded

    G = nx.MultiDiGraph()
    G.add_node("x", kind="Evil`) DETACH DELETE n //")
    with pytest.raises(LithiumGraphError, match="node kinds outside the model"):
        Embedded(G)


@pytest.mark.parametrize(
    "query,expected",
    [
        (
            "MATCH (a)-[:SUPPLIES*2]->(c) RETURN c",
            "MATCH (a)-[lg_hop5_1:SUPPLIES]->()-[lg_hop5_2:SUPPLIES]->(c)  WHERE lg_hop5_1 <> lg_hop5_2 RETURN c",
        ),
        (
            "MATCH p = (a)<-[:A|B*2..2]-(c) WHERE a.x = 1 OR c.x = 2 RETURN p",
            "MATCH p = (a)<-[lg_hop8_1:A|B]-()<-[lg_hop8_2:A|B]-(c) WHERE ( a.`x` = 1 OR c.`x` = 2 ) "
            "AND lg_hop8_1 <> lg_hop8_2 RETURN p",
        ),
        (
            "MATCH (e) WHERE EXISTS { MATCH (e)-[:S*1]->(x)-[:S*1]->(y) } RETURN e",
            "MATCH (e) WHERE EXISTS { MATCH (e)-[lg_hop12_1:S]->(x)-[lg_hop24_1:S]->(y)  WHERE lg_hop12_1 <> lg_hop24_1 } "
            "RETURN e",
        ),
        # left as written: a named list, an undirected pattern, a range, RETURN *, a pattern in a WHERE
        ("MATCH (a)-[r:S*2]->(c) RETURN r", None),
        ("MATCH (a)-[:S*2]-(c) RETURN c", None),
        ("MATCH (a)-[:S*1..2]->(c) RETURN c", None),
        ("MATCH (a)-[:S*2]->(c) RETURN *", None),
        ("MATCH (a) WHERE (a)-[:S*2]->() RETURN a", None),
    ],
)
def test_fixed_lengths_become_hops_that_never_reuse_a_relationship(query, expected):
    assert rewrite(query) == (expected or query)


@pytest.mark.parametrize(
    "query,looped,expected",
    [
        # neighbouring hops of one pattern are one relationship only on a node's relationship to itself
        (
            "MATCH (a)-[:SUPPLIES*2]->(c) RETURN c",
            [],
            "MATCH (a)-[lg_hop5_1:SUPPLIES]->()-[lg_hop5_2:SUPPLIES]->(c) RETURN c",
        ),
        (
            "MATCH (a)-[:SUPPLIES*3]->(c) RETURN c",
            ["UPSTREAM_OF"],
            "MATCH (a)-[lg_hop5_1:SUPPLIES]->()-[lg_hop5_2:SUPPLIES]->()-[lg_hop5_3:SUPPLIES]->(c)  "
            "WHERE lg_hop5_1 <> lg_hop5_3 RETURN c",
        ),
        (
            "MATCH (a)-[:SUPPLIES*2]->(c) RETURN c",
            ["SUPPLIES"],
            "MATCH (a)-[lg_hop5_1:SUPPLIES]->()-[lg_hop5_2:SUPPLIES]->(c)  WHERE lg_hop5_1 <> lg_hop5_2 RETURN c",
        ),
        (
            "MATCH (a)<-[:A|`B`*2]-(c) RETURN c",
            ["b"],
            "MATCH (a)<-[lg_hop6_1:A|`B`]-()<-[lg_hop6_2:A|`B`]-(c)  WHERE lg_hop6_1 <> lg_hop6_2 RETURN c",
        ),
        ("MATCH (a)-[*2]->(c) RETURN c", [], "MATCH (a)-[lg_hop5_1]->()-[lg_hop5_2]->(c) RETURN c"),
        (
            "MATCH (a)-[*2]->(c) RETURN c",
            ["LOCATED_IN"],
            "MATCH (a)-[lg_hop5_1]->()-[lg_hop5_2]->(c)  WHERE lg_hop5_1 <> lg_hop5_2 RETURN c",
        ),
        # hops of two patterns may meet anywhere: their condition stays
        (
            "MATCH (a)-[:S*1]->(b)-[:S*2]->(c) RETURN c",
            [],
            "MATCH (a)-[lg_hop5_1:S]->(b)-[lg_hop17_1:S]->()-[lg_hop17_2:S]->(c)  "
            "WHERE lg_hop5_1 <> lg_hop17_1 AND lg_hop5_1 <> lg_hop17_2 RETURN c",
        ),
    ],
)
def test_neighbouring_hops_need_no_condition_without_a_relationship_to_itself(query, looped, expected):
    asked = []
    assert rewrite(query, lambda: asked.append(1) or looped) == expected
    assert asked == [1]
    assert rewrite("MATCH (a)-[:S*1]->(c) RETURN c", lambda: asked.append(1) or []) and asked == [1]


def test_fixed_lengths_on_a_graph_with_a_relationship_to_itself(tmp_path):
    """A firm that supplies itself (the data's checks refuse it; a graph built in code may have it): two
    hops never reuse its relationship, built from the graph or opened from a file."""
    import networkx as nx
    from lithiumgraph.stores.embedded import Embedded

    G = nx.MultiDiGraph()
    for n in ("a", "b"):
        G.add_node(n, kind="Enterprise", id=n)
    G.add_edge("a", "a", key="s1", kind="SUPPLIES")
    G.add_edge("a", "b", key="s2", kind="SUPPLIES")
    query = "MATCH (x:Enterprise)-[:SUPPLIES*2]->(y:Enterprise) RETURN x.id, y.id"
    built = Embedded(G, path=tmp_path / "db")
    assert built.run(query).rows == [["a", "b"]]  # a->a->a would reuse the one relationship
    built.close()
    opened = Embedded.open(tmp_path / "db")
    assert opened.run(query).rows == [["a", "b"]] and opened._looped() == {"SUPPLIES"}
    G.remove_edge("a", "a", key="s1")
    assert Embedded(G).run(query).rows == []
