"""Four of the five maps (五图) as SVG text: the chain panorama, the technology routes, the
applications and the attraction routes. (The regional map is in :mod:`.region`.) Each map draws only
what the pack computed from the data, and says so where the data is silent."""

from __future__ import annotations

import networkx as nx

from ..explorer.layout import chain_layers
from ..graph import short_name
from ..template import STAGE_ORDER, template
from ..output import format_value
from .svg import Svg, text_width

__all__ = ["panorama", "tech_routes", "wrap", "ROUTES"]

STAGE_ZH = {"upstream": "上游", "midstream": "中游", "downstream": "下游", "recycling": "回收"}


def wrap(items: list[str], width: float, size: float, lines: int, sep: str = "、") -> list[str]:
    """Names joined by ``sep`` into at most ``lines`` lines of ``width``; the rest as ``+N``."""
    out: list[str] = []
    cur, used = "", 0
    for i, it in enumerate(items):
        cand = f"{cur}{sep}{it}" if cur else it
        if text_width(cand, size) <= width:
            cur, used = cand, i + 1
            continue
        if len(out) == lines - 1:
            break
        if cur:
            out.append(cur)
        cur, used = it, i + 1
    if cur:
        out.append(cur)
    rest = len(items) - used
    if rest > 0 and out:
        out[-1] = out[-1] + f" +{rest}"
    return out[:lines]


def _seg_box(s: Svg, G, g, x, y, w, h, *, firms=True):
    s.status_box(x, y, w, h, g.status)
    s.text(x + 8, y + 19, g.name_zh, size=14, weight="bold", width=w - 32)
    s.text(x + 8, y + 34, f"{STAGE_ZH.get(g.stage, g.stage)} · {g.segment}", size=10, fill="#555", width=w - 16)
    if not firms:
        return
    names = list(g.firm_names) + [f"{n}(建)" for n in g.pipeline_names]
    for i, ln in enumerate(wrap(names, w - 16, 12, 3)):
        s.text(x + 8, y + 51 + 15 * i, ln, size=12)
    if g.capacity is not None:
        s.text(x + 8, y + h - 8, f"产能 {format_value(g.capacity)} {g.unit or ''}", size=11, fill="#333", width=w - 16)


def _figures(p) -> list[str]:
    b = p.balance
    out = [f"本地电芯产能 local cells: {b.cells_gwh:g} GWh/yr (投产 operating)"]
    for m in b.materials:
        if m.demand_low is not None and m.demand_high is not None:
            out.append(
                f"{m.name_zh} 需求 {format_value(m.demand_low)}–{format_value(m.demand_high)} / 本地 {format_value(m.supply)} {m.unit or ''}"
            )
    return out


def panorama(G: nx.MultiDiGraph, p) -> str:
    """产业链全景图: the template's segments left to right by layer, each coloured, patterned and
    badged by status, local firms named inside, capacity and the demand ranges as key figures."""
    lay = chain_layers(G)
    cov = {g.segment: g for g in p.coverage.segments}
    cols = sorted({lay[s] for s in cov if s in lay})
    bycol = {c: sorted((s for s in cov if lay.get(s) == c), key=lambda s: (STAGE_ORDER[cov[s].stage], s)) for c in cols}
    BW, BH, GX, GY, top = 210, 104, 40, 12, 150
    figs = _figures(p)
    rows = max(len(v) for v in bycol.values())
    W = 40 + len(cols) * (BW + GX)
    H = top + rows * (BH + GY) + 40 + 18 * ((len(figs) + 1) // 2)
    s = Svg(W, H, f"产业链全景图 — {p.name}")
    s.text(30, 40, f"产业链全景图 {p.name}", size=26, weight="bold", width=W - 60)
    s.text(
        30,
        66,
        f"数据日期 as of {p.as_of} · 每个环节按状态着色、加纹理并标字 (强/弱/建/缺) · 框内为本地企业 (建 = 仅在建/规划)",
        size=13,
        fill="#444",
        width=W - 60,
    )
    s.legend(30, 84)
    pos = {}
    for i, c in enumerate(cols):
        for j, seg in enumerate(bycol[c]):
            pos[seg] = (30 + i * (BW + GX), top + j * (BH + GY))
    for u, v in template(G).edges():
        if u in pos and v in pos:
            (x1, y1), (x2, y2) = pos[u], pos[v]
            s.line(x1 + BW, y1 + BH / 2, x2, y2 + BH / 2, stroke="#bbb", sw=1, arrow=True)
    for seg, (x, y) in pos.items():
        _seg_box(s, G, cov[seg], x, y, BW, BH)
    fy = top + rows * (BH + GY) + 24
    s.text(
        30, fy, "关键数据 key figures (balance; demand is a range from the intensity table):", size=13, weight="bold"
    )
    half = (len(figs) + 1) // 2
    for i, f in enumerate(figs):
        s.text(30 + (i // half) * (W / 2), fy + 18 * (i % half + 1), f, size=12, width=W / 2 - 40)
    return s.render()


#: Routes and the template segments along each; ``keywords`` find a local firm's product on that route.
ROUTES = (
    (
        "资源路线 resource",
        "锂云母 lepidolite",
        ("lepidolite-ore", "lepidolite-concentrate", "lithium-carbonate"),
        ("云母", "lepidolite"),
    ),
    (
        "资源路线 resource",
        "锂辉石 spodumene",
        ("spodumene", "lithium-carbonate", "lithium-hydroxide"),
        ("锂辉石", "spodumene"),
    ),
    (
        "资源路线 resource",
        "盐湖卤水 brine",
        ("brine", "lithium-carbonate", "lithium-hydroxide"),
        ("卤水", "盐湖", "brine"),
    ),
    (
        "电池化学 chemistry",
        "磷酸铁锂 LFP",
        ("iron-phosphate", "cathode-lfp", "cell-power", "cell-storage"),
        ("磷酸铁锂", "LFP"),
    ),
    (
        "电池化学 chemistry",
        "三元 NCM/NCA",
        ("ni-co-mn", "ncm-precursor", "cathode-ncm", "cell-power"),
        ("三元", "NCM", "NCA"),
    ),
    ("电池化学 chemistry", "磷酸锰铁锂 LMFP", (), ("锰铁锂", "LMFP")),
    ("电池化学 chemistry", "钠离子 sodium-ion", ("cell-sodium-ion",), ("钠离子", "sodium")),
    (
        "电池化学 chemistry",
        "固态/半固态 solid-state",
        ("hpa-coating", "lithium-metal", "cell-solid-state"),
        ("固态", "solid"),
    ),
)
_CHEM = {"磷酸铁锂 LFP": ("lfp",), "三元 NCM/NCA": ("ncm", "ncm811", "nca")}


def _route_firms(G, p, keywords) -> list[str]:
    """Local firms whose segment rows (product, note) name the route."""
    hits = set()
    for f in p.scope.firms:
        for _, v, d in G.out_edges(f, data=True):
            if d.get("kind") == "IN_SEGMENT":
                txt = f"{d.get('product', '')} {d.get('note', '')}".lower()
                if any(k.lower() in txt for k in keywords):
                    hits.add(short_name(G, f))
    return sorted(hits)


def tech_routes(G: nx.MultiDiGraph, p) -> str:
    """技术路线图: each route's segments with the park's status, local firms whose products name the
    route, and the route's share of local cell capacity where the data states chemistries."""
    cov = {g.segment: g for g in p.coverage.segments}
    BW, BH, RH, x0 = 200, 92, 112, 260
    W = x0 + 4 * (BW + 30) + 300
    H = 150 + RH * len(ROUTES) + 40
    s = Svg(W, H, f"技术路线图 — {p.name}")
    s.text(30, 40, f"技术路线图 {p.name}", size=26, weight="bold")
    s.text(
        30,
        66,
        f"数据日期 as of {p.as_of} · 每条路线上的环节按园区现状着色; 份额仅在数据给出化学体系时显示",
        size=13,
        fill="#444",
    )
    s.legend(30, 84)
    cells = p.balance.chemistry
    total = sum(cells.values())
    for i, (group, name, segs, kws) in enumerate(ROUTES):
        y = 140 + i * RH
        s.text(30, y + 22, name, size=16, weight="bold")
        s.text(30, y + 40, group, size=11, fill="#666")
        firms = _route_firms(G, p, kws)
        for k, ln in enumerate(wrap(firms, 210, 11, 2)):
            s.text(30, y + 58 + 14 * k, ("产品线索: " if k == 0 else "") + ln, size=11, fill="#333", width=220)
        present = [g for g in segs if g in cov]
        if not present:
            s.rect(x0, y, BW * 2, BH, fill="#fafafa", stroke="#bbb", dash="3 3")
            s.text(
                x0 + 10, y + 30, "模板无此环节: the chain template does not separate this route", size=12, fill="#555"
            )
        for j, g in enumerate(present):
            x = x0 + j * (BW + 30)
            if j:
                s.line(x - 30, y + BH / 2, x, y + BH / 2, stroke="#999", arrow=True)
            _seg_box(s, G, cov[g], x, y, BW, BH)
        if name in _CHEM and total:
            gwh = sum(v for k, v in cells.items() if k in _CHEM[name])
            if gwh:
                s.text(W - 280, y + 40, f"本地电芯 {gwh:g} GWh/yr ({100 * gwh / total:.0f}%)", size=13, weight="bold")
            else:
                s.text(
                    W - 280,
                    y + 40,
                    f"份额未知: {cells.get('unknown', 0):g} GWh/yr 未注明化学体系",
                    size=12,
                    fill="#555",
                    width=270,
                )
    return s.render()
