"""What changed around a park between two dates: project stage moves, firm events, new and ended facts.

Read from the graph with every date in it (not a snapshot): a fact is *new* on the day it starts to count
(its ``valid_from``, else ``as_of``, else its first source's date, as in :mod:`lithiumgraph.timeline`)
and *ended* on its ``valid_to``. Each change carries its sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import networkx as nx

from .graph import display_name, short_name
from .history import first_day, last_day, parse_date
from .scope import group_of, park_scope
from .timeline import known_from

__all__ = ["Change", "changes"]

#: Edges reported as new or ended facts about the park's firms and projects.
_FACT_EDGES = ("SUPPLIES", "IN_SEGMENT", "LOCATED_IN", "SUBSIDIARY_OF", "INVESTS_IN", "MAKES")


@dataclass(frozen=True)
class Change:
    """One dated change: ``what`` is ``stage``, ``event``, ``new`` or ``ended``."""

    date: str
    what: str
    kind: str  #: the project stage, firm event, or the fact's kind (SUPPLIES, Project, ...)
    subject: str
    name: str
    detail: str
    sources: tuple[str, ...]

    def row(self) -> dict:
        return {
            "date": self.date,
            "what": self.what,
            "kind": self.kind,
            "subject": self.subject,
            "name": self.name,
            "detail": self.detail,
            "sources": "|".join(self.sources),
        }


def changes(G: nx.MultiDiGraph, park: str, since: str | date, until: str | date | None = None) -> list[Change]:
    """Changes of the park's projects and firms (and their groups) dated after ``since`` and on or before
    ``until`` (default today), oldest first.

    >>> from lithiumgraph import load_graph
    >>> from lithiumgraph.graph import build_graph
    >>> from lithiumgraph.dataset import load
    >>> [c.detail for c in changes(build_graph(load()), "yichun-etdz", "2025-01") if c.subject == "hozon"]
    ['in bankruptcy restructuring']
    """
    start, end = parse_date(since, name="since"), parse_date(until, name="until")
    scope = park_scope(G, park)
    firms = {g for f in scope.firms for g in group_of(G, f)}
    subjects = firms | set(scope.projects)

    def inside(text: str | None) -> bool:
        return bool(text) and start < first_day(text) <= end

    out: list[Change] = []
    for n in sorted(subjects):
        out += _events(G, n, inside)
    for p in sorted(scope.projects):
        d = G.nodes[p]
        k = known_from(d, _source_dates(G))
        if k and start < k <= end:
            out.append(
                Change(
                    _when(d, k), "new", "Project", p, short_name(G, p), _project_text(d), tuple(d.get("sources", ()))
                )
            )
    seen = set()
    for n in sorted(subjects):
        for u, v, key, d in list(G.out_edges(n, keys=True, data=True)) + list(G.in_edges(n, keys=True, data=True)):
            if d["kind"] not in _FACT_EDGES or (u, v, key) in seen or G.nodes[u].get("kind") == "Project":
                continue
            seen.add((u, v, key))
            k = known_from(d, _source_dates(G))
            text = _edge_text(G, u, v, d)
            if k and start < k <= end:
                out.append(
                    Change(_when(d, k), "new", d["kind"], u, short_name(G, u), text, tuple(d.get("sources", ())))
                )
            if d.get("valid_to") and start < last_day(d["valid_to"]) <= end:
                out.append(
                    Change(d["valid_to"], "ended", d["kind"], u, short_name(G, u), text, tuple(d.get("sources", ())))
                )
    return sorted(out, key=lambda c: (first_day(c.date), c.what, c.subject, c.detail))


def _when(d: dict, k: date) -> str:
    """The date a fact starts to count, as the data writes it."""
    return d.get("valid_from") or d.get("as_of") or k.isoformat()


_DATES: dict[int, dict] = {}


def _source_dates(G: nx.MultiDiGraph) -> dict[str, date]:
    key = id(G)
    if key not in _DATES:
        _DATES.clear()
        _DATES[key] = {
            n: first_day(d["date"]) for n, d in G.nodes(data=True) if d.get("kind") == "Source" and d.get("date")
        }
    return _DATES[key]


def _events(G, n: str, inside) -> list[Change]:
    """A project's stage moves (with the stage before) or a firm's events inside the window."""
    evs = sorted(
        (G.nodes[v] for v in G._succ[n] if G.nodes[v].get("kind") == "Event"),
        key=lambda e: (first_day(e["date"]), e.get("stage") or e.get("event")),
    )
    out, before = [], G.nodes[n].get("status_stated") if not evs else None
    for e in evs:
        if e.get("stage"):
            if inside(e["date"]):
                move = f"{before} → {e['stage']}" if before and before != e["stage"] else e["stage"]
                out.append(
                    Change(
                        e["date"],
                        "stage",
                        e["stage"],
                        n,
                        short_name(G, n),
                        move + (f": {e['note']}" if e.get("note") else ""),
                        tuple(e.get("sources", ())),
                    )
                )
            before = e["stage"]
        elif inside(e["date"]):
            out.append(
                Change(
                    e["date"],
                    "event",
                    e["event"],
                    n,
                    short_name(G, n),
                    e["event"].replace("_", " ") + (f": {e['note']}" if e.get("note") else ""),
                    tuple(e.get("sources", ())),
                )
            )
    return out


def _project_text(d: dict) -> str:
    cap = f" {d['capacity']:g} {d['unit']}" if d.get("capacity") is not None else ""
    return (
        f"{d.get('segment') or 'no segment'}{cap}; {d.get('status_stated') or d.get('status') or 'status not stated'}"
    )


def _edge_text(G, u: str, v: str, d: dict) -> str:
    extra = "; ".join(f"{k}={d[k]}" for k in ("product", "leader", "role", "share_pct", "period") if d.get(k))
    return f"{display_name(G, u)} → {display_name(G, v)}" + (f" ({extra})" if extra else "")
