"""Where the shipped data lives: ``graph_data/`` and ``imports/`` at the root of a source checkout (the
files people edit), or their copies inside the package (``lithiumgraph/shipped/``) that a built wheel
carries (``setup.py`` copies them there at build time)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["shipped"]

_HERE = Path(__file__).resolve().parent


def shipped(*parts: str) -> Path:
    """The path of shipped data, e.g. ``shipped("graph_data")``: the installed copy where the package has
    one, else the source checkout's."""
    inside = _HERE / "shipped"
    return (inside if inside.is_dir() else _HERE.parents[1]).joinpath(*parts)
