"""Units of capacity and figures: each name maps to a dimension and a factor to the dimension's base unit."""

from __future__ import annotations

__all__ = ["UNITS", "CAPACITY_DIMENSIONS", "to_base", "dimension"]

# name -> (dimension, factor to the base unit of that dimension)
UNITS: dict[str, tuple[str, float]] = {
    # capacities (per year)
    "t/yr": ("mass/yr", 1.0),
    "kt/yr": ("mass/yr", 1e3),
    "万t/yr": ("mass/yr", 1e4),
    "GWh/yr": ("energy/yr", 1.0),
    "MWh/yr": ("energy/yr", 1e-3),
    "m²/yr": ("area/yr", 1.0),
    "万m²/yr": ("area/yr", 1e4),
    "亿m²/yr": ("area/yr", 1e8),
    "vehicles/yr": ("vehicles/yr", 1.0),
    "万vehicles/yr": ("vehicles/yr", 1e4),
    "sets/yr": ("sets/yr", 1.0),
    # stocks and one-off figures
    "t": ("mass", 1.0),
    "kt": ("mass", 1e3),
    "GWh": ("energy", 1.0),
    "m²": ("area", 1.0),
    "vehicles": ("vehicles", 1.0),
    "yuan": ("money", 1.0),
    "USD": ("money-USD", 1.0),  # other currencies are kept apart: no rate is assumed
    "million USD": ("money-USD", 1e6),
    "mu": ("land", 1.0),
    "count": ("count", 1.0),
    "%": ("percent", 1.0),
    "date": ("date", 1.0),
    # material intensities
    "t/GWh": ("mass/energy", 1.0),
    "t LCE/GWh": ("mass/energy", 1.0),
    "m²/GWh": ("area/energy", 1.0),
}

CAPACITY_DIMENSIONS = ("mass/yr", "energy/yr", "area/yr", "vehicles/yr", "sets/yr")
BASE = {
    "mass/yr": "t/yr",
    "energy/yr": "GWh/yr",
    "area/yr": "m²/yr",
    "vehicles/yr": "vehicles/yr",
    "sets/yr": "sets/yr",
}


def dimension(unit: str) -> str:
    """The dimension of a known unit, e.g. ``'t/yr' -> 'mass/yr'``."""
    return UNITS[unit][0]


def to_base(value: float, unit: str) -> float:
    """Convert a value in ``unit`` to the base unit of its dimension (``5 万t/yr -> 50000 t/yr``)."""
    return value * UNITS[unit][1]
