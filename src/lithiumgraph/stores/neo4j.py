"""The Neo4j store: push the graph in idempotent batches, and read it back as the same networkx graph.

Every node lithiumgraph writes carries the label ``LG`` (what ``--replace`` clears) and one label from
:data:`~lithiumgraph.model.NODE_KINDS`; relationship types come from
:data:`~lithiumgraph.model.EDGE_KINDS`. Labels and types are never taken from data: anything outside
the allow-lists is refused. Values always travel as query parameters.
"""
from __future__ import annotations

from typing import Callable

import networkx as nx

from ..errors import LithiumGraphError, StoreUnavailable
from ..model import EDGE_KINDS, NODE_KINDS

__all__ = ["Neo4jStore", "connect", "push"]

BATCH = 5000
# relationships first, in small transactions, so that dense nodes never need one huge transaction
CLEAR_RELS = "MATCH (:LG)-[e]->(:LG) CALL (e) { DELETE e } IN TRANSACTIONS OF 10000 ROWS"
CLEAR_NODES = "MATCH (n:LG) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
TIMEOUT = 3.0  # seconds: connection, acquisition and retry window, so a dead server fails fast


def connect(uri: str, user: str, password: str, database: str | None = None):
    """A verified driver, or StoreUnavailable naming the URI and the cause in one line."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, ClientError, ConfigurationError, Neo4jError, ServiceUnavailable

    try:
        driver = GraphDatabase.driver(uri, auth=(user, password), connection_timeout=TIMEOUT,
                                      connection_acquisition_timeout=TIMEOUT, max_transaction_retry_time=TIMEOUT,
                                      notifications_min_severity="OFF")
    except (ConfigurationError, ValueError) as e:
        raise StoreUnavailable(f"bad Neo4j URI {uri!r}: {e}") from None
    try:
        driver.verify_connectivity()
        driver.execute_query("RETURN 1", database_=database)
    except AuthError:
        driver.close()
        raise StoreUnavailable(f"Neo4j at {uri} refused the user {user!r}: wrong user name or password") from None
    except ServiceUnavailable as e:
        driver.close()
        raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {_first_line(e)}") from None
    except ClientError as e:
        driver.close()
        if "DatabaseNotFound" in (e.code or ""):
            raise StoreUnavailable(f"Neo4j at {uri} has no database {database!r}") from None
        raise StoreUnavailable(f"Neo4j at {uri}: {_first_line(e)}") from None
    except (Neo4jError, OSError) as e:
        driver.close()
        raise StoreUnavailable(f"Neo4j at {uri}: {_first_line(e)}") from None
    return driver


def _first_line(e: Exception) -> str:
    text = (str(e).strip() or type(e).__name__).splitlines()[0]
    return text.split(" (resolved to")[0].rstrip(" :")


def _clean(props: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in props.items()}


def push(G: nx.MultiDiGraph, driver, *, database: str | None = None, replace: bool = False,
         batch: int = BATCH, progress: Callable[[int], None] | None = None, uri: str = "") -> dict:
    """Write ``G`` to Neo4j: constraint first, then UNWIND batches (CREATE into an empty graph, MERGE
    otherwise). Running it twice leaves the same nodes, relationships and properties. Returns the counts."""
    from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

    kinds = {d.get("kind") for _, d in G.nodes(data=True)} | {d.get("kind") for _, _, d in G.edges(data=True)}
    bad = sorted(k for k in kinds if k not in NODE_KINDS + EDGE_KINDS)
    if bad:
        raise LithiumGraphError(f"refusing to push kinds outside the allow-list: {', '.join(map(str, bad))}")
    try:
        with driver.session(database=database) as s:
            s.run("CREATE CONSTRAINT lg_id IF NOT EXISTS FOR (n:LG) REQUIRE n.id IS UNIQUE").consume()
            if replace:
                s.run(CLEAR_RELS).consume()
                s.run(CLEAR_NODES).consume()
            # into an empty graph CREATE is enough (and about twice as fast); a re-run after an
            # interrupted push finds nodes there and MERGEs, so it completes the graph without duplicates
            fresh = s.run("MATCH (n:LG) RETURN count(n) > 0 AS any").single()["any"] is False
        by_kind: dict[str, list[dict]] = {}
        for n, d in G.nodes(data=True):
            props = _clean({k: v for k, v in d.items() if k != "kind"})
            props["id"] = n
            by_kind.setdefault(d["kind"], []).append({"id": n, "props": props})
        for kind, rows in by_kind.items():
            assert kind in NODE_KINDS
            q = (f"UNWIND $rows AS r CREATE (n:LG:{kind}) SET n = r.props" if fresh else
                 f"UNWIND $rows AS r MERGE (n:LG {{id: r.id}}) SET n = r.props, n:{kind}")
            for i in range(0, len(rows), batch):
                driver.execute_query(q, rows=rows[i:i + batch], database_=database)
                if progress:
                    progress(len(rows[i:i + batch]))
        by_type: dict[str, list[dict]] = {}
        for u, v, k, d in G.edges(keys=True, data=True):
            props = _clean({x: y for x, y in d.items() if x != "kind"})
            props["_key"] = k
            by_type.setdefault(d["kind"], []).append({"u": u, "v": v, "k": k, "props": props})
        for kind, rows in by_type.items():
            assert kind in EDGE_KINDS
            rows.sort(key=lambda r: (r["u"], r["v"]))  # neighbouring rows touch the same nodes
            verb = "CREATE" if fresh else "MERGE"
            q = (f"UNWIND $rows AS r MATCH (a:LG {{id: r.u}}) MATCH (b:LG {{id: r.v}}) "
                 f"{verb} (a)-[e:{kind} {{_key: r.k}}]->(b) SET e = r.props")
            for i in range(0, len(rows), batch):
                driver.execute_query(q, rows=rows[i:i + batch], database_=database)
                if progress:
                    progress(len(rows[i:i + batch]))
    except (ServiceUnavailable, SessionExpired, OSError) as e:
        raise StoreUnavailable(f"Neo4j at {uri} became unreachable during the push ({_first_line(e)}); "
                               "nothing pushed is lost: run the same push again to complete it") from None
    except Neo4jError as e:
        raise StoreUnavailable(f"Neo4j at {uri}: {_first_line(e)}") from None
    return {"nodes": G.number_of_nodes(), "relationships": G.number_of_edges()}


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

    def _read(self, query: str):
        from neo4j import RoutingControl
        from neo4j.exceptions import Neo4jError, ServiceUnavailable
        try:
            return self.driver.execute_query(query, routing_=RoutingControl.READ, database_=self.database).records
        except ServiceUnavailable as e:
            raise StoreUnavailable(f"cannot reach Neo4j at {self.uri}: {_first_line(e)}") from None
        except Neo4jError as e:
            raise StoreUnavailable(f"Neo4j at {self.uri}: {_first_line(e)}") from None

    def graph(self) -> nx.MultiDiGraph:
        nodes = self._read("MATCH (n:LG) RETURN n.id AS id, [l IN labels(n) WHERE l <> 'LG'][0] AS kind, "
                           "properties(n) AS props")
        if not nodes:
            raise LithiumGraphError(f"Neo4j at {self.uri} holds no lithiumgraph data: run 'lithiumgraph push' first")
        rels = self._read("MATCH (a:LG)-[e]->(b:LG) RETURN a.id AS u, b.id AS v, type(e) AS kind, "
                          "properties(e) AS props")
        G = nx.MultiDiGraph()
        for r in nodes:
            props = {k: tuple(v) if isinstance(v, list) else v for k, v in r["props"].items() if k != "id"}
            G.add_node(r["id"], kind=r["kind"], **props)
        for r in rels:
            props = {k: tuple(v) if isinstance(v, list) else v for k, v in r["props"].items()}
            key = props.pop("_key", r["kind"])
            G.add_edge(r["u"], r["v"], key=key, kind=r["kind"], **props)
        return G

    def query(self, cypher: str, params: dict | None = None, *, write: bool = False,
              timeout: float | None = None):
        """Cypher on the server: a read-access session unless ``write``, so the server refuses writes too."""
        from neo4j import READ_ACCESS, WRITE_ACCESS, Query
        from neo4j.exceptions import ClientError, Neo4jError, ServiceUnavailable

        from ..cypher import Result, check, normalise
        check(cypher, write=write)
        try:
            with self.driver.session(database=self.database,
                                     default_access_mode=WRITE_ACCESS if write else READ_ACCESS) as s:
                res = s.run(Query(cypher, timeout=timeout), params or {})
                columns = list(res.keys())
                raw = [rec.values() for rec in res]
                # a relationship returned alone carries its end nodes without properties: look up their ids
                ends = list({n.element_id for r in _relationships(raw) for n in (r.start_node, r.end_node)
                             if "id" not in n})
                ids = dict(s.run("MATCH (n) WHERE elementId(n) IN $e RETURN elementId(n), n.id", e=ends)
                           .values()) if ends else {}
                rows = [[normalise(v, ids) for v in row] for row in raw]
        except ServiceUnavailable as e:
            raise StoreUnavailable(f"cannot reach Neo4j at {self.uri}: {_first_line(e)}") from None
        except ClientError as e:
            code = e.code or ""
            if "TransactionTimedOut" in code or "TransactionTimedOutClientConfiguration" in code:
                raise LithiumGraphError(f"the query ran past the {timeout:g} s timeout") from None
            if "AccessMode" in code or "ForbiddenDueToTransactionType" in code:
                raise LithiumGraphError("Neo4j refused a write in a read-only session; "
                                        "queries are read-only unless --write is given") from None
            msg = (e.message or str(e)).strip().splitlines()[0]
            raise LithiumGraphError(f"Neo4j at {self.uri} cannot run this query: {msg}") from None
        except Neo4jError as e:
            raise LithiumGraphError(f"Neo4j at {self.uri}: {_first_line(e)}") from None
        return Result(columns, rows)

    def close(self) -> None:
        self.driver.close()
