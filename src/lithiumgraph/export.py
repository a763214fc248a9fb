"""Exports for other tools: GraphML and GEXF (Gephi, Cytoscape), networkx node-link JSON, CSV tables,
and the files ``neo4j-admin database import full`` reads.

Every writer streams node by node to a temporary file that replaces the target only when complete, so
a large graph is never held as one string and an interrupted export never leaves half a file. List
attributes (``aliases``, ``sources``) become text joined with ``|`` where a format has no lists (the
dataset never allows ``|`` inside a list item); JSON keeps them as lists. The edge key (``SUPPLIES``,
``SUPPLIES#2``…) travels as the edge attribute ``edge_key`` in GraphML and GEXF (whose edge ids must be
unique in the file) and as ``key`` in JSON and CSV, so that parallel edges stay apart.
"""

from __future__ import annotations

import csv
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from .errors import LithiumGraphError
from .graph import display_name
from .output import CSVWriter, atomic_open, safe_cell, staged_dir

__all__ = ["FORMATS", "Export", "export", "LIST_SEP"]

FORMATS = ("graphml", "gexf", "json", "csv", "neo4j-import")
LIST_SEP = "|"
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass
class Export:
    """What was written: the files, the counts, and for neo4j-import the command that loads them."""

    format: str
    paths: list[Path]
    nodes: int
    edges: int
    command: str | None = None
    notes: list[str] = field(default_factory=list)


def export(G: nx.MultiDiGraph, fmt: str, path: str | Path, *, raw_cells: bool = False) -> Export:
    """Write ``G`` in one of :data:`FORMATS` to ``path`` (a file; a directory for csv and neo4j-import).
    CSV text cells are spreadsheet-safe (:func:`~lithiumgraph.output.safe_cell`) unless ``raw_cells``."""
    writer = {"graphml": _graphml, "gexf": _gexf, "json": _json, "csv": _csv, "neo4j-import": _neo4j_import}.get(fmt)
    if writer is None:
        raise LithiumGraphError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "csv":
        return _csv(G, Path(path), raw_cells)
    return writer(G, Path(path))


# -- shared -------------------------------------------------------------------------------------------------


def _nodes(G: nx.MultiDiGraph) -> list:
    """Nodes by id: every store, and every run, writes the same file."""
    return sorted(G.nodes(data=True), key=lambda x: x[0])


def _edges(G: nx.MultiDiGraph) -> list:
    """Edges by (source, target, key)."""
    return sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))


def _flat(v):
    return LIST_SEP.join(map(str, v)) if isinstance(v, (tuple, list)) else v


def _types(items) -> dict[str, str]:
    """One type per attribute: long, double, boolean or string (lists are strings here)."""
    seen: dict[str, set] = {}
    for d in items:
        for k, v in d.items():
            seen.setdefault(k, set()).add(type(v))
    out = {}
    for k, ts in seen.items():
        if ts == {bool}:
            out[k] = "boolean"
        elif ts <= {int}:
            out[k] = "long"
        elif ts <= {int, float}:
            out[k] = "double"
        else:
            out[k] = "string"
    return out


def _lists(G: nx.MultiDiGraph) -> list[str]:
    names = {k for _, d in G.nodes(data=True) for k, v in d.items() if isinstance(v, tuple)}
    names |= {k for _, _, d in G.edges(data=True) for k, v in d.items() if isinstance(v, tuple)}
    return sorted(names)


def _list_note(lists: list[str]) -> str:
    return f"list attributes joined with '{LIST_SEP}': {', '.join(lists)}"


def _xml_value(v, where: str, key: str) -> str:
    text = str(_flat(v)).lower() if isinstance(v, bool) else str(_flat(v))
    if _BAD_XML.search(text):
        raise LithiumGraphError(f"{where}: attribute {key!r} holds a control character that XML cannot carry")
    return text


# -- GraphML ------------------------------------------------------------------------------------------------


def _schema(G: nx.MultiDiGraph) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """The XML formats' declarations: node and edge attribute types (with ``edge_key``), list attributes."""
    ntypes = _types(d for _, d in G.nodes(data=True))
    etypes = _types(d for _, _, d in G.edges(data=True))
    etypes["edge_key"] = "string"
    return ntypes, etypes, _lists(G)


def _graphml(G: nx.MultiDiGraph, path: Path) -> Export:
    ntypes, etypes, lists = _schema(G)
    nkeys = {k: f"n{i}" for i, k in enumerate(sorted(ntypes))}
    ekeys = {k: f"e{i}" for i, k in enumerate(sorted(etypes))}
    with atomic_open(path) as f:
        f.write(
            "<?xml version='1.0' encoding='utf-8'?>\n"
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
        )
        f.write('  <key id="g0" for="graph" attr.name="list_attributes" attr.type="string"/>\n')
        for k, kid in nkeys.items():
            f.write(f'  <key id="{kid}" for="node" attr.name={quoteattr(k)} attr.type="{ntypes[k]}"/>\n')
        for k, kid in ekeys.items():
            f.write(f'  <key id="{kid}" for="edge" attr.name={quoteattr(k)} attr.type="{etypes[k]}"/>\n')
        f.write('  <graph id="lithiumgraph" edgedefault="directed">\n')
        f.write(f'    <data key="g0">{escape(",".join(lists))}</data>\n')
        for n, d in _nodes(G):
            where = f"node {n!r}"
            f.write(f"    <node id={quoteattr(_xml_value(n, where, 'id'))}>")
            f.write(
                "".join(
                    f'<data key="{nkeys[k]}">{escape(_xml_value(v, where, k))}</data>' for k, v in sorted(d.items())
                )
            )
            f.write("</node>\n")
        for i, (u, v, k, d) in enumerate(_edges(G)):
            where = f"edge {u!r} -> {v!r}"
            f.write(f'    <edge id="e{i}" source={quoteattr(u)} target={quoteattr(v)}>')
            f.write(f'<data key="{ekeys["edge_key"]}">{escape(k)}</data>')
            f.write(
                "".join(
                    f'<data key="{ekeys[a]}">{escape(_xml_value(x, where, a))}</data>' for a, x in sorted(d.items())
                )
            )
            f.write("</edge>\n")
        f.write("  </graph>\n</graphml>\n")
    return Export("graphml", [path], G.number_of_nodes(), G.number_of_edges(), notes=[_list_note(lists)])


# -- GEXF ---------------------------------------------------------------------------------------------------


def _gexf(G: nx.MultiDiGraph, path: Path) -> Export:
    ntypes, etypes, lists = _schema(G)
    nids = {k: str(i) for i, k in enumerate(sorted(ntypes))}
    eids = {k: str(i) for i, k in enumerate(sorted(etypes))}
    with atomic_open(path) as f:
        f.write(
            "<?xml version='1.0' encoding='utf-8'?>\n"
            '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
            "  <meta><creator>lithiumgraph</creator><description>lithium-battery industry chain; list "
            f"attributes joined with '{LIST_SEP}': {escape(', '.join(lists))}</description></meta>\n"
            '  <graph defaultedgetype="directed" mode="static">\n    <attributes class="node">\n'
        )
        for k, aid in nids.items():
            f.write(f'      <attribute id="{aid}" title={quoteattr(k)} type="{ntypes[k]}"/>\n')
        f.write('    </attributes>\n    <attributes class="edge">\n')
        for k, aid in eids.items():
            f.write(f'      <attribute id="{aid}" title={quoteattr(k)} type="{etypes[k]}"/>\n')
        f.write("    </attributes>\n    <nodes>\n")
        for n, d in _nodes(G):
            where = f"node {n!r}"
            label = _xml_value(display_name(G, n), where, "label")
            f.write(f"      <node id={quoteattr(_xml_value(n, where, 'id'))} label={quoteattr(label)}><attvalues>")
            f.write(
                "".join(
                    f'<attvalue for="{nids[k]}" value={quoteattr(_xml_value(v, where, k))}/>'
                    for k, v in sorted(d.items())
                )
            )
            f.write("</attvalues></node>\n")
        f.write("    </nodes>\n    <edges>\n")
        for i, (u, v, k, d) in enumerate(_edges(G)):
            where = f"edge {u!r} -> {v!r}"
            f.write(
                f'      <edge id="{i}" source={quoteattr(u)} target={quoteattr(v)} label={quoteattr(d["kind"])}>'
                f'<attvalues><attvalue for="{eids["edge_key"]}" value={quoteattr(k)}/>'
            )
            f.write(
                "".join(
                    f'<attvalue for="{eids[a]}" value={quoteattr(_xml_value(x, where, a))}/>'
                    for a, x in sorted(d.items())
                )
            )
            f.write("</attvalues></edge>\n")
        f.write("    </edges>\n  </graph>\n</gexf>\n")
    return Export("gexf", [path], G.number_of_nodes(), G.number_of_edges(), notes=[_list_note(lists)])


# -- node-link JSON -----------------------------------------------------------------------------------------


def _json(G: nx.MultiDiGraph, path: Path) -> Export:
    """networkx's node-link form with ``edges="edges"``: ``nx.node_link_graph(data, edges="edges")`` reads it."""

    def dump(obj) -> str:
        return json.dumps(obj, ensure_ascii=False, sort_keys=True, allow_nan=False)

    with atomic_open(path) as f:
        f.write('{"directed": true, "multigraph": true, "graph": {"name": "lithiumgraph"},\n "nodes": [\n')
        for i, (n, d) in enumerate(_nodes(G)):
            f.write(("" if i == 0 else ",\n") + "  " + dump({"id": n, **{k: _listy(v) for k, v in d.items()}}))
        f.write('\n ],\n "edges": [\n')
        for i, (u, v, k, d) in enumerate(_edges(G)):
            f.write(
                ("" if i == 0 else ",\n")
                + "  "
                + dump({"source": u, "target": v, "key": k, **{a: _listy(x) for a, x in d.items()}})
            )
        f.write("\n ]\n}\n")
    return Export("json", [path], G.number_of_nodes(), G.number_of_edges())


def _listy(v):
    return list(v) if isinstance(v, tuple) else v


# -- CSV tables ---------------------------------------------------------------------------------------------


def _csv(G: nx.MultiDiGraph, path: Path, raw_cells: bool = False) -> Export:
    ncols = sorted({k for _, d in G.nodes(data=True) for k in d} - {"kind"})
    ecols = sorted({k for _, _, d in G.edges(data=True) for k in d} - {"kind"})
    with staged_dir(path, {"nodes.csv", "edges.csv"}) as tmp:  # the pair is swapped in together
        with atomic_open(tmp / "nodes.csv") as f:
            w = CSVWriter(f)
            w.writerow(["id", "kind", *ncols])
            cell = _cell if raw_cells else (lambda v: safe_cell(_cell(v)))
            for n, d in _nodes(G):
                w.writerow([cell(n), d.get("kind"), *(cell(d.get(k)) for k in ncols)])
        with atomic_open(tmp / "edges.csv") as f:
            w = CSVWriter(f)
            w.writerow(["source", "target", "key", "kind", *ecols])
            for u, v, k, d in _edges(G):
                w.writerow([cell(u), cell(v), cell(k), d.get("kind"), *(cell(d.get(a)) for a in ecols)])
    return Export(
        "csv",
        [path / "nodes.csv", path / "edges.csv"],
        G.number_of_nodes(),
        G.number_of_edges(),
        notes=[_list_note(_lists(G))],
    )


def _cell(v):
    return "" if v is None else _flat(v)


# -- neo4j-admin import -------------------------------------------------------------------------------------

_NEO_TYPES = {"long": "long", "double": "double", "boolean": "boolean", "string": "string"}


def _neo4j_import(G: nx.MultiDiGraph, path: Path) -> Export:
    """One header and one data file per node kind and per relationship type, as ``neo4j-admin database
    import full`` reads them; nodes get the labels ``LG`` and their kind, like ``push`` writes them."""
    owns = lambda name: bool(_NEO_IMPORT_FILE.fullmatch(name))
    with staged_dir(path, owns) as tmp:  # the whole set is swapped in together
        paths, args = _neo4j_files(G, path, tmp)
    # the database name first: --nodes and --relationships take every word after them as files
    command = (
        "neo4j-admin database import full neo4j --array-delimiter='|' --multiline-fields=true "
        "--report-file=" + shlex.quote(str(path / "import.report")) + " " + " ".join(args)
    )
    return Export(
        "neo4j-import",
        paths,
        G.number_of_nodes(),
        G.number_of_edges(),
        command=command,
        notes=[
            "stop the database first; add --overwrite-destination to replace an existing one",
            "with the project's own server: bash scripts/neo4j.sh stop && "
            "bash scripts/neo4j.sh admin database import full …",
        ],
    )


_NEO_IMPORT_FILE = re.compile(r"(nodes|rels)_\w+(\.header)?\.csv|import\.report")


def _neo4j_files(G: nx.MultiDiGraph, path: Path, tmp: Path) -> tuple[list[Path], list[str]]:
    """Write the header and data files into ``tmp``; their final paths under ``path`` and the import's arguments."""
    from .model import EDGE_KINDS, NODE_KINDS

    lists = set(_lists(G))
    paths, args = [], []
    by_kind: dict[str, list[str]] = {}
    for n, d in _nodes(G):
        by_kind.setdefault(d["kind"], []).append(n)
    for kind, ids in sorted(by_kind.items()):
        if kind not in NODE_KINDS:
            raise LithiumGraphError(f"node kind outside the model: {kind!r}")
        types = _types(G.nodes[n] for n in ids)
        cols = sorted(set(types) - {"kind"})
        header = ["id:ID"] + [f"{c}:{'string[]' if c in lists else _NEO_TYPES[types[c]]}" for c in cols] + [":LABEL"]
        hp, dp = path / f"nodes_{kind}.header.csv", path / f"nodes_{kind}.csv"
        with atomic_open(tmp / hp.name) as f:
            csv.writer(f, lineterminator="\n").writerow(header)
        with atomic_open(tmp / dp.name) as f:
            w = csv.writer(f, lineterminator="\n")
            for n in ids:
                d = G.nodes[n]
                w.writerow([n, *(_cell(d.get(c)) for c in cols), f"LG{LIST_SEP}{kind}"])
        paths += [hp, dp]
        args.append(shlex.quote(f"--nodes={hp},{dp}"))
    by_type: dict[str, list] = {}
    for u, v, k, d in _edges(G):
        by_type.setdefault(d["kind"], []).append((u, v, k, d))
    for kind, rows in sorted(by_type.items()):
        if kind not in EDGE_KINDS:
            raise LithiumGraphError(f"relationship kind outside the model: {kind!r}")
        types = _types(r[3] for r in rows)
        cols = sorted(set(types) - {"kind"})
        header = (
            [":START_ID", ":END_ID", "_key:string"]
            + [f"{c}:{'string[]' if c in lists else _NEO_TYPES[types[c]]}" for c in cols]
            + [":TYPE"]
        )
        hp, dp = path / f"rels_{kind}.header.csv", path / f"rels_{kind}.csv"
        with atomic_open(tmp / hp.name) as f:
            csv.writer(f, lineterminator="\n").writerow(header)
        with atomic_open(tmp / dp.name) as f:
            w = csv.writer(f, lineterminator="\n")
            for u, v, k, d in rows:
                w.writerow([u, v, k, *(_cell(d.get(c)) for c in cols), kind])
        paths += [hp, dp]
        args.append(shlex.quote(f"--relationships={hp},{dp}"))
    return paths, args
