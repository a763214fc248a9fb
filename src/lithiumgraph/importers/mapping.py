"""Mapping files: what an outside table's columns and values mean (the source, the id prefix, which
column is the company, the stage, the place, ...), read from YAML and checked before any row is read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError, Problem
from ..units import UNITS
from .common import problem

__all__ = ["Mapping", "read_mapping"]

_KEYS = {
    "source",
    "id_prefix",
    "filter",
    "columns",
    "stages",
    "stage_separator",
    "settled",
    "licence",
    "investment_unit",
    "missing",
    "bad_values",
    "periods",
}
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
    licence: Path | None = None  # checked: a file inside the mapping's directory
    investment_unit: str | None = None
    missing: tuple = ("", "0", "TBD", "N/A", "n/a")
    bad_values: str = "refuse"  # or "report": a bad number is left out and listed, the row kept
    lines: dict = field(default_factory=dict)  # the line of each key, for messages
    #: value of the date column -> {valid_from, note}: the date a facility of that period is dated from
    periods: dict = field(default_factory=dict)


#: The type each key's value must have; lists and maps say what they hold.
_TYPES = {
    "source": ("a map of id, title, address, …", dict, str),
    "id_prefix": ("text", str, None),
    "columns": ("a map of column names", dict, (str, list)),
    "stages": ("a map of table values to segment ids", dict, (str, type(None))),
    "stage_separator": ("text", str, None),
    "filter": ("a map of column to values", dict, (str, list)),
    "settled": ("a map of table names to enterprise ids", dict, str),
    "licence": ("a file name", str, None),
    "investment_unit": ("a unit", str, None),
    "missing": ("a list of values", list, (str, int, float)),
    "bad_values": ("refuse or report", str, None),
    "periods": ("a map of date-column values to {valid_from, note}", dict, dict),
}


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
                ok = (
                    isinstance(v, inner)
                    and not isinstance(v, bool)
                    and (not isinstance(v, list) or all(isinstance(x, (str, int, float)) for x in v))
                )
                if not ok or not isinstance(k, (str, int, float)) or isinstance(k, bool) and outer is dict:
                    out.append(
                        Problem(
                            str(path),
                            lines.get(f"{key}.{k}", lines.get(key, 0)),
                            f"{key}.{k}",
                            f"expected {what}, got {type(v).__name__}",
                        )
                    )
    return out


def _licence(path: Path, name, line: int) -> Path:
    """The licence file a mapping names: a regular file inside the mapping's own directory."""
    base = path.parent.resolve()
    target = (base / str(name)).resolve()
    if base not in target.parents or not target.is_file():
        raise problem(path, line, "licence", f"{name!r} is not a file inside {base}")
    return target


def _value_problems(path: Path, raw: dict, lines: dict[str, int]) -> list[Problem]:
    """Values of the right type that still do not fit: source fields, column names, the id prefix, units, periods."""
    problems: list[Problem] = []
    src, cols = raw["source"], raw["columns"]
    if not all(src.get(k) for k in ("id", "title", "address")):
        problems.append(Problem(str(path), lines.get("source", 0), "source", "needs id, title and address"))
    if "company" not in cols:
        problems.append(Problem(str(path), lines.get("columns", 0), "columns", "needs at least company"))
    elif unknown := sorted(set(cols) - _COLUMNS):
        problems.append(
            Problem(
                str(path),
                lines.get("columns", 0),
                "columns",
                f"unknown {', '.join(unknown)}; expected {', '.join(sorted(_COLUMNS))}",
            )
        )
    prefix = str(raw["id_prefix"])
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", prefix):
        problems.append(
            Problem(
                str(path),
                lines.get("id_prefix", 0),
                "id_prefix",
                f"invalid prefix {prefix!r} (lower-case letters, digits, '-')",
            )
        )
    if raw.get("bad_values", "refuse") not in ("refuse", "report"):
        problems.append(Problem(str(path), lines.get("bad_values", 0), "bad_values", "expected refuse or report"))
    unit = raw.get("investment_unit")
    if unit is not None and unit not in UNITS:
        problems.append(
            Problem(str(path), lines.get("investment_unit", 0), "investment_unit", f"unknown unit {unit!r}")
        )
    for k, v in (raw.get("periods") or {}).items():
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(v.get("valid_from", ""))) or not v.get("note"):
            problems.append(
                Problem(
                    str(path),
                    lines.get(f"periods.{k}", lines.get("periods", 0)),
                    f"periods.{k}",
                    "needs valid_from (YYYY, YYYY-MM or YYYY-MM-DD) and a note saying how it is derived",
                )
            )
    return problems


def read_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file; DataError names the file, line and key of each problem."""
    from .yamlfile import load

    path = Path(path)
    raw, lines = load(path)
    if not isinstance(raw, dict):
        raise problem(path, 1, "file", "expected a mapping of keys (source, id_prefix, columns, stages, ...)")
    problems = [
        Problem(str(path), lines.get(str(k), 0), str(k), f"unknown key; expected {', '.join(sorted(_KEYS))}")
        for k in raw
        if k not in _KEYS
    ]
    problems += [
        Problem(str(path), 0, k, "missing required key")
        for k in ("source", "id_prefix", "columns", "stages")
        if k not in raw
    ]
    problems += _type_problems(path, raw, lines)
    if problems:
        raise DataError(problems)
    problems = _value_problems(path, raw, lines)
    if problems:
        raise DataError(problems)
    src, stages, prefix, unit = raw["source"], raw["stages"], str(raw["id_prefix"]), raw.get("investment_unit")
    licence = _licence(path, raw["licence"], lines.get("licence", 0)) if raw.get("licence") else None
    return Mapping(
        path,
        src,
        prefix,
        raw["columns"],
        {str(k): v for k, v in stages.items()},
        str(raw.get("stage_separator", ";")),
        raw.get("filter") or {},
        raw.get("settled") or {},
        licence,
        unit,
        tuple(str(x) for x in raw.get("missing", Mapping.missing)),
        raw.get("bad_values", "refuse"),
        lines,
        {
            str(k): {"valid_from": str(v["valid_from"]), "note": str(v["note"])}
            for k, v in (raw.get("periods") or {}).items()
        },
    )
