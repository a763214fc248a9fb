"""The document's charts as SVG: balance as ranged bars (demand range vs local supply), the project
funnel, and coverage by stage."""

from __future__ import annotations

from ..output import format_value
from .svg import STATUS, Svg

__all__ = ["balance_chart", "funnel_chart", "coverage_chart"]


def balance_chart(p) -> str:
    """One row per material with a demand range: the range as a band, local supply as a bar, each row on
    its own scale (units differ), figures written beside."""
    mats = [m for m in p.balance.materials if m.demand_low is not None and m.demand_high is not None]
    W, RH, x0, bw = 900, 38, 200, 460
    s = Svg(W, 60 + RH * max(1, len(mats)), "供需平衡 balance")
    s.rect(x0, 12, 30, 12, fill="#90caf9", stroke="#1565c0", rx=1)
    s.text(x0 + 36, 23, "本地需求区间 local demand range", size=11)
    s.rect(x0 + 250, 14, 30, 8, fill="#2e7d32", stroke="#2e7d32", rx=1)
    s.text(x0 + 286, 23, "本地供给 local supply", size=11)
    for i, m in enumerate(mats):
        y = 40 + i * RH
        top = max(m.demand_high, m.supply, 1e-9)
        s.text(10, y + 16, m.name_zh, size=12, width=x0 - 20)
        s.rect(x0, y + 2, bw, 22, fill="#f5f5f5", stroke="#ddd", rx=1)
        s.rect(
            x0 + bw * m.demand_low / top,
            y + 2,
            bw * (m.demand_high - m.demand_low) / top,
            22,
            fill="#90caf9",
            stroke="#1565c0",
            rx=1,
        )
        s.rect(x0, y + 9, bw * m.supply / top, 8, fill="#2e7d32", stroke="#2e7d32", rx=1)
        s.text(
            x0 + bw + 10,
            y + 17,
            f"{format_value(m.demand_low)}–{format_value(m.demand_high)} vs {format_value(m.supply)} {m.unit or ''}",
            size=11,
            width=W - x0 - bw - 20,
        )
    if not mats:
        s.text(10, 60, "无需求区间 (no local cell capacity with a figure)", size=12)
    return s.render()


def funnel_chart(ind) -> str:
    """签约 → 开工 → 投产: bar length by project count, investment and capacity written in."""
    rows = ind.rows
    W, RH = 900, 54
    s = Svg(W, 20 + RH * len(rows), "项目漏斗 funnel")
    top = max([r["projects"] for r in rows] + [1])
    for i, r in enumerate(rows):
        w = 560 * r["projects"] / top
        y = 10 + i * RH
        s.rect(170 + (560 - w) / 2, y, max(w, 2), RH - 12, fill="#5c6bc0", stroke="#283593", rx=2)
        s.text(10, y + 26, r["label"], size=14, weight="bold")
        s.text(450, y + 18, f"{r['projects']} 个项目", size=12, fill="#fff", anchor="middle")
        s.text(450, y + 34, r["detail"], size=10, fill="#fff", anchor="middle", width=max(w - 10, 200))
    return s.render()


def coverage_chart(p) -> str:
    """Segments per stage by status, as stacked bars patterned like the maps."""
    stages = [
        st
        for st in ("upstream", "midstream", "downstream", "recycling")
        if any(g.stage == st for g in p.coverage.segments)
    ]
    W, RH, x0, unit = 900, 40, 120, 34
    s = Svg(W, 60 + RH * len(stages), "环节覆盖 coverage by stage")
    s.legend(10, 8)
    for i, st in enumerate(stages):
        y = 46 + i * RH
        s.text(10, y + 18, st, size=13, weight="bold")
        x = x0
        for status in STATUS:
            n = sum(1 for g in p.coverage.segments if g.stage == st and g.status == status)
            if n:
                s.status_box(x, y, unit * n, 26, status)
                s.text(x + 6, y + 18, str(n), size=12, weight="bold")
                x += unit * n
    return s.render()
