"""lithiumgraph: a sourced knowledge graph of the lithium-battery industry chain.

Importing the package is cheap; heavy modules load when first used.
"""

from __future__ import annotations

__all__ = [
    "load",
    "load_graph",
    "build_graph",
    "resolve",
    "search",
    "stats",
    "describe",
    "query",
    "open_store",
    "LithiumGraphError",
    "DataError",
    "NodeNotFound",
    "AmbiguousName",
    "QueryError",
    "StoreUnavailable",
]
__version__ = "0.1.0"

from .errors import AmbiguousName, DataError, LithiumGraphError, NodeNotFound, QueryError, StoreUnavailable


def load(dirs=None):
    """Read and validate ``graph_data/`` directories (default: the shipped data) into a Dataset.

    Parameters
    ----------
    dirs : str, Path or list of them, optional
        Data directories, later ones layered over earlier ones; default the curated data.

    Returns
    -------
    Dataset
        Every record with the file and line it came from.

    Raises
    ------
    DataError
        One line per bad value (file, row, field), root causes first.
    """
    from .dataset import load as _load

    return _load(dirs)


def load_graph(dirs=None, *, as_of=None, cache=True):
    """Load data directories and build the networkx MultiDiGraph every analysis reads, as known and true
    on ``as_of``. The validated graph is kept on disk and read back while the files are unchanged (see
    :mod:`lithiumgraph.cache`).

    Parameters
    ----------
    dirs : str, Path or list of them, optional
        Data directories, later ones layered over earlier ones; default the curated data.
    as_of : str or datetime.date, optional
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a period means its last day); default today. See
        :func:`lithiumgraph.timeline.snapshot`.
    cache : bool, default True
        Read the graph from the cache when the files are unchanged, and keep it there after a build;
        False validates and builds afresh and writes nothing.

    Returns
    -------
    networkx.MultiDiGraph
        One node per entity, one edge per relation, each with its sources.

    Raises
    ------
    DataError
        The data does not validate.
    LithiumGraphError
        ``as_of`` is not a date.
    """
    from .cache import GraphCache

    return GraphCache(dirs, enabled=cache).snapshot(as_of)


def query(G, cypher: str, params: dict | None = None, *, timeout: float | None = None):
    """Run read-only Cypher on graph ``G`` with the embedded engine; rows as in ``lithiumgraph query``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph (``load_graph()`` or a store's ``graph()``).
    cypher : str
        One read-only statement; writes and procedures are refused.
    params : dict, optional
        Values for the statement's ``$name`` parameters.
    timeout : float, optional
        Seconds the engine may run before the query is stopped.

    Returns
    -------
    Result
        ``columns`` and ``rows`` of plain values (nodes and relationships as dicts).

    Raises
    ------
    QueryError
        The statement writes, does not parse, or runs past ``timeout``.

    >>> G = load_graph()
    >>> query(G, "MATCH (s)-[:SUPPLIES]->(c {id: $id}) RETURN s.id", {"id": "catl"}).rows
    [['shenghua']]
    """
    from .stores.embedded import embedded

    return embedded(G).run(cypher, params, timeout=timeout)


def open_store(kind: str = "memory", **options):
    """A store (``memory`` or ``neo4j``) whose ``graph()`` and ``query()`` every analysis can use.

    Parameters
    ----------
    kind : str
        ``memory`` (the data directories built in memory) or ``neo4j`` (a server the graph was pushed to).
    **options
        ``data_dirs`` and ``cache`` (default True: keep the validated graph on disk, see
        :mod:`lithiumgraph.cache`) for ``memory``; ``uri``, ``user``, ``password``, ``database`` for ``neo4j``.

    Returns
    -------
    Store
        ``graph()``, ``query()`` and ``close()``.

    Raises
    ------
    LithiumGraphError
        A ``neo4j`` store without a ``uri``.
    ValueError
        An unknown ``kind``.
    """
    from .stores import open_store as _open

    return _open(kind, **options)


def __getattr__(name):
    if name == "build_graph":
        from .graph import build_graph

        return build_graph
    if name in ("resolve", "search"):
        from . import names

        return getattr(names, name)
    if name in ("stats", "describe"):
        from . import summary

        return getattr(summary, name)
    raise AttributeError(f"module 'lithiumgraph' has no attribute {name!r}")
