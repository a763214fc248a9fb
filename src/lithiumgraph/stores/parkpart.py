"""What a park's analyses read of a graph: one definition for every store, run over a small reader.

A reader fetches nodes and relationships and keeps what it fetched: ``base()`` reads every park, segment,
intensity and source and the relationships among them; ``out(ids, types)`` and ``into(ids, types)`` read the
relationships of ``types`` leaving or entering ``ids`` with the nodes at their other ends, and return those
nodes' ids; ``kind(ids, kind)`` keeps the ids read of one kind; ``graph()`` gives what was read as a graph.
The Neo4j store's reader sends Cypher (:mod:`.neo4jpark`); :class:`GraphReader` reads a networkx graph
already cut to a day (the memory store, which keeps each part in its cache).

What is read for a park:

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

Anything else (supply relations between firms elsewhere, figures, prices) is not read.
"""

from __future__ import annotations

from typing import Iterable, Protocol
from weakref import WeakKeyDictionary

import networkx as nx

__all__ = ["BASE", "FIRM_OUT", "PROJECT_OUT", "Reader", "GraphReader", "read_park", "part_of"]

#: Node kinds read whole: small, and what every park analysis and the graph's dates rest on.
BASE = ("Park", "Segment", "Intensity", "Source")
#: Relationships of a site (an enterprise or project located in a park), read from the park's side.
PROJECT_OUT = ("HAS_EVENT", "IN_SEGMENT", "LOCATED_IN")
FIRM_OUT = ("IN_SEGMENT", "HAS_EVENT", "LOCATED_IN")


class Reader(Protocol):
    """What :func:`read_park` asks of a store (see the module's docstring)."""

    def base(self) -> None: ...

    def out(self, ids: Iterable[str], types: Iterable[str]) -> set[str]: ...

    def into(self, ids: Iterable[str], types: Iterable[str]) -> set[str]: ...

    def kind(self, ids: Iterable[str], kind: str) -> set[str]: ...

    def graph(self) -> nx.MultiDiGraph: ...


def read_park(
    rd: Reader, park: str, *, supplies: bool = False, segments: Iterable[str] | None = None
) -> nx.MultiDiGraph:
    """What the park analyses read for ``park`` (an id or a name), read through ``rd``; with ``supplies``,
    the supply relations of the park's groups too; with ``segments``, also what ``recommend`` scores its
    candidates in those segments with. An unknown park raises NodeNotFound, as on the whole graph."""
    from ..names import resolve
    from ..scope import ancestors, park_scope

    rd.base()
    places = rd.graph()
    pid = resolve(places, park, kinds=("Park",), what="park")
    firms, _ = sites(rd, set(park_scope(places, pid).parks))
    members = groups(rd, firms)
    rd.out(members, FIRM_OUT)
    if supplies:
        rd.out(members, ("SUPPLIES",))
    if supplies or segments is not None:
        rd.into(members, ("SUPPLIES",))
    if segments is not None:
        _candidates(rd, places, set(segments), ancestors(places, pid)[:2])
    return rd.graph()


def groups(rd: Reader, firms: set[str]) -> set[str]:
    """``firms`` and every firm they are (transitively) subsidiaries of."""
    seen, todo = set(firms), set(firms)
    while todo:
        todo = rd.kind(rd.out(todo, ("SUBSIDIARY_OF",)), "Enterprise") - seen
        seen |= todo
    return seen


def sites(rd: Reader, parks: set[str]) -> tuple[set[str], set[str]]:
    """The enterprises and projects located in ``parks``, with each project's firm, events, segments and place."""
    here = rd.into(parks, ("LOCATED_IN",))
    found = rd.kind(here, "Project")
    return rd.kind(here, "Enterprise") | projects(rd, found), found


def projects(rd: Reader, found: set[str]) -> set[str]:
    """Each project's relationships and the firms that run them; returns the firms."""
    rd.out(found, PROJECT_OUT)
    return rd.kind(rd.into(found, ("RUNS",)), "Enterprise")


def _candidates(rd: Reader, places, segments: set[str], regions: list[str]) -> None:
    """Every firm and project active in ``segments``, the candidates' groups with their projects and
    products, and the sites in ``regions``."""
    from ..scope import park_scope

    active = rd.into(segments, ("IN_SEGMENT",))
    firms = rd.kind(active, "Enterprise") | projects(rd, rd.kind(active, "Project"))
    for r in regions:
        sites(rd, set(park_scope(places, r).parks))
    members = groups(rd, firms)
    projects(rd, rd.kind(rd.out(members, ("RUNS",)), "Project"))
    products = rd.kind(rd.out(firms, ("MAKES",)), "Product")
    rd.out(products, ("MAPS_TO",))


class GraphReader:
    """A :class:`Reader` over a networkx graph already cut to a day: what it reads is kept by id, and
    :meth:`graph` lays it out in the order of the graph read (nodes, each node's successors and
    predecessors, each pair's keys), sharing its property dicts, so an analysis walks the part exactly as
    it walks the whole."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.G = G
        self.nodes: set[str] = set()
        self.rels: dict[str, set[tuple[str, str]]] = {}  # each tail's (head, key) read

    def base(self) -> None:
        node, succ = self.G._node, self.G._succ
        here = {n for n, d in node.items() if d.get("kind") in BASE}
        self.nodes |= here
        for u in here:
            if got := {(v, k) for v, keyed in succ[u].items() if v in here for k in keyed}:
                self.rels.setdefault(u, set()).update(got)

    def out(self, ids: Iterable[str], types: Iterable[str]) -> set[str]:
        return self._edges(ids, frozenset(types), self.G._succ, False)

    def into(self, ids: Iterable[str], types: Iterable[str]) -> set[str]:
        return self._edges(ids, frozenset(types), self.G._pred, True)

    def _edges(self, ids: Iterable[str], types: frozenset, adj: dict, backwards: bool) -> set[str]:
        found: set[str] = set()
        rels = self.rels
        for a in set(ids):
            for b, keyed in adj.get(a, {}).items():
                for k, d in keyed.items():
                    if d["kind"] in types:
                        found.add(b)
                        if backwards:
                            rels.setdefault(b, set()).add((a, k))
                        else:
                            rels.setdefault(a, set()).add((b, k))
        self.nodes |= found
        return found

    def kind(self, ids: Iterable[str], kind: str) -> set[str]:
        node = self.G._node
        return {i for i in ids if i in self.nodes and node[i].get("kind") == kind}

    def graph(self) -> nx.MultiDiGraph:
        from ..collector import collector_paused

        G, nodes, rels = self.G, self.nodes, self.rels
        H = nx.MultiDiGraph()
        if "as_of" in G.graph:
            H.graph["as_of"] = G.graph["as_of"]
        with collector_paused():
            order = [n for n in G._node if n in nodes]
            H._node.update((n, G._node[n]) for n in order)
            succ: dict = {n: {} for n in order}
            tails: dict = {}  # each node's predecessors kept, from the relationships kept (not its every one)
            for u in order:
                if (read := rels.get(u)) is None:  # nothing read leaving u: its relationships are not walked
                    continue
                su = succ[u]
                for v, keyed in G._succ[u].items():
                    if v in nodes and (kept := {k: d for k, d in keyed.items() if (v, k) in read}):
                        su[v] = kept
                        tails.setdefault(v, []).append(u)
            pred: dict = {}
            for v in order:
                pred[v] = {u: succ[u][v] for u in self._ordered(v, tails[v])} if v in tails else {}
            H._succ.update(succ)
            H._pred.update(pred)
        return H

    def _ordered(self, v: str, tails: list[str]) -> list[str]:
        """``tails`` (predecessors of ``v`` kept) in the order of ``v``'s predecessors in the graph read. A
        park or segment has a great many (every site in it) of which a part keeps few: those are sorted by
        their places in the graph's list, found once per graph, instead of walking it for every part."""
        every = self.G._pred[v]
        if len(tails) == 1:
            return tails
        if len(every) <= 8 * len(tails):
            kept = set(tails)
            return [u for u in every if u in kept]
        return sorted(tails, key=_places(self.G, v).__getitem__)


_PLACES: WeakKeyDictionary = WeakKeyDictionary()


def _places(G: nx.MultiDiGraph, v: str) -> dict[str, int]:
    """Each predecessor of ``v`` in ``G`` with its place in ``G``'s list, kept while ``G`` lives."""
    known = _PLACES.setdefault(G, {})
    if v not in known:
        every = G._pred[v]
        known[v] = dict(zip(every, range(len(every))))
    return known[v]


def part_of(
    G: nx.MultiDiGraph, park: str, *, supplies: bool = False, segments: Iterable[str] | None = None
) -> nx.MultiDiGraph:
    """The part of ``G`` (a graph cut to a day) that the park analyses read (see :func:`read_park`)."""
    return read_park(GraphReader(G), park, supplies=supplies, segments=segments)
