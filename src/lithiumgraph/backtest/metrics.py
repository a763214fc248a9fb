"""Ranking metrics for a backtest, with ties counted against the true answer and bootstrap intervals.

A query is a place; its positives are the firms that did open a project there after the split, its
negatives the other candidates (hard ones: see :mod:`lithiumgraph.backtest.harness`). A positive's rank
is one plus the number of negatives that score at least as high (a tie is a loss), each positive ranked
against the negatives only. MRR and Hits@k average over positives, AUC is the share of
(positive, negative) pairs where the positive scores strictly higher, average precision averages over
queries with the positives placed after every negative they tie with.
"""

from __future__ import annotations

from bisect import bisect_left
import random
from dataclasses import dataclass

__all__ = ["Query", "Metrics", "evaluate", "bootstrap", "KS"]

KS = (1, 5, 10)


@dataclass(frozen=True)
class Query:
    """One place's scored candidates: ``positives`` and ``negatives`` map firm -> score."""

    place: str
    positives: dict[str, float]
    negatives: dict[str, float]


@dataclass(frozen=True)
class Metrics:
    """What one scorer achieved over a set of queries; ``None`` where there is nothing to measure."""

    mrr: float | None
    hits: dict[int, float | None]
    ap: float | None
    auc: float | None
    positives: int
    queries: int


def _ranks(q: Query) -> list[int]:
    negs = sorted(q.negatives.values())
    out = []
    for s in q.positives.values():
        # negatives with a score >= s (ties count against the positive)
        out.append(1 + len(negs) - bisect_left(negs, s))
    return out


def _wins(q: Query) -> tuple[int, int]:
    """Pairs where the positive scores strictly higher, and all pairs."""
    negs = sorted(q.negatives.values())
    won = 0
    for s in q.positives.values():
        won += bisect_left(negs, s)  # negatives strictly below s
    return won, len(q.positives) * len(negs)


def _ap(q: Query) -> float:
    """Average precision with each positive after every negative and every higher positive it ties with."""
    pos = sorted(q.positives.values(), reverse=True)
    negs = list(q.negatives.values())
    total = 0.0
    for i, s in enumerate(pos, 1):
        total += i / (i + sum(1 for n in negs if n >= s))
    return total / len(pos)


def evaluate(queries: list[Query]) -> Metrics:
    """MRR, Hits@1/5/10, average precision and AUC over ``queries`` (those without a positive skipped)."""
    queries = [q for q in queries if q.positives]
    ranks = [r for q in queries for r in _ranks(q)]
    if not ranks:
        return Metrics(None, {k: None for k in KS}, None, None, 0, 0)
    won = pairs = 0
    for q in queries:
        w, p = _wins(q)
        won, pairs = won + w, pairs + p
    return Metrics(
        sum(1 / r for r in ranks) / len(ranks),
        {k: sum(r <= k for r in ranks) / len(ranks) for k in KS},
        sum(_ap(q) for q in queries) / len(queries),
        won / pairs if pairs else None,
        len(ranks),
        len(queries),
    )


def bootstrap(queries: list[Query], *, rounds: int = 1000, seed: int = 0) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of each metric, resampling positives with replacement (fixed seed); each
    drawn positive keeps its own place's negatives. With one place or a handful of positives the interval
    is as wide as the data make it, never narrowed by resampling whole places."""
    queries = [q for q in queries if q.positives]
    units = [(i, f) for i, q in enumerate(queries) for f in q.positives]
    if not units:
        return {}
    rng = random.Random(seed)
    draws: dict[str, list[float]] = {}
    for _ in range(rounds):
        picked: dict[int, dict[str, float]] = {}
        for j in range(len(units)):
            i, f = units[rng.randrange(len(units))]
            picked.setdefault(i, {})[f"{f}#{j}"] = queries[i].positives[f]
        m = evaluate([Query(queries[i].place, pos, queries[i].negatives) for i, pos in picked.items()])
        for name, v in (("mrr", m.mrr), ("ap", m.ap), ("auc", m.auc), *((f"hits@{k}", m.hits[k]) for k in KS)):
            if v is not None:
                draws.setdefault(name, []).append(v)
    out = {}
    for name, vs in draws.items():
        vs.sort()
        out[name] = (vs[int(0.025 * (len(vs) - 1))], vs[int(round(0.975 * (len(vs) - 1)))])
    return out
