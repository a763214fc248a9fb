"""The five lists (五清单) of a park as typed tables: firms, projects, clusters, problems, policies.

Each list is a :class:`Sheet`: typed columns and rows of plain values, every row with its sources and
the dates behind it, so the workbook, the CSV files and the document show the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..graph import out_kind, short_name
from ..scope import ancestors, park_scope
from ..analysis.presence import sites as park_sites

__all__ = ["Column", "Sheet", "all_lists", "project_stages", "SIGNED", "STARTED", "OPERATING", "STOPPED"]

#: Project stages that mean the project got at least that far (签约 → 开工 → 投产).
SIGNED = ("signed", "land", "started", "construction", "trial", "operating", "expanded")
STARTED = ("started", "construction", "under_construction", "trial", "operating", "expanded")
OPERATING = ("operating", "expanded")
STOPPED = ("halted", "suspended", "postponed", "cancelled")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    type: str = "text"  #: text, number, integer or date (dates stay text: YYYY, YYYY-MM or YYYY-MM-DD)


@dataclass
class Sheet:
    """One list: its file stem, its Chinese name, typed columns, rows (dicts by column key) and a note
    that says how it was made."""

    key: str
    name: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    note: str = ""

    def table(self) -> list[list]:
        return [[r.get(c.key) for c in self.columns] for r in self.rows]


def _j(items) -> str:
    return "|".join(str(i) for i in items if i)


def last_checked(G: nx.MultiDiGraph, srcs, own: str | None = None) -> str:
    """The latest day a source of the row (or the row itself) was checked; empty when none says."""
    days = [G.nodes[s].get("retrieved_on") for s in srcs if s in G] + [own]
    days = [str(d) for d in days if d]
    return max(days) if days else ""


def _firms(G, p) -> Sheet:
    cols = [
        Column("enterprise", "企业 id"),
        Column("name", "企业"),
        Column("segment", "环节 id"),
        Column("segment_name", "环节"),
        Column("site", "依据行 (项目或地点)"),
        Column("capacity", "产能", "number"),
        Column("unit", "单位"),
        Column("status", "状态"),
        Column("counted", "计入"),
        Column("confidence", "可信度"),
        Column("as_of", "数据日期", "date"),
        Column("last_checked", "最近核对", "date"),
        Column("sources", "来源"),
    ]
    rows = []
    for seg, ss in p.sites.items():
        for s in ss.present + ss.pipeline:
            if s.kind == "project":
                as_of = G.nodes[s.row].get("as_of")
            else:
                as_of = next((d.get("as_of") for v, d in out_kind(G, s.enterprise, "LOCATED_IN") if v == s.park), None)
            rows.append(
                {
                    "enterprise": s.enterprise,
                    "name": short_name(G, s.enterprise),
                    "segment": seg,
                    "segment_name": G.nodes[seg].get("name_zh", seg),
                    "site": s.row,
                    "capacity": s.capacity,
                    "unit": G.nodes[seg].get("unit") if s.capacity is not None else None,
                    "status": s.status or "",
                    "counted": "pipeline 在建/规划" if s.pipeline else "present 计入",
                    "confidence": s.confidence or "",
                    "as_of": as_of or "",
                    "last_checked": last_checked(G, s.sources),
                    "sources": _j(s.sources),
                }
            )
    rows.sort(key=lambda r: (r["name"], r["segment"]))
    return Sheet(
        "enterprises",
        "企业清单",
        cols,
        rows,
        "One row per site that puts a firm to work in a segment inside the park (a project, or a location "
        "that states what is made there); capacity in the segment's unit, only where the row states it.",
    )


def project_stages(G: nx.MultiDiGraph, proj: str) -> dict:
    """First dates a project reached 签约, 开工 and 投产 (from its events), its events, and whether it
    reached each stage at all (a status without a dated event still counts, with no date)."""
    evs = sorted(
        (G.nodes[e].get("date", ""), G.nodes[e].get("stage", ""), G.nodes[e].get("sources", ()))
        for e, _ in out_kind(G, proj, "HAS_EVENT")
    )
    status = G.nodes[proj].get("status") or ""
    out = {"events": evs, "status": status}
    for key, stages in (("signed", SIGNED), ("started", STARTED), ("operating", OPERATING)):
        dated = [d for d, st, _ in evs if st in stages]
        out[key] = min(dated) if dated else ""
        out[f"reached_{key}"] = bool(dated) or status in stages
    return out


def _projects(G, p) -> Sheet:
    cols = [
        Column("project", "项目 id"),
        Column("name", "项目"),
        Column("enterprise", "企业"),
        Column("segment", "环节"),
        Column("capacity", "产能", "number"),
        Column("unit", "单位"),
        Column("investment_yuan", "投资额 (元)", "number"),
        Column("status", "当前状态"),
        Column("signed", "签约", "date"),
        Column("started", "开工", "date"),
        Column("operating", "投产", "date"),
        Column("last_event", "最近事件", "date"),
        Column("as_of", "数据日期", "date"),
        Column("last_checked", "最近核对", "date"),
        Column("sources", "来源"),
    ]
    rows = []
    for pr in sorted(p.scope.projects):
        d = G.nodes[pr]
        st = project_stages(G, pr)
        srcs = set(d.get("sources", ())) | {s for *_, ss in st["events"] for s in ss}
        rows.append(
            {
                "project": pr,
                "name": d.get("name_zh") or d.get("name_en") or pr,
                "enterprise": short_name(G, d["enterprise"]) if d.get("enterprise") in G else d.get("enterprise", ""),
                "segment": d.get("segment", ""),
                "capacity": d.get("capacity"),
                "unit": d.get("unit", ""),
                "investment_yuan": d.get("investment_yuan"),
                "status": st["status"],
                "signed": st["signed"],
                "started": st["started"],
                "operating": st["operating"],
                "last_event": st["events"][-1][0] if st["events"] else "",
                "as_of": d.get("as_of", ""),
                "last_checked": last_checked(G, srcs, d.get("retrieved_on")),
                "sources": _j(sorted(srcs)),
            }
        )
    return Sheet(
        "projects",
        "项目清单",
        cols,
        rows,
        "签约/开工/投产: the first dated event at or past that stage (project_events); a stage reached "
        "without a dated event shows in the funnel but not here.",
    )


def _relation(G, park: str, other: str) -> tuple[int, str] | None:
    mine, theirs = ancestors(G, park), ancestors(G, other)
    if other in mine or park in theirs or other == park:
        return None
    common = [a for a in theirs if a in mine]
    if not common:
        return None
    lvl = G.nodes[common[0]].get("level", "")
    rank = {"city": 0, "county": 0, "park": 0, "province": 1, "country": 2}.get(lvl, 3)
    return rank, f"同属 {short_name(G, common[0])}"


def _clusters(G, p) -> Sheet:
    cols = [
        Column("park", "园区 id"),
        Column("name", "园区"),
        Column("level", "级别"),
        Column("relation", "关系"),
        Column("segments", "已有环节"),
        Column("firms", "企业数", "integer"),
        Column("sources", "来源"),
    ]
    near = []
    for n, d in G.nodes(data=True):
        if d.get("kind") == "Park" and d.get("level") in ("city", "county", "park", "province"):
            rel = _relation(G, p.park, n)
            if rel is not None:
                near.append((rel, n, d))
    rows: list[dict] = []
    for rel, n, d in sorted(near, key=lambda x: (x[0][0], x[1])):
        if len(rows) >= 80:
            break
        ss = park_sites(G, park_scope(G, n))
        here = [s for s, x in ss.items() if x.present]
        if not here:
            continue
        srcs = sorted({src for s in here for site in ss[s].present for src in site.sources})
        firms = {site.enterprise for s in here for site in ss[s].present}
        rows.append(
            {
                "park": n,
                "name": short_name(G, n),
                "level": d.get("level"),
                "relation": rel[1],
                "_rank": rel[0],
                "segments": _j(G.nodes[s].get("name_zh") or s for s in here),
                "firms": len(firms),
                "sources": _j(srcs),
            }
        )
    rows.sort(key=lambda r: (r.pop("_rank"), -r["firms"], r["park"]))
    return Sheet(
        "clusters",
        "集群清单",
        cols,
        rows[:80],
        "Parks that share a city, province or country with the park and have firms at work in a chain "
        "segment (sites as for the park itself); nearest first.",
    )


def all_lists(G: nx.MultiDiGraph, p) -> list[Sheet]:
    """The five lists, in the order of the pack."""
    from .problems import policies, problems

    return [_firms(G, p), _projects(G, p), _clusters(G, p), problems(G, p), policies(G, p)]
