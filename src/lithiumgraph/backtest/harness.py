"""Backtest a ranking of (firm, place) candidates against what happened after a split day.

At a split day D the graph is taken as known on D (:func:`lithiumgraph.timeline.snapshot`); every scorer
reads only that graph. What happened is read from the graph as known at the end of the horizon: a
*positive* is a firm, known on D, with a project in a place that was not on the graph on D. Each place
with a positive is a query; its negatives are *hard*: every other firm known on D that is sited in the
same country or active in a segment of one of the place's new projects (never random firms from
anywhere). Firms first seen after D cannot be ranked; they are counted and left out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from ..analysis.recommend import RecommendWeights
from ..errors import LithiumGraphError
from ..history import parse_date
from ..timeline import snapshot
from .features import Features, place_of
from .metrics import KS, Metrics, Query, bootstrap, evaluate

__all__ = ["Split", "Outcome", "Backtest", "backtest", "outcomes", "SCORERS", "recommend_points"]


@dataclass(frozen=True)
class Outcome:
    """What happened after a split: new (firm, place) pairs and the segments of their projects."""

    pairs: dict[tuple[str, str], set[str]]
    cold: int  #: new pairs by firms not known on the split day (cannot be ranked)


def _under(G: nx.MultiDiGraph, place: str, within) -> bool:
    cur: str | None = place
    seen: set[str] = set()
    while cur and cur not in seen:
        if cur in within:
            return True
        seen.add(cur)
        cur = G.nodes[cur].get("parent") if cur in G else None
    return False


def outcomes(
    G: nx.MultiDiGraph, before: nx.MultiDiGraph, after: nx.MultiDiGraph, within: list[str] | None = None
) -> Outcome:
    """Projects on ``after`` and not on ``before``, as (firm, place) -> segments, in places under
    ``within`` (park ids; None: everywhere)."""
    pairs: dict[tuple[str, str], set[str]] = {}
    cold = set()
    for n, d in after.nodes(data=True):
        if d.get("kind") != "Project" or n in before or not (f := d.get("enterprise")):
            continue
        if not (p := place_of(after, d.get("park"))) or (within and not _under(after, p, set(within))):
            continue
        if f not in before:
            cold.add((f, p))
            continue
        pairs.setdefault((f, p), set()).update([d["segment"]] if d.get("segment") else [])
    return Outcome(pairs, len(cold))


def recommend_points(
    v: dict[str, float], w: RecommendWeights = RecommendWeights(), *, by_segment: bool = False
) -> float:
    """``recommend``'s points for a pair from the parts a place allows: group_in_park, regional_tie
    (near), leader, supplies_local, recent_expansion. By segment, ``recommend`` offers only firms active
    in the segment: the others come after all of them."""
    pts = (
        w.group_in_park * v["in_place"]
        + w.tie_near * v["in_region"]
        + v["leader"]
        + w.supplies_local * v["supplies_local"]
        + w.recent_expansion * v["recent_expansion"]
    )
    return pts - (0.0 if not by_segment or v["in_segment"] else 1000.0)


def _random(v, firm, place, seed=0) -> float:
    return int.from_bytes(hashlib.sha256(f"{seed}:{firm}:{place}".encode()).digest()[:8], "big") / 2**64


#: Baselines and the project's scorer: name -> f(features of the pair, firm, place).
SCORERS = {
    "random": _random,
    "popularity": lambda v, f, p: v["popularity"],
    "already_in_region": lambda v, f, p: 2 * v["in_place"] + v["in_region"],
    "segment_adjacency": lambda v, f, p: v["segment_adjacency"],
    "adamic_adar": lambda v, f, p: v["adamic_adar"],
    "resource_allocation": lambda v, f, p: v["resource_allocation"],
    "preferential_attachment": lambda v, f, p: v["preferential_attachment"],
    "recommend": lambda v, f, p: recommend_points(v, by_segment=bool(p[1])),
}


@dataclass
class Split:
    """One split's results: per scorer its metrics and 95% intervals."""

    day: date
    until: date
    unit: str  #: what a query is: "place" or "place and segment"
    positives: int
    queries: int
    candidates: int
    cold: int
    metrics: dict[str, Metrics] = field(default_factory=dict)
    intervals: dict[str, dict[str, tuple[float, float]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _queries(F: Features, out: Outcome, by_segment: bool = False) -> list[tuple[tuple, set[str], list[str]]]:
    """Per place (by segment: per place and segment of a new project) with a positive:
    ((place, segment or None), positive firms, candidates = positives + hard negatives). By place the hard
    negatives are the firms sited in the same country or active in a segment of the place's new projects;
    by segment, the firms active in that segment or one next to it in the template."""
    by_key: dict[tuple, set[str]] = {}
    segs: dict[tuple, set[str]] = {}
    for (f, p), ss in out.pairs.items():
        for key in [(p, s) for s in ss] if by_segment else [(p, None)]:
            by_key.setdefault(key, set()).add(f)
            segs.setdefault(key, set()).update(ss)
    res = []
    for key in sorted(by_key, key=lambda k: (k[0], k[1] or "")):
        p, seg = key
        if seg:
            near = F.near.get(seg, {seg})
            hard = [f for f in F.firms if f in by_key[key] or F.segs.get(f, set()) & near]
        else:
            country = F.region.get(p) or p.rsplit(".", 1)[0]
            hard = [
                f
                for f in F.firms
                if f in by_key[key]
                or any(F.region.get(q) == country for q in F.sites.get(f, ()))
                or F.segs.get(f, set()) & segs[key]
            ]
        res.append((key, by_key[key], hard))
    return res


def score_table(F: Features, queries, scorers) -> dict[str, list[Query]]:
    """Every scorer's :class:`Query` list for the given queries."""
    out: dict[str, list[Query]] = {name: [] for name in scorers}
    for place, pos, cands in queries:
        vecs = {f: F.vector(f, place[0], place[1]) for f in cands}
        for name, fn in scorers.items():
            s = {f: fn(vecs[f], f, place) for f in cands}
            out[name].append(
                Query(
                    "|".join(x for x in place if x),
                    {f: s[f] for f in cands if f in pos},
                    {f: s[f] for f in cands if f not in pos},
                )
            )
    return out


@dataclass
class Backtest:
    """The splits of a backtest; rows(), to_dict() and tables() like every result."""

    splits: list[Split]

    def rows(self) -> list[dict]:
        out = []
        for s in self.splits:
            for name, m in s.metrics.items():
                ci = s.intervals.get(name, {})
                row = {
                    "split": s.day.isoformat(),
                    "until": s.until.isoformat(),
                    "unit": s.unit,
                    "scorer": name,
                    "mrr": _r(m.mrr),
                    "mrr_ci": _ci(ci.get("mrr")),
                }
                for k in KS:
                    row[f"hits@{k}"] = _r(m.hits[k])
                row.update(
                    {
                        "ap": _r(m.ap),
                        "auc": _r(m.auc),
                        "auc_ci": _ci(ci.get("auc")),
                        "positives": m.positives,
                        "queries": m.queries,
                    }
                )
                out.append(row)
        return out

    def to_dict(self) -> dict:
        return {
            "splits": [
                {
                    "split": s.day.isoformat(),
                    "until": s.until.isoformat(),
                    "unit": s.unit,
                    "positives": s.positives,
                    "queries": s.queries,
                    "candidates": s.candidates,
                    "cold": s.cold,
                    "notes": s.notes,
                    "scorers": [r for r in self.rows() if r["split"] == s.day.isoformat()],
                }
                for s in self.splits
            ]
        }

    def tables(self) -> list:
        from ..output import Table

        cols = ["scorer", "mrr", "mrr_ci", *[f"hits@{k}" for k in KS], "ap", "auc", "auc_ci"]
        return [
            Table(
                [r for r in self.rows() if r["split"] == s.day.isoformat()],
                cols,
                (
                    f"== split {s.day} (graph as known that day), outcomes to {s.until}: {s.positives} positives "
                    f"in {s.queries} queries (one per {s.unit}), {s.candidates} candidates per query on average (hard "
                    f"negatives: {_HARD.get(s.unit, 'same segment')}); {s.cold} new pairs by firms unknown on the split day left out",
                    *s.notes,
                ),
                max_width=40,
                empty="no positive after the split: nothing to measure",
            )
            for s in self.splits
        ]


_HARD = {"place": "same country or segment", "place and segment": "same or adjacent segment"}


def _r(x):
    return None if x is None else round(x, 3)


def _ci(ci):
    return None if ci is None else f"{ci[0]:.2f}–{ci[1]:.2f}"


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for a 29 February that does not recur)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def backtest(
    G: nx.MultiDiGraph,
    splits,
    *,
    horizon_years: int = 2,
    within: list[str] | None = None,
    by_segment: bool = False,
    learned: bool = True,
    rounds: int = 1000,
    seed: int = 0,
) -> Backtest:
    """Score every scorer at each split day in ``splits`` against projects that appear in the following
    ``horizon_years`` years, in places under the regions ``within`` (park ids; default everywhere).
    ``by_segment`` ranks firms per place and segment of a new project (as ``recommend`` does per park
    and segment) instead of per place. ``G`` is the dated graph (every date in it, not a day's snapshot)."""
    if horizon_years < 1:
        raise LithiumGraphError(f"horizon_years must be at least 1, got {horizon_years}")
    for r in within or ():
        if G.nodes.get(r, {}).get("kind") != "Park":
            raise LithiumGraphError(f"within: no place {r!r} in the graph")
    out = []
    for day in splits:
        day = parse_date(day, name="split")
        until = years_after(day, horizon_years)
        before, after = snapshot(G, day), snapshot(G, until)
        F = Features.of(before)
        oc = outcomes(G, before, after, within)
        qs = _queries(F, oc, by_segment)
        scorers = dict(SCORERS)
        notes = []
        if learned:
            from .learned import fit_before

            model, note = fit_before(G, day, horizon_years, within, by_segment)
            notes.append(note)
            if model is not None:
                scorers["learned"] = lambda v, f, p: model(v)
        table = score_table(F, qs, scorers)
        sp = Split(
            day,
            until,
            "place and segment" if by_segment else "place",
            sum(len(p) for _, p, _ in qs),
            len(qs),
            round(sum(len(c) for _, _, c in qs) / len(qs)) if qs else 0,
            oc.cold,
            notes=notes,
        )
        for name, queries in table.items() if qs else ():
            sp.metrics[name] = evaluate(queries)
            sp.intervals[name] = bootstrap(queries, rounds=rounds, seed=seed)
        out.append(sp)
    return Backtest(out)
