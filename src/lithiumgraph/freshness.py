"""Facts that may no longer hold: not checked for a long time, contradicted by a later event, or projects
stuck in a stage; ranked by how much they move an answer.

A fact's *last check* is the newest of its ``retrieved_on`` and its sources' dates (its ``as_of`` when no
source is dated). Weights: a leader flag decides a strong segment by itself (3); a capacity or a stage of
a project decides coverage and balance (2); a supply relation decides single sources and recommend
points (1); the rest (0). Contradictions and stuck projects rank before plain age at the same weight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import networkx as nx

from .errors import LithiumGraphError
from .graph import short_name
from .history import first_day, last_day, parse_date
from .scope import group_of, park_scope
from .timeline import firm_events

__all__ = ["Finding", "freshness", "parse_age", "checked_share"]

_AGE_RE = re.compile(r"^(\d+)\s*([dmy])$")
#: Stages a project should not stay in for long.
_WAITING = ("planned", "signed", "land", "started", "construction", "trial")
_STOPS = ("production_stopped", "bankruptcy_restructuring")
#: the edges whose facts age: a relation checked long ago is as stale as a node
_EDGE_FACTS = ("SUPPLIES", "IN_SEGMENT", "LOCATED_IN", "SUBSIDIARY_OF", "INVESTS_IN")


@dataclass(frozen=True)
class Finding:
    """One fact to re-check: ``problem`` is ``stale``, ``contradicted`` or ``stuck``."""

    problem: str
    weight: int
    subject: str
    name: str
    fact: str
    last_checked: str
    detail: str
    sources: tuple[str, ...]

    def row(self) -> dict:
        return {
            "problem": self.problem,
            "weight": self.weight,
            "subject": self.subject,
            "name": self.name,
            "fact": self.fact,
            "last_checked": self.last_checked,
            "detail": self.detail,
            "sources": "|".join(self.sources),
        }


def parse_age(text: str) -> int:
    """``18m``, ``2y`` or ``90d`` as a number of days; LithiumGraphError naming the parameter otherwise."""
    m = _AGE_RE.match(str(text).strip().lower())
    if not m:
        raise LithiumGraphError(f"older_than: {text!r} is not an age (use 18m, 2y or 90d)")
    n, unit = int(m[1]), m[2]
    return n * {"d": 1, "m": 30, "y": 365}[unit]


def _checked(d: dict, source_dates: dict[str, date]) -> date | None:
    days = [source_dates[s] for s in d.get("sources", ()) if s in source_dates]
    if d.get("retrieved_on"):
        days.append(last_day(d["retrieved_on"]))
    if not days and d.get("as_of"):
        days.append(last_day(d["as_of"]))
    return max(days) if days else None


def checked_share(G: nx.MultiDiGraph, *, within_days: int = 365, today: date | None = None) -> tuple[int, int]:
    """``(facts checked against their source within the window (retrieved_on), facts)``."""
    today = today or date.today()
    n = ok = 0
    for d in _facts(G):
        n += 1
        ok += bool(d.get("retrieved_on")) and (today - last_day(d["retrieved_on"])).days <= within_days
    return ok, n


def _facts(G):
    for _, d in G.nodes(data=True):
        if d.get("kind") != "Source":
            yield d
    for _, _, d in G.edges(data=True):
        yield d


def _weight(kind: str, d: dict) -> int:
    if d.get("leader"):
        return 3
    if kind == "Project" or (kind == "IN_SEGMENT" and d.get("capacity") is not None):
        return 2
    return 1 if kind == "SUPPLIES" else 0


def freshness(
    G: nx.MultiDiGraph,
    *,
    park: str | None = None,
    older_than: str = "18m",
    stuck_months: int = 24,
    today: str | date | None = None,
) -> list[Finding]:
    """Facts about the park's firms and projects (or the whole graph) to re-check, most consequential first.

    >>> from lithiumgraph import load_graph
    >>> f = freshness(load_graph(), park="yichun-etdz", today="2026-12-01")
    >>> f[0].weight
    3
    """
    day = parse_date(today, name="today")
    limit = parse_age(older_than)
    source_dates = {
        n: last_day(d["date"]) for n, d in G.nodes(data=True) if d.get("kind") == "Source" and d.get("date")
    }
    if park:
        scope = park_scope(G, park)
        subjects = {g for f in scope.firms for g in group_of(G, f)} | set(scope.projects)
    else:
        subjects = {n for n, k in G.nodes(data="kind") if k in ("Enterprise", "Project")}
    out: list[Finding] = []
    seen = set()
    for n in sorted(subjects):
        d = G.nodes[n]
        facts = [(d["kind"], n, d, d["kind"])]
        for u, v, k, e in G.out_edges(n, keys=True, data=True):  # each edge once, though two subjects may share it
            if e["kind"] in _EDGE_FACTS and G.nodes[v].get("kind") != "Event" and (u, v, k) not in seen:
                seen.add((u, v, k))
                facts.append((e["kind"], u, e, f"{e['kind']} {u}→{v}"))
        for kind, subj, fd, label in facts:
            last = _checked(fd, source_dates)
            if last is None or (day - last).days > limit:
                out.append(
                    Finding(
                        "stale",
                        _weight(kind, fd),
                        subj,
                        short_name(G, subj),
                        label,
                        last.isoformat() if last else "never",
                        _age(day, last),
                        tuple(fd.get("sources", ())),
                    )
                )
        out += _contradicted(G, n, d, source_dates)
        out += _stuck(G, n, d, day, stuck_months)
    rank = {"contradicted": 0, "stuck": 1, "stale": 2}
    return sorted(out, key=lambda f: (-f.weight, rank[f.problem], f.last_checked, f.subject, f.fact))


def _age(day: date, last: date | None) -> str:
    if last is None:
        return "no dated source and no retrieved_on"
    months = (day - last).days // 30
    return f"last checked {months} months ago"


def _contradicted(G, n: str, d: dict, source_dates) -> list[Finding]:
    """A stated status (project or membership) that a later event contradicts."""
    out = []
    if d.get("kind") == "Project" and d.get("status_stated") and d.get("status") != d["status_stated"]:
        out.append(
            Finding(
                "contradicted",
                2,
                n,
                short_name(G, n),
                "Project status",
                d.get("as_of") or "",
                f"projects.csv says {d['status_stated']} (as of {d.get('as_of') or 'undated'}); "
                f"the events say {d.get('status')}",
                tuple(d.get("sources", ())),
            )
        )
    if d.get("kind") == "Enterprise":
        stops = [e for e in firm_events(G, n) if e["event"] in _STOPS]
        for s, m in ((v, m) for _, v, m in G.out_edges(n, data=True) if m["kind"] == "IN_SEGMENT"):
            if m.get("status") not in ("operating", "expanded") or not stops:
                continue
            at = m.get("as_of")
            later = [e for e in stops if not at or first_day(e["date"]) > last_day(at)]
            if later:
                e = later[-1]
                out.append(
                    Finding(
                        "contradicted",
                        3 if m.get("leader") else 2,
                        n,
                        short_name(G, n),
                        f"IN_SEGMENT {n}→{s}",
                        at or "",
                        f"stated {m['status']} (as of {at or 'undated'}); {e['event'].replace('_', ' ')} "
                        f"on {e['date']}",
                        tuple(m.get("sources", ())) + tuple(e.get("sources", ())),
                    )
                )
    return out


def _stuck(G, n: str, d: dict, day: date, months: int) -> list[Finding]:
    """A project whose current stage (a waiting one) began more than ``months`` ago."""
    if d.get("kind") != "Project" or d.get("status") not in _WAITING:
        return []
    evs = sorted(
        (G.nodes[v] for v in G._succ[n] if G.nodes[v].get("kind") == "Event" and G.nodes[v].get("stage")),
        key=lambda e: first_day(e["date"]),
    )
    since = next((e["date"] for e in reversed(evs) if e["stage"] != d["status"]), None)
    entered = next(
        (
            e["date"]
            for e in evs
            if e["stage"] == d["status"] and (since is None or first_day(e["date"]) > first_day(since))
        ),
        d.get("as_of"),
    )
    if not entered:
        return []
    age = (day.year - first_day(entered).year) * 12 + day.month - first_day(entered).month
    if age <= months:
        return []
    return [
        Finding(
            "stuck",
            2,
            n,
            short_name(G, n),
            f"Project status {d['status']}",
            entered,
            f"{d['status']} since {entered} ({age} months > {months})",
            tuple(d.get("sources", ())),
        )
    ]
