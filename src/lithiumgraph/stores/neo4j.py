"""The Neo4j store: the connection, the one error mapping, and reading a pushed graph back as the same
networkx graph (:mod:`.neo4jpush` writes it: nodes labelled ``LG`` and their kind)."""

from __future__ import annotations

from datetime import date
from typing import Iterable

import networkx as nx

from ..errors import LithiumGraphError, QueryError, StoreUnavailable
from ..model import EDGE_KINDS, NODE_KINDS
from . import Result

__all__ = ["Neo4jStore", "connect", "plain"]

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
        self,
        park: str,
        *,
        supplies: bool = False,
        segments: Iterable[str] | None = None,
        as_of: str | date | None = None,
    ) -> nx.MultiDiGraph:
        """Only what the park analyses read for ``park`` (an id or a name) in the graph of ``as_of`` (default
        today), fetched with server-side Cypher in one read transaction (see :mod:`.neo4jpark`) and cut to
        the day in place; with ``supplies``, the supply relations of the park's groups; with ``segments``, also
        what recommend scores the candidates in those segments with. Refused while a push is writing."""
        from ..collector import collector_paused
        from ..history import parse_date
        from ..timeline import snapshot

        with collector_paused(promote=True):  # the driver unpacks hundreds of thousands of small objects
            G = snapshot(self._park_graph(park, supplies, segments), as_of, inplace=True)
        G.graph.setdefault("as_of", parse_date(as_of).isoformat())  # dated like the whole graph would be
        return G

    def _park_graph(self, park: str, supplies: bool, segments: Iterable[str] | None) -> nx.MultiDiGraph:
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
