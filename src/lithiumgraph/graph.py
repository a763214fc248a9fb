"""Records -> one networkx MultiDiGraph, the canonical in-memory form every analysis reads.

Node attribute ``kind`` is the node kind (Enterprise, Segment, ...), edge attribute ``kind`` the edge
kind (UPSTREAM_OF, SUPPLIES, ...); every node and edge but Source nodes carries ``sources``,
``as_of`` and ``confidence``. Values are primitives or tuples of them (Neo4j gets the tuples as lists).
"""

from __future__ import annotations

import gc
import weakref
from datetime import date
from itertools import repeat

import networkx as nx

from . import model
from .collector import collector_paused
from .columns import Table, field_names
from .dataset import Dataset
from .edgetable import Build, EdgeTable, put_edges, put_nodes
from .edgetable import _put_edges as _put_edges  # the Neo4j reader puts its edges with it
from .history import Step, project_steps, status_on


__all__ = [
    "build_graph",
    "nodes_of",
    "edges_of",
    "display_name",
    "short_name",
    "out_kind",
    "in_kind",
    "cached",
    "forget",
]

_PROVENANCE = ("sources", "as_of", "confidence", "valid_from", "valid_to", "retrieved_on")


def _dicts(t: Table, names, lead: tuple = ()) -> list[dict]:
    """Each row's fields ``names`` as graph properties (after the constant pairs ``lead``), in that order,
    empty ones dropped; built a column at a time (list values stay the shared tuples they were read as)."""
    cols = [(a, c) for a in names if (c := t.values[a]).count(None) + c.count(()) < len(c)]
    keys = [k for k, _ in lead] + [a for a, _ in cols]
    if not cols:
        return [dict(lead) for _ in range(len(t))]
    rows = zip(*[repeat(v) for _, v in lead], *[c for _, c in cols])
    if all(c.count(None) == 0 and c.count(()) == 0 for _, c in cols):
        return [dict(zip(keys, row)) for row in rows]
    return [{k: v for k, v in zip(keys, row) if v is not None and v != ()} for row in rows]


def _fields(t: Table, drop: tuple[str, ...] = ()) -> list[str]:
    return [a for a in field_names(t.cls) if a not in drop]


def _prov(t: Table) -> list[str]:
    return [a for a in _PROVENANCE if a in t.values]


def _add_chain(ds: Dataset, b: Build) -> None:
    """Add sources, parks, segments, their links and enterprises with all their listed codes."""
    for t in ds.tables(model.Source):
        b.add_nodes(t.values["id"], _dicts(t, _fields(t, ("id",)), (("kind", "Source"),)))
    for t in ds.tables(model.Park):
        b.add_nodes(t.values["id"], _dicts(t, _fields(t, ("id",)), (("kind", "Park"),)))
        has = [i for i, p in enumerate(t.values["parent"]) if p]
        prov = _dicts(t, _prov(t), (("kind", "LOCATED_IN"), ("role", "part_of")))
        b.add_edges(
            [t.values["id"][i] for i in has],
            [t.values["parent"][i] for i in has],
            "LOCATED_IN",
            [prov[i] for i in has],
            t,
            "part_of",
            has,
        )
    for t in ds.tables(model.Segment):
        b.add_nodes(t.values["id"], _dicts(t, _fields(t, ("id",)), (("kind", "Segment"),)))
    for t in ds.tables(model.SegmentLink):
        b.add_edges(
            t.values["upstream"],
            t.values["downstream"],
            "UPSTREAM_OF",
            _dicts(t, _fields(t, ("upstream", "downstream")), (("kind", "UPSTREAM_OF"),)),
            t,
        )
    first = len(b.nodes)
    for t in ds.tables(model.Enterprise):
        b.add_nodes(t.values["id"], _dicts(t, _fields(t, ("id",)), (("kind", "Enterprise"),)))
    listings: dict[str, list] = {}
    for t in ds.tables(model.Listing):
        for e, code in zip(t.values["enterprise"], t.values["listed_code"]):
            listings.setdefault(e, []).append(code)
    if listings:
        for n, d in b.nodes[first:]:
            if n in listings and d["kind"] == "Enterprise":
                codes = tuple(dict.fromkeys(([d["listed_code"]] if d.get("listed_code") else []) + listings[n]))
                d["listed_codes"] = codes
                d.setdefault("listed_code", codes[0])


def _add_sites(ds: Dataset, b: Build) -> None:
    """Add locations, segment memberships and projects, each project with its status on today's date."""
    for t in ds.tables(model.Location):
        b.add_edges(
            t.values["enterprise"],
            t.values["park"],
            "LOCATED_IN",
            _dicts(t, _fields(t, ("enterprise", "park")), (("kind", "LOCATED_IN"),)),
            t,
            t.values["role"],
        )
    for t in ds.tables(model.Membership):
        b.add_edges(
            t.values["enterprise"],
            t.values["segment"],
            "IN_SEGMENT",
            _dicts(t, _fields(t, ("enterprise", "segment")), (("kind", "IN_SEGMENT"),)),
            t,
        )
    statuses = project_statuses(ds, date.today())
    for t in ds.tables(model.Project):
        ids, status, segment = t.values["id"], t.values["status"], t.values["segment"]
        props = _dicts(t, _fields(t, ("id", "status")))
        prov = _dicts(t, _prov(t))
        nodes = []
        for pid, stated, p in zip(ids, status, props):
            if stated:
                p["status_stated"] = stated
            if statuses.get(pid):
                p["status"] = statuses[pid]
            nodes.append({"kind": "Project", **p})
        b.add_nodes(ids, nodes)
        b.add_edges(t.values["enterprise"], ids, "RUNS", [{"kind": "RUNS", **p} for p in prov], t)
        b.add_edges(
            ids, t.values["park"], "LOCATED_IN", [{"kind": "LOCATED_IN", "role": "site", **p} for p in prov], t, "site"
        )
        has = [i for i, s in enumerate(segment) if s]
        extra = [{k: props[i][k] for k in ("capacity", "unit", "status") if k in props[i]} for i in has]
        b.add_edges(
            [ids[i] for i in has],
            [segment[i] for i in has],
            "IN_SEGMENT",
            [{"kind": "IN_SEGMENT", **x, **prov[i]} for x, i in zip(extra, has)],
            t,
            rows=has,
        )


def _add_relations(ds: Dataset, b: Build) -> None:
    """Add supplies, ownership, figures, intensities and the product and industry layers."""
    for t in ds.tables(model.Supply):
        b.add_edges(
            t.values["supplier"],
            t.values["customer"],
            "SUPPLIES",
            _dicts(t, _fields(t, ("supplier", "customer")), (("kind", "SUPPLIES"),)),
            t,
        )
    for t in ds.tables(model.Ownership):
        props = _dicts(t, _fields(t, ("owner_from", "owner_to", "kind")))
        b.add_edges(
            t.values["owner_from"],
            t.values["owner_to"],
            t.values["kind"],
            [{"kind": k, **p} for k, p in zip(t.values["kind"], props)],
            t,
        )
    counts: dict[tuple[str, str], int] = {}
    for t in ds.tables(model.Figure):
        fids = []
        for subject, metric in zip(t.values["subject"], t.values["metric"]):
            k = counts[(subject, metric)] = counts.get((subject, metric), 0) + 1
            fids.append(f"fig:{subject}:{metric}:{k}")
        b.add_nodes(fids, _dicts(t, _fields(t, ("subject",)), (("kind", "Figure"),)))
        b.add_edges(t.values["subject"], fids, "HAS_FIGURE", _dicts(t, _prov(t), (("kind", "HAS_FIGURE"),)), t)
    for t in ds.tables(model.Intensity):
        iids = [f"int:{m}:{c}" for m, c in zip(t.values["material"], t.values["chemistry"])]
        b.add_nodes(iids, _dicts(t, _fields(t), (("kind", "Intensity"),)))
        b.add_edges(t.values["material"], iids, "HAS_INTENSITY", _dicts(t, _prov(t), (("kind", "HAS_INTENSITY"),)), t)
    layers: tuple[tuple[type, str, str, str], ...] = (
        (model.Product, "Product", "segment", "MAPS_TO"),
        (model.Industry, "Industry", "parent", "PART_OF"),
    )
    for cls, kind, parent, edge in layers:
        for t in ds.tables(cls):
            b.add_nodes(t.values["id"], _dicts(t, _fields(t, ("id",)), (("kind", kind),)))
            has = [i for i, p in enumerate(t.values[parent]) if p]
            prov = _dicts(t, _prov(t), (("kind", edge),))
            b.add_edges(
                [t.values["id"][i] for i in has],
                [t.values[parent][i] for i in has],
                edge,
                [prov[i] for i in has],
                t,
                rows=has,
            )
    for t in ds.tables(model.Make):
        b.add_edges(
            t.values["enterprise"],
            t.values["product"],
            "MAKES",
            _dicts(t, _fields(t, ("enterprise", "product")), (("kind", "MAKES"),)),
            t,
        )
    for t in ds.tables(model.ProductLink):
        props = _dicts(t, _fields(t, ("link_from", "link_to", "kind")))
        b.add_edges(
            t.values["link_from"],
            t.values["link_to"],
            t.values["kind"],
            [{"kind": k, **p} for k, p in zip(t.values["kind"], props)],
            t,
        )
    links: tuple[tuple[type, str, str, str], ...] = (
        (model.IndustryMembership, "enterprise", "industry", "IN_INDUSTRY"),
        (model.IndustryLink, "link_from", "link_to", "FEEDS_INDUSTRY"),
    )
    for cls, a, z, kind in links:
        for t in ds.tables(cls):
            b.add_edges(t.values[a], t.values[z], kind, _dicts(t, _fields(t, (a, z)), (("kind", kind),)), t)


def _add_dated(ds: Dataset, b: Build) -> None:
    """Add project and enterprise events, policies and prices: the facts that carry a date."""
    for cls, who, what in ((model.ProjectEvent, "project", "stage"), (model.EnterpriseEvent, "enterprise", "event")):
        for t in ds.tables(cls):
            eids = [f"ev:{w}:{d}:{s}" for w, d, s in zip(t.values[who], t.values["date"], t.values[what])]
            b.add_nodes(eids, _dicts(t, _fields(t, (who,)), (("kind", "Event"),)))
            b.add_edges(
                t.values[who],
                eids,
                "HAS_EVENT",
                [{"kind": "HAS_EVENT", "date": d, **p} for d, p in zip(t.values["date"], _dicts(t, _prov(t)))],
                t,
            )
    for t in ds.tables(model.Policy):
        b.add_nodes(t.values["id"], _dicts(t, _fields(t, ("id",)), (("kind", "Policy"),)))
    i = 0
    for t in ds.tables(model.Price):
        b.add_nodes(
            [f"price:{s}:{d}:{i + j}" for j, (s, d) in enumerate(zip(t.values["series"], t.values["date"]))],
            _dicts(t, _fields(t), (("kind", "Price"),)),
        )
        i += len(t)


def build_graph(ds: Dataset) -> nx.MultiDiGraph:
    """Build the graph from a validated dataset, a file's columns at a time.

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
    with collector_paused():
        b = Build()
        for add in (_add_chain, _add_sites, _add_relations, _add_dated):
            add(ds, b)
        put_nodes(G, b.nodes)
        put_edges(G, b)
        G.graph[EdgeTable.KEY] = EdgeTable.built(G, b)
        gc.freeze()  # straight into the oldest generation: no young collection walks the new graph
        gc.unfreeze()
    return G


def project_statuses(ds: Dataset, day: date) -> dict[str, str | None]:
    """Each project's status on ``day``: its last event by then, the stated status counting as an event
    dated by the row's ``as_of`` (or, without one, as the status before any event)."""
    steps = {k: [s for s, _ in v] for k, v in project_steps(ds).items()}
    out = {}
    for t in ds.tables(model.Project):
        for pid, status, as_of in zip(t.values["id"], t.values["status"], t.values["as_of"]):
            mine = steps.get(pid, [])
            if status:
                mine = mine + [Step(as_of or "0001", status)]
            got = status_on(mine, day)
            out[pid] = got.stage if got else None
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
    """``(target, attrs)`` of ``n``'s outgoing edges of one kind; reads edge keys, which are the kind or
    start with the kind and ``#``."""
    numbered = kind + "#"
    for v, keys in G._succ[n].items():
        for k, d in keys.items():
            if k == kind or k.startswith(numbered):
                yield v, d


def in_kind(G: nx.MultiDiGraph, n: str, kind: str):
    """``(source, attrs)`` of ``n``'s incoming edges of one kind."""
    numbered = kind + "#"
    for u, keys in G._pred[n].items():
        for k, d in keys.items():
            if k == kind or k.startswith(numbered):
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


def forget(G: nx.MultiDiGraph) -> None:
    """Drop the indexes and the edge table kept for ``G``: for a graph edited in place (a snapshot taken
    in place)."""
    _INDEXES.pop(G, None)
    G.graph.pop(EdgeTable.KEY, None)
