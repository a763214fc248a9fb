"""Where a park makes what: the site rows that put a firm's work in a segment inside the park.

A firm is local in a segment only through a *site* in the park: a project sited there (its segment),
or a location row there that states what is made there (its ``segments``). What the firm does
elsewhere never counts. A site whose evidence is uncertain, or whose status is not yet operating (planned, signed, land, or
being built: construction, trial) is *pipeline*: listed beside the others, never enough for a weak or
strong segment, never counted as capacity; what is being built may be shown in its own column.
Stopped sites (halted, suspended, postponed, cancelled) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..graph import cached, in_kind
from ..timeline import capacity_class
from ..units import to_base
from .edges import edges_by_node
from .scope import Scope

__all__ = ["Site", "SegmentSites", "sites", "RUNNING", "BUILDING", "PROMISED", "STOPPED"]

#: Statuses of a site that works now (no status: the source does not say, and the row stands).
RUNNING = ("operating", "expanded")
#: Being built or trialled: pipeline, its capacity shown apart (:meth:`SegmentSites.pipeline_capacity`).
BUILDING = ("under_construction", "started", "construction", "trial")
#: Promised only: pipeline.
PROMISED = ("planned", "signed", "land")
#: Never counted.
STOPPED = ("halted", "postponed", "suspended", "cancelled")


@dataclass(frozen=True)
class Site:
    """One row that puts ``enterprise`` to work in ``segment`` inside the park."""

    enterprise: str
    segment: str
    kind: str  #: "project" or "location"
    row: str  #: the project id, or "enterprise@park" for a location row
    park: str
    status: str | None
    confidence: str | None
    capacity: float | None  #: in the segment's base unit; None when the row states none
    sources: tuple[str, ...]
    pipeline: bool  #: planned, signed or uncertain only (or not operating, when asked)

    @property
    def uncertain(self) -> bool:
        return self.confidence == "uncertain"

    def label(self, name: str) -> str:
        """``宜春时代 (project catl-yichun-cells, under_construction)``: firm, row, and what qualifies it."""
        what = [w for w in (self.status, "uncertain" if self.uncertain else None) if w]
        return f"{name} ({self.kind} {self.row}{', ' + ', '.join(what) if what else ''})"


@dataclass
class SegmentSites:
    """A segment's sites in the park: the present ones and the pipeline, each by firm."""

    segment: str
    present: list[Site]
    pipeline: list[Site]

    @property
    def firms(self) -> list[str]:
        return sorted({s.enterprise for s in self.present})

    @property
    def pipeline_firms(self) -> list[str]:
        here = set(self.firms)
        return sorted({s.enterprise for s in self.pipeline} - here)

    def capacity(self) -> float | None:
        """Σ stated capacity of the present sites, None when none states one."""
        caps = [s.capacity for s in self.present if s.capacity is not None]
        return sum(caps) if caps else None

    def pipeline_capacity(self) -> float | None:
        """Σ stated capacity of pipeline sites being built (construction, trial; not uncertain), None when
        none states one: shown beside :meth:`capacity`, never added to it."""
        caps = [
            s.capacity
            for s in self.pipeline
            if s.capacity is not None and s.status in BUILDING and s.confidence != "uncertain"
        ]
        return sum(caps) if caps else None

    def unstated(self) -> list[Site]:
        """Present sites without a capacity figure, leaving out a firm's location row where one of
        its projects in the segment states the figure (the same works, described twice)."""
        stated = {s.enterprise for s in self.present if s.capacity is not None}
        return [s for s in self.present if s.capacity is None and not (s.kind == "location" and s.enterprise in stated)]


def _pipeline(status: str | None, confidence: str | None) -> bool:
    """Whether a site is pipeline: uncertain, promised, or not yet operating (construction, trial)."""
    return confidence == "uncertain" or (status is not None and capacity_class(status) != "capacity")


def _merge(a: str | None, b: str | None, order) -> str | None:
    """The weaker of two statuses or confidences (the later in ``order``)."""
    known = [x for x in (a, b) if x is not None]
    return max(known, key=lambda x: order.index(x) if x in order else -1) if known else None


_CONF_ORDER = ("stated", "derived", "imported", "extracted", "synthetic", "uncertain")


def sites(G: nx.MultiDiGraph, scope: Scope) -> dict[str, SegmentSites]:
    """Every segment with a site in the park: ``segment -> SegmentSites``.

    A location row's site takes the weaker status and confidence of the row and of the firm's
    membership in the segment (a planned membership stays planned wherever it is said to be).
    Worked out once per graph and scope (gaps, balance and risk each ask for it): read it, do not change it.
    """
    return cached(G, ("sites", scope), lambda G: _sites(G, scope))


def _sites(G: nx.MultiDiGraph, scope: Scope) -> dict[str, SegmentSites]:
    out: dict[str, SegmentSites] = {}

    def add(site: Site) -> None:
        ss = out.setdefault(site.segment, SegmentSites(site.segment, [], []))
        (ss.pipeline if site.pipeline else ss.present).append(site)

    for p in sorted(scope.projects):
        d = G.nodes[p]
        seg, status = d.get("segment"), d.get("status")
        if not seg or status in STOPPED:
            continue
        cap = to_base(d["capacity"], d["unit"]) if d.get("capacity") is not None else None
        add(
            Site(
                d["enterprise"],
                seg,
                "project",
                p,
                d["park"],
                status,
                d.get("confidence"),
                cap,
                tuple(d.get("sources", ())),
                _pipeline(status, d.get("confidence")),
            )
        )
    memberships = edges_by_node(G, "IN_SEGMENT")
    for park in sorted(scope.parks):
        for firm, d in sorted(in_kind(G, park, "LOCATED_IN"), key=lambda x: (x[0], x[1].get("role") or "")):
            if not d.get("segments") or G.nodes[firm].get("kind") != "Enterprise":
                continue
            member = dict(memberships.get(firm, ()))
            for seg in d["segments"]:
                m = member.get(seg, {})
                status = m.get("status")
                if status in STOPPED:
                    continue
                conf = _merge(d.get("confidence"), m.get("confidence"), _CONF_ORDER)
                srcs = tuple(dict.fromkeys(tuple(d.get("sources", ())) + tuple(m.get("sources", ()))))
                add(
                    Site(
                        firm, seg, "location", f"{firm}@{park}", park, status, conf, None, srcs, _pipeline(status, conf)
                    )
                )
    return out
