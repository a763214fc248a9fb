"""Each node's edges of one kind, read once per graph: the analyses ask them of thousands of firms per
park (a region's suppliers and customers, every firm's segment memberships), and scanning each firm's
whole adjacency for them every time cost more than the analyses' own work at 100,000 enterprises."""

from __future__ import annotations

import networkx as nx

from ..graph import cached, in_kind, out_kind

__all__ = ["edges_by_node", "neighbours"]


def edges_by_node(G: nx.MultiDiGraph, kind: str, incoming: bool = False) -> dict[str, list[tuple[str, dict]]]:
    """Node -> ``(other end, attrs)`` of its outgoing (or ``incoming``) edges of ``kind``, in the order
    :func:`lithiumgraph.graph.out_kind` (:func:`~lithiumgraph.graph.in_kind`) gives them; a node without
    one is absent."""

    def build(G: nx.MultiDiGraph) -> dict[str, list[tuple[str, dict]]]:
        of = in_kind if incoming else out_kind
        return {n: edges for n in G._node if (edges := list(of(G, n, kind)))}

    return cached(G, ("edges by node", kind, incoming), build)


def neighbours(G: nx.MultiDiGraph, kind: str) -> dict[str, set[str]]:
    """Node -> the nodes it has an edge of ``kind`` with, either way (itself too, for an edge to itself);
    a node without one is absent. The sets are shared: read them, do not change them."""

    def build(G: nx.MultiDiGraph) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for u, edges in edges_by_node(G, kind).items():
            for v, _ in edges:
                out.setdefault(u, set()).add(v)
                out.setdefault(v, set()).add(u)
        return out

    return cached(G, ("neighbours", kind), build)
