"""A park's part of a graph held in Neo4j, read with server-side Cypher instead of the whole graph.

What is read is defined once for every store in :mod:`.parkpart`; here is its reader for a server: every node
with all its properties and dates, so the graph of any day is then taken on the client exactly as from the
whole graph. Anything else (supply relations between firms elsewhere, figures, prices) stays on the server.
"""

from __future__ import annotations

from typing import Iterable

import networkx as nx

from ..model import EDGE_KINDS, NODE_KINDS
from .neo4j import _value
from .parkpart import BASE, read_park

__all__ = ["park_graph"]

NODE = "[n.id, [l IN labels(n) WHERE l IN $kinds], properties(n)]"
#: The node at the far end of a relationship, its kinds and properties, or null if it is of a kind read whole.
FAR = (
    "CASE WHEN "
    + " OR ".join(f"{{far}}:{k}" for k in BASE)
    + " THEN null ELSE [[l IN labels({far}) WHERE l IN $kinds], properties({far})] END"
)
#: A relationship as a list: its ends' ids, type and properties.
REL = "a.id, b.id, type(r), properties(r)"
#: Property types kept as they come (lists become tuples, server types text).
PLAIN = frozenset((str, int, float, bool, type(None)))


def _types(types: Iterable[str]) -> str:
    types = tuple(types)
    assert all(t in EDGE_KINDS for t in types)  # names go into the query text: only known ones
    return "|".join(types)


class _Reader:
    """Nodes and relationships read so far, and the queries that add to them (all in one transaction)."""

    def __init__(self, tx) -> None:
        self.tx = tx
        self.nodes: dict[str, tuple[str, dict]] = {}
        self.rels: dict[tuple[str, str, str], tuple[str, dict]] = {}
        self.located: set[str] = set()  # parks whose sites' LOCATED_IN relationships have all been read

    def _rows(self, query: str, **params) -> list:
        """The one list ``query`` collects on the server. One record holding every row: the driver's cost is
        per record, and a record per row took twice as long as the server's own work."""
        return self.tx.run(query, params).single(strict=True)[0]

    def _add_nodes(self, rows) -> None:
        nodes = self.nodes
        for nid, kinds, props in rows:
            if type(nid) is str and nid and len(kinds) == 1 and nid not in nodes:
                nodes[nid] = (kinds[0], props)

    def _add_rels(self, rows) -> None:
        add = self.rels.setdefault
        for u, v, t, props, _ in rows:  # the fifth column: the far node, if any (see :meth:`_edges`)
            if type(u) is str and type(v) is str:
                key = props.get("_key", t)
                add((u, v, key if type(key) is str else str(key)), (t, props))

    def base(self) -> None:
        """Every park, segment, intensity and source, and the relationships among them."""
        where = " OR ".join(f"n:{k}" for k in BASE)
        self._add_nodes(self._rows(f"MATCH (n:LG) WHERE {where} RETURN collect({NODE})", kinds=list(NODE_KINDS)))
        starts = " UNION ".join(f"MATCH (a:LG:{k}) RETURN a" for k in BASE)  # a union of label scans: each
        # kind's own relationships, never the hundred thousand sites located in the parks
        self._add_rels(
            self._rows(
                f"CALL () {{ {starts} }} MATCH (a)-[r]->(b:LG) WHERE {where.replace('n:', 'b:')} "
                f"RETURN collect([{REL}, null])"
            )
        )

    def out(self, ids: Iterable[str], types: Iterable[str]) -> set[str]:
        """The relationships of ``types`` leaving ``ids`` and the nodes they reach; returns those nodes' ids.
        Sites' places already read whole (see :meth:`into`) are not sent again."""
        types = tuple(types)
        located = self.located and "LOCATED_IN" in types
        skip = " WHERE NOT (type(r) = 'LOCATED_IN' AND b.id IN $located)" if located else ""
        return self._edges(ids, types, "(a:LG {id: i})-[r:%s]->(b:LG)" + skip, 1)

    def into(self, ids: Iterable[str], types: Iterable[str]) -> set[str]:
        """The relationships of ``types`` entering ``ids`` and the nodes they come from; returns their ids."""
        ids, types = set(ids), tuple(types)
        found = self._edges(ids, types, "(a:LG)-[r:%s]->(b:LG {id: i})", 0)
        if types == ("LOCATED_IN",):
            self.located |= ids
        return found

    def _edges(self, ids, types, pattern: str, far: int) -> set[str]:
        """``pattern`` from each of ``ids``; ``far`` says which end (0 the start, 1 the end) is the node reached."""
        ids = sorted(set(ids))
        if not ids:
            return set()
        rows = self._rows(
            f"UNWIND $ids AS i MATCH {pattern % _types(types)} RETURN collect([{REL}, {FAR.format(far='ab'[far])}])",
            ids=ids,
            kinds=list(NODE_KINDS),
            located=sorted(self.located),
        )
        self._add_nodes([(r[far], *r[4]) for r in rows if r[4] is not None])
        self._add_rels(rows)
        return {r[far] for r in rows} & self.nodes.keys()

    def kind(self, ids: Iterable[str], kind: str) -> set[str]:
        return {i for i in ids if i in self.nodes and self.nodes[i][0] == kind}

    def graph(self) -> nx.MultiDiGraph:
        """What was read, as :func:`~lithiumgraph.graph.build_graph` lays it out: nodes in id order, then the
        relationships in (start, end, key) order, each property dict put in as made (no copy)."""
        from ..collector import collector_paused
        from ..graph import _put_edges, put_nodes

        G = nx.MultiDiGraph()
        with collector_paused():
            put_nodes(G, [(nid, _props(kind, props, "id")) for nid, (kind, props) in sorted(self.nodes.items())])
            node = G._node
            _put_edges(
                G,
                [
                    (u, v, key, _props(kind, props, "_key"))
                    for (u, v, key), (kind, props) in sorted(self.rels.items())  # keys are unique: never the values
                    if kind in EDGE_KINDS and u in node and v in node
                ],
            )
        return G


def _props(kind: str, props: dict, skip: str) -> dict:
    """``kind`` and the properties as the analyses expect them, leaving out ``skip`` (the id or key). The
    dict is copied whole and only values not of a plain type converted (lists of plain values, the
    usual ones, straight to tuples): most of the values go through no Python code at all."""
    d = {"kind": kind, **props}
    d.pop(skip, None)
    if not PLAIN.issuperset(map(type, props.values())):
        for k, v in props.items():
            if type(v) not in PLAIN and k != skip:
                d[k] = tuple(v) if type(v) is list and PLAIN.issuperset(map(type, v)) else _value(v)
    return d


def park_graph(tx, park: str, *, supplies: bool = False, segments: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """What the park analyses read for ``park`` (an id or a name), in the canonical networkx form, read in the
    transaction ``tx`` (see :func:`.parkpart.read_park` for ``supplies`` and ``segments``)."""
    return read_park(_Reader(tx), park, supplies=supplies, segments=segments)
