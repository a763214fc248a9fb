"""A park's part of a graph held in Neo4j, read with server-side Cypher instead of the whole graph.

What the park analyses touch, and so what is read (every node with all its properties and dates, so the
graph of any day is then taken on the client exactly as from the whole graph):

- every park, segment, intensity and source, and the relationships among them (the template, the
  places, the dates of sources);
- the enterprises and projects located in the park or any park within it; the projects' firms,
  events, segments and places;
- the park's firms and every firm of their groups (``SUBSIDIARY_OF``, transitively): their
  segments, events and places;
- with ``supplies`` (what ``risk`` reads): their supply relations both ways, with the firms at the other end;
- with ``segments`` (what ``recommend`` scores nationally): the supply relations into those groups, every
  firm and project active in those segments, their groups with all the groups' projects, their products,
  and the firms and projects sited in the two regions around the park.

Anything else (supply relations between firms elsewhere, figures, prices) stays on the server.
"""

from __future__ import annotations

from typing import Iterable

import networkx as nx

from ..model import EDGE_KINDS, NODE_KINDS

__all__ = ["park_graph"]

#: Node kinds read whole: small, and what every park analysis and the graph's dates rest on.
BASE = ("Park", "Segment", "Intensity", "Source")
#: Relationships of a site (an enterprise or project located in a park), read from the park's side.
PROJECT_OUT = ("HAS_EVENT", "IN_SEGMENT", "LOCATED_IN")
FIRM_OUT = ("IN_SEGMENT", "HAS_EVENT", "LOCATED_IN")
NODE = "n.id AS id, [l IN labels(n) WHERE l IN $kinds] AS kinds, properties(n) AS props"
#: The node at the far end of a relationship, with its properties unless it is of a kind read whole.
FAR = (
    "{far}.id AS id, [l IN labels({far}) WHERE l IN $kinds] AS kinds, CASE WHEN "
    + " OR ".join(f"{{far}}:{k}" for k in BASE)
    + " THEN null ELSE properties({far}) END AS props"
)


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

    def _run(self, query: str, **params) -> list:
        return list(self.tx.run(query, params))

    def _add_nodes(self, records) -> None:
        for r in records:
            nid = r["id"]
            if isinstance(nid, str) and nid and len(r["kinds"]) == 1 and nid not in self.nodes:
                self.nodes[nid] = (r["kinds"][0], r["props"])

    def _add_rels(self, records) -> None:
        for r in records:
            u, v, props = r["u"], r["v"], r["rprops"]
            if not (isinstance(u, str) and isinstance(v, str)):
                continue
            self.rels.setdefault((u, v, str(props.get("_key", r["t"]))), (r["t"], props))

    def base(self) -> None:
        """Every park, segment, intensity and source, and the relationships among them."""
        where = " OR ".join(f"n:{k}" for k in BASE)
        self._add_nodes(self._run(f"MATCH (n:LG) WHERE {where} RETURN {NODE}", kinds=list(NODE_KINDS)))
        starts = " UNION ".join(f"MATCH (a:LG:{k}) RETURN a" for k in BASE)  # a union of label scans: each
        # kind's own relationships, never the hundred thousand sites located in the parks
        self._add_rels(
            self._run(
                f"CALL () {{ {starts} }} MATCH (a)-[r]->(b:LG) WHERE {where.replace('n:', 'b:')} "
                "RETURN a.id AS u, b.id AS v, type(r) AS t, properties(r) AS rprops"
            )
        )

    def out(self, ids: Iterable[str], types: Iterable[str]) -> set[str]:
        """The relationships of ``types`` leaving ``ids`` and the nodes they reach; returns those nodes' ids."""
        return self._edges(ids, types, "(a:LG {id: i})-[r:%s]->(b:LG)", "b")

    def into(self, ids: Iterable[str], types: Iterable[str]) -> set[str]:
        """The relationships of ``types`` entering ``ids`` and the nodes they come from; returns their ids."""
        return self._edges(ids, types, "(a:LG)-[r:%s]->(b:LG {id: i})", "a")

    def _edges(self, ids, types, pattern: str, far: str) -> set[str]:
        ids = sorted(set(ids))
        if not ids:
            return set()
        recs = self._run(
            f"UNWIND $ids AS i MATCH {pattern % _types(types)} "
            f"RETURN a.id AS u, b.id AS v, type(r) AS t, properties(r) AS rprops, " + FAR.format(far=far),
            ids=ids,
            kinds=list(NODE_KINDS),
        )
        self._add_nodes(r for r in recs if r["props"] is not None)
        self._add_rels(recs)
        return {r["id"] for r in recs if r["id"] in self.nodes}

    def kind(self, ids: Iterable[str], kind: str) -> set[str]:
        return {i for i in ids if i in self.nodes and self.nodes[i][0] == kind}

    def groups(self, firms: set[str]) -> set[str]:
        """``firms`` and every firm they are (transitively) subsidiaries of."""
        seen, todo = set(firms), set(firms)
        while todo:
            todo = self.kind(self.out(todo, ("SUBSIDIARY_OF",)), "Enterprise") - seen
            seen |= todo
        return seen

    def sites(self, parks: set[str]) -> tuple[set[str], set[str]]:
        """The enterprises and projects located in ``parks``, with each project's firm, events, segments and place."""
        here = self.into(parks, ("LOCATED_IN",))
        projects = self.kind(here, "Project")
        return self.kind(here, "Enterprise") | self.projects(projects), projects

    def projects(self, projects: set[str]) -> set[str]:
        """Each project's relationships and the firms that run them; returns the firms."""
        self.out(projects, PROJECT_OUT)
        return self.kind(self.into(projects, ("RUNS",)), "Enterprise")

    def graph(self) -> nx.MultiDiGraph:
        from .neo4j import _value

        G = nx.MultiDiGraph()
        for nid in sorted(self.nodes):
            kind, props = self.nodes[nid]
            G.add_node(nid, kind=kind, **{k: _value(v) for k, v in props.items() if k != "id"})
        for u, v, key in sorted(self.rels):
            kind, props = self.rels[(u, v, key)]
            if kind in EDGE_KINDS and u in G and v in G:
                G.add_edge(u, v, key=key, kind=kind, **{k: _value(x) for k, x in props.items() if k != "_key"})
        return G


def park_graph(tx, park: str, *, supplies: bool = False, segments: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """What the park analyses read for ``park`` (an id or a name), in the canonical networkx form; with
    ``supplies``, the supply relations of the park's groups too; with ``segments``, also what ``recommend``
    scores its candidates in those segments with."""
    from ..names import resolve
    from ..scope import ancestors, park_scope

    rd = _Reader(tx)
    rd.base()
    places = rd.graph()
    pid = resolve(places, park, kinds=("Park",), what="park")
    firms, _ = rd.sites(set(park_scope(places, pid).parks))
    members = rd.groups(firms)
    rd.out(members, FIRM_OUT)
    if supplies:
        rd.out(members, ("SUPPLIES",))
    if supplies or segments is not None:
        rd.into(members, ("SUPPLIES",))
    if segments is not None:
        _candidates(rd, places, pid, set(segments), ancestors(places, pid)[:2])
    return rd.graph()


def _candidates(rd: _Reader, places, pid: str, segments: set[str], regions: list[str]) -> None:
    """Every firm and project active in ``segments``, the candidates' groups with their projects and
    products, and the sites in ``regions``."""
    from ..scope import park_scope

    active = rd.into(segments, ("IN_SEGMENT",))
    firms = rd.kind(active, "Enterprise") | rd.projects(rd.kind(active, "Project"))
    for r in regions:
        rd.sites(set(park_scope(places, r).parks))
    members = rd.groups(firms)
    rd.projects(rd.kind(rd.out(members, ("RUNS",)), "Project"))
    products = rd.kind(rd.out(firms, ("MAKES",)), "Product")
    rd.out(products, ("MAPS_TO",))
