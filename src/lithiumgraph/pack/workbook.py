"""The lists as one Excel workbook and as CSV files.

Workbook: one sheet per list with typed columns (numbers as numbers, dates as ``YYYY[-MM[-DD]]`` text
because the data's dates are often partial), a frozen header and an autofilter; a notes sheet saying
how each list is made, and a sources sheet with every cited source and its address. Every text cell
goes through :func:`~lithiumgraph.output.safe_cell`, so no cell becomes a formula, and characters a
workbook cannot hold are dropped."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx

from ..output import safe_cell, write_atomic
from .lists import Column, Sheet

__all__ = ["write_workbook", "write_csv", "sources_sheet"]

_SOURCE_COLS = [
    Column("id", "来源 id"),
    Column("title", "标题"),
    Column("publisher", "发布方"),
    Column("date", "日期", "date"),
    Column("address", "地址"),
    Column("mirror", "镜像地址"),
    Column("quality", "质量"),
    Column("retrieved_on", "核对日期", "date"),
]


def sources_sheet(G: nx.MultiDiGraph, sheets: list[Sheet]) -> Sheet:
    """Every source a list row cites, with its address."""
    ids = sorted({s for sh in sheets for r in sh.rows for s in str(r.get("sources") or "").split("|") if s})
    rows = [{"id": s, **{c.key: G.nodes[s].get(c.key, "") for c in _SOURCE_COLS[1:]}} for s in ids if s in G]
    return Sheet("sources", "来源", _SOURCE_COLS, rows, "Sources cited in the lists, original address first.")


def _value(v, col: Column):
    if v is None or v == "":
        return None
    if col.type == "number":
        return float(v) if isinstance(v, (int, float)) else safe_cell(str(v))
    if col.type == "integer":
        return int(v) if isinstance(v, (int, float)) else safe_cell(str(v))
    return safe_cell(str(v))


def write_workbook(path: Path, sheets: list[Sheet]) -> None:
    """``sheets`` (lists, then notes and sources) as one .xlsx at ``path``."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    notes = Sheet(
        "notes",
        "说明",
        [Column("list", "清单"), Column("rows", "行数", "integer"), Column("how", "说明")],
        [{"list": s.name, "rows": len(s.rows), "how": s.note} for s in sheets],
    )
    for sh in [*sheets, notes]:
        ws = wb.create_sheet(sh.name)
        ws.append([c.header for c in sh.columns])
        for row in sh.table():
            vals = [_value(v, c) for v, c in zip(row, sh.columns)]
            ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in vals])
        for i, c in enumerate(sh.columns, 1):
            ws.cell(1, i).font = Font(bold=True)
            ws.cell(1, i).fill = PatternFill("solid", fgColor="DDE3EA")
            ws.column_dimensions[get_column_letter(i)].width = 14 if c.type != "text" else 28
            if c.type == "number":
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = "#,##0.###"
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sh.columns))}{max(1, ws.max_row)}"
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)


def write_csv(path: Path, sheet: Sheet) -> None:
    """One list as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c.key for c in sheet.columns])
    for row in sheet.table():
        w.writerow(["" if v is None else safe_cell(v if not isinstance(v, str) else v) for v in row])
    write_atomic(path, "\ufeff" + buf.getvalue())
