"""The same backtest for missing SUPPLIES relations: at a split day, rank the firms of a segment as
suppliers of each customer that gained a supplier in that segment afterwards. Relations are dated by
``valid_from`` or ``as_of`` (else their first source); hard negatives are every other firm active in the
segment on the split day. :func:`candidates` lists the best-ranked unstated relations of today's graph,
each marked ``candidate``: they are never written into the curated data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

from ..history import parse_date
from ..timeline import snapshot
from .features import Features
from .harness import Split, _random, years_after
from .metrics import Query, bootstrap, evaluate

__all__ = ["link_backtest", "candidates", "LINK_SCORERS", "LinkCandidates"]


def _supplies(H: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {(u, v, d["segment"]) for u, v, d in H.edges(data=True) if d["kind"] == "SUPPLIES" and d.get("segment")}


def _vector(F: Features, rel: set, supplier: str, customer: str, seg: str) -> dict[str, float]:
    sg, cg = F.groups.get(supplier, [supplier]), F.groups.get(customer, [customer])
    customers = {c for s, c, _ in rel if s in sg}
    near = {z for m in cg for z in F.sites.get(m, set()) | F.segs.get(m, set())}
    aa = 0.0
    for other in sorted(customers - {customer}):
        for z in sorted(near & (F.sites.get(other, set()) | F.segs.get(other, set()))):
            deg = F._degree(z)
            aa += 1 / math.log(deg) if deg > 1 else 0.0
    return {
        "popularity": float(len(customers)),
        "same_place": float(
            bool({p for m in sg for p in F.sites.get(m, ())} & {p for m in cg for p in F.sites.get(m, ())})
        ),
        "group_supplies": float(any(c in cg for c in customers)),
        "adamic_adar": round(aa, 9),
        "leader": F.leader.get(supplier, {}).get(seg, 0.0),
    }


#: Scorers of a (supplier, customer, segment) triple: name -> f(vector, supplier, key).
LINK_SCORERS = {
    "random": _random,
    "popularity": lambda v, s, k: v["popularity"],
    "same_place": lambda v, s, k: v["same_place"],
    "adamic_adar": lambda v, s, k: v["adamic_adar"],
    "recommend": lambda v, s, k: v["leader"] + 2 * v["same_place"] + 3 * v["group_supplies"],
}


def link_backtest(
    G: nx.MultiDiGraph, splits, *, horizon_years: int = 2, rounds: int = 1000, seed: int = 0
) -> list[Split]:
    """Per split day: metrics of each scorer over the SUPPLIES relations that appeared afterwards."""
    out = []
    for day in splits:
        day = parse_date(day, name="split")
        until = years_after(day, horizon_years)
        before, after = snapshot(G, day), snapshot(G, until)
        F = Features.of(before)
        rel = _supplies(before)
        new = {(s, c, g) for s, c, g in _supplies(after) - rel if s in before and c in before}
        keys = sorted({(c, g) for _, c, g in new})
        table: dict[str, list[Query]] = {n: [] for n in LINK_SCORERS}
        for c, g in keys:
            pos = {s for s, c2, g2 in new if (c2, g2) == (c, g)}
            cands = [f for f in F.firms if f != c and (f in pos or g in F.segs.get(f, ())) and (f, c, g) not in rel]
            vecs = {f: _vector(F, rel, f, c, g) for f in cands}
            for name, fn in LINK_SCORERS.items():
                sc = {f: fn(vecs[f], f, f"{c}|{g}") for f in cands}
                table[name].append(
                    Query(f"{c}|{g}", {f: sc[f] for f in pos}, {f: sc[f] for f in cands if f not in pos})
                )
        sp = Split(
            day,
            until,
            "customer and segment (SUPPLIES)",
            len(new),
            len(keys),
            round(sum(len(q.positives) + len(q.negatives) for q in table["random"]) / len(keys)) if keys else 0,
            len(_supplies(after) - rel) - len(new),
        )
        for name, qs in table.items() if keys else ():
            sp.metrics[name] = evaluate(qs)
            sp.intervals[name] = bootstrap(qs, rounds=rounds, seed=seed)
        out.append(sp)
    return out


@dataclass
class LinkCandidates:
    """Unstated supply relations ranked by a scorer, each marked ``candidate``."""

    rows_: list[dict]

    def rows(self) -> list[dict]:
        return self.rows_

    def to_dict(self) -> dict:
        return {"candidates": self.rows_}


def candidates(G: nx.MultiDiGraph, customer: str, *, scorer: str = "adamic_adar", top: int = 5) -> LinkCandidates:
    """For ``customer``, per segment it already buys in: the best-ranked firms of that segment that are
    not stated to supply it, marked ``candidate`` (a ranking, not a fact)."""
    F = Features.of(G)
    rel = _supplies(G)
    rows = []
    for seg in sorted({g for _, c, g in rel if c == customer}):
        cands = [f for f in F.firms if f != customer and seg in F.segs.get(f, ()) and (f, customer, seg) not in rel]
        scored = sorted(
            ((LINK_SCORERS[scorer](_vector(F, rel, f, customer, seg), f, f"{customer}|{seg}"), f) for f in cands),
            key=lambda t: (-t[0], t[1]),
        )
        rows += [
            {
                "customer": customer,
                "segment": seg,
                "rank": i,
                "supplier": f,
                "score": round(s, 3),
                "status": "candidate",
            }
            for i, (s, f) in enumerate(scored[:top], 1)
        ]
    return LinkCandidates(rows)
