"""Walks an analyst asks for by name: upstream and downstream (k hops), suppliers, customers, neighbours
and the supply path between two entities, every step with the edge's sources.

Levels: ``enterprise`` follows stated SUPPLIES relations between firms; ``segment`` follows the chain
template (UPSTREAM_OF) from a segment, or from the segments an enterprise or project works in;
``product`` follows imported material links (MATERIAL_OF) and ``industry`` imported upstream-industry
links (FEEDS_INDUSTRY), the default when the walk starts from a product or an industry.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import networkx as nx

from .errors import LithiumGraphError
from .graph import display_name, in_kind, out_kind

__all__ = ["Step", "segments_of", "upstream", "downstream", "suppliers", "customers", "neighbours", "path", "LEVELS"]

LEVELS = ("enterprise", "segment", "product", "industry")
_EDGE = {"enterprise": "SUPPLIES", "segment": "UPSTREAM_OF", "product": "MATERIAL_OF", "industry": "FEEDS_INDUSTRY"}
#: The level a walk from a node of this kind takes unless told.
_DEFAULT_LEVEL = {"Segment": "segment", "Product": "product", "Industry": "industry"}
_DETAIL = ("product", "period", "share_pct", "capacity", "unit", "status", "role", "note")


@dataclass(frozen=True)
class Step:
    """One node reached, the edge that reached it (from → to, as stored) and that edge's sources."""

    hop: int
    id: str
    kind: str
    name: str
    edge: str
    source_node: str
    target_node: str
    detail: str
    confidence: str | None
    sources: tuple[str, ...]

    def row(self) -> dict:
        return asdict(self)


def _detail(d: dict) -> str:
    parts = []
    for k in _DETAIL:
        v = d.get(k)
        if v is not None:
            parts.append(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}")
    return "; ".join(parts)


def _step(G, hop, n, edge_kind, u, v, d) -> Step:
    return Step(
        hop,
        n,
        G.nodes[n]["kind"],
        display_name(G, n),
        edge_kind,
        u,
        v,
        _detail(d),
        d.get("confidence"),
        tuple(d.get("sources", ())),
    )


def segments_of(G: nx.MultiDiGraph, n: str) -> list[str]:
    """The segments an entity works in: itself, its memberships, and its projects' segments."""
    kind = G.nodes[n]["kind"]
    if kind == "Segment":
        return [n]
    segs = {s for s, _ in out_kind(G, n, "IN_SEGMENT")}
    for p, _ in out_kind(G, n, "RUNS"):
        segs |= {s for s, _ in out_kind(G, p, "IN_SEGMENT")}
    return sorted(segs)


def _level(G: nx.MultiDiGraph, n: str, level: str | None) -> str:
    kind = G.nodes[n]["kind"]
    level = level or _DEFAULT_LEVEL.get(kind, "enterprise")
    if level not in LEVELS:
        raise LithiumGraphError(f"unknown level {level!r}: use one of {', '.join(LEVELS)}")
    if kind not in ("Enterprise", "Project", "Segment", "Product", "Industry"):
        raise LithiumGraphError(
            f"{display_name(G, n)} is a {kind}: walks start from an enterprise, a project, "
            "a segment, a product or an industry"
        )
    if level == "enterprise" and kind != "Enterprise":
        raise LithiumGraphError(
            f"{display_name(G, n)} is a {kind}: supply relations are between enterprises; use the segment level"
        )
    if level in ("product", "industry") and kind.lower() != level:
        raise LithiumGraphError(f"{display_name(G, n)} is a {kind}: the {level} level walks from a {level}")
    if level == "segment" and kind in ("Product", "Industry"):
        raise LithiumGraphError(
            f"{display_name(G, n)} is a {kind}: the segment level walks from an enterprise, a project or a segment"
        )
    return level


def _walk(G: nx.MultiDiGraph, n: str, hops: int, level: str | None, up: bool) -> list[Step]:
    if hops < 1:
        raise LithiumGraphError("hops must be at least 1")
    level = _level(G, n, level)
    edge = _EDGE[level]
    start = segments_of(G, n) if level == "segment" else [n]
    if not start:
        raise LithiumGraphError(f"{display_name(G, n)} is in no chain segment in the data")
    seen, frontier, out = set(start), start, []
    for hop in range(1, hops + 1):
        nxt = []
        for x in frontier:
            links = in_kind(G, x, edge) if up else out_kind(G, x, edge)
            for y, d in sorted(links, key=lambda t: (t[0], str(t[1].get("product", "")))):
                if y in seen:
                    continue
                seen.add(y)
                nxt.append(y)
                u, v = (y, x) if up else (x, y)
                out.append(_step(G, hop, y, edge, u, v, d))
        frontier = sorted(nxt)
        if not frontier:
            break
    return out


def upstream(G: nx.MultiDiGraph, n: str, hops: int = 2, level: str | None = None) -> list[Step]:
    """What feeds ``n`` within ``hops`` steps: its suppliers and theirs (enterprise level), or the
    segments upstream of its segments (segment level; the default for a segment).

    >>> from lithiumgraph import load_graph
    >>> "shenghua" in [s.id for s in upstream(load_graph(), "catl", hops=1)]
    True
    """
    return _walk(G, n, hops, level, up=True)


def downstream(G: nx.MultiDiGraph, n: str, hops: int = 2, level: str | None = None) -> list[Step]:
    """What ``n`` feeds within ``hops`` steps: its customers and theirs, or the downstream segments."""
    return _walk(G, n, hops, level, up=False)


def suppliers(G: nx.MultiDiGraph, n: str, level: str | None = None) -> list[Step]:
    """Direct suppliers of an enterprise (or the segments directly upstream of a segment)."""
    return _walk(G, n, 1, level, up=True)


def customers(G: nx.MultiDiGraph, n: str, level: str | None = None) -> list[Step]:
    """Direct customers of an enterprise (or the segments directly downstream of a segment)."""
    return _walk(G, n, 1, level, up=False)


def neighbours(G: nx.MultiDiGraph, n: str, edge: str | None = None) -> list[Step]:
    """Every node one edge away, in or out, optionally of one edge kind; figures and intensities left
    to ``show``."""
    out = []
    for u, v, d in list(G.out_edges(n, data=True)) + list(G.in_edges(n, data=True)):
        kind = d["kind"]
        if kind in ("HAS_FIGURE", "HAS_INTENSITY") or (edge and kind != edge):
            continue
        other = v if u == n else u
        out.append(_step(G, 1, other, kind, u, v, d))
    return sorted(out, key=lambda s: (s.edge, s.source_node != n, s.id, s.detail))


def path(G: nx.MultiDiGraph, a: str, b: str, *, any_edge: bool = False) -> list[Step]:
    """The shortest supply path from ``a`` to ``b`` (or from ``b`` to ``a``), one Step per edge; between
    two products, two industries or two segments, over their own links (material, upstream industry,
    chain template).

    With ``any_edge`` the path may use any relation in either direction (ownership, location,
    membership, projects), still one Step per edge with its sources. No path is an answer, not an
    error: the list is empty.
    """
    if a == b:
        raise LithiumGraphError("the two ends of a path must differ")
    if not any_edge:
        ka, kb = G.nodes[a]["kind"], G.nodes[b]["kind"]
        kind = _EDGE[_DEFAULT_LEVEL[ka]] if ka == kb and ka in _DEFAULT_LEVEL else "SUPPLIES"
        H = nx.DiGraph()
        H.add_edges_from((u, v) for u, v, d in G.edges(data=True) if d["kind"] == kind)
        for x, y in ((a, b), (b, a)):
            if x in H and y in H and nx.has_path(H, x, y):
                nodes = nx.shortest_path(H, x, y)
                return [_edge_step(G, i + 1, p, q, kind) for i, (p, q) in enumerate(zip(nodes, nodes[1:]))]
        return []
    H = nx.Graph()
    H.add_nodes_from(G.nodes)
    H.add_edges_from((u, v) for u, v, d in G.edges(data=True) if d["kind"] not in ("HAS_FIGURE", "HAS_INTENSITY"))
    try:
        nodes = nx.shortest_path(H, a, b)
    except nx.NetworkXNoPath:
        return []
    steps = []
    for i, (p, q) in enumerate(zip(nodes, nodes[1:])):
        u, v = (p, q) if G.has_edge(p, q) else (q, p)
        steps.append(_edge_step(G, i + 1, u, v, None, reached=q))
    return steps


def _edge_step(G, hop, u, v, kind, reached=None) -> Step:
    """The first edge u → v (of ``kind``, or the first by key), as the Step that reaches ``reached``."""
    keys = sorted(G[u][v])
    k = next((k for k in keys if kind is None or G[u][v][k]["kind"] == kind))
    d = G[u][v][k]
    return _step(G, hop, reached or v, d["kind"], u, v, d)
