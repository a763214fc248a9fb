"""When a project or membership counts as a park's capacity or presence; the park's scope itself is
selected in :mod:`lithiumgraph.scope` (its names are importable from here too)."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..graph import out_kind
from ..scope import Ownership, Scope, ancestors, group_of, park_scope
from ..timeline import CAPACITY, capacity_class
from ..timeline import PIPELINE as TL_PIPELINE

__all__ = [
    "Scope",
    "park_scope",
    "ParkRow",
    "park_table",
    "group_of",
    "Ownership",
    "ancestors",
    "PIPELINE",
    "OPERATING",
    "counts",
]

OPERATING = CAPACITY
#: Statuses of projects being built: pipeline, counted only when asked for; planned, signed, land never.
PIPELINE = TL_PIPELINE


def counts(status: str | None, pipeline: bool) -> bool:
    """Whether a project or membership with this status counts as local capacity or presence: operating
    or expanded (or no status stated), and with ``pipeline`` also those being built."""
    cls = capacity_class(status)
    return status is None or cls == "capacity" or (pipeline and cls == "pipeline")


@dataclass(frozen=True)
class ParkRow:
    """A park or region with the firms and projects sited in it or in any park within it."""

    park: str
    name: str
    level: str | None
    parent: str | None
    firms: int
    projects: int

    def row(self) -> dict:
        return {
            "park": self.park,
            "name": self.name,
            "level": self.level,
            "parent": self.parent,
            "firms": self.firms,
            "projects": self.projects,
        }


def park_table(G: nx.MultiDiGraph, *, within: str | None = None) -> list[ParkRow]:
    """Every park (or those inside ``within``, itself included), regions first, then by name.

    >>> from lithiumgraph import load_graph
    >>> next(p for p in park_table(load_graph()) if p.park == "yichun-etdz").firms > 10
    True
    """
    from ..graph import short_name

    ids = sorted(park_scope(G, within).parks) if within else sorted(n for n, k in G.nodes(data="kind") if k == "Park")
    levels = ("country", "province", "city", "county", "park")
    out = []
    for p in ids:
        sc = park_scope(G, p)
        firms = set(sc.enterprises) | {G.nodes[x]["enterprise"] for x in sc.projects}
        d = G.nodes[p]
        parent = next((v for v, _ in out_kind(G, p, "LOCATED_IN")), None)
        out.append(ParkRow(p, short_name(G, p), d.get("level"), parent, len(firms), len(sc.projects)))
    return sorted(out, key=lambda r: (levels.index(r.level) if r.level in levels else 9, r.name, r.park))
