"""The ``lithiumgraph`` command line: thin click commands over the library.

Library modules are imported inside commands so that ``lithiumgraph --help`` stays fast.
"""
from __future__ import annotations

import functools
import sys

import click

FORMATS = ("table", "json", "csv")


class DataProblems(click.ClickException):
    """Bad input: one ``FILE:LINE: FIELD: message`` line per problem, then a summary; exit 1."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the data; nothing was loaded")

    def show(self, file=None):
        file = file or sys.stderr
        for p in self.problems:
            click.echo(str(p), file=file)
        click.echo(f"Error: {self.message}", file=file)


def errors_to_click(fn):
    """Turn library errors into one-line click errors (exit 1, no traceback)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .errors import DataError, LithiumGraphError
        try:
            return fn(*args, **kwargs)
        except DataError as e:
            raise DataProblems(e.problems) from None
        except LithiumGraphError as e:
            raise click.ClickException(str(e)) from None
    return wrapper


def data_option(fn):
    return click.option(
        "--data", "data_dirs", multiple=True, type=click.Path(file_okay=False),
        help="graph_data directory; repeat to layer several (default: the shipped graph_data/).")(fn)


def format_option(fn):
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
                        show_default=True, help="Output format.")(fn)


def _graph(data_dirs):
    from .stores import open_store
    return open_store("memory", data_dirs=data_dirs or None).graph()


def _echo(rows, fmt, columns=None, data=None, **kw):
    from .output import render
    click.echo(render(rows, fmt, columns, data=data, **kw))


@click.group()
@click.version_option(package_name="lithiumgraph")
def cli():
    """A sourced knowledge graph of the lithium-battery industry chain (锂电产业链).

    Example: lithiumgraph show 宁德时代
    """


@cli.command()
@data_option
@errors_to_click
def validate(data_dirs):
    """Check graph_data/ and report every problem as FILE:LINE: FIELD: message.

    Example: lithiumgraph validate --data graph_data
    """
    from .dataset import load
    ds = load(list(data_dirs) or None)
    total = sum(len(rows) for rows in ds.rows.values())
    parts = ", ".join(f"{len(rows)} {cls.__name__.lower()}" for cls, rows in ds.rows.items() if rows)
    click.echo(f"OK: {total} records valid ({parts})")


@cli.command()
@data_option
@format_option
@errors_to_click
def stats(data_dirs, fmt):
    """Count nodes and edges by kind and the share of facts that cite a known source.

    Example: lithiumgraph stats
    """
    from .summary import stats as _stats
    s = _stats(_graph(data_dirs))
    _echo(s.rows(), fmt, data={"nodes": s.nodes, "edges": s.edges, "confidence": s.confidence,
                                "facts": s.facts, "sourced": s.sourced, "sourced_share": s.sourced_share,
                                "unsourced": s.unsourced})


@cli.command()
@click.argument("name")
@data_option
@format_option
@errors_to_click
def show(name, data_dirs, fmt):
    """Show an entity by zh name, en name, alias, listed code or id: its attributes, projects,
    figures, neighbours by edge kind and sources.

    Example: lithiumgraph show 赣锋锂业
    """
    from .names import resolve
    from .summary import describe
    G = _graph(data_dirs)
    e = describe(G, resolve(G, name))
    rows = [{"edge": n.edge, "direction": n.direction, "id": n.id, "name": n.name,
             "detail": _detail(n.props), "confidence": n.props.get("confidence"),
             "sources": n.props.get("sources")} for n in e.neighbours]
    if fmt != "table":
        return _echo(rows, fmt, data=e.to_dict())
    click.echo(f"{e.name}  [{e.id}, {e.kind}]")
    for k, v in e.attrs.items():
        click.echo(f"  {k}: {' | '.join(v) if isinstance(v, list) else v}")
    for title, section, cols in (
            ("projects", e.projects, ["id", "name", "run_by", "park", "segment", "capacity", "unit",
                                      "investment_yuan", "status", "start", "confidence", "sources"]),
            ("figures", e.figures, ["subject", "metric", "value", "unit", "confidence", "sources", "note"]),
            ("neighbours", rows, None),
            ("sources", e.sources, ["id", "title", "publisher", "date", "address"])):
        if section:
            click.echo(f"\n{title}:")
            _echo(section, "table", cols, max_width=48)


def _detail(props: dict) -> str:
    """The few edge properties that say what a link is (product, capacity, share, role)."""
    from .output import format_value
    parts = []
    for k in ("product", "role", "capacity", "unit", "share_pct", "status", "period", "note"):
        v = props.get(k)
        if v is not None:
            parts.append(f"{v:g}%" if k == "share_pct" else format_value(v))
    return "; ".join(parts)


@cli.command()
@click.argument("text")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@data_option
@format_option
@errors_to_click
def search(text, limit, data_dirs, fmt):
    """Fuzzy search over names, aliases, listed codes and ids.

    Example: lithiumgraph search 国轩
    """
    from dataclasses import asdict
    from .names import search as _search
    hits = [asdict(m) for m in _search(_graph(data_dirs), text, limit=limit)]
    if not hits and fmt == "table":
        raise click.ClickException(f"nothing matches {text!r}")
    _echo(hits, fmt, ["id", "kind", "name", "matched", "score"])
