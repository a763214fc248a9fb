"""Checks that span records: unique ids and keys, references (those to a broken file or row counted under
their root cause, not listed), and the rules between fields of one record (units against segments,
valid_from before valid_to, nothing that supplies, owns or contains itself)."""

from __future__ import annotations

from . import columns, model
from .cells import parse_day, parse_number
from .dataset import NODE_CLASSES, Dataset, Row
from .errors import Problem
from .history import last_day
from .units import dimension

__all__ = ["cross_check"]


def cross_check(ds: Dataset, problems: list[Problem]) -> None:
    """Checks that span records: unique ids and keys, references, units against segments. Each class is
    first checked by column; only a class where something may be wrong is checked record by record."""
    ids: dict[str, tuple[str, str, int]] = {}
    for cls in NODE_CLASSES:
        for t in ds.tables(cls):
            for rid, (path, line) in zip(t.values["id"], t.places()):
                if rid in ids:
                    first = ids[rid]
                    problems.append(
                        Problem(path, line, "id", f"duplicate id {rid!r} (first defined at {first[1]}:{first[2]})")
                    )
                else:
                    ids[rid] = (cls.node_kind, path, line)
    kinds = {k: v[0] for k, v in ids.items()}
    segments = {r.record.id: r.record for r in ds.rows[model.Segment]}
    for cls in model.RECORD_FILES.values():
        if not columns.clean(ds, cls, kinds, segments):
            _check_rows(ds, cls, kinds, segments, problems)


def _check_rows(ds: Dataset, cls: type, kinds: dict, segments: dict, problems: list[Problem]) -> None:
    """The cross-record checks of one class, record by record."""

    def bad(row: Row, fld: str, msg: str) -> None:
        problems.append(Problem(row.path, row.line, fld, msg))

    cols = model.columns(cls)
    key = getattr(cls, "key", None)
    seen: dict[tuple, Row] = {}
    for row in ds.rows[cls]:
        rec = row.record
        for attr, c, rules in cols:
            ref, value = rules["ref"], getattr(rec, attr)
            if not ref or not value:
                continue
            for v in value if isinstance(value, tuple) else (value,):
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
                bad(
                    row,
                    ",".join(c for a, c, _ in cols if a in key),
                    f"duplicate key {k!r} (first at {first.path}:{first.line})",
                )
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
            bad(row, "unit" if rec.unit is None else "capacity", "capacity and unit go together: give both or neither")
        seg = segments.get(rec.segment) if rec.segment else None
        if rec.unit and rec.segment is None:
            bad(row, "segment", "a capacity needs the segment it is a capacity of")
        elif rec.unit and seg is not None:
            if not seg.unit:
                bad(row, "unit", f"segment {seg.id!r} has no capacity unit")
            elif dimension(rec.unit) != dimension(seg.unit):
                bad(row, "unit", f"unit {rec.unit!r} does not fit segment {seg.id!r}, which is measured in {seg.unit}")
    vf, vt = getattr(rec, "valid_from", None), getattr(rec, "valid_to", None)
    if vf and vt and parse_day(vf) > last_day(vt):
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
