"""The embedded Cypher store: an in-memory LadybugDB database built from the networkx graph with bulk
COPY from Arrow tables, answering in the same plain values as Neo4j.

Queries pass the dialect checks of :mod:`lithiumgraph.cypher` first: constructs the engine runs with
another meaning than Neo4j are refused, and property names and ``sum`` are rewritten to Neo4j's meaning.
"""

from __future__ import annotations

import datetime as _dt
import weakref
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ..cypher import check, engine_message, quote_name as _q, return_columns, rewrite
from ..errors import LithiumGraphError, QueryError
from . import Result

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Embedded", "embedded", "normalise"]


def normalise(value, ids: dict | None = None):
    """Engine values as plain ones: nodes ``{"kind", "id", …}``, relationships ``{"type", "from", "to",
    …}``, paths ``{"nodes", "relationships"}``, dates as ISO text; absent properties left out."""
    if isinstance(value, dict):
        if "_NODES" in value and "_RELS" in value:
            return {
                "nodes": [normalise(n, ids) for n in value["_NODES"]],
                "relationships": [normalise(r, ids) for r in value["_RELS"]],
            }
        if "_SRC" in value and "_LABEL" in value:
            props = {k: normalise(v, ids) for k, v in value.items() if not k.startswith("_") and v is not None}
            ends = ids or {}
            return {
                "type": value["_LABEL"],
                "from": ends[_ikey(value["_SRC"])],
                "to": ends[_ikey(value["_DST"])],
                **props,
            }
        if "_LABEL" in value and "_ID" in value:
            props = {k: normalise(v, ids) for k, v in value.items() if not k.startswith("_") and v is not None}
            return {"kind": value["_LABEL"], **props}
        return {k: normalise(v, ids) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v, ids) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):  # the engine sums integers as decimals
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _ikey(internal: dict) -> tuple[int, int]:
    return internal["table"], internal["offset"]


_TYPES = {bool: "BOOLEAN", int: "INT64", float: "DOUBLE", str: "STRING"}


def _value_type(key: str, values: list, what: str) -> str | None:
    """The engine type of one property's values (None where all are absent); mixed types are refused."""
    ts = {type(v) for v in values} - {type(None)}
    if not ts:
        return None
    if ts <= {int, float}:
        return "DOUBLE" if float in ts else "INT64"
    if ts == {tuple}:
        inner = {type(x) for v in values if v is not None for x in v} or {str}
        if len(inner) == 1 and (t := inner.pop()) in _TYPES:
            return _TYPES[t] + "[]"
    elif len(ts) == 1 and (t := next(iter(ts))) in _TYPES:
        return _TYPES[t]
    names = ", ".join(sorted(t.__name__ for t in ts))
    raise LithiumGraphError(
        f"{what} property {key!r} mixes value types ({names}); the embedded Cypher store needs one type per property"
    )


def _columns(groups: dict, declared: dict[str, str], what: str, skip: tuple[str, ...]) -> tuple[dict, dict]:
    """Per group, each present property's values; and one type per property name over all groups."""
    values: dict = {}
    types = dict(declared)
    for g, dicts in groups.items():
        n = len(dicts)
        cols: dict[str, list] = {}
        for i, d in enumerate(dicts):  # one pass over each dict: columns of values, None where absent
            for k, v in d.items():
                c = cols.get(k)
                if c is None:
                    c = cols[k] = [None] * n
                c[i] = v
        for k in skip:
            cols.pop(k, None)
        values[g] = cols
        for k, vals in cols.items():
            t = _value_type(k, vals, what)
            if t and types.get(k) != t:
                types[k] = "DOUBLE" if {t, types.get(k)} == {"INT64", "DOUBLE"} else t
    for k in skip:
        types.pop(k, None)
    return values, types


_MODEL_TYPES = {"list": "STRING[]", "number": "DOUBLE", "percent": "DOUBLE"}


def _declared() -> tuple[dict[str, str], dict[str, str]]:
    """Every property the model can put on a node or an edge, so that a query written for one data set
    binds on another where some property never occurs (null then, as on Neo4j)."""
    from dataclasses import fields
    from ..model import RECORD_FILES

    nodes: dict[str, str] = {}
    edges: dict[str, str] = {"role": "STRING", "capacity": "DOUBLE", "unit": "STRING", "status": "STRING"}
    for cls in RECORD_FILES.values():
        target = nodes if hasattr(cls, "node_kind") else edges
        for f in fields(cls):
            target.setdefault(f.name, _MODEL_TYPES.get(str(f.metadata.get("type")), "STRING"))
    nodes.pop("subject", None)
    return nodes, edges


def _arrow_type(t: str):
    import pyarrow as pa

    base = {"BOOLEAN": pa.bool_(), "INT64": pa.int64(), "DOUBLE": pa.float64(), "STRING": pa.string()}
    return pa.list_(base[t[:-2]]) if t.endswith("[]") else base[t]


def _arrow(first: dict, values: dict, types: dict, n: int, last: dict | None = None):
    """An Arrow table: the key columns, then every typed column (all-null where absent), then ``last``."""
    import pyarrow as pa

    cols = {k: pa.array(v, pa.string()) for k, v in first.items()}
    for k, t in sorted(types.items()):
        vals = values.get(k)
        if vals is None:
            cols[k] = pa.nulls(n, _arrow_type(t))
        else:
            if t.endswith("[]"):
                vals = [list(v) if v is not None else None for v in vals]
            cols[k] = pa.array(vals, _arrow_type(t))
    for k, v in (last or {}).items():
        cols[k] = pa.array(v, pa.string())
    return pa.table(cols)


class Embedded:
    """An in-memory LadybugDB database holding one graph, built with bulk COPY from Arrow tables.

    Node tables are the node kinds, relationship tables the edge kinds; every table has every property
    name of its sort (null where absent), so ``n.name_zh`` works on any node as it does on Neo4j.
    """

    def __init__(self, G: nx.MultiDiGraph, *, path: str | Path | None = None):
        """Build the database from ``G``: in memory, or in a new file at ``path`` (see :meth:`open`)."""
        import ladybug

        self.db = ladybug.Database(str(path) if path is not None else ":memory:")
        self.conn = ladybug.Connection(self.db)
        self._ids: dict | None = None
        self._loops: frozenset[str] | None = None
        self._load(G)

    @classmethod
    def open(cls, path: str | Path) -> "Embedded":
        """Open a database an earlier :class:`Embedded` wrote to ``path``, read-only: no bulk load."""
        import ladybug

        self = cls.__new__(cls)
        self.db = ladybug.Database(str(path), read_only=True)
        self.conn = ladybug.Connection(self.db)
        self._ids = self._loops = None
        self.conn.execute("MATCH (n:Segment) RETURN count(n)")  # a damaged file fails here, not mid-answer
        return self

    def close(self) -> None:
        self.conn.close()
        self.db.close()

    def _load(self, G: nx.MultiDiGraph) -> None:
        from ..model import EDGE_KINDS, NODE_KINDS

        declared_nodes, declared_edges = _declared()
        by_kind: dict[str, list[str]] = {}
        for n, kind in G.nodes(data="kind"):
            by_kind.setdefault(kind, []).append(n)
        bad = sorted(str(k) for k in by_kind if k not in NODE_KINDS)
        if bad:
            raise LithiumGraphError(f"node kinds outside the model: {', '.join(bad)}")
        nodes = G._node
        nvals, ncols = _columns(
            {k: [nodes[n] for n in ids] for k, ids in by_kind.items()}, declared_nodes, "node", ("id", "kind")
        )
        cols = "".join(f", {_q(k)} {t}" for k, t in sorted(ncols.items()))
        for kind in NODE_KINDS:
            self.conn.execute(f"CREATE NODE TABLE {kind}(id STRING PRIMARY KEY{cols})")
        for kind, ids in by_kind.items():
            self._copy(kind, _arrow({"id": ids}, nvals[kind], ncols, len(ids)))
        pairs: dict[tuple[str, str, str], list] = {}
        loops: set[str] = set()
        for u, nbrs in G._succ.items():  # the adjacency itself: several times faster than G.edges()
            ku = nodes[u]["kind"]
            if u in nbrs:
                loops.update(d.get("kind") for d in nbrs[u].values())
            for v, keyed in nbrs.items():
                kv = nodes[v]["kind"]
                for k, d in keyed.items():
                    kind = d.get("kind")
                    group = pairs.get((kind, ku, kv))
                    if group is None:
                        if kind not in EDGE_KINDS:
                            raise LithiumGraphError(f"relationship kind outside the model: {kind!r}")
                        group = pairs[(kind, ku, kv)] = []
                    group.append((u, v, k, d))
        evals, ecols = _columns(
            {g: [r[3] for r in rows] for g, rows in pairs.items()}, declared_edges, "relationship", ("_key", "kind")
        )
        ecol_sql = "".join(f", {_q(k)} {t}" for k, t in sorted(ecols.items()))
        for kind in EDGE_KINDS:
            ends = sorted((a, b) for k, a, b in pairs if k == kind) or [("Enterprise", "Enterprise")]
            self.conn.execute(
                f"CREATE REL TABLE {kind}("
                + ", ".join(f"FROM {a} TO {b}" for a, b in ends)
                + f"{ecol_sql}, _key STRING)"
            )
        for (kind, a, b), rows in sorted(pairs.items()):
            first = {"from": [r[0] for r in rows], "to": [r[1] for r in rows]}
            table = _arrow(first, evals[(kind, a, b)], ecols, len(rows), {"_key": [r[2] for r in rows]})
            self._copy(kind, table, f" (from='{a}', to='{b}')")
        self._loops = frozenset(loops)

    def _copy(self, table_name: str, arrow_table, options: str = "") -> None:
        lg_copy_source = arrow_table  # noqa: F841 -- the engine finds the Arrow table by this name
        self.conn.execute(f"COPY {table_name} FROM lg_copy_source{options}")

    def _internal_ids(self) -> dict:
        if self._ids is None:
            r = self.conn.execute("MATCH (n) RETURN id(n), n.id")
            assert not isinstance(r, list)  # one statement, one result
            self._ids = {}
            while r.has_next():
                internal, nid = r.get_next()
                self._ids[_ikey(internal)] = nid  # type: ignore[arg-type]  # the engine's id is a dict
        return self._ids

    def _looped(self) -> frozenset[str]:
        """The relationship types with a relationship from a node to itself (the data's checks refuse
        them; a graph built otherwise may have them), which the rewrite of fixed-length patterns asks for."""
        if self._loops is None:
            r = self.conn.execute("MATCH (n)-[r]->(n) RETURN DISTINCT label(r)")
            assert not isinstance(r, list)  # one statement, one result
            self._loops = frozenset(str(next(iter(r.get_next()))) for _ in range(r.get_num_tuples()))
        return self._loops

    def run(self, query: str, params: dict | None = None, *, timeout: float | None = None) -> Result:
        """Run a read query; errors become one-line LithiumGraphErrors naming the embedded store."""
        check(query, embedded=True)
        text = rewrite(query, self._looped)
        self.conn.set_query_timeout(int(timeout * 1000) if timeout else 0)
        try:
            r = self.conn.execute(text, params or {})
        except RuntimeError as e:
            if "interrupted" in str(e).lower():
                raise QueryError(f"the query ran past the {timeout:g} s timeout") from None
            raise QueryError(engine_message(str(e))) from None
        if isinstance(r, list):
            raise QueryError("run one statement at a time")
        engine_cols = r.get_column_names()
        try:
            if r.get_num_tuples() <= 1000 and set(r.get_column_data_types()) <= _SCALARS:
                rows = [list(r.get_next()) for _ in range(r.get_num_tuples())]  # short: no pyarrow import
            else:
                table = r.get_as_arrow()  # column-wise: several times faster than row by row for large answers
                rows = [list(t) for t in zip(*(c.to_pylist() for c in table.columns))] if table.num_columns else []
        except RuntimeError as e:
            raise QueryError(engine_message(str(e))) from None
        ids = self._internal_ids() if any(_has_rel(v) for row in rows for v in row) else None
        names = return_columns(query)
        cols = names if names and len(names) == len(engine_cols) else engine_cols
        plain = (str, int, float, bool, type(None))
        return Result(
            cols, [row if all(type(v) in plain for v in row) else [normalise(v, ids) for v in row] for row in rows]
        )


#: Column types whose values come out the same row by row as through Arrow.
_SCALARS = frozenset(
    (
        "STRING",
        "INT64",
        "INT32",
        "INT16",
        "INT8",
        "UINT64",
        "UINT32",
        "UINT16",
        "UINT8",
        "DOUBLE",
        "FLOAT",
        "BOOL",
        "SERIAL",
    )
)


def _has_rel(value) -> bool:
    if isinstance(value, dict):
        return "_SRC" in value or "_RELS" in value or any(_has_rel(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_rel(v) for v in value)
    return False


_CACHE: "weakref.WeakKeyDictionary[nx.MultiDiGraph, Embedded]" = weakref.WeakKeyDictionary()


def embedded(G: nx.MultiDiGraph) -> Embedded:
    """The embedded Cypher database for ``G``, built once per graph object."""
    db = _CACHE.get(G)
    if db is None:
        db = _CACHE[G] = Embedded(G)
    return db
