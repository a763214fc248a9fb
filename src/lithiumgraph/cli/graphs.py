"""Stores, Cypher and files: synth, push, query, explore and export."""

from __future__ import annotations

import contextlib
import sys

import click

from .base import (
    Number,
    _echo,
    _graph,
    _park,
    cache_option,
    cli,
    data_option,
    echo,
    errors_to_click,
    format_option,
    neo4j_options,
    progress_line,
    warn,
)


@cli.command()
@click.option(
    "--enterprises",
    "n",
    type=Number(int, 1, 2_000_000, "a whole number"),
    required=True,
    help="Number of enterprises (at most 2,000,000).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: same seed, same files.")
@click.option(
    "-o", "--output", "outdir", required=True, type=click.Path(), help="Directory to write the graph_data files into."
)
@errors_to_click
def synth(n, seed, outdir):
    """Generate a SYNTHETIC data set (labelled synthetic in every record) over the real segment
    template, for scale tests and benchmarks.

    Example: lithiumgraph synth --enterprises 10000 --seed 1 -o /tmp/syn10k
    """
    from ..synth import write_synth

    counts = write_synth(n, seed, outdir)
    echo(
        f"wrote {sum(counts.values())} synthetic records to {outdir} "
        f"({', '.join(f'{v} {k[:-4]}' for k, v in counts.items())})"
    )


@cli.command()
@neo4j_options
@click.option("--replace", is_flag=True, help="First delete everything lithiumgraph wrote (nodes labelled LG).")
@click.option("--batch", type=click.IntRange(1), default=5000, show_default=True, help="Rows per transaction.")
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=2,
    show_default=True,
    help="Transactions in flight at once (more can help a server with more cores or far away).",
)
@click.option(
    "--data",
    "data_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="graph_data directory; repeat to layer several (default: the shipped graph_data/).",
)
@cache_option
@errors_to_click
def push(neo4j_uri, neo4j_user, neo4j_password, database, replace, batch, workers, data_dirs, no_cache):
    """Write the graph to a Neo4j server: uniqueness constraint, then batches (CREATE into an empty
    graph, else MERGE). Pushing twice leaves the same graph; if the server dies mid-push, run the same
    push again.

    Example: lithiumgraph push --neo4j-uri bolt://127.0.0.1:7687 --neo4j-password secret
    """
    from ..stores import open_store, push as _push

    if not neo4j_uri:
        raise click.UsageError("push needs --neo4j-uri or NEO4J_URI")
    G = open_store("memory", data_dirs=data_dirs or None, cache=not no_cache, progress=progress_line, warn=warn).graph()
    from ..stores.neo4j import OFFLINE_ABOVE

    if G.number_of_edges() > OFFLINE_ABOVE:  # a first load this large is several times faster offline
        import shlex

        data = "".join(f" --data {shlex.quote(str(d))}" for d in data_dirs)
        echo(
            f"note: {G.number_of_edges():,} relationships: for a first load into an empty database, neo4j-admin "
            f"import is several times faster. Write its files and command with: lithiumgraph export{data} "
            "--to neo4j-import -o neo4j-import, then run the command it prints with the database stopped "
            "(the project's own server: bash scripts/neo4j.sh stop && bash scripts/neo4j.sh admin database "
            "import full …)",
            err=True,
        )
    counts = _push(
        G,
        neo4j_uri,
        user=neo4j_user,
        password=neo4j_password,
        database=database,
        replace=replace,
        batch=batch,
        workers=workers,
        progress=lambda total: click.progressbar(length=total, label="pushing", file=sys.stderr),
    )
    echo(f"pushed {counts['nodes']} nodes and {counts['relationships']} relationships to {neo4j_uri}")


@contextlib.contextmanager
def deadline(seconds):
    """Stop the block after ``seconds`` (the whole command, not only the engine's part) with one line."""
    import signal
    import threading

    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(*_):
        from ..errors import LithiumGraphError

        raise LithiumGraphError(f"the query ran past the {seconds:g} s timeout")

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds + 0.5)  # the engine's own timeout speaks first
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _cell(value):
    """A query value in a table cell: nodes as (Kind id), relationships as [TYPE from→to], paths as chains."""
    if isinstance(value, dict):
        if "kind" in value and "id" in value:
            return f"({value['kind']} {value['id']})"
        if "type" in value and "from" in value:
            return f"[{value['type']} {value['from']}→{value['to']}]"
        if "nodes" in value and "relationships" in value:
            ids = [n.get("id") for n in value["nodes"]]
            rels = [r.get("type") for r in value["relationships"]]
            return ids[0] + "".join(f"-[{r}]-{i}" for r, i in zip(rels, ids[1:])) if ids else ""
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return "[" + ", ".join(_cell(v) for v in value) + "]"
    return value


@cli.command()
@click.argument("cypher")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help='A query parameter ($NAME); VALUE is read as JSON when it is JSON (2, ["a"]), else as text.',
)
@click.option("--write", is_flag=True, help="Allow clauses that write (Neo4j only; queries are read-only by default).")
@click.option(
    "--timeout",
    type=Number(float, 0.01, 86400, "a number of seconds"),
    default=None,
    help="Seconds before the command is stopped (the query and the conversion of its answer).",
)
@click.option(
    "--max-rows",
    type=Number(int, 1, 10_000_000, "a whole number"),
    default=100_000,
    show_default=True,
    help="Print at most this many rows and say how many were cut.",
)
@data_option
@format_option
@errors_to_click
def query(cypher, params, write, timeout, max_rows, src, fmt):
    """Run a Cypher query on the embedded store (LadybugDB) or on Neo4j; the same query gives the same
    rows on both. Read-only unless --write.

    Example: lithiumgraph query "MATCH (a:Enterprise)-[r:SUPPLIES]->(b) RETURN a.name_zh, r.product, b.name_zh"
    """
    from ..cypher import parse_param

    with deadline(timeout):
        res = src.query(cypher, dict(parse_param(p) for p in params), write=write, timeout=timeout)
    if len(res.rows) > max_rows:
        echo(f"({len(res.rows) - max_rows} of {len(res.rows)} rows cut: raise --max-rows to see them)", err=True)
        del res.rows[max_rows:]
    if fmt == "json":
        return _echo([], fmt, data=res.records())
    cols = list(dict.fromkeys(res.columns))
    if len(cols) != len(res.columns):
        raise click.ClickException("two columns have the same name; give them different names with AS")
    rows = [{c: _cell(v) for c, v in zip(res.columns, row)} for row in res.rows]
    _echo(rows, fmt, cols, max_width=80)
    if fmt == "table":
        echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", err=True)


@cli.command()
@click.option("--park", help="Mark this park's gaps (missing, weak, strong) and tell its firms from outside ones.")
@click.option("--focus", help="Only what lies within --hops edges of this entity (id or name).")
@click.option("--hops", type=click.IntRange(1, 10), default=1, show_default=True, help="Hops around --focus.")
@click.option(
    "--level",
    type=click.Choice(["segment", "enterprise"]),
    default="segment",
    show_default=True,
    help="Chain segments only, or segments with the enterprises in them.",
)
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(),
    help="The HTML file to write (one self-contained file, works offline).",
)
@click.option("--open", "open_", is_flag=True, help="Open the file in the default browser.")
@click.option(
    "--max-nodes",
    type=click.IntRange(1),
    default=20000,
    show_default=True,
    help="Refuse to draw more enterprises than this (a browser page slows down beyond it).",
)
@data_option
@errors_to_click
def explore(park, focus, hops, level, out, open_, max_nodes, src):
    """Write the interactive chain explorer: segments upstream → downstream, gaps marked, firms inside
    their segments and outside partners below; click a firm for its supply chain and the sources of every
    link, slide the date to see the park as of a year; one offline HTML file.

    Example: lithiumgraph explore --park yichun-etdz -o chain.html
    """
    from ..explorer import explore as _explore
    from ..names import resolve

    G = _graph(src)
    ex = _explore(
        G,
        park=_park(G, park) if park else None,
        focus=resolve(G, focus) if focus else None,
        hops=hops,
        level=level,
        max_nodes=max_nodes,
    )
    path = ex.write(out)
    echo(f"wrote {path} ({ex.subtitle})")
    if open_:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


@cli.command("export")
@click.option(
    "--to",
    "fmt",
    required=True,
    type=click.Choice(["graphml", "gexf", "json", "csv", "neo4j-import"]),
    help="GraphML or GEXF (Gephi, Cytoscape), networkx node-link JSON, CSV tables, or neo4j-admin import files.",
)
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(),
    help="The file to write (a directory for csv and neo4j-import).",
)
@click.option("--park", help="Only this park's part of the graph (its firms, projects, sub-parks, the template).")
@click.option("--focus", help="Only what lies within --hops edges of this entity (id or name).")
@click.option("--hops", type=click.IntRange(1, 10), default=1, show_default=True, help="Hops around --focus.")
@click.option(
    "--raw-cells",
    is_flag=True,
    help="CSV cells as they are: no leading ' before = + - @ (for programs, not spreadsheets).",
)
@data_option
@errors_to_click
def export_(fmt, out, park, focus, hops, raw_cells, src):
    """Export the graph, or part of it, for Gephi, Cytoscape, pandas, spreadsheets or neo4j-admin import;
    files are streamed and written whole or not at all.

    Example: lithiumgraph export --to gexf -o yichun.gexf --park yichun-etdz
    """
    from ..export import export
    from ..names import resolve
    from ..scope import subgraph

    G = _graph(src)
    H = subgraph(G, park=_park(G, park) if park else None, focus=resolve(G, focus) if focus else None, hops=hops)
    res = export(H, fmt, out, raw_cells=raw_cells)
    echo(
        f"wrote {res.nodes} nodes and {res.edges} edges as {fmt} to {out}"
        + (f" ({len(res.paths)} files)" if len(res.paths) > 1 else "")
    )
    for note in res.notes:
        echo(f"  {note}")
    if res.command:
        echo(f"load with:\n  {res.command}")
