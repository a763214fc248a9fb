"""The pack as one printable HTML document: A4 pages (contents, indicators on one page, charts, the five
lists, the sources) and one A3 landscape page per map, so map labels stay legible on paper. Every string is escaped; the maps and charts are the
pack's own SVG, inlined, so the page loads nothing from outside. Chromium prints it to PDF."""

from __future__ import annotations

import html

from ..output import format_value
from .lists import Sheet

__all__ = ["to_html"]

_CSS = """@page{size:A4;margin:14mm 12mm 16mm}@page map{size:A3 landscape;margin:10mm 10mm 14mm}
section.map{page:map}section.map .fig svg{max-height:235mm;width:auto;max-width:100%;display:block;margin:auto}
body{font-family:'Noto Sans CJK SC','Noto Sans SC',sans-serif;color:#222;font-size:11px;margin:0}
h1{font-size:24px;margin:0 0 6px}h2{font-size:17px;border-bottom:2px solid #283593;padding-bottom:3px;margin:0 0 8px}
h3{font-size:13px;margin:10px 0 4px}section{break-before:page}section.first{break-before:auto}
.fig svg{width:100%;height:auto;max-height:245mm}.chart svg{width:100%;height:auto}
table{border-collapse:collapse;width:100%;margin:4px 0 10px;font-size:9px}
th,td{border:1px solid #bbb;padding:2px 4px;text-align:left;vertical-align:top;word-break:break-all}
th{background:#e8eaf6}thead{display:table-header-group}tr{break-inside:avoid}
.how{color:#555;font-size:9.5px;margin:0 0 4px}.toc a{color:#1a237e;text-decoration:none}.toc li{margin:3px 0}"""

MAPS = (
    ("panorama", "产业链全景图 Chain panorama"),
    ("tech", "技术路线图 Technology routes"),
    ("applications", "应用领域图 Applications"),
    ("regional", "区域分布图 Regions"),
    ("attraction", "招商路线图 Attraction routes"),
)


def _e(v) -> str:
    return html.escape(format_value(v))


def _table(columns: list[str], rows: list[list]) -> str:
    if not rows:
        return "<p>(无 none)</p>"
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _indicators(p) -> str:
    out = []
    for ind in p.indicators:
        out.append(f"<h3>{_e(ind.name)}</h3><p class=how>计算 how: {_e(ind.how)}</p>")
        if ind.rows:
            out.append(
                _table(
                    ["项目 item", "值 value", "说明 detail"],
                    [
                        [
                            r["label"],
                            r["value"] if not isinstance(r["value"], float) else f"{100 * r['value']:.0f}%",
                            r["detail"],
                        ]
                        for r in ind.rows
                    ],
                )
            )
    return "".join(out)


def _sheet(sh: Sheet) -> str:
    return f"<p class=how>{_e(sh.note)}</p>" + _table([c.header for c in sh.columns], sh.table())


def to_html(p, maps: dict[str, str], charts: dict[str, str], sources: Sheet) -> str:
    """The document; ``maps`` and ``charts`` are SVG texts by key."""
    title = f"链长制 五图五清单 — {p.name}"
    secs = [
        ("indicators", "指标 Indicators", _indicators(p)),
        (
            "charts",
            "图表 Charts",
            "".join(
                f"<h3>{_e(t)}</h3><div class=chart>{charts[k]}</div>"
                for k, t in (
                    ("balance", "供需平衡 Balance: demand range vs local supply"),
                    ("funnel", "项目漏斗 Funnel: 签约 → 开工 → 投产"),
                    ("coverage", "环节覆盖 Coverage by stage"),
                )
            ),
        ),
    ]
    secs += [(k, t, f"<div class=fig>{maps[k]}</div>") for k, t in MAPS if k in maps]
    secs += [(sh.key, f"{sh.name} {sh.key}", _sheet(sh)) for sh in p.lists]
    secs.append(("sources", "来源 Sources", _sheet(sources)))
    toc = "".join(f'<li><a href="#{k}">{_e(t)}</a></li>' for k, t, _ in secs)
    maps_ = {k for k, _ in MAPS}
    body = "".join(
        f'<section id="{k}"{" class=map" if k in maps_ else ""}><h2>{_e(t)}</h2>{c}</section>' for k, t, c in secs
    )
    return (
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f'<section class="first"><h1>{_e(title)}</h1><p>数据日期 as of {_e(p.as_of)} · 园区 park id {_e(p.park)}. '
        "Every row carries its sources; the sources section lists their addresses. Built by "
        "<code>lithiumgraph pack</code> from the graph of that day.</p>"
        f'<h2>目录 Contents</h2><ol class="toc">{toc}</ol></section>{body}</body></html>\n'
    )
