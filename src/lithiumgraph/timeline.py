"""The graph as known and true on a date, and the time rules the analyses share.

:func:`snapshot` keeps what was known on the date and still held: a fact counts from its ``valid_from``
or, lacking it, its ``as_of`` or, lacking both, the earliest date of its sources; it has ended once its
``valid_to`` is past. Sources published later are left out, and so is their mention in a fact's
``sources``. A project's status is its last event on or before the date (the stated status counting as
an event dated by the row's ``as_of``); a project with a history enters at its first event. Firm events
and prices up to the date stay. The chain template, the parks and outside classifications (segments,
segment links, intensities, parks, products, industries) are read as timeless unless they carry
``valid_from`` or ``valid_to`` themselves.

The rules analyses call: :func:`capacity_class` (which statuses count as capacity, which are pipeline) and
:func:`firm_stopped` (why a firm cannot count as a leading firm on the date).
"""

from __future__ import annotations

from datetime import date

import networkx as nx
import numpy as np

from .collector import collector_paused
from .graph import EdgeTable, forget
from .history import Step, first_day, last_day, parse_date, status_on

__all__ = [
    "snapshot",
    "known_from",
    "capacity_class",
    "firm_stopped",
    "firm_events",
    "CAPACITY",
    "PIPELINE",
    "NEVER",
    "STOPPED",
]

#: Statuses whose capacity counts by default.
CAPACITY = ("operating", "expanded")
#: Statuses whose capacity is pipeline: shown in its own column, never summed with CAPACITY.
PIPELINE = ("started", "construction", "trial")
#: Statuses whose capacity never counts (promises), and stopped ones.
NEVER = ("planned", "signed", "land")
STOPPED = ("halted", "suspended", "cancelled")
#: Firm events that stop a firm until a later ``resumed``.
HALTS = ("production_stopped", "bankruptcy_restructuring")
_HALT_WORDS = {"production_stopped": "production stopped", "bankruptcy_restructuring": "in bankruptcy restructuring"}

#: Node kinds and edge kinds read as timeless unless they carry valid_from or valid_to.
_TIMELESS_NODES = frozenset(("Segment", "Intensity", "Park", "Product", "Industry"))
_TIMELESS_EDGES = frozenset(
    ("UPSTREAM_OF", "HAS_INTENSITY", "MAPS_TO", "MATERIAL_OF", "SUBCLASS_OF", "PART_OF", "FEEDS_INDUSTRY")
)


def capacity_class(status: str | None) -> str | None:
    """``"capacity"`` for operating or expanded, ``"pipeline"`` for started, construction or trial, None for
    promises (planned, signed, land), stopped projects and an unknown status.

    >>> capacity_class("operating"), capacity_class("construction"), capacity_class("signed")
    ('capacity', 'pipeline', None)
    """
    if status in CAPACITY:
        return "capacity"
    if status in PIPELINE:
        return "pipeline"
    return None


def firm_events(G: nx.MultiDiGraph, firm: str) -> list[dict]:
    """A firm's events on the graph, oldest first."""
    evs = [
        G.nodes[v]
        for v, keys in G._succ[firm].items()
        if any(k == "HAS_EVENT" or k.startswith("HAS_EVENT#") for k in keys)
    ]
    return sorted((e for e in evs if e.get("event")), key=lambda e: (first_day(e["date"]), e["event"]))


def firm_stopped(G: nx.MultiDiGraph, firm: str) -> str | None:
    """Why ``firm`` cannot count as a leading firm on the graph's date, or None: a production stop or a
    bankruptcy restructuring with no later ``resumed`` (``production stopped since 2024-10; in bankruptcy
    restructuring since 2025-06``)."""
    if firm not in G:
        return None
    open_: dict[str, str] = {}
    for e in firm_events(G, firm):
        if e["event"] == "resumed":
            open_.clear()
        elif e["event"] in HALTS:
            open_.setdefault(e["event"], e["date"])
    return "; ".join(f"{_HALT_WORDS[k]} since {d}" for k, d in open_.items()) or None


def known_from(d: dict, source_dates: dict[str, date]) -> date | None:
    """From when a fact counts: its ``valid_from``, else its ``as_of``, else the earliest date of its sources."""
    if d.get("valid_from"):
        return first_day(d["valid_from"])
    if d.get("as_of"):
        return first_day(d["as_of"])
    days = [source_dates[s] for s in d.get("sources", ()) if s in source_dates]
    return min(days) if days else None


class _Rule:
    """Whether a fact stands on ``day``; memoised on its dates and sources, which repeat across rows."""

    def __init__(self, day: date, source_dates: dict[str, date]):
        self.day, self.source_dates = day, source_dates
        self.late = {s for s, dt in source_dates.items() if dt > day}  # sources published after the day
        self._seen: dict[tuple, bool] = {}

    @staticmethod
    def key(d: dict, timeless: bool) -> tuple:
        """What decides whether a fact stands: its dates, and its sources only when neither valid_from
        nor as_of does."""
        vf, at = d.get("valid_from"), d.get("as_of")
        return (timeless, vf, d.get("valid_to"), at, None if vf or at else d.get("sources"))

    def keeps(self, d: dict, timeless: bool) -> bool:
        key = self.key(d, timeless)
        ok = self._seen.get(key)
        return self.decide(d, key) if ok is None else ok

    def decide(self, d: dict, key: tuple) -> bool:
        """The decision for a key not seen yet, remembered."""
        vt = d.get("valid_to")
        if vt and last_day(vt) < self.day:
            ok = False
        elif key[0] and not d.get("valid_from"):
            ok = True
        else:
            k = known_from(d, self.source_dates)
            ok = k is None or k <= self.day
        self._seen[key] = ok
        return ok

    def edge(self, key: tuple, d: dict) -> int:
        """The verdict on an edge of provenance class ``key`` = (kind, role, valid_from, valid_to, as_of,
        sources): 0 left out, 1 kept as it is, 2 kept without its late sources. The edge table lists each
        class once, so the verdict is not remembered."""
        ok = self.keeps(d, key[0] in _TIMELESS_EDGES or key[1] == "part_of")
        srcs = d.get("sources")
        return 0 if not ok else 2 if self.late and srcs and not self.late.isdisjoint(srcs) else 1


def _attrs(d: dict, rule: _Rule) -> dict:
    """``d`` without the sources published after the day (``d`` itself when none is)."""
    late = rule.late
    srcs = d.get("sources")
    if not late or not srcs or late.isdisjoint(srcs):
        return d
    return {**d, "sources": tuple(s for s in srcs if s not in late)}


def snapshot(G: nx.MultiDiGraph, day: str | date | None = None, *, inplace: bool = False) -> nx.MultiDiGraph:
    """The graph as known and true on ``day`` (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a date; a period
    means its last day; None means today). Returns ``G`` itself when nothing differs on today or on the
    day ``G`` already stands for; an earlier day gets its own graph with ``as_of`` set, even when no fact
    differs, so answers measured back from the day (recent projects) use it.

    ``inplace=True`` is for a caller that hands ``G`` over (a graph just built or read from the cache and
    kept for nothing else): what does not hold on the day is removed from ``G`` itself, which is returned,
    rather than all that holds being copied into a new graph; the same nodes, edges and properties. ``G``
    comes back without ``as_of`` only when nothing differed.

    >>> from lithiumgraph import load_graph
    >>> G = load_graph()
    >>> "ganfeng-yichun-cells" in snapshot(G, "2022-06")      # agreed on 2022-09-28
    False
    >>> snapshot(G, "2022-12").nodes["ganfeng-yichun-cells"]["status"]
    'signed'
    """
    day = parse_date(day)
    with collector_paused():
        return _snapshot(G, day, inplace)


def _snapshot(G: nx.MultiDiGraph, day: date, inplace: bool) -> nx.MultiDiGraph:
    node = G._node
    source_dates = {n: first_day(d["date"]) for n, d in node.items() if d.get("kind") == "Source" and d.get("date")}
    rule = _Rule(day, source_dates)
    keep: dict[str, dict] = {}
    pending: dict[str, dict] = {}  # firms known only later: kept where a fact of the day involves them
    began: list[str] = []  # projects that entered by their first event
    late = rule.late
    for n, d in node.items():
        kind = d.get("kind")
        if kind == "Source":
            ok = n not in source_dates or source_dates[n] <= day
        elif kind in ("Event", "Price"):
            ok = first_day(d["date"]) <= day
        else:
            ok = rule.keeps(d, kind in _TIMELESS_NODES)
            if not ok and kind == "Project" and _began(G, n, d, day):
                ok = True
                began.append(n)
        if ok:  # _attrs inlined for the common case of no late source
            keep[n] = d if kind == "Source" or not late or late.isdisjoint(d.get("sources", ())) else _attrs(d, rule)
        elif kind == "Enterprise":
            pending[n] = d
    for n in [n for n, d in keep.items() if d.get("kind") == "Project"]:
        if keep[n].get("enterprise") in pending:
            f = keep[n]["enterprise"]
            keep[f] = _attrs(pending.pop(f), rule)
    _cascade(G, keep)
    _statuses(G, keep, day)
    began_kept = {p for p in began if p in keep}
    table = EdgeTable.get(G)
    if table is None:
        table = G.graph[EdgeTable.KEY] = _table(G)
    H = _cut(G, table, keep, pending, began_kept, rule, day, copy=not inplace)
    return G if H is None else H


def _table(G: nx.MultiDiGraph) -> EdgeTable:
    """The edge table of a graph that came without one (read from a store, or a subgraph)."""
    return EdgeTable.of(
        G, [(u, v, k, d) for u, nbrs in G._succ.items() for v, keyed in nbrs.items() for k, d in keyed.items()]
    )


def _copy(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A graph of ``G``'s nodes and edges in the same order, sharing their property dicts, to be cut."""
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H._node.update(G._node)
    pred: dict = {n: {} for n in G._node}
    for u, nbrs in G._succ.items():
        H._succ[u] = su = {}
        for v, keyed in nbrs.items():
            su[v] = pred[v][u] = keyed.copy()
    H._pred.update(pred)
    return H


#: Edge kinds a project that entered by its first event keeps, whatever their own dates.
_BEGAN_EDGES = frozenset(("RUNS", "LOCATED_IN", "IN_SEGMENT"))


def _cut(
    G: nx.MultiDiGraph, t: EdgeTable, keep: dict, pending: dict, began: set, rule: _Rule, day: date, copy: bool = False
) -> nx.MultiDiGraph | None:
    """The day's graph cut from ``G`` in place, every edge decided a provenance class at a time from ``G``'s
    edge table; Python touches only the edges that go or change. None when nothing differs on today or on
    the day ``G`` already stands for (``G`` is then left as it was)."""
    names = list(G._node)
    verdict = np.array([_class_verdict(c, rule) for c in t.classes], np.int8)[t.cls]
    kept_ = np.fromiter(map(keep.__contains__, names), bool, len(names))
    pend = np.fromiter(map(pending.__contains__, names), bool, len(names))
    ends = kept_ | pend
    good = (verdict > 0) & ends[t.u] & ends[t.v]
    brought = np.zeros(len(names), bool)
    brought[t.u[good]] = brought[t.v[good]] = True
    brought &= pend
    for i in np.flatnonzero(brought):
        keep[names[i]] = _attrs(pending.pop(names[i]), rule)
    final = kept_ | brought
    both = final[t.u] & final[t.v]
    held = np.zeros(len(t.u), bool)
    if began:
        in_began = np.fromiter(map(began.__contains__, names), bool, len(names))
        kinds = np.array([c[0] in _BEGAN_EDGES for c in t.classes], bool)[t.cls]
        held = (verdict == 0) & kinds & (in_began[t.u] | in_began[t.v]) & both
    projects = {n for n, d in keep.items() if d.get("kind") == "Project"}
    project = np.fromiter(map(projects.__contains__, names), bool, len(names))
    in_segment = np.array([c[0] == "IN_SEGMENT" for c in t.classes], bool)[t.cls]
    look = (good & ((verdict == 2) | (in_segment & project[t.u])) | held) & both
    succ, pred, node = G._succ, G._pred, G._node
    changes = []
    look = np.flatnonzero(look)
    for u, v, k in zip(_at(names, t.u[look]), _at(names, t.v[look]), _at(t.keys, t.key[look])):
        d = succ[u][v][k]
        if (e := _edge_attrs(d, keep, u, rule)) is not d:
            changes.append((u, v, k, e))
    drop = np.flatnonzero((verdict == 0) & both & ~held)
    same = final.all() and not len(drop) and not changes and all(keep[n] is node[n] for n in keep)
    if same and (day == date.today() or G.graph.get("as_of") == day.isoformat()):
        return None
    if copy:
        G = _copy(G)
        succ, pred, node = G._succ, G._pred, G._node
    _remove_nodes(G, [names[i] for i in np.flatnonzero(~final)])
    for u, v, k in zip(_at(names, t.u[drop]), _at(names, t.v[drop]), _at(t.keys, t.key[drop])):
        keyed = succ[u][v]
        del keyed[k]
        if not keyed:
            del succ[u][v], pred[v][u]
    for u, v, k, e in changes:
        succ[u][v][k] = e
    for n, d in keep.items():
        if node[n] is not d:
            node[n] = d
    forget(G)
    G.graph["as_of"] = day.isoformat()
    return G


def _at(items: list, positions: np.ndarray) -> list:
    """``items`` at ``positions``."""
    return list(map(items.__getitem__, positions.tolist()))


def _class_verdict(c: tuple, rule: _Rule) -> int:
    """:meth:`_Rule.edge` for a provenance class of the edge table."""
    names = ("kind", "role", "valid_from", "valid_to", "as_of", "sources")
    return rule.edge(c, {a: x for a, x in zip(names, c) if x is not None})


def _remove_nodes(G: nx.MultiDiGraph, gone: list) -> None:
    """Remove nodes and their edges straight from the adjacency (networkx's remove_node, without its
    per-call checks)."""
    succ, pred, node = G._succ, G._pred, G._node
    for n in gone:
        out, into = succ.pop(n), pred.pop(n)
        for v in out:
            if v != n and v in pred:
                del pred[v][n]
        for u in into:
            if u != n and u in succ:
                del succ[u][n]
        del node[n]


def _began(G: nx.MultiDiGraph, n: str, d: dict, day: date) -> bool:
    """Whether a project's history began by ``day`` (an event on or before it) and has not ended."""
    if d.get("valid_to") and last_day(d["valid_to"]) < day:
        return False
    return any((e := G._node[v]).get("kind") == "Event" and first_day(e["date"]) <= day for v in G._succ[n])


def _edge_attrs(d: dict, keep: dict, u: str, rule: _Rule) -> dict:
    """An edge's properties on the day: a project's IN_SEGMENT edge carries the project's status."""
    if d["kind"] == "IN_SEGMENT" and keep[u].get("kind") == "Project":
        status = keep[u].get("status")
        if d.get("status") != status:
            d = {k: v for k, v in d.items() if k != "status"} | ({"status": status} if status else {})
    return _attrs(d, rule)


def _cascade(G: nx.MultiDiGraph, keep: dict) -> None:
    """Leave out what hangs on a node left out: a project whose firm or park is gone, and the figures and
    events of a subject that is gone."""
    for n in [n for n, d in keep.items() if d.get("kind") == "Project"]:
        if keep[n].get("enterprise") not in keep or keep[n].get("park") not in keep:
            del keep[n]
    for n in [n for n, d in keep.items() if d.get("kind") in ("Figure", "Event")]:
        if not any(u in keep for u in G._pred[n]):
            del keep[n]


def _statuses(G: nx.MultiDiGraph, keep: dict, day: date) -> None:
    """Each kept project's status on ``day``; a project whose history starts later is left out."""
    for n in [n for n, d in keep.items() if d.get("kind") == "Project"]:
        d = keep[n]
        steps = [
            Step(e["date"], e["stage"])
            for v in G._succ[n]
            if v in keep and (e := keep[v]).get("kind") == "Event" and e.get("stage")
        ]
        if d.get("status_stated"):
            steps.append(Step(d.get("as_of") or "0001", d["status_stated"]))
        if not steps:
            continue
        got = status_on(steps, day)
        if got is None:
            del keep[n]
        elif got.stage != d.get("status"):
            keep[n] = {**d, "status": got.stage}
