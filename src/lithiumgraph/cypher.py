"""The Cypher dialect lithiumgraph speaks on both stores: the read-only guard, the constructs refused
on the embedded store, the column names Neo4j would give, and the rewrites that give the embedded engine
Neo4j's meaning. The stores themselves live in :mod:`lithiumgraph.stores`.

The embedded engine differs from Neo4j in a few constructs. Those that would give a silently different
answer are refused before the query runs (see :data:`REFUSED`); those it cannot parse fail with its own
message, prefixed with the store's name. Writes are refused unless asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from .errors import QueryError

if TYPE_CHECKING:
    from .guard import Token

__all__ = ["check", "parse_param", "return_columns", "rewrite", "quote_name", "REFUSED"]

#: Constructs the embedded engine runs with another meaning than Neo4j: refused there, with the reason.
REFUSED = {
    "labels()": "it gives one label there and a list with the LG label on Neo4j; "
    "filter with a label pattern such as (n:Enterprise)",
    "id()": "internal ids differ between stores; use the id property (n.id)",
    "elementId()": "internal ids differ between stores; use the id property (n.id)",
    "properties()": "the embedded store lists absent properties as null; return the properties by name",
    "keys()": "the embedded store lists every column of the table; return the properties by name",
    "list subscript x[i]": "lists count from 1 there and from 0 on Neo4j",
    "ORDER BY in WITH": "the embedded engine may apply LIMIT before the sort inside WITH; order in the final RETURN",
    "substring()": "it counts from 1 there and from 0 on Neo4j; use left() or right()",
    "shortestPath()": "not supported there; use `lithiumgraph path A B`",
    "allShortestPaths()": "not supported there; use `lithiumgraph path A B`",
    "CALL": "procedures differ between stores",
}

_FUNCS = {
    "labels": "labels()",
    "id": "id()",
    "elementid": "elementId()",
    "properties": "properties()",
    "keys": "keys()",
    "substring": "substring()",
    "shortestpath": "shortestPath()",
    "allshortestpaths": "allShortestPaths()",
}
# keywords after which "[" opens a list literal, not a subscript
_LIST_OPENERS = {
    "RETURN",
    "WITH",
    "IN",
    "AND",
    "OR",
    "XOR",
    "NOT",
    "WHERE",
    "THEN",
    "ELSE",
    "WHEN",
    "UNWIND",
    "BY",
    "AS",
    "DISTINCT",
    "CASE",
    "SKIP",
    "LIMIT",
}


def _tokens(query: str) -> list[Token]:
    """``(kind, text, offset)`` cut as Neo4j's lexer cuts strings, quoted names and comments; blanks dropped."""
    from .guard import tokens

    return tokens(query)


def check(query: str, *, write: bool = False, embedded: bool = False) -> None:
    """Refuse anything but a read unless ``write`` (see :func:`lithiumgraph.guard.check_read`; the
    embedded store never writes), and, on the embedded store, each construct in REFUSED.

    >>> check("MATCH (n) DETACH DELETE n")
    Traceback (most recent call last):
    ...
    lithiumgraph.errors.QueryError: this query writes (DETACH, DELETE); queries are read-only unless write=True
    """
    from .guard import check_read

    try:
        query.encode("utf-8")
    except UnicodeEncodeError as e:  # bytes the shell could not decode arrive as lone surrogates
        code = ord(query[e.start])
        raise QueryError(
            f"the query is not valid UTF-8 (byte 0x{code - 0xDC00 if code >= 0xDC80 else code:02x} "
            f"at character {e.start})"
        ) from None
    toks = _tokens(query)
    if not toks:
        raise QueryError("the query is empty")
    words = [
        (i, t[1].upper())
        for i, t in enumerate(toks)
        if t[0] == "word"
        and not (i and toks[i - 1][1] == ".")  # a property: n.set
        and not (i + 1 < len(toks) and toks[i + 1][1] == ":" and (not i or toks[i - 1][1] in "{,"))
    ]  # map key
    if not embedded:
        if not write:
            check_read(query)
        return
    bad: list[str] = []
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
        raise QueryError(
            f"the embedded store does not run {first}: {REFUSED[first]} (or run the query on the neo4j store)"
        )
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
    items: list[list] = []
    cur: list = []
    depth = 0
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
            names.append(query[it[0][2] : last[2] + len(last[1])])
    return names


def engine_message(msg: str) -> str:
    """The embedded engine's error in the model's words: labels, relationship types and properties of
    the graph rather than the engine's tables and catalog."""
    from .model import EDGE_KINDS, NODE_KINDS

    msg = " ".join(msg.split("\n")[0].split())
    body = re.sub(r"^(Binder|Catalog|Parser|Runtime|Interrupt) exception:\s*", "", msg)
    if m := re.fullmatch(r"Table (\w+) does not exist\.?", body):
        return (
            f"the graph has no node label or relationship type {m.group(1)}: labels are "
            f"{', '.join(NODE_KINDS)}; relationship types are {', '.join(EDGE_KINDS)}"
        )
    if m := re.fullmatch(r"Cannot find property (\w+) for (\w+)\.?", body):
        return f"no node or relationship in the data has the property {m.group(1)} (asked of {m.group(2)})"
    if m := re.fullmatch(r"[Ff]unction (\w+) does not exist\.?", body):
        return (
            f"the embedded store has no function {m.group(1).lower()}() (see the README's Cypher subset); "
            "Neo4j may run it"
        )
    if msg.startswith("Parser exception"):
        return f"the query does not parse: {body}"
    return f"the embedded store cannot run this query: {body}"


def parse_param(text: str) -> tuple[str, object]:
    """``NAME=VALUE`` from the command line; VALUE is read as JSON when it is JSON, else as text.

    >>> parse_param("hops=2"), parse_param("name=宁德时代"), parse_param('ids=["catl","gotion"]')
    (('hops', 2), ('name', '宁德时代'), ('ids', ['catl', 'gotion']))
    """
    import json

    name, sep, value = text.partition("=")
    name = name.strip().lstrip("$")
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*", name):
        raise QueryError(f"query parameter {text!r}: expected NAME=VALUE with NAME a plain identifier")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def quote_name(name: str) -> str:
    """A property or table name in backquotes, inner backquotes doubled."""
    return "`" + name.replace("`", "``") + "`"


def rewrite(query: str, looped: Callable[[], Collection[str]] | None = None) -> str:
    """The spellings the embedded engine needs for Neo4j's meaning: property names in backquotes
    (``group`` is a keyword to its parser, a plain name to Neo4j), ``sum(x)`` as ``coalesce(sum(x), 0)``
    (Neo4j sums nothing to 0, the engine to null), and fixed-length patterns as fixed hops (see
    :func:`_fixed_hops`; ``looped`` gives the relationship types of the graph that have a relationship
    from a node to itself, asked only when a pattern has two hops or more)."""
    toks = _tokens(query)
    edits = _fixed_hops(query, toks, looped)
    for i, (kind, text, off) in enumerate(toks):
        if kind == "word" and i and toks[i - 1][1] == "." and toks[i - 1][2] == off - 1:
            edits.append((off, off + len(text), quote_name(text)))
        elif (
            kind == "word"
            and text.lower() == "sum"
            and i + 1 < len(toks)
            and toks[i + 1][1] == "("
            and not (i and toks[i - 1][1] in (".", ":"))
        ):
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


#: Words that end a MATCH clause's pattern (or its WHERE) at the pattern's own depth.
_CLAUSE_ENDS = {"RETURN", "WITH", "MATCH", "OPTIONAL", "UNWIND", "ORDER", "SKIP", "LIMIT", "UNION", "CALL", "WHERE"}


def _fixed_hops(
    query: str, toks: list[Token], looped: Callable[[], Collection[str]] | None = None
) -> list[tuple[int, int, str]]:
    """Edits that spell each anonymous fixed-length pattern of a MATCH, ``-[:R*2]->`` or ``-[:R*2..2]->``,
    as that many hops, ``-[h1:R]->()-[h2:R]->``, with ``h1 <> h2`` added to the clause's WHERE (for every
    two hops written into one MATCH): Neo4j never reuses a relationship within a match, and the engine's
    variable-length search (which may) costs seconds where fixed hops cost milliseconds. Two neighbouring
    hops of one pattern can only be one relationship if it runs from a node to itself, so their condition
    is left out where ``looped()`` (the types that do; every type when None) names none of theirs: the
    engine then counts the hops before it lists them, twice as fast on a long answer. Undirected patterns
    (the engine's counts of undirected hops with such conditions are not Neo4j's), named relationship
    lists, ``RETURN *`` and patterns outside a MATCH's pattern part stay as written."""
    words = {t[1].lower() for t in toks if t[0] == "word"}
    if any(t[1] == "*" and i and toks[i - 1][1].upper() in ("RETURN", "WITH", "DISTINCT") for i, t in enumerate(toks)):
        return []
    depth, depths = 0, []
    for kind, text, _ in toks:
        depth -= kind == "sym" and text in ")]}"
        depths.append(depth)
        depth += kind == "sym" and text in "([{"
    edits: list[tuple[int, int, str]] = []
    hops_of: dict[int, list[str]] = {}  # clause's MATCH token -> the hops written into it
    apart: set[tuple[str, str]] = set()  # neighbouring hops that cannot be one relationship
    loops: set[str] | None = None
    for i, (kind, text, off) in enumerate(toks):
        hop = _fixed_length(toks, depths, i) if text == "[" and kind == "sym" else None
        if hop is None or (m := _match_of(toks, depths, i)) is None:
            continue
        n, types_end, spec_end, close, left, right = hop
        names = []
        for h in range(1, n + 1):
            name = f"lg_hop{i}_{h}"
            while name.lower() in words:
                name += "_"
            names.append(name)
        if n > 1 and looped is not None:
            if loops is None:
                loops = {t.casefold() for t in looped()}
            types = {t[1].strip("`").casefold() for t in toks[i + 1 : types_end] if t[0] in ("word", "tick")}
            if not (types & loops if types else loops):
                apart.update(zip(names, names[1:]))
        inner = query[toks[i][2] + 1 : toks[types_end][2]] + query[toks[spec_end][2] : toks[close][2]]
        arrow_l, arrow_r = ("<-" if toks[left][1] == "<" else "-"), ("->" if toks[right][1] == ">" else "-")
        hops = "()".join(f"{arrow_l}[{h}{inner}]{arrow_r}" for h in names)
        edits.append((toks[left][2], toks[right][2] + 1, hops))
        hops_of.setdefault(m, []).extend(names)
    for m, names in hops_of.items():
        # no two relationships of one MATCH alike, as Neo4j matches
        pairs = [f"{a} <> {b}" for j, a in enumerate(names) for b in names[j + 1 :] if (a, b) not in apart]
        if pairs:
            edits += _add_where(query, toks, depths, m, " AND ".join(pairs))
    return edits


def _fixed_length(toks: list[Token], depths: list[int], i: int) -> tuple[int, ...] | None:
    """For the ``[`` at ``i`` of an anonymous directed relationship with a fixed length ``*n`` or ``*n..n`` (1-6):
    ``(n, index of *, index after the length, index of ], first token of the left arrow, last token of
    the right arrow)``; else None."""
    if i < 1 or toks[i - 1][1] != "-" or i + 1 >= len(toks) or toks[i + 1][1] not in (":", "*"):
        return None
    j = i + 1
    while j < len(toks) and depths[j] > depths[i] and toks[j][1] != "*":
        j += 1
    if j + 1 >= len(toks) or toks[j][1] != "*" or toks[j + 1][0] != "num" or not toks[j + 1][1].isdigit():
        return None
    n, k = int(toks[j + 1][1]), j + 2
    if k + 1 < len(toks) and toks[k][1] == "..":
        if toks[k + 1][1] != toks[j + 1][1]:
            return None
        k += 2
    close = k
    while close < len(toks) and depths[close] > depths[i]:
        close += 1
    if not 1 <= n <= 6 or close >= len(toks) or toks[close][1] != "]" or toks[k][1] not in ("]", "{"):
        return None
    left = i - 2 if i >= 2 and toks[i - 2][1] == "<" and toks[i - 2][2] == toks[i - 1][2] - 1 else i - 1
    if close + 1 >= len(toks) or toks[close + 1][1] != "-":
        return None
    right = (
        close + 2
        if close + 2 < len(toks) and toks[close + 2][1] == ">" and toks[close + 2][2] == toks[close + 1][2] + 1
        else close + 1
    )
    if (left == i - 2) == (right == close + 2):  # undirected (the engine miscounts such hops) or both ways
        return None
    return n, j, k, close, left, right


def _match_of(toks: list[Token], depths: list[int], i: int) -> int | None:
    """The MATCH whose pattern part holds the token at ``i`` (a keyword between them, or leaving the
    bracket the token sits in, means it is not in a MATCH's pattern)."""
    for j in range(i - 1, -1, -1):
        if depths[j] < depths[i]:
            return None
        if depths[j] == depths[i] and toks[j][0] == "word" and not (j and toks[j - 1][1] in (":", ".")):
            word = toks[j][1].upper()
            if word == "MATCH":
                return j
            if word in _CLAUSE_ENDS or word in ("EXISTS", "AND", "OR", "NOT", "IN"):
                return None
    return None


def _add_where(query: str, toks: list[Token], depths: list[int], m: int, cond: str) -> list[tuple[int, int, str]]:
    """Edits that add ``cond`` to the WHERE of the MATCH at ``m`` (the WHERE it has, in brackets, or a new one)."""

    def clause_end(j: int, stop: set[str]) -> int:
        while j < len(toks) and depths[j] >= depths[m]:
            if (
                depths[j] == depths[m]
                and toks[j][0] == "word"
                and toks[j][1].upper() in stop
                and toks[j - 1][1] not in (":", ".")
            ):
                break
            j += 1
        return toks[j][2] if j < len(toks) else len(query)

    end = clause_end(m + 1, _CLAUSE_ENDS)
    w = next((j for j, t in enumerate(toks) if t[2] == end), None)
    if w is None or toks[w][1].upper() != "WHERE":
        return [(end, end, f" WHERE {cond} ")]
    after = clause_end(w + 1, _CLAUSE_ENDS - {"WHERE"})
    return [(toks[w][2] + 5, toks[w][2] + 5, " ("), (after, after, f") AND {cond} ")]


_MOVED = {
    "Result": "lithiumgraph.stores",
    "Embedded": "lithiumgraph.stores.embedded",
    "embedded": "lithiumgraph.stores.embedded",
    "normalise": "lithiumgraph.stores.embedded",
}


def __getattr__(name):
    """The stores' names that callers still import from here."""
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
