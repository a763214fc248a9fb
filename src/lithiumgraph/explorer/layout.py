"""Where things sit on the explorer page, computed here so the browser never runs physics.

The chain reads left to right: one column per layer of the segment template, each segment a box
(a *group*) that holds its local firms stacked inside it. Outside firms (suppliers, customers,
candidates) sit below the chain in a separate band, one group per stage, followed by the local firms
that work in no chain segment. This module decides the
columns, their x, the groups' widths and members and which groups start collapsed; the page stacks
the groups vertically itself, because collapsing or filtering a group moves the ones below it.
All sizes are in canvas units at which the page's fonts are drawn at their nominal size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx

from ..template import STAGE_ORDER, layers, template

__all__ = ["Layout", "chain_layers", "layout", "SIZES", "COLLAPSE_ABOVE", "OTHER"]

#: Canvas units: a firm's box and row, a group's header and padding, gaps between columns and groups.
SIZES = {
    "box": 136,
    "row": 26,
    "head": 32,
    "head2": 50,
    "pad": 8,
    "colgap": 18,
    "gap": 8,
    "bandgap": 44,
    "firmFont": 14,
    "groupFont": 14,
}
#: Above this many firms every group starts collapsed to its header and count.
COLLAPSE_ABOVE = 250
#: With more firms open than this, the page draws firms' links only for a focused firm.
EDGE_FIRMS = 400
#: The group of local firms that work in no chain segment.
OTHER = "other"


@dataclass
class Layout:
    """Columns of groups (left to right, each stacked top to bottom), the outside band, and each group's
    members, width and grid columns; JSON-ready for the page."""

    columns: list[dict] = field(default_factory=list)
    band: list[str] = field(default_factory=list)
    groups: dict[str, dict] = field(default_factory=dict)
    collapsed: list[str] = field(default_factory=list)

    two_line: bool = False  #: segment level: a segment's status tag on a second line

    def as_json(self) -> dict:
        return {
            "columns": self.columns,
            "band": self.band,
            "groups": self.groups,
            "collapsed": self.collapsed,
            "twoLine": self.two_line,
            "edgeFirms": EDGE_FIRMS,
            **SIZES,
        }


def chain_layers(G: nx.MultiDiGraph) -> dict[str, int]:
    """Template layers, with each source segment that is not an ore or raw material (equipment, BMS,
    motors) pulled right to sit just before the first segment it feeds."""
    T = template(G)
    lay = layers(G, T)
    for n in sorted(T, key=lambda n: -lay[n]):
        if T.in_degree(n) == 0 and T.out_degree(n) and G.nodes[n]["stage"] != "upstream":
            lay[n] = max(0, min(lay[v] for v in T.successors(n)) - 1)
    return lay


def _width(cols: int) -> int:
    return cols * (SIZES["box"] + SIZES["pad"]) + SIZES["pad"]


def layout(
    G: nx.MultiDiGraph,
    lay: dict[str, int],
    segments: list[str],
    members: dict[str, list[str]],
    outside: dict[str, list[str]],
) -> Layout:
    """Columns for ``segments`` (by layer, then stage and id), ``members[segment]`` the firms inside each
    segment's box, ``outside[stage]`` the outside firms of each stage; both go to the band below the chain,
    with the local firms in no segment (``members[OTHER]``) as the band's last group."""
    out = Layout()
    by_layer: dict[int, list[str]] = {}
    for s in sorted(segments, key=lambda s: (lay[s], STAGE_ORDER[G.nodes[s]["stage"]], s)):
        by_layer.setdefault(lay[s], []).append(s)
    cols = [by_layer[L] for L in sorted(by_layer)]
    x, w = 0, _width(1)
    for groups in cols:
        out.columns.append({"x": x, "groups": groups})
        for g in groups:
            out.groups[g] = {"members": members.get(g, []), "cols": 1, "w": w, "outside": False}
        x += w + SIZES["colgap"]
    chain_width = max(x - SIZES["colgap"], w)
    # the band: one group per stage, side by side, each as wide as its share of the outside firms
    band = {f"outside:{s}": outside[s] for s in sorted(outside, key=lambda s: STAGE_ORDER.get(s, 9)) if outside[s]}
    if members.get(OTHER):
        band[OTHER] = members[OTHER]
    total = sum(map(len, band.values()))
    per_col = SIZES["box"] + SIZES["pad"]
    room = max(len(band), int((chain_width - SIZES["colgap"] * (len(band) - 1)) // per_col))
    for gid, firms in band.items():
        c = max(1, min(len(firms), round(room * len(firms) / total)))
        c = max(c, math.ceil(math.sqrt(len(firms) / 6)))  # many firms: no group taller than about 6x wide
        out.band.append(gid)
        out.groups[gid] = {"members": firms, "cols": c, "w": _width(c), "outside": gid != OTHER}
    placed = sum(len(g["members"]) for g in out.groups.values())
    if placed > COLLAPSE_ABOVE:
        out.collapsed = sorted(g for g, d in out.groups.items() if d["members"])
    return out
