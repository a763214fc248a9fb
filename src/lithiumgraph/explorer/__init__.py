"""The interactive chain explorer: segments as boxes laid out upstream → downstream, each holding its
park's firms, outside firms in a band below; written as one self-contained, offline HTML file.

Positions are computed here (``layout``), physics is off, and the vis-network script that ships with
pyvis is inlined (``page``), so the file opens without a network. Every string from the data reaches the
page as JSON and is shown through ``textContent`` or canvas text; nothing from the data is parsed as HTML.

>>> import lithiumgraph
>>> ex = explore(lithiumgraph.load_graph(), park="yichun-etdz", level="enterprise")
>>> ex.subtitle.split(" · ")[:2]
['enterprise level', '41 segments, 24 enterprises, 36 links']
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import networkx as nx

from ..errors import LithiumGraphError
from ..collector import collector_paused
from ..graph import display_name, in_kind, out_kind
from ..output import format_value
from .layout import OTHER, chain_layers, layout

__all__ = ["Explorer", "explore", "LEVELS", "STAGE_COLOURS", "STATUS_STYLE"]

LEVELS = ("segment", "enterprise")
#: Okabe–Ito colours, told apart by people with any common colour-vision deficiency.
STAGE_COLOURS = {"upstream": "#E69F00", "midstream": "#56B4E9", "downstream": "#009E73", "recycling": "#CC79A7"}
#: A segment's gap status: border colour, width, dashes, and the icon and tag in its label (never colour alone).
STATUS_STYLE = {
    "missing": ("#D55E00", 3, [6, 4], "✕ 缺链 missing"),
    "pipeline": ("#6a51a3", 3, [2, 6], "○ 在建/规划 pipeline"),
    "weak": ("#8a6500", 3, [2, 3], "◐ 弱链 weak"),
    "strong": ("#005a3c", 4, False, "★ 强链 strong"),
    "present": ("#555555", 1, False, "● 有 present"),
}
_STAGE_ZH = {"upstream": "上游", "midstream": "中游", "downstream": "下游", "recycling": "回收", "other": "其他"}
_EDGE_FIELDS = ("product", "period", "evidence", "note", "confidence")
_EDGES = ("UPSTREAM_OF", "SUPPLIES", "IN_SEGMENT", "SUBSIDIARY_OF", "INVESTS_IN")


@dataclass
class Explorer:
    """What the page shows: nodes and edges (JSON-ready, data under ``lg``), their layout, and extras."""

    nodes: list[dict]
    edges: list[dict]
    layout: dict
    title: str
    subtitle: str
    stages: list[str] = field(default_factory=list)
    parks: list[list[str]] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    dates: list[str] = field(default_factory=list)
    as_of: str | None = None  #: the day of a graph read as of a date (``timeline.snapshot``), else today

    @collector_paused()
    def html(self) -> str:
        from .page import render_html

        return render_html(self)

    def _repr_html_(self) -> str:
        """Inline in Jupyter: the same self-contained page in an iframe."""
        return (
            f'<iframe srcdoc="{html.escape(self.html(), quote=True)}" style="width:100%;height:640px;'
            'border:1px solid #ddd" sandbox="allow-scripts allow-downloads"></iframe>'
        )

    def write(self, path: str | Path) -> Path:
        from ..output import write_atomic

        write_atomic(path, self.html())
        return Path(path)


def _details(lines) -> list[list[str]]:
    # a true value is none of the empty ones: most lines are decided by the first test
    return [
        [k, v if type(v) is str else format_value(v, sep=", ")]
        for k, v in lines
        if k and (v or v not in (None, "", [], ()))
    ]


@dataclass
class _Firm:
    """What the page says of a firm, read from its edges in one pass (and its projects' edges)."""

    member: list[str]  # segments it works in (IN_SEGMENT)
    segments: list[str]  # those and its projects' segments
    parks: list[str]
    investment: float
    events: list[list[str]]  # its projects' dated stages [date, stage, project]
    own: list[list[str]]  # its own dated events [date, event]: production stopped, licence suspended …


def _out(G: nx.MultiDiGraph, n: str) -> dict[str, list[str]]:
    """``n``'s outgoing neighbours by edge kind, in one pass over its adjacency."""
    got: dict[str, list[str]] = {}
    for v, keys in G._succ[n].items():
        for d in keys.values():
            got.setdefault(d["kind"], []).append(v)
    return got


def _firm_facts(G: nx.MultiDiGraph, e: str) -> _Firm:
    out = _out(G, e)
    member = sorted(set(out.get("IN_SEGMENT", ())))
    segs, parks = set(member), set(out.get("LOCATED_IN", ()))
    invest, events = 0.0, []
    for pr in out.get("RUNS", ()):
        d, pout = G.nodes[pr], _out(G, pr)
        segs.update(pout.get("IN_SEGMENT", ()))
        parks.update(pout.get("LOCATED_IN", ()))
        invest += d.get("investment_yuan") or 0.0
        name = d.get("name_zh") or d.get("name_en") or pr
        events += [(day, stage, name) for day, stage in set(_project_stages(G, pout.get("HAS_EVENT", ()), d))]
    own = sorted(
        [G.nodes[x].get("date"), G.nodes[x].get("event")]
        for x in out.get("HAS_EVENT", ())
        if G.nodes[x].get("date") and G.nodes[x].get("event")
    )
    return _Firm(member, sorted(segs), sorted(parks), invest, [list(x) for x in sorted(events)], own)


def _project_stages(G: nx.MultiDiGraph, event_ids, d: dict) -> list[tuple[str, str]]:
    """A project's dated stages: its events (``project_events.csv``) and its stated status dated by its
    ``as_of``; a project without events also counts its ``start`` as the day it started."""
    out = [(G.nodes[x].get("date"), G.nodes[x].get("stage")) for x in event_ids]
    out = [x for x in out if x[0] and x[1]]
    if not out and d.get("start"):
        out.append((d["start"], "started"))
    if d.get("status") and (d.get("as_of") or d.get("start")):
        out.append((d.get("as_of") or d["start"], d["status"]))
    return out


def _scope(G, park, focus, hops):
    coverage, local, keep = {}, set(), None
    if park:
        from ..analysis import gaps
        from ..scope import park_scope

        coverage = {s.segment: s for s in gaps(G, park).segments}
        local = set(park_scope(G, park).firms)
    if focus:
        from ..scope import neighbourhood

        keep = neighbourhood(G, focus, hops)
    return coverage, local, keep


@collector_paused(promote=True)  # the page's many small objects outlive the call
def explore(
    G: nx.MultiDiGraph,
    *,
    park: str | None = None,
    focus: str | None = None,
    hops: int = 1,
    level: str = "segment",
    max_nodes: int = 20000,
) -> Explorer:
    """Build the explorer: segments (and, at enterprise level, their firms) in upstream → downstream
    columns; with ``park``, the park's gaps marked, its firms inside their segments and outside partners
    in a band below; with ``focus``, only what lies within ``hops`` edges of that entity."""
    if level not in LEVELS:
        raise LithiumGraphError(f"unknown level {level!r}: use one of {', '.join(LEVELS)}")
    lay = chain_layers(G)
    coverage, local, keep = _scope(G, park, focus, hops)
    # in layer and id order, not the graph's: a graph read back from Neo4j lists its nodes differently
    segments = [s for s in sorted(lay, key=lambda s: (lay[s], s)) if keep is None or s in keep or level == "enterprise"]
    ents = _enterprises(G, level, park, focus, local, keep, max_nodes)
    facts = {e: _firm_facts(G, e) for e in ents}
    home = _homes(facts, coverage, local, park)
    if level == "enterprise" and keep is not None:
        wanted = {s for s in home.values() if s} | (keep & set(lay))
        segments = [s for s in segments if s in wanted]
    inside = (lambda e: e in local) if park else (lambda e: True)
    members: dict[str, list[str]] = {}
    outside: dict[str, list[str]] = {}
    for e in ents:
        h = home[e] if home[e] in lay and home[e] in segments else None
        if inside(e):
            members.setdefault(h or OTHER, []).append(e)
        else:
            outside.setdefault(G.nodes[h]["stage"] if h else "other", []).append(e)
    lay_out = layout(G, lay, segments, members, outside)
    lay_out.two_line = level == "segment"
    group_of = {m: g for g, d in lay_out.groups.items() for m in d["members"]}

    nodes = [_segment_node(G, s, coverage.get(s), lay_out.groups[s]) for s in segments]
    nodes += [_group_node(g, d, park) for g, d in lay_out.groups.items() if g not in lay]
    for e in ents:
        nodes.append(_firm_node(G, e, facts[e], group_of[e], home[e], inside(e), park))
    shown = {n["id"] for n in nodes}
    edges = _edges(G, shown, home, lay)
    cited = {s for x in nodes + edges for s in x["lg"].get("sources", ())}
    sources = {
        s: " · ".join(
            format_value(G.nodes[s][k], sep=", ")
            for k in ("title", "publisher", "date", "address")
            if G.nodes[s].get(k)
        )
        for s in sorted(cited)
        if s in G
    }
    dates = sorted({ev[0][:4] for n in nodes for ev in n["lg"].get("events", ())})

    place = display_name(G, park) if park else "all parks"
    as_of = G.graph.get("as_of")
    if as_of and as_of >= date.today().isoformat():
        as_of = None  # the graph of today (a store's graph passes through the same snapshot): "now"
    sub = [f"{level} level", f"{len(segments)} segments, {len(ents)} enterprises, {len(edges)} links"]
    sub += _subtitle(G, focus, hops, as_of, coverage)
    return Explorer(
        nodes,
        edges,
        lay_out.as_json(),
        f"锂电产业链 lithium-battery chain — {place}",
        " · ".join(sub),
        [s for s in STAGE_COLOURS if any(n["lg"].get("stage") == s for n in nodes)],
        [[p, display_name(G, p)] for p in sorted({p for n in nodes for p in n["lg"].get("parks", ())})],
        sources,
        dates,
        as_of,
    )


def _enterprises(G, level: str, park, focus, local, keep, max_nodes: int) -> list[str]:
    """The firms to show: none at segment level; with a park (and no focus) its firms and their partners."""
    if level != "enterprise":
        return []
    ents = sorted(n for n, k in G.nodes(data="kind") if k == "Enterprise" and (keep is None or n in keep))
    if park and not focus:
        partners = {v for e in local for v, _ in out_kind(G, e, "SUPPLIES")} | {
            u for e in local for u, _ in in_kind(G, e, "SUPPLIES")
        }
        ents = [e for e in ents if e in local or e in partners]
    if len(ents) > max_nodes:
        raise LithiumGraphError(
            f"{len(ents):,} enterprises are more than a browser page can show usefully "
            f"(limit {max_nodes:,}); narrow with park or focus, use level='segment', "
            "or raise max_nodes"
        )
    return ents


def _homes(facts: dict[str, _Firm], coverage, local, park) -> dict[str, str | None]:
    """The segment each firm sits in: one of its own (else one of its projects'), the same on every store; a
    local firm in a segment where it has a site in the park (what it makes elsewhere is not local)."""
    sited: dict[str, str] = {}
    for seg, gap in sorted(coverage.items()):
        for f in gap.firms + gap.pipeline_firms:
            sited.setdefault(f, seg)
    return {
        e: sited.get(e) or (None if e in local and park else next(iter(f.member or f.segments), None))
        for e, f in facts.items()
    }


def _subtitle(G, focus, hops: int, as_of, coverage) -> list[str]:
    """The subtitle's parts after the counts: the focus, the date, the park's segment statuses."""
    sub = []
    if focus:
        sub.append(f"within {hops} hop(s) of {display_name(G, focus)}")
    if as_of:
        sub.append(f"as of {as_of}")
    if coverage:
        counts = {
            s: sum(1 for g in coverage.values() if g.status == s) for s in ("strong", "weak", "pipeline", "missing")
        }
        sub.append(
            f"{counts['strong']} strong, {counts['weak']} weak, {counts['pipeline']} pipeline only, "
            f"{counts['missing']} missing segments"
        )
    return sub


def _segment_node(G, s, gap, group) -> dict:
    d = G.nodes[s]
    status = gap.status if gap else None
    lines = [
        ("segment", f"{d.get('name_zh')} ({d.get('name_en')})"),
        ("id", s),
        ("stage", d.get("stage")),
        ("group", d.get("group")),
    ]
    if gap:
        lines += [
            ("status", f"{gap.status} {gap.action}".strip()),
            ("reason", gap.reason),
            ("local firms", gap.firm_names),
            ("local capacity", f"{format_value(gap.capacity)} {gap.unit or ''}" if gap.capacity else None),
        ]
    lines += [("firms here", len(group["members"])), ("sources", d.get("sources"))]
    tag = STATUS_STYLE[status][3] if status else ""
    return {
        "id": s,
        "label": d.get("name_zh") or d.get("name_en") or s,
        "tag": tag,
        "lg": {
            "kind": "Segment",
            "stage": d["stage"],
            "segment": s,
            "status": status,
            "names": [s, d.get("name_zh"), d.get("name_en")],
            "details": _details(lines),
            "sources": list(d.get("sources") or ()),
        },
    }


def _group_node(g: str, d: dict, park: str | None) -> dict:
    if g == OTHER:
        label, note = (
            "园区内 其他",
            (
                "local firms with no chain-segment site in the park: outside the chain, "
                "or making their chain products elsewhere"
            ),
        )
    else:
        stage = g.split(":", 1)[1]
        label = f"⇢ {_STAGE_ZH.get(stage, stage)} 园区外"
        note = f"firms outside {'the park' if park else 'the focus'} that supply or buy from it ({stage} stage)"
    return {
        "id": g,
        "label": label,
        "tag": "",
        "lg": {
            "kind": "Group",
            "stage": g.split(":", 1)[1] if d["outside"] else None,
            "outside": d["outside"],
            "names": [label],
            "details": _details([("group", label), ("what", note), ("firms", len(d["members"]))]),
        },
    }


def _firm_node(G, e, f: _Firm, group, home, is_local, park) -> dict:
    d = G.nodes[e]
    parks, inv, events, own, segs = f.parks, f.investment, f.events, f.own, f.segments
    aliases = d.get("aliases") or ()
    lines = [
        ("enterprise", display_name(G, e)),
        ("id", e),
        ("aliases", aliases),
        ("listed code", d.get("listed_code")),
        ("segments", segs),
        ("parks", parks),
        ("investment in projects (yuan)", inv or None),
        ("in the park" if park else None, "local" if is_local else "outside"),
        ("projects", "; ".join(f"{day} {stage}: {name}" for day, stage, name in events)),
        ("events", "; ".join(f"{day} {event}" for day, event in own)),
        ("note", d.get("note")),
        ("confidence", d.get("confidence")),
        ("sources", d.get("sources")),
    ]
    lg = {
        "kind": "Enterprise",
        "stage": G.nodes[home]["stage"] if home else None,
        "segment": home,
        "group": group,
        "segments": segs,
        "parks": parks,
        "local": is_local,
        "names": [e, d.get("name_zh"), d.get("name_en"), *aliases, d.get("listed_code"), *d.get("listed_codes", ())],
        "details": _details(lines),
        "sources": list(d.get("sources") or ()),
    }
    if events:
        lg["events"] = events
    if own:
        lg["own"] = own
    return {"id": e, "label": aliases[0] if aliases else (d.get("name_zh") or d.get("name_en") or e), "lg": lg}


def _edges(G, shown: set[str], home: dict, lay: dict) -> list[dict]:
    edges = []
    succ = G._succ  # the shown nodes' adjacency only: a page shows a small part of a large graph
    for u in shown:
        nbrs = succ.get(u)
        if not nbrs:
            continue
        own = home.get(u)
        for v, keys in nbrs.items():
            if v in shown:
                for k, d in keys.items():
                    kind = d["kind"]
                    if kind in _EDGES and not (kind == "IN_SEGMENT" and own == v):
                        # (a firm's home segment is the box it sits in: no line needed)
                        edges.append({"id": f"{u}|{v}|{k}", "from": u, "to": v, "lg": _edge_lg(kind, d, lay, u, v)})
    edges.sort(key=lambda e: e["id"])  # stores keep edges in different orders; the page must not differ
    return edges


def _edge_lg(kind: str, d: dict, lay: dict, u: str, v: str) -> dict:
    """What the page says of one edge; the page puts the relation's two names in front, so only the
    edge's own fields are written here."""
    get = d.get
    details = [[f, x] for f in _EDGE_FIELDS if (x := get(f))]
    if get("share_pct"):
        details.insert(2, ["share", f"{d['share_pct']:g}%"])
    sources = list(get("sources") or ())
    if sources:
        details.append(["sources", ", ".join(sources)])
    lg: dict = {"kind": kind, "details": details, "sources": sources}
    if kind == "UPSTREAM_OF" and lay.get(u, 0) > lay.get(v, 0):
        lg["loop"] = True
    if get("confidence") == "uncertain":
        lg["uncertain"] = True
    since = get("valid_from") or (get("period") or "")[:4]
    if since[:4].isdigit():
        lg["since"] = since
    return lg
