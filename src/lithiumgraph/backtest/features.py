"""What the graph as of a split day says about a (firm, place) pair: the numbers every scorer reads.

Places are the first-level regions (a state, a province, or a city directly under the country); a
firm is *sited* in a place where it has a location or a project. Nothing here reads anything dated
after the day of the graph it is given (a :func:`lithiumgraph.timeline.snapshot`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from ..analysis.recommend import RecommendWeights
from ..history import first_day, parse_date
from ..scope import Ownership
from ..template import template

__all__ = ["Features", "place_of", "FEATURES"]

#: The features of a pair, in the order a learned model reads them.
FEATURES = (
    "popularity",
    "in_place",
    "in_region",
    "segment_adjacency",
    "adamic_adar",
    "resource_allocation",
    "preferential_attachment",
    "leader",
    "supplies_local",
    "recent_expansion",
    "in_segment",
)


def place_of(G: nx.MultiDiGraph, park: str | None) -> str | None:
    """The first-level region holding ``park`` (the park itself when its parent is a country); None for
    a country or an unknown park."""
    cur, seen = park, set()
    while cur in G and G.nodes[cur].get("kind") == "Park" and cur not in seen:
        seen.add(cur)
        parent = G.nodes[cur].get("parent")
        if G.nodes[cur].get("level") == "country":
            return None
        if not parent or G.nodes.get(parent, {}).get("level") == "country":
            return cur
        cur = parent
    return None


def region_of(G: nx.MultiDiGraph, place: str) -> str | None:
    """The country a place belongs to."""
    return G.nodes[place].get("parent") or None


@dataclass
class Features:
    """Per firm and per place what the graph of the day holds (see :meth:`of`)."""

    day: date
    sites: dict[str, set[str]]  #: firm -> places it is sited in
    firms_at: dict[str, set[str]]  #: place -> firms sited there
    segs: dict[str, set[str]]  #: firm -> segments it or its projects are in
    projects: dict[str, int]  #: firm -> projects known by the day
    leader: dict[str, dict[str, float]]  #: firm -> segment -> leader points (world/national) by RecommendWeights
    sells_to: dict[str, set[tuple[str, str | None]]]  #: supplier -> (customer, segment of the relation)
    recent: set[str]  #: firms with a project begun in the last ``recent_years``
    groups: dict[str, list[str]]  #: firm -> its group (itself and parents)
    region: dict[str, str | None]  #: place -> country
    near: dict[str, set[str]] = field(default_factory=dict)  #: segment -> itself and template neighbours
    firms: list[str] = field(default_factory=list)  #: every firm known by the day, sorted

    @classmethod
    def of(cls, H: nx.MultiDiGraph, weights: RecommendWeights = RecommendWeights()) -> "Features":
        """Read ``H`` (a graph as of its ``graph['as_of']`` day) once."""
        day = parse_date(H.graph.get("as_of"))
        sites: dict[str, set[str]] = {}
        segs: dict[str, set[str]] = {}
        projects: dict[str, int] = {}
        leader: dict[str, dict[str, float]] = {}
        sells: dict[str, set[tuple[str, str | None]]] = {}
        recent: set[str] = set()
        since = date(day.year - weights.recent_years, day.month, min(day.day, 28))
        for u, v, d in H.edges(data=True):
            k, ku = d["kind"], H.nodes[u].get("kind")
            if k == "LOCATED_IN" and ku == "Enterprise" and (p := place_of(H, v)):
                sites.setdefault(u, set()).add(p)
            elif k == "IN_SEGMENT" and ku == "Enterprise":
                segs.setdefault(u, set()).add(v)
                pts = {"world": weights.world_leader, "national": weights.national_leader}.get(d.get("leader"), 0.0)
                if pts:
                    leader.setdefault(u, {})[v] = pts * (0.5 if d.get("confidence") == "uncertain" else 1.0)
            elif k == "SUPPLIES":
                sells.setdefault(u, set()).add((v, d.get("segment")))
        for n, d in H.nodes(data=True):
            if d.get("kind") != "Project" or not (f := d.get("enterprise")):
                continue
            projects[f] = projects.get(f, 0) + 1
            if p := place_of(H, d.get("park")):
                sites.setdefault(f, set()).add(p)
            if d.get("segment"):
                segs.setdefault(f, set()).add(d["segment"])
            dates = [H.nodes[v]["date"] for v in H._succ[n] if H.nodes[v].get("kind") == "Event"]
            began = min((first_day(x) for x in dates), default=None) or next(
                (first_day(str(d[k])) for k in ("start", "valid_from") if d.get(k)), None
            )
            if began and since < began <= day:
                recent.add(f)
        firms = sorted(n for n, d in H.nodes(data=True) if d.get("kind") == "Enterprise")
        own = Ownership.of(H)
        firms_at: dict[str, set[str]] = {}
        for f, ps in sites.items():
            for p in ps:
                firms_at.setdefault(p, set()).add(f)
        T = template(H)
        near = {s: {s} | set(T.predecessors(s)) | set(T.successors(s)) for s in T}
        return cls(
            day,
            sites,
            firms_at,
            segs,
            projects,
            leader,
            sells,
            recent,
            {f: own.group(f) for f in firms},
            {p: region_of(H, p) for p in firms_at},
            near,
            firms,
        )

    def vector(self, firm: str, place: str, segment: str | None = None) -> dict[str, float]:
        """The features of one pair (see :data:`FEATURES`); with a ``segment``, leader and supplies_local
        read that segment only (a supply relation in it or a segment next to it in the template), and
        in_segment says whether the firm's group is active in it."""
        group = self.groups.get(firm, [firm])
        here = self.firms_at.get(place, set())
        region = self.region.get(place)
        in_place = any(place in self.sites.get(m, ()) for m in group)
        in_region = any(self.region.get(p) == region and p != place for m in group for p in self.sites.get(m, ()))
        place_segs = {s for f in here for s in self.segs.get(f, ())}
        adj = sum(1 for s in self.segs.get(firm, ()) if self.near.get(s, {s}) & place_segs)
        aa = ra = 0.0
        mine = self._neighbours(firm)
        for other in sorted(here):  # a fixed order: float sums, and so ties, do not vary between runs
            if other == firm:
                continue
            for z in sorted(mine & self._neighbours(other)):
                deg = self._degree(z)
                aa += 1 / math.log(deg) if deg > 1 else 0.0
                ra += 1 / deg
        fits = self.near.get(segment, {segment}) if segment else None
        supplies = any(
            (c in here or any(c in self.groups.get(h, ()) for h in here)) and (fits is None or s in fits)
            for m in group
            for c, s in self.sells_to.get(m, ())
        )
        lead = self.leader.get(firm, {})
        leader = lead.get(segment, 0.0) if segment else max(lead.values(), default=0.0)
        return {
            "popularity": float(self.projects.get(firm, 0) + len(self.sites.get(firm, ()))),
            "in_place": float(in_place),
            "in_region": float(in_region),
            "segment_adjacency": float(adj),
            "adamic_adar": round(aa, 9),
            "resource_allocation": round(ra, 9),
            "preferential_attachment": float(len(mine) * (len(here) + len(place_segs))),
            "leader": leader,
            "supplies_local": float(supplies),
            "recent_expansion": float(any(m in self.recent for m in group)),
            "in_segment": float(bool(segment) and any(segment in self.segs.get(m, ()) for m in group)),
        }

    def _neighbours(self, firm: str) -> set[str]:
        """A firm's neighbours on the firm–place–segment graph: its places and its segments."""
        return self.sites.get(firm, set()) | self.segs.get(firm, set())

    def _degree(self, z: str) -> int:
        """How many firms a place or a segment touches (cached)."""
        cache = self.__dict__.setdefault("_deg", {})
        if z not in cache:
            cache[z] = len(self.firms_at[z]) if z in self.firms_at else sum(1 for s in self.segs.values() if z in s)
        return cache[z]
