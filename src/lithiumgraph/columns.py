"""Columnar reading of one data file: pyarrow splits it into columns, each column's distinct values are
parsed once, and the file's rows become one list of values per field (a :class:`Table`).

Why: a million rows read and checked cell by cell take 15 s, mostly Python per cell; most cells repeat
(sources, confidence, dates, segment ids), so the work here is per distinct value. The checks are the
row reader's own (:func:`lithiumgraph.dataset.parse_row`): a row with a bad cell is handed to it, so it is
reported with the same words. Only a file whose lines pyarrow splits exactly as the ``csv`` module would
(no line break inside a value, no blank or whitespace-only line, quoted lines that read the same both
ways, a header without problems) is read here; :func:`read` returns None for any other, and the row
reader reads it.
"""

from __future__ import annotations

import codecs
import csv
from sys import intern
from dataclasses import fields
from datetime import date
from functools import lru_cache
from itertools import repeat
from operator import contains, eq, is_, ne
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dataset import Dataset, Row
    from .errors import Problem

__all__ = ["Table", "Rows", "read", "clean", "field_names"]


@lru_cache(maxsize=None)
def field_names(cls: type) -> tuple[str, ...]:
    """A record class's fields in declaration order (the order of a record's properties on the graph)."""
    return tuple(f.name for f in fields(cls))


class Table:
    """The valid rows of one file as one list of values per field (every field of the record class), with
    each row's line; :meth:`rows` gives them as records, made once and only when asked for."""

    def __init__(
        self,
        cls: type,
        path: str,
        lines: list[int],
        values: dict[str, list] | None = None,
        rows: list[Row] | None = None,
    ):
        self.cls, self.path, self.lines = cls, path, lines
        self._values, self._rows = values, rows
        #: each field's distinct values (a superset: those of bad rows too), where the file was read as columns
        self.distinct: dict[str, list] = {}

    def __len__(self) -> int:
        return len(self.lines)

    @classmethod
    def of_rows(cls, record_class: type, rows: list[Row]) -> Table:
        """A table over rows read one by one (their records are kept as they are)."""
        return cls(record_class, rows[0].path if rows else "", [r.line for r in rows], rows=rows)

    @property
    def values(self) -> dict[str, list]:
        if self._values is None:
            recs = [r.record for r in self._rows or ()]
            self._values = {a: [getattr(r, a) for r in recs] for a in field_names(self.cls)}
        return self._values

    def places(self):
        """``(path, line)`` of each row, to iterate over once."""
        if self._rows is not None:
            return ((r.path, r.line) for r in self._rows)
        return zip(repeat(self.path), self.lines)

    def rows(self) -> list[Row]:
        if self._rows is None:
            from .dataset import Row

            cls, attrs, new, path = self.cls, field_names(self.cls), object.__new__, self.path
            out = []
            for line, vals in zip(self.lines, zip(*(self.values[a] for a in attrs))):
                rec: Any = new(cls)
                rec.__dict__.update(zip(attrs, vals))  # the fields __init__ would set; frozen records
                out.append(Row(rec, path, line))
            self._rows = out
        return self._rows


class Rows(dict):
    """Rows by record class; a file read as columns stays a :class:`Table` until its rows are asked for."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tables: dict[type, list[Table]] = {}
        self.pending: set[type] = set()

    def add(self, cls: type, table: Table) -> None:
        self.tables.setdefault(cls, []).append(table)
        if cls in self.pending or not super().__getitem__(cls):
            self.pending.add(cls)
        else:
            super().__getitem__(cls).extend(table.rows())

    def __getitem__(self, cls: type) -> list[Row]:
        rows = super().__getitem__(cls)
        if cls in self.pending:
            self.pending.discard(cls)
            for t in self.tables[cls]:
                rows.extend(t.rows())
        return rows

    def get(self, cls, default=None):
        return self[cls] if cls in self else default

    def values(self):
        return [self[c] for c in self]

    def items(self):
        return [(c, self[c]) for c in self]


def read(raw: bytes, shown: str, cls: type, today: date, problems: list[Problem], ds: Dataset) -> Table | None:
    """The file's valid rows as a table, its bad rows reported as the row reader reports them; None when
    the file is not one pyarrow reads exactly as the ``csv`` module does (the row reader then reads it)."""
    from .dataset import _bad_header
    from . import model

    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    if b"\x00" in raw or raw.count(b"\r") != raw.count(b"\r\n"):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    if not first.strip():
        return None
    try:
        header = [h.strip() for h in next(csv.reader([first.rstrip("\r")], strict=True))]
    except csv.Error:
        return None
    cols = model.columns(cls)
    by_column = {c: (attr, rules) for attr, c, rules in cols}
    if not set(header) & set(by_column) or _bad_header(header, 1, cols, by_column, shown, []):
        return None
    table = _arrow(raw, len(header))
    if table is None:
        return None
    n = table.num_rows
    if n + 1 != text.count("\n") + (not text.endswith("\n")) or (n and not _same_quotes(text, table)):
        return None
    parsed = [_column(table.column(i), by_column[h][1], today) for i, h in enumerate(header)]
    if n and _blank_rows(parsed):
        return None
    bad = _bad_rows(parsed, header, cls, n)
    if bad:
        _report(bad, parsed, header, by_column, cls, today, shown, problems, ds)
        if bad[-1] == n - 1 and not raw.rstrip(b" \t").endswith((b"\n", b"\r")):
            from .errors import Problem

            cut = Problem(
                shown,
                n + 1,
                "file",
                "the file ends mid-row: no line break after its last row, which does not parse (cut off?)",
            )
            problems.append(cut)
            ds.roots.setdefault(("kind", getattr(cls, "node_kind", cls.__name__)), cut)
    return _table(cls, shown, header, by_column, parsed, n, bad)


def _arrow(raw: bytes, width: int):
    """Every cell of the file after its first line as a string column; None if pyarrow cannot split it."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"c{i}" for i in range(width)]
    try:
        return pacsv.read_csv(
            pa.py_buffer(raw),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 26),
            parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None


def _same_quotes(text: str, table) -> bool:
    """Whether every line with a quote reads the same with the ``csv`` module (strict) as with pyarrow."""
    if '"' not in text:
        return True
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if '"' not in lines[i]:
            continue
        try:
            cells = next(csv.reader([lines[i].rstrip("\r")], strict=True))
        except (csv.Error, StopIteration):
            return False
        if cells != [table.column(c)[i - 1].as_py() for c in range(table.num_columns)]:
            return False
    return True


class _Parsed:
    """One column: the distinct cells, their parsed values (or the error), and each row's index into them."""

    __slots__ = ("cells", "values", "errors", "codes")

    def __init__(self, cells: list[str], values: list, errors: dict[int, str], codes):
        self.cells, self.values, self.errors, self.codes = cells, values, errors, codes


_EDGE = r"\x00-\x20\x7f-\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\x{fffe}\x{ffff}"
_INNER = r"\x00-\x08\x0b-\x1f\x7f-\x9f\x{fffe}\x{ffff}"
#: a cell that ``str.strip`` leaves as it is and that holds no control character (RE2, as pyarrow runs it)
PLAIN = f"^[^{_EDGE}](?:[^{_INNER}]*[^{_EDGE}])?$"


def _column(col, rules, today: date) -> _Parsed:
    """Parse each distinct cell of a column once, with the row reader's own rules; plain cells of
    text, id, list and number columns (most of a big file) are taken as they are, which is what the
    rules make of them."""
    import pyarrow.compute as pc
    from .cells import ID_RE, MAX_NUMBER, NUMBER_RE, parse_cell

    enc = pc.dictionary_encode(col).combine_chunks()
    cells = enc.dictionary.to_pylist()
    kind, ref = rules["type"], rules["ref"]
    fast = None
    if len(cells) > 64 and not rules["choices"] and kind in ("text", "id", "list", "number", "percent"):
        pattern = ID_RE.pattern if kind == "id" else NUMBER_RE.pattern if kind in ("number", "percent") else PLAIN
        fast = pc.match_substring_regex(enc.dictionary, pattern).to_pylist()
    top = 100.0 if kind == "percent" else MAX_NUMBER
    errors: dict[int, str] = {}
    codes = enc.indices.to_numpy(zero_copy_only=False)
    if fast is not None and all(fast) and (got := _plain(cells, kind, ref, top)) is not None:
        return _Parsed(cells, got, errors, codes)
    values: list[Any] = []
    for k, cell in enumerate(cells):
        if fast is not None and fast[k]:
            if kind == "text":
                values.append(intern(cell) if ref else cell)
                continue
            if kind == "id":
                values.append(intern(cell))
                continue
            if kind == "list" and "|" not in cell:
                values.append((intern(cell),))
                continue
            if kind in ("number", "percent") and 0 <= (x := float(cell)) <= top:
                values.append(x)
                continue
        try:
            values.append(parse_cell(cell, rules, today))
        except ValueError as e:
            values.append(None)
            errors[k] = str(e)
    return _Parsed(cells, values, errors, codes)


def _plain(cells: list[str], kind: str, ref, top: float) -> list | None:
    """The values of a column whose distinct cells are all plain, a column at a time (what the loop in
    :func:`_column` makes of each); None where a cell needs that loop (a list of several, a number out
    of range)."""
    if kind == "text":
        return list(map(intern, cells)) if ref else list(cells)
    if kind == "id":
        return list(map(intern, cells))
    if kind == "list":
        return None if any(map(contains, cells, repeat("|"))) else list(zip(map(intern, cells)))
    xs = list(map(float, cells))
    return xs if not xs or (min(xs) >= 0 and max(xs) <= top) else None


def _rows_with(p: _Parsed, keys: set[int]) -> list[int]:
    """The rows whose cell in this column is one of the distinct cells ``keys``."""
    import numpy as np

    if not keys:
        return []
    if len(keys) == len(p.cells):
        return list(range(len(p.codes)))
    return np.flatnonzero(np.isin(p.codes, list(keys))).tolist()


def _blank_rows(parsed: list[_Parsed]) -> bool:
    """Whether any row is blank in every column (the row reader skips those; pyarrow keeps them)."""
    rows: set[int] | None = None
    for p in parsed:
        hit = set(_rows_with(p, {k for k, c in enumerate(p.cells) if not c.strip()}))
        rows = hit if rows is None else rows & hit
        if not rows:
            return False
    return bool(rows)


def _bad_rows(parsed: list[_Parsed], header: list[str], cls: type, n: int) -> list[int]:
    """The rows with a bad cell, or (in a file of named records) with neither name."""
    bad: set[int] = set()
    for p in parsed:
        bad.update(_rows_with(p, set(p.errors)))
    if getattr(cls, "named", False):
        nameless = None
        for name in ("name_zh", "name_en"):
            if name in header:
                p = parsed[header.index(name)]
                rows = set(_rows_with(p, {k for k, v in enumerate(p.values) if not v and k not in p.errors}))
                nameless = rows if nameless is None else nameless & rows
        bad.update(range(n) if nameless is None else nameless)
    return sorted(bad)


def _report(
    bad: list[int],
    parsed: list[_Parsed],
    header: list[str],
    by_column: dict,
    cls: type,
    today: date,
    shown: str,
    problems: list[Problem],
    ds: Dataset,
) -> None:
    """Hand each bad row to the row reader, which reports it."""
    from .dataset import parse_row

    for i in bad:
        cells = [p.cells[p.codes[i]] for p in parsed]
        parse_row(cells, header, by_column, cls, today, shown, i + 2, problems, ds)


def _table(
    cls: type, shown: str, header: list[str], by_column: dict, parsed: list[_Parsed], n: int, bad: list[int]
) -> Table:
    """The good rows' values by field; fields without a column get their default."""
    import numpy as np

    keep = None
    if bad:
        mask = np.ones(n, dtype=bool)
        mask[bad] = False
        keep = np.flatnonzero(mask)
    count = n if keep is None else len(keep)
    values: dict[str, list] = {f.name: [f.default] * count for f in fields(cls)}
    distinct: dict[str, list] = {}
    for h, p in zip(header, parsed):
        attr = by_column[h][0]
        distinct[attr] = p.values
        if len(p.values) == 1:
            values[attr] = [p.values[0]] * count
        elif count:
            codes = p.codes if keep is None else p.codes[keep]
            values[attr] = np.fromiter(p.values, dtype=object, count=len(p.values))[codes].tolist()
    lines = list(range(2, n + 2)) if keep is None else (keep + 2).tolist()
    table = Table(cls, shown, lines, values)
    table.distinct = distinct
    return table


def clean(ds: Dataset, cls: type, kinds: dict[str, str], segments: dict) -> bool:
    """Whether the checks across records can find nothing wrong in a class's rows, checked by column:
    every reference known and of its kind, no key twice, each record's own cross-field rules kept.
    False means only "look row by row" (small files always are)."""
    from . import model

    tables = ds.tables(cls)
    n = sum(map(len, tables))
    if n < 2000 or cls in (model.Intensity, model.Figure):
        return n == 0
    vals = {
        a: [v for t in tables for v in t.values[a]] if len(tables) > 1 else tables[0].values[a]
        for a in field_names(cls)
    }
    for attr, _, rules in model.columns(cls):
        ref = rules["ref"]
        if not ref:
            continue
        distinct = {v for t in tables for v in t.distinct.get(attr, t.values[attr])}
        if rules["type"] == "list":
            distinct = {v for t in distinct for v in t}
        distinct.discard(None)
        if not kinds.keys() >= distinct or (ref != "*" and any(map(ne, map(kinds.__getitem__, distinct), repeat(ref)))):
            return False
    key = getattr(cls, "key", None)
    if key and len(set(zip(*(vals[a] for a in key)))) != n:
        return False
    return _fields_agree(cls, vals, segments)


def _fields_agree(cls: type, vals: dict[str, list], segments: dict) -> bool:
    """The rules between fields of one record (:func:`lithiumgraph.crosscheck._check_record`), by column."""
    from . import model
    from .cells import parse_day
    from .history import last_day
    from .units import dimension

    if "capacity" in vals and "unit" in vals:
        if list(map(is_, vals["capacity"], repeat(None))) != list(map(is_, vals["unit"], repeat(None))):
            return False
        for unit, seg in set(zip(vals["unit"], vals["segment"])):
            s = segments.get(seg) if seg else None
            if unit and (seg is None or (s is not None and (not s.unit or dimension(unit) != dimension(s.unit)))):
                return False
    if "valid_from" in vals and "valid_to" in vals:
        for vf, vt in set(zip(vals["valid_from"], vals["valid_to"])):
            if vf and vt and parse_day(vf) > last_day(vt):
                return False
    pair = {
        model.SegmentLink: ("upstream", "downstream"),
        model.Supply: ("supplier", "customer"),
        model.Ownership: ("owner_from", "owner_to"),
        model.Park: ("parent", "id"),
    }.get(cls)
    return not (pair and any(map(eq, vals[pair[0]], vals[pair[1]])))
