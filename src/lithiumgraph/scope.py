"""Selecting part of the graph: what belongs to a park (its sub-parks, the firms there, their projects
and groups), what lies within some hops of an entity, and the subgraph an export or a view keeps."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from .errors import LithiumGraphError, NodeNotFound
from .graph import cached

__all__ = ["Scope", "park_scope", "neighbourhood", "subgraph", "group_of", "Ownership", "ancestors"]


@dataclass(frozen=True)
class Scope:
    """A park with its sub-parks; the enterprises located there, the projects sited there, and the
    park's firms: those located there and those running a project there."""

    park: str
    parks: frozenset[str]
    enterprises: frozenset[str]
    projects: frozenset[str]
    firms: frozenset[str] = frozenset()


def _keyed(keys, kind: str) -> bool:
    """Whether an edge-key dict holds an edge of ``kind`` (edge keys start with the kind)."""
    return any(k == kind or k.startswith(kind + "#") for k in keys)


def park_scope(G: nx.MultiDiGraph, park: str) -> Scope:
    """The scope of ``park`` (an id): it and every park that lies (transitively) within it.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph (``load_graph()`` or a store's ``graph()``).
    park : str
        A park or region id (a province, city, county or park).

    Returns
    -------
    Scope
        The parks within it, the firms sited there, the projects there and the firms that run them
        (``firms``: every firm with a site or a project in the scope).

    Raises
    ------
    NodeNotFound
        ``park`` is not the id of a park in ``G``.
    """
    if park not in G or G.nodes[park].get("kind") != "Park":
        raise NodeNotFound(park, what="park")
    pred, node = G._pred, G._node  # the adjacency itself: a country holds every firm of the data
    parks, todo = {park}, [park]
    ents, projects = set(), set()
    while todo:
        p = todo.pop()
        for u, keys in pred[p].items():
            if not _keyed(keys, "LOCATED_IN"):
                continue
            k = node[u]["kind"]
            if k == "Park":
                if u not in parks:
                    parks.add(u)
                    todo.append(u)
            elif k == "Enterprise":
                ents.add(u)
            elif k == "Project":
                projects.add(u)
    runners = {u for p in projects for u, keys in pred[p].items() if _keyed(keys, "RUNS")}
    return Scope(park, frozenset(parks), frozenset(ents), frozenset(projects), frozenset(ents | runners))


#: Edges that do not make two entities neighbours: a figure, an intensity or an event is a property, not a tie.
_NOT_TIES = ("HAS_FIGURE", "HAS_INTENSITY", "HAS_EVENT")


def neighbourhood(G: nx.MultiDiGraph, focus: str, hops: int = 1) -> set[str]:
    """``focus`` and the nodes within ``hops`` edges of it, whichever way the edges run (figures and
    intensities are not ties)."""
    if hops < 1:
        raise LithiumGraphError("hops must be at least 1")
    U = nx.Graph()
    U.add_node(focus)
    U.add_edges_from((u, v) for u, v, d in G.edges(data=True) if d["kind"] not in _NOT_TIES)
    return set(nx.single_source_shortest_path_length(U, focus, cutoff=hops))


def subgraph(
    G: nx.MultiDiGraph, *, park: str | None = None, focus: str | None = None, hops: int = 1
) -> nx.MultiDiGraph:
    """The part of the graph to export: all of it; a park's scope (its sub-parks, firms sited there,
    their projects and parents, the chain template, their figures and events); or what lies within ``hops`` edges
    of ``focus``. Sources cited by what is kept come along, so the export stays self-contained."""
    if not park and not focus:
        return G
    keep: set[str] = set()
    if park:
        scope = park_scope(G, park)
        keep |= set(scope.parks) | set(scope.projects) | {g for f in scope.firms for g in group_of(G, f)}
        keep |= {n for n, k in G.nodes(data="kind") if k in ("Segment", "Intensity")}
    if focus:
        near = neighbourhood(G, focus, hops)
        keep = keep & near if park else near
    keep |= {v for n in list(keep) for _, v, d in G.out_edges(n, data=True) if d["kind"] in ("HAS_FIGURE", "HAS_EVENT")}
    H = G.subgraph(keep)
    cited = {s for _, d in H.nodes(data=True) for s in d.get("sources", ())}
    cited |= {s for _, _, d in H.edges(data=True) for s in d.get("sources", ())}
    return G.subgraph(keep | {s for s in cited if s in G}).copy()


def group_of(G: nx.MultiDiGraph, n: str) -> list[str]:
    """``n`` and the enterprises it is (transitively) a subsidiary of, nearest first."""
    return list(Ownership.of(G).group(n))


def _climb(n: str, parents) -> list[str]:
    """``n``, its parents, theirs and so on, nearest first; ``parents(m)`` lists ``m``'s in edge order."""
    out, cur = [n], [n]
    while cur:
        nxt = []
        for m in cur:
            for v in parents(m):
                if v not in out:
                    out.append(v)
                    nxt.append(v)
        cur = nxt
    return out


@dataclass
class Ownership:
    """Who is whose subsidiary, read once per graph from the subsidiaries' edges, for analyses that ask it
    of thousands of firms (scanning each firm's edges every time cost more than the rest of ``recommend``)."""

    parents: dict[str, list[str]]
    subsidiaries: dict[str, list[tuple[str, dict]]]
    _groups: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, G: nx.MultiDiGraph) -> "Ownership":
        """The ownership of ``G``, read once per graph object (see :func:`lithiumgraph.graph.cached`)."""
        return cached(G, "ownership", cls.read)

    @classmethod
    def read(cls, G: nx.MultiDiGraph) -> "Ownership":
        """The ownership of ``G`` from the edges of the firms that are a subsidiary of another
        (:func:`~lithiumgraph.analysis.edges.tails`), not from every edge."""
        from .analysis.edges import tails

        parents: dict[str, list[str]] = {}
        subs: dict[str, list[tuple[str, dict]]] = {}
        succ = G._succ
        for u in tails(G, "SUBSIDIARY_OF"):  # firm by firm in node order, each in its adjacency order
            for v, keys in succ[u].items():
                for d in keys.values():
                    if d["kind"] == "SUBSIDIARY_OF":
                        parents.setdefault(u, []).append(v)
                        subs.setdefault(v, []).append((u, d))
        return cls(parents, subs)

    def group(self, n: str) -> list[str]:
        """What :func:`group_of` gives: ``n`` and its (transitive) parents, nearest first."""
        if n not in self._groups:
            self._groups[n] = _climb(n, lambda m: self.parents.get(m, ()))
        return self._groups[n]


def ancestors(G: nx.MultiDiGraph, park: str) -> list[str]:
    """The regions that contain ``park``, nearest first."""
    out: list[str] = []
    cur = park
    while True:
        ups = [
            v for _, v, d in G.out_edges(cur, data=True) if d["kind"] == "LOCATED_IN" and G.nodes[v]["kind"] == "Park"
        ]
        if not ups or ups[0] in out or ups[0] == park:
            return out
        cur = ups[0]
        out.append(cur)
