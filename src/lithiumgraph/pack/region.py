"""区域分布图: the park's partners (documented suppliers and customers of its firms) and its
candidates, placed by province on a tile-grid cartogram of China's 34 provincial units.

The grid is the project's own (one square per province, placed roughly where it lies; no map data is
downloaded, no border is drawn, so no boundary is asserted). Outside China the regions one level below
the country are laid out alphabetically in the same kind of grid. Firms located only in another country
get one tile per country below the grid; places the data cannot put in a province (a city recorded
directly under the country, a firm without a location) are listed below that."""

from __future__ import annotations

import networkx as nx

from ..graph import short_name
from ..scope import ancestors
from .svg import Svg

__all__ = ["regional", "CHINA_TILES", "placements"]

#: Provincial unit -> (row, column) of its tile.
CHINA_TILES = {
    "黑龙江": (0, 8),
    "内蒙古": (1, 5),
    "北京": (1, 6),
    "吉林": (1, 8),
    "新疆": (2, 1),
    "甘肃": (2, 3),
    "宁夏": (2, 4),
    "山西": (2, 5),
    "河北": (2, 6),
    "天津": (2, 7),
    "辽宁": (2, 8),
    "青海": (3, 2),
    "陕西": (3, 4),
    "河南": (3, 5),
    "山东": (3, 6),
    "西藏": (4, 1),
    "四川": (4, 3),
    "重庆": (4, 4),
    "湖北": (4, 5),
    "安徽": (4, 6),
    "江苏": (4, 7),
    "上海": (4, 8),
    "云南": (5, 3),
    "贵州": (5, 4),
    "湖南": (5, 5),
    "江西": (5, 6),
    "浙江": (5, 7),
    "广西": (6, 4),
    "广东": (6, 5),
    "福建": (6, 6),
    "台湾": (6, 8),
    "海南": (7, 4),
    "澳门": (7, 5),
    "香港": (7, 6),
}
ROLE_ZH = {"supplier": "供", "customer": "客", "candidate": "候"}


def _country(G, park: str) -> str | None:
    up = [park, *ancestors(G, park)]
    return next((a for a in reversed(up) if G.nodes[a].get("level") == "country"), None)


def _is_china(G, country: str | None) -> bool:
    return bool(country) and (G.nodes[country].get("name_zh") == "中国" or G.nodes[country].get("name_en") == "China")


def _region(G, park: str, country: str | None, china: bool) -> str | None:
    """The tile a park falls in: its province (or a city directly under the country, in China a
    municipality whose name is a tile), else None."""
    for a in [park, *ancestors(G, park)]:
        d = G.nodes[a]
        top = country in ancestors(G, a)[:1]
        if china:
            key = next((k for k in CHINA_TILES if (d.get("name_zh") or "").startswith(k)), None)
            if key and (d.get("level") == "province" or top):
                return key
        elif d.get("level") == "province" and top:
            return short_name(G, a)
    return None


def placements(G: nx.MultiDiGraph, p) -> tuple[dict[str, list[tuple[str, str]]], list[tuple[str, str]], bool]:
    """(region -> [(role, firm name)], unplaced [(role, firm name)], China grid?) for the park's
    documented partners and its candidates."""
    country = _country(G, p.park)
    china = _is_china(G, country)
    who: dict[str, str] = {}
    local = set(p.scope.firms)
    for f in local:
        for _, v, d in G.out_edges(f, data=True):
            if d.get("kind") == "SUPPLIES" and v not in local:
                who.setdefault(v, "customer")
        for u, _, d in G.in_edges(f, data=True):
            if d.get("kind") == "SUPPLIES" and u not in local:
                who.setdefault(u, "supplier")
    for t in p.recs:
        for r in t.candidates:
            who.setdefault(r.enterprise, "candidate")
    placed: dict[str, list] = {}
    lost: list[tuple[str, str]] = []
    for firm, role in sorted(who.items()):
        locs = sorted(
            (
                (d.get("role") != "hq", v)
                for _, v, d in G.out_edges(firm, data=True)
                if d.get("kind") == "LOCATED_IN" and G.nodes[v].get("kind") == "Park"
            )
        )
        reg = next((r for _, v in locs if (r := _region(G, v, country, china))), None)
        abroad = next((c for _, v in locs if (c := _country(G, v)) and c != country), None)
        if reg is None and abroad:
            reg = f"{short_name(G, abroad)} (境外 abroad)"
        (placed.setdefault(reg, []) if reg else lost).append((role, short_name(G, firm)))
    return placed, lost, china


def regional(G: nx.MultiDiGraph, p) -> str:
    """The cartogram with each tile's partners and candidates counted and named."""
    placed, lost, china = placements(G, p)
    here = _region(G, p.park, _country(G, p.park), china)
    if china:
        left = min(c for _, c in CHINA_TILES.values())
        tiles = {k: (r, c - left) for k, (r, c) in CHINA_TILES.items()}
    else:
        names = sorted(set(placed) | ({here} if here else set()))
        tiles = {n: (i // 8, i % 8) for i, n in enumerate(names)}
    grid_rows = max((r for r, _ in tiles.values()), default=0) + 1
    extra = sorted(k for k in placed if k not in tiles)
    tiles.update({k: (grid_rows + i // 8, i % 8) for i, k in enumerate(extra)})
    TW, TH, top = 150, 96, 150
    rows = max((r for r, _ in tiles.values()), default=0) + 1
    cols = max((c for _, c in tiles.values()), default=0) + 1
    W = max(60 + cols * (TW + 6), 1000)
    H = top + rows * (TH + 6) + 60 + 16 * (len(lost) // 4 + 1)
    s = Svg(W, H, f"区域分布图 — {p.name}")
    s.text(30, 40, f"区域分布图 {p.name}", size=26, weight="bold")
    grid = "中国省级行政区方格图 (项目自绘, 非地理边界)" if china else "地区方格图 (按字母排列, 非地理位置)"
    s.text(
        30,
        66,
        f"数据日期 as of {p.as_of} · {grid} · 供 = 供应商, 客 = 客户 (有来源的供货关系), 候 = 招商候选",
        size=13,
        fill="#444",
        width=W - 60,
    )
    for key, (r, c) in tiles.items():
        x, y = 30 + c * (TW + 6), top + r * (TH + 6)
        who = placed.get(key, [])
        fill = "#c5cae9" if who else "#f4f4f4"
        s.rect(x, y, TW, TH, fill=fill, stroke="#d84315" if key == here else "#aaa", sw=4 if key == here else 1, rx=2)
        s.text(x + 6, y + 18, key + (" ★ 本园区" if key == here else ""), size=13, weight="bold", width=TW - 12)
        if who:
            n = {k: sum(1 for r_, _ in who if r_ == k) for k in ROLE_ZH}
            s.text(x + 6, y + 36, " ".join(f"{ROLE_ZH[k]}{v}" for k, v in n.items() if v), size=12, fill="#1a237e")
            for i, (role, name) in enumerate(who[:3]):
                s.text(x + 6, y + 53 + 14 * i, f"{ROLE_ZH[role]} {name}", size=11, width=TW - 12)
    ly = top + rows * (TH + 6) + 24
    s.text(30, ly, f"未能定位到省 (not placed: no province in the data): {len(lost)}", size=13, weight="bold")
    for i in range(0, len(lost), 4):
        s.text(
            30,
            ly + 18 + 16 * (i // 4),
            "; ".join(f"{ROLE_ZH[r]} {n}" for r, n in lost[i : i + 4]),
            size=11,
            width=W - 60,
        )
    return s.render()
