"""Which outside enterprises could fill a park's missing and weak segments, and why.

Every score is a sum of named parts, each with the evidence and sources behind it
(:class:`RecommendWeights` sets the points):

- ``supplies_local``: the candidate (or its group) already supplies an enterprise of the park or that
  enterprise's group, elsewhere, with the segment's own product or the product of a segment directly
  up- or downstream of it in the chain template (a relation in another segment says nothing about this
  one and does not count);
- ``leader``: a source names the candidate a world or national leader of the segment (the ranking it
  gives, where the row's note states it, is in the evidence);
- ``capacity``: its stated capacity in the segment, relative to the largest candidate's;
- ``regional_tie``: it (or its group) is already sited in a region that contains the park;
- ``group_in_park``: another firm of its group is already in the park;
- ``recent_expansion``: its group has a project anywhere whose first dated step (or, lacking events, its
  start) falls in the last ``recent_years`` years before the graph's date;
- ``makes_product``: an imported data set says it makes a product that maps to the segment, scored by
  the data set's weight for that product (0-1) and the record's confidence.

The ``in_segment`` evidence (what puts the candidate in the segment) scores nothing and always stays
in the output beside the parts that score. A part that scores on C-grade sources only (mirrors and
aggregators, :mod:`lithiumgraph.analysis.grades`) is marked, and the candidate lists it in ``c_only``.

Evidence whose confidence is ``uncertain`` counts at ``uncertain_factor`` of its points.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from heapq import nsmallest

import networkx as nx

from ..collector import collector_paused
from ..graph import cached, in_kind, short_name
from ..history import first_day, parse_date
from ..template import template
from .edges import edges_by_node, tails
from .gaps import Coverage, GapRules, gaps
from .grades import c_only
from .scope import Ownership, Scope, ancestors, counts, park_scope
from .scoring import Candidate, ParkFacts, candidate_table, park_members, recent_hits, score, supply_hits, tie_hit
from .scoring import flag as _flag
from .scoring import makes_product as _makes_product
from .scoring import points as _points
from .targets import Recommendation, Recommendations, ScorePart, SegmentTargets

__all__ = [
    "RecommendWeights",
    "ScorePart",
    "Recommendation",
    "SegmentTargets",
    "Recommendations",
    "recommend",
    "target_segments",
]


@dataclass(frozen=True)
class RecommendWeights:
    """Points for each part of a score."""

    supplies_local: float = 3.0
    supplies_local_max: int = 2  #: relations counted at most
    world_leader: float = 3.0
    national_leader: float = 2.0
    capacity: float = 1.0  #: x capacity / largest candidate capacity
    tie_near: float = 2.0  #: sited in the region directly containing the park
    tie_far: float = 1.0  #: sited in the region one level further up
    group_in_park: float = 2.0
    makes_product: float = 1.0  #: x the data set's weight of the product (0-1)
    uncertain_factor: float = 0.5
    recent_expansion: float = 1.0
    recent_years: int = 3  #: the window of ``recent_expansion``, back from the graph's date


class _Names(dict):
    """Short names, each looked up once per call (the same regions and firms recur in thousands of texts)."""

    def __init__(self, G):
        super().__init__()
        self.G = G

    def __missing__(self, n: str) -> str:
        self[n] = name = short_name(self.G, n)
        return name


@collector_paused()
def recommend(
    G: nx.MultiDiGraph,
    park: str | Scope,
    *,
    segment: str | None = None,
    top: int = 5,
    weights: RecommendWeights = RecommendWeights(),
    rules: GapRules = GapRules(),
    coverage: Coverage | None = None,
) -> Recommendations:
    """Ranked outside candidates for each missing (not resource-bound), pipeline-only or weak segment.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph (``load_graph()`` or a store's ``graph()``).
    park : str or Scope
        A park or region id, or its scope from :func:`lithiumgraph.scope.park_scope`.
    segment : str, optional
        Only this segment id.
    top : int
        Candidates kept per segment.
    weights : RecommendWeights
        Points for each part of a score.
    rules : GapRules
        The gap rules that decide which segments are targets.
    coverage : Coverage, optional
        The park's gaps, when already computed.

    Returns
    -------
    Recommendations
        A list of :class:`SegmentTargets`, each with its ranked :class:`Recommendation` and score parts.

    Raises
    ------
    NodeNotFound
        ``park`` is not the id of a park in ``G``.

    >>> from lithiumgraph import load_graph
    >>> t = recommend(load_graph(), "yichun-etdz", segment="electrolyte")
    >>> sorted({p.name for r in t[0].candidates for p in r.parts})
    ['capacity', 'in_segment', 'leader', 'regional_tie', 'supplies_local']
    """
    scope = park if isinstance(park, Scope) else park_scope(G, park)
    cov = coverage or gaps(G, scope, rules=rules)
    local = scope.firms
    own = Ownership.of(G)
    names = _Names(G)
    grp = own.group
    local_groups = {m: f for f in sorted(local) for m in grp(f)}  # group member -> local firm, in a fixed order
    sells = _sales_into(G, local_groups)
    T = template(G)
    makers = cached(G, "makers", _makers)
    recent = cached(
        G, ("recent projects", weights.recent_years, G.graph.get("as_of")), lambda G: _recent_projects(G, weights)
    )
    sited = [(r, _Seats(cached(G, ("seats", r), lambda G: _seats(G, r)), scope)) for r in ancestors(G, scope.park)[:2]]
    runs, here_subs = _in_park(G, scope, own, rules)
    ctx = ParkFacts(G, weights, names, grp, local_groups, sells, sited, scope, runs, here_subs, makers, recent)
    out = []
    for sg in target_segments(cov, segment):
        table, present = candidate_table(G, sg.segment), set(sg.firms)
        cands = [(c, e) for c, e in table.items() if c not in present]
        biggest = max((e.capacity for _, e in cands if e.capacity), default=0.0)
        fits = _adjacent(T, sg.segment)
        # every candidate's score from points alone; only those shown get their parts spelled out
        keys = [(-score(ctx, sg.segment, c, e, biggest, fits), e.name, c) for c, e in cands]
        chosen = nsmallest(top, keys) if 0 <= top < len(keys) else sorted(keys)[:top]
        recs = [_scored(ctx, sg.segment, c, table[c], biggest, fits) for _, _, c in chosen]
        for i, r in enumerate(recs, 1):
            r.rank = i
        out.append(SegmentTargets(sg.segment, sg.name_zh, sg.status, sg.action, sg.reason, recs))
    return Recommendations(scope.park, out)


def _scored(ctx: ParkFacts, seg: str, c: str, cand: Candidate, biggest: float, fits: set[str]) -> Recommendation:
    """One candidate with its score broken into parts, each with its evidence and sources."""
    weights, names, grp = ctx.weights, ctx.names, ctx.grp
    parts = [_in_segment(seg, cand.membership)]
    parts += _supplies_local(names, c, ctx.sells, ctx.local_groups, weights, grp, fits)
    parts += _leader_and_capacity(seg, cand.membership, cand.capacity, cand.unit, biggest, weights)
    parts += _regional_tie(names, c, ctx.sited, weights, grp)
    parts += _group_in_park(names, c, ctx.scope, weights, ctx.runs, grp, ctx.here_subs)
    parts += _makes_product(ctx.G, c, seg, weights) if c in ctx.makers else []
    parts += _recent_expansion(names, c, ctx.recent, weights, grp)
    parts = [replace(p, c_only=True) if p.points and c_only(ctx.G, p.sources) else p for p in parts]
    return Recommendation(seg, c, names[c], sum(p.points for p in parts), parts)


def _in_park(G, scope: Scope, own: Ownership, rules: GapRules) -> tuple[dict[str, str], dict[str, list]]:
    """The firms running a counted project in the park (firm -> project), and each parent's subsidiaries in
    the park with their sources, worked out once: a large group would otherwise be walked again for every
    one of its members among the candidates."""
    runs = {
        G.nodes[p]["enterprise"]: p
        for p in sorted(scope.projects)
        if counts(G.nodes[p].get("status"), rules.include_pipeline)
    }
    here = scope.enterprises | set(runs)
    parents = {v for u in here for v in own.parents.get(u, ())}  # no other parent has a subsidiary here
    here_subs = {
        m: [(u, tuple(d.get("sources", ()))) for u, d in own.subsidiaries[m] if u in here] for m in sorted(parents)
    }
    return runs, here_subs


def target_segments(cov: Coverage, segment: str | None = None) -> list:
    """The segments to find firms for: weak ones, and missing or pipeline-only ones not bound to a resource."""
    return [
        s
        for s in cov.segments
        if (s.status == "weak" or (s.status in ("missing", "pipeline") and not s.resource))
        and (segment is None or s.segment == segment)
    ]


def _sales_into(G, local_groups: dict[str, str]) -> dict[str, list[tuple[str, dict]]]:
    """Supplier -> its SUPPLIES edges into the local firms' groups."""
    sells: dict[str, list[tuple[str, dict]]] = {}
    supplied = edges_by_node(G, "SUPPLIES", incoming=True)
    for cust in local_groups:
        for sup, d in supplied.get(cust, ()):
            sells.setdefault(sup, []).append((cust, d))
    return sells


def _makers(G) -> set[str]:
    """The nodes that make a product (imported data): only they are looked at for products."""
    return set(tails(G, "MAKES"))


def _adjacent(T, seg: str) -> set[str]:
    """The segment and those directly up- or downstream of it: where a supply relation is evidence for it."""
    return {seg} | set(T.predecessors(seg)) | set(T.successors(seg)) if seg in T else {seg}


def _in_segment(seg: str, membership: dict) -> ScorePart:
    """The zero-point part that states why the firm is a candidate at all: it is active in ``seg``."""
    return ScorePart(
        "in_segment",
        0.0,
        f"active in {seg}"
        + (f" ({membership['product']})" if membership.get("product") else "")
        + _flag(membership.get("confidence")),
        tuple(membership.get("sources", ())),
    )


def _leader_and_capacity(
    seg: str, membership: dict, cap: float | None, unit: str | None, biggest: float, weights: RecommendWeights
) -> list[ScorePart]:
    """Points for a sourced world or national lead in ``seg`` and for capacity relative to the largest candidate."""
    parts = []
    lvl = membership.get("leader")
    if lvl in ("world", "national"):
        w = weights.world_leader if lvl == "world" else weights.national_leader
        parts.append(
            ScorePart(
                "leader",
                _points(w, membership.get("confidence"), weights),
                f"{lvl} leader of {seg}{_flag(membership.get('confidence'))}"
                + (f" ({membership['note']})" if membership.get("note") else ""),
                tuple(membership.get("sources", ())),
            )
        )
    if cap and biggest:
        parts.append(
            ScorePart(
                "capacity",
                round(weights.capacity * cap / biggest, 3),
                f"capacity {cap:,.0f} {unit} (largest candidate {biggest:,.0f})",
                tuple(membership.get("sources", ())),
            )
        )
    return parts


def _supplies_local(names: _Names, c, sells, local_groups, w, grp, fits: set[str]) -> list[ScorePart]:
    """Relations of the candidate's group into the park's groups in the segment or a directly adjacent one."""
    parts: list[ScorePart] = []
    for m, cust, d in supply_hits(c, sells, grp, fits):
        via = "" if m == c else f" (through {names[m]})"
        firm = local_groups[cust]
        where = "" if firm == cust else f", whose {names[firm]} is in the park"
        parts.append(
            ScorePart(
                "supplies_local",
                _points(w.supplies_local, d.get("confidence"), w),
                f"supplies {d.get('product')} to {names[cust]}{where}{via}{_flag(d.get('confidence'))}",
                tuple(d.get("sources", ())),
            )
        )
    parts.sort(key=lambda p: -p.points)
    return parts[: w.supplies_local_max]


def _seats(G, region: str) -> dict[str, list[tuple[bool, str, str, dict]]]:
    """Firm -> its seats in ``region`` (a location, or a project it runs) in the order they are offered:
    ``(is project, park or project id, place, evidence)``, locations by park id, then projects by id."""
    inside = park_scope(G, region)
    seats: dict[str, list[tuple[bool, str, str, dict]]] = {}
    for p in sorted(inside.parks):
        for u, d in in_kind(G, p, "LOCATED_IN"):
            if G.nodes[u]["kind"] == "Enterprise":
                seats.setdefault(u, []).append((False, p, p, d))
    for p in sorted(inside.projects):
        d = G.nodes[p]
        seats.setdefault(d["enterprise"], []).append((True, p, d["park"], d))
    return seats


class _Seats(dict):
    """Firm -> (place, evidence) of its best seat in a region around the park, outside the park itself:
    the first that is not uncertain, else the first; worked out for the firms asked about only (a
    country's seats are read once per graph, :func:`_seats`)."""

    def __init__(self, seats: dict, scope: Scope):
        super().__init__()
        self.seats, self.scope = seats, scope

    def __missing__(self, firm: str) -> tuple[str, dict] | None:
        offers = [
            (place, d)
            for is_project, key, place, d in self.seats.get(firm, ())
            if key not in (self.scope.projects if is_project else self.scope.parks)
        ]
        self[firm] = best = next(
            (o for o in offers if o[1].get("confidence") != "uncertain"), offers[0] if offers else None
        )
        return best


def _regional_tie(names: _Names, c, sited, w, grp) -> list[ScorePart]:
    """The nearest region containing the park where the candidate's group is already sited."""
    hit = tie_hit(c, sited, grp)
    if hit is None:
        return []
    i, region, m, (place, d) = hit
    weight = w.tie_near if i == 0 else w.tie_far
    via = "" if m == c else f" (through {names[m]})"
    within = "" if place == region else f", within {names[region]}"
    return [
        ScorePart(
            "regional_tie",
            _points(weight, d.get("confidence"), w),
            f"already sited in {names[place]}{within}{via}{_flag(d.get('confidence'))}",
            tuple(d.get("sources", ())),
        )
    ]


def _group_in_park(names: _Names, c, scope, w, runs: dict[str, str], grp, here_subs) -> list[ScorePart]:
    """The candidate, or another member of its group (parent or subsidiary), is already in the park."""
    here, members = park_members(c, grp, here_subs, scope, runs)
    if not here:
        return []
    what = [("itself" if m == c else names[m]) + (f" (runs {runs[m]})" if m in runs else "") for m in here]
    sources = tuple(
        dict.fromkeys(
            s for m in here for s in members[m] + tuple(names.G.nodes[runs[m]].get("sources", ()) if m in runs else ())
        )
    )
    return [ScorePart("group_in_park", w.group_in_park, f"already in the park: {', '.join(what)}", sources)]


def _recent_projects(G, w: RecommendWeights) -> dict[str, list[tuple[str, str]]]:
    """Firm -> its projects (id, date) first dated within ``w.recent_years`` before the graph's date."""
    day = parse_date(G.graph.get("as_of"))
    since = day.replace(year=day.year - w.recent_years)
    out: dict[str, list[tuple[str, str]]] = {}
    node, succ = G._node, G._succ
    for n, d in node.items():
        if d.get("kind") != "Project" or not d.get("enterprise"):
            continue
        dates = [node[v]["date"] for v in succ[n] if node[v].get("kind") == "Event"]
        first = min(dates, key=first_day) if dates else d.get("start") or d.get("valid_from")
        if first and since < first_day(str(first)) <= day:
            out.setdefault(d["enterprise"], []).append((n, str(first)))
    return out


def _recent_expansion(names: _Names, c, recent, w: RecommendWeights, grp) -> list[ScorePart]:
    """The group's projects begun in the last ``recent_years`` years, anywhere."""
    hits = recent_hits(c, recent, grp)
    if not hits:
        return []
    what = ", ".join(f"{p} ({when})" + ("" if m == c else f" through {names[m]}") for p, when, m in hits[:3])
    return [
        ScorePart(
            "recent_expansion",
            w.recent_expansion,
            f"{len(hits)} project(s) begun in the last {w.recent_years} years: {what}",
            tuple(dict.fromkeys(s for p, _, _ in hits for s in names.G.nodes[p].get("sources", ()))),
        )
    ]
