"""The cache of validated graphs: where it is, what it holds, and clearing it."""

from __future__ import annotations

import click

from .base import _echo, cli, echo, errors_to_click, format_option


@cli.group("cache")
def cache_():
    """The validated graphs and Cypher databases kept between commands (see --no-cache).

    Example: lithiumgraph cache info
    """


@cache_.command("info")
@click.option(
    "--data",
    "data_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Also say whether these graph_data directories' current files are cached (default: the shipped graph_data/).",
)
@format_option
@errors_to_click
def cache_info(data_dirs, fmt):
    """Say where the cache is, what it holds, and whether the data's current files are in it.

    Example: lithiumgraph cache info --data graph_data
    """
    from ..cache import GraphCache, cache_root, entries

    c = GraphCache(list(data_dirs) or None)
    state = "cached" if (c.folder / f"{c.key}.graph").is_file() else "not cached yet"
    echo(f"cache: {cache_root()}", err=True)
    echo(f"{', '.join(str(d) for d in c.dirs)}: {state} (folder {c.folder.name}, key {c.key})", err=True)
    _echo(entries(), fmt, ["folder", "file", "mib"])


@cache_.command("clear")
@errors_to_click
def cache_clear():
    """Remove every cached graph and Cypher database; the next command rebuilds what it needs.

    Example: lithiumgraph cache clear
    """
    from ..cache import cache_root, clear

    echo(f"removed {clear()} cached files from {cache_root()}")
