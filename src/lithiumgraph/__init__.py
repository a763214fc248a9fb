"""lithiumgraph: a sourced knowledge graph of the lithium-battery industry chain.

Importing the package is cheap; heavy modules load when first used.
"""
from __future__ import annotations

__all__ = ["load", "load_graph", "build_graph", "resolve", "search", "stats", "describe", "query", "open_store",
           "LithiumGraphError", "DataError", "NodeNotFound", "AmbiguousName", "QueryError", "StoreUnavailable"]
__version__ = "0.1.0"

from .errors import AmbiguousName, DataError, LithiumGraphError, NodeNotFound, QueryError, StoreUnavailable


def load(dirs=None):
    """Read and validate ``graph_data/`` directories (default: the shipped data) into a Dataset."""
    from .dataset import load as _load
    return _load(dirs)


def load_graph(dirs=None, *, as_of=None):
    """Load data directories and build the networkx MultiDiGraph every analysis reads, as known and true
    on ``as_of`` (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a date; default today; see
    :func:`lithiumgraph.timeline.snapshot`)."""
    from .graph import build_graph as _build
    from .timeline import snapshot
    return snapshot(_build(load(dirs)), as_of)


def query(G, cypher: str, params: dict | None = None, *, timeout: float | None = None):
    """Run read-only Cypher on graph ``G`` with the embedded engine; rows as in ``lithiumgraph query``.

    >>> G = load_graph()
    >>> query(G, "MATCH (s)-[:SUPPLIES]->(c {id: $id}) RETURN s.id", {"id": "catl"}).rows
    [['shenghua']]
    """
    from .stores.embedded import embedded
    return embedded(G).run(cypher, params, timeout=timeout)


def open_store(kind: str = "memory", **options):
    """A store (``memory`` or ``neo4j``) whose ``graph()`` and ``query()`` every analysis can use."""
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
