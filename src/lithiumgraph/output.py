"""Output for people and files: rows as a table, JSON or CSV, and files written whole or not at all."""
from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
import unicodedata
from pathlib import Path

__all__ = ["FORMATS", "render", "width", "format_value", "write_atomic", "atomic_open"]

FORMATS = ("table", "json", "csv")


def width(text: str) -> int:
    """Columns a string takes in a terminal: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in text)


def format_value(value) -> str:
    """A value as a person reads it: grouped digits, lists joined with |."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, (list, tuple)):
        return "|".join(format_value(v) for v in value)
    return str(value)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if width(text) <= limit:
        return text
    out, w = [], 0
    for c in text:
        w += width(c)
        if w > limit - 1:
            break
        out.append(c)
    return "".join(out) + "…"


def render(rows: list[dict], fmt: str = "table", columns: list[str] | None = None,
           *, max_width: int = 60, data=None) -> str:
    """Rows as text. ``data`` is what JSON shows when it should be richer than the rows."""
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    if fmt == "json":
        # keys sorted: every store gives the same text, whatever order it keeps properties in
        return json.dumps(rows if data is None else data, ensure_ascii=False, indent=2, default=str, sort_keys=True)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["|".join(map(str, v)) if isinstance(v := r.get(c), (list, tuple))
                        else "" if v is None else v for c in columns])
        return buf.getvalue().rstrip("\n")
    cells = [[_clip(format_value(r.get(c)), max_width) for c in columns] for r in rows]
    widths = [max([width(c)] + [width(row[i]) for row in cells]) for i, c in enumerate(columns)]

    def line(values):
        return "  ".join(v + " " * (w - width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(row) for row in cells]
    return "\n".join(out)


@contextlib.contextmanager
def atomic_open(path: str | Path):
    """A text file to stream into that replaces ``path`` only when the block ends without an error:
    a temporary file in the same folder, then a rename. A crash or a full disk leaves the old file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            yield f
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; give it the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, text: str) -> None:
    """Write a file whole or not at all."""
    with atomic_open(path) as f:
        f.write(text)
