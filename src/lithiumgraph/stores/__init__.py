"""Store back-ends behind one small interface: every analysis asks a store for its graph.

``memory`` builds the graph from graph_data/ directories (:mod:`.memory`, with Cypher on the embedded
engine of :mod:`.embedded`); ``neo4j`` reads a graph pushed to a server (:mod:`.neo4j`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Protocol, runtime_checkable

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Store", "Result", "MemoryStore", "open_store", "push"]


@dataclass
class Result:
    """A query's answer: column names and rows of plain values (nodes and relationships as dicts)."""

    columns: list[str]
    rows: list[list] = field(default_factory=list)

    def records(self) -> list[dict]:
        return [dict(zip(self.columns, r)) for r in self.rows]


@runtime_checkable
class Store(Protocol):
    """What analyses need of a store: the whole graph, in the canonical networkx form; the part of the graph
    of a day (``as_of``, default today) that a park's analyses read (``park`` an id or a name; with
    ``supplies``, the supply relations of the park's firms and their groups; with ``segments``, what
    recommend scores candidates in those segments with; see :mod:`.parkpart`); and Cypher."""

    def graph(self) -> nx.MultiDiGraph: ...

    def park_graph(
        self,
        park: str,
        *,
        supplies: bool = False,
        segments: Iterable[str] | None = None,
        as_of: str | date | None = None,
    ) -> nx.MultiDiGraph: ...

    def query(
        self, cypher: str, params: dict | None = None, *, write: bool = False, timeout: float | None = None
    ) -> Result: ...

    def close(self) -> None: ...


def open_store(
    kind: str = "memory",
    *,
    data_dirs: Iterable[str | Path] | None = None,
    uri: str | None = None,
    user: str = "neo4j",
    password: str = "",
    database: str | None = None,
    cache: bool = True,
    progress: Callable | None = None,
    warn: Callable[[str], None] | None = None,
) -> Store:
    """Open a store: ``memory`` (graph_data/ built in memory, kept in the cache unless ``cache=False``; see
    :mod:`lithiumgraph.cache`) or ``neo4j`` (a server the graph was pushed to)."""
    if kind == "memory":
        return MemoryStore(data_dirs, cache=cache, progress=progress, warn=warn)
    if kind == "neo4j":
        from ..errors import LithiumGraphError

        _import_driver()
        from .neo4j import Neo4jStore

        if not uri:
            raise LithiumGraphError("the neo4j store needs a uri")
        return Neo4jStore(uri, user, password, database)
    raise ValueError(f"unknown store {kind!r}")


def push(
    G: nx.MultiDiGraph,
    uri: str,
    *,
    user: str = "neo4j",
    password: str = "",
    database: str | None = None,
    replace: bool = False,
    batch: int = 5000,
    workers: int = 2,
    progress: Callable | None = None,
) -> dict:
    """Write ``G`` to the Neo4j server at ``uri`` (see :func:`.neo4j.push`) and close the connection;
    returns the counts of nodes and relationships pushed. ``progress(total)``, called once the server
    has answered, gives a context manager whose value's ``update(n)`` is told of each batch."""
    from .neo4j import connect
    from .neo4jpush import push as _push

    driver = connect(uri, user, password, database)
    try:
        if progress is None:
            return _push(G, driver, database=database, replace=replace, batch=batch, workers=workers, uri=uri)
        with progress(G.number_of_nodes() + G.number_of_edges()) as bar:
            return _push(
                G,
                driver,
                database=database,
                replace=replace,
                batch=batch,
                workers=workers,
                progress=bar.update,
                uri=uri,
            )
    finally:
        driver.close()


from .memory import MemoryStore  # noqa: E402  (it needs Result above)


def _import_driver() -> None:
    """Import the driver without its optional table support (numpy, pandas, pyarrow) unless they are loaded
    already: reads hand it plain values only, and those imports took most of a second of every read
    command on Neo4j. Each stays importable afterwards; only the driver's ``to_df`` goes without pandas."""
    if "neo4j" in sys.modules:
        return
    hidden = [m for m in ("numpy", "pandas", "pyarrow") if m not in sys.modules]
    for m in hidden:
        sys.modules[m] = None  # type: ignore[assignment]  # an import of it fails, and the driver skips it
    try:
        import neo4j  # noqa: F401
    finally:
        for m in hidden:
            if sys.modules.get(m, 0) is None:
                del sys.modules[m]
