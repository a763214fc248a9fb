"""Cypher on both stores with the same answers: the embedded engine (LadybugDB) over the in-memory graph,
and the Neo4j server; results come back as plain Python values in one shape whichever store ran them.

The embedded engine differs from Neo4j in a few constructs. Those that would give a silently different
answer are refused before the query runs (see :data:`REFUSED`); those it cannot parse fail with its own
message, prefixed with the store's name. Writes are refused unless asked for.
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal
import re
import sys
import weakref
from dataclasses import dataclass, field

import networkx as nx

from .errors import LithiumGraphError

__all__ = ["Result", "Embedded", "embedded", "check", "parse_param", "return_columns", "normalise",
           "REFUSED"]


#: Constructs the embedded engine runs with another meaning than Neo4j: refused there, with the reason.
REFUSED = {
    "labels()": "it gives one label there and a list with the LG label on Neo4j; "
                "filter with a label pattern such as (n:Enterprise)",
    "id()": "internal ids differ between stores; use the id property (n.id)",
    "elementId()": "internal ids differ between stores; use the id property (n.id)",
    "properties()": "the embedded store lists absent properties as null; return the properties by name",
    "keys()": "the embedded store lists every column of the table; return the properties by name",
    "list subscript x[i]": "lists count from 1 there and from 0 on Neo4j",
    "ORDER BY in WITH": "the embedded engine may apply LIMIT before the sort inside WITH; "
                        "order in the final RETURN",
    "substring()": "it counts from 1 there and from 0 on Neo4j; use left() or right()",
    "shortestPath()": "not supported there; use `lithiumgraph path A B`",
    "allShortestPaths()": "not supported there; use `lithiumgraph path A B`",
    "CALL": "procedures differ between stores",
}

_FUNCS = {"labels": "labels()", "id": "id()", "elementid": "elementId()", "properties": "properties()",
          "keys": "keys()", "substring": "substring()", "shortestpath": "shortestPath()", "allshortestpaths": "allShortestPaths()"}
# keywords after which "[" opens a list literal, not a subscript
_LIST_OPENERS = {"RETURN", "WITH", "IN", "AND", "OR", "XOR", "NOT", "WHERE", "THEN", "ELSE", "WHEN", "UNWIND",
                 "BY", "AS", "DISTINCT", "CASE", "SKIP", "LIMIT"}


@dataclass
class Result:
    """A query's answer: column names and rows of plain values (nodes and relationships as dicts)."""
    columns: list[str]
    rows: list[list] = field(default_factory=list)

    def records(self) -> list[dict]:
        return [dict(zip(self.columns, r)) for r in self.rows]


def _tokens(query: str) -> list[tuple[str, str, int]]:
    """``(kind, text, offset)`` cut as Neo4j's lexer cuts strings, quoted names and comments; blanks dropped."""
    from .guard import tokens
    return tokens(query)


def check(query: str, *, write: bool = False, embedded: bool = False) -> None:
    """Refuse anything but a read unless ``write`` (see :func:`lithiumgraph.guard.check_read`; the
    embedded store never writes), and, on the embedded store, each construct in REFUSED.

    >>> check("MATCH (n) DETACH DELETE n")
    Traceback (most recent call last):
    ...
    lithiumgraph.errors.LithiumGraphError: this query writes (DETACH, DELETE); queries are read-only unless --write is given
    """
    from .guard import check_read
    toks = _tokens(query)
    if not toks:
        raise LithiumGraphError("the query is empty")
    words = [(i, t[1].upper()) for i, t in enumerate(toks) if t[0] == "word"
             and not (i and toks[i - 1][1] == ".")            # a property: n.set
             and not (i + 1 < len(toks) and toks[i + 1][1] == ":" and (not i or toks[i - 1][1] in "{,"))]  # map key
    if not embedded:
        if not write:
            check_read(query)
        return
    bad = []
    for i, w in words:
        nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
        if nxt == "(" and w.lower() in _FUNCS and not (i and toks[i - 1][1] == ":"):
            bad.append(_FUNCS[w.lower()])
        elif w == "CALL":
            bad.append("CALL")
    for i, (kind, text, _) in enumerate(toks):
        if text == "[" and i:
            pk, pt, _ = toks[i - 1]
            if pt in (")", "]") or pk in ("str", "param", "tick") or (pk == "word" and pt.upper() not in _LIST_OPENERS):
                bad.append("list subscript x[i]")
    # ORDER BY before the last top-level RETURN belongs to a WITH
    returns = [i for i, w in words if w == "RETURN"]
    orders = [i for i, w in words if w == "ORDER"]
    if returns and any(o < returns[-1] for o in orders):
        bad.append("ORDER BY in WITH")
    if bad:
        first = list(dict.fromkeys(bad))[0]
        raise LithiumGraphError(f"the embedded store does not run {first}: {REFUSED[first]} "
                                "(or run the query with --store neo4j)")
    check_read(query, embedded=True)  # never a write, a file or the network there, even with write


def return_columns(query: str) -> list[str] | None:
    """The column names Neo4j gives: each item of the last RETURN as written, or its alias."""
    toks = _tokens(query)
    depth, start = 0, None
    for i, (kind, text, _) in enumerate(toks):
        if text in "([{":
            depth += 1
        elif text in ")]}":
            depth -= 1
        elif kind == "word" and depth == 0 and text.upper() == "RETURN":
            start = i + 1
    if start is None:
        return None
    if start < len(toks) and toks[start][1].upper() == "DISTINCT":
        start += 1
    items, cur, depth = [], [], 0
    for kind, text, off in toks[start:]:
        if depth == 0 and kind == "word" and text.upper() in ("ORDER", "SKIP", "LIMIT", "UNION"):
            break
        if depth == 0 and text == ",":
            items.append(cur)
            cur = []
            continue
        depth += text in "([{" and kind == "sym"
        depth -= text in ")]}" and kind == "sym"
        cur.append((kind, text, off))
    items.append(cur)
    names = []
    for it in items:
        if not it:
            return None
        if len(it) >= 3 and it[-2][0] == "word" and it[-2][1].upper() == "AS":
            alias = it[-1][1]
            names.append(alias[1:-1] if alias.startswith("`") else alias)
        elif it[0][1] == "*":
            return None
        else:
            last = it[-1]
            names.append(query[it[0][2]:last[2] + len(last[1])])
    return names


def parse_param(text: str) -> tuple[str, object]:
    """``NAME=VALUE`` from the command line; VALUE is read as JSON when it is JSON, else as text.

    >>> parse_param("hops=2"), parse_param("name=宁德时代"), parse_param('ids=["catl","gotion"]')
    (('hops', 2), ('name', '宁德时代'), ('ids', ['catl', 'gotion']))
    """
    import json
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("$")
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", name):
        raise LithiumGraphError(f"--param {text!r}: expected NAME=VALUE with NAME a plain identifier")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def normalise(value, ids: dict | None = None):
    """Engine values as plain ones: nodes ``{"kind", "id", …}``, relationships ``{"type", "from", "to",
    …}``, paths ``{"nodes", "relationships"}``, dates as ISO text; absent properties left out."""
    if isinstance(value, dict):
        if "_NODES" in value and "_RELS" in value:
            return {"nodes": [normalise(n, ids) for n in value["_NODES"]],
                    "relationships": [normalise(r, ids) for r in value["_RELS"]]}
        if "_SRC" in value and "_LABEL" in value:
            props = {k: normalise(v, ids) for k, v in value.items() if not k.startswith("_") and v is not None}
            return {"type": value["_LABEL"], "from": ids[_ikey(value["_SRC"])], "to": ids[_ikey(value["_DST"])],
                    **props}
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
    return _neo4j_value(value, ids)


def _ikey(internal: dict) -> tuple[int, int]:
    return internal["table"], internal["offset"]


def _neo4j_value(value, ids=None):
    graph = sys.modules.get("neo4j.graph")  # loaded only when a Neo4j store is in use
    if graph is None or isinstance(value, (str, int, float, bool, type(None))):
        return value
    Node, Path, Relationship = graph.Node, graph.Path, graph.Relationship
    if isinstance(value, Node):
        kind = next((label for label in sorted(value.labels) if label != "LG"), None)
        return {"kind": kind, **{k: normalise(v, ids) for k, v in value.items()}}
    if isinstance(value, Relationship):
        ends = [n.get("id") or (ids or {}).get(n.element_id) for n in (value.start_node, value.end_node)]
        return {"type": value.type, "from": ends[0], "to": ends[1],
                **{k: normalise(v, ids) for k, v in value.items() if k != "_key"}}
    if isinstance(value, Path):
        return {"nodes": [normalise(n, ids) for n in value.nodes],
                "relationships": [normalise(r, ids) for r in value.relationships]}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


# -- the embedded engine ---------------------------------------------------------------------------------

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
    raise LithiumGraphError(f"{what} property {key!r} mixes value types ({names}); "
                            "the embedded Cypher store needs one type per property")


def _columns(groups: dict, declared: dict[str, str], what: str, skip: tuple[str, ...]) -> tuple[dict, dict]:
    """Per group, each present property's values; and one type per property name over all groups."""
    values: dict = {}
    types = dict(declared)
    for g, dicts in groups.items():
        n, cols = len(dicts), {}
        for i, d in enumerate(dicts):   # one pass over each dict: columns of values, None where absent
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
    from .model import RECORD_FILES
    nodes: dict[str, str] = {}
    edges: dict[str, str] = {"role": "STRING", "capacity": "DOUBLE", "unit": "STRING", "status": "STRING"}
    for cls in RECORD_FILES.values():
        target = nodes if hasattr(cls, "node_kind") else edges
        for f in fields(cls):
            target.setdefault(f.name, _MODEL_TYPES.get(f.metadata.get("type"), "STRING"))
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


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


class Embedded:
    """An in-memory LadybugDB database holding one graph, built with bulk COPY from Arrow tables.

    Node tables are the node kinds, relationship tables the edge kinds; every table has every property
    name of its sort (null where absent), so ``n.name_zh`` works on any node as it does on Neo4j.
    """

    def __init__(self, G: nx.MultiDiGraph):
        import ladybug
        from .model import EDGE_KINDS, NODE_KINDS

        self.db = ladybug.Database(":memory:")
        self.conn = ladybug.Connection(self.db)
        self._ids: dict | None = None
        declared_nodes, declared_edges = _declared()
        by_kind: dict[str, list[str]] = {}
        for n, kind in G.nodes(data="kind"):
            by_kind.setdefault(kind, []).append(n)
        bad = sorted(str(k) for k in by_kind if k not in NODE_KINDS)
        if bad:
            raise LithiumGraphError(f"node kinds outside the model: {', '.join(bad)}")
        nodes = G._node
        nvals, ncols = _columns({k: [nodes[n] for n in ids] for k, ids in by_kind.items()}, declared_nodes,
                                "node", ("id", "kind"))
        cols = "".join(f", {_q(k)} {t}" for k, t in sorted(ncols.items()))
        for kind in NODE_KINDS:
            self.conn.execute(f"CREATE NODE TABLE {kind}(id STRING PRIMARY KEY{cols})")
        for kind, ids in by_kind.items():
            self._copy(kind, _arrow({"id": ids}, nvals[kind], ncols, len(ids)))
        pairs: dict[tuple[str, str, str], list] = {}
        for u, nbrs in G._succ.items():   # the adjacency itself: several times faster than G.edges()
            ku = nodes[u]["kind"]
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
        evals, ecols = _columns({g: [r[3] for r in rows] for g, rows in pairs.items()}, declared_edges,
                                "relationship", ("_key", "kind"))
        ecol_sql = "".join(f", {_q(k)} {t}" for k, t in sorted(ecols.items()))
        for kind in EDGE_KINDS:
            ends = sorted((a, b) for k, a, b in pairs if k == kind) or [("Enterprise", "Enterprise")]
            self.conn.execute(f"CREATE REL TABLE {kind}("
                              + ", ".join(f"FROM {a} TO {b}" for a, b in ends) + f"{ecol_sql}, _key STRING)")
        for (kind, a, b), rows in sorted(pairs.items()):
            first = {"from": [r[0] for r in rows], "to": [r[1] for r in rows]}
            table = _arrow(first, evals[(kind, a, b)], ecols, len(rows), {"_key": [r[2] for r in rows]})
            self._copy(kind, table, f" (from='{a}', to='{b}')")

    def _copy(self, table_name: str, arrow_table, options: str = "") -> None:
        lg_copy_source = arrow_table  # noqa: F841 -- the engine finds the Arrow table by this name
        self.conn.execute(f"COPY {table_name} FROM lg_copy_source{options}")

    def _internal_ids(self) -> dict:
        if self._ids is None:
            r = self.conn.execute("MATCH (n) RETURN id(n), n.id")
            self._ids = {}
            while r.has_next():
                internal, nid = r.get_next()
                self._ids[_ikey(internal)] = nid
        return self._ids

    def run(self, query: str, params: dict | None = None, *, timeout: float | None = None) -> Result:
        """Run a read query; errors become one-line LithiumGraphErrors naming the embedded store."""
        check(query, embedded=True)
        text = _rewrite(query)
        self.conn.set_query_timeout(int(timeout * 1000) if timeout else 0)
        try:
            r = self.conn.execute(text, params or {})
        except RuntimeError as e:
            msg = " ".join(str(e).split("\n")[0].split())
            if "interrupted" in msg.lower():
                raise LithiumGraphError(f"the query ran past the {timeout:g} s timeout") from None
            raise LithiumGraphError(f"the embedded store cannot run this query: {msg}") from None
        if isinstance(r, list):
            raise LithiumGraphError("run one statement at a time")
        engine_cols = r.get_column_names()
        try:
            table = r.get_as_arrow()  # column-wise: several times faster than row by row for large answers
            rows = [list(t) for t in zip(*(c.to_pylist() for c in table.columns))] if table.num_columns else []
        except RuntimeError as e:
            raise LithiumGraphError(f"the embedded store cannot run this query: {str(e).splitlines()[0]}") from None
        ids = self._internal_ids() if any(_has_rel(v) for row in rows for v in row) else None
        names = return_columns(query)
        cols = names if names and len(names) == len(engine_cols) else engine_cols
        plain = (str, int, float, bool, type(None))
        return Result(cols, [row if all(type(v) in plain for v in row) else [normalise(v, ids) for v in row]
                             for row in rows])


def _rewrite(query: str) -> str:
    """Two spellings the embedded engine needs for Neo4j's meaning: property names in backquotes
    (``group`` is a keyword to its parser, a plain name to Neo4j), and ``sum(x)`` as
    ``coalesce(sum(x), 0)`` (Neo4j sums nothing to 0, the engine to null)."""
    toks, edits = _tokens(query), []
    for i, (kind, text, off) in enumerate(toks):
        if kind == "word" and i and toks[i - 1][1] == "." and toks[i - 1][2] == off - 1:
            edits.append((off, off + len(text), _q(text)))
        elif (kind == "word" and text.lower() == "sum" and i + 1 < len(toks) and toks[i + 1][1] == "("
              and not (i and toks[i - 1][1] in (".", ":"))):
            depth, j = 0, i + 1
            for j in range(i + 1, len(toks)):
                depth += toks[j][1] == "(" and toks[j][0] == "sym"
                depth -= toks[j][1] == ")" and toks[j][0] == "sym"
                if depth == 0:
                    break
            edits.append((off, off, "coalesce("))
            edits.append((toks[j][2] + 1, toks[j][2] + 1, ", 0)"))
    out, last = [], 0
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1])):
        out += [query[last:start], text]
        last = end
    return "".join(out) + query[last:]


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
