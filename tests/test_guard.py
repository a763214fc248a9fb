"""The read-only guard against hostile Cypher: the lexer ends comments, strings and quoted names where the
servers end them, and a clause a server would run (LOAD CSV, procedures, administration, writes, the
embedded engine's file and extension statements) is refused on both stores, whatever blanks, line
terminators and comments come before it. The servers themselves are the oracle: real Neo4j plans each
generated query with EXPLAIN, a scratch embedded engine runs it unguarded."""

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lithiumgraph.cli import cli
from lithiumgraph.cypher import check
from lithiumgraph.errors import LithiumGraphError
from lithiumgraph.guard import check_read, tokens

from test_neo4j import neo
from test_query import db, mem  # noqa: F401 -- fixtures

BUDGET = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
REPORTED = "WITH 1 AS x //c\rLOAD CSV FROM 'file:///etc/passwd' AS l RETURN l"

#: Every character some lexer takes for the end of a line, and blanks that end nothing.
BREAKS = [
    "\n",
    "\r",
    "\r\n",
    "\u2028",
    "\u2029",
    "\u0085",
    "\x0b",
    "\x0c",
    "\x1c",
    "\t",
    " ",
    "\xa0",
    "\u3000",
    "\u200b",
    "\ufeff",
    "",
]
INSIDE = st.lists(st.sampled_from(list("ab'\"`*/\\$;") + BREAKS[:9]), max_size=6).map("".join)
piece = st.one_of(
    st.sampled_from(BREAKS),
    st.builds(lambda t, end: "//" + t + end, INSIDE, st.sampled_from(BREAKS)),
    st.builds(lambda t: "/*" + t.replace("*/", "") + "*/", INSIDE),
)
separator = st.lists(piece, min_size=1, max_size=4).map("".join)


def test_the_reported_bypass_is_refused_on_both_stores(runner):
    r = runner.invoke(cli, ["query", REPORTED])
    assert r.exit_code == 1 and r.output == (
        "Error: this query loads files or the network (LOAD); queries are read-only unless --write is given\n"
    )


@pytest.mark.neo4j
def test_the_reported_bypass_is_refused_on_neo4j(runner, db, neo4j_env):  # noqa: F811
    r = runner.invoke(cli, ["query", REPORTED] + neo(neo4j_env))
    assert r.exit_code == 1 and r.output == (
        "Error: this query loads files or the network (LOAD); queries are read-only unless --write is given\n"
    )
    assert "root:" not in r.output
    assert "LoadCSV" in _neo4j_plan(neo4j_env, REPORTED)  # the server does read the LOAD CSV as live code


@pytest.mark.parametrize(
    "query,ends",
    [
        ("RETURN 1 //c\rLOAD", "LOAD"),
        ("RETURN 1 //c\nLOAD", "LOAD"),
        ("RETURN 1 //c\u2028LOAD", None),
        ("RETURN 1 //c\u2029LOAD", None),
        ("RETURN 1 //c\u0085LOAD", None),
        ("RETURN 'a\\'LOAD'", None),
        ("RETURN 'a\\\\' LOAD", "LOAD"),
        ('RETURN "a\\"LOAD"', None),
        ("RETURN `a``LOAD`", None),
        ("RETURN `a\\` LOAD", "LOAD"),
        ("RETURN /* /* */ LOAD", "LOAD"),
    ],
)
def test_the_lexer_ends_comments_strings_and_names_where_neo4j_does(query, ends):
    words = [t.text for t in tokens(query) if t.kind == "word"]
    assert (words[-1] == "LOAD") == (ends == "LOAD"), words


@pytest.mark.parametrize("query", ["RETURN 'abc", 'RETURN "a\\"', "RETURN `x", "RETURN 1 /* x", "RETURN 'a\\'"])
def test_unterminated_strings_names_and_comments_are_refused(query):
    with pytest.raises(LithiumGraphError, match="^unterminated .* at offset \\d+ of the query$"):
        check(query)


@pytest.mark.parametrize(
    "query,what",
    [
        ("LOAD CSV FROM 'https://example.org/x.csv' AS l RETURN l", "loads files or the network (LOAD)"),
        ("CALL dbms.components()", "calls a procedure (CALL dbms.components)"),
        ("CALL `apoc`.`load`.json('file:///etc/passwd')", "calls a procedure (CALL apoc.load.json)"),
        (
            "RETURN apoc.cypher.runFirstColumnSingle('LOAD CSV FROM $u AS l RETURN l', {})",
            "calls a plug-in function (apoc.cypher.runFirstColumnSingle())",
        ),
        ("SHOW TRANSACTIONS", "administers the server or its transactions (SHOW)"),
        ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "administers the server or its transactions (TERMINATE)"),
        ("CREATE USER bob SET PASSWORD 'x'", "writes (CREATE, SET)"),
        ("DROP DATABASE neo4j", "writes (DROP)"),
        ("ALTER USER neo4j SET PASSWORD 'x'", "writes (ALTER, SET)"),
        ("GRANT ROLE admin TO bob", "administers the server or its transactions (GRANT)"),
        ("USE system MATCH (n) RETURN n", "administers the server or its transactions (USE)"),
        ("INSERT (:X)", "writes (INSERT)"),
    ],
)
def test_neo4j_non_reads_are_refused_by_name(query, what):
    with pytest.raises(LithiumGraphError) as e:
        check(query)
    assert str(e.value) == f"this query {what}; queries are read-only unless write=True"


@pytest.mark.parametrize(
    "query",
    [
        "LOAD FROM '/etc/passwd' RETURN *",
        "COPY Enterprise FROM '/tmp/x.csv'",
        "COPY (MATCH (n) RETURN n) TO '/tmp/x.csv'",
        "INSTALL httpfs",
        "LOAD EXTENSION httpfs",
        "ATTACH '/tmp/x.db' AS x",
        "EXPORT DATABASE '/tmp/x'",
        "IMPORT DATABASE '/tmp/x'",
        "CALL current_setting('threads') RETURN *",
        "BEGIN TRANSACTION",
        "CHECKPOINT",
    ],
)
def test_embedded_file_network_and_extension_statements_are_refused_even_with_write(mem, query):  # noqa: F811
    for write in (False, True):
        with pytest.raises(LithiumGraphError):
            check(query, write=write, embedded=True)
    with pytest.raises(LithiumGraphError):
        mem.query(query, write=True)


@pytest.mark.parametrize(
    "query",
    [
        "CALL db.labels() YIELD label RETURN label",
        "RETURN date.truncate('month', date('2024-05-17')) AS d",
        "RETURN point.distance(point({x: 0, y: 0}), point({x: 3, y: 4})) AS d",
        "MATCH (n) RETURN n.start, n.`show`",
        "RETURN {use: 1, load: 2} AS m",
        "CALL { MATCH (n) RETURN n } RETURN count(*) AS c",
        "RETURN 'LOAD CSV' AS s // SHOW USERS\r",
        "RETURN 1 AS x /* CREATE (n) */",
    ],
)
def test_reads_that_mention_keywords_pass(query):
    check_read(query)


def _neo4j_plan(env, query) -> str:
    """Operator names of the plan Neo4j makes for the query (query type first), or '' where it cannot parse it."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import Neo4jError

    with GraphDatabase.driver(env["uri"], auth=(env["user"], env["password"]), notifications_min_severity="OFF") as d:
        try:
            s = d.execute_query("EXPLAIN " + query, {"u": "file:///etc/passwd"}).summary
        except Neo4jError:
            return ""
    ops, stack = [s.query_type], [s.plan]
    while stack:
        op = stack.pop()
        ops.append(op["operatorType"].split("@")[0])
        stack.extend(op.get("children", ()))
    return " ".join(ops)


NEO4J_TAILS = [
    "LOAD CSV FROM $u AS l RETURN l",
    "CALL dbms.components() YIELD name RETURN name",
    "CREATE (s:Scratch) RETURN 1 AS one",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
]


@pytest.mark.neo4j
@BUDGET
@given(
    lead=st.sampled_from(["WITH 1 AS x", "MATCH (n:Segment) WITH count(n) AS x", ""]),
    sep=separator,
    tail=st.sampled_from(NEO4J_TAILS),
)
def test_generated_variants_on_neo4j(db, neo4j_env, lead, sep, tail):  # noqa: F811
    query = lead + sep + tail
    plan = _neo4j_plan(neo4j_env, query)
    live = plan and (not plan.startswith("r ") or any(op in plan for op in ("LoadCSV", "ProcedureCall", "Terminate")))
    event("the server would run the tail" if live else "the tail is hidden or the query invalid")
    refused = False
    try:
        rows = db.query(query, {"u": "file:///etc/passwd"}).rows
    except LithiumGraphError as e:
        refused = True
        assert "\n" not in str(e)
    else:
        assert "root:" not in repr(rows)
    assert refused or not live, (query, plan)
    assert db.query("MATCH (s:Scratch) RETURN count(s) AS n").rows == [[0]]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """An unguarded embedded engine and a file for it to read: what the engine does with a query."""
    import ladybug

    d = tmp_path_factory.mktemp("scratch")
    (d / "marker.csv").write_text("LGMARKER\n")
    return ladybug.Connection(ladybug.Database(":memory:")), d


def _embedded_live(scratch, query) -> bool:
    conn, d = scratch
    try:
        r = conn.execute(query)
    except RuntimeError:
        return False
    rows = [] if isinstance(r, list) else [r.get_next() for _ in range(3) if r.has_next()]
    return "LGMARKER" in repr(rows) or "threads" in repr(rows) or (d / "out.csv").exists()


@BUDGET
@given(
    lead=st.sampled_from(["WITH 1 AS x", "RETURN 1 AS x", ""]),
    sep=separator,
    tail=st.sampled_from(
        [
            "LOAD FROM '{d}/marker.csv' (header=false) RETURN *",
            "CALL current_setting('threads') RETURN *",
            "COPY (RETURN 1) TO '{d}/out.csv'",
        ]
    ),
)
def test_generated_variants_on_the_embedded_store(mem, scratch, lead, sep, tail):  # noqa: F811
    query = lead + sep + tail.format(d=scratch[1])
    live = _embedded_live(scratch, query)
    event("the engine would run the tail" if live else "the tail is hidden or the query invalid")
    (scratch[1] / "out.csv").unlink(missing_ok=True)
    try:
        rows = mem.query(query).rows
    except LithiumGraphError as e:
        assert "\n" not in str(e)
    else:
        assert not live and "LGMARKER" not in repr(rows), query
    assert not (scratch[1] / "out.csv").exists()
