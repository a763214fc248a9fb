"""Read and validate ``graph_data/`` directories into records.

Every problem is collected, then raised at once as one :class:`DataError` whose lines read
``FILE:LINE: FIELD: message``; nothing is returned unless every file is valid.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import model
from .cells import parse_cell, parse_day, parse_number
from .errors import DataError, Problem
from .units import dimension

__all__ = ["Dataset", "Row", "load", "default_data_dir"]

NODE_CLASSES = tuple(c for c in model.RECORD_FILES.values()
                     if hasattr(c, "node_kind") and "id" in getattr(c, "__dataclass_fields__", {}))


def default_data_dir() -> Path:
    """The shipped ``graph_data/``: the source checkout's, or the copy an installed wheel carries."""
    from .shipped import shipped
    return shipped("graph_data")


@dataclass(frozen=True)
class Row:
    """A parsed record and where it came from."""
    record: Any
    path: str
    line: int


@dataclass
class Dataset:
    """Validated records of one or more data directories, by record class."""
    rows: dict[type, list[Row]] = field(default_factory=lambda: {c: [] for c in model.RECORD_FILES.values()})
    dirs: tuple[str, ...] = ()
    #: ids of rows, and record classes of whole files, that failed to parse: references to them
    #: are not reported again as unknown
    broken_ids: set[str] = field(default_factory=set)
    broken_kinds: set[str] = field(default_factory=set)
    #: root causes: a file that is empty, has no header or is cut off (``("kind", K)``), a row cut off
    #: (``("id", ID)``); the problems that follow from each are counted, not listed
    roots: dict[tuple[str, str], Problem] = field(default_factory=dict)
    follow: dict[Problem, dict[str, int]] = field(default_factory=dict)

    def records(self, cls: type) -> list:
        return [r.record for r in self.rows[cls]]


def load(dirs: Iterable[str | Path] | str | Path | None = None, *, today: date | None = None) -> Dataset:
    """Read and validate data directories (later ones layered over earlier ones); raise DataError.
    ``today`` (default: the clock's) is the last date any row may carry.

    >>> ds = load()
    >>> len(ds.records(model.Segment)) >= 30
    True
    """
    if dirs is None:
        dirs = [default_data_dir()]
    elif isinstance(dirs, (str, Path)):
        dirs = [dirs]
    paths = [Path(d) for d in dirs]
    ds = Dataset(dirs=tuple(str(d) for d in paths))
    problems: list[Problem] = []
    today = today or date.today()
    for d in paths:
        _read_dir(d, ds, problems, today)
    _cross_check(ds, problems)
    from .history import check_events
    check_events(ds, problems, today)
    if problems:
        raise DataError(_root_causes_first(ds, problems))
    return ds


def _root_causes_first(ds: Dataset, problems: list[Problem]) -> list[Problem]:
    """Each root cause that other problems follow from, as one line with one more that counts them
    (by file), before every other problem."""
    first: list[Problem] = []
    for root, files in ds.follow.items():
        n = sum(files.values())
        where = ", ".join(f"{f} ({k})" for f, k in sorted(files.items()))
        first += [root, Problem(root.path, root.line, root.field,
                                f"{n} further problem{'s follow' if n > 1 else ' follows'} from it: "
                                f"references to what it would have defined, in {where}")]
    return first + [p for p in problems if p not in ds.follow]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_dir(d: Path, ds: Dataset, problems: list[Problem], today: date) -> None:
    if not d.is_dir():
        problems.append(Problem(str(d), 0, "directory", "not a directory"))
        return
    known = set(model.RECORD_FILES)
    found = False
    for p in sorted(d.glob("*.csv")):
        if p.name not in known:
            problems.append(Problem(_display(p), 0, "file",
                                    f"unknown data file; expected one of {', '.join(model.RECORD_FILES)}"))
    for name, cls in model.RECORD_FILES.items():
        p = d / name
        if p.is_file():
            found = True
            ds.rows[cls].extend(_read_file(p, cls, problems, ds, today))
    if not found:
        problems.append(Problem(_display(d), 0, "directory",
                                f"no data files ({', '.join(model.RECORD_FILES)})"))


def _csv_rows(path: Path, shown: str, problems: list[Problem],
              cut: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows with their first line; a file that ends inside a quoted value is reported,
    and that problem put in ``cut``."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        problems.append(Problem(shown, line, "file", f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start})"))
        return
    if not text.strip():
        problems.append(Problem(shown, 1, "file", "empty: no header and no rows"))
        return
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            at_end = "unexpected end of data" in str(e)
            problems.append(Problem(shown, start, "file", "the file ends inside a quoted value (cut off, or a quote "
                                    "left open)") if at_end else Problem(shown, start, "row", f"malformed CSV: {e}"))
            cut.append(problems[-1])
            return
        if any(cell.strip() for cell in row):
            yield start, row
        start = reader.line_num + 1


def _read_file(path: Path, cls: type, problems: list[Problem], ds: Dataset, today: date) -> list[Row]:
    shown = _display(path)
    before = len(problems)
    cols = model.columns(cls)
    by_column = {c: (attr, rules) for attr, c, rules in cols}
    kind = getattr(cls, "node_kind", cls.__name__)
    cut: list[Problem] = []
    rows = _csv_rows(path, shown, problems, cut)
    first = next(rows, None)
    if first is None:
        if len(problems) > before:
            ds.broken_kinds.add(kind)
            ds.roots.setdefault(("kind", kind), problems[-1])
        return []
    hline, header = first
    header = [h.strip() for h in header]
    if not set(header) & set(by_column):
        problems.append(Problem(shown, hline, "header", "no header: the first line names none of the file's "
                                "columns (it reads as a data row)"))
        ds.broken_kinds.add(kind)
        ds.roots.setdefault(("kind", kind), problems[-1])
        return []
    if _bad_header(header, hline, cols, by_column, shown, problems):
        ds.broken_kinds.add(kind)
        ds.roots.setdefault(("kind", kind), problems[before])
        return []
    out = []
    last_bad = None  # the line of the last row, if it failed
    for line, cells in rows:
        last_bad = line
        if len(cells) != len(header):
            problems.append(Problem(shown, line, "row", f"has {len(cells)} fields, the header has {len(header)}"))
            if "id" in header and cells:
                ds.broken_ids.add(cells[min(header.index("id"), len(cells) - 1)].strip())
            continue
        values, ok = {}, True
        for h, cell in zip(header, cells):
            attr, rules = by_column[h]
            try:
                values[attr] = parse_cell(cell, rules, today)
            except ValueError as e:
                problems.append(Problem(shown, line, h, str(e)))
                ok = False
        if ok and getattr(cls, "named", False) and not values.get("name_zh") and not values.get("name_en"):
            problems.append(Problem(shown, line, "name_zh", "missing name: give name_zh or name_en"))
            ok = False
        if ok:
            out.append(Row(cls(**values), shown, line))
            last_bad = None
        elif "id" in header:
            ds.broken_ids.add(cells[header.index("id")].strip())
    if last_bad and not cut and not path.read_bytes().rstrip(b" \t").endswith((b"\n", b"\r")):
        cut.append(Problem(shown, last_bad, "file", "the file ends mid-row: no line break after its last row, "
                           "which does not parse (cut off?)"))
        problems.append(cut[0])
    if cut:  # the rows after the cut are lost: references to them follow from it
        ds.roots.setdefault(("kind", kind), cut[0])
    if len(problems) > before and len(out) == 0:
        ds.broken_kinds.add(kind)
    return out


def _bad_header(header: list[str], hline: int, cols, by_column: dict, shown: str, problems: list[Problem]) -> bool:
    """Report unknown, duplicate and missing required columns; whether there was any."""
    bad_header = False
    for i, h in enumerate(header):
        if h not in by_column:
            problems.append(Problem(shown, hline, h or f"column {i + 1}",
                                    f"unknown column; expected {', '.join(by_column)}"))
            bad_header = True
        elif header.index(h) != i:
            problems.append(Problem(shown, hline, h, "duplicate column"))
            bad_header = True
    for attr, c, rules in cols:
        if rules["required"] and c not in header:
            problems.append(Problem(shown, hline, c, "missing required column"))
            bad_header = True
    return bad_header


def _last_day(text: str) -> date:
    from .history import last_day
    return last_day(text)


def _cross_check(ds: Dataset, problems: list[Problem]) -> None:
    """Checks that span records: unique ids and keys, references, units against segments."""
    def bad(row: Row, fld: str, msg: str) -> None:
        problems.append(Problem(row.path, row.line, fld, msg))

    ids: dict[str, tuple[str, Row]] = {}
    for cls in NODE_CLASSES:
        for row in ds.rows[cls]:
            rid = row.record.id
            if rid in ids:
                first = ids[rid][1]
                bad(row, "id", f"duplicate id {rid!r} (first defined at {first.path}:{first.line})")
            else:
                ids[rid] = (cls.node_kind, row)
    kinds = {k: v[0] for k, v in ids.items()}
    segments = {r.record.id: r.record for r in ds.rows[model.Segment]}

    for cls, rows in ds.rows.items():
        cols = model.columns(cls)
        key = getattr(cls, "key", None)
        seen: dict[tuple, Row] = {}
        for row in rows:
            rec = row.record
            for attr, c, rules in cols:
                ref, value = rules["ref"], getattr(rec, attr)
                if not ref or not value:
                    continue
                for v in (value if isinstance(value, tuple) else (value,)):
                    if v in kinds and (ref == "*" or kinds[v] == ref):
                        continue
                    if root := _root_of(ds, v, ref):
                        files = ds.follow.setdefault(root, {})
                        files[row.path.rsplit("/", 1)[-1]] = files.get(row.path.rsplit("/", 1)[-1], 0) + 1
                        continue
                    if v in ds.broken_ids or ref in ds.broken_kinds or (ref == "*" and ds.broken_kinds):
                        continue
                    what = "id" if ref == "*" else f"{ref.lower()} id"
                    hint = f" (it is a {kinds[v]})" if v in kinds else ""
                    bad(row, c, f"unknown {what} {v!r}{hint}")
            if key:
                k = tuple(getattr(rec, a) for a in key)
                if k in seen:
                    first = seen[k]
                    bad(row, ",".join(c for a, c, _ in cols if a in key),
                        f"duplicate key {k!r} (first at {first.path}:{first.line})")
                else:
                    seen[k] = row
            _check_record(rec, row, segments, bad)


def _root_of(ds: Dataset, v: str, ref: str) -> Problem | None:
    """The root cause an unknown reference follows from, if any."""
    if ("id", v) in ds.roots:
        return ds.roots[("id", v)]
    if ref == "*":
        return next((p for (k, _), p in ds.roots.items() if k == "kind"), None)
    return ds.roots.get(("kind", ref))


def _check_record(rec, row: Row, segments: dict, bad) -> None:
    """Checks within one record that need other fields or the segment template."""
    if isinstance(rec, (model.Membership, model.Project)):
        if (rec.capacity is None) != (rec.unit is None):
            bad(row, "unit" if rec.unit is None else "capacity",
                "capacity and unit go together: give both or neither")
        seg = segments.get(rec.segment) if rec.segment else None
        if rec.unit and rec.segment is None:
            bad(row, "segment", "a capacity needs the segment it is a capacity of")
        elif rec.unit and seg is not None:
            if not seg.unit:
                bad(row, "unit", f"segment {seg.id!r} has no capacity unit")
            elif dimension(rec.unit) != dimension(seg.unit):
                bad(row, "unit", f"unit {rec.unit!r} does not fit segment {seg.id!r}, which is measured in {seg.unit}")
    vf, vt = getattr(rec, "valid_from", None), getattr(rec, "valid_to", None)
    if vf and vt and parse_day(vf) > _last_day(vt):
        bad(row, "valid_to", f"valid_to {vt} is before valid_from {vf}")
    if isinstance(rec, model.SegmentLink) and rec.upstream == rec.downstream:
        bad(row, "to", "a segment cannot feed itself")
    if isinstance(rec, model.Supply) and rec.supplier == rec.customer:
        bad(row, "customer", "an enterprise cannot supply itself")
    if isinstance(rec, model.Ownership) and rec.owner_from == rec.owner_to:
        bad(row, "to", "an enterprise cannot own itself")
    if isinstance(rec, model.Park) and rec.parent == rec.id:
        bad(row, "parent", "a park cannot contain itself")
    if isinstance(rec, model.Figure):
        try:
            parse_day(rec.value) if rec.unit == "date" else parse_number(rec.value)
        except ValueError as e:
            bad(row, "value", str(e))
    if isinstance(rec, model.Intensity):
        if rec.low > rec.high:
            bad(row, "high", f"high {rec.high:g} is below low {rec.low:g}")
        if dimension(rec.unit) not in ("mass/energy", "area/energy"):
            bad(row, "unit", f"{rec.unit!r} is not a per-GWh unit (t/GWh, t LCE/GWh, m²/GWh)")
        seg = segments.get(rec.material)
        if seg is not None and seg.unit and dimension(rec.unit).split("/")[0] != dimension(seg.unit).split("/")[0]:
            bad(row, "unit", f"unit {rec.unit!r} does not fit segment {seg.id!r}, which is measured in {seg.unit}")
