"""What every import shares: merging onto the names already in the data, ids made from names, and
writing a data directory whole or not at all."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

from .. import model
from ..errors import DataError, LithiumGraphError, Problem
from ..names import _norm
from ..output import atomic_open

__all__ = ["problem", "slug", "name_index", "output_dir", "write_data_dir", "MARKER"]


def problem(path, line, fld, msg) -> DataError:
    """A DataError holding one problem."""
    return DataError([Problem(str(path), line, fld, msg)])


def slug(text: str) -> str:
    """An id fragment from a name: ASCII letters and digits, else a hash of the name."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    if not s:
        import hashlib

        s = "x" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return s


def name_index(ds) -> dict[str, set[str]]:
    """Normalised names, aliases and listed codes of the enterprises already in dataset ``ds``."""
    index: dict[str, set[str]] = {}
    for row in ds.rows[model.Enterprise]:
        e = row.record
        for name in (e.name_zh, e.name_en, e.listed_code, *e.aliases):
            if name:
                index.setdefault(_norm(name), set()).add(e.id)
    return index


#: Written into every import's directory: what lets the next import replace it without --force.
MARKER = ".lithiumgraph-import"


def output_dir(outdir: str | Path, extra: set[str], *, force: bool = False) -> Path:
    """The directory an import may write: new, empty, or one an earlier import wrote (it holds
    :data:`MARKER` and only what an import writes). Data files no import wrote, curated ones such as
    ``graph_data/``, are replaced only with ``force``; a symbolic link or a file is never written through."""
    from ..output import dir_target

    outdir = dir_target(Path(outdir).absolute())
    if force or not outdir.exists():
        return outdir
    names = {p.name for p in outdir.iterdir()}
    other = sorted(names - set(model.RECORD_FILES) - extra - {MARKER})
    if other or (names and MARKER not in names):
        listed = ", ".join((other or sorted(names))[:3]) + (", …" if len(other or names) > 3 else "")
        what = "other files" if other else "data files no import wrote"
        raise LithiumGraphError(
            f"{outdir} holds {what} ({listed}); import into a new or empty directory, "
            "or pass force=True to replace what is there"
        )
    return outdir


def write_data_dir(outdir: Path, files: dict[str, list[dict]], against: list[Path], extra=None) -> None:
    """Write the record files (and ``extra(staging)``) to a staging directory, validate it on top of
    ``against``, then swap it in for ``outdir`` in one rename: an import is whole or absent, and a crash
    never loses the import that was there (see :func:`lithiumgraph.output.staged_dir`)."""
    from ..dataset import load
    from ..output import staged_dir

    with staged_dir(outdir) as staging:
        for name, rows in files.items():
            header = [c for _, c, _ in model.columns(model.RECORD_FILES[name])]
            with atomic_open(staging / name) as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                for r in rows:
                    w.writerow([r.get(c, "") for c in header])
        if extra:
            extra(staging)
        (staging / MARKER).write_text(
            "written by lithiumgraph import; the next import into this directory replaces it\n", encoding="utf-8"
        )
        load([*against, staging])  # the import must validate on top of what it was matched against
