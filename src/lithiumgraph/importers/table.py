"""Import a tabular facility or firm list into ``graph_data/`` files, through a mapping file that says
which column is what.

The output is a data directory to layer over the curated data (``--data graph_data --data OUT``): one
source for the data set, places as parks (country → province/state → city), enterprises (merged onto
existing ones by listed code, name or alias; ambiguous cases listed for a person to settle), one
project per facility and mapped stage, and the investment and jobs of each facility as figures in the
units the table uses. Every imported record has confidence ``imported``.
"""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .. import model
from ..errors import DataError, Problem
from ..names import _norm
from .common import name_index, output_dir, problem, slug, write_data_dir
from .mapping import Mapping, read_mapping

__all__ = ["Mapping", "ImportSummary", "read_mapping", "import_table"]

_LEVELS = ("country", "province", "city")


@dataclass
class ImportSummary:
    """What the import wrote, merged, left unmapped or could not settle."""

    counts: dict
    merged: list[tuple[str, str]]
    ambiguous: list[tuple[str, list[str]]]
    unmapped: dict[str, int]
    skipped: int
    anomalies: list[str] = field(default_factory=list)


def _open_table(table: Path, mapping: Mapping) -> csv.DictReader:
    """Read ``table`` as UTF-8 CSV and check it has every column the mapping names, before any row is read."""
    raw = table.read_bytes() if table.is_file() else None
    if raw is None:
        raise problem(table, 0, "file", "no such file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise problem(
            table,
            raw[: e.start].count(b"\n") + 1,
            "file",
            f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start})",
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    cols = mapping.columns
    wanted = [c for k, v in cols.items() for c in (v if isinstance(v, list) else [v])] + list(mapping.filter)
    missing_cols = [c for c in wanted if c not in header]
    if missing_cols:
        raise DataError(
            [Problem(str(table), 1, c, f"no such column (mapping {mapping.path.name})") for c in missing_cols]
        )
    return reader


@dataclass
class _Rows:
    """What the table's rows turn into, gathered row by row so every bad row is reported at once."""

    table: Path
    mapping: Mapping
    known: dict
    prov: dict
    parks: dict[str, dict] = field(default_factory=dict)
    firms: dict[str, dict] = field(default_factory=dict)
    firm_of: dict[str, str] = field(default_factory=dict)
    locations: dict[tuple, dict] = field(default_factory=dict)
    projects: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    merged: list = field(default_factory=list)
    ambiguous: list = field(default_factory=list)
    unmapped: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    anomalies: list[str] = field(default_factory=list)

    def number(self, row, line, col) -> float | None:
        """A cell as a number, or None when missing or bad (bad ones reported or refused per the mapping)."""
        v = (row.get(col) or "").strip()
        if v in self.mapping.missing:
            return None
        try:
            x = float(v.replace(",", ""))
            msg = None if 0 <= x <= 1e15 else f"number {v} is out of range"
        except ValueError:
            msg = f"malformed number {v!r}"
        if msg is None:
            return x
        if self.mapping.bad_values == "report":
            self.anomalies.append(f"{self.table.name}:{line}: {col}: {msg}; left out")
        else:
            self.problems.append(Problem(str(self.table), line, col, msg))
        return None

    def firm(self, company: str) -> str:
        """The enterprise: settled by a person, else the one existing firm with this name, else new."""
        mapping = self.mapping
        if company not in self.firm_of:
            hits = sorted(self.known.get(_norm(company), ()))
            if company in mapping.settled:
                self.firm_of[company] = str(mapping.settled[company])
            elif len(hits) == 1:
                self.firm_of[company] = hits[0]
                self.merged.append((company, hits[0]))
            else:
                if len(hits) > 1:
                    self.ambiguous.append((company, hits))
                fid = f"{mapping.id_prefix}-{slug(company)}"
                self.firm_of[company] = fid
                self.firms[fid] = {"id": fid, "name_en": company, **self.prov}
        return self.firm_of[company]

    def place(self, row) -> str | None:
        """The park of a row: the deepest place level given, adding each level on the way as a park."""
        park = None
        place_cols = self.mapping.columns.get("place") or []
        for level, col in zip(_LEVELS, place_cols if isinstance(place_cols, list) else [place_cols]):
            value = " ".join((row.get(col) or "").split())
            if value in self.mapping.missing:
                break
            pid = f"{park}.{slug(value)}" if park else f"{self.mapping.id_prefix}-{slug(value)}"
            self.parks.setdefault(pid, {"id": pid, "name_en": value, "level": level, "parent": park or "", **self.prov})
            park = pid
        return park

    def notes(self, row, stages: list[str], period: dict | None) -> list[str]:
        """What a row says beyond the facts kept: its date, coordinates, note and stage names."""
        cols, mapping = self.mapping.columns, self.mapping
        notes = []
        if cols.get("date") and (d := (row.get(cols["date"]) or "").strip()):
            notes.append(d + (f" ({period['note']})" if period else ""))
        lat, lon = (
            ((row.get(cols[k]) or "").strip() for k in ("latitude", "longitude")) if "latitude" in cols else ("", "")
        )
        if lat not in mapping.missing and lon not in mapping.missing:
            notes.append(f"coordinates {lat}, {lon}")
        if cols.get("note") and (n := " ".join((row.get(cols["note"]) or "").split())):
            notes.append(f"table note: {n}")
        if stages:
            notes.append(f"stages in the table: {'; '.join(stages)}")
        return notes

    def add(self, line: int, row) -> None:
        """Turn one table row into a location, one project per mapped segment and its figures."""
        mapping, cols, prov = self.mapping, self.mapping.columns, self.prov
        if any((row.get(c) or "") not in [str(x) for x in vals] for c, vals in mapping.filter.items()):
            self.skipped += 1
            return
        company = " ".join((row.get(cols["company"]) or "").split())
        if not company:
            self.problems.append(Problem(str(self.table), line, cols["company"], "missing company name"))
            return
        firm = self.firm(company)
        park = self.place(row)
        if park is None:
            place_cols = cols.get("place") or []
            self.problems.append(
                Problem(str(self.table), line, place_cols[0] if place_cols else "place", "no place given")
            )
            return
        period = mapping.periods.get((row.get(cols["date"]) or "").strip()) if cols.get("date") else None
        dated = {"valid_from": period["valid_from"]} if period else {}
        loc = self.locations.setdefault(
            (firm, park), {"enterprise": firm, "park": park, "role": "plant", **prov, **dated}
        )
        if period and (not loc.get("valid_from") or period["valid_from"] < loc["valid_from"]):
            loc["valid_from"] = period["valid_from"]  # the firm is at the place from its earliest facility there
        stage_text = (row.get(cols["stage"]) or "") if "stage" in cols else ""
        stages = [s.strip() for s in stage_text.split(mapping.stage_separator) if s.strip()]
        segs = []
        for s in stages:
            if mapping.stages.get(s):
                segs.append(mapping.stages[s])
            else:
                self.unmapped[s] = self.unmapped.get(s, 0) + 1
        notes = self.notes(row, stages, period)
        ids = []
        for j, seg in enumerate(dict.fromkeys(segs) or [None]):
            pid = f"{mapping.id_prefix}-{line - 1:04d}" + (f"-{j + 1}" if len(set(segs)) > 1 else "")
            ids.append(pid)
            self.projects.append(
                {
                    "id": pid,
                    "name_en": f"{company}, {self.parks[park]['name_en']}" + (f" ({seg})" if seg else ""),
                    "enterprise": firm,
                    "park": park,
                    "segment": seg or "",
                    "note": "; ".join(notes),
                    **prov,
                    **dated,
                }
            )
        for metric, col, unit in (
            ("investment", cols.get("investment"), mapping.investment_unit),
            ("jobs", cols.get("jobs"), "count"),
        ):
            if not col or not unit:
                continue
            amount = self.number(row, line, col)
            if amount is not None:
                self.figures.append(
                    {
                        "subject": ids[0],
                        "metric": metric,
                        "value": f"{amount:g}",
                        "unit": unit,
                        "note": "whole facility" + (f", across {len(ids)} projects" if len(ids) > 1 else ""),
                        **prov,
                        **dated,
                    }
                )


def import_table(
    table: str | Path,
    mapping: Mapping,
    outdir: str | Path,
    *,
    against: list[str | Path] | None = None,
    force: bool = False,
) -> ImportSummary:
    """Turn ``table`` into a data directory ``outdir`` by ``mapping``; enterprises already in ``against``
    (default: the shipped graph_data/) are referenced, not created again. Nothing is written when a row
    is bad: DataError lists every problem as TABLE:LINE: COLUMN: message."""
    from ..dataset import default_data_dir, load

    table, outdir = Path(table), output_dir(outdir, {"LICENSE"}, force=force)
    against = [Path(d) for d in (against or [default_data_dir()])]
    reader = _open_table(table, mapping)
    base = load(against)  # read once: segments to check the mapping against, names to merge onto
    segments = {r.record.id for r in base.rows[model.Segment]}
    bad_stage = sorted(f"{k} -> {v}" for k, v in mapping.stages.items() if v is not None and v not in segments)
    if bad_stage:
        raise problem(
            mapping.path, mapping.lines.get("stages", 0), "stages", f"unknown segment ids: {'; '.join(bad_stage)}"
        )
    prov = {"sources": mapping.source["id"], "as_of": mapping.source.get("date", ""), "confidence": "imported"}
    acc = _Rows(table, mapping, name_index(base), prov)
    for line, row in enumerate(reader, start=2):
        acc.add(line, row)
    if acc.problems:
        raise DataError(acc.problems)

    src = {k: mapping.source.get(k, "") for k in ("id", "title", "publisher", "date", "address", "quality", "note")}
    files = {
        "sources.csv": [src],
        "parks.csv": list(acc.parks.values()),
        "enterprises.csv": list(acc.firms.values()),
        "locations.csv": list(acc.locations.values()),
        "projects.csv": acc.projects,
        "figures.csv": acc.figures,
    }
    licence = mapping.licence
    write_data_dir(
        outdir,
        files,
        [Path(d) for d in against],
        (lambda d: shutil.copyfile(licence, d / "LICENSE")) if licence else None,
    )
    counts = {name[:-4]: len(rows) for name, rows in files.items()}
    return ImportSummary(counts, acc.merged, acc.ambiguous, acc.unmapped, acc.skipped, acc.anomalies)
