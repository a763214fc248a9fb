"""Store back-ends behind one small interface: every analysis asks a store for its graph."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Protocol, runtime_checkable

import networkx as nx

if TYPE_CHECKING:
    from ..cypher import Result

__all__ = ["Store", "MemoryStore", "open_store"]


@runtime_checkable
class Store(Protocol):
    """What analyses need of a store: the whole graph, in the canonical networkx form, and Cypher."""

    def graph(self) -> nx.MultiDiGraph: ...

    def query(self, cypher: str, params: dict | None = None, *, write: bool = False,
              timeout: float | None = None) -> Result: ...

    def close(self) -> None: ...


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
        from ..cypher import check, embedded
        check(cypher, write=write)
        if write:
            from ..errors import LithiumGraphError
            raise LithiumGraphError("the memory store is built from graph_data/ for each command, so a write "
                                    "would be lost: edit the files, or push and write with --store neo4j")
        return embedded(self._graph).run(cypher, params, timeout=timeout)

    def close(self) -> None:
        pass


def open_store(kind: str = "memory", *, data_dirs: Iterable[str | Path] | None = None, uri: str | None = None,
               user: str = "neo4j", password: str = "", database: str | None = None) -> Store:
    """Open a store: ``memory`` (graph_data/ built in memory) or ``neo4j`` (a server the graph was pushed to)."""
    if kind == "memory":
        return MemoryStore(data_dirs)
    if kind == "neo4j":
        from ..errors import LithiumGraphError
        from .neo4j import Neo4jStore
        if not uri:
            raise LithiumGraphError("--store neo4j needs --neo4j-uri or NEO4J_URI")
        return Neo4jStore(uri, user, password, database)
    raise ValueError(f"unknown store {kind!r}")
