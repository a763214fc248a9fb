"""What the graph holds: counts and sourcing (``stats``), and one entity in full (``describe``)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from dataclasses import dataclass, field
from typing import Callable

import networkx as nx

from .errors import NodeNotFound
from .graph import display_name
from .history import last_day
from .timeline import capacity_class

__all__ = ["Stats", "stats", "Neighbour", "Entity", "describe"]


#: The fields of each project :func:`describe` lists: its id, name and the firm that runs it, then its own fields.
PROJECT_FIELDS = (
    "id",
    "name",
    "run_by",
    "park",
    "segment",
    "capacity",
    "unit",
    "investment_yuan",
    "status",
    "start",
    "confidence",
    "sources",
    "note",
)


@dataclass
class Stats:
    """Counts by node and edge kind and by confidence; how many facts cite a known source."""

    nodes: dict[str, int]
    edges: dict[str, int]
    confidence: dict[str, int]
    facts: int
    sourced: int
    unsourced: list[str] = field(default_factory=list)
    checked: int = 0  #: facts whose retrieved_on is within 12 months of today
    capacities: dict[str, int] = field(default_factory=dict)  #: stated capacity figures: firm-wide, project
    built: dict[str, int] = field(default_factory=dict)  #: of those, the ones of built sites (operating, expanded)
    grades: dict[str, int] = field(default_factory=dict)  #: sources by quality grade (A, B, C)
    years: tuple[int, int] = (0, 0)  #: last year and this year: the window of ``checked_years`` and ``sourced_years``
    checked_years: int = 0  #: facts whose retrieved_on falls in ``years``
    sourced_years: int = 0  #: facts whose newest dated source falls in ``years``

    @property
    def sourced_share(self) -> float:
        return self.sourced / self.facts if self.facts else 1.0

    def rows(self) -> list[dict]:
        out = [{"what": "nodes", "kind": k, "count": v} for k, v in sorted(self.nodes.items())]
        out += [{"what": "edges", "kind": k, "count": v} for k, v in sorted(self.edges.items())]
        out += [{"what": "confidence", "kind": k, "count": v} for k, v in sorted(self.confidence.items())]
        out.append(
            {
                "what": "facts sourced",
                "kind": f"{self.sourced}/{self.facts}",
                "count": f"{100 * self.sourced_share:.1f}%",
            }
        )
        share = self.checked / self.facts if self.facts else 0.0
        out.append(
            {
                "what": "facts checked within 12 months",
                "kind": f"{self.checked}/{self.facts}",
                "count": f"{100 * share:.1f}%",
            }
        )
        span = f"{self.years[0]}–{self.years[1]}"
        for what, n in (
            (f"facts checked in {span}", self.checked_years),
            (f"facts with a source of {span}", self.sourced_years),
        ):
            out.append(
                {
                    "what": what,
                    "kind": f"{n}/{self.facts}",
                    "count": f"{100 * n / self.facts if self.facts else 0.0:.1f}%",
                }
            )
        out += [{"what": "capacity figures", "kind": k, "count": v} for k, v in self.capacities.items()]
        out += [{"what": "capacity figures, built", "kind": k, "count": v} for k, v in self.built.items()]
        out += [{"what": "sources by grade", "kind": k, "count": v} for k, v in sorted(self.grades.items())]
        return out


def _built(status: str | None) -> bool:
    """Whether a capacity is of a built site (operating or expanded, or no status stated), as the analyses count it."""
    return status is None or capacity_class(status) == "capacity"


def _citations(G: nx.MultiDiGraph, since: int) -> Callable[[tuple], tuple[bool, bool]]:
    """A judge of a fact's list of sources: (one is dated ``since`` or later, it names at least one source and
    every one is a Source node). A million facts share a few thousand lists: each is judged once."""
    sources = {n for n, d in G.nodes(data=True) if d.get("kind") == "Source"}
    dated = {n: last_day(d["date"]).year for n, d in G.nodes(data=True) if d.get("kind") == "Source" and d.get("date")}
    seen: dict[tuple, tuple[bool, bool]] = {}

    def judge(cited: tuple) -> tuple[bool, bool]:
        if (c := seen.get(cited)) is None:
            c = seen[cited] = (
                max((dated.get(s, 0) for s in cited), default=0) >= since,
                bool(cited) and all(s in sources for s in cited),
            )
        return c

    return judge


def stats(G: nx.MultiDiGraph) -> Stats:
    """Count nodes and edges by kind; a fact (any node but a Source, or any edge) is sourced when
    it names at least one source and every source it names is a Source node of the graph.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph (``load_graph()`` or a store's ``graph()``).

    Returns
    -------
    Stats
        Counts by node and edge kind, the sourced share, capacity figures and sources by quality.

    >>> from lithiumgraph import load_graph
    >>> stats(load_graph()).sourced_share
    1.0
    """
    nodes: Counter[str] = Counter()
    edges: Counter[str] = Counter()
    conf: Counter[str] = Counter()
    facts = sourced = checked = checked_years = sourced_years = 0
    unsourced: list[str] = []
    today = date.today()
    recent, since = today - timedelta(days=365), today.year - 1

    when: dict[str, tuple[bool, bool]] = {}  # a million facts share a few thousand dates: judge each once
    judge = _citations(G, since)

    def check(label: str, d: dict) -> None:
        nonlocal facts, sourced, checked, checked_years, sourced_years
        facts += 1
        if r := d.get("retrieved_on"):
            if (w := when.get(r)) is None:
                w = when[r] = (last_day(r) >= recent, last_day(r).year >= since)
            checked += w[0]
            checked_years += w[1]
        c = judge(tuple(d.get("sources") or ()))
        sourced_years += c[0]
        conf[d.get("confidence", "none")] += 1
        if c[1]:
            sourced += 1
        else:
            unsourced.append(label)

    grades: Counter[str] = Counter()
    capacities = {"firm-wide": 0, "project": 0}
    built = {"firm-wide": 0, "project": 0}
    for n, d in G.nodes(data=True):
        nodes[d.get("kind", "?")] += 1
        if d.get("kind") == "Source":
            grades[d.get("quality") or "ungraded"] += 1
        else:
            check(n, d)
            if d.get("kind") == "Project" and d.get("capacity") is not None:
                capacities["project"] += 1
                built["project"] += _built(d.get("status"))
    for u, v, d in G.edges(data=True):
        edges[d.get("kind", "?")] += 1
        check(f"{u}-[{d.get('kind')}]->{v}", d)
        if d.get("kind") == "IN_SEGMENT" and d.get("capacity") is not None and G.nodes[u].get("kind") == "Enterprise":
            capacities["firm-wide"] += 1
            built["firm-wide"] += _built(d.get("status"))
    return Stats(
        dict(sorted(nodes.items())),
        dict(sorted(edges.items())),
        dict(sorted(conf.items())),
        facts,
        sourced,
        sorted(unsourced),
        checked,
        capacities,
        built,
        dict(grades),
        (since, today.year),
        checked_years,
        sourced_years,
    )


@dataclass(frozen=True)
class Neighbour:
    """One edge of an entity, seen from it: ``out`` when the entity is the edge's start."""

    edge: str
    direction: str
    id: str
    kind: str
    name: str
    props: dict


@dataclass
class Entity:
    """An entity with its attributes, figures, neighbours by edge kind and the sources they cite."""

    id: str
    kind: str
    name: str
    attrs: dict
    neighbours: list[Neighbour]
    figures: list[dict]
    projects: list[dict]
    sources: list[dict]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "attributes": self.attrs,
            "figures": self.figures,
            "projects": self.projects,
            "neighbours": [
                {
                    "edge": n.edge,
                    "direction": n.direction,
                    "id": n.id,
                    "kind": n.kind,
                    "name": n.name,
                    **{k: v for k, v in n.props.items() if k != "kind"},
                }
                for n in self.neighbours
            ],
            "sources": self.sources,
        }


def _group(G: nx.MultiDiGraph, n: str) -> list[str]:
    """``n`` and every enterprise that is (transitively) its subsidiary."""
    out, todo = [n], [n]
    while todo:
        for u, _, e in G.in_edges(todo.pop(), data=True):
            if e["kind"] == "SUBSIDIARY_OF" and u not in out:
                out.append(u)
                todo.append(u)
    return out


def _figures(G: nx.MultiDiGraph, n: str) -> list[dict]:
    return [
        {"subject": n, **{k: x for k, x in G.nodes[v].items() if k != "kind"}}
        for _, v, e in G.out_edges(n, data=True)
        if e["kind"] == "HAS_FIGURE"
    ]


def _projects(G: nx.MultiDiGraph, n: str) -> list[dict]:
    """Projects that ``n`` or its subsidiaries run, or, for a park, that are sited in it."""
    kind = G.nodes[n]["kind"]
    if kind == "Enterprise":
        pairs = [
            (v, runner) for runner in _group(G, n) for _, v, e in G.out_edges(runner, data=True) if e["kind"] == "RUNS"
        ]
    elif kind in ("Park", "Segment"):
        pairs = [
            (u, None)  # type: ignore[misc]
            for u, _, e in G.in_edges(n, data=True)
            if G.nodes[u]["kind"] == "Project" and e["kind"] in ("LOCATED_IN", "IN_SEGMENT")
        ]
    else:
        return []
    out = []
    for p, runner in pairs:
        d = G.nodes[p]
        out.append(
            {
                "id": p,
                "name": d.get("name_zh"),
                "run_by": runner or d.get("enterprise"),
                **{k: d.get(k) for k in PROJECT_FIELDS[3:]},
            }
        )
    return out


def describe(G: nx.MultiDiGraph, n: str) -> Entity:
    """Everything the graph says about node ``n``, each fact with its sources; for an enterprise,
    also the projects its subsidiaries run and their figures.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph (``load_graph()`` or a store's ``graph()``).
    n : str
        A node id (:func:`lithiumgraph.resolve` finds it from a name).

    Returns
    -------
    Entity
        The node's fields, its neighbours by relation, its projects and figures, each with sources.

    Raises
    ------
    NodeNotFound
        ``n`` is not a node of ``G``.
    """
    if n not in G:
        raise NodeNotFound(n)
    d = G.nodes[n]
    neighbours = []
    projects = sorted(_projects(G, n), key=lambda p: p["id"])
    figures = _figures(G, n)
    for p in projects:
        figures += _figures(G, p["id"])
    figures.sort(key=lambda f: (f["subject"], f["metric"], str(f.get("value"))))
    for _, v, e in G.out_edges(n, data=True):
        if e["kind"] == "HAS_FIGURE":
            continue
        if e["kind"] == "HAS_INTENSITY":
            figures.append(
                {
                    "subject": n,
                    "metric": f"intensity ({G.nodes[v]['chemistry']})",
                    "value": f"{G.nodes[v]['low']:g}–{G.nodes[v]['high']:g}",
                    **{k: x for k, x in G.nodes[v].items() if k in ("unit", "note", "sources", "as_of", "confidence")},
                }
            )
            continue
        neighbours.append(Neighbour(e["kind"], "out", v, G.nodes[v]["kind"], display_name(G, v), e))
    for u, _, e in G.in_edges(n, data=True):
        neighbours.append(Neighbour(e["kind"], "in", u, G.nodes[u]["kind"], display_name(G, u), e))
    neighbours.sort(key=lambda x: (x.edge, x.direction, x.id, str(x.props.get("_key", ""))))
    # the entity's own sources first, then the others cited here, by id
    others = {s for p in projects for s in p["sources"] or []} | {s for f in figures for s in f.get("sources", [])}
    others |= {s for nb in neighbours for s in nb.props.get("sources", ())}
    order = list(dict.fromkeys(list(d.get("sources", [])) + sorted(others)))
    sources = [
        {"id": s, **{k: G.nodes[s].get(k) for k in ("title", "publisher", "date", "address")}} for s in order if s in G
    ]
    # a fixed order (names first, provenance last) so that every store shows the same thing
    first = ("id", "name_zh", "name_en", "aliases", "listed_code")
    last = ("sources", "as_of", "confidence")
    keys = sorted(
        (k for k in d if k != "kind"),
        key=lambda k: (k in last, first.index(k) if k in first else len(first), last.index(k) if k in last else 0, k),
    )
    attrs = {k: d[k] for k in keys}
    return Entity(n, d["kind"], display_name(G, n), attrs, neighbours, figures, projects, sources)
