"""Supply-demand balance of a park: material demand implied by local cell capacity against local supply.

Demand (t/yr or m²/yr) = local liquid-electrolyte cell capacity (GWh/yr) x the sourced intensity range
per GWh for the cells' chemistry; where a project's chemistry is not known, the range spans every
chemistry the intensity table has. Supply is the capacity of the park's sites in the material's
segments (:mod:`.presence`). Both count operating and expanded sites only; sites being built (construction, trial) are
pipeline, shown in ``supply_pipeline`` with ``include_pipeline=True`` and never summed into supply;
planned, signed, land and uncertain sites are pipeline, listed and never counted.

Unknown stays unknown: a local site without a capacity figure is counted and named, not read as 0.
A status is given only where the figures support it: ``shortfall`` needs every supply site's figure
(missing demand only deepens it), ``surplus`` every cell site's figure, ``balanced`` both; otherwise
the status is ``unknown`` and the note says what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..collector import collector_paused
from .presence import SegmentSites, sites
from .scope import Scope, park_scope

__all__ = ["Material", "MATERIALS", "CELL_SEGMENTS", "MaterialBalance", "Balance", "balance"]

#: Cells whose materials the intensity table describes (liquid-electrolyte lithium-ion cells).
CELL_SEGMENTS = ("cell-power", "cell-storage", "cell-consumer")
#: Cells left out of the demand, and why.
EXCLUDED_CELLS = {"cell-solid-state": "solid-state and semi-solid cells: no sourced intensities"}


@dataclass(frozen=True)
class Material:
    """A balanced material: segments whose intensities give demand, segments (x factor) that supply it."""

    id: str
    name_zh: str
    name_en: str
    intensity: dict[str, str]  # chemistry -> segment whose Intensity row to use ("*": any chemistry)
    supply: dict[str, float]  # segment -> factor into the material's unit
    note: str = ""


MATERIALS = (
    Material(
        "cathode",
        "正极材料",
        "Cathode material",
        {"lfp": "cathode-lfp", "ncm": "cathode-ncm", "ncm811": "cathode-ncm"},
        {"cathode-lfp": 1.0, "cathode-ncm": 1.0, "cathode-other": 1.0},
    ),
    Material("anode", "负极材料", "Anode material", {"*": "anode"}, {"anode": 1.0}),
    Material("electrolyte", "电解液", "Electrolyte", {"*": "electrolyte"}, {"electrolyte": 1.0}),
    Material("lipf6", "六氟磷酸锂", "LiPF6", {"*": "lipf6"}, {"lipf6": 1.0}),
    Material("separator", "隔膜", "Separator", {"*": "separator"}, {"separator": 1.0}),
    Material("copper-foil", "锂电铜箔", "Copper foil", {"*": "copper-foil"}, {"copper-foil": 1.0}),
    Material("aluminium-foil", "电池铝箔", "Aluminium foil", {"*": "aluminium-foil"}, {"aluminium-foil": 1.0}),
    Material(
        "lithium",
        "锂盐 (碳酸锂当量)",
        "Lithium salts (LCE)",
        {"*": "lithium-carbonate"},
        {"lithium-carbonate": 1.0, "lithium-hydroxide": 0.880},
        "LiOH counted as LiOH·H2O: 1 t = 0.880 t LCE (stoichiometry)",
    ),
    Material(
        "al-plastic-film",
        "铝塑膜",
        "Aluminium-plastic film",
        {},
        {"al-plastic-film": 1.0},
        "no sourced intensity per GWh; pouch cells only",
    ),
)


@dataclass
class MaterialBalance:
    """One material: demand range, local supply, and the shortfall (+) or surplus (-) range."""

    material: str
    name_zh: str
    name_en: str
    unit: str | None
    demand_low: float | None
    demand_high: float | None
    supply: float
    status: str  # shortfall, surplus, balanced (within the range), unknown, no intensity
    intensities: list[str] = field(default_factory=list)  # Intensity node ids behind the demand
    supply_projects: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    note: str = ""
    supply_unstated: list[str] = field(default_factory=list)  # local supply sites without a figure
    pipeline: list[str] = field(default_factory=list)  # supply sites not counted: not operating, uncertain
    demand_unstated: int = 0  # local cell sites without a capacity figure: demand is at least the range
    supply_pipeline: float | None = None  # capacity being built (construction, trial), when asked; never in supply
    include_pipeline: bool = False

    @property
    def shortfall_low(self) -> float | None:
        """Demand minus supply at the low end; None where the figures cannot tell (status unknown)."""
        return None if self.demand_low is None or self.status == "unknown" else self.demand_low - self.supply

    @property
    def shortfall_high(self) -> float | None:
        return None if self.demand_high is None or self.status == "unknown" else self.demand_high - self.supply

    def row(self) -> dict:
        return {
            "material": self.material,
            "name": self.name_zh,
            "unit": self.unit,
            "demand_low": self.demand_low,
            "demand_high": self.demand_high,
            "supply": self.supply,
            "shortfall_low": self.shortfall_low,
            "shortfall_high": self.shortfall_high,
            "status": self.status,
            "intensities": self.intensities,
            "supply_projects": self.supply_projects,
            "supply_unstated": self.supply_unstated,
            "pipeline": self.pipeline,
            **({"supply_pipeline": self.supply_pipeline} if self.include_pipeline else {}),
            "sources": self.sources,
            "note": self.note,
        }


@dataclass
class Balance:
    """A park's balance: the cell capacity it rests on and one row per material."""

    park: str
    pipeline: bool
    cells_gwh: float
    cell_projects: list[str]
    chemistry: dict[str, float]  # chemistry (or "unknown") -> GWh/yr
    excluded: list[str]
    materials: list[MaterialBalance]
    cells_unstated: list[str] = field(default_factory=list)  # local cell sites without a figure
    cells_pipeline: list[str] = field(default_factory=list)  # cell sites not counted: not operating, uncertain

    def rows(self) -> list[dict]:
        """One row per material."""
        return [m.row() for m in self.materials]

    def to_dict(self) -> dict:
        """The cell capacity the demand rests on, and every material's row."""
        return {
            "park": self.park,
            "pipeline": self.pipeline,
            "cells_gwh": self.cells_gwh,
            "cell_projects": self.cell_projects,
            "chemistry": self.chemistry,
            "excluded": self.excluded,
            "materials": self.rows(),
        }

    def tables(self) -> list:
        """What the demand rests on, in a line or three, then the materials."""
        from ..output import Table

        lines = [
            f"Demand from {self.cells_gwh:g} GWh/yr of local cells ({', '.join(self.cell_projects) or 'none'}); "
            f"chemistry: {', '.join(f'{k} {v:g} GWh/yr' for k, v in self.chemistry.items()) or 'n/a'}; "
            f"left out: {', '.join(self.excluded) or 'nothing'}"
        ]
        if self.cells_unstated:
            lines.append(
                f"Not computable from figures: {len(self.cells_unstated)} local cell site"
                f"{'s' if len(self.cells_unstated) != 1 else ''} without a capacity figure "
                f"({_few(self.cells_unstated)}); demand is unknown or at least the range shown"
            )
        if self.cells_pipeline:
            lines.append(f"Pipeline, not counted (not operating, or uncertain): {_few(self.cells_pipeline)}")
        return [
            Table(
                self.rows(),
                [
                    "material",
                    "name",
                    "unit",
                    "demand_low",
                    "demand_high",
                    "supply",
                    *(["supply_pipeline"] if self.pipeline else []),
                    "shortfall_low",
                    "shortfall_high",
                    "status",
                    "supply_projects",
                    "supply_unstated",
                    "pipeline",
                ],
                tuple(lines),
            )
        ]

    def get(self, material: str) -> MaterialBalance | None:
        return next((m for m in self.materials if m.material == material), None)


def _few(items: list[str], n: int = 4) -> str:
    """The first ``n`` items and how many more."""
    return ", ".join(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")


def _intensities(G: nx.MultiDiGraph) -> dict[tuple[str, str], tuple[str, dict]]:
    out = {}
    for n, d in G.nodes(data=True):
        if d.get("kind") == "Intensity":
            out[(d["material"], d["chemistry"])] = (n, d)
    return out


def _range(table, material: Material, chemistry: str | None):
    """(low, high, unit, [intensity ids]) per GWh for one chemistry; unknown chemistry -> the envelope."""
    rows = []
    for chem, seg in material.intensity.items():
        for (m, c), (n, d) in table.items():
            if m != seg or (chem != "*" and c != chem):
                continue
            if chemistry is None or c == chemistry or c == "any":
                rows.append((n, d))
    rows = list(dict(rows).items())
    if not rows:
        return None
    return (
        min(d["low"] for _, d in rows),
        max(d["high"] for _, d in rows),
        rows[0][1]["unit"],
        sorted(n for n, _ in rows),
    )


def _site_ids(ss: SegmentSites | None, pipeline: bool = False) -> list[str]:
    return [] if ss is None else [s.row for s in (ss.pipeline if pipeline else ss.present)]


@collector_paused()
def balance(G: nx.MultiDiGraph, park: str | Scope, *, include_pipeline: bool = False) -> Balance:
    """Material demand of a park's cell capacity against its own material capacity.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph (``load_graph()`` or a store's ``graph()``).
    park : str or Scope
        A park or region id, or its scope from :func:`lithiumgraph.scope.park_scope`.
    include_pipeline : bool
        Show capacity being built (construction, trial) in its own ``supply_pipeline`` figure. Supply counts
        operating and expanded sites only either way; planned, signed and land never count.

    Returns
    -------
    Balance
        The cell capacity the demand rests on and one :class:`MaterialBalance` (low-high range) per material.

    Raises
    ------
    NodeNotFound
        ``park`` is not the id of a park in ``G``.

    >>> from lithiumgraph import load_graph
    >>> b = balance(load_graph(), "yichun-etdz")
    >>> b.get("anode").status in ("shortfall", "surplus", "balanced", "unknown")
    True
    """
    scope = park if isinstance(park, Scope) else park_scope(G, park)
    return balance_of(G, scope, sites(G, scope), include_pipeline)


def balance_of(G: nx.MultiDiGraph, scope: Scope, here: dict[str, SegmentSites], include_pipeline: bool) -> Balance:
    """:func:`balance` from the park's sites (:func:`~lithiumgraph.analysis.presence.sites`), when the caller
    has them already (``gaps`` reads them too)."""
    table = _intensities(G)
    by_chem: dict[str, float] = {}
    gwh_projects: list[str] = []
    cells_pipeline: list[str] = []
    unstated_sites: list = []
    for seg in CELL_SEGMENTS:
        ss = here.get(seg)
        if ss is None:
            continue
        for site in ss.present:
            if site.capacity is not None:
                chem = G.nodes[site.row].get("chemistry") or "unknown"
                by_chem[chem] = by_chem.get(chem, 0.0) + site.capacity
                gwh_projects.append(site.row)
        unstated_sites += ss.unstated()
        cells_pipeline += _site_ids(ss, pipeline=True)
    # a firm's location row for storage cells where its project states the power-cell figure: the same works
    stated = {G.nodes[p]["enterprise"] for p in gwh_projects}
    cells_unstated = [s.row for s in unstated_sites if not (s.kind == "location" and s.enterprise in stated)]
    excluded = sorted(r for seg in EXCLUDED_CELLS for r in _site_ids(here.get(seg)))
    out = []
    for m in MATERIALS:
        if not any(seg in G for seg in list(m.supply) + list(m.intensity.values())):
            continue  # a data set whose template lacks the material
        row = _material(G, m, table, by_chem, here, gwh_projects, len(cells_unstated))
        if include_pipeline:
            row.include_pipeline = True
            caps = [c * f for seg, f in m.supply.items() if (ss := here.get(seg)) and (c := ss.pipeline_capacity())]
            row.supply_pipeline = sum(caps) if caps else None
        out.append(row)
    return Balance(
        scope.park,
        include_pipeline,
        sum(by_chem.values()),
        sorted(gwh_projects),
        by_chem,
        excluded,
        out,
        sorted(cells_unstated),
        sorted(cells_pipeline),
    )


def _material(G, m: Material, table, by_chem, here, gwh_projects, n_gaps: int) -> MaterialBalance:
    """One material's row: the ranges, and a status only where the figures support it."""
    demand_gaps = n_gaps > 0
    sup, sp, unstated, pipe = 0.0, [], [], []
    for seg, f in m.supply.items():
        ss = here.get(seg)
        if ss is None:
            continue
        sup += sum(s.capacity for s in ss.present if s.capacity is not None) * f
        sp += [s.row for s in ss.present if s.capacity is not None]
        unstated += [s.row for s in ss.unstated()]
        pipe += _site_ids(ss, pipeline=True)
    lo = hi = None
    unit, ids = None, []
    for chem, gwh in by_chem.items():
        r = _range(table, m, None if chem == "unknown" else chem)
        if r is None:
            continue
        lo = (lo or 0.0) + gwh * r[0]
        hi = (hi or 0.0) + gwh * r[1]
        unit = r[2].replace("/GWh", "/yr")
        ids += r[3]
    if not by_chem:
        r = _range(table, m, None)
        lo = hi = (None if demand_gaps else 0.0) if r else None
        unit = r[2].replace("/GWh", "/yr") if r else None
        ids += r[3] if r and demand_gaps else []
    notes = [m.note] if m.note else []
    if demand_gaps:
        notes.append(
            f"demand {'at least the range shown' if lo else 'unknown'}: "
            f"{n_gaps} local cell site{'s' if n_gaps != 1 else ''} without a capacity figure"
        )
    if unstated:
        notes.append(
            f"supply {f'at least {sup:,.0f}' if sp else 'unknown'}: {len(unstated)} local "
            f"site{'s' if len(unstated) != 1 else ''} "
            f"without a capacity figure ({', '.join(sorted(unstated))})"
        )
    if lo is None and not (demand_gaps and _range(table, m, None)):
        status = "no intensity"
        unit = unit or _supply_unit(G, m)
    elif lo is not None and sup < lo and not unstated:
        status = "shortfall"
    elif lo is not None and hi is not None and sup > hi and not demand_gaps:
        status = "surplus"
    elif lo is not None and hi is not None and lo <= sup <= hi and not unstated and not demand_gaps:
        status = "balanced"
    else:
        status = "unknown"
    ids = sorted(set(ids))
    srcs = list(dict.fromkeys(s for i in ids for s in G.nodes[i].get("sources", [])))
    srcs += [s for p in sorted(set(gwh_projects) | set(sp)) for s in G.nodes[p].get("sources", []) if s not in srcs]
    return MaterialBalance(
        m.id,
        m.name_zh,
        m.name_en,
        unit,
        lo,
        hi,
        sup,
        status,
        ids,
        sorted(sp),
        list(dict.fromkeys(srcs)),
        "; ".join(notes),
        sorted(unstated),
        sorted(pipe),
        n_gaps,
    )


def _supply_unit(G, m: Material) -> str | None:
    seg = next(iter(m.supply))
    return G.nodes[seg].get("unit") if seg in G else None
