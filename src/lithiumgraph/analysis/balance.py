"""Supply-demand balance of a park: material demand implied by local cell capacity against local supply.

Demand (t/yr or m²/yr) = local liquid-electrolyte cell capacity (GWh/yr) x the sourced intensity range
per GWh for the cells' chemistry; where a project's chemistry is not known, the range spans every
chemistry the intensity table has. Supply is the capacity of the park's projects in the material's
segments. Both count operating projects and, unless ``pipeline=False``, those signed, planned or
under construction.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..units import to_base
from .scope import Scope, counts, park_scope

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
    intensity: dict[str, str]      # chemistry -> segment whose Intensity row to use ("*": any chemistry)
    supply: dict[str, float]       # segment -> factor into the material's unit
    note: str = ""


MATERIALS = (
    Material("cathode", "正极材料", "Cathode material",
             {"lfp": "cathode-lfp", "ncm": "cathode-ncm", "ncm811": "cathode-ncm"},
             {"cathode-lfp": 1.0, "cathode-ncm": 1.0, "cathode-other": 1.0}),
    Material("anode", "负极材料", "Anode material", {"*": "anode"}, {"anode": 1.0}),
    Material("electrolyte", "电解液", "Electrolyte", {"*": "electrolyte"}, {"electrolyte": 1.0}),
    Material("lipf6", "六氟磷酸锂", "LiPF6", {"*": "lipf6"}, {"lipf6": 1.0}),
    Material("separator", "隔膜", "Separator", {"*": "separator"}, {"separator": 1.0}),
    Material("copper-foil", "锂电铜箔", "Copper foil", {"*": "copper-foil"}, {"copper-foil": 1.0}),
    Material("aluminium-foil", "电池铝箔", "Aluminium foil", {"*": "aluminium-foil"}, {"aluminium-foil": 1.0}),
    Material("lithium", "锂盐 (碳酸锂当量)", "Lithium salts (LCE)", {"*": "lithium-carbonate"},
             {"lithium-carbonate": 1.0, "lithium-hydroxide": 0.880},
             "LiOH counted as LiOH·H2O: 1 t = 0.880 t LCE (stoichiometry)"),
    Material("al-plastic-film", "铝塑膜", "Aluminium-plastic film", {}, {"al-plastic-film": 1.0},
             "no sourced intensity per GWh; pouch cells only"),
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
    status: str                    # shortfall, surplus, balanced (within the range), no intensity
    intensities: list[str] = field(default_factory=list)   # Intensity node ids behind the demand
    supply_projects: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def shortfall_low(self) -> float | None:
        return None if self.demand_low is None else self.demand_low - self.supply

    @property
    def shortfall_high(self) -> float | None:
        return None if self.demand_high is None else self.demand_high - self.supply

    def row(self) -> dict:
        return {"material": self.material, "name": self.name_zh, "unit": self.unit,
                "demand_low": self.demand_low, "demand_high": self.demand_high, "supply": self.supply,
                "shortfall_low": self.shortfall_low, "shortfall_high": self.shortfall_high,
                "status": self.status, "intensities": self.intensities, "supply_projects": self.supply_projects,
                "sources": self.sources, "note": self.note}


@dataclass
class Balance:
    """A park's balance: the cell capacity it rests on and one row per material."""
    park: str
    pipeline: bool
    cells_gwh: float
    cell_projects: list[str]
    chemistry: dict[str, float]      # chemistry (or "unknown") -> GWh/yr
    excluded: list[str]
    materials: list[MaterialBalance]

    def rows(self) -> list[dict]:
        return [m.row() for m in self.materials]

    def get(self, material: str) -> MaterialBalance | None:
        return next((m for m in self.materials if m.material == material), None)


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
    return (min(d["low"] for _, d in rows), max(d["high"] for _, d in rows), rows[0][1]["unit"],
            sorted(n for n, _ in rows))


def _project_capacity(G, projects, segments, pipeline):
    """Σ capacity in base units of the scope's counted projects per segment, and the projects."""
    total: dict[str, float] = {}
    used: dict[str, list[str]] = {}
    for p in sorted(projects):
        d = G.nodes[p]
        seg = d.get("segment")
        if seg in segments and d.get("capacity") is not None and counts(d.get("status"), pipeline):
            total[seg] = total.get(seg, 0.0) + to_base(d["capacity"], d["unit"])
            used.setdefault(seg, []).append(p)
    return total, used


def balance(G: nx.MultiDiGraph, park: str | Scope, *, pipeline: bool = True) -> Balance:
    """Material demand of a park's cell capacity against its own material capacity.

    >>> from lithiumgraph import load_graph
    >>> b = balance(load_graph(), "yichun-etdz")
    >>> b.get("anode").status in ("shortfall", "surplus", "balanced")
    True
    """
    scope = park if isinstance(park, Scope) else park_scope(G, park)
    table = _intensities(G)
    cells, cell_projects = _project_capacity(G, scope.projects, CELL_SEGMENTS, pipeline)
    by_chem: dict[str, float] = {}
    gwh_projects = []
    for seg, ps in cell_projects.items():
        for p in ps:
            d = G.nodes[p]
            chem = d.get("chemistry") or "unknown"
            by_chem[chem] = by_chem.get(chem, 0.0) + to_base(d["capacity"], d["unit"])
            gwh_projects.append(p)
    excluded = sorted(p for p in scope.projects if G.nodes[p].get("segment") in EXCLUDED_CELLS
                      and counts(G.nodes[p].get("status"), pipeline))
    supply_segments = {s for m in MATERIALS for s in m.supply}
    supply, supply_projects = _project_capacity(G, scope.projects, supply_segments, pipeline)

    out = []
    for m in MATERIALS:
        if not any(seg in G for seg in list(m.supply) + list(m.intensity.values())):
            continue  # a data set whose template lacks the material
        sup = sum(supply.get(s, 0.0) * f for s, f in m.supply.items())
        sp = sorted(p for s in m.supply for p in supply_projects.get(s, []))
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
            lo = hi = 0.0 if r else None
            unit = r[2].replace("/GWh", "/yr") if r else None
        if lo is None:
            status = "no intensity"
            unit = unit or _supply_unit(G, m)
        elif sup < lo:
            status = "shortfall"
        elif sup > hi:
            status = "surplus"
        else:
            status = "balanced"
        ids = sorted(set(ids))
        srcs = list(dict.fromkeys(s for i in ids for s in G.nodes[i].get("sources", [])))
        srcs += [s for p in sorted(set(gwh_projects) | set(sp)) for s in G.nodes[p].get("sources", []) if s not in srcs]
        out.append(MaterialBalance(m.id, m.name_zh, m.name_en, unit, lo, hi, sup, status, ids, sp,
                                   list(dict.fromkeys(srcs)), m.note))
    return Balance(scope.park, pipeline, sum(by_chem.values()), sorted(gwh_projects), by_chem, excluded, out)


def _supply_unit(G, m: Material) -> str | None:
    seg = next(iter(m.supply))
    return G.nodes[seg].get("unit") if seg in G else None
