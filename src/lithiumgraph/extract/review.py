"""The review queue: one CSV row per candidate with its evidence sentence and proposed ids, and a blank
``decision`` for a person to fill in (yes / no); rejected candidates remembered in ``rejected.csv``.

Cells are neutralised against formula injection: a cell that starts with = + - @ tab or CR gets a
leading ``'``, which ``read_review`` takes off again.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import LithiumGraphError
from ..output import FORMULA_START, format_value, safe_cell, write_atomic
from .candidate import Candidate

__all__ = [
    "COLUMNS",
    "YES",
    "NO",
    "neutralise",
    "unneutralise",
    "review_rows",
    "write_review",
    "read_review",
    "read_rejected",
    "rejected_path",
]

COLUMNS = [
    "candidate",
    "decision",
    "same_as",
    "stage",
    "expected",
    "firms",
    "firm_names",
    "place",
    "place_name",
    "segment",
    "capacity",
    "unit",
    "capacity_text",
    "money",
    "currency",
    "bound",
    "money_text",
    "date",
    "date_text",
    "confidence",
    "evidence",
    "start",
    "end",
    "source",
    "url",
    "published",
    "outlet",
    "title",
]
YES = {"yes", "y", "accept", "accepted", "ok", "是"}
NO = {"no", "n", "reject", "rejected", "否"}
REJECTED_COLUMNS = ["candidate", "stage", "evidence", "source"]


def neutralise(value) -> str:
    """A cell that a spreadsheet will not run as a formula (see ``output.safe_cell``)."""
    return safe_cell("" if value is None else str(value))


def unneutralise(text: str) -> str:
    """What ``neutralise`` was given."""
    return text[1:] if text.startswith("'") and text[1:2] and text[1:2] in FORMULA_START else text


def review_rows(cands: list[Candidate]) -> list[dict]:
    """Candidates as review rows (every value a string, decision blank); ``same_as`` names the first
    candidate that says the same (stage, firms, capacity, date), e.g. the same news from another outlet."""
    rows: list[dict] = []
    first: dict[tuple, str] = {}
    for c in cands:
        src = c.source
        key = (c.stage, c.expected, c.firms, c.capacity, c.unit, c.date)
        same = first.setdefault(key, c.id) if (c.firms and (c.capacity is not None or c.date)) else c.id
        rows.append(
            {
                "candidate": c.id,
                "decision": "",
                "same_as": "" if same == c.id else same,
                "stage": c.stage,
                "expected": "yes" if c.expected else "",
                "firms": "|".join(c.firms),
                "firm_names": "|".join(c.firm_names),
                "place": c.place,
                "place_name": c.place_name,
                "segment": c.segment,
                "capacity": format_value(c.capacity, digits=None),
                "unit": c.unit,
                "capacity_text": c.capacity_text,
                "money": format_value(c.money, digits=None),
                "currency": c.currency,
                "bound": c.bound,
                "money_text": c.money_text,
                "date": c.date,
                "date_text": c.date_text,
                "confidence": f"{c.confidence:.2f}",
                "evidence": c.evidence,
                "start": str(c.start),
                "end": str(c.end),
                "source": src.get("source", ""),
                "url": src.get("url", ""),
                "published": src.get("published", ""),
                "outlet": src.get("outlet", ""),
                "title": src.get("title", ""),
            }
        )
    return rows


def write_review(rows: list[dict], path: str | Path | None) -> str:
    """The review CSV (header always, even with no rows); written whole to ``path``, returned as text."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([neutralise(r.get(c, "")) for c in COLUMNS])
    if path is not None:
        write_atomic(path, buf.getvalue())
    return buf.getvalue()


def read_review(path: str | Path) -> list[tuple[int, dict]]:
    """``(line, row)`` for each row of a review CSV; a missing column or broken CSV is one error line."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise LithiumGraphError(f"{path}: not UTF-8 (byte at offset {e.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        missing = [c for c in ("candidate", "decision", "stage", "firms", "evidence", "source") if c not in header]
        if missing:
            raise LithiumGraphError(f"{path}:1: {missing[0]}: missing column; is this a review file from extract?")
        out = []
        for row in reader:
            out.append((reader.line_num, {k: unneutralise(v or "") for k, v in row.items() if k is not None}))
        return out
    except csv.Error as e:
        raise LithiumGraphError(f"{path}:{reader.line_num}: row: malformed CSV: {e}") from None


def rejected_path(review: str | Path) -> Path:
    """Where rejected candidates are remembered: ``rejected.csv`` beside the review file."""
    return Path(review).with_name("rejected.csv")


def read_rejected(path: str | Path) -> set[str]:
    """Candidate ids rejected before (empty when there is no file)."""
    path = Path(path)
    if not path.is_file():
        return set()
    return {r["candidate"] for _, r in read_review_like(path) if r.get("candidate")}


def read_review_like(path: Path) -> list[tuple[int, dict]]:
    text = path.read_text("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if "candidate" not in (reader.fieldnames or []):
        raise LithiumGraphError(f"{path}:1: candidate: missing column")
    return [(reader.line_num, r) for r in reader]


def remember_rejected(path: str | Path, rows: list[dict]) -> int:
    """Add rejected review rows to ``rejected.csv`` (kept whole); returns how many are new."""
    path = Path(path)
    old = read_review_like(path) if path.is_file() else []
    known = {r["candidate"] for _, r in old}
    new = [r for r in rows if r["candidate"] not in known]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(REJECTED_COLUMNS)
    for r in [r for _, r in old] + new:
        w.writerow([neutralise(r.get(c, "")) for c in REJECTED_COLUMNS])
    write_atomic(path, buf.getvalue())
    return len(new)
