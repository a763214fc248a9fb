"""The park report: gaps, balance, recommendations and risks as one document, in Markdown and HTML.

The document is built once as a list of blocks (headings, paragraphs, tables) and rendered twice,
so the two formats cannot disagree. Every string is escaped for its format.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from .analysis import GapRules, RecommendWeights, gaps, recommend, risk
from .scope import park_scope
from .graph import display_name
from .output import format_value, staged_dir, write_atomic
from .summary import stats

__all__ = ["Block", "Report", "build_report", "to_markdown", "to_html", "write_report"]

STATUS_ZH = {"missing": "缺链", "pipeline": "在建/规划", "weak": "弱链", "strong": "强链"}
GROUP_ZH = {
    "battery": "电池 (battery)",
    "motor": "电机 (motor)",
    "control": "电控 (electronic control)",
    "vehicle": "整车 (vehicle)",
    None: "其他应用与回收 (other uses, recycling)",
}


@dataclass
class Block:
    """A heading (level 1-3), a paragraph, a bullet list or a table."""

    kind: str
    text: str = ""
    level: int = 2
    items: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)


@dataclass
class Report:
    park: str
    title: str
    blocks: list[Block]
    sources: list[str]


def _overview(cov, st, name: str, rules: GapRules) -> list[Block]:
    """Open the report: counts by status, the action list and the rules that decide a status."""
    B: list[Block] = []
    n = {s: len(cov.by_status(s)) for s in ("strong", "weak", "pipeline", "missing")}
    B.append(
        Block(
            "p",
            f"Chain report for {name}: {len(cov.segments)} segments of the chain template; "
            f"{n['strong']} strong (强链), {n['weak']} weak (弱链), {n['pipeline']} pipeline only (在建/规划), "
            f"{n['missing']} missing (缺链). "
            f"The graph holds {st.facts} facts, {100 * st.sourced_share:.1f}% of them sourced. "
            f"Sites counted: operating and expanded only; sites being built, planned, signed and uncertain "
            f"sites are pipeline, listed and never counted"
            f"{' (capacity being built shown in its own column)' if rules.include_pipeline else ''}.",
        )
    )
    acts: dict[str, list[str]] = {}
    for s in cov.segments:
        if s.action:
            acts.setdefault(s.action, []).append(f"{s.name_zh} ({s.segment})")
    B.append(Block("ul", items=[f"{a}: {', '.join(v)}" for a, v in acts.items()]))
    B.append(
        Block(
            "p",
            f"Rules: strong = a leading firm (world or national leader per a source) or at least "
            f"{rules.strong_firms} local firms, and local capacity at least {rules.min_coverage:g} x the "
            f"low end of local demand where the balance gives one; weak = present but not strong; "
            f"pipeline = only planned, signed or uncertain sites; missing = no local site. A firm is local in "
            f"a segment only through a site in the park that works in it (a project, or a location that "
            f"states what is made there). 补链: a missing segment that feeds a local one or whose "
            f"material the park is short of; 延链: a missing segment that a local one feeds; 强链: weak.",
        )
    )
    return B


def _coverage(cov, cite) -> list[Block]:
    """Lay out coverage by chain stage and by 三电一车 group, citing each segment's sources."""
    B: list[Block] = [Block("h", "Coverage by stage", 2)]
    cols = ["segment", "name", "status", "action", "firms", "capacity", "unit", "reason", "sources"]
    for stage in ("upstream", "midstream", "downstream", "recycling"):
        rows = [
            [
                s.segment,
                s.name_zh,
                f"{s.status} {STATUS_ZH[s.status]}",
                s.action,
                ", ".join(s.firm_names),
                format_value(s.capacity),
                s.unit or "",
                s.reason,
                cite(s.sources),
            ]
            for s in cov.segments
            if s.stage == stage
        ]
        B.append(Block("h", stage, 3))
        B.append(Block("table", columns=cols, rows=rows))

    B.append(Block("h", "Coverage by 三电一车", 2))
    grows = []
    for g in ("battery", "motor", "control", "vehicle", None):
        segs = [s for s in cov.segments if s.group == g]
        c = {k: [x.segment for x in segs if x.status == k] for k in ("strong", "weak", "pipeline", "missing")}
        grows.append([GROUP_ZH[g], *(", ".join(v) for v in c.values())])
    B.append(Block("table", columns=["group", "strong", "weak", "pipeline", "missing"], rows=grows))
    return B


def _balance(bal, cite) -> list[Block]:
    """Lay out local material demand against local supply, with what the demand rests on."""
    B: list[Block] = [Block("h", "Supply–demand balance", 2)]
    chem = ", ".join(f"{k}: {v:g} GWh/yr" for k, v in bal.chemistry.items()) or "none"
    B.append(
        Block(
            "p",
            f"Demand rests on {bal.cells_gwh:g} GWh/yr of local liquid-electrolyte cell capacity "
            f"({chem}; projects {', '.join(bal.cell_projects) or 'none'}). Where the chemistry is not "
            f"known the intensity range spans every chemistry in the table. Left out: "
            f"{', '.join(bal.excluded) or 'nothing'} (solid-state: no sourced intensities). "
            f"Shortfall > 0 means the park lacks that much; < 0 is a surplus.",
        )
    )
    B.append(
        Block(
            "table",
            columns=[
                "material",
                "unit",
                "demand low",
                "demand high",
                "local supply",
                "shortfall low",
                "shortfall high",
                "status",
                "facts",
                "sources",
            ],
            rows=[
                [
                    f"{m.name_zh} ({m.material})",
                    m.unit or "",
                    format_value(m.demand_low),
                    format_value(m.demand_high),
                    format_value(m.supply),
                    format_value(m.shortfall_low),
                    format_value(m.shortfall_high),
                    m.status,
                    ", ".join(m.intensities + m.supply_projects) + (f"; {m.note}" if m.note else ""),
                    cite(m.sources),
                ]
                for m in bal.materials
            ],
        )
    )
    return B


def _targets(recs, cite) -> list[Block]:
    """Lay out the ranked candidates per gap, each score with its named parts and their sources."""
    B: list[Block] = [Block("h", "Whom to attract", 2)]
    B.append(
        Block(
            "p",
            "Each score is the sum of its named parts; the evidence and sources of each part "
            "are listed. A segment without candidates has no enterprise active in it in the data.",
        )
    )
    rows = []
    for t in recs:
        if not t.candidates:
            rows.append(
                [f"{t.name_zh} ({t.segment})", f"{t.status} {t.action}", "", "—", "", "no candidate in the data", ""]
            )
        for r in t.candidates:
            why = "; ".join(f"{p.label}: {p.evidence}" for p in r.parts if p.points) or "; ".join(
                p.evidence for p in r.parts
            )
            rows.append(
                [
                    f"{t.name_zh} ({t.segment})",
                    f"{t.status} {t.action}",
                    str(r.rank),
                    r.name,
                    f"{r.score:g}",
                    why,
                    cite(sorted({s for p in r.parts for s in p.sources})),
                ]
            )
    B.append(Block("table", columns=["segment", "gap", "rank", "enterprise", "score", "why", "sources"], rows=rows))
    return B


def _risks(rk, cite) -> list[Block]:
    """Lay out single sources, chokepoints and the concentration of local capacity."""
    B: list[Block] = [Block("h", "Risks", 2)]
    B.append(Block("h", "Single sources (one documented supplier)", 3))
    B.append(
        Block(
            "table",
            columns=["customer", "local firm", "input", "supplier", "evidence", "sources"],
            rows=[
                [x.customer_name, x.local_firm, x.segment or "", x.supplier_name, x.evidence, cite(x.sources)]
                for x in rk.single_sources
            ],
        )
    )
    B.append(Block("h", "Chokepoints", 3))
    B.append(
        Block(
            "table",
            columns=["enterprise", "why", "betweenness", "sites"],
            rows=[[x.name, x.why, format_value(x.betweenness), ", ".join(x.sites)] for x in rk.chokepoints],
        )
    )
    B.append(Block("h", "Concentration of local capacity (HHI, 0–10,000)", 3))
    B.append(
        Block(
            "table",
            columns=["segment", "firms", "capacity", "unit", "HHI", "largest", "share"],
            rows=[
                [
                    f"{x.name} ({x.segment})",
                    str(x.firms),
                    format_value(x.capacity),
                    x.unit or "",
                    f"{x.hhi:,.0f}" if x.hhi is not None else f"not computable: no figure at {', '.join(x.unstated)}",
                    x.top_firm or "",
                    f"{100 * x.top_share:.0f}%" if x.top_share is not None else "",
                ]
                for x in rk.concentration
            ],
        )
    )
    return B


def build_report(
    G: nx.MultiDiGraph,
    park: str,
    *,
    rules: GapRules = GapRules(),
    weights: RecommendWeights = RecommendWeights(),
    top: int = 3,
    history: nx.MultiDiGraph | None = None,
) -> Report:
    """Run every analysis for a park and lay the results out as blocks; with ``history`` (the graph with
    every date) the report also says what changed in the year up to the graph's date."""
    scope = park_scope(G, park)
    cov = gaps(G, scope, rules=rules)
    recs = recommend(G, scope, top=top, weights=weights, rules=rules, coverage=cov)
    rk = risk(G, scope, rules=rules, coverage=cov)
    st = stats(G)
    name = display_name(G, park)
    cited: list[str] = []

    def cite(ids):
        cited.extend(ids or [])
        return ", ".join(ids or [])

    B = _overview(cov, st, name, rules)
    B += _coverage(cov, cite)
    B += _balance(cov.balance, cite)
    B += _targets(recs, cite)
    B += _risks(rk, cite)
    if history is not None:
        B += _since_last_year(history, park, G.graph.get("as_of"), cite)
    order = list(dict.fromkeys(cited))
    B.append(Block("h", "Sources", 2))
    B.append(
        Block(
            "table",
            columns=["id", "title", "publisher", "date", "address"],
            rows=[
                [
                    s,
                    G.nodes[s].get("title", ""),
                    G.nodes[s].get("publisher", ""),
                    G.nodes[s].get("date", ""),
                    G.nodes[s].get("address", ""),
                ]
                for s in order
                if s in G
            ],
        )
    )
    return Report(park, f"产业链招商报告 — {name}", B, order)


def _since_last_year(history: nx.MultiDiGraph, park: str, as_of: str | None, cite) -> list[Block]:
    """The year's changes around the park: project stages, firm events, new and ended facts."""
    from datetime import timedelta
    from .changes import changes
    from .history import parse_date

    end = parse_date(as_of)
    start = end - timedelta(days=365)
    found = changes(history, park, start, end)
    rows = [[c.date, c.what, c.kind, c.name, c.detail, cite(list(c.sources))] for c in found]
    return [
        Block("h", "Since last year", 2),
        Block(
            "p",
            f"Changes dated after {start} and up to {end}: project stage moves, firm events, new and "
            f"ended facts ({len(rows)}). `lithiumgraph changes` lists them for any period; "
            f"`lithiumgraph freshness` lists the facts to re-check.",
        ),
        Block("table", columns=["date", "what", "kind", "name", "detail", "sources"], rows=rows),
    ]


def _md(text) -> str:
    """Text as inert Markdown: no table break (``|``), no HTML (``<``), no link or image (``[…](…)``,
    ``![…](…)``: the brackets are escaped), one line."""
    return (
        " ".join(str(text).split())
        .replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace("[", "\\[")
        .replace("]", "\\]")
    )


def to_markdown(r: Report) -> str:
    """The report as Markdown (GitHub tables)."""
    out = [f"# {_md(r.title)}", ""]
    for b in r.blocks:
        if b.kind == "h":
            out += ["#" * b.level + " " + _md(b.text), ""]
        elif b.kind == "p":
            out += [_md(b.text), ""]
        elif b.kind == "ul":
            out += [f"- {_md(i)}" for i in b.items] + [""]
        elif b.kind == "table":
            if not b.rows:
                out += ["(none)", ""]
                continue
            out.append("| " + " | ".join(_md(c) for c in b.columns) + " |")
            out.append("|" + "---|" * len(b.columns))
            out += ["| " + " | ".join(_md(c) for c in row) + " |" for row in b.rows]
            out.append("")
    return "\n".join(out)


_CSS = """body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em auto;max-width:1400px;
padding:0 1em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f3f3f3}
td.missing{background:#fde2e2}td.pipeline{background:#eef0f4}td.weak{background:#fff4d6}td.strong{background:#e0f4e0}"""


def to_html(r: Report) -> str:
    """The report as one self-contained HTML page (no outside resources); every string escaped."""
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh"><head><meta charset="utf-8">',
        f"<title>{e(r.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(r.title)}</h1>",
    ]
    for b in r.blocks:
        if b.kind == "h":
            out.append(f"<h{b.level}>{e(b.text)}</h{b.level}>")
        elif b.kind == "p":
            out.append(f"<p>{e(b.text)}</p>")
        elif b.kind == "ul":
            out.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in b.items) + "</ul>")
        elif b.kind == "table":
            if not b.rows:
                out.append("<p>(none)</p>")
                continue
            out.append("<table><thead><tr>" + "".join(f"<th>{e(c)}</th>" for c in b.columns) + "</tr></thead><tbody>")
            for row in b.rows:
                cells = []
                for c in row:
                    cls = str(c).split(" ")[0] if str(c).split(" ")[0] in STATUS_ZH else ""
                    cells.append(f'<td class="{cls}">{e(str(c))}</td>' if cls else f"<td>{e(str(c))}</td>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out)


def write_report(r: Report, outdir: str | Path) -> list[Path]:
    """Write ``report.md`` and ``report.html`` into ``outdir`` (new, or holding only these two), swapped
    in together; return their paths."""
    outdir = Path(outdir)
    with staged_dir(outdir, {"report.md", "report.html"}) as tmp:
        write_atomic(tmp / "report.md", to_markdown(r))
        write_atomic(tmp / "report.html", to_html(r))
    return [outdir / "report.md", outdir / "report.html"]
