"""问题清单 and 政策清单: what the park must act on, and the policies that bear on the chain.

Problems come from the analyses (gaps, balance, risk), from project and enterprise events (stopped
projects and firms) and from :func:`~lithiumgraph.freshness.freshness` (contradicted, stuck and stale
facts). Policies come from ``policies.csv``
where the data holds one (kind ``Policy`` in the graph)."""

from __future__ import annotations

import networkx as nx

from ..graph import short_name
from ..freshness import freshness
from .lists import Column, Sheet, STOPPED, _j, last_checked, project_stages

__all__ = ["problems", "policies", "STALLED_MONTHS"]

#: A project in a waiting stage (planned … trial) this many months counts as stuck (freshness).
STALLED_MONTHS = 24
#: A fact not checked for this long is stale (freshness); only those that decide an answer are listed.
STALE = "18m"

_COLS = [
    Column("kind", "类别"),
    Column("subject", "对象"),
    Column("detail", "说明"),
    Column("action", "建议"),
    Column("date", "日期", "date"),
    Column("last_checked", "最近核对", "date"),
    Column("sources", "来源"),
]


def _projects(G, p, rows: list[dict]) -> None:
    for pr in sorted(p.scope.projects):
        st = project_stages(G, pr)
        if st["status"] in STOPPED:
            last = st["events"][-1] if st["events"] else None
            srcs = sorted({s for *_, ss in st["events"] for s in ss} | set(G.nodes[pr].get("sources", ())))
            rows.append(
                {
                    "kind": "停滞项目 stopped project",
                    "subject": G.nodes[pr].get("name_zh") or pr,
                    "detail": f"status {st['status']}" + (f" since {last[0]}" if last else ""),
                    "action": "核实复工计划 (check for a restart)",
                    "date": last[0] if last else "",
                    "sources": srcs,
                }
            )


def _freshness(G, p, rows: list[dict]) -> None:
    """Contradicted facts, projects stuck in a stage and stale facts that decide an answer (weight >= 2)."""
    kind = {"contradicted": "数据矛盾 contradicted", "stuck": "停滞项目 stuck project", "stale": "待核实 stale"}
    for f in freshness(G, park=p.park, older_than=STALE, stuck_months=STALLED_MONTHS, today=p.as_of):
        if f.problem != "stale" or f.weight >= 2:
            rows.append(
                {
                    "kind": kind[f.problem],
                    "subject": f.name,
                    "detail": f"{f.fact}: {f.detail}",
                    "action": "重新核实 (re-check)",
                    "sources": list(f.sources),
                    "last_checked": f.last_checked if f.last_checked != "never" else "",
                }
            )


def _firms_stopped(G, p, rows: list[dict]) -> None:
    for f in sorted(p.scope.firms):
        for _, e, d in G.out_edges(f, data=True):
            ev = G.nodes[e]
            if d.get("kind") == "HAS_EVENT" and ev.get("event") in ("production_stopped", "bankruptcy_restructuring"):
                rows.append(
                    {
                        "kind": "停产企业 firm stopped",
                        "subject": short_name(G, f),
                        "detail": f"{ev.get('event')}: {ev.get('note', '')}",
                        "action": "评估替代 (find a substitute)",
                        "date": ev.get("date", ""),
                        "sources": list(ev.get("sources", ())),
                    }
                )


def problems(G: nx.MultiDiGraph, p) -> Sheet:
    """The park's problems, one row each, with the analysis or event behind it."""
    rows: list[dict] = []
    for s in p.coverage.segments:
        if s.status in ("missing", "weak") and not (s.status == "missing" and not s.action):
            rows.append(
                {
                    "kind": f"{'缺链' if s.status == 'missing' else '弱链'} {s.status}",
                    "subject": f"{s.name_zh} ({s.segment})",
                    "detail": s.reason,
                    "action": s.action,
                    "sources": s.sources,
                }
            )
    for m in p.balance.materials:
        if m.status == "shortfall":
            rows.append(
                {
                    "kind": "供需缺口 shortfall",
                    "subject": f"{m.name_zh} ({m.material})",
                    "detail": f"local demand {m.demand_low:g}–{m.demand_high:g} {m.unit} vs local supply {m.supply:g}",
                    "action": "补链 (attract supply)",
                    "sources": m.sources,
                }
            )
    for x in p.risk.single_sources:
        rows.append(
            {
                "kind": "单一来源 single source",
                "subject": f"{x.customer_name} ← {x.supplier_name}",
                "detail": f"{x.segment or ''}: {x.evidence}",
                "action": "引入第二供应商 (second supplier)",
                "sources": x.sources,
            }
        )
    for x in p.risk.chokepoints:
        rows.append(
            {
                "kind": "卡点 chokepoint",
                "subject": x.name,
                "detail": x.why,
                "action": "备份产能 (back-up)",
                "sources": [],
            }
        )
    _projects(G, p, rows)
    _freshness(G, p, rows)
    _firms_stopped(G, p, rows)
    for r in rows:
        if "last_checked" not in r:
            r["last_checked"] = last_checked(G, r["sources"])
        r["sources"] = _j(r["sources"])
        r.setdefault("date", "")
    return Sheet(
        "problems",
        "问题清单",
        _COLS,
        rows,
        f"Gaps and weak segments (gaps), shortfalls (balance), single sources and chokepoints (risk), "
        f"stopped projects, local firms whose production stopped (enterprise events), and from freshness: "
        f"contradicted facts, projects in a waiting stage over {STALLED_MONTHS} months, and facts not "
        f"checked for {STALE} that decide a status or a capacity.",
    )


def policies(G: nx.MultiDiGraph, p) -> Sheet:
    """Policies in the data (``policies.csv``) whose region contains the park: national, provincial,
    city; with the addresses of their sources."""
    from ..scope import ancestors

    regions = {p.park, *ancestors(G, p.park)}
    cols = [
        Column("policy", "政策 id"),
        Column("title", "名称"),
        Column("issuer", "发文机关"),
        Column("level", "层级"),
        Column("region", "地区"),
        Column("date", "日期", "date"),
        Column("segments", "相关环节"),
        Column("summary", "要点"),
        Column("confidence", "可信度"),
        Column("address", "来源地址"),
        Column("last_checked", "最近核对", "date"),
        Column("sources", "来源"),
    ]
    rows = []
    for n, d in G.nodes(data=True):
        if d.get("kind") == "Policy" and d.get("region") in regions:
            srcs = d.get("sources", ())
            rows.append(
                {
                    "policy": n,
                    "title": d.get("title", ""),
                    "issuer": d.get("issuer", ""),
                    "level": d.get("level", ""),
                    "region": short_name(G, d["region"]),
                    "date": d.get("date", ""),
                    "segments": _j(G.nodes[s].get("name_zh", s) if s in G else s for s in d.get("segments", ())),
                    "summary": d.get("summary", ""),
                    "confidence": d.get("confidence", ""),
                    "address": " | ".join(G.nodes[s].get("address", "") for s in srcs if s in G),
                    "last_checked": last_checked(G, srcs, d.get("retrieved_on")),
                    "sources": _j(srcs),
                }
            )
    rows.sort(key=lambda r: (r["date"], r["policy"]), reverse=True)
    return Sheet(
        "policies",
        "政策清单",
        cols,
        rows,
        "Policies in policies.csv whose region contains the park (national, provincial, city); the "
        "date is the issue date or, where only reported, the report's; addresses are the sources'.",
    )
