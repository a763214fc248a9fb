"""Dates of partial precision, and the histories of projects: stage order, contradictions, status on a date.

A date is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``. It stands for the period it names: it begins on its
first day (a fact dated ``2024`` holds, or is known, from 2024-01-01) and ends on its last. A project's
status on a date is its last event on or before that date; the stated ``status`` of ``projects.csv``
counts as one more event, dated by the row's ``as_of``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from functools import lru_cache
from datetime import date

from . import model
from .errors import LithiumGraphError, Problem
from .model import PROJECT_STAGES

__all__ = [
    "first_day",
    "last_day",
    "parse_date",
    "PROGRESS",
    "STOPS",
    "Step",
    "order_problems",
    "status_on",
    "project_steps",
    "check_events",
]

#: Stages a project passes on its way to operating, in order; STOPS halt, suspend or cancel it.
PROGRESS = PROJECT_STAGES[:8]
STOPS = PROJECT_STAGES[8:]
RANK = {s: i for i, s in enumerate(PROJECT_STAGES)}


def _parts(text: str) -> tuple[int, int | None, int | None]:
    bits = text.split("-")
    return int(bits[0]), int(bits[1]) if len(bits) > 1 else None, int(bits[2]) if len(bits) > 2 else None


@lru_cache(maxsize=65536)
def first_day(text: str) -> date:
    """The first day of the period a (validated) date names: ``2024-05`` -> 2024-05-01."""
    y, m, d = _parts(text)
    return date(y, m or 1, d or 1)


@lru_cache(maxsize=65536)
def last_day(text: str) -> date:
    """The last day of the period a (validated) date names: ``2024-02`` -> 2024-02-29."""
    y, m, d = _parts(text)
    if m and d:
        return date(y, m, d)
    m = m or 12
    return date(y, m, calendar.monthrange(y, m)[1])


def parse_date(text: str | date | None, *, name: str = "as_of") -> date:
    """A date a caller asks for (``as_of``, ``since``): its last day, so ``2024`` means the end of 2024;
    None means today. LithiumGraphError naming the parameter for anything else."""
    if text is None:
        return date.today()
    if isinstance(text, date):
        return text
    from .cells import DATE_RE

    m = DATE_RE.match(str(text).strip())
    try:
        if not m:
            raise ValueError
        return last_day(m.group())
    except ValueError:
        raise LithiumGraphError(f"{name}: malformed date {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)") from None


@dataclass(frozen=True)
class Step:
    """One dated stage of a project; ``at`` says where it was read (``line 4``)."""

    date: str
    stage: str
    at: str = ""

    def sort_key(self) -> tuple:
        return first_day(self.date), last_day(self.date), RANK[self.stage]


def order_problems(steps: list[Step]) -> list[tuple[Step, str, str]]:
    """Contradictions in one project's events, as ``(step, field, message)``:

    - two different stages on the same date where one of them stops the project;
    - a stage dated after a later stage of the way to operating (``signed`` after ``operating``) with no
      halt, suspension or cancellation between them. Dates of different precision that overlap
      (``2021`` and ``2021-05``) are not ordered against each other.
    """
    out = []
    by_date: dict[str, Step] = {}
    for s in steps:
        first = by_date.setdefault(s.date, s)
        if first.stage != s.stage and (s.stage in STOPS or first.stage in STOPS):
            out.append(
                (
                    s,
                    "stage",
                    f"{s.stage!r} and {first.stage!r} ({first.at}) on the same date {s.date} contradict each other",
                )
            )
    top: Step | None = None  # the furthest stage reached since the last stop
    for s in sorted(steps, key=Step.sort_key):
        if s.stage in STOPS:
            top = None
        elif top is None or RANK[s.stage] >= RANK[top.stage]:
            top = s
        elif last_day(top.date) < first_day(s.date):
            out.append(
                (
                    s,
                    "date",
                    f"{s.stage!r} on {s.date} comes after {top.stage!r} on {top.date} ({top.at}) "
                    "with no halt, suspension or cancellation between",
                )
            )
    return out


def status_on(steps: list[Step], day: date) -> Step | None:
    """The last step on or before ``day`` (steps dated by their first day), or None."""
    best = None
    for s in steps:
        if first_day(s.date) <= day and (best is None or s.sort_key() >= best.sort_key()):
            best = s
    return best


def project_steps(ds) -> dict[str, list[tuple[Step, tuple[str, int]]]]:
    """Each project's events from ``project_events.csv`` as steps, with the ``(path, line)`` they came from."""
    out: dict[str, list[tuple[Step, tuple[str, int]]]] = {}
    for t in ds.tables(model.ProjectEvent):
        v = t.values
        for project, day, stage, (path, line) in zip(v["project"], v["date"], v["stage"], t.places()):
            out.setdefault(project, []).append((Step(day, stage, f"line {line}"), (path, line)))
    return out


def check_events(ds, problems: list[Problem], today: date | None = None) -> None:
    """Events that contradict each other, and stated statuses that contradict the events, one problem each."""
    steps, broken = project_steps(ds), set()
    for project, pairs in steps.items():
        rows = {id(s): r for s, r in pairs}
        for s, fld, msg in order_problems([s for s, _ in pairs]):
            path, line = rows[id(s)]
            problems.append(Problem(path, line, fld, msg))
            broken.add(project)  # the root cause: its stated status is not checked against them as well
    for t in ds.tables(model.Project):
        v = t.values
        for pid, status, as_of, (path, line) in zip(v["id"], v["status"], v["as_of"], t.places()):
            if not status or pid not in steps or pid in broken:
                continue
            day = last_day(as_of) if as_of else (today or date.today())
            got = status_on([s for s, _ in steps[pid]], day)
            if got is not None and got.stage != status:
                where = next(r[0] for s, r in steps[pid] if s is got)
                problems.append(
                    Problem(
                        path,
                        line,
                        "status",
                        f"status {status!r} contradicts {got.stage!r} on {got.date} "
                        f"({where}, {got.at}); the status on {as_of or 'today'} is the last event "
                        "by then",
                    )
                )
