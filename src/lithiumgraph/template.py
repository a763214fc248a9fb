"""The chain template: segments and their UPSTREAM_OF links, in upstream-to-downstream order."""

from __future__ import annotations

import networkx as nx

__all__ = ["template", "layers", "segment_order", "STAGE_ORDER"]

STAGE_ORDER = {"upstream": 0, "midstream": 1, "downstream": 2, "recycling": 3}


def template(G: nx.MultiDiGraph) -> nx.DiGraph:
    """Segments and UPSTREAM_OF edges, without the loop edges that return recycled material upstream."""
    T = nx.DiGraph()
    T.add_nodes_from((n, d) for n, d in G.nodes(data=True) if d.get("kind") == "Segment")
    for u in list(T):
        for _, v, d in G.out_edges(u, data=True):
            if d["kind"] == "UPSTREAM_OF" and STAGE_ORDER[T.nodes[u]["stage"]] <= STAGE_ORDER[T.nodes[v]["stage"]]:
                T.add_edge(u, v, **d)
    return T


def layers(G: nx.MultiDiGraph, T: nx.DiGraph | None = None) -> dict[str, int]:
    """Each segment's layer: the longest UPSTREAM_OF path that ends in it (ores are 0)."""
    T = template(G) if T is None else T
    if not nx.is_directed_acyclic_graph(T):  # a cycle within one stage: fall back to stage order
        return {n: STAGE_ORDER[d["stage"]] for n, d in T.nodes(data=True)}
    layer: dict[str, int] = {}
    for n in nx.topological_sort(T):
        layer[n] = max((layer[p] + 1 for p in T.predecessors(n)), default=0)
    return layer


def segment_order(G: nx.MultiDiGraph, lay: dict[str, int] | None = None) -> list[str]:
    """Segments from upstream to downstream: by stage, then layer, then id."""
    lay = layers(G) if lay is None else lay
    return sorted(lay, key=lambda n: (STAGE_ORDER[G.nodes[n]["stage"]], lay[n], n))
