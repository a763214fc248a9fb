"""Store back-ends behind one small interface: every analysis asks a store for its graph."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Protocol, runtime_checkable

import networkx as nx

__all__ = ["Store", "MemoryStore", "open_store"]


@runtime_checkable
class Store(Protocol):
    """What analyses need of a store: the whole graph, in the canonical networkx form."""

    def graph(self) -> nx.MultiDiGraph: ...

    def close(self) -> None: ...


class MemoryStore:
    """The embedded default: graph_data/ directories validated and built in memory."""

    def __init__(self, data_dirs: Iterable[str | Path] | None = None):
        from ..dataset import load
        from ..graph import build_graph

        self._graph = build_graph(load(list(data_dirs) if data_dirs else None))

    def graph(self) -> nx.MultiDiGraph:
        return self._graph

    def close(self) -> None:
        pass


def open_store(kind: str = "memory", *, data_dirs: Iterable[str | Path] | None = None) -> Store:
    """Open a store by name; only ``memory`` (the embedded networkx store) exists so far."""
    if kind == "memory":
        return MemoryStore(data_dirs)
    raise ValueError(f"unknown store {kind!r}")
