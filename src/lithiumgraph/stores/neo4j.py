"""The Neo4j store: push the graph in idempotent batches, and read it back as the same networkx graph.

Every node lithiumgraph writes carries the label ``LG`` (what ``--replace`` clears) and one label from
:data:`~lithiumgraph.model.NODE_KINDS`; relationship types come from
:data:`~lithiumgraph.model.EDGE_KINDS`. Labels and types are never taken from data: anything outside
the allow-lists is refused. Values always travel as query parameters.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from typing import Callable, Iterable

import networkx as nx

from ..errors import LithiumGraphError, QueryError, StoreUnavailable
from ..model import EDGE_KINDS, NODE_KINDS
from . import Result

__all__ = ["Neo4jStore", "connect", "push", "plain"]

BATCH = 5000
WORKERS = 2  # concurrent sessions: the server commits one batch while the next is sent
PROPERTY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# relationships first, in small transactions, so that dense nodes never need one huge transaction
CLEAR_RELS = "MATCH (:LG)-[e]->(:LG) CALL (e) { DELETE e } IN TRANSACTIONS OF 10000 ROWS"
CLEAR_NODES = "MATCH (n:LG) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
#: Relationships above which ``push`` points to the offline import (``export --to neo4j-import``) for a first load.
OFFLINE_ABOVE = 1_000_000
TIMEOUT = 3.0  # seconds: connection, acquisition and retry window, so a dead server fails fast


def connect(uri: str, user: str, password: str, database: str | None = None):
    """A verified driver, or StoreUnavailable naming the URI and the cause in one line."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import ConfigurationError

    try:
        driver = GraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=TIMEOUT,
            connection_acquisition_timeout=TIMEOUT,
            max_transaction_retry_time=TIMEOUT,
            notifications_min_severity="OFF",
        )
    except (ConfigurationError, ValueError) as e:
        raise StoreUnavailable(f"bad Neo4j URI {uri!r}: {e}") from None
    try:
        driver.verify_connectivity()
        driver.execute_query("RETURN 1", database_=database)
    except Exception as e:
        driver.close()
        raise _error(e, uri, user=user, database=database) from None
    return driver


def _error(
    e: Exception,
    uri: str,
    *,
    user: str = "",
    database: str | None = None,
    timeout: float | None = None,
    during: str = "",
) -> Exception:
    """The one mapping from the driver's errors to ours: StoreUnavailable when the server cannot be
    reached or refuses us, LithiumGraphError when it refuses a query (``during="query"``); anything
    else is returned as it is, to be re-raised. ``during="push"`` says a push can be run again."""
    from neo4j.exceptions import AuthError, ClientError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

    if isinstance(e, AuthError):
        return StoreUnavailable(f"Neo4j at {uri} refused the user {user!r}: wrong user name or password")
    if during == "push" and isinstance(e, (ServiceUnavailable, SessionExpired, OSError)):
        return StoreUnavailable(
            f"Neo4j at {uri} became unreachable during the push ({_first_line(e)}); "
            "nothing pushed is lost: run the same push again to complete it"
        )
    if isinstance(e, (ServiceUnavailable, SessionExpired)):
        return StoreUnavailable(f"cannot reach Neo4j at {uri}: {_first_line(e)}")
    if isinstance(e, ClientError):
        code = e.code or ""
        if "DatabaseNotFound" in code:
            return StoreUnavailable(f"Neo4j at {uri} has no database {database!r}")
        if during == "query":
            if "TransactionTimedOut" in code:
                return QueryError(f"the query ran past the {timeout:g} s timeout")
            if "AccessMode" in code or "ForbiddenDueToTransactionType" in code:
                return QueryError(
                    "Neo4j refused a write in a read-only session; queries are read-only unless write=True"
                )
            msg = (e.message or str(e)).strip().splitlines()[0]
            return QueryError(f"Neo4j at {uri} cannot run this query: {msg}")
    if isinstance(e, (Neo4jError, DriverError, OSError)):
        cls = QueryError if during == "query" else StoreUnavailable
        return cls(f"Neo4j at {uri}: {_first_line(e)}")
    return e


def _first_line(e: Exception) -> str:
    text = (str(e).strip() or type(e).__name__).splitlines()[0]
    return text.split(" (resolved to")[0].rstrip(" :")


def push(
    G: nx.MultiDiGraph,
    driver,
    *,
    database: str | None = None,
    replace: bool = False,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
    uri: str = "",
    workers: int = WORKERS,
) -> dict:
    """Write ``G`` to Neo4j: constraint first, then UNWIND batches on ``workers`` concurrent sessions
    (CREATE into an empty graph, MERGE otherwise). Running it twice leaves the same nodes, relationships
    and properties. Returns the counts."""
    kinds, keys = set(), set()
    for *_, d in chain(G.nodes(data=True), G.edges(data=True)):
        kinds.add(d.get("kind"))
        keys.update(d)
    bad = sorted(map(str, kinds - set(NODE_KINDS + EDGE_KINDS)))
    if bad:
        raise LithiumGraphError(f"refusing to push kinds outside the allow-list: {', '.join(bad)}")
    bad = sorted(k for k in map(str, keys) if not PROPERTY_RE.fullmatch(k))
    if bad:
        raise LithiumGraphError(f"refusing to push property names outside [A-Za-z_][A-Za-z0-9_]*: {bad[0]!r}")
    from .pushlock import hold

    try:
        with hold(driver, database, uri):  # one push at a time; reads are told while it runs
            _write(G, driver, database, replace, batch, progress, workers)
    except Exception as e:
        err = _error(e, uri, during="push")
        if err is e:
            raise
        raise err from None
    return {"nodes": G.number_of_nodes(), "relationships": G.number_of_edges()}


def _write(G: nx.MultiDiGraph, driver, database, replace: bool, batch: int, progress, workers: int) -> None:
    """The push itself, under the lock: constraint, optional clear, then node and relationship batches."""
    with driver.session(database=database) as s:
        s.run("CREATE CONSTRAINT lg_id IF NOT EXISTS FOR (n:LG) REQUIRE n.id IS UNIQUE").consume()
        if replace:
            s.run(CLEAR_RELS).consume()
            s.run(CLEAR_NODES).consume()
        # into an empty graph CREATE is enough (and about twice as fast); a re-run after an
        # interrupted push finds nodes there and MERGEs, so it completes the graph without duplicates
        fresh = s.run("MATCH (n:LG) RETURN count(n) > 0 AS any").single()["any"] is False
    with ThreadPoolExecutor(max(1, workers)) as pool, ThreadPoolExecutor(1) as serial:
        jobs = []
        for kind, rows in _rows_by_kind(G.nodes(data=True), lambda n, d: {"id": n}).items():
            assert kind in NODE_KINDS
            props = _map_of(rows)
            q = (
                f"UNWIND $rows AS r CREATE (n:LG:{kind} {props})"
                if fresh
                else f"UNWIND $rows AS r MERGE (n:LG {{id: r.id}}) SET n = {props}, n:{kind}"
            )
            jobs += [
                (q + " RETURN n.id AS id, elementId(n) AS e", rows[i : i + batch]) for i in range(0, len(rows), batch)
            ]
        nodes = _submit(pool, driver, jobs, database, batch)
        # relationship rows are built while the server creates the nodes; they find their ends by
        # element id, a cheaper seek than the id index, filled in just before each batch is sent
        by_type = _rows_by_kind(G.edges(keys=True, data=True), lambda u, v, k, d: {"_u": u, "_v": v, "_key": k})
        element = {r["id"]: r["e"] for records in _collect(nodes, progress) for r in records}

        def ends(rows):
            for r in rows:
                r["_u"], r["_v"] = element[r["_u"]], element[r["_v"]]
            return rows

        jobs = []
        for kind, rows in by_type.items():
            assert kind in EDGE_KINDS
            rows.sort(key=lambda r: (r["_u"], r["_v"]))  # neighbouring rows touch the same nodes
            props = _map_of(rows, skip=("_u", "_v"))
            match = "MATCH (a) WHERE elementId(a) = r._u MATCH (b) WHERE elementId(b) = r._v"
            q = (
                f"UNWIND $rows AS r {match} CREATE (a)-[e:{kind} {props}]->(b)"
                if fresh
                else f"UNWIND $rows AS r {match} MERGE (a)-[e:{kind} {{_key: r._key}}]->(b) SET e = {props}"
            )
            jobs += [(q, rows[i : i + batch]) for i in range(0, len(rows), batch)]
        # MERGE onto existing nodes locks both ends of every relationship it looks at: two sessions merging
        # around the same busy node deadlock until the driver's retries run out, so a re-run goes one at a time
        _collect(_submit(pool if fresh else serial, driver, jobs, database, batch, ends), progress)


def _map_of(rows: list[dict], skip: tuple[str, ...] = ()) -> str:
    """A map literal taking every property the rows carry, ``{`id`: r.`id`, …}``. Spelling the keys out
    spares CREATE the Eager step (every row buffered) that Neo4j plans for ``SET n = r``; a row without
    a key stores nothing there.
    ``push`` has checked every key against :data:`PROPERTY_RE` before anything was sent."""
    keys = sorted({k for r in rows for k in r} - set(skip))
    assert all(PROPERTY_RE.fullmatch(k) for k in keys)
    return "{" + ", ".join(f"`{k}`: r.`{k}`" for k in keys) + "}"


def _rows_by_kind(items, base) -> dict[str, list[dict]]:
    """Property rows grouped by kind, from ``G.nodes(data=True)`` or ``G.edges(keys=True, data=True)``;
    ``base(*item)`` gives the identifying fields. Tuples stay tuples: the driver sends them as lists."""
    out: dict[str, list[dict]] = {}
    for item in items:
        d = item[-1]
        row = {k: v for k, v in d.items() if k != "kind"}
        row.update(base(*item))
        out.setdefault(d["kind"], []).append(row)
    return out


class _Rows(list):
    """A batch of rows with a short repr: the driver formats every RUN's parameters for its debug log
    even when that log is off (neo4j 6.4, ``_bolt5.py``), which cost a quarter of the client's time."""

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def _submit(pool, driver, parts: list[tuple[str, list]], database, batch: int, prepare=None) -> list:
    """Queue (query, rows) parts on the pool's sessions, so the server commits one transaction while
    the next is prepared and sent. Consecutive small parts share a transaction of up to ``batch`` rows
    (a graph has many kinds with few rows each); ``prepare(rows)`` runs once, before a part is sent."""
    jobs: list[list[tuple[str, list]]] = []
    size = 0
    for q, rows in parts:
        if not jobs or size + len(rows) > batch:
            jobs.append([])
            size = 0
        jobs[-1].append((q, rows))
        size += len(rows)

    def one(job):
        job = [(q, _Rows(prepare(rows) if prepare else rows)) for q, rows in job]
        with driver.session(database=database) as s:
            return s.execute_write(lambda tx: [r for q, rows in job for r in tx.run(q, rows=rows)])

    return [(sum(len(rows) for _, rows in job), pool.submit(one, job)) for job in jobs]


def _collect(futures: list, progress) -> list[list]:
    """Each transaction's records, in order; the first failure cancels those not yet started."""
    out = []
    try:
        for n, f in futures:
            out.append(f.result())
            if progress:
                progress(n)
    except BaseException:
        for _, f in futures:
            f.cancel()
        raise
    return out


def plain(value, ids: dict | None = None):
    """Driver values as plain ones, in the embedded store's shape: nodes ``{"kind", "id", …}``,
    relationships ``{"type", "from", "to", …}`` (``ids`` maps the element ids of ends returned without
    their properties), paths ``{"nodes", "relationships"}``, temporal values as ISO text."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, dict):
        return {k: plain(v, ids) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, ids) for v in value]
    if isinstance(value, Node):
        kind = next((label for label in sorted(value.labels) if label != "LG"), None)
        return {"kind": kind, **{k: plain(v, ids) for k, v in value.items()}}
    if isinstance(value, Relationship):
        ends = [
            (n.get("id") or (ids or {}).get(n.element_id)) if n is not None else None
            for n in (value.start_node, value.end_node)
        ]
        return {
            "type": value.type,
            "from": ends[0],
            "to": ends[1],
            **{k: plain(v, ids) for k, v in value.items() if k != "_key"},
        }
    if isinstance(value, Path):
        return {
            "nodes": [plain(n, ids) for n in value.nodes],
            "relationships": [plain(r, ids) for r in value.relationships],
        }
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _value(v):
    """A property as the analyses expect it: lists as tuples, server types (dates, points) as text."""
    if isinstance(v, list):
        return tuple(_value(x) for x in v)
    return v if isinstance(v, (str, int, float, bool)) or v is None else str(plain(v))


def _relationships(values):
    from neo4j.graph import Path, Relationship

    for v in values:
        if isinstance(v, Relationship):
            yield v
        elif isinstance(v, Path):
            yield from v.relationships
        elif isinstance(v, (list, tuple)):
            yield from _relationships(v)
        elif isinstance(v, dict):
            yield from _relationships(v.values())


class Neo4jStore:
    """A lithiumgraph graph held in Neo4j; ``graph()`` reads it back in the canonical networkx form."""

    def __init__(self, uri: str, user: str = "neo4j", password: str = "", database: str | None = None):
        self.uri, self.database = uri, database
        self.driver = connect(uri, user, password, database)

    def _read(self, query: str, **params):
        from neo4j import RoutingControl

        try:
            return self.driver.execute_query(
                query, params, routing_=RoutingControl.READ, database_=self.database
            ).records
        except Exception as e:
            err = _error(e, self.uri, database=self.database)
            if err is e:
                raise
            raise err from None

    def graph(self) -> nx.MultiDiGraph:
        """The graph push wrote. On a shared server other nodes are left out: those without the label
        ``LG``, and LG nodes without exactly one known kind or with a missing or repeated id; their count
        is in ``G.graph["left_out"]``. Refused while a push is writing."""
        from .pushlock import LOCK, check_idle

        check_idle(self._read(LOCK), self.uri)
        nodes = self._read(
            "MATCH (n:LG) RETURN n.id AS id, [l IN labels(n) WHERE l IN $kinds] AS kinds, properties(n) AS props",
            kinds=list(NODE_KINDS),
        )
        G = nx.MultiDiGraph()
        left = {"nodes": 0, "relationships": 0}
        for r in nodes:
            nid = r["id"]
            if not isinstance(nid, str) or not nid or len(r["kinds"]) != 1 or nid in G:
                left["nodes"] += 1
                continue
            G.add_node(nid, kind=r["kinds"][0], **{k: _value(v) for k, v in r["props"].items() if k != "id"})
        if not G:
            raise LithiumGraphError(f"Neo4j at {self.uri} holds no lithiumgraph data: run 'lithiumgraph push' first")
        rels = self._read(
            "MATCH (a:LG)-[e]->(b:LG) RETURN a.id AS u, b.id AS v, type(e) AS kind, properties(e) AS props"
        )
        for r in rels:
            if (
                r["kind"] not in EDGE_KINDS
                or r["u"] not in G
                or r["v"] not in G
                or not isinstance(r["u"], str)
                or not isinstance(r["v"], str)
            ):
                left["relationships"] += 1
                continue
            props = {k: _value(v) for k, v in r["props"].items()}
            key = str(props.pop("_key", r["kind"]))
            G.add_edge(r["u"], r["v"], key=key, kind=r["kind"], **props)
        if any(left.values()):
            G.graph["left_out"] = left
        return G

    def park_graph(
        self, park: str, *, supplies: bool = False, segments: Iterable[str] | None = None
    ) -> nx.MultiDiGraph:
        """Only what the park analyses read for ``park`` (an id or a name), fetched with server-side Cypher in
        one read transaction (see :mod:`.neo4jpark`); with ``supplies``, the supply relations of the park's
        groups; with ``segments``, also what recommend scores the candidates in those segments with. Refused while a push is writing."""
        from neo4j import READ_ACCESS

        from .neo4jpark import park_graph
        from .pushlock import LOCK, check_idle

        def work(tx):
            check_idle(list(tx.run(LOCK)), self.uri)
            return park_graph(tx, park, supplies=supplies, segments=segments)

        try:
            with self.driver.session(database=self.database, default_access_mode=READ_ACCESS) as s:
                return s.execute_read(work)
        except Exception as e:
            err = _error(e, self.uri, database=self.database)
            if err is e:
                raise
            raise err from None

    def query(self, cypher: str, params: dict | None = None, *, write: bool = False, timeout: float | None = None):
        """Cypher on the server: a read-access session unless ``write``, so the server refuses writes too."""
        from neo4j import READ_ACCESS, WRITE_ACCESS, Query

        from ..cypher import check
        from ..guard import check_plan

        check(cypher, write=write)
        try:
            with self.driver.session(
                database=self.database, default_access_mode=WRITE_ACCESS if write else READ_ACCESS
            ) as s:
                if not write:  # a second lock: the server's own plan must be a plain read
                    from .pushlock import LOCK, check_idle

                    check_idle(list(s.run(LOCK)), self.uri)
                    check_plan(s.run(Query("EXPLAIN " + cypher, timeout=timeout), params or {}).consume())
                res = s.run(Query(cypher, timeout=timeout), params or {})
                columns = list(res.keys())
                raw = [rec.values() for rec in res]
                # a relationship returned alone carries its end nodes without properties: look up their ids
                ends = list(
                    {n.element_id for r in _relationships(raw) for n in (r.start_node, r.end_node) if "id" not in n}
                )
                ids = (
                    dict(s.run("MATCH (n) WHERE elementId(n) IN $e RETURN elementId(n), n.id", e=ends).values())
                    if ends
                    else {}
                )
                rows = [[plain(v, ids) for v in row] for row in raw]
        except Exception as e:
            err = _error(e, self.uri, database=self.database, timeout=timeout, during="query")
            if err is e:
                raise
            raise err from None
        return Result(columns, rows)

    def close(self) -> None:
        self.driver.close()
