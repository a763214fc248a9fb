"""The pack's indicators on one page, each with the rule that computes it and what it rests on.

- chain completeness: share of the template's segments present (strong or weak), by stage and by
  三电一车 group, with pipeline-only segments shown beside and never counted;
- local supply ratio (本地配套率) per material: local supply / local demand, a low–high range because
  demand is a range (supply / high end … supply / low end);
- concentration: HHI of local capacity per segment (from risk);
- the signed → started → operating funnel of the park's projects, in count, money and capacity;
- location quotients: only where the data holds national totals per region and segment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from .lists import project_stages

__all__ = ["Indicator", "all_indicators", "completeness", "supply_ratio", "funnel"]

STAGES = ("upstream", "midstream", "downstream", "recycling")
GROUPS = {"battery": "电池", "motor": "电机", "control": "电控", "vehicle": "整车", None: "其他"}


@dataclass
class Indicator:
    """One indicator: a name, how it is computed, and its rows (label, value, detail)."""

    key: str
    name: str
    how: str
    rows: list[dict] = field(default_factory=list)


def _share(segs) -> dict:
    n = len(segs)
    present = sum(s.status in ("strong", "weak") for s in segs)
    pipe = sum(s.status == "pipeline" for s in segs)
    return {
        "segments": n,
        "present": present,
        "pipeline": pipe,
        "value": round(present / n, 3) if n else None,
        "detail": f"{present}/{n} present, {pipe} pipeline only",
    }


def completeness(p) -> Indicator:
    segs = p.coverage.segments
    rows = [{"label": "全链 whole chain", **_share(segs)}]
    rows += [
        {"label": f"{st}", **_share([s for s in segs if s.stage == st])}
        for st in STAGES
        if any(s.stage == st for s in segs)
    ]
    rows += [
        {"label": f"三电一车: {GROUPS[g]}", **_share([s for s in segs if s.group == g])}
        for g in GROUPS
        if any(s.group == g for s in segs)
    ]
    return Indicator(
        "completeness",
        "产业链完整度 chain completeness",
        "present segments (strong or weak: a local site at work) / segments of the template; "
        "pipeline-only segments are counted beside, never as present.",
        rows,
    )


def supply_ratio(p) -> Indicator:
    rows = []
    for m in p.balance.materials:
        if m.demand_low and m.demand_high and m.status != "unknown":
            lo, hi = m.supply / m.demand_high, m.supply / m.demand_low
            rows.append(
                {
                    "label": f"{m.name_zh} ({m.material})",
                    "low": round(lo, 3),
                    "high": round(hi, 3),
                    "value": f"{100 * lo:.0f}%–{100 * hi:.0f}%",
                    "detail": f"supply {m.supply:g} {m.unit} vs demand {m.demand_low:g}–{m.demand_high:g}",
                }
            )
        else:
            rows.append(
                {
                    "label": f"{m.name_zh} ({m.material})",
                    "low": None,
                    "high": None,
                    "value": "n/a",
                    "detail": m.note or f"not computable: {m.status}",
                }
            )
    return Indicator(
        "supply_ratio",
        "本地配套率 local supply ratio",
        "local operating (and building) supply / local demand from the park's cell capacity x the "
        "material's intensity range; low = supply / high demand, high = supply / low demand. Demand "
        "rests on stated cell capacity only.",
        rows,
    )


def concentration(p) -> Indicator:
    rows = [
        {
            "label": f"{x.name} ({x.segment})",
            "value": round(x.hhi) if x.hhi is not None else "n/a",
            "detail": (
                f"{x.firms} firms, largest {x.top_firm} {100 * x.top_share:.0f}%"
                if x.hhi is not None
                else f"not computable: no figure at {', '.join(x.unstated)}"
            ),
        }
        for x in p.risk.concentration
    ]
    return Indicator(
        "hhi",
        "集中度 concentration (HHI)",
        "Σ (firm's share of the segment's local capacity x 100)²: 10,000 = one firm; only where every "
        "local site states a capacity.",
        rows,
    )


def funnel(G: nx.MultiDiGraph, p) -> Indicator:
    stages = {"signed": "签约 signed", "started": "开工 started", "operating": "投产 operating"}
    rows = []
    for key, label in stages.items():
        hit = [pr for pr in sorted(p.scope.projects) if project_stages(G, pr)[f"reached_{key}"]]
        money = sum(G.nodes[pr].get("investment_yuan") or 0 for pr in hit)
        cap: dict[str, float] = {}
        for pr in hit:
            d = G.nodes[pr]
            if d.get("capacity") is not None and d.get("unit"):
                cap[d["unit"]] = cap.get(d["unit"], 0) + d["capacity"]
        rows.append(
            {
                "label": label,
                "stage": key,
                "projects": len(hit),
                "investment_yuan": money,
                "capacity": cap,
                "value": len(hit),
                "detail": f"{money / 1e8:,.1f} 亿元; "
                + (", ".join(f"{v:g} {u}" for u, v in cap.items()) or "no capacity stated"),
            }
        )
    return Indicator(
        "funnel",
        "项目漏斗 project funnel",
        "projects that reached each stage (an event at or past it, or a status past it): count, "
        "Σ stated investment, Σ stated capacity per unit; projects without a figure count in the "
        "number only.",
        rows,
    )


def location_quotient() -> Indicator:
    """Said, not computed: the data has no national totals to divide by."""
    return Indicator(
        "lq",
        "区位熵 location quotients",
        "LQ = (region's capacity in the segment / region's chain capacity) / (national capacity in the "
        "segment / national chain capacity). Not computed: the data holds no national capacity "
        "totals per region and segment, and summing the firms in the data would measure the data's "
        "coverage, not the region.",
    )


def all_indicators(G: nx.MultiDiGraph, p) -> list[Indicator]:
    return [completeness(p), supply_ratio(p), concentration(p), funnel(G, p), location_quotient()]
