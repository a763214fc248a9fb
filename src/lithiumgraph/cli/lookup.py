"""Looking things up: validate, stats, show, search, parks, the walks, neighbours and paths."""

from __future__ import annotations

import click

from .base import _echo, _graph, _park, cli, data_option, echo, errors_to_click, format_option, progress_line, warn


@cli.command()
@click.option(
    "--data",
    "data_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="graph_data directory; repeat to layer several (default: the shipped graph_data/).",
)
@click.option(
    "--progress/--no-progress", default=None, help="A one-line progress on stderr (default: when stderr is a terminal)."
)
@errors_to_click
def validate(data_dirs, progress):
    """Check graph_data/ and report every problem as FILE:LINE: FIELD: message.

    Example: lithiumgraph validate --data graph_data
    """
    from ..dataset import load

    ds = load(list(data_dirs) or None, progress=progress)
    counts = ds.counts()
    parts = ", ".join(f"{n} {cls.__name__.lower()}" for cls, n in counts.items() if n)
    total = sum(counts.values())
    echo(f"OK: {total} records valid ({parts})")


@cli.command()
@data_option
@format_option
@errors_to_click
def stats(src, fmt):
    """Count nodes and edges by kind and the share of facts that cite a known source.

    Example: lithiumgraph stats
    """
    s = src.stats()
    _echo(
        s.rows(),
        fmt,
        data={
            "nodes": s.nodes,
            "edges": s.edges,
            "confidence": s.confidence,
            "facts": s.facts,
            "sourced": s.sourced,
            "sourced_share": s.sourced_share,
            "unsourced": s.unsourced,
        },
    )


@cli.command()
@click.argument("name")
@data_option
@format_option
@errors_to_click
def show(name, src, fmt):
    """Show an entity by zh name, en name, alias, listed code or id: its attributes, projects,
    figures, neighbours by edge kind and sources.

    Example: lithiumgraph show 赣锋锂业
    """
    from ..names import resolve
    from ..summary import PROJECT_FIELDS, describe

    G = _graph(src)
    e = describe(G, resolve(G, name))
    rows = [
        {
            "edge": n.edge,
            "direction": n.direction,
            "id": n.id,
            "name": n.name,
            "detail": _detail(n.props),
            "confidence": n.props.get("confidence"),
            "sources": n.props.get("sources"),
        }
        for n in e.neighbours
    ]
    if fmt != "table":
        return _echo(rows, fmt, data=e.to_dict())
    echo(f"{e.name}  [{e.id}, {e.kind}]")
    for k, v in e.attrs.items():
        echo(f"  {k}: {' | '.join(v) if isinstance(v, (list, tuple)) else v}")
    for title, section, cols in (
        ("projects", e.projects, [c for c in PROJECT_FIELDS if c != "note"]),
        ("figures", e.figures, ["subject", "metric", "value", "unit", "confidence", "sources", "note"]),
        ("neighbours", rows, None),
        ("sources", e.sources, ["id", "title", "publisher", "date", "address"]),
    ):
        if section:
            echo(f"\n{title}:")
            _echo(section, "table", cols, max_width=48)


def _detail(props: dict) -> str:
    """The few edge properties that say what a link is (product, capacity, share, role)."""
    from ..output import format_value

    parts = []
    for k in ("product", "role", "capacity", "unit", "share_pct", "status", "period", "note"):
        v = props.get(k)
        if v is not None:
            parts.append(f"{v:g}%" if k == "share_pct" else format_value(v))
    return "; ".join(parts)


@cli.command()
@click.argument("text")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["Enterprise", "Segment", "Park", "Project", "Product", "Industry"], case_sensitive=False),
    help="Only nodes of this kind (repeat for several).",
)
@data_option
@format_option
@errors_to_click
def search(text, limit, kinds, src, fmt):
    """Fuzzy search over names, aliases, listed codes and ids.

    Example: lithiumgraph search 国轩
    """
    from dataclasses import asdict
    from ..names import NAMED_KINDS, search_table

    kinds = tuple(k for k in NAMED_KINDS if k.lower() in {x.lower() for x in kinds}) or NAMED_KINDS
    hits = [asdict(m) for m in search_table(_names(src), text, limit=limit, kinds=kinds)]
    if not hits and fmt == "table":
        raise click.ClickException(f"nothing matches {text!r}")
    _echo(hits, fmt, ["id", "kind", "name", "matched", "score"])


def _names(src):
    """The names ``search`` looks through: from the cache on the memory store (today's are kept there, read
    without the graph), else from the graph."""
    if src.store != "memory":
        from ..names import name_table

        return name_table(_graph(src))
    from ..cache import GraphCache

    return GraphCache(src.data_dirs or None, enabled=src.cache, progress=progress_line, warn=warn).names(src.as_of)


@cli.command()
@click.option("--within", help="Only the parks inside this region (id or name).")
@data_option
@format_option
@errors_to_click
def parks(within, src, fmt):
    """Parks and regions with how many firms and projects are sited in each (its sub-parks included).

    Example: lithiumgraph parks --within 宜春市
    """
    from ..analysis.scope import park_table

    G = _graph(src)
    _echo(
        [p.row() for p in park_table(G, within=_park(G, within) if within else None)],
        fmt,
        ["park", "name", "level", "parent", "firms", "projects"],
    )


def traversal_options(fn):
    fn = click.option(
        "--level",
        type=click.Choice(["enterprise", "segment", "product", "industry"]),
        default=None,
        help="Follow supply relations between enterprises, the chain's segments, imported "
        "material links between products or upstream industries (default: by what "
        "the walk starts from; enterprise for an enterprise or a project).",
    )(fn)
    return fn


def _steps(steps, fmt, empty):
    rows = [s.row() for s in steps]
    if not rows and fmt == "table":
        echo(empty)
        return
    _echo(
        rows,
        fmt,
        ["hop", "id", "kind", "name", "edge", "source_node", "target_node", "detail", "confidence", "sources"],
        max_width=50,
    )


def _walk_command(name, fn_name, doc, example, with_hops):
    @click.argument("name")
    @traversal_options
    @data_option
    @format_option
    @errors_to_click
    def command(name, level, src, fmt, hops=None):
        from .. import traverse
        from ..names import resolve

        G = _graph(src)
        n = resolve(G, name)
        fn = getattr(traverse, fn_name)
        steps = fn(G, n, hops, level) if with_hops else fn(G, n, level)
        from ..graph import display_name

        _steps(steps, fmt, f"nothing {fn_name.rstrip('s')} of {display_name(G, n)} in the data")

    command.__doc__ = f"{doc}\n\n    Example: {example}\n    "
    if with_hops:
        command = click.option(
            "--hops", type=click.IntRange(1, 10), default=2, show_default=True, help="How many steps to follow."
        )(command)
    return cli.command(name)(command)


_walk_command(
    "upstream",
    "upstream",
    "What feeds an entity within K hops: its suppliers and theirs, or the "
    "chain segments upstream of its segments; each step with its sources.",
    "lithiumgraph upstream 宁德时代 --level segment --hops 2",
    True,
)
_walk_command(
    "downstream",
    "downstream",
    "What an entity feeds within K hops: its customers and theirs, or "
    "the chain segments downstream of its segments; each step with its sources.",
    "lithiumgraph downstream 赣锋锂业",
    True,
)
_walk_command(
    "suppliers",
    "suppliers",
    "Direct suppliers of an enterprise (stated supply relations), or the segments directly upstream of a segment.",
    "lithiumgraph suppliers CATL",
    False,
)
_walk_command(
    "customers",
    "customers",
    "Direct customers of an enterprise (stated supply relations), or the segments directly downstream of a segment.",
    "lithiumgraph customers 国轩高科",
    False,
)


@cli.command()
@click.argument("name")
@click.option(
    "--edge",
    type=click.Choice(["UPSTREAM_OF", "IN_SEGMENT", "SUPPLIES", "LOCATED_IN", "RUNS", "SUBSIDIARY_OF", "INVESTS_IN"]),
    help="Only edges of this kind.",
)
@data_option
@format_option
@errors_to_click
def neighbours(name, edge, src, fmt):
    """Everything one edge away from an entity, in and out, with each edge's sources.

    Example: lithiumgraph neighbours 宜春时代 --edge SUBSIDIARY_OF
    """
    from ..names import resolve
    from ..traverse import neighbours as _neighbours

    G = _graph(src)
    n = resolve(G, name)
    from ..graph import display_name

    _steps(
        _neighbours(G, n, edge), fmt, f"{display_name(G, n)} has no {edge + ' ' if edge else ''}neighbours in the data"
    )


@cli.command()
@click.argument("a")
@click.argument("b")
@click.option(
    "--any",
    "any_edge",
    is_flag=True,
    help="Allow any relation in either direction (ownership, location, projects), not only supply.",
)
@data_option
@format_option
@errors_to_click
def path(a, b, any_edge, src, fmt):
    """The shortest supply path between two entities, one line per edge with its sources.

    Example: lithiumgraph path 江西升华 哪吒汽车
    """
    from ..graph import display_name
    from ..names import resolve
    from ..traverse import path as _path

    G = _graph(src)
    x, y = resolve(G, a), resolve(G, b)
    none = (
        f"{display_name(G, x)} and {display_name(G, y)} are not connected"
        if any_edge
        else f"no stated supply path between {display_name(G, x)} and {display_name(G, y)}; "
        "--any looks for any connection"
    )
    _steps(_path(G, x, y, any_edge=any_edge), fmt, none)
