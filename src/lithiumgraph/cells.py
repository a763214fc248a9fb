"""One CSV cell into a typed value by its column's rules (id, list, number, percent, date, unit, choice),
with one short message when it does not fit; the data reader adds the file, row and field."""

from __future__ import annotations

import math
import re
import sys
from datetime import date
from typing import Mapping

from . import model
from .units import CAPACITY_DIMENSIONS, UNITS, dimension

__all__ = ["ID_RE", "NUMBER_RE", "DATE_RE", "CONTROL_RE", "MAX_NUMBER", "parse_cell", "parse_number", "parse_day"]

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._:-]*$")
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")  # and the two non-characters
MAX_NUMBER = 1e15


def parse_cell(cell: str, rules: Mapping, today: date | None = None):
    """One cell to a Python value by its column's rules; ValueError with a short message."""
    text = cell.strip()
    kind = rules["type"]
    if m := CONTROL_RE.search(text):
        raise ValueError(f"contains a control character (U+{ord(m.group()):04X})")
    if not text:
        if rules["required"]:
            raise ValueError("missing required value")
        return () if kind == "list" else None
    if kind == "id" and not ID_RE.match(text):
        raise ValueError(f"invalid id {text!r} (use lower-case letters, digits, '.', '_', '-', ':')")
    if kind == "list":
        items = tuple(sys.intern(t.strip()) for t in text.split("|"))
        if any(not t for t in items):
            raise ValueError(f"empty item in list {text!r}")
        return _shared(items)
    if kind in ("number", "percent"):
        value = parse_number(text)
        if kind == "percent" and value > 100:
            raise ValueError(f"share {text} is over 100%")
        return value
    if kind == "date" and parse_day(text) > (today or date.today()):
        raise ValueError(f"date {text!r} is after today ({today or date.today()})")
    if kind in ("unit", "capacity_unit"):
        if text not in UNITS:
            raise ValueError(f"unknown unit {text!r}; known: {', '.join(UNITS)}")
        if kind == "capacity_unit" and dimension(text) not in CAPACITY_DIMENSIONS:
            raise ValueError(f"{text!r} is not a capacity unit (t/yr, GWh/yr, m²/yr, vehicles/yr, sets/yr, ...)")
    if rules["choices"] is model.STATUSES and text in model.OLD_STATUSES:
        raise ValueError(f"old status {text!r}: it is now {model.OLD_STATUSES[text]!r}")
    if rules["choices"] and text not in rules["choices"]:
        raise ValueError(f"unknown value {text!r}; expected one of {', '.join(rules['choices'])}")
    # ids, references, units and choices repeat across many rows: one string object each
    return sys.intern(text) if kind != "text" or rules["ref"] or rules["choices"] else text


_SHARED: dict[tuple, tuple] = {}


def _shared(items: tuple) -> tuple:
    """One tuple object per distinct list (source lists repeat on thousands of rows)."""
    if len(_SHARED) > 100_000:
        _SHARED.clear()
    return _SHARED.setdefault(items, items)


def parse_number(text: str) -> float:
    """A plain decimal number, finite, not negative, at most ``MAX_NUMBER``; ValueError otherwise."""
    if not NUMBER_RE.match(text):
        raise ValueError(f"malformed number {text!r}")
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise ValueError(f"number {text} is out of range")
    if value < 0:
        raise ValueError(f"negative number {text}")
    return value


def parse_day(text: str) -> date:
    """The first day of a date of any precision; ValueError if it is malformed or impossible."""
    m = DATE_RE.match(text)
    if not m:
        raise ValueError(f"malformed date {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    y, mo, d = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"impossible date {text!r}") from None
