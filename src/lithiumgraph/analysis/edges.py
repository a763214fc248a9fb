"""Each node's edges of one kind, read once per graph and node: the analyses ask them of thousands of firms
per park (a region's suppliers and customers, every firm's segment memberships), and scanning a firm's
whole adjacency for them every time cost more than the analyses' own work at 100,000 enterprises. They
are read when first asked for, node by node: a park's analyses ask about a few thousand of a graph's
200,000 nodes, and indexing all of them up front cost a command run from the shell seconds."""

from __future__ import annotations

from itertools import compress

import networkx as nx
import numpy as np

from ..edgetable import EdgeTable
from ..graph import cached, in_kind, out_kind

__all__ = ["EdgesByNode", "Neighbours", "edges_by_node", "neighbours", "tails"]


class EdgesByNode:
    """Node -> ``(other end, attrs)`` of its outgoing (or ``incoming``) edges of ``kind``, in the order
    :func:`lithiumgraph.graph.out_kind` (:func:`~lithiumgraph.graph.in_kind`) gives them, each node's
    read on the first question about it. A node without one (or not in the graph) is absent."""

    def __init__(self, G: nx.MultiDiGraph, kind: str, incoming: bool = False):
        self.G, self.kind, self._of = G, kind, in_kind if incoming else out_kind
        self._got: dict[str, list[tuple[str, dict]]] = {}

    def _edges(self, n: str) -> list[tuple[str, dict]]:
        got = self._got.get(n)
        if got is None:
            got = self._got[n] = list(self._of(self.G, n, self.kind)) if n in self.G._node else []
        return got

    def get(self, n: str, default=None):
        return self._edges(n) or default

    def __getitem__(self, n: str) -> list[tuple[str, dict]]:
        got = self._edges(n)
        if not got:
            raise KeyError(n)
        return got

    def __contains__(self, n: object) -> bool:
        return isinstance(n, str) and bool(self._edges(n))

    def items(self):
        """Every node with such edges, in the graph's node order (reads each node not read yet)."""
        return ((n, got) for n in self.G._node if (got := self._edges(n)))


def edges_by_node(G: nx.MultiDiGraph, kind: str, incoming: bool = False) -> EdgesByNode:
    """``G``'s :class:`EdgesByNode` for ``kind`` (outgoing, or ``incoming``), one per graph: what each node
    has had read stays read for the next analysis of the same graph."""
    return cached(G, ("edges by node", kind, incoming), lambda G: EdgesByNode(G, kind, incoming))


class Neighbours:
    """Node -> the nodes it has an edge of ``kind`` with, either way (itself too, for an edge to itself),
    each node's read on the first question about it; a node without one is absent. The sets are shared:
    read them, do not change them."""

    def __init__(self, G: nx.MultiDiGraph, kind: str):
        self._out, self._in = edges_by_node(G, kind), edges_by_node(G, kind, incoming=True)
        self._got: dict[str, set[str]] = {}

    def _set(self, n: str) -> set[str]:
        got = self._got.get(n)
        if got is None:
            got = self._got[n] = {v for v, _ in self._out.get(n, ())} | {u for u, _ in self._in.get(n, ())}
        return got

    def __getitem__(self, n: str) -> set[str]:
        got = self._set(n)
        if not got:
            raise KeyError(n)
        return got

    def __contains__(self, n: object) -> bool:
        return isinstance(n, str) and bool(self._set(n))


def neighbours(G: nx.MultiDiGraph, kind: str) -> Neighbours:
    """``G``'s :class:`Neighbours` for ``kind``, one per graph."""
    return cached(G, ("neighbours", kind), lambda G: Neighbours(G, kind))


def tails(G: nx.MultiDiGraph, kind: str) -> list[str]:
    """The nodes with an outgoing edge of ``kind`` (its ``kind`` property), in the graph's node order, read
    once per graph: from the edge table where ``G`` still has one (a few array operations), else with every
    other kind in one pass over every edge. An analysis then visits only the few thousand owners or makers,
    not a graph's every node."""

    def build(G: nx.MultiDiGraph) -> list[str]:
        t = EdgeTable.get(G)
        if t is None:
            return cached(G, "tails", _every_tail).get(kind, [])
        mine = np.array([c[0] == kind for c in t.classes], bool)
        at = np.zeros(t.nodes, bool)
        at[t.u[mine[t.cls]]] = True
        return list(compress(G._node, at.tolist()))

    return cached(G, ("tails", kind), build)


def _every_tail(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Edge kind -> the nodes with an outgoing edge of that kind, from every edge."""
    seen: dict[str, dict[str, None]] = {}
    for u, nbrs in G._succ.items():
        for keys in nbrs.values():
            for d in keys.values():
                seen.setdefault(d["kind"], {})[u] = None
    return {k: list(us) for k, us in seen.items()}
