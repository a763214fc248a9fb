"""The read-only guard: Cypher cut into tokens the way Neo4j's own lexer cuts it, and the clauses,
procedures and functions a read query may not use.

A guard that scans text for keywords can be fooled wherever it ends a comment, a string or a quoted
name at another place than the server does (``//c<CR>LOAD CSV …``: Neo4j ends a ``//`` comment at
``\\r`` as well as ``\\n``). So the lexer here follows Neo4j 5's grammar (``Cypher5Lexer.g4``) exactly
for everything that can hide text: ``//`` comments end at ``\\r`` or ``\\n`` and nowhere else (not at
U+2028, U+2029 or U+0085, which Neo4j treats as blanks inside a comment); ``/* … */`` does not nest;
strings take any character after a backslash; quoted names double a backquote to escape it. Everything
else is cut finer than the server cuts it (names are runs of ASCII letters, digits and ``_``), so a
keyword glued to a Unicode letter is still seen: the guard may refuse a query the server would read
harmlessly, never the other way round. The embedded engine (LadybugDB) is stricter on the same rules:
it ends ``//`` only at ``\\n`` and refuses unknown backslash escapes, so what it runs it cuts the same way.

On Neo4j a second, independent check asks the server: :func:`check_plan` reads the plan of
``EXPLAIN query`` and refuses anything but a read that loads no file and calls no procedure outside
:data:`READ_PROCEDURES`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .errors import QueryError

__all__ = ["Token", "tokens", "check_read", "check_plan", "READ_PROCEDURES", "FUNCTION_NAMESPACES"]

#: Neo4j's blank characters (SPACE in its lexer): they separate tokens and end nothing.
_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_LEX = re.compile(
    rf"""
    (?P<space>[{_SPACE}]+)
  | (?P<comment>//[^\r\n]*|/\*.*?\*/)
  | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<tick>`(?:[^`]|``)*`)
  | (?P<param>\$(?:[A-Za-z_0-9]+|`(?:[^`]|``)*`))
  | (?P<word>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<num>[0-9][A-Za-z_0-9]*)
  | (?P<open>/\*|['"`])
  | (?P<sym>\.\.|::|.)
""",
    re.VERBOSE | re.DOTALL,
)

#: Clauses and commands that change a graph, read files or the network, or administer the server.
WRITES = {"CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "ALTER", "FOREACH", "INSERT", "RENAME"}
FILES = {"LOAD", "COPY", "INSTALL", "UNINSTALL", "ATTACH", "EXPORT", "IMPORT", "UPDATE"}
ADMIN = {
    "SHOW",
    "TERMINATE",
    "GRANT",
    "DENY",
    "REVOKE",
    "START",
    "STOP",
    "ENABLE",
    "DEALLOCATE",
    "REALLOCATE",
    "DRYRUN",
    "USE",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "CHECKPOINT",
    "COMMENT",
}

#: Procedures a read query may call on Neo4j: the schema's names, nothing that touches files or settings.
READ_PROCEDURES = {
    "db.labels",
    "db.relationshipTypes",
    "db.propertyKeys",
    "db.schema.visualization",
    "db.schema.nodeTypeProperties",
    "db.schema.relTypeProperties",
}
#: Namespaces of Neo4j's built-in functions; a function in any other namespace is a plug-in's (APOC's
#: ``apoc.cypher.run…`` runs any Cypher, ``apoc.load.…`` reads URLs) and is refused in a read.
FUNCTION_NAMESPACES = {
    "date",
    "datetime",
    "localdatetime",
    "localtime",
    "time",
    "duration",
    "point",
    "vector",
    "vector.similarity",
    "db",
}
#: Plan operators that a read may not contain (on top of the server's query type, which must be ``r``).
_PLAN_REFUSED = (
    "LoadCSV",
    "Show",
    "Terminate",
    "Administration",
    "SystemProcedure",
    "Create",
    "Merge",
    "Delete",
    "Set",
    "Remove",
    "Foreach",
)


class Token(NamedTuple):
    kind: str  # word, num, str, tick, param, sym, comment, space
    text: str
    offset: int


def tokens(query: str, *, blanks: bool = False) -> list[Token]:
    """The query's tokens as Neo4j's lexer cuts strings, quoted names and comments; blanks and comments
    left out unless ``blanks``. An unterminated string, quoted name or comment is refused: the server
    could not parse the query, and where it ends is where a guard and a server could disagree."""
    out = []
    for m in _LEX.finditer(query):
        kind = m.lastgroup
        if kind == "open":
            what = {"/*": "comment", "'": "string", '"': "string", "`": "quoted name"}[m.group()]
            raise QueryError(f"unterminated {what} at offset {m.start()} of the query")
        if blanks or kind not in ("space", "comment"):
            out.append(Token(kind or "sym", m.group(), m.start()))
    return out


def _name(tok: Token) -> str:
    return tok.text[1:-1].replace("``", "`") if tok.kind == "tick" else tok.text


def _dotted(toks: list[Token], i: int) -> tuple[str, int]:
    """The dotted name starting at ``toks[i]`` (``db.labels``, ```apoc`.load.json``) and the index after it."""
    parts = [_name(toks[i])]
    i += 1
    while i + 1 < len(toks) and toks[i].text == "." and toks[i + 1].kind in ("word", "tick"):
        parts.append(_name(toks[i + 1]))
        i += 2
    return ".".join(parts), i


def _is_clause_word(toks: list[Token], i: int) -> bool:
    """A word that can be a clause keyword: not a property (``n.set``) and not a map key (``{set: 1}``)."""
    if i and toks[i - 1].text == ".":
        return False
    return not (i + 1 < len(toks) and toks[i + 1].text == ":" and i and toks[i - 1].text in ("{", ","))


def check_read(query: str, *, embedded: bool = False) -> None:
    """Refuse anything but one read: clauses that write, load files or the network, administration and
    transaction commands, ``USE``, procedures outside :data:`READ_PROCEDURES` (any ``CALL`` on the
    embedded store) and functions outside :data:`FUNCTION_NAMESPACES`.

    >>> check_read("WITH 1 AS x //c\\rLOAD CSV FROM 'file:///etc/passwd' AS l RETURN l")
    Traceback (most recent call last):
    ...
    lithiumgraph.errors.QueryError: this query loads files or the network (LOAD); queries are read-only unless write=True
    """
    toks = tokens(query)
    if not toks:
        raise QueryError("the query is empty")
    found: dict[str, list[str]] = {}

    def refuse(why: str, what: str) -> None:
        found.setdefault(why, []).append(what)

    for i, t in enumerate(toks):
        if t.text == ";":
            raise QueryError("run one statement at a time (the query has a ';' outside strings)")
        if t.kind not in ("word", "tick") or not _is_clause_word(toks, i):
            continue
        w = t.text.upper() if t.kind == "word" else ""
        if w in WRITES:
            refuse("writes", w)
        elif w in FILES:
            refuse("loads files or the network", w)
        elif w in ADMIN:
            refuse("administers the server or its transactions", w)
        elif w == "CALL" and i + 1 < len(toks) and toks[i + 1].text not in ("{", "("):
            name = _dotted(toks, i + 1)[0] if toks[i + 1].kind in ("word", "tick") else toks[i + 1].text
            if embedded or name not in READ_PROCEDURES:
                refuse("calls a procedure", f"CALL {name}")
        if i + 1 < len(toks) and toks[i + 1].text == "." and not (i and toks[i - 1].text in (".", "CALL")):
            name, j = _dotted(toks, i)
            if (
                j < len(toks)
                and toks[j].text == "("
                and "." in name
                and name.rsplit(".", 1)[0].lower() not in FUNCTION_NAMESPACES
            ):
                refuse("calls a plug-in function", name + "()")
    if found:
        why, words = next(iter(found.items()))
        raise QueryError(
            f"this query {why} ({', '.join(dict.fromkeys(words))}); queries are read-only unless write=True"
        )


def check_plan(summary) -> None:
    """Refuse a Neo4j plan (the summary of ``EXPLAIN query``) that is not a plain read: the server's
    query type must be ``r`` and no operator may load a file, administer the server or write."""
    kind = getattr(summary, "query_type", None)
    plan = getattr(summary, "plan", None) or {}
    bad = [] if kind == "r" else [f"query type {kind!r}"]
    stack = [plan]
    while stack:
        op = stack.pop()
        name = str(op.get("operatorType", "")).split("@")[0]
        if name.startswith(_PLAN_REFUSED) or str(op.get("operatorType", "")).endswith("@system"):
            bad.append(name)
        elif name == "ProcedureCall":
            proc = str(op.get("args", {}).get("Details", "")).split("(")[0].strip()
            if proc not in READ_PROCEDURES:
                bad.append(f"procedure {proc}")
        stack.extend(op.get("children", ()))
    if bad:
        raise QueryError(
            f"Neo4j plans this query as more than a read ({', '.join(dict.fromkeys(bad))}); "
            "queries are read-only unless write=True"
        )
