"""The build's edges, gathered a file at a time, put into the graph, and kept as the edge table.

:class:`Build` gathers nodes and edges in batches, one per file (or part of one), with each edge's key
and provenance class coded from the file's columns; :func:`put_nodes` and :func:`put_edges` put them into
a networkx graph without copying their property dicts; :class:`EdgeTable` is every edge as columns, which
a day's snapshot reads instead of the edges' dicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat

import networkx as nx
import numpy as np

from .columns import Table

__all__ = ["Build", "EdgeTable", "put_nodes", "put_edges"]


class Build:
    """Nodes and edges gathered a file at a time; an edge's key is its kind, numbered when one pair has
    several edges of a kind (two products). Edges are kept in batches, one per call, each with its keys
    and provenance classes as codes (the :class:`EdgeTable`'s columns, made from the files' columns)."""

    def __init__(self) -> None:
        self.nodes: list[tuple[str, dict]] = []
        self.batches: list[tuple[list, list, "str | list[str]", list[dict], np.ndarray, np.ndarray]] = []
        self.seen: dict[str, dict[tuple[str, str], int]] = {}
        self.keys: dict[str, int] = {}
        self.classes: dict[tuple, int] = {}

    def add_nodes(self, ids, dicts: list[dict]) -> None:
        self.nodes.extend(zip(ids, dicts))

    def add_edges(self, us, vs, kinds, dicts: list[dict], t: Table, role=None, rows=None) -> None:
        """Edges ``us[i] -> vs[i]`` of ``kinds`` (one kind for all, or one per edge), ``dicts`` starting
        with their ``kind``; ``t``'s rows (``rows`` of them, or all) carry their provenance, ``role`` (one
        for all, or a column) the ``role`` they have."""
        n = len(dicts)
        cls = self._classes(
            [kinds, role] + [[x[i] for i in rows] if rows is not None and x else x for x in _class_columns(t)], n
        )
        keys: str | list[str]
        if isinstance(kinds, str):
            pairs = list(zip(us, vs))
            seen = self.seen.setdefault(kinds, {})
            if len(set(pairs)) == len(pairs) and seen.keys().isdisjoint(pairs):
                seen.update(dict.fromkeys(pairs, 1))
                key = self.keys.setdefault(kinds, len(self.keys))
                self.batches.append((us, vs, kinds, dicts, np.full(n, key, np.int32), cls))
                return
            kinds = repeat(kinds)
        keys = []
        for u, v, kind in zip(us, vs, kinds):
            seen = self.seen.setdefault(kind, {})
            k = seen[(u, v)] = seen.get((u, v), 0) + 1
            keys.append(kind if k == 1 else f"{kind}#{k}")
        code = np.fromiter((self.keys.setdefault(k, len(self.keys)) for k in keys), np.int32, n)
        self.batches.append((us, vs, keys, dicts, code, cls))

    def _classes(self, cols: list, n: int) -> np.ndarray:
        """Each edge's provenance class (:attr:`EdgeTable.classes`) from its class's columns (a value for
        all, or a list): the columns coded by distinct value a column at a time, then each distinct
        combination looked up once, in the order the edges first have it."""
        code, bound, lists = np.zeros(n, np.int64), 1, [c for c in cols if isinstance(c, list)]
        for c in lists:
            at = {v: i for i, v in enumerate(dict.fromkeys(c))}
            code = code * len(at) + np.fromiter(map(at.__getitem__, c), np.int64, n)
            bound *= len(at)
            if bound > 1 << 40:
                code = np.unique(code, return_inverse=True)[1].reshape(-1).astype(np.int64)
                bound = int(code.max()) + 1
        _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
        ids = np.empty(len(first), np.int32)
        for j in np.argsort(first, kind="stable"):
            i = first[j]
            one = tuple((x[i] if isinstance(x, list) else x) or None for x in cols)
            ids[j] = self.classes.setdefault(one, len(self.classes))
        return ids[inverse.reshape(-1)]


_CLASS_FIELDS = ("role", "valid_from", "valid_to", "as_of", "sources")


def _class_columns(t: Table) -> list:
    """The columns of ``t`` an edge's provenance class reads after its role (None for a field ``t`` lacks)."""
    return [t.values.get(a) for a in _CLASS_FIELDS[1:]]


def put_nodes(G: nx.MultiDiGraph, nodes: list[tuple[str, dict]]) -> None:
    """Put nodes into ``G`` as ``add_nodes_from`` would, keeping each node's fresh property dict instead of
    copying it (a node given twice gets the second's properties over the first's)."""
    node, succ, pred = G._node, G._succ, G._pred
    for n, d in nodes:
        if n in node:
            node[n].update(d)
        else:
            succ[n], pred[n], node[n] = {}, {}, d


def put_edges(G: nx.MultiDiGraph, b: Build) -> None:
    """Put ``b``'s keyed edges into ``G``, batch by batch (:func:`_put_edges`)."""
    for us, vs, keys, dicts, _, _ in b.batches:
        _put_edges(G, zip(us, vs, repeat(keys) if isinstance(keys, str) else keys, dicts))


def _put_edges(G: nx.MultiDiGraph, edges) -> None:
    """Put keyed edges ``(u, v, key, attrs)`` into ``G`` as ``add_edges_from`` would, keeping each edge's
    fresh property dict instead of copying it (the copy was 60% of the build at a million edges). Keys are
    unique per pair (:class:`Build` numbers them), so no edge's properties are merged into another's."""
    node, succ, pred = G._node, G._succ, G._pred
    for u, v, k, d in edges:
        su = succ.get(u)
        if su is None:  # as add_edges_from: an end that is no node yet becomes one
            succ[u] = su = {}
            pred[u], node[u] = {}, {}
        if v not in succ:
            succ[v], pred[v], node[v] = {}, {}, {}
        keyed = su.get(v)
        if keyed is None:
            su[v] = pred[v][u] = {k: d}
        else:
            keyed[k] = d


@dataclass(eq=False)
class EdgeTable:
    """Every edge of a built graph as columns, kept in ``G.graph[EdgeTable.KEY]`` (so the cache's copy of
    the graph carries it): its ends as positions in the graph's node order, its key, and its provenance
    class, one of ``classes`` = (kind, role, valid_from, valid_to, as_of, sources). A day's snapshot then
    decides a class at a time and touches only the edges that differ. Valid for the graph as built: a
    graph edited in place drops it."""

    KEY = "edge_table"
    u: np.ndarray
    v: np.ndarray
    key: np.ndarray
    keys: list
    cls: np.ndarray
    classes: list
    nodes: int
    pairs: int  # node pairs with an edge: a cheap check that the graph is still the one built

    @classmethod
    def of(cls, G: nx.MultiDiGraph, edges: list[tuple[str, str, str, dict]]) -> "EdgeTable":
        """The table of ``edges`` (``(u, v, key, attrs)`` in the graph's edge order) of ``G``."""
        b = Build()
        kinds = [d["kind"] for _, _, _, d in edges]
        b.batches.append(
            (
                [e[0] for e in edges],
                [e[1] for e in edges],
                [e[2] for e in edges],
                [],
                np.fromiter((b.keys.setdefault(e[2], len(b.keys)) for e in edges), np.int32, len(edges)),
                b._classes([kinds] + [[d.get(a) for _, _, _, d in edges] for a in _CLASS_FIELDS], len(edges)),
            )
        )
        return cls.built(G, b)

    @classmethod
    def built(cls, G: nx.MultiDiGraph, b: Build) -> "EdgeTable":
        """The table of the edges ``b`` gathered, put into ``G``."""
        at = {n: i for i, n in enumerate(G._node)}
        none = [np.zeros(0, np.int32)]
        u, v = (
            np.concatenate([np.fromiter(map(at.__getitem__, x[j]), np.int32, len(x[j])) for x in b.batches] or none)
            for j in (0, 1)
        )
        key = np.concatenate([x[4] for x in b.batches] or none)
        c = np.concatenate([x[5] for x in b.batches] or none)
        return cls(u, v, key, list(b.keys), c, list(b.classes), len(at), _pairs(G))

    @classmethod
    def get(cls, G: nx.MultiDiGraph) -> "EdgeTable | None":
        """``G``'s table, if it still matches ``G`` (as many nodes and linked pairs; the first and last edge
        where they were)."""
        t = G.graph.get(cls.KEY)
        if not isinstance(t, cls) or t.nodes != len(G._node) or t.pairs != _pairs(G):
            return None
        names = list(G._node)
        for i in (0, len(t.u) - 1) if len(t.u) else ():
            if t.keys[t.key[i]] not in G._succ[names[t.u[i]]].get(names[t.v[i]], ()):
                return None
        return t


def _pairs(G: nx.MultiDiGraph) -> int:
    return sum(map(len, G._succ.values()))
