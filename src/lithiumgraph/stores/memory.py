"""The embedded default store: graph_data/ directories validated and built in memory."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import networkx as nx

from . import Result

__all__ = ["MemoryStore"]


class MemoryStore:
    """The embedded default: graph_data/ directories validated and built in memory."""

    def __init__(self, data_dirs: Iterable[str | Path] | None = None):
        from ..dataset import load
        from ..graph import build_graph

        self._graph = build_graph(load(list(data_dirs) if data_dirs else None))

    def graph(self) -> nx.MultiDiGraph:
        return self._graph

    def query(self, cypher: str, params: dict | None = None, *, write: bool = False,
              timeout: float | None = None) -> Result:
        """Read-only Cypher on the embedded engine (built once from the graph)."""
        from ..cypher import check
        from .embedded import embedded
        check(cypher, write=write)
        if write:
            from ..errors import QueryError
            raise QueryError("the memory store is built from graph_data/ for each command, so a write "
                                    "would be lost: edit the files, or push and write on the neo4j store")
        return embedded(self._graph).run(cypher, params, timeout=timeout)

    def close(self) -> None:
        pass
