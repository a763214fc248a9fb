"""Two flow maps: where the park's cells go (应用领域图) and each gap to its ranked candidates
(招商路线图). Both are columns of boxes joined by links, drawn from the pack's analyses."""

from __future__ import annotations

import networkx as nx

from ..graph import short_name
from ..template import template
from .maps import _seg_box
from .svg import STATUS, Svg

__all__ = ["applications", "attraction", "cell_segments"]


def cell_segments(G: nx.MultiDiGraph) -> list[str]:
    """Cell segments of the template: those whose id starts with ``cell-`` but the equipment."""
    return sorted(
        n
        for n, d in G.nodes(data=True)
        if d.get("kind") == "Segment" and n.startswith("cell-") and n != "cell-equipment"
    )


def _customers(G, p, cells: list[str]) -> dict[str, list[str]]:
    """Documented customers (SUPPLIES) of the park's cell firms, by the customer's segments."""
    local = {f for c in cells for f in (p.sites.get(c).firms if p.sites.get(c) else [])}
    out: dict[str, set] = {}
    for f in local:
        for _, v, d in G.out_edges(f, data=True):
            if d.get("kind") == "SUPPLIES":
                segs = [w for _, w, e in G.out_edges(v, data=True) if e.get("kind") == "IN_SEGMENT"] or ["?"]
                for sg in segs:
                    out.setdefault(sg, set()).add(short_name(G, v))
    return {k: sorted(v) for k, v in out.items()}


def applications(G: nx.MultiDiGraph, p) -> str:
    """应用领域图: the park's cell segments, the application segments they feed in the template (two
    steps, recycling left out), each with its status, capacity and documented customers."""
    T = template(G)
    cov = {g.segment: g for g in p.coverage.segments}
    cells = [c for c in cell_segments(G) if c in cov]
    step1 = sorted({v for c in cells for v in T.successors(c) if cov.get(v) and cov[v].stage != "recycling"})
    step2 = sorted(
        {w for v in step1 for w in T.successors(v) if cov.get(w) and cov[w].stage != "recycling"} - set(step1)
    )
    cust = _customers(G, p, cells)
    cols = [cells, step1, step2]
    BW, BH, GX, GY, top = 240, 104, 120, 24, 140
    W = 40 + 3 * (BW + GX)
    H = top + max(len(c) for c in cols) * (BH + GY + 30) + 60
    s = Svg(W, H, f"应用领域图 — {p.name}")
    s.text(30, 40, f"应用领域图 {p.name}", size=26, weight="bold")
    s.text(
        30,
        66,
        f"数据日期 as of {p.as_of} · 电芯 → 应用 (链条模板的上下游关系); 框下为本地电芯企业有来源的客户 (SUPPLIES)",
        size=13,
        fill="#444",
        width=W - 60,
    )
    s.legend(30, 84)
    pos = {}
    for i, col in enumerate(cols):
        for j, seg in enumerate(col):
            pos[seg] = (30 + i * (BW + GX), top + j * (BH + GY + 30))
    for u, v in T.edges():
        if u in pos and v in pos:
            (x1, y1), (x2, y2) = pos[u], pos[v]
            s.line(x1 + BW, y1 + BH / 2, x2, y2 + BH / 2, stroke="#777", sw=2, arrow=True)
    for seg, (x, y) in pos.items():
        _seg_box(s, G, cov[seg], x, y, BW, BH)
        if cust.get(seg):
            s.text(
                x, y + BH + 16, "客户 customers: " + "、".join(cust[seg]), size=11, fill="#1a237e", width=BW + GX - 10
            )
    if not cells:
        s.text(30, top + 20, "模板中没有电芯环节 (no cell segment in the template)", size=14)
    return s.render()


def _columns(heights: list[int], width: int) -> list[list[int]]:
    """Indices of blocks split into the fewest columns (up to 4) whose tallest is at most 0.7 x the
    total width, so the map prints on a landscape page; blocks keep their order."""
    total = sum(heights)
    for k in range(1, 5):
        if total / k <= 0.7 * width * k or k == 4:
            break
    cols: list[list[int]] = [[]]
    used = 0
    for i, h in enumerate(heights):
        if cols[-1] and used + h > total / k + 1 and len(cols) < k:
            cols.append([])
            used = 0
        cols[-1].append(i)
        used += h
    return cols


def _target(s: Svg, t, x: float, y: float, n: int) -> None:
    """One gap on the left and its ranked candidates on the right, linked."""
    BW, CW, RH = 260, 420, 40
    h = max(n * RH - 8, 42)
    st = t.status if t.status in STATUS else "missing"
    s.status_box(x, y, BW, h, st)
    s.text(x + 10, y + 20, f"{t.name_zh} ({t.segment})", size=14, weight="bold", width=BW - 40)
    s.text(x + 10, y + 36, f"{t.action or ''} · {t.reason}", size=10, fill="#444", width=BW - 20)
    cx = x + BW + 120
    if not t.candidates:
        s.text(cx, y + 22, "数据中无候选企业 (no candidate in the data)", size=12, fill="#777")
    for k, r in enumerate(t.candidates):
        cy = y + k * RH
        s.line(x + BW, y + h / 2, cx, cy + 16, stroke="#3949ab", sw=2.5 - 0.5 * min(k, 3), arrow=True)
        s.rect(cx, cy, CW - 30, RH - 8, fill="#e8eaf6", stroke="#3949ab")
        best = max(r.parts, key=lambda q: q.points, default=None)
        s.text(
            cx + 10,
            cy + 20,
            f"#{r.rank} {r.name}  {r.score:g} 分" + (" (C)" if r.c_only else ""),
            size=13,
            weight="bold",
            width=CW - 190,
        )
        if best is not None and best.points:
            s.text(
                cx + CW - 40, cy + 20, f"{best.name} +{best.points:g}", size=11, fill="#333", anchor="end", width=140
            )


def attraction(G: nx.MultiDiGraph, p) -> str:
    """招商路线图: each missing or weak segment linked to its ranked candidates, with the score and its
    largest part; in up to four columns so that it prints on a landscape page."""
    targets = list(p.recs)
    RH, top, colw = 40, 140, 820
    blocks = [max(1, len(t.candidates)) for t in targets]
    heights = [max(b * RH, 50) + 16 for b in blocks]
    cols = _columns(heights, colw)
    W = 40 + len(cols) * colw
    H = top + max([sum(heights[i] for i in c) for c in cols] + [40]) + 40
    s = Svg(W, H, f"招商路线图 — {p.name}")
    s.text(30, 40, f"招商路线图 {p.name}", size=26, weight="bold")
    s.text(
        30,
        66,
        f"数据日期 as of {p.as_of} · 缺链/弱链环节 → 排名候选企业 (recommend: 分数为各部分之和;"
        " (C) = 有得分部分仅有C级来源 (a scoring part rests on C-grade sources only))",
        size=13,
        fill="#444",
        width=W - 60,
    )
    s.legend(30, 84)
    for c, idx in enumerate(cols):
        y = top
        for i in idx:
            _target(s, targets[i], 30 + c * colw, y, blocks[i])
            y += heights[i]
    if not targets:
        s.text(30, top + 20, "没有缺链或弱链环节 (no missing or weak segment)", size=14)
    return s.render()
