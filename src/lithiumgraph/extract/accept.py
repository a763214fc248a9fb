"""Reviewed candidates into a layered data directory: the rows a person said yes to become sourced records
(confidence ``extracted``, ``retrieved_on`` set), the rows they said no to are remembered so extract does
not propose them again, and disagreements with the data are listed, never written over.

Rows become: project stages -> ``project_events.csv`` (and a project in ``projects.csv`` when no existing
project fits); capacity and investment statements -> the project's figures; supplies -> ``supplies.csv``
(first firm the supplier, second the customer); licence events -> ``enterprise_events.csv``. Firms and
places marked ``new:`` become enterprises and parks. Announced, not yet happened (``expected``) rows are
kept as a note on the project, not as events.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import DataError, Problem
from ..history import Step
from ..kinds import ENTERPRISE_EVENTS, PROJECT_STAGES
from ..output import format_value
from ..units import dimension
from .known import Known
from .review import NO, YES, read_review, rejected_path, remember_rejected
from .write import HEADERS, KEYS, check_outdir, write_conflicts, write_dir

__all__ = ["AcceptSummary", "accept_review", "PROJECT_STAGES", "ENTERPRISE_EVENTS"]

OTHER = ("supply", "capacity", "investment")
CAPACITY_UNITS = ("GWh/yr", "t/yr", "m²/yr", "vehicles/yr")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-([QH])(\d))?$")


@dataclass
class AcceptSummary:
    """What accept did: rows by decision, records written per file, conflicts and forecasts set aside."""

    accepted: int = 0
    rejected: int = 0
    undecided: int = 0
    written: dict[str, int] = field(default_factory=dict)
    conflicts: list[dict] = field(default_factory=list)
    known: int = 0
    forecasts: int = 0


def _hid(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:10]}"


def _clip(text: str, n: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _event_date(value: str) -> str:
    """A data-model date: quarters and halves become their year (the note keeps what was said)."""
    m = _DATE.match(value)
    return m[1] if m and m[4] else value


def accept_review(review: str | Path, outdir: str | Path, *, data=None, today: date | None = None) -> AcceptSummary:
    """Turn the decided rows of ``review`` into the data directory ``outdir`` (layered after ``data``).

    Nothing is written unless every accepted row is valid and the result validates on top of ``data``.
    """
    from ..dataset import default_data_dir, load

    today = today or date.today()
    dirs = [Path(d) for d in (data or [default_data_dir()])]
    outdir = Path(outdir)
    check_outdir(outdir)
    rows = read_review(review)
    problems: list[Problem] = []
    yes, no = _decisions(rows, str(review), problems)
    base = Known(load(dirs))
    build = _Builder(base, today, str(review), problems)
    for line, r in yes:
        build.row(line, r)
    if problems:
        raise DataError(problems)
    summary = AcceptSummary(
        accepted=len(yes),
        rejected=len(no),
        undecided=len(rows) - len(yes) - len(no),
        conflicts=build.conflicts,
        known=build.known,
        forecasts=build.forecasts,
    )
    files = {name: recs for name, recs in build.files.items() if recs}
    if files:
        summary.written = write_dir(outdir, files, dirs)
    if no:
        remember_rejected(rejected_path(review), [r for _, r in no])
    if build.conflicts:
        write_conflicts(Path(review).with_name("conflicts.csv"), build.conflicts)
    return summary


def _decisions(rows, path, problems):
    yes, no = [], []
    for line, r in rows:
        d = r.get("decision", "").strip().lower()
        if d in YES:
            yes.append((line, r))
        elif d in NO:
            no.append((line, r))
        elif d:
            problems.append(Problem(path, line, "decision", f"{r['decision']!r} is neither yes nor no"))
    return yes, no


class _Builder:
    """Records for the output directory, one accepted review row at a time."""

    def __init__(self, base: Known, today: date, path: str, problems: list[Problem]):
        self.base, self.today, self.path, self.problems = base, today, path, problems
        self.files: dict[str, dict[tuple, dict]] = {name: {} for name in HEADERS}
        self.conflicts: list[dict] = []
        self.new_steps: dict[str, list[Step]] = {}
        self.known = self.forecasts = 0

    def bad(self, line, fld, msg) -> None:
        self.problems.append(Problem(self.path, line, fld, msg))

    def put(self, name: str, rec: dict) -> None:
        """Add a record; the same record from another article gains that article as a second source."""
        key = tuple(rec[k] for k in KEYS[name])
        old = self.files[name].setdefault(key, rec)
        if old is not rec and "sources" in rec and rec["sources"] not in old["sources"].split("|"):
            old["sources"] += "|" + rec["sources"]

    def row(self, line: int, r: dict) -> None:
        stage = r.get("stage", "").strip()
        if stage not in PROJECT_STAGES + ENTERPRISE_EVENTS + OTHER:
            return self.bad(line, "stage", f"unknown stage {stage!r}")
        expected = r.get("expected", "").strip().lower() in YES
        published = r.get("published", "").strip()[:10]
        if published and not self._date_ok(line, "published", published):
            return
        when = r.get("date", "").strip() or published
        if when and not self._date_ok(line, "date", when, future=expected):
            return
        firms = [self.firm(line, f.strip(), r) for f in r.get("firms", "").split("|") if f.strip()]
        if None in firms or not self._segment_ok(line, r.get("segment", "").strip()):
            return
        src = self.source(r, published)
        prov = {"sources": src, "confidence": "extracted", "retrieved_on": self.today.isoformat()}
        if stage == "supply":
            return self.supply(line, r, firms, when, prov)
        if stage in ENTERPRISE_EVENTS:
            return self.enterprise_events(line, r, stage, firms, when, expected, prov)
        self.project(line, r, stage, firms, when, expected, prov)

    def _date_ok(self, line, fld, value, future: bool = False) -> bool:
        """A date of the data model's forms; after today only for what is announced (``expected``)."""
        m = _DATE.match(value)
        if not m:
            self.bad(line, fld, f"{value!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn, YYYY-Hn)")
            return False
        if not future and _event_date(value) > self.today.isoformat()[: len(_event_date(value))]:
            self.bad(line, fld, f"{value} is after today; mark the row expected if it is announced, not done")
            return False
        return True

    def _segment_ok(self, line, seg) -> bool:
        if seg and seg not in self.base.segments:
            self.bad(line, "segment", f"unknown segment {seg!r}")
            return False
        return True

    def source(self, r: dict, published: str) -> str:
        address = r.get("url", "").strip() or r.get("source", "").strip()
        sid = _hid("news", address or r.get("evidence", ""))
        self.put(
            "sources.csv",
            {
                "id": sid,
                "title": _clip(r.get("title", "").strip() or r.get("evidence", ""), 80),
                "publisher": r.get("outlet", "").strip(),
                "date": published,
                "address": address,
                "quality": "",
                "note": "read by lithiumgraph extract; accepted on review",
                "retrieved_on": self.today.isoformat(),
            },
        )
        return sid

    def firm(self, line: int, ident: str, r: dict) -> str | None:
        if not ident.startswith("new:"):
            if ident not in self.base.enterprises:
                self.bad(line, "firms", f"unknown enterprise {ident!r}; use an id from the data or new:NAME")
                return None
            return ident
        name = ident[4:].strip()
        if not name:
            self.bad(line, "firms", "new: needs a name")
            return None
        eid = _hid("new", name)
        self.put(
            "enterprises.csv",
            {
                "id": eid,
                "name_zh": "" if name.isascii() else name,
                "name_en": name if name.isascii() else "",
                "note": f"first read in: {_clip(r.get('evidence', ''), 100)}",
                "sources": self.source(r, r.get("published", "")[:10]),
                "as_of": r.get("published", "")[:10],
                "confidence": "extracted",
                "retrieved_on": self.today.isoformat(),
            },
        )
        return eid

    def place(self, line: int, r: dict) -> str | None:
        ident = r.get("place", "").strip()
        if not ident:
            return ""
        if not ident.startswith("new:"):
            if ident not in self.base.parks:
                self.bad(line, "place", f"unknown park {ident!r}; use an id from the data or new:NAME")
                return None
            return ident
        name = ident[4:].strip()
        level = (
            "county"
            if name.endswith(("县", "旗"))
            else "city"
            if name.endswith("市")
            else "province"
            if name.endswith(("省", "自治区"))
            else "park"
        )
        pid = _hid("place", name)
        self.put(
            "parks.csv",
            {
                "id": pid,
                "name_zh": "" if name.isascii() else name,
                "name_en": name if name.isascii() else "",
                "level": level,
                "note": "",
                "sources": self.source(r, r.get("published", "")[:10]),
                "as_of": r.get("published", "")[:10],
                "confidence": "extracted",
                "retrieved_on": self.today.isoformat(),
            },
        )
        return pid

    def supply(self, line, r, firms, when, prov) -> None:
        if len(firms) < 2:
            return self.bad(line, "firms", "a supply needs two firms: supplier|customer")
        seg = r.get("segment", "").strip()
        if (firms[0], firms[1], seg or None) in self.base.supplies:
            self.known += 1
            return
        product = self.base.segments[seg].name_en if seg else _clip(r.get("evidence", ""), 60)
        self.put(
            "supplies.csv",
            {
                "supplier": firms[0],
                "customer": firms[1],
                "product": product,
                "segment": seg,
                "period": when[:4] + "–" if when else "",
                "evidence": _clip(r.get("evidence", "")),
                "as_of": r.get("published", "")[:10],
                **prov,
            },
        )

    def enterprise_events(self, line, r, stage, firms, when, expected, prov) -> None:
        if not firms:
            return self.bad(line, "firms", f"a {stage} event needs the firm it happened to")
        if expected:
            self.forecasts += 1
            return
        if not when:
            return self.bad(line, "date", "no date and no publication date; give one")
        for f in firms:
            self.put(
                "enterprise_events.csv",
                {"enterprise": f, "date": _event_date(when), "event": stage, "note": _note(r), **prov},
            )

    def project(self, line, r, stage, firms, when, expected, prov) -> None:
        pid = self.match_project(line, r, firms)
        if pid is None:
            return
        if expected or stage in ("capacity", "investment"):
            self.forecasts += expected
            return
        if not when:
            return self.bad(line, "date", "no date and no publication date; give one")
        old = self.base.events.get((pid, stage))
        if old is not None:
            new = _event_date(when)
            if old.startswith(new) or new.startswith(old):  # the same day, said more or less precisely
                self.known += 1
            else:
                self.conflict(line, r, pid, f"{stage} on {old}", f"{stage} on {_event_date(when)}")
            return
        step = Step(_event_date(when), stage, f"review line {line}")
        clash = self.base.clash(pid, step, self.new_steps.get(pid, []))
        if clash:
            return self.conflict(line, r, pid, clash, f"{stage} on {step.date} (not written)")
        self.new_steps.setdefault(pid, []).append(step)
        self.put("project_events.csv", {"project": pid, "date": step.date, "stage": stage, "note": _note(r), **prov})

    def match_project(self, line, r, firms) -> str | None:
        """An existing project of the firm (or its parent or subsidiaries) for the segment, else a new one."""
        if not firms:
            self.bad(line, "firms", "a project event needs the firm that runs the project")
            return None
        seg, cap, unit = r.get("segment", "").strip(), _num(r.get("capacity")), r.get("unit", "").strip()
        family = {firms[0]} | self.base.family.get(firms[0], set())
        park = r.get("place", "").strip()
        fits = [
            p
            for p in self.base.projects
            if p.enterprise in family
            and (p.segment == seg if seg else bool(park))
            and (not park or self.base.near(p.park, park))
        ]  # a place named elsewhere is another project
        if len(fits) > 1 and cap is not None:
            fits = [
                p for p in fits if p.capacity is not None and abs(p.capacity - cap) < 1e-9 and p.unit == unit
            ] or fits
        if len(fits) == 1:
            p = fits[0]
            if cap is not None and p.capacity is not None and p.unit == unit and abs(p.capacity - cap) > 1e-9:
                self.conflict(
                    line,
                    r,
                    p.id,
                    f"capacity {format_value(p.capacity)} {p.unit}",
                    f"capacity {format_value(cap)} {unit}",
                )
            return p.id
        if len(fits) > 1:
            said = " ".join(x for x in (r.get("stage", ""), r.get("date", ""), r.get("capacity_text", "")) if x)
            self.conflict(line, r, "|".join(p.id for p in fits), "several projects fit", f"{said} (not written)")
            return None
        park = self.place(line, r)
        if park is None:
            return None
        if not park:
            self.bad(line, "place", "a new project needs a place: a park id or new:NAME")
            return None
        return self.new_project(r, firms[0], park, seg, cap, unit)

    def new_project(self, r, firm, park, seg, cap, unit) -> str:
        pid = _hid("ext", f"{firm}|{park}|{seg}|{cap}|{unit}")
        name = " ".join(
            x
            for x in (
                r.get("firm_names", "").split("|")[0],
                r.get("place_name", ""),
                r.get("capacity_text", ""),
                self.base.segments[seg].name_zh if seg else "",
            )
            if x
        )
        money = _num(r.get("money"))
        # the data wants a capacity's segment, measured in that segment's dimension (t/yr for cathode)
        counted = unit in CAPACITY_UNITS and seg and dimension(unit) == dimension(self.base.segments[seg].unit)
        notes = [] if counted or cap is None else [f"capacity {r.get('capacity_text')}"]
        if money is not None and r.get("currency") != "yuan":
            notes.append(f"investment {r.get('money_text')}")
        if r.get("bound"):
            notes.append(f"investment {r.get('bound')} {r.get('money_text')}")
        expected = r.get("expected", "").strip().lower() in YES
        if expected:
            notes.append(f"announced: {r.get('stage')} {r.get('date', '')}".strip())
        self.put(
            "projects.csv",
            {
                "id": pid,
                "name_zh": name or pid,
                "enterprise": firm,
                "park": park,
                "segment": seg,
                "capacity": r.get("capacity", "") if counted else "",
                "unit": unit if counted else "",
                "investment_yuan": r.get("money", "") if r.get("currency") == "yuan" else "",
                "note": "; ".join(notes),
                "sources": self.source(r, r.get("published", "")[:10]),
                "as_of": r.get("published", "")[:10],
                "confidence": "extracted",
                "retrieved_on": self.today.isoformat(),
            },
        )
        return pid

    def conflict(self, line, r, subject, existing, extracted) -> None:
        self.conflicts.append(
            {
                "line": line,
                "candidate": r.get("candidate", ""),
                "subject": subject,
                "existing": existing,
                "extracted": extracted,
                "evidence": _clip(r.get("evidence", "")),
            }
        )


def _note(r: dict) -> str:
    said = r.get("date_text", "").strip()
    return _clip((f"{said}: " if said else "") + r.get("evidence", ""), 200)


def _num(text) -> float | None:
    try:
        return float(text) if str(text or "").strip() else None
    except ValueError:
        return None
