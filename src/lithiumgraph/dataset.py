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

from . import columns, model
from .cells import parse_cell
from .columns import Rows, Table
from .errors import DataError, Problem
from .history import check_events
from .progress import Progress

__all__ = ["Dataset", "Row", "load", "default_data_dir"]

NODE_CLASSES = tuple(
    c for c in model.RECORD_FILES.values() if hasattr(c, "node_kind") and "id" in getattr(c, "__dataclass_fields__", {})
)


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

    rows: Rows = field(default_factory=lambda: Rows({c: [] for c in model.RECORD_FILES.values()}))
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

    def tables(self, cls: type) -> list[Table]:
        """A class's rows as columns: the tables read, or one made from the rows where they were changed."""
        rows = self.rows
        if isinstance(rows, Rows) and cls in rows.tables:
            tables = rows.tables[cls]
            if cls in rows.pending or sum(map(len, tables)) == len(dict.__getitem__(rows, cls)):
                return tables
        return [Table.of_rows(cls, rows[cls])] if rows.get(cls) else []

    def counts(self) -> dict[type, int]:
        """How many valid rows each record class has."""
        return {cls: sum(map(len, self.tables(cls))) for cls in model.RECORD_FILES.values()}


def load(
    dirs: Iterable[str | Path] | str | Path | None = None, *, today: date | None = None, progress: bool | None = False
) -> Dataset:
    """Read and validate data directories (later ones layered over earlier ones); raise DataError.
    ``today`` (default: the clock's) is the last date any row may carry; ``progress=True`` shows a one-line
    progress on stderr once loading has taken a second (None: when stderr is a terminal).

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
    files = [p for d in paths if d.is_dir() for p in d.glob("*.csv")]
    bar = Progress("validate", sum(p.stat().st_size for p in files) * 1.5, enabled=progress)
    try:
        for d in paths:
            _read_dir(d, ds, problems, today, bar)
        bar.advance(0, "references, keys, events")
        from .crosscheck import cross_check

        cross_check(ds, problems)
        check_events(ds, problems, today)
    finally:
        bar.close()
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
        first += [
            root,
            Problem(
                root.path,
                root.line,
                root.field,
                f"{n} further problem{'s follow' if n > 1 else ' follows'} from it: "
                f"references to what it would have defined, in {where}",
            ),
        ]
    return first + [p for p in problems if p not in ds.follow]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_dir(d: Path, ds: Dataset, problems: list[Problem], today: date, bar: Progress) -> None:
    if not d.is_dir():
        problems.append(Problem(str(d), 0, "directory", "not a directory"))
        return
    known = set(model.RECORD_FILES)
    found = False
    for p in sorted(d.glob("*.csv")):
        if p.name not in known:
            problems.append(
                Problem(_display(p), 0, "file", f"unknown data file; expected one of {', '.join(model.RECORD_FILES)}")
            )
    for name, cls in model.RECORD_FILES.items():
        p = d / name
        if p.is_file():
            found = True
            bar.advance(0, p.name)
            ds.rows.add(cls, _read_file(p, cls, problems, ds, today))
            bar.advance(p.stat().st_size, p.name)
    if not found:
        problems.append(Problem(_display(d), 0, "directory", f"no data files ({', '.join(model.RECORD_FILES)})"))


def _csv_rows(path: Path, shown: str, problems: list[Problem], cut: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows with their first line; a file that ends inside a quoted value is reported,
    and that problem put in ``cut``."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        problems.append(
            Problem(shown, line, "file", f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at offset {e.start})")
        )
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
            problems.append(
                Problem(shown, start, "file", "the file ends inside a quoted value (cut off, or a quote left open)")
                if at_end
                else Problem(shown, start, "row", f"malformed CSV: {e}")
            )
            cut.append(problems[-1])
            return
        if any(cell.strip() for cell in row):
            yield start, row
        start = reader.line_num + 1


def _read_file(path: Path, cls: type, problems: list[Problem], ds: Dataset, today: date) -> Table:
    """A file's valid rows, read as columns where the file allows, else row by row."""
    shown = _display(path)
    before = len(problems)
    table = columns.read(path.read_bytes(), shown, cls, today, problems, ds)
    if table is None:
        table = Table.of_rows(cls, _read_rows(path, shown, cls, problems, ds, today))
    if len(problems) > before and len(table) == 0:
        ds.broken_kinds.add(getattr(cls, "node_kind", cls.__name__))
    return table


def _read_rows(path: Path, shown: str, cls: type, problems: list[Problem], ds: Dataset, today: date) -> list[Row]:
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
        problems.append(
            Problem(
                shown,
                hline,
                "header",
                "no header: the first line names none of the file's columns (it reads as a data row)",
            )
        )
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
        values = parse_row(cells, header, by_column, cls, today, shown, line, problems, ds)
        if values is not None:
            out.append(Row(cls(**values), shown, line))
            last_bad = None
    if last_bad and not cut and not path.read_bytes().rstrip(b" \t").endswith((b"\n", b"\r")):
        cut.append(
            Problem(
                shown,
                last_bad,
                "file",
                "the file ends mid-row: no line break after its last row, which does not parse (cut off?)",
            )
        )
        problems.append(cut[0])
    if cut:  # the rows after the cut are lost: references to them follow from it
        ds.roots.setdefault(("kind", kind), cut[0])
    if len(problems) > before and len(out) == 0:
        ds.broken_kinds.add(kind)
    return out


def parse_row(
    cells: list[str],
    header: list[str],
    by_column: dict,
    cls: type,
    today: date,
    shown: str,
    line: int,
    problems: list[Problem],
    ds: Dataset,
) -> dict | None:
    """One row's values by field, or None after reporting what is wrong with it (and noting its id as broken)."""
    if len(cells) != len(header):
        problems.append(Problem(shown, line, "row", f"has {len(cells)} fields, the header has {len(header)}"))
        if "id" in header and cells:
            ds.broken_ids.add(cells[min(header.index("id"), len(cells) - 1)].strip())
        return None
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
        return values
    if "id" in header:
        ds.broken_ids.add(cells[header.index("id")].strip())
    return None


def _bad_header(header: list[str], hline: int, cols, by_column: dict, shown: str, problems: list[Problem]) -> bool:
    """Report unknown, duplicate and missing required columns; whether there was any."""
    bad_header = False
    for i, h in enumerate(header):
        if h not in by_column:
            problems.append(
                Problem(shown, hline, h or f"column {i + 1}", f"unknown column; expected {', '.join(by_column)}")
            )
            bad_header = True
        elif header.index(h) != i:
            problems.append(Problem(shown, hline, h, "duplicate column"))
            bad_header = True
    for attr, c, rules in cols:
        if rules["required"] and c not in header:
            problems.append(Problem(shown, hline, c, "missing required column"))
            bad_header = True
    return bad_header
