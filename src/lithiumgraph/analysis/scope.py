"""What belongs to a park: its sub-parks, the enterprises and projects sited there, their groups."""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..errors import LithiumGraphError
from ..graph import out_kind

__all__ = ["Scope", "park_scope", "group_of", "Ownership", "ancestors", "PIPELINE", "OPERATING", "counts"]

OPERATING = ("operating",)
#: Statuses of projects that will add capacity: counted unless the pipeline is left out.
PIPELINE = ("under_construction", "signed", "planned")


def counts(status: str | None, pipeline: bool) -> bool:
    """Whether a project or membership with this status counts as local capacity or presence."""
    return status in OPERATING or status is None or (pipeline and status in PIPELINE)


@dataclass(frozen=True)
class Scope:
    """A park with its sub-parks; the enterprises located there and the projects sited there."""
    park: str
    parks: frozenset[str]
    enterprises: frozenset[str]
    projects: frozenset[str]


def park_scope(G: nx.MultiDiGraph, park: str) -> Scope:
    """The scope of ``park`` (an id): it and every park that lies (transitively) within it."""
    if park not in G or G.nodes[park].get("kind") != "Park":
        raise LithiumGraphError(f"no park with id {park!r}")
    pred, node = G._pred, G._node  # the adjacency itself: a country holds every firm of the data

    def located(p):
        """Nodes with a LOCATED_IN edge into ``p`` (edge keys start with the kind)."""
        return [u for u, keys in pred[p].items()
                if any(k == "LOCATED_IN" or k.startswith("LOCATED_IN#") for k in keys)]

    parks, todo = {park}, [park]
    ents, projects = set(), set()
    while todo:
        p = todo.pop()
        for u in located(p):
            k = node[u]["kind"]
            if k == "Park":
                if u not in parks:
                    parks.add(u)
                    todo.append(u)
            elif k == "Enterprise":
                ents.add(u)
            elif k == "Project":
                projects.add(u)
    return Scope(park, frozenset(parks), frozenset(ents), frozenset(projects))


def group_of(G: nx.MultiDiGraph, n: str) -> list[str]:
    """``n`` and the enterprises it is (transitively) a subsidiary of, nearest first."""
    return _climb(n, lambda m: [v for v, _ in out_kind(G, m, "SUBSIDIARY_OF")])


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
    """Who is whose subsidiary, read in one pass over the edges, for analyses that ask it of thousands
    of firms (scanning each firm's edges every time cost more than the rest of ``recommend``)."""
    parents: dict[str, list[str]]
    subsidiaries: dict[str, list[tuple[str, dict]]]
    _groups: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, G: nx.MultiDiGraph) -> "Ownership":
        parents: dict[str, list[str]] = {}
        subs: dict[str, list[tuple[str, dict]]] = {}
        for u, nbrs in G._succ.items():  # per firm in its adjacency order, as out_kind gives them
            for v, keys in nbrs.items():
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
    out, cur = [], park
    while True:
        ups = [v for _, v, d in G.out_edges(cur, data=True)
               if d["kind"] == "LOCATED_IN" and G.nodes[v]["kind"] == "Park"]
        if not ups or ups[0] in out or ups[0] == park:
            return out
        cur = ups[0]
        out.append(cur)
