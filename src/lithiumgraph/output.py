"""Output for people and files: rows as a table, JSON or CSV, and files written whole or not at all.

File outputs replace only a regular file (never a device, FIFO, socket, directory or symbolic link); a
set of files is written to a staging directory beside the target and swapped in with one rename, so a
reader sees the old set or the new set, never a mix. Temporary names carry the writer's process id
(``.NAME.lg-tmp-PID-…``, ``.NAME.lg-new-PID-…``, ``.NAME.lg-old-PID-…``): the next run removes those a
dead process left, and puts an old set back where a crash came between moving it aside and moving the
new one in."""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import os
import re
import shutil
import stat
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from .collector import collector_paused
from .errors import LithiumGraphError

__all__ = [
    "FORMATS",
    "Table",
    "show",
    "render",
    "width",
    "format_value",
    "write_atomic",
    "atomic_open",
    "staged_dir",
    "file_target",
    "safe_cell",
    "printable",
    "redact",
    "CSVWriter",
]

FORMATS = ("table", "json", "csv")


#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe_cell(value):
    r"""A text cell a spreadsheet will not run: one that starts with ``= + - @``, a tab or a carriage
    return gets a leading ``'`` (OWASP's advice for CSV injection). Numbers and other values pass as they are.

    >>> safe_cell("=HYPERLINK(\"http://x\")"), safe_cell("-5"), safe_cell(-5), safe_cell("宁德时代")
    ('\'=HYPERLINK("http://x")', "'-5", -5, '宁德时代')
    """
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


class CSVWriter:
    """csv.writer with LF line ends that also quotes a cell holding a lone CR (the csv module quotes only
    the characters of its line end, so such a cell would otherwise split the row for most readers)."""

    def __init__(self, f, **kw):
        self._plain = csv.writer(f, lineterminator="\n", **kw)
        self._quoted = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_ALL, **kw)

    def writerow(self, row) -> None:
        (self._quoted if any(isinstance(c, str) and "\r" in c for c in row) else self._plain).writerow(row)


def printable(text: str) -> str:
    r"""``text`` with control characters (C0 but tab and newline, DEL, C1: ESC, OSC, CSI, …) shown as
    ``\xNN``, so data cannot move a terminal's cursor, retitle it or hide what it prints.

    >>> printable("a\x1b]0;pwned\x07b\tc")
    'a\\x1b]0;pwned\\x07b\tc'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


_SECRET = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/@:]*):[^\s/@]*@")


def redact(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@host`` masked.

    >>> redact("cannot reach Neo4j at bolt://neo4j:s3cret@db:7687")
    'cannot reach Neo4j at bolt://neo4j:***@db:7687'
    """
    return _SECRET.sub(r"\1:***@", text)


@functools.cache
def _columns(c: str) -> int:
    """Columns one character takes (looked up once per character: tables repeat the same few thousand)."""
    return 2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1


def width(text: str) -> int:
    """Columns a string takes in a terminal: CJK and full-width characters take two."""
    if text.isascii():  # every ASCII character takes one column
        return len(text)
    return sum(map(_columns, text))


def format_value(value, *, digits: int | None = 6, sep: str = "|") -> str:
    """A value as a person reads it: the one formatter for tables, reports, pages and messages.

    A float gets ``digits`` significant digits and grouped thousands, and is written whole from
    ``10 ** (digits - 1)`` up, so no exponent appears (``1234567.0`` -> ``1,234,567``, ``0.125`` -> ``0.125``).
    ``digits=None`` writes every digit without grouping, so a file a person edits reads back as the same
    number. Lists and tuples are joined with ``sep``; ``None`` is empty; anything else is ``str(value)``.

    >>> format_value(1234567.0), format_value(2.5, digits=3), format_value(1500.0, digits=None)
    ('1,234,567', '2.5', '1500')
    >>> format_value(["a", 1.0], sep=", "), format_value(None)
    ('a, 1', '')
    """
    if value is None:
        return ""
    if isinstance(value, float):
        if digits is None:
            if value.is_integer() and abs(value) < 1e18:
                return str(int(value))
            return f"{value:.10f}".rstrip("0").rstrip(".")
        return f"{value:,.{digits}g}" if abs(value) < 10 ** (digits - 1) else f"{value:,.0f}"
    if isinstance(value, (list, tuple)):
        return sep.join(format_value(v, digits=digits, sep=sep) for v in value)
    return str(value)


def _clip(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` columns with an ellipsis (the ellipsis taking the last)."""
    text = " ".join(text.split())
    if text.isascii():  # one column a character: the loop below, in one step
        return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"
    w, cut = 0, 0
    for i, c in enumerate(text):  # stops once past the limit: a cell may hold thousands of names
        w += _columns(c)
        if w <= limit - 1:
            cut = i + 1
        elif w > limit:
            return text[:cut] + "…"
    return text


def render(
    rows: list[dict],
    fmt: str = "table",
    columns: list[str] | None = None,
    *,
    max_width: int = 60,
    data=None,
    raw: bool = False,
) -> str:
    """Rows as text. ``data`` is what JSON shows when it should be richer than the rows. Control
    characters never reach the terminal (escaped in tables and CSV, ``\\u`` escapes in JSON); CSV cells
    are spreadsheet-safe (:func:`safe_cell`) unless ``raw``, which also leaves CSV cells' text as it is."""
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    if fmt == "json":
        # keys sorted: every store gives the same text, whatever order it keeps properties in
        text = json.dumps(rows if data is None else data, ensure_ascii=False, indent=2, default=str, sort_keys=True)
        return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)  # only C1 is left: inside strings
    if fmt == "csv":
        buf = io.StringIO()
        w = CSVWriter(buf)
        w.writerow(columns)
        for r in rows:
            cells = [
                "|".join(map(str, v)) if isinstance(v := r.get(c), (list, tuple)) else "" if v is None else v
                for c in columns
            ]
            w.writerow(cells if raw else [printable(safe_cell(v)) if isinstance(v, str) else v for v in cells])
        return buf.getvalue().rstrip("\n")
    cells = [[_clip(printable(format_value(r.get(c))), max_width) for c in columns] for r in rows]
    head = [printable(c) for c in columns]
    sizes = [[width(v) for v in row] for row in [head, *cells]]  # each cell measured once
    widths = [max([width(c), *col[1:]]) for c, col in zip(columns, zip(*sizes))]

    def line(values, measured):
        return "  ".join(v + " " * (w - n) for v, n, w in zip(values, measured, widths)).rstrip()

    out = [line(head, sizes[0]), line(["-" * w for w in widths], widths)]
    out += [line(row, n) for row, n in zip(cells, sizes[1:])]
    return "\n".join(out)


@dataclass(frozen=True)
class Table:
    """One table of a result as a person reads it: the lines before it, then its rows (None: the lines
    alone), or ``empty`` where there are no rows."""

    rows: list[dict] | None
    columns: list[str] | None = None
    before: tuple[str, ...] = ()
    max_width: int = 60
    empty: str | None = None


@collector_paused()
def show(result, fmt: str = "table", *, raw: bool = False, **view) -> str:
    """Any result as text, in one call: JSON from its ``to_dict()``, CSV from its ``rows()``, a table
    from its ``tables(**view)`` (or its rows). Lines from data are shown with control characters escaped.
    The collector is paused: a large result's rows and cells would set off full collections that walk
    every object an analysis of a large graph left behind."""
    if fmt == "json":
        return render([], "json", data=result.to_dict())
    if fmt == "csv":
        return render(result.rows(), "csv", raw=raw)
    tables = result.tables(**view) if hasattr(result, "tables") else [Table(result.rows())]
    parts: list[str] = []
    for t in tables:
        parts += [printable(redact(line)) for line in t.before]
        if t.rows is None:
            continue
        parts.append(
            render(t.rows, "table", t.columns, max_width=t.max_width) if t.rows or t.empty is None else t.empty
        )
    return "\n".join(parts)


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISREG, "a file"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _lstat(path: Path):
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _no_link(path: Path, st, what: str) -> None:
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise LithiumGraphError(f"{path} is a symbolic link (to {os.readlink(path)}); name the {what} itself")


def file_target(path: str | Path) -> Path:
    """``path`` if a file output may replace it: absent or a regular file. A device, FIFO, socket,
    directory or symbolic link is refused in one line (as root, replacing /dev/null would break the system)."""
    path = Path(path)
    st = _lstat(path)
    _no_link(path, st, "file")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise LithiumGraphError(f"{path} is {_kind(st.st_mode)}, not a regular file; name a file to write")
    return path


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def clean_stale(target: Path) -> None:
    """Remove what dead writers of ``target`` left beside it, putting an old set back if the target is gone."""
    pattern = re.compile(re.escape(f".{target.name}.lg-") + r"(tmp|new|old)-(\d+)-")
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return
    stale = [
        (m.group(1), p)
        for p in entries
        if (m := pattern.match(p.name)) and int(m.group(2)) != os.getpid() and not _alive(int(m.group(2)))
    ]
    for what, p in sorted(stale, key=lambda x: x[0] != "old"):
        if what == "old" and not os.path.lexists(target):
            os.rename(p, target)
        elif p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_open(path: str | Path):
    """A text file to stream into that replaces ``path`` only when the block ends without an error:
    a temporary file in the same folder, then a rename. A crash or a full disk leaves the old file."""
    path = file_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.lg-tmp-{os.getpid()}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            yield f
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; give it the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, text: str) -> None:
    """Write a file whole or not at all."""
    with atomic_open(path) as f:
        f.write(text)


def dir_target(path: str | Path, owns: Callable[[str], bool] | Iterable[str] | None = None) -> Path:
    """``path`` if a set of files may replace it: absent, or a directory holding only names ``owns``
    accepts (a predicate or a collection of names; None accepts anything: the caller has checked)."""
    path = Path(path)
    st = _lstat(path)
    _no_link(path, st, "directory")
    if st is None:
        return path
    if not stat.S_ISDIR(st.st_mode):
        raise LithiumGraphError(f"{path} is {_kind(st.st_mode)}, not a directory; name a directory to write")
    if owns is not None:
        accept = owns if callable(owns) else set(owns).__contains__
        others = sorted(p.name for p in path.iterdir() if not accept(p.name))
        if others:
            more = ", …" if len(others) > 3 else ""
            raise LithiumGraphError(
                f"{path} holds other files ({', '.join(others[:3])}{more}); write into a new or empty directory"
            )
    return path


@contextlib.contextmanager
def staged_dir(path: str | Path, owns: Callable[[str], bool] | Iterable[str] | None = None):
    """A staging directory beside ``path`` to write a set of files into; when the block ends without an
    error it takes ``path``'s place in one rename (an atomic exchange where the system has one), and the
    old set is removed. On an error nothing changes. See :func:`dir_target` for ``owns``."""
    path = dir_target(path, owns)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.lg-new-{os.getpid()}-", dir=path.parent))
    try:
        yield staging
        os.chmod(staging, 0o777 & ~_umask())
        _swap(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(new: Path, path: Path) -> None:
    """Put ``new`` in the place of ``path``; a reader sees the old directory or the new one."""
    if not os.path.lexists(path):
        os.rename(new, path)
    elif _exchange(new, path):
        shutil.rmtree(new)  # it now holds the old set
    else:  # no atomic exchange here: move the old set aside first, so that a crash cannot lose it
        import secrets

        old = path.with_name(f".{path.name}.lg-old-{os.getpid()}-{secrets.token_hex(4)}")
        os.rename(path, old)
        os.rename(new, path)
        shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    import ctypes

    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
