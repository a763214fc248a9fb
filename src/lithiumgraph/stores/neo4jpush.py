"""Push a graph to Neo4j in idempotent batches, each batch sent as columns.

Every node carries the label ``LG`` (what ``--replace`` clears) and one label from
:data:`~lithiumgraph.model.NODE_KINDS`; relationship types come from :data:`~lithiumgraph.model.EDGE_KINDS`.
Labels, types and property names are checked before anything is sent; values always travel as query
parameters. A batch is one list per property (``UNWIND range(0, size($p0) - 1) AS i … $p3[i]``) rather
than one map per row: the client packs no per-row dicts and the server decodes no repeated keys.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from typing import Callable

import networkx as nx

from ..errors import LithiumGraphError
from ..model import EDGE_KINDS, NODE_KINDS

__all__ = ["push", "CLEAR_RELS", "CLEAR_NODES"]

BATCH = 5000
WORKERS = 2  # concurrent sessions: the server commits one batch while the next is sent
PROPERTY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# relationships first, in small transactions, so that dense nodes never need one huge transaction
CLEAR_RELS = "MATCH (:LG)-[e]->(:LG) CALL (e) { DELETE e } IN TRANSACTIONS OF 10000 ROWS"
CLEAR_NODES = "MATCH (n:LG) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


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
    from .neo4j import _error

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
        for kind, (ids, datas) in _by_kind(G.nodes(data=True)).items():
            assert kind in NODE_KINDS
            cols, props = _columns(datas, {"id": ids})
            q = f"CREATE (n:LG:{kind} {props})" if fresh else f"MERGE (n:LG {{id: $p0[i]}}) SET n = {props}, n:{kind}"
            jobs += _parts(_UNWIND + q + " RETURN collect([n.id, elementId(n)])", cols, batch)
        nodes = _submit(pool, driver, jobs, database, batch)
        # relationship columns are built while the server creates the nodes; they find their ends by
        # element id, a cheaper seek than the id index, filled in just before each batch is sent. Each
        # batch sends its (id, element id) pairs back as one record: the driver's cost is per record
        by_type = _by_kind(G.edges(keys=True, data=True))
        element = dict(pair for records in _collect(nodes, progress) for r in records for pair in r[0])

        def ends(cols):
            cols["u"] = [element[u] for u in cols["u"]]
            cols["v"] = [element[v] for v in cols["v"]]
            return cols

        jobs = []
        for kind, (edges, datas) in by_type.items():
            assert kind in EDGE_KINDS
            order = sorted(range(len(edges)), key=edges.__getitem__)  # neighbouring rows touch the same nodes
            edges, datas = [edges[j] for j in order], [datas[j] for j in order]
            cols, props = _columns(datas, {"_key": [k for _, _, k in edges]})
            cols.update(u=[u for u, _, _ in edges], v=[v for _, v, _ in edges])
            match = "MATCH (a) WHERE elementId(a) = $u[i] MATCH (b) WHERE elementId(b) = $v[i]"
            q = (
                f"{match} CREATE (a)-[e:{kind} {props}]->(b)"
                if fresh
                else f"{match} MERGE (a)-[e:{kind} {{_key: $p0[i]}}]->(b) SET e = {props}"
            )
            jobs += _parts(_UNWIND + q, cols, batch)
        # MERGE onto existing nodes locks both ends of every relationship it looks at: two sessions merging
        # around the same busy node deadlock until the driver's retries run out, so a re-run goes one at a time
        _collect(_submit(pool if fresh else serial, driver, jobs, database, batch, ends), progress)


_UNWIND = "UNWIND range(0, size($p0) - 1) AS i "


def _by_kind(items) -> dict[str, tuple[list, list[dict]]]:
    """``G.nodes(data=True)`` or ``G.edges(keys=True, data=True)`` grouped by kind: for each, the node ids
    (or ``(u, v, key)`` triples) and their attribute dicts, in the same order."""
    out: dict[str, tuple[list, list[dict]]] = {}
    for *head, d in items:
        ids, datas = out.setdefault(d["kind"], ([], []))
        ids.append(head[0] if len(head) == 1 else tuple(head))
        datas.append(d)
    return out


def _columns(datas: list[dict], first: dict[str, list]) -> tuple[dict[str, list], str]:
    """One list per property (``None`` where a row lacks it: Neo4j stores nothing for a null) as parameters
    ``p0``, ``p1``, … with ``first``'s key as ``p0``, and the map literal ``{`id`: $p0[i], …}`` that reads
    them. Spelling the keys out spares CREATE the Eager step (every row buffered) that Neo4j plans for
    ``SET n = r``. ``push`` has checked every key against :data:`PROPERTY_RE` before anything was sent."""
    keys = list(first) + sorted({k for d in datas for k in d} - {"kind"} - set(first))
    assert all(PROPERTY_RE.fullmatch(k) for k in keys)
    cols = {f"p{j}": first[k] if k in first else [d.get(k) for d in datas] for j, k in enumerate(keys)}
    return cols, "{" + ", ".join(f"`{k}`: $p{j}[i]" for j, k in enumerate(keys)) + "}"


def _parts(q: str, cols: dict[str, list], batch: int) -> list[tuple[str, dict[str, list]]]:
    n = len(cols["p0"])
    return [(q, {name: col[i : i + batch] for name, col in cols.items()}) for i in range(0, n, batch)]


class _Column(list):
    """A parameter list with a short repr: the driver formats every RUN's parameters for its debug log
    even when that log is off (neo4j 6.4, ``_bolt5.py``), which cost a quarter of the client's time."""

    def __repr__(self) -> str:
        return f"<{len(self)} values>"


def _submit(pool, driver, parts: list[tuple[str, dict]], database, batch: int, prepare=None) -> list:
    """Queue (query, columns) parts on the pool's sessions, so the server commits one transaction while
    the next is prepared and sent. Consecutive small parts share a transaction of up to ``batch`` rows
    (a graph has many kinds with few rows each); ``prepare(columns)`` runs once, before a part is sent."""
    jobs: list[list[tuple[str, dict]]] = []
    size = 0
    for q, cols in parts:
        if not jobs or size + len(cols["p0"]) > batch:
            jobs.append([])
            size = 0
        jobs[-1].append((q, cols))
        size += len(cols["p0"])

    def one(job):
        job = [(q, {k: _Column(v) for k, v in (prepare(cols) if prepare else cols).items()}) for q, cols in job]
        with driver.session(database=database) as s:
            return s.execute_write(lambda tx: [r for q, cols in job for r in tx.run(q, cols)])

    return [(sum(len(cols["p0"]) for _, cols in job), pool.submit(one, job)) for job in jobs]


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
