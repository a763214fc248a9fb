"""Records -> one networkx MultiDiGraph, the canonical in-memory form every analysis reads.

Node attribute ``kind`` is the node kind (Enterprise, Segment, ...), edge attribute ``kind`` the edge
kind (UPSTREAM_OF, SUPPLIES, ...); every node and edge but Source nodes carries ``sources``,
``as_of`` and ``confidence``. Values are primitives or tuples of them (Neo4j gets the tuples as lists).
"""
from __future__ import annotations

import gc
import weakref
from dataclasses import fields
from datetime import date
from functools import lru_cache
from typing import Any

import networkx as nx

from . import model
from .dataset import Dataset
from .history import Step, project_steps, status_on

__all__ = ["build_graph", "nodes_of", "edges_of", "display_name", "short_name", "out_kind", "in_kind", "cached"]

_PROVENANCE = ("sources", "as_of", "confidence", "valid_from", "valid_to", "retrieved_on")


@lru_cache(maxsize=None)
def _names(cls: Any, drop: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.name not in drop)


def _props(rec, drop: tuple[str, ...] = ()) -> dict:
    """A record's fields as graph properties, empty ones dropped (list values stay shared tuples)."""
    get = rec.__getattribute__
    return {k: v for k in _names(rec.__class__, drop) if (v := get(k)) is not None and v != ()}


def _prov(rec) -> dict:
    return {k: v for k in _PROVENANCE if (v := getattr(rec, k, None)) is not None and v != ()}


class _Edges:
    """Collects edges keyed by kind, numbering repeats so one pair can hold several edges of a kind."""

    def __init__(self) -> None:
        self.edges: list[tuple[str, str, str, dict]] = []
        self.seen: dict[tuple[str, str, str], int] = {}

    def __call__(self, u: str, v: str, kind: str, props: dict) -> None:
        # the key is the kind, numbered when one pair has several edges of a kind (two products)
        n = self.seen[(u, v, kind)] = self.seen.get((u, v, kind), 0) + 1
        self.edges.append((u, v, kind if n == 1 else f"{kind}#{n}", {"kind": kind, **props}))


def _add_chain(ds: Dataset, nodes: list, edge: _Edges) -> None:
    """Add sources, parks, segments, their links and enterprises with all their listed codes."""
    for rec in ds.records(model.Source):
        nodes.append((rec.id, {"kind": "Source", **_props(rec, ("id",))}))
    for rec in ds.records(model.Park):
        nodes.append((rec.id, {"kind": "Park", **_props(rec, ("id",))}))
        if rec.parent:
            edge(rec.id, rec.parent, "LOCATED_IN", {"role": "part_of", **_prov(rec)})
    for rec in ds.records(model.Segment):
        nodes.append((rec.id, {"kind": "Segment", **_props(rec, ("id",))}))
    for rec in ds.records(model.SegmentLink):
        edge(rec.upstream, rec.downstream, "UPSTREAM_OF", _props(rec, ("upstream", "downstream")))
    for rec in ds.records(model.Enterprise):
        nodes.append((rec.id, {"kind": "Enterprise", **_props(rec, ("id",))}))
    listings: dict[str, list] = {}
    for rec in ds.records(model.Listing):
        listings.setdefault(rec.enterprise, []).append(rec.listed_code)
    if listings:
        for n, d in nodes:
            if n in listings and d["kind"] == "Enterprise":
                codes = tuple(dict.fromkeys(([d["listed_code"]] if d.get("listed_code") else []) + listings[n]))
                d["listed_codes"] = codes
                d.setdefault("listed_code", codes[0])


def _add_sites(ds: Dataset, nodes: list, edge: _Edges) -> None:
    """Add locations, segment memberships and projects, each project with its status on today's date."""
    for rec in ds.records(model.Location):
        edge(rec.enterprise, rec.park, "LOCATED_IN", _props(rec, ("enterprise", "park")))
    for rec in ds.records(model.Membership):
        edge(rec.enterprise, rec.segment, "IN_SEGMENT", _props(rec, ("enterprise", "segment")))
    statuses = project_statuses(ds, date.today())
    for rec in ds.records(model.Project):
        props = _props(rec, ("id", "status"))
        if rec.status:
            props["status_stated"] = rec.status
        if statuses.get(rec.id):
            props["status"] = statuses[rec.id]
        nodes.append((rec.id, {"kind": "Project", **props}))
        edge(rec.enterprise, rec.id, "RUNS", _prov(rec))
        edge(rec.id, rec.park, "LOCATED_IN", {"role": "site", **_prov(rec)})
        if rec.segment:
            extra = {k: props[k] for k in ("capacity", "unit", "status") if k in props}
            edge(rec.id, rec.segment, "IN_SEGMENT", {**extra, **_prov(rec)})


def _add_relations(ds: Dataset, nodes: list, edge: _Edges) -> None:
    """Add supplies, ownership, figures, intensities and the product and industry layers."""
    for rec in ds.records(model.Supply):
        edge(rec.supplier, rec.customer, "SUPPLIES", _props(rec, ("supplier", "customer")))
    for rec in ds.records(model.Ownership):
        edge(rec.owner_from, rec.owner_to, rec.kind, _props(rec, ("owner_from", "owner_to", "kind")))
    counts: dict[tuple[str, str], int] = {}
    for rec in ds.records(model.Figure):
        k = counts[(rec.subject, rec.metric)] = counts.get((rec.subject, rec.metric), 0) + 1
        fid = f"fig:{rec.subject}:{rec.metric}:{k}"
        nodes.append((fid, {"kind": "Figure", **_props(rec, ("subject",))}))
        edge(rec.subject, fid, "HAS_FIGURE", _prov(rec))
    for rec in ds.records(model.Intensity):
        iid = f"int:{rec.material}:{rec.chemistry}"
        nodes.append((iid, {"kind": "Intensity", **_props(rec)}))
        edge(rec.material, iid, "HAS_INTENSITY", _prov(rec))
    for rec in ds.records(model.Product):
        nodes.append((rec.id, {"kind": "Product", **_props(rec, ("id",))}))
        if rec.segment:
            edge(rec.id, rec.segment, "MAPS_TO", _prov(rec))
    for rec in ds.records(model.Industry):
        nodes.append((rec.id, {"kind": "Industry", **_props(rec, ("id",))}))
        if rec.parent:
            edge(rec.id, rec.parent, "PART_OF", _prov(rec))
    for rec in ds.records(model.Make):
        edge(rec.enterprise, rec.product, "MAKES", _props(rec, ("enterprise", "product")))
    for rec in ds.records(model.ProductLink):
        edge(rec.link_from, rec.link_to, rec.kind, _props(rec, ("link_from", "link_to", "kind")))
    for rec in ds.records(model.IndustryMembership):
        edge(rec.enterprise, rec.industry, "IN_INDUSTRY", _props(rec, ("enterprise", "industry")))
    for rec in ds.records(model.IndustryLink):
        edge(rec.link_from, rec.link_to, "FEEDS_INDUSTRY", _props(rec, ("link_from", "link_to")))


def _add_dated(ds: Dataset, nodes: list, edge: _Edges) -> None:
    """Add project and enterprise events, policies and prices: the facts that carry a date."""
    for rec in ds.records(model.ProjectEvent):
        eid = f"ev:{rec.project}:{rec.date}:{rec.stage}"
        nodes.append((eid, {"kind": "Event", **_props(rec, ("project",))}))
        edge(rec.project, eid, "HAS_EVENT", {"date": rec.date, **_prov(rec)})
    for rec in ds.records(model.EnterpriseEvent):
        eid = f"ev:{rec.enterprise}:{rec.date}:{rec.event}"
        nodes.append((eid, {"kind": "Event", **_props(rec, ("enterprise",))}))
        edge(rec.enterprise, eid, "HAS_EVENT", {"date": rec.date, **_prov(rec)})
    for rec in ds.records(model.Policy):
        nodes.append((rec.id, {"kind": "Policy", **_props(rec, ("id",))}))
    for i, rec in enumerate(ds.records(model.Price)):
        nodes.append((f"price:{rec.series}:{rec.date}:{i}", {"kind": "Price", **_props(rec)}))


def build_graph(ds: Dataset) -> nx.MultiDiGraph:
    """Build the graph from a validated dataset.

    Parameters
    ----------
    ds : Dataset
        Records from :func:`lithiumgraph.load`.

    Returns
    -------
    networkx.MultiDiGraph
        One node per entity (``kind`` and its fields), one edge per relation (``kind``, its fields, sources).

    >>> from lithiumgraph.dataset import load
    >>> G = build_graph(load())
    >>> G.nodes["catl"]["kind"], G.nodes["catl"]["name_en"]
    ('Enterprise', 'Contemporary Amperex Technology Co. Limited')
    """
    G = nx.MultiDiGraph()
    nodes: list[tuple[str, dict]] = []
    edge = _Edges()
    for add in (_add_chain, _add_sites, _add_relations, _add_dated):
        add(ds, nodes, edge)
    edges = edge.edges

    paused = gc.isenabled()
    gc.disable()  # building millions of small dicts: the collector would rescan them over and over
    try:
        G.add_nodes_from(nodes)
        G.add_edges_from(edges)
        gc.freeze()     # straight into the oldest generation: no young collection walks the new graph
        gc.unfreeze()
    finally:
        if paused:
            gc.enable()
    return G


def project_statuses(ds: Dataset, day: date) -> dict[str, str | None]:
    """Each project's status on ``day``: its last event by then, the stated status counting as an event
    dated by the row's ``as_of`` (or, without one, as the status before any event)."""
    steps = {k: [s for s, _ in v] for k, v in project_steps(ds).items()}
    out = {}
    for rec in ds.records(model.Project):
        mine = steps.get(rec.id, [])
        if rec.status:
            mine = mine + [Step(rec.as_of or "0001", rec.status)]
        got = status_on(mine, day)
        out[rec.id] = got.stage if got else None
    return out


def nodes_of(G: nx.MultiDiGraph, kind: str):
    """``(id, attrs)`` of every node of one kind."""
    return ((n, d) for n, d in G.nodes(data=True) if d.get("kind") == kind)


def edges_of(G: nx.MultiDiGraph, kind: str):
    """``(u, v, attrs)`` of every edge of one kind."""
    return ((u, v, d) for u, v, d in G.edges(data=True) if d.get("kind") == kind)


def display_name(G: nx.MultiDiGraph, n: str) -> str:
    """The name a person reads: zh name (with en in brackets), else the title, metric or id."""
    d = G.nodes[n]
    zh, en = d.get("name_zh"), d.get("name_en")
    if zh and en and en != zh:
        return f"{zh} ({en})"
    return zh or en or d.get("title") or d.get("metric") or n


def short_name(G: nx.MultiDiGraph, n: str) -> str:
    """The name in common use: the first alias (aliases are listed most common first), else the zh name."""
    d = G.nodes[n]
    aliases = d.get("aliases") or []
    return aliases[0] if aliases else d.get("name_zh") or d.get("name_en") or n


def out_kind(G: nx.MultiDiGraph, n: str, kind: str):
    """``(target, attrs)`` of ``n``'s outgoing edges of one kind; reads edge keys, which start with the kind."""
    for v, keys in G._succ[n].items():
        for k, d in keys.items():
            if k == kind or (k.startswith(kind) and k[len(kind):len(kind) + 1] == "#"):
                yield v, d


def in_kind(G: nx.MultiDiGraph, n: str, kind: str):
    """``(source, attrs)`` of ``n``'s incoming edges of one kind."""
    for u, keys in G._pred[n].items():
        for k, d in keys.items():
            if k == kind or (k.startswith(kind) and k[len(kind):len(kind) + 1] == "#"):
                yield u, d


_INDEXES: "weakref.WeakKeyDictionary[nx.MultiDiGraph, tuple[int, dict]]" = weakref.WeakKeyDictionary()


def cached(G: nx.MultiDiGraph, key, build):
    """``build(G)``, computed once per graph object and ``key`` (and again if the node count changed): an
    index that analyses would otherwise rebuild from every edge on each call. A graph is not edited after
    it is built; an as-of snapshot or a subgraph is another object with its own indexes."""
    got = _INDEXES.get(G)
    if got is None or got[0] != len(G):
        got = _INDEXES[G] = (len(G), {})
    if key not in got[1]:
        got[1][key] = build(G)
    return got[1][key]
