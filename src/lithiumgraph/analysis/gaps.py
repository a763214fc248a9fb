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

from ..template import layers, segment_order, template
from ..graph import out_kind, short_name
from ..units import to_base
from .balance import MATERIALS, Balance, balance
from .scope import Scope, counts, group_of, park_scope

__all__ = ["GapRules", "SegmentGap", "Coverage", "gaps"]


@dataclass(frozen=True)
class GapRules:
    """The thresholds behind missing / weak / strong."""
    strong_firms: int = 3          #: local firms that make a segment strong without a leading firm
    min_coverage: float = 1.0      #: local capacity / low end of local demand below which it is weak
    pipeline: bool = True          #: count signed, planned and under-construction projects
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

    def row(self) -> dict:
        return {"stage": self.stage, "group": self.group, "segment": self.segment, "name": self.name_zh,
                "status": self.status, "action": self.action, "firms": len(self.firms),
                "firm_names": self.firm_names, "capacity": self.capacity, "unit": self.unit,
                "reason": self.reason, "projects": self.projects, "sources": self.sources}


@dataclass
class Coverage:
    """The park's coverage of the whole template, plus the balance it used for demand."""
    park: str
    rules: GapRules
    segments: list[SegmentGap]
    balance: Balance

    def rows(self) -> list[dict]:
        return [s.row() for s in self.segments]

    def by_status(self, status: str) -> list[SegmentGap]:
        return [s for s in self.segments if s.status == status]

    def get(self, segment: str) -> SegmentGap:
        return next(s for s in self.segments if s.segment == segment)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.3g}"


def gaps(G: nx.MultiDiGraph, park: str | Scope, *, rules: GapRules = GapRules()) -> Coverage:
    """Status of every segment for a park, upstream to downstream.

    >>> from lithiumgraph import load_graph
    >>> cov = gaps(load_graph(), "yichun-etdz")
    >>> cov.get("cell-power").status
    'strong'
    """
    scope = park if isinstance(park, Scope) else park_scope(G, park)
    bal = balance(G, scope, pipeline=rules.pipeline)
    short = {}  # supply segment -> material balance it belongs to
    for m in MATERIALS:
        mb = bal.get(m.id)
        for seg in m.supply if mb else ():
            short[seg] = mb
    T = template(G)
    lay = layers(G, T)

    present: dict[str, dict] = {s: {"firms": {}, "projects": [], "sources": []} for s in lay}
    for e in sorted(scope.enterprises):
        for seg, d in out_kind(G, e, "IN_SEGMENT"):
            if counts(d.get("status"), rules.pipeline):
                present[seg]["firms"].setdefault(e, d)
                present[seg]["sources"] += d.get("sources", [])
    for p in sorted(scope.projects):
        d = G.nodes[p]
        seg = d.get("segment")
        if seg and counts(d.get("status"), rules.pipeline):
            present[seg]["projects"].append(p)
            present[seg]["firms"].setdefault(d["enterprise"], {})
            present[seg]["sources"] += d.get("sources", [])
    has = {s for s, v in present.items() if v["firms"]}

    out = []
    for seg in segment_order(G, lay):
        sd = G.nodes[seg]
        info = present[seg]
        firms = sorted(info["firms"])
        projects = sorted(info["projects"])
        cap = None
        if projects:
            caps = [to_base(G.nodes[p]["capacity"], G.nodes[p]["unit"]) for p in projects
                    if G.nodes[p].get("capacity") is not None]
            cap = sum(caps) if caps else None
        leaders = _leaders(G, firms, seg, rules)
        resource = sd.get("resource") == "yes"
        # a missing segment cites the template's sources for the segment itself
        sources = list(dict.fromkeys(info["sources"] + [s for _, _, s in leaders])) or list(sd.get("sources", ()))
        if not firms:
            status = "missing"
            feeds = sorted(v for v in T.successors(seg) if v in has)
            fed = sorted(u for u in T.predecessors(seg) if u in has)
            mb = short.get(seg)
            if resource:
                action, reason = "", "natural resource not found locally in the data; cannot be attracted"
            elif mb is not None and mb.status == "shortfall":
                action, reason = "补链", (f"no local firm; local demand {_fmt(mb.demand_low)}–{_fmt(mb.demand_high)} "
                                         f"{mb.unit} of {_lower(mb.name_en)}, local supply {_fmt(mb.supply)}")
            elif feeds:
                action, reason = "补链", f"no local firm; feeds local {', '.join(feeds)}"
            elif fed:
                action, reason = "延链", f"no local firm; downstream of local {', '.join(fed)}"
            else:
                action, reason = "", "no local firm; not adjacent to the local chain"
        else:
            mb = short.get(seg)
            covered = mb is None or mb.demand_low is None or mb.demand_low == 0 or \
                mb.supply >= rules.min_coverage * mb.demand_low
            cover_txt = "" if mb is None or mb.demand_low is None else (
                f"local {_lower(mb.name_en)} capacity {_fmt(mb.supply)} vs demand "
                f"{_fmt(mb.demand_low)}–{_fmt(mb.demand_high)} {mb.unit}")
            if leaders:
                base = "leading firm " + "; ".join(f"{n} ({lvl})" for n, lvl, _ in leaders)
            elif len(firms) >= rules.strong_firms:
                base = f"{len(firms)} local firms (>= {rules.strong_firms})"
            else:
                base = None
            if base and covered:
                status, action = "strong", ""
                reason = base + (f"; {cover_txt}" if cover_txt else "")
            else:
                status, action = "weak", "强链"
                why = []
                if not base:
                    why.append(f"{len(firms)} local firm{'s' if len(firms) > 1 else ''} "
                               f"(< {rules.strong_firms}) and no leading firm")
                if not covered:
                    why.append(cover_txt + f" (< {rules.min_coverage:g} x low end)")
                reason = "; ".join(why)
        out.append(SegmentGap(seg, sd["name_zh"], sd["name_en"], sd["stage"], sd.get("group"), lay[seg],
                              status, action, reason, firms, [_name(G, f) for f in firms],
                              [n for n, _, _ in leaders], projects, cap, sd.get("unit") if cap is not None else None,
                              resource, sources))
    return Coverage(scope.park, rules, out, bal)


def _name(G, n: str) -> str:
    return short_name(G, n)


def _leaders(G, firms, seg, rules) -> list[tuple[str, str, str]]:
    """``(firm name, level, source)`` for local firms whose group leads the segment per a source."""
    out = []
    for f in firms:
        for m in group_of(G, f):
            for s, d in out_kind(G, m, "IN_SEGMENT"):
                if s == seg and d.get("leader") in rules.leader_levels:
                    via = "" if m == f else f" via {_name(G, m)}"
                    lvl = d["leader"] + ("; uncertain" if d.get("confidence") == "uncertain" else "")
                    out.append((_name(G, f) + via, lvl, (d.get("sources") or [""])[0]))
    return list(dict.fromkeys(out))


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]
