"""Chain coverage of a park: for every segment of the template, who is there, how much, and a status.

Rules (all in :class:`GapRules`, so a user can change them):

- **missing** (缺链): no local enterprise is active in the segment and no local project serves it.
- **strong** (强链): present, and either a leading firm is there (the firm or its group is a world or
  national leader of the segment per a source) or at least ``strong_firms`` local firms are; and
  where the balance gives a local demand, local capacity reaches ``min_coverage`` x its low end.
- **weak** (弱链): present but not strong; the reason says which rule failed.

Each missing segment also gets an action: 补链 when it feeds a segment the park has, 延链 when a
segment the park has feeds it, and none when it is a natural resource the park lacks (ore, brine).
Weak segments get 强链.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..collector import collector_paused
from ..template import layers, segment_order, template
from ..graph import short_name
from ..output import format_value
from .balance import MATERIALS, Balance, balance_of
from .edges import edges_by_node
from .grades import C_ONLY, c_only
from .presence import SegmentSites, sites
from .scope import Ownership, Scope, park_scope
from ..timeline import firm_stopped

__all__ = ["GapRules", "SegmentGap", "Coverage", "gaps"]


@dataclass(frozen=True)
class GapRules:
    """The thresholds behind missing / weak / strong."""

    strong_firms: int = 3  #: local firms that make a segment strong without a leading firm
    min_coverage: float = 1.0  #: local capacity / low end of local demand below which it is weak
    include_pipeline: bool = False  #: show capacity being built (construction, trial) in its own column
    leader_levels: tuple[str, ...] = ("world", "national")  #: leader levels that count as leading


@dataclass
class SegmentGap:
    """One segment of the template as the park has it."""

    segment: str
    name_zh: str
    name_en: str
    stage: str
    group: str | None
    layer: int
    status: str
    action: str
    reason: str
    firms: list[str] = field(default_factory=list)
    firm_names: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)
    capacity: float | None = None
    unit: str | None = None
    resource: bool = False
    sources: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)  #: rows (project ids, firm@park) that make it present
    pipeline: list[str] = field(default_factory=list)  #: rows that are planned, signed or uncertain only
    pipeline_names: list[str] = field(default_factory=list)  #: firms present in the pipeline only
    pipeline_firms: list[str] = field(default_factory=list)  #: their ids
    pipeline_capacity: float | None = None  #: capacity being built (construction, trial); never in ``capacity``
    shows_pipeline: bool = False  #: whether ``pipeline_capacity`` was asked for (``GapRules.include_pipeline``)
    c_only: list[str] = field(default_factory=list)  #: what decides the status on C-grade sources only: sites, leader

    def row(self) -> dict:
        return {
            "stage": self.stage,
            "group": self.group,
            "segment": self.segment,
            "name": self.name_zh,
            "status": self.status,
            "c_only": self.c_only,
            "action": self.action,
            "firms": len(self.firms),
            "firm_names": self.firm_names,
            "capacity": self.capacity,
            **({"pipeline_capacity": self.pipeline_capacity} if self.shows_pipeline else {}),
            "unit": self.unit,
            "reason": self.reason,
            "projects": self.projects,
            "sites": self.sites,
            "pipeline": self.pipeline,
            "sources": self.sources,
        }


@dataclass
class Coverage:
    """The park's coverage of the whole template, plus the balance it used for demand."""

    park: str
    rules: GapRules
    segments: list[SegmentGap]
    balance: Balance

    def rows(self) -> list[dict]:
        """One row per segment, upstream to downstream."""
        return [s.row() for s in self.segments]

    def to_dict(self) -> dict:
        """The park, the rules applied, the count by status and every segment's row."""
        from dataclasses import asdict

        return {
            "park": self.park,
            "rules": asdict(self.rules),
            "counts": {s: len(self.by_status(s)) for s in ("strong", "weak", "pipeline", "missing")},
            "segments": self.rows(),
        }

    def tables(self, by: str = "stage") -> list:
        """A table per chain stage (``by="stage"``) or per 三电一车 group (``by="group"``), then the counts."""
        from ..model import GROUPS, STAGES
        from ..output import Table

        rows, key = self.rows(), "stage" if by == "stage" else "group"
        cols = [
            "segment",
            "name",
            "status",
            "c_only",
            "action",
            "firm_names",
            "capacity",
            *(["pipeline_capacity"] if self.rules.include_pipeline else []),
            "unit",
            "reason",
        ]
        order = STAGES if by == "stage" else GROUPS + (None,)
        out = [
            Table(
                [r for r in rows if r[key] == value],
                cols,
                (f"\n== {value or 'other uses and recycling'} ==",),
                max_width=100,
            )
            for value in sorted(dict.fromkeys(r[key] for r in rows), key=order.index)
        ]
        n = self.to_dict()["counts"]
        return out + [
            Table(
                None,
                before=(
                    f"\n{n['strong']} strong, {n['weak']} weak, {n['pipeline']} pipeline "
                    f"only, {n['missing']} missing of {len(rows)} segments",
                ),
            )
        ]

    def by_status(self, status: str) -> list[SegmentGap]:
        return [s for s in self.segments if s.status == status]

    def get(self, segment: str) -> SegmentGap:
        return next(s for s in self.segments if s.segment == segment)


@collector_paused()
def gaps(G: nx.MultiDiGraph, park: str | Scope, *, rules: GapRules = GapRules()) -> Coverage:
    """Status of every segment for a park, upstream to downstream.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph (``load_graph()`` or a store's ``graph()``).
    park : str or Scope
        A park or region id, or its scope from :func:`lithiumgraph.scope.park_scope`.
    rules : GapRules
        What makes a segment strong or weak, and whether the pipeline counts.

    Returns
    -------
    Coverage
        One :class:`SegmentGap` per template segment (status, action, reason, sites), and the balance.

    Raises
    ------
    NodeNotFound
        ``park`` is not the id of a park in ``G``.

    >>> from lithiumgraph import load_graph
    >>> cov = gaps(load_graph(), "yichun-etdz")
    >>> cov.get("cell-power").status
    'strong'
    """
    scope = park if isinstance(park, Scope) else park_scope(G, park)
    here = sites(G, scope)
    bal = balance_of(G, scope, here, rules.include_pipeline)
    short = {}  # supply segment -> material balance it belongs to
    for m in MATERIALS:
        mb = bal.get(m.id)
        for seg in m.supply if mb else ():
            short[seg] = mb
    T = template(G)
    lay = layers(G, T)
    has = {s for s, ss in here.items() if ss.present}
    out = []
    for seg in segment_order(G, lay):
        out.append(
            _segment(G, seg, lay[seg], here.get(seg) or SegmentSites(seg, [], []), T, has, short.get(seg), rules)
        )
    return Coverage(scope.park, rules, out, bal)


def _segment(G, seg, layer, ss: SegmentSites, T, has, mb, rules) -> SegmentGap:
    """One segment's status, action and reason from its sites."""
    sd = G.nodes[seg]
    firms = ss.firms
    leaders = _leaders(G, firms, seg, rules)
    resource = sd.get("resource") == "yes"
    site_rows = [s.label(_name(G, s.enterprise)) for s in ss.present]
    pipe_rows = [
        s.label(_name(G, s.enterprise))
        + (f" {format_value(s.capacity, digits=3)} {sd.get('unit')}" if s.capacity else "")
        for s in ss.pipeline
    ]
    pipe_txt = f"pipeline: {'; '.join(pipe_rows)}" if pipe_rows else ""
    srcs = [x for s in ss.present + ss.pipeline for x in s.sources] + [x[0] for _, _, x, ok in leaders if ok and x]
    # a missing segment cites the template's sources for the segment itself
    sources = list(dict.fromkeys(srcs)) or list(sd.get("sources", ()))
    if not firms:
        status = "pipeline" if ss.pipeline else "missing"
        action, reason = _missing(seg, T, has, mb, resource)
        if status == "pipeline":
            reason = (
                "no local site in operation; "
                + pipe_txt
                + ("; " + reason.removeprefix("no local firm; ") if action else "")
            )
        weak_src: list[str] = []
    else:
        status, action, reason = _present(G, seg, ss, firms, leaders, mb, rules)
        weak_src = _c_only(G, ss, leaders, status, rules)
        reason = "; ".join(
            x
            for x in (
                reason,
                "sites: " + "; ".join(site_rows),
                pipe_txt,
                weak_src and f"{C_ONLY}: {', '.join(weak_src)}",
            )
            if x
        )
    cap, pipe_cap = ss.capacity(), ss.pipeline_capacity() if rules.include_pipeline else None
    return SegmentGap(
        seg,
        sd["name_zh"],
        sd["name_en"],
        sd["stage"],
        sd.get("group"),
        layer,
        status,
        action,
        reason,
        firms,
        [_name(G, f) for f in firms],
        [n for n, _, _, ok in leaders if ok],
        sorted(s.row for s in ss.present if s.kind == "project"),
        cap,
        sd.get("unit") if cap is not None or pipe_cap is not None else None,
        resource,
        sources,
        [s.row for s in ss.present],
        [s.row for s in ss.pipeline],
        [_name(G, f) for f in ss.pipeline_firms],
        ss.pipeline_firms,
        pipe_cap,
        rules.include_pipeline,
        weak_src,
    )


def _c_only(G, ss: SegmentSites, leaders, status: str, rules: GapRules) -> list[str]:
    """What decides a present segment's status only on C-grade sources: ``sites`` when no local firm has a
    site resting on a better source (so even its presence is C-only) or when a strong status from the number
    of firms needs firms whose sites are C-only; ``leader`` when a strong status rests on leader flags that
    are all C-only and fewer than ``strong_firms`` firms have better-sourced sites."""
    solid = {s.enterprise for s in ss.present if not c_only(G, s.sources)}
    out = [] if solid else ["sites"]
    if status == "strong" and len(solid) < rules.strong_firms:
        counted = [src for _, _, src, ok in leaders if ok]
        if not counted and not out:
            out.append("sites")
        elif counted and all(c_only(G, src) for src in counted):
            out.append("leader")
    return out


def _missing(seg, T, has, mb, resource) -> tuple[str, str]:
    feeds = sorted(v for v in T.successors(seg) if v in has)
    fed = sorted(u for u in T.predecessors(seg) if u in has)
    if resource:
        return "", "natural resource not found locally in the data; cannot be attracted"
    if mb is not None and mb.status == "shortfall":
        return "补链", (
            f"no local firm; local demand {format_value(mb.demand_low, digits=3)}–{format_value(mb.demand_high, digits=3)} "
            f"{mb.unit} of {_lower(mb.name_en)}, local supply {format_value(mb.supply, digits=3)}"
        )
    if feeds:
        return "补链", f"no local firm; feeds local {', '.join(feeds)}"
    if fed:
        return "延链", f"no local firm; downstream of local {', '.join(fed)}"
    return "", "no local firm; not adjacent to the local chain"


def _coverage(mb, rules) -> tuple[bool | None, str]:
    """Whether local capacity covers the low end of local demand: True, False, or None when the
    figures cannot tell (a supply or cell site without a capacity figure), with the words why."""
    if mb is None or mb.status == "no intensity" or (mb.demand_low == 0 and not mb.demand_unstated):
        return True, ""
    if mb.demand_low is None:
        return None, (
            f"local demand for {_lower(mb.name_en)} unknown: {mb.demand_unstated} local cell "
            f"site{'s' if mb.demand_unstated != 1 else ''} without a capacity figure"
        )
    need = rules.min_coverage * mb.demand_low
    cap = "not stated" if mb.supply_unstated and not mb.supply_projects else format_value(mb.supply, digits=3)
    txt = (
        f"local {_lower(mb.name_en)} capacity {cap} vs demand "
        f"{format_value(mb.demand_low, digits=3)}–{format_value(mb.demand_high, digits=3)} {mb.unit}"
    )
    if mb.supply >= need and not mb.demand_unstated:
        return True, txt
    if mb.supply < need and not mb.supply_unstated:
        return False, txt + f" (< {rules.min_coverage:g} x low end)"
    why = []
    if mb.supply_unstated and mb.supply < need:
        n = len(mb.supply_unstated)
        why.append(f"capacity not stated at {n} local site{'s' if n != 1 else ''}")
    if mb.demand_unstated:
        why.append(f"demand not stated at {mb.demand_unstated} local cell site{'s' if mb.demand_unstated != 1 else ''}")
    return None, txt + f"; coverage not shown: {', '.join(why)}"


def _present(G, seg, ss, firms, leaders, mb, rules) -> tuple[str, str, str]:
    """Status, action and reason of a segment with at least one present site."""
    covered, cover_txt = _coverage(mb, rules)
    firm_leaders = [x for x in leaders if x[3]]
    unsure = [x for x in leaders if not x[3] and "uncertain" in x[1]]
    stopped = [x for x in leaders if not x[3] and "uncertain" not in x[1]]
    if firm_leaders:
        base = "leading firm " + "; ".join(f"{n} ({lvl})" for n, lvl, _, _ in firm_leaders)
    elif len(firms) >= rules.strong_firms:
        base = f"{len(firms)} local firms (>= {rules.strong_firms})"
    else:
        base = None
    unsure_txt = "; ".join(
        ([("uncertain claim not counted: " + "; ".join(f"{n} ({lvl})" for n, lvl, _, _ in unsure))] if unsure else [])
        + [f"leading firm not counted: {n} ({lvl})" for n, lvl, _, _ in stopped]
    )
    if base and covered:
        return "strong", "", "; ".join(x for x in (base, cover_txt, unsure_txt) if x)
    why = []
    if not base:
        why.append(
            f"{len(firms)} local firm{'s' if len(firms) > 1 else ''} (< {rules.strong_firms}) and no leading firm"
        )
    else:
        why.append(base)
    if cover_txt:
        why.append(cover_txt)
    if unsure_txt:
        why.append(unsure_txt)
    return "weak", "强链", "; ".join(why)


def _name(G, n: str) -> str:
    return short_name(G, n)


def _leaders(G, firms, seg, rules) -> list[tuple[str, str, tuple[str, ...], bool]]:
    """``(firm name, level, sources, counts)`` for local firms whose group leads the segment per a
    source; an uncertain claim, or a firm whose production has stopped or that is in bankruptcy
    restructuring (:func:`~lithiumgraph.timeline.firm_stopped`), is listed but does not count."""
    out = []
    grp, memberships = Ownership.of(G).group, edges_by_node(G, "IN_SEGMENT")
    for f in firms:
        for m in grp(f):
            for s, d in memberships.get(m, ()):
                if s == seg and d.get("leader") in rules.leader_levels:
                    via = "" if m == f else f" via {_name(G, m)}"
                    halt = firm_stopped(G, f) or (firm_stopped(G, m) if m != f else None)
                    sure = d.get("confidence") != "uncertain" and not halt
                    lvl = d["leader"] + ("; " + halt if halt else "; uncertain" if not sure else "")
                    out.append((_name(G, f) + via, lvl, tuple(d.get("sources") or ()), sure))
    return list(dict.fromkeys(out))


def _lower(text: str) -> str:
    """``Cathode material`` -> ``cathode material``; a formula or acronym (``LiPF6``, ``LCE``) stays."""
    word = text.split(" ", 1)[0]
    return text if any(c.isupper() or c.isdigit() for c in word[1:]) else text[:1].lower() + text[1:]
