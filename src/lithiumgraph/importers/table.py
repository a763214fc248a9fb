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
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .. import model
from ..errors import DataError, Problem
from ..names import _norm
from ..units import UNITS
from .common import name_index, output_dir, problem, slug, write_data_dir

__all__ = ["Mapping", "ImportSummary", "read_mapping", "import_table"]

_LEVELS = ("country", "province", "city")
_KEYS = {"source", "id_prefix", "filter", "columns", "stages", "stage_separator", "settled", "licence",
         "investment_unit", "missing", "bad_values", "periods"}
_COLUMNS = {"company", "stage", "investment", "jobs", "place", "latitude", "longitude", "date", "note"}


@dataclass
class Mapping:
    """What a mapping file says (see ``imports/na-ev-battery.yaml``)."""
    path: Path
    source: dict
    id_prefix: str
    columns: dict
    stages: dict
    stage_separator: str = ";"
    filter: dict = field(default_factory=dict)
    settled: dict = field(default_factory=dict)
    licence: Path | None = None   # checked: a file inside the mapping's directory
    investment_unit: str | None = None
    missing: tuple = ("", "0", "TBD", "N/A", "n/a")
    bad_values: str = "refuse"   # or "report": a bad number is left out and listed, the row kept
    lines: dict = field(default_factory=dict)   # the line of each key, for messages
    #: value of the date column -> {valid_from, note}: the date a facility of that period is dated from
    periods: dict = field(default_factory=dict)


@dataclass
class ImportSummary:
    """What the import wrote, merged, left unmapped or could not settle."""
    counts: dict
    merged: list[tuple[str, str]]
    ambiguous: list[tuple[str, list[str]]]
    unmapped: dict[str, int]
    skipped: int
    anomalies: list[str] = field(default_factory=list)



#: The type each key's value must have; lists and maps say what they hold.
_TYPES = {"source": ("a map of id, title, address, …", dict, str), "id_prefix": ("text", str, None),
          "columns": ("a map of column names", dict, (str, list)), "stages": ("a map of table values to segment ids",
          dict, (str, type(None))), "stage_separator": ("text", str, None), "filter": ("a map of column to values",
          dict, (str, list)), "settled": ("a map of table names to enterprise ids", dict, str),
          "licence": ("a file name", str, None), "investment_unit": ("a unit", str, None),
          "missing": ("a list of values", list, (str, int, float)), "bad_values": ("refuse or report", str, None),
          "periods": ("a map of date-column values to {valid_from, note}", dict, dict)}


def _type_problems(path: Path, raw: dict, lines: dict[str, int]) -> list[Problem]:
    """One problem per value of the wrong type, naming its key and line."""
    out = []
    for key, (what, outer, inner) in _TYPES.items():
        value = raw.get(key)
        if value is None or (key == "id_prefix" and isinstance(value, (int, float))):
            continue
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        if not isinstance(value, outer):
            out.append(Problem(str(path), lines.get(key, 0), key, f"expected {what}, got {type(value).__name__}"))
        elif inner:
            for k, v in items:
                ok = isinstance(v, inner) and not isinstance(v, bool) and \
                    (not isinstance(v, list) or all(isinstance(x, (str, int, float)) for x in v))
                if not ok or not isinstance(k, (str, int, float)) or isinstance(k, bool) and outer is dict:
                    out.append(Problem(str(path), lines.get(f"{key}.{k}", lines.get(key, 0)), f"{key}.{k}",
                                       f"expected {what}, got {type(v).__name__}"))
    return out


def _licence(path: Path, name, line: int) -> Path:
    """The licence file a mapping names: a regular file inside the mapping's own directory."""
    base = path.parent.resolve()
    target = (base / str(name)).resolve()
    if base not in target.parents or not target.is_file():
        raise problem(path, line, "licence", f"{name!r} is not a file inside {base}")
    return target


def read_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file; DataError names the file, line and key of each problem."""
    from .yamlfile import load
    path = Path(path)
    raw, lines = load(path)
    if not isinstance(raw, dict):
        raise problem(path, 1, "file", "expected a mapping of keys (source, id_prefix, columns, stages, ...)")
    problems = [Problem(str(path), lines.get(str(k), 0), str(k), f"unknown key; expected {', '.join(sorted(_KEYS))}")
                for k in raw if k not in _KEYS]
    problems += [Problem(str(path), 0, k, "missing required key")
                 for k in ("source", "id_prefix", "columns", "stages") if k not in raw]
    problems += _type_problems(path, raw, lines)
    if problems:
        raise DataError(problems)
    src, cols, stages = raw["source"], raw["columns"], raw["stages"]
    if not all(src.get(k) for k in ("id", "title", "address")):
        problems.append(Problem(str(path), lines.get("source", 0), "source", "needs id, title and address"))
    if "company" not in cols:
        problems.append(Problem(str(path), lines.get("columns", 0), "columns", "needs at least company"))
    elif unknown := sorted(set(cols) - _COLUMNS):
        problems.append(Problem(str(path), lines.get("columns", 0), "columns",
                                f"unknown {', '.join(unknown)}; expected {', '.join(sorted(_COLUMNS))}"))
    prefix = str(raw["id_prefix"])
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", prefix):
        problems.append(Problem(str(path), lines.get("id_prefix", 0), "id_prefix",
                                f"invalid prefix {prefix!r} (lower-case letters, digits, '-')"))
    if raw.get("bad_values", "refuse") not in ("refuse", "report"):
        problems.append(Problem(str(path), lines.get("bad_values", 0), "bad_values", "expected refuse or report"))
    unit = raw.get("investment_unit")
    if unit is not None and unit not in UNITS:
        problems.append(Problem(str(path), lines.get("investment_unit", 0), "investment_unit", f"unknown unit {unit!r}"))
    for k, v in (raw.get("periods") or {}).items():
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(v.get("valid_from", ""))) or not v.get("note"):
            problems.append(Problem(str(path), lines.get(f"periods.{k}", lines.get("periods", 0)), f"periods.{k}",
                                    "needs valid_from (YYYY, YYYY-MM or YYYY-MM-DD) and a note saying how it is derived"))
    if problems:
        raise DataError(problems)
    licence = _licence(path, raw["licence"], lines.get("licence", 0)) if raw.get("licence") else None
    return Mapping(path, src, prefix, cols, {str(k): v for k, v in stages.items()},
                   str(raw.get("stage_separator", ";")), raw.get("filter") or {}, raw.get("settled") or {},
                   licence, unit, tuple(str(x) for x in raw.get("missing", Mapping.missing)),
                   raw.get("bad_values", "refuse"), lines,
                   {str(k): {"valid_from": str(v["valid_from"]), "note": str(v["note"])}
                    for k, v in (raw.get("periods") or {}).items()})


def _open_table(table: Path, mapping: Mapping) -> csv.DictReader:
    """Read ``table`` as UTF-8 CSV and check it has every column the mapping names, before any row is read."""
    raw = table.read_bytes() if table.is_file() else None
    if raw is None:
        raise problem(table, 0, "file", "no such file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise problem(table, raw[:e.start].count(b"\n") + 1, "file",
                       f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    cols = mapping.columns
    wanted = [c for k, v in cols.items() for c in (v if isinstance(v, list) else [v])] + list(mapping.filter)
    missing_cols = [c for c in wanted if c not in header]
    if missing_cols:
        raise DataError([Problem(str(table), 1, c, f"no such column (mapping {mapping.path.name})") for c in missing_cols])
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
        lat, lon = ((row.get(cols[k]) or "").strip() for k in ("latitude", "longitude")) if "latitude" in cols else ("", "")
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
            self.problems.append(Problem(str(self.table), line, place_cols[0] if place_cols else "place", "no place given"))
            return
        period = mapping.periods.get((row.get(cols["date"]) or "").strip()) if cols.get("date") else None
        dated = {"valid_from": period["valid_from"]} if period else {}
        loc = self.locations.setdefault((firm, park), {"enterprise": firm, "park": park, "role": "plant", **prov, **dated})
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
            self.projects.append({"id": pid, "name_en": f"{company}, {self.parks[park]['name_en']}" + (f" ({seg})" if seg else ""),
                                  "enterprise": firm, "park": park, "segment": seg or "", "note": "; ".join(notes), **prov,
                                  **dated})
        for metric, col, unit in (("investment", cols.get("investment"), mapping.investment_unit),
                                  ("jobs", cols.get("jobs"), "count")):
            if not col or not unit:
                continue
            amount = self.number(row, line, col)
            if amount is not None:
                self.figures.append({"subject": ids[0], "metric": metric, "value": f"{amount:g}", "unit": unit,
                                     "note": "whole facility" + (f", across {len(ids)} projects" if len(ids) > 1 else ""),
                                     **prov, **dated})


def import_table(table: str | Path, mapping: Mapping, outdir: str | Path, *,
                 against: list[str | Path] | None = None, force: bool = False) -> ImportSummary:
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
        raise problem(mapping.path, mapping.lines.get("stages", 0), "stages", f"unknown segment ids: {'; '.join(bad_stage)}")
    prov = {"sources": mapping.source["id"], "as_of": mapping.source.get("date", ""), "confidence": "imported"}
    acc = _Rows(table, mapping, name_index(base), prov)
    for line, row in enumerate(reader, start=2):
        acc.add(line, row)
    if acc.problems:
        raise DataError(acc.problems)

    src = {k: mapping.source.get(k, "") for k in ("id", "title", "publisher", "date", "address", "quality", "note")}
    files = {"sources.csv": [src], "parks.csv": list(acc.parks.values()), "enterprises.csv": list(acc.firms.values()),
             "locations.csv": list(acc.locations.values()), "projects.csv": acc.projects, "figures.csv": acc.figures}
    licence = mapping.licence
    write_data_dir(outdir, files, [Path(d) for d in against],
                    (lambda d: shutil.copyfile(licence, d / "LICENSE")) if licence else None)
    counts = {name[:-4]: len(rows) for name, rows in files.items()}
    return ImportSummary(counts, acc.merged, acc.ambiguous, acc.unmapped, acc.skipped, acc.anomalies)
