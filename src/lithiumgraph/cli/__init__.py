"""The ``lithiumgraph`` command line: thin click commands over the library, one module per kind of
command. Library modules are imported inside commands so that ``lithiumgraph --help`` stays fast."""

from __future__ import annotations

from . import analyse, cache, graphs, imports, lookup  # noqa: F401  (each adds its commands to the group)
from .base import cli

__all__ = ["cli"]
