"""A park's analyses: gaps, balance, recommend, risk, the report and the pack, changes, freshness and
the backtests of recommend and of predicted supply links."""

from __future__ import annotations

import click

from .base import (
    _echo,
    _graph,
    _park,
    _rules,
    _show,
    cli,
    data_option,
    echo,
    errors_to_click,
    format_option,
    park_options,
)


@cli.command()
@park_options
@click.option(
    "--by",
    type=click.Choice(["stage", "group"]),
    default="stage",
    show_default=True,
    help="Group the table by chain stage or by 三电一车 (battery, motor, control, vehicle).",
)
@data_option
@format_option
@errors_to_click
def gaps(park, strong_firms, min_coverage, include_pipeline, operating_only, by, src, fmt):
    """Coverage of every chain segment for a park: local firms, capacity, and missing / weak / strong
    with the reason and the action (补链, 强链, 延链).

    Example: lithiumgraph gaps --park yichun-etdz
    """
    from ..analysis import gaps as _gaps

    G, pid = src.park_graph(park)
    _show(_gaps(G, pid, rules=_rules(strong_firms, min_coverage, include_pipeline)), fmt, by=by)


@cli.command()
@park_options
@data_option
@format_option
@errors_to_click
def balance(park, strong_firms, min_coverage, include_pipeline, operating_only, src, fmt):
    """Material demand implied by a park's cell capacity against local supply: shortfall or surplus
    per material as a low-high range, with the facts behind each number.

    Example: lithiumgraph balance --park yichun-etdz
    """
    from ..analysis import balance as _balance

    G, pid = src.park_graph(park)
    _show(_balance(G, pid, include_pipeline=include_pipeline), fmt)


@cli.command()
@park_options
@click.option("--segment", help="Only this segment (id or name).")
@click.option("--top", type=click.IntRange(1), default=5, show_default=True, help="Candidates per segment.")
@data_option
@format_option
@errors_to_click
def recommend(park, strong_firms, min_coverage, include_pipeline, operating_only, segment, top, src, fmt):
    """Outside enterprises that could fill each missing or weak segment, ranked; every score is
    broken into named parts with the evidence and sources behind them.

    Example: lithiumgraph recommend --park yichun-etdz --segment electrolyte
    """
    from ..analysis import gaps as _gaps, recommend as _recommend
    from ..analysis.recommend import target_segments
    from ..names import resolve

    rules = _rules(strong_firms, min_coverage, include_pipeline)

    def only(G):
        return resolve(G, segment, kinds=("Segment",), what="segment") if segment else None

    def segments(G, pid):  # what the candidates are scored in: read nationally, in a second step on a server
        return [s.segment for s in target_segments(_gaps(G, pid, rules=rules), only(G))]

    G, pid = src.park_graph(park, segments)
    seg = only(G)
    targets = _recommend(G, pid, segment=seg, top=top, rules=rules)
    if seg and not targets:
        raise click.ClickException(f"segment {seg!r} is not a gap of this park (it is strong, or a resource)")
    _show(targets, fmt)


@cli.command()
@park_options
@data_option
@format_option
@errors_to_click
def risk(park, strong_firms, min_coverage, include_pipeline, operating_only, src, fmt):
    """Single-source dependencies, chokepoint enterprises and concentration (HHI) for a park.

    Example: lithiumgraph risk --park yichun-etdz
    """
    from ..analysis import risk as _risk

    G, pid = src.park_graph(park, supplies=True)
    _show(_risk(G, pid, rules=_rules(strong_firms, min_coverage, include_pipeline)), fmt)


@cli.command()
@park_options
@click.option(
    "-o", "--output", "outdir", required=True, type=click.Path(), help="Directory for report.md and report.html."
)
@click.option("--top", type=click.IntRange(1), default=3, show_default=True, help="Candidates per segment.")
@data_option
@errors_to_click
def report(park, strong_firms, min_coverage, include_pipeline, operating_only, outdir, top, src):
    """Write the park report (gaps, balance, recommendations, risks, sources) as Markdown and as
    one self-contained HTML file.

    Example: lithiumgraph report --park yichun-etdz -o report
    """
    from ..report import build_report, write_report
    from ..timeline import snapshot

    H = src.history()
    G = snapshot(H, src.as_of)
    r = build_report(G, _park(G, park), rules=_rules(strong_firms, min_coverage, include_pipeline), top=top, history=H)
    for p in write_report(r, outdir):
        echo(f"wrote {p}")


@cli.command()
@click.option("--park", required=True, help="Park id or name.")
@click.option("--since", required=True, metavar="DATE", help="Changes dated after DATE (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="... and on or before DATE (default today).")
@data_option
@format_option
@errors_to_click
def changes(park, since, until, src, fmt):
    """New, changed and ended facts around a park between two dates, oldest first, each with its sources:
    project stage moves, firm events (production stops, restructuring, licences), new supply relations,
    memberships and sites, facts that ended (valid_to).

    Example: lithiumgraph changes --park yichun-etdz --since 2024-01
    """
    from ..changes import changes as _changes

    G = src.history()
    rows = [c.row() for c in _changes(G, _park(G, park), since, until)]
    _echo(rows, fmt, ["date", "what", "kind", "subject", "name", "detail", "sources"])


@cli.command()
@click.option("--park", help="Park id or name (default: every firm and project).")
@click.option(
    "--older-than", default="18m", show_default=True, help="Age after which a fact counts as stale (18m, 2y, 90d)."
)
@click.option(
    "--stuck-months",
    default=24,
    show_default=True,
    type=click.IntRange(1),
    help="Months after which a waiting stage (planned … trial) counts as stuck.",
)
@click.option("--top", default=0, type=click.IntRange(0), help="Show only the first N (0: all).")
@data_option
@format_option
@errors_to_click
def freshness(park, older_than, stuck_months, top, src, fmt):
    """Facts to re-check, most consequential first: statuses a later event contradicts, projects stuck in a
    stage, facts whose newest source or retrieved_on is older than --older-than. A leader flag (it alone
    makes a segment strong) ranks first, then capacities and project stages, then supply relations.

    Example: lithiumgraph freshness --park yichun-etdz --older-than 18m --top 10
    """
    from ..freshness import freshness as _freshness

    G = src.graph()
    found = _freshness(
        G, park=_park(G, park) if park else None, older_than=older_than, stuck_months=stuck_months, today=src.as_of
    )
    rows = [f.row() for f in (found[:top] if top else found)]
    _echo(rows, fmt, ["problem", "weight", "subject", "name", "fact", "last_checked", "detail", "sources"])


@cli.command()
@click.option(
    "--split",
    "splits",
    multiple=True,
    required=True,
    metavar="DATE",
    help="Split day (YYYY, YYYY-MM or YYYY-MM-DD); rank with the graph as known that day. Repeatable.",
)
@click.option(
    "--horizon",
    default=2,
    show_default=True,
    type=click.IntRange(1, 50),
    help="Years after the split whose new projects are the answers.",
)
@click.option(
    "--within",
    multiple=True,
    metavar="PLACE",
    help="Only answers in places under this region (a park id, e.g. na-united-states). Repeatable.",
)
@click.option(
    "--by-segment",
    is_flag=True,
    help="Rank firms per place and segment of a new project (as recommend does per park and segment).",
)
@click.option(
    "--rounds",
    default=1000,
    show_default=True,
    type=click.IntRange(10, 100000),
    help="Bootstrap rounds for the 95% intervals (seed 0).",
)
@data_option
@format_option
@errors_to_click
def backtest(splits, horizon, within, by_segment, rounds, src, fmt):
    """How well each scorer (recommend's points, baselines, a learned model) foresaw which firms opened
    projects in which places after a split day: MRR, Hits@k, average precision, AUC against hard negatives.

    Example: lithiumgraph backtest --data graph_data --data data/north-america --split 2022-08-15 --horizon 3 --within na-united-states
    """
    from ..backtest import backtest as _backtest

    if src.as_of is not None:
        raise click.UsageError("--as-of does not go with backtest: each --split is the day the graph is read as of")
    _show(
        _backtest(
            src.history(),
            list(splits),
            horizon_years=horizon,
            within=list(within) or None,
            by_segment=by_segment,
            rounds=rounds,
        ),
        fmt,
    )


@cli.command()
@park_options
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(),
    help="Directory for the pack (maps/, lists/, lists.xlsx, indicators.json, pack.html, pack.pdf).",
)
@click.option("--top", type=click.IntRange(1), default=3, show_default=True, help="Candidates per segment.")
@click.option(
    "--no-print",
    "no_print",
    is_flag=True,
    help="Skip the PNG maps and the PDF (they need a headless Chromium: $LG_CHROMIUM or chromium).",
)
@data_option
@errors_to_click
def pack(park, strong_firms, min_coverage, include_pipeline, operating_only, outdir, top, no_print, src):
    """Write the chain chief's pack (链长制 五图五清单): five maps (SVG, PNG), five lists (one workbook
    and CSV), the indicators and one printable document (HTML, PDF).

    Example: lithiumgraph pack --park yichun-etdz -o pack
    """
    from pathlib import Path
    from ..pack import build_pack, write_pack

    G = _graph(src)
    p = build_pack(
        G, _park(G, park), as_of=src.as_of, rules=_rules(strong_firms, min_coverage, include_pipeline), top=top
    )
    paths = write_pack(G, p, outdir, print_=not no_print)
    echo(
        f"wrote {len(paths)} files into {outdir}: "
        + ", ".join(str(x.relative_to(outdir)) for x in paths if x.parent == Path(outdir))
    )


@cli.command("predict-links")
@click.option("--customer", default=None, help="List unstated suppliers for this firm, marked candidate.")
@click.option(
    "--split",
    "splits",
    multiple=True,
    metavar="DATE",
    help="Backtest instead: rank suppliers for the SUPPLIES relations that appeared after this day. Repeatable.",
)
@click.option("--horizon", default=2, show_default=True, type=click.IntRange(1, 50), help="Years after each split.")
@click.option("--top", default=5, show_default=True, type=click.IntRange(1, 1000), help="Candidates per segment.")
@data_option
@format_option
@errors_to_click
def predict_links(customer, splits, horizon, top, src, fmt):
    """Missing supply relations: ranked candidates (never facts, never written into the data), or with
    --split the same backtest as `backtest` for SUPPLIES relations held out by date.

    Example: lithiumgraph predict-links --customer catl
    """
    from ..backtest import Backtest
    from ..backtest.links import candidates, link_backtest

    if bool(customer) == bool(splits):
        raise click.UsageError("give either --customer or --split")
    if splits:
        _show(Backtest(link_backtest(src.history(), list(splits), horizon_years=horizon)), fmt)
        return
    from ..names import resolve

    G = _graph(src)
    _show(candidates(G, resolve(G, customer, kinds=("Enterprise",), what="enterprise"), top=top), fmt)
