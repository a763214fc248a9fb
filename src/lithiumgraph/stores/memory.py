"""The embedded default store: graph_data/ directories validated and built in memory, kept on disk between
commands by :mod:`lithiumgraph.cache`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from . import Result

if TYPE_CHECKING:
    import networkx as nx

    from .embedded import Embedded

__all__ = ["MemoryStore"]


class MemoryStore:
    """The embedded default: graph_data/ directories validated and built in memory.

    With ``cache`` (the default) the validated graph, today's snapshot and the Cypher engine's database are
    read from the cache when the files are unchanged; invalid data raise DataError on opening either way.
    ``progress`` and ``warn`` are handed to :class:`lithiumgraph.cache.GraphCache`.
    """

    def __init__(
        self,
        data_dirs: Iterable[str | Path] | None = None,
        *,
        cache: bool = True,
        progress: Callable | None = None,
        warn: Callable[[str], None] | None = None,
    ):
        from ..cache import GraphCache

        self._source = GraphCache(list(data_dirs) if data_dirs else None, enabled=cache, progress=progress, warn=warn)
        self._source.ready()
        self._engine: Embedded | None = None

    def graph(self) -> nx.MultiDiGraph:
        return self._source.graph()

    def snapshot(self, day: str | date | None = None) -> nx.MultiDiGraph:
        """The graph as known and true on ``day`` (default today, which the cache keeps)."""
        return self._source.snapshot(day)

    def stats(self, day: str | date | None = None):
        """The figures of ``stats`` on the graph of ``day`` (today's are kept in the cache)."""
        return self._source.stats(day)

    def park_graph(
        self,
        park: str,
        *,
        supplies: bool = False,
        segments: Iterable[str] | None = None,
        as_of: str | date | None = None,
    ) -> nx.MultiDiGraph:
        """What the park analyses read for ``park`` (an id or a name) in the graph of ``as_of`` (default
        today; see :func:`.parkpart.read_park` for ``supplies`` and ``segments``). Today's part is kept in the
        cache, so a command asking for the same park again reads that small file, not the graph."""
        from .parkpart import part_of

        segs = None if segments is None else sorted(set(segments))
        name = f"park {park!r} supplies {supplies} segments {segs!r}"
        return self._source.part(name, lambda G: part_of(G, park, supplies=supplies, segments=segs), as_of)

    def query(
        self, cypher: str, params: dict | None = None, *, write: bool = False, timeout: float | None = None
    ) -> Result:
        """Read-only Cypher on the embedded engine (opened from the cache, or built once from the graph)."""
        from ..cypher import check

        check(cypher, write=write)
        if write:
            from ..errors import QueryError

            raise QueryError(
                "the memory store is built from graph_data/ for each command, so a write "
                "would be lost: edit the files, or push and write on the neo4j store"
            )
        if self._engine is None:
            self._engine = self._source.engine()
        return self._engine.run(cypher, params, timeout=timeout)

    def close(self) -> None:
        if self._engine is not None and self._source.enabled:  # an engine opened from the cache
            self._engine.close()
        self._engine = None
