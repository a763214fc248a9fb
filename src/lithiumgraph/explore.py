"""The interactive chain explorer: a pyvis Network laid out upstream → downstream, written as one
self-contained, offline HTML file.

Positions are computed here (layers of the chain template from left to right), physics is off, and the
vis-network script that ships with pyvis is inlined, so the file opens without a network and a 5k-node
graph draws at once. Every string from the data reaches the page as JSON data and is shown through
``textContent`` or vis-network's plain-text titles; nothing from the data is ever parsed as HTML.
"""
from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from .errors import LithiumGraphError
from .graph import display_name, in_kind, out_kind
from .template import STAGE_ORDER, layers
from .traverse import segments_of

__all__ = ["Explorer", "explore", "render_html", "LEVELS", "STAGE_COLOURS", "STATUS_STYLE"]

LEVELS = ("segment", "enterprise")
STAGE_COLOURS = {"upstream": "#b07d2b", "midstream": "#2f7fc1", "downstream": "#2e9e58", "recycling": "#7b61b8"}
#: How a segment's gap status shows: border colour, width, dashes, and the tag under its name.
STATUS_STYLE = {
    "missing": ("#d62728", 3, [6, 4], "缺链 missing"),
    "weak": ("#ff7f0e", 3, [2, 3], "弱链 weak"),
    "strong": ("#1a7f37", 4, False, "强链 strong"),
    "present": ("#555555", 1, False, "有 present"),
}
_X, _Y, _EY, _ECOLS = 330, 70, 26, 4   # layer spacing, segment row, enterprise row, enterprise columns
_EDGE_STYLE = {"UPSTREAM_OF": ("#9aa5b1", 2, False), "SUPPLIES": ("#c2185b", 3, False),
               "IN_SEGMENT": ("#cfd6dd", 1, False), "SUBSIDIARY_OF": ("#6d6d6d", 1, [2, 4]),
               "INVESTS_IN": ("#6d6d6d", 1, [2, 4])}


@dataclass
class Explorer:
    """What the page shows: the pyvis Network (nodes and edges with positions) and the page's extras."""
    network: object
    title: str
    subtitle: str
    stages: list[str] = field(default_factory=list)
    parks: list[list[str]] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)

    def html(self) -> str:
        return render_html(self)

    def _repr_html_(self) -> str:
        """Inline in Jupyter: the same self-contained page in an iframe."""
        return (f'<iframe srcdoc="{html.escape(self.html(), quote=True)}" style="width:100%;height:640px;'
                'border:1px solid #ddd" sandbox="allow-scripts"></iframe>')

    def write(self, path: str | Path) -> Path:
        from .output import write_atomic
        write_atomic(path, self.html())
        return Path(path)


def _tooltip(lines: list[tuple[str, object]]) -> str:
    return "\n".join(f"{k}: {_text(v)}" for k, v in lines if v not in (None, "", [], ()))


def _text(v) -> str:
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    if isinstance(v, float):
        return f"{v:,.6g}"
    return str(v)


def _details(lines: list[tuple[str, object]]) -> list[list[str]]:
    return [[k, _text(v)] for k, v in lines if v not in (None, "", [], ())]


def _layers(G: nx.MultiDiGraph) -> dict[str, int]:
    """Template layers, with each source segment that is not an ore or raw material (equipment, BMS,
    motors) pulled right to sit just before the first segment it feeds."""
    from .template import template
    T = template(G)
    lay = layers(G, T)
    for n in sorted(T, key=lambda n: -lay[n]):
        if T.in_degree(n) == 0 and T.out_degree(n) and G.nodes[n]["stage"] != "upstream":
            lay[n] = max(0, min(lay[v] for v in T.successors(n)) - 1)
    return lay


def _parks_of(G: nx.MultiDiGraph, n: str) -> list[str]:
    parks = {p for p, _ in out_kind(G, n, "LOCATED_IN")}
    for pr, _ in out_kind(G, n, "RUNS"):
        parks |= {p for p, _ in out_kind(G, pr, "LOCATED_IN")}
    return sorted(parks)


def _investment(G: nx.MultiDiGraph, n: str) -> float:
    return sum(G.nodes[p].get("investment_yuan") or 0.0 for p, _ in out_kind(G, n, "RUNS"))


def explore(G: nx.MultiDiGraph, *, park: str | None = None, focus: str | None = None, hops: int = 1,
            level: str = "segment", max_nodes: int = 20000) -> Explorer:
    """Build the explorer: segments (and, at enterprise level, enterprises) in upstream → downstream
    layers, coloured by stage; with ``park``, the park's gaps marked and its local firms told apart;
    with ``focus``, only what lies within ``hops`` edges of that entity."""
    from pyvis.network import Network

    if level not in LEVELS:
        raise LithiumGraphError(f"unknown level {level!r}: use one of {', '.join(LEVELS)}")
    lay = _layers(G)
    coverage, local = {}, set()
    if park:
        from .analysis import gaps
        from .analysis.scope import park_scope
        cov = gaps(G, park)
        coverage = {s.segment: s for s in cov.segments}
        scope = park_scope(G, park)
        local = set(scope.enterprises) | {u for p in scope.projects for u, _ in in_kind(G, p, "RUNS")}
    keep = None
    if focus:
        if hops < 1:
            raise LithiumGraphError("--hops must be at least 1")
        U = nx.Graph()
        U.add_edges_from((u, v) for u, v, d in G.edges(data=True) if d["kind"] not in ("HAS_FIGURE", "HAS_INTENSITY"))
        U.add_node(focus)
        keep = set(nx.single_source_shortest_path_length(U, focus, cutoff=hops))

    segments = [s for s in lay if keep is None or s in keep or level == "enterprise"]
    ents: list[str] = []
    if level == "enterprise":
        ents = sorted(n for n, k in G.nodes(data="kind") if k == "Enterprise" and (keep is None or n in keep))
        if park and not focus:
            partners = {v for e in local for v, _ in out_kind(G, e, "SUPPLIES")} | \
                       {u for e in local for u, _ in in_kind(G, e, "SUPPLIES")}
            ents = [e for e in ents if e in local or e in partners]
    # a firm sits beside one of its own segments (else one of its projects'), the same on every store
    if len(ents) > max_nodes:
        raise LithiumGraphError(f"{len(ents):,} enterprises are more than a browser page can show usefully "
                                f"(limit {max_nodes:,}); narrow with --park or --focus, use --level segment, "
                                "or raise --max-nodes")
    home: dict[str, str | None] = {e: min((s for s, _ in out_kind(G, e, "IN_SEGMENT")), default=None) or
                                   (segments_of(G, e) or [None])[0] for e in ents}
    if level == "enterprise" and keep is not None:
        wanted = {s for s in home.values() if s} | (keep & set(lay))
        segments = [s for s in segments if s in wanted]

    # positions: layers left to right; in a layer, segments by stage and id, each followed by its firms' block
    by_layer: dict[int, list[str]] = {}
    for s in sorted(segments, key=lambda s: (lay[s], STAGE_ORDER[G.nodes[s]["stage"]], s)):
        by_layer.setdefault(lay[s], []).append(s)
    firms_at: dict[str | None, list[str]] = {}
    for e in ents:
        firms_at.setdefault(home[e], []).append(e)
    # each layer is as wide as its firms' grid needs: about twice as many rows as columns
    pos: dict[str, tuple[float, float]] = {}
    x0 = 0.0
    for L in sorted(by_layer):
        segs = by_layer[L]
        n_firms = sum(len(firms_at.get(s, [])) for s in segs)
        cols = max(_ECOLS, min(60, math.ceil(math.sqrt(n_firms / 2)))) if n_firms else 0
        width = max(_X, cols * 60 + 120)
        y = 0.0
        for s in segs:
            pos[s] = (x0 + width / 2 - 60, y)
            block = firms_at.get(s, [])
            for i, e in enumerate(block):
                pos[e] = (x0 + (i % cols) * 60, y + _Y * 0.8 + (i // cols) * _EY)
            y += _Y + (math.ceil(len(block) / cols) * _EY + 20 if block else 0)
        x0 += width
    loose = firms_at.get(None, [])
    cols = max(_ECOLS, math.ceil(math.sqrt(len(loose) / 2))) if loose else 0
    for i, e in enumerate(loose):   # firms in no segment: a block of their own, right of the chain
        pos[e] = (x0 + (i % cols) * 60, (i // cols) * _EY)
    # centre each layer vertically
    for L, segs in by_layer.items():
        members = segs + [e for s in segs for e in firms_at.get(s, [])]
        top = min(pos[m][1] for m in members)
        bottom = max(pos[m][1] for m in members)
        shift = -(top + bottom) / 2
        for m in members:
            pos[m] = (pos[m][0], pos[m][1] + shift)

    net = Network(height="100%", width="100%", directed=True)
    nodes, edges = [], []
    firms_in: dict[str, int] = {}
    for u, v, d in G.edges(data=True):
        if d["kind"] == "IN_SEGMENT" and G.nodes[u]["kind"] == "Enterprise":
            firms_in[v] = firms_in.get(v, 0) + 1
    for s in segments:
        d = G.nodes[s]
        gap = coverage.get(s)
        status = gap.status if gap else None
        border, width, dashes, tag = STATUS_STYLE.get(status, ("#555555", 1, False, ""))
        lines = [("segment", f"{d.get('name_zh')} ({d.get('name_en')})"), ("id", s), ("stage", d.get("stage")),
                 ("group", d.get("group"))]
        if gap:
            lines += [("status", f"{gap.status} {gap.action}".strip()), ("reason", gap.reason),
                      ("local firms", gap.firm_names), ("local capacity", f"{_text(gap.capacity)} {gap.unit or ''}"
                                                        if gap.capacity else None)]
        lines += [("firms in the data", firms_in.get(s, 0)), ("sources", d.get("sources"))]
        label = d.get("name_zh") or s
        nodes.append({
            "id": s, "label": f"{label}\n{tag}" if tag else label, "shape": "box", "x": pos[s][0], "y": pos[s][1],
            "color": {"background": "#ffffff" if status == "missing" else _tint(STAGE_COLOURS[d["stage"]]),
                      "border": border if gap else STAGE_COLOURS[d["stage"]]},
            "borderWidth": width if gap else 2, "shapeProperties": {"borderDashes": dashes},
            "font": {"size": 16, "color": "#b00000" if status == "missing" else "#1b1b1b"},
            "margin": 8, "title": _tooltip(lines), "physics": False,
            "lg": {"kind": "Segment", "stage": d["stage"], "segment": s, "status": status, "parks": [],
                   "names": [s, d.get("name_zh"), d.get("name_en")], "details": _details(lines)},
        })
    for e in ents:
        d = G.nodes[e]
        inv = _investment(G, e)
        segs = segments_of(G, e)
        parks = _parks_of(G, e)
        is_local = e in local
        stage = G.nodes[home[e]]["stage"] if home[e] else None
        lines = [("enterprise", display_name(G, e)), ("id", e), ("aliases", d.get("aliases")),
                 ("listed code", d.get("listed_code")), ("segments", segs), ("parks", parks),
                 ("investment in projects (yuan)", inv or None), ("in the park" if park else None,
                                                                   "local" if is_local else "outside"),
                 ("note", d.get("note")), ("confidence", d.get("confidence")), ("sources", d.get("sources"))]
        lines = [x for x in lines if x[0]]
        colour = STAGE_COLOURS.get(stage, "#888888")
        nodes.append({
            "id": e, "label": d.get("aliases", [None])[0] if d.get("aliases") else (d.get("name_zh") or e),
            "shape": "dot" if (is_local or not park) else "diamond",
            "x": pos[e][0], "y": pos[e][1], "size": 8 + 3 * math.log10(1 + inv / 1e8) * 2,
            "color": {"background": colour if (is_local or not park) else "#ffffff", "border": colour},
            "borderWidth": 2, "font": {"size": 12}, "title": _tooltip(lines), "physics": False,
            "lg": {"kind": "Enterprise", "stage": stage, "segment": home[e], "segments": segs, "parks": parks,
                   "local": is_local, "names": [e, d.get("name_zh"), d.get("name_en"), *d.get("aliases", ())],
                   "details": _details(lines)},
        })
    shown = {n["id"] for n in nodes}
    for u, v, k, d in G.edges(keys=True, data=True):
        kind = d["kind"]
        if kind not in _EDGE_STYLE or u not in shown or v not in shown:
            continue
        if kind == "IN_SEGMENT" and home.get(u) == v and len(ents) > 300:
            continue  # a firm sits beside its home segment; the line adds only clutter at scale
        colour, width, dashes = _EDGE_STYLE[kind]
        if len(nodes) > 1500 and kind != "UPSTREAM_OF":
            colour, width = colour + "30", 1  # thousands of links: faint, so the layers stay readable
        loop = kind == "UPSTREAM_OF" and lay.get(u, 0) > lay.get(v, 0)
        lines = [("relation", f"{display_name(G, u)} —{kind}→ {display_name(G, v)}"), ("product", d.get("product")),
                 ("period", d.get("period")), ("share", f"{d['share_pct']:g}%" if d.get("share_pct") else None),
                 ("evidence", d.get("evidence")), ("note", d.get("note")), ("confidence", d.get("confidence")),
                 ("sources", d.get("sources"))]
        edges.append({"id": f"{u}|{v}|{k}", "from": u, "to": v, "arrows": "to", "width": width,
                      "color": {"color": colour}, "dashes": [8, 6] if loop or d.get("confidence") == "uncertain" else dashes,
                      "title": _tooltip(lines), "lg": {"kind": kind, "details": _details(lines)}})
    edges.sort(key=lambda e: e["id"])  # stores keep edges in different orders; the page must not differ
    net.nodes, net.edges = nodes, edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}

    place = display_name(G, park) if park else "all parks"
    title = f"锂电产业链 lithium-battery chain — {place}"
    sub = [f"{level} level", f"{len(nodes)} nodes, {len(edges)} edges"]
    if focus:
        sub.append(f"within {hops} hop(s) of {display_name(G, focus)}")
    if coverage:
        counts = {s: sum(1 for g in coverage.values() if g.status == s) for s in ("strong", "weak", "missing")}
        sub.append(f"{counts['strong']} strong, {counts['weak']} weak, {counts['missing']} missing segments")
    all_parks = sorted({p for n in nodes for p in n["lg"]["parks"]})
    legend = [{"swatch": c, "text": f"{s} stage"} for s, c in STAGE_COLOURS.items()]
    if coverage:
        legend += [{"swatch": "#ffffff", "border": b, "dashed": bool(dsh), "text": t}
                   for st, (b, _, dsh, t) in STATUS_STYLE.items()]
    if level == "enterprise":
        legend += [{"shape": "dot", "text": "local enterprise (filled)" if park else "enterprise"}]
        if park:
            legend += [{"shape": "diamond", "text": "outside enterprise (hollow)"}]
        legend += [{"line": _EDGE_STYLE["SUPPLIES"][0], "text": "supplies (stated)"},
                   {"line": _EDGE_STYLE["IN_SEGMENT"][0], "text": "works in segment"}]
    legend += [{"line": _EDGE_STYLE["UPSTREAM_OF"][0], "text": "upstream of (chain template)"},
               {"line": "#777777", "dashed": True, "text": "uncertain, or recycling loop"},
               {"text": "enterprise size: investment in its projects" if level == "enterprise" else
                "box: a chain segment; click for details and sources"}]
    return Explorer(net, title, " · ".join(sub), [s for s in STAGE_COLOURS if any(
        n["lg"]["stage"] == s for n in nodes)], [[p, display_name(G, p)] for p in all_parks], legend)


def _tint(hex_colour: str) -> str:
    """A light version of a colour, for box backgrounds that keep black text readable."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(int(c + (255 - c) * 0.78) for c in (r, g, b)))


def _script_json(value) -> str:
    """JSON that is safe inside a <script> element: no '<', '>', '&' or line separators left raw."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for a, b in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(a, b)
    return text


def _vis_js() -> str:
    import pyvis
    path = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    text = path.read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise LithiumGraphError(f"{path} cannot be inlined: it contains '</script'")
    return text


def render_html(ex: Explorer) -> str:
    """The whole page as one string: inlined vis-network, the data as JSON, the app script."""
    net = ex.network
    large = len(net.nodes) > 1500
    data = {"nodes": net.nodes, "edges": net.edges, "title": ex.title, "subtitle": ex.subtitle,
            "stages": ex.stages, "parks": ex.parks, "legend": ex.legend, "large": large}
    return _PAGE.format(title=html.escape(ex.title), vis=_vis_js(), data=_script_json(data), app=_APP)


_PAGE = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>
body{{margin:0;font:14px/1.4 system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1b1b1b;display:grid;
grid-template-columns:1fr 320px;grid-template-rows:auto 1fr;height:100vh}}
header{{grid-column:1/3;padding:8px 12px;border-bottom:1px solid #ddd;display:flex;flex-wrap:wrap;gap:8px;align-items:center}}
header h1{{font-size:17px;margin:0 12px 0 0}} header .sub{{color:#555;margin-right:auto}}
header input,header select{{font:inherit;padding:3px 6px;max-width:220px}}
#lg-graph{{min-height:400px;height:100%}}
aside{{border-left:1px solid #ddd;overflow:auto;padding:8px 12px}}
aside h2{{font-size:15px;margin:8px 0}} aside dl{{margin:0}} aside dt{{font-weight:600;margin-top:6px}}
aside dd{{margin:0 0 0 8px;white-space:pre-wrap;word-break:break-word}}
#lg-legend div{{display:flex;align-items:center;gap:6px;margin:3px 0}}
.sw{{display:inline-block;width:22px;height:12px;border:2px solid transparent}}
.vis-tooltip{{position:absolute;background:#fffff0;border:1px solid #999;padding:6px;white-space:pre-wrap;max-width:420px;
font-size:12px;pointer-events:none}}
#lg-hits{{color:#555}}
</style>
<script>{vis}</script>
</head>
<body>
<header><h1 id="lg-title"></h1><span class="sub" id="lg-subtitle"></span>
<input id="lg-search" type="search" placeholder="搜索 search (中文 / English)" aria-label="search">
<span id="lg-hits"></span>
<select id="lg-stage" aria-label="stage"><option value="">all stages</option></select>
<select id="lg-segment" aria-label="segment"><option value="">all segments</option></select>
<select id="lg-park" aria-label="park"><option value="">all parks</option></select>
</header>
<div id="lg-graph"></div>
<aside><h2>Details</h2><div id="lg-details">Click a node or an edge. 点击节点或连线查看详情与来源。</div>
<h2>Legend</h2><div id="lg-legend"></div></aside>
<script type="application/json" id="lg-data">{data}</script>
<script>{app}</script>
</body>
</html>
"""

_APP = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("lg-data").textContent);
  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.style[k] = attrs[k]; });
    return e;
  }
  document.getElementById("lg-title").textContent = data.title;
  document.getElementById("lg-subtitle").textContent = data.subtitle;
  var stageSel = document.getElementById("lg-stage"), segSel = document.getElementById("lg-segment"),
      parkSel = document.getElementById("lg-park");
  data.stages.forEach(function (s) { var o = el("option", s); o.value = s; stageSel.appendChild(o); });
  data.nodes.filter(function (n) { return n.lg.kind === "Segment"; }).forEach(function (n) {
    var o = el("option", n.lg.names[1] || n.id); o.value = n.id; segSel.appendChild(o);
  });
  data.parks.forEach(function (p) { var o = el("option", p[1]); o.value = p[0]; parkSel.appendChild(o); });
  if (!data.parks.length) parkSel.style.display = "none";
  var legend = document.getElementById("lg-legend");
  data.legend.forEach(function (item) {
    var row = el("div"), sw = el("span");
    sw.className = "sw";
    if (item.swatch) { sw.style.background = item.swatch; sw.style.borderColor = item.border || item.swatch; }
    if (item.dashed) sw.style.borderStyle = "dashed";
    if (item.line) { sw.style.height = "0"; sw.style.borderTop = "3px " + (item.dashed ? "dashed " : "solid ") + item.line; }
    if (item.shape === "dot") { sw.style.borderRadius = "50%"; sw.style.width = "12px"; sw.style.background = "#2f7fc1"; }
    if (item.shape === "diamond") { sw.style.width = "10px"; sw.style.height = "10px"; sw.style.transform = "rotate(45deg)"; sw.style.borderColor = "#2f7fc1"; }
    if (!item.swatch && !item.line && !item.shape) sw.style.display = "none";
    row.appendChild(sw); row.appendChild(el("span", item.text)); legend.appendChild(row);
  });
  var nodes = new vis.DataSet(data.nodes), edges = new vis.DataSet(data.edges);
  var options = {
    physics: false, layout: {improvedLayout: false},
    interaction: {hover: true, tooltipDelay: 120, hideEdgesOnDrag: data.large, hideEdgesOnZoom: data.large},
    edges: {smooth: false, arrows: {to: {scaleFactor: 0.6}}},
    nodes: {font: {face: "system-ui, Noto Sans CJK SC, Microsoft YaHei, sans-serif"}}
  };
  var network = new vis.Network(document.getElementById("lg-graph"), {nodes: nodes, edges: edges}, options);
  window.lgNetwork = network;
  window.lgErrors = [];
  network.once("afterDrawing", function () { window.lgReady = true; });
  var details = document.getElementById("lg-details");
  function show(item) {
    details.textContent = "";
    if (!item) { details.textContent = "Nothing selected."; return; }
    var dl = el("dl");
    item.lg.details.forEach(function (kv) { dl.appendChild(el("dt", kv[0])); dl.appendChild(el("dd", kv[1])); });
    details.appendChild(dl);
  }
  network.on("click", function (p) {
    if (p.nodes.length) show(nodes.get(p.nodes[0]));
    else if (p.edges.length) show(edges.get(p.edges[0]));
  });
  function norm(s) { return String(s || "").normalize("NFKC").toLowerCase(); }
  var search = document.getElementById("lg-search"), hits = document.getElementById("lg-hits");
  search.addEventListener("input", function () {
    var q = norm(search.value.trim());
    if (!q) { hits.textContent = ""; network.unselectAll(); return; }
    var found = nodes.get({filter: function (n) {
      return !n.hidden && n.lg.names.some(function (x) { return x && norm(x).indexOf(q) >= 0; });
    }});
    hits.textContent = found.length + " found";
    if (found.length) {
      network.selectNodes(found.map(function (n) { return n.id; }));
      network.focus(found[0].id, {scale: 1.0, animation: false});
      show(found[0]);
    } else { network.unselectAll(); }
  });
  function applyFilters() {
    var st = stageSel.value, sg = segSel.value, pk = parkSel.value;
    nodes.update(data.nodes.map(function (n) {
      var ok = (!st || n.lg.stage === st) &&
               (!sg || n.id === sg || n.lg.segment === sg || (n.lg.segments || []).indexOf(sg) >= 0) &&
               (!pk || n.lg.kind === "Segment" || n.lg.parks.indexOf(pk) >= 0);
      return {id: n.id, hidden: !ok};
    }));
  }
  [stageSel, segSel, parkSel].forEach(function (s) { s.addEventListener("change", applyFilters); });
})();
"""
