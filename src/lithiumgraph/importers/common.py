"""What every import shares: merging onto the names already in the data, ids made from names, and
writing a data directory whole or not at all."""
from __future__ import annotations

import csv
import re
import shutil
import unicodedata
from pathlib import Path

from .. import model
from ..errors import DataError, LithiumGraphError, Problem
from ..names import _norm
from ..output import atomic_open

__all__ = ["problem", "slug", "name_index", "output_dir", "write_data_dir"]


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


def output_dir(outdir: str | Path, extra: set[str]) -> Path:
    """The directory an import may write: new, empty, or holding only what an import writes."""
    outdir = Path(outdir).resolve()
    allowed = set(model.RECORD_FILES) | extra
    if outdir.exists() and (not outdir.is_dir() or any(p.name not in allowed for p in outdir.iterdir())):
        raise LithiumGraphError(f"{outdir} exists and holds other files; import into a new or empty directory "
                                "(or one an earlier import wrote)")
    return outdir


def write_data_dir(outdir: Path, files: dict[str, list[dict]], against: list[Path], extra=None) -> None:
    """Write the record files (and ``extra(staging)``) to a staging directory, validate it on top of
    ``against``, then put it in place of ``outdir``: an import is whole or absent."""
    from ..dataset import load
    staging = outdir.with_name(f".{outdir.name}.staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for name, rows in files.items():
            header = [c for _, c, _ in model.columns(model.RECORD_FILES[name])]
            with atomic_open(staging / name) as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                for r in rows:
                    w.writerow([r.get(c, "") for c in header])
        if extra:
            extra(staging)
        load([*against, staging])  # the import must validate on top of what it was matched against
        if outdir.exists():
            shutil.rmtree(outdir)
        staging.rename(outdir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


