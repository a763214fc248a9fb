"""What ``recommend`` needs to rank candidates without spelling out why: each segment's candidate table
(read once per graph), which facts a candidate's score parts rest on, and the score from points alone.

A segment can have tens of thousands of candidates at scale, and only the top few are shown: their score
parts, with evidence texts and sources, are written in :mod:`lithiumgraph.analysis.recommend`; every
other candidate needs only its score. :func:`score` sums the same points in the same order as the parts
do (so the floats, the ranking and its ties are the same), from the same facts (the ``*_hits`` functions,
which the parts read too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import networkx as nx

from ..graph import cached, short_name
from ..units import to_base
from .scope import counts
from .targets import ScorePart

if TYPE_CHECKING:
    from .recommend import RecommendWeights

__all__ = ["Candidate", "ParkFacts", "candidate_table", "score"]


class Candidate(NamedTuple):
    """A firm active in a segment: its capacity there (base unit, or None), the unit, the edge that puts
    it there, and its short name (the ranking's tie-break)."""

    capacity: float | None
    unit: str | None
    membership: dict
    name: str


@dataclass(frozen=True)
class ParkFacts:
    """What a park's candidates are scored against, worked out once per ``recommend`` call."""

    G: nx.MultiDiGraph
    weights: RecommendWeights
    names: Any  #: id -> short name, looked up once
    grp: Any  #: firm -> its group (itself and its parents, nearest first)
    local_groups: dict[str, str]  #: group member -> local firm
    sells: dict[str, list[tuple[str, dict]]]  #: supplier -> its relations into the local groups
    sited: list  #: per region around the park: firm -> its best seat there, or None
    scope: Any  #: the park's :class:`~lithiumgraph.scope.Scope`
    runs: dict[str, str]  #: firm -> a counted project it runs in the park
    here_subs: dict[str, list]  #: parent -> its subsidiaries in the park, with sources
    makers: set[str]  #: nodes that make a product (imported data)
    recent: dict[str, list[tuple[str, str]]]  #: firm -> its projects begun recently


def points(weight: float, confidence: str | None, w: RecommendWeights) -> float:
    """``weight``, at ``uncertain_factor`` of it when the evidence is uncertain, to 3 decimals."""
    return round(weight * (w.uncertain_factor if confidence == "uncertain" else 1.0), 3)


def flag(confidence: str | None) -> str:
    return " (uncertain)" if confidence == "uncertain" else ""


def candidate_table(G: nx.MultiDiGraph, seg: str) -> dict[str, Candidate]:
    """Every enterprise active in ``seg`` (see :func:`candidates`), read once per graph: a park's
    candidates are these less its own firms in the segment."""

    def build(G):
        return {f: Candidate(cap, unit, m, short_name(G, f)) for f, (cap, unit, m) in candidates(G, seg).items()}

    return cached(G, ("candidates", seg), build)


def candidates(G, seg) -> dict[str, tuple[float | None, str | None, dict]]:
    """Enterprises active in ``seg``: ``id -> (capacity, unit, edge)``.

    Capacity is the firm's stated capacity in the segment, else the sum of its projects' capacities, and only
    what is built (operating or expanded): a plan or a site being built earns no capacity points; a firm
    without a membership of its own is shown by its project with the first id (in id order, so the answer
    does not hang on the order a store keeps the edges in).
    """
    member: dict[str, dict] = {}
    projects: dict[str, list[dict]] = {}
    node = G._node
    for u, d in sorted(((u, d) for u, keys in G._pred[seg].items() for d in keys.values()), key=lambda e: e[0]):
        kind = node[u]["kind"]
        if d["kind"] != "IN_SEGMENT" or kind not in ("Enterprise", "Project"):
            continue
        firm = u if kind == "Enterprise" else node[u].get("enterprise")
        if d.get("status") in ("halted", "suspended", "cancelled"):
            continue
        if kind == "Enterprise":
            member[firm] = d
        else:
            projects.setdefault(firm, []).append(d)
    unit = G.nodes[seg].get("unit")
    out = {}
    for firm in set(member) | set(projects):
        m = member.get(firm)
        if m is not None and m.get("capacity") is not None and counts(m.get("status"), False):
            cap = to_base(m["capacity"], m["unit"])
        else:
            cap = sum(
                to_base(p["capacity"], p["unit"])
                for p in projects.get(firm, [])
                if p.get("capacity") is not None and counts(p.get("status"), False)
            )
        out[firm] = (cap or None, unit if cap else None, m if m is not None else projects[firm][0])
    return out


def supply_hits(c, sells, grp, fits: set[str]) -> list[tuple[str, str, dict]]:
    """``(member, customer, edge)``: the relations of ``c``'s group into the park's groups that count for the
    segment (in it or a directly adjacent one)."""
    return [(m, cust, d) for m in grp(c) for cust, d in sells.get(m, ()) if d.get("segment") in fits]


def tie_hit(c, sited, grp) -> tuple[int, str, str, tuple[str, dict]] | None:
    """``(region index, region, member, (place, evidence))`` of the nearest region around the park where
    ``c``'s group is sited, or None."""
    for i, (region, best) in enumerate(sited):
        for m in grp(c):
            seat = best[m]
            if seat is not None:
                return i, region, m, seat
    return None


def park_members(c, grp, here_subs, scope, runs) -> tuple[list[str], dict[str, tuple]]:
    """The members of ``c``'s group (with their subsidiaries in the park) that are in the park, sorted, and
    every member looked at with the sources that tie it to the group."""
    members: dict[str, tuple] = {}
    for m in grp(c):
        members.setdefault(m, ())
        for u, sources in here_subs.get(m, ()):
            members.setdefault(u, sources)
    return sorted(m for m in members if m in scope.enterprises or m in runs), members


def recent_hits(c, recent, grp) -> list[tuple[str, str, str]]:
    """``(project, date, member)`` of the group's projects begun recently, anywhere."""
    return sorted((p, when, m) for m in grp(c) for p, when in recent.get(m, ()))


def makes_product(G, c, seg, w: RecommendWeights) -> list[ScorePart]:
    """The candidate's best product, in imported data, that maps to ``seg``: weight x confidence."""
    best = None
    for prod, keys in G._succ[c].items():
        for d in keys.values():
            if d["kind"] != "MAKES" or d.get("weight") is None:
                continue
            if d.get("segment") != seg and not any(
                v == seg and e["kind"] == "MAPS_TO" for v, ks in G._succ[prod].items() for e in ks.values()
            ):
                continue
            if best is None or d["weight"] > best[1]["weight"]:
                best = (prod, d)
    if best is None:
        return []
    prod, d = best
    name = G.nodes[prod].get("name_zh") or G.nodes[prod].get("name_en") or prod
    return [
        ScorePart(
            "makes_product",
            points(w.makes_product * float(d["weight"]), d.get("confidence"), w),
            f"makes {name} (weight {float(d['weight']):.2f}{flag(d.get('confidence'))}) per "
            f"{', '.join(d.get('sources', ())) or 'imported data'}",
            tuple(d.get("sources", ())),
        )
    ]


def score(ctx: ParkFacts, seg: str, c: str, cand: Candidate, biggest: float, fits: set[str]) -> float:
    """``c``'s score in ``seg``: the points of its parts, summed in the order the parts are listed
    (in_segment, supplies_local, leader, capacity, regional_tie, group_in_park, makes_product,
    recent_expansion), so that the float equals the parts' sum exactly."""
    w, grp = ctx.weights, ctx.grp
    pts = [0.0]
    hits = supply_hits(c, ctx.sells, grp, fits)
    if hits:
        pts += sorted((points(w.supplies_local, d.get("confidence"), w) for _, _, d in hits), reverse=True)[
            : w.supplies_local_max
        ]
    m = cand.membership
    lvl = m.get("leader")
    if lvl in ("world", "national"):
        pts.append(points(w.world_leader if lvl == "world" else w.national_leader, m.get("confidence"), w))
    if cand.capacity and biggest:
        pts.append(round(w.capacity * cand.capacity / biggest, 3))
    tie = tie_hit(c, ctx.sited, grp)
    if tie is not None:
        pts.append(points(w.tie_near if tie[0] == 0 else w.tie_far, tie[3][1].get("confidence"), w))
    if park_members(c, grp, ctx.here_subs, ctx.scope, ctx.runs)[0]:
        pts.append(w.group_in_park)
    if c in ctx.makers:
        pts += [p.points for p in makes_product(ctx.G, c, seg, w)]
    if any(m in ctx.recent for m in grp(c)):
        pts.append(w.recent_expansion)
    return sum(pts)
