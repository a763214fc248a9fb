"""Which facts rest only on C-grade sources (mirrors and aggregators), so that an answer they decide says so.

A fact is *C-only* when it cites at least one source and every source it cites is graded ``C`` in
``sources.csv``. Such a fact still counts (it is often the only one there is), but a segment status or a
score part it decides is marked with :data:`C_ONLY`, so a reader knows to look for the original.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

__all__ = ["C_ONLY", "c_only"]

#: The words that mark an answer resting only on C-grade sources.
C_ONLY = "C-grade source only"


def c_only(G: nx.MultiDiGraph, sources: Iterable[str]) -> bool:
    """Whether ``sources`` is not empty and each of them is a Source node of the graph graded C."""
    cited = list(sources)
    return bool(cited) and all(G.nodes[s].get("quality") == "C" if s in G else False for s in cited)
