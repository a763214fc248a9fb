"""Writing accepted rows: the output data directory (old rows kept, validated before it is put in place)
and the list of conflicts with the data beside the review file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..output import atomic_open, dir_target, staged_dir, write_atomic
from .review import neutralise

__all__ = ["HEADERS", "KEYS", "check_outdir", "write_dir", "write_conflicts"]

# the columns each output file gets; provenance as the data model has it
HEADERS = {
    "sources.csv": ["id", "title", "publisher", "date", "address", "quality", "note", "retrieved_on"],
    "enterprises.csv": ["id", "name_zh", "name_en", "note", "sources", "as_of", "confidence", "retrieved_on"],
    "parks.csv": ["id", "name_zh", "name_en", "level", "note", "sources", "as_of", "confidence", "retrieved_on"],
    "projects.csv": [
        "id",
        "name_zh",
        "enterprise",
        "park",
        "segment",
        "capacity",
        "unit",
        "investment_yuan",
        "note",
        "sources",
        "as_of",
        "confidence",
        "retrieved_on",
    ],
    "project_events.csv": ["project", "date", "stage", "note", "sources", "confidence", "retrieved_on"],
    "enterprise_events.csv": ["enterprise", "date", "event", "note", "sources", "confidence", "retrieved_on"],
    "supplies.csv": [
        "supplier",
        "customer",
        "product",
        "segment",
        "period",
        "evidence",
        "sources",
        "as_of",
        "confidence",
        "retrieved_on",
    ],
}
KEYS = {
    "sources.csv": ("id",),
    "enterprises.csv": ("id",),
    "parks.csv": ("id",),
    "projects.csv": ("id",),
    "project_events.csv": ("project", "date", "stage"),
    "enterprise_events.csv": ("enterprise", "date", "event"),
    "supplies.csv": ("supplier", "customer", "segment"),
}


def check_outdir(outdir: Path) -> None:
    """Refuse an output that is not a directory for these files, before any work is done."""
    dir_target(outdir, HEADERS)


def write_dir(outdir: Path, files: dict[str, dict], against: list[Path]) -> dict[str, int]:
    """Old and new rows into a staging directory, validated on top of ``against``, then put in place."""
    from ..dataset import load

    written = {}
    with staged_dir(outdir, HEADERS) as staging:
        for name in HEADERS:
            old = _old_rows(outdir / name)
            new = files.get(name, {})
            if not old and not new:
                continue
            keys = {tuple(o.get(k, "") for k in KEYS[name]) for o in old}
            rows = old + [rec for key, rec in new.items() if tuple(str(x) for x in key) not in keys]
            header = list(dict.fromkeys(HEADERS[name] + [c for o in old for c in o]))
            with atomic_open(staging / name) as f:
                w = csv.DictWriter(f, header, lineterminator="\n", extrasaction="ignore")
                w.writeheader()
                w.writerows(rows)
            written[name] = len(rows) - len(old)
        load([*against, staging])
    return written


def _old_rows(path: Path) -> list[dict]:
    """The rows an earlier accept wrote into ``path``, if any."""
    if not path.is_file():
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_conflicts(path: Path, conflicts: list[dict]) -> None:
    """Rows that disagree with the data, for a person to settle (cells neutralised for spreadsheets)."""
    buf = io.StringIO()
    cols = ["line", "candidate", "subject", "existing", "extracted", "evidence"]
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for c in conflicts:
        w.writerow([neutralise(c[k]) for k in cols])
    write_atomic(path, buf.getvalue())
