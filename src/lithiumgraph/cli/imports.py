"""Bringing outside data in: import table, import chainkg, and news through extract and accept."""

from __future__ import annotations

import click

from .base import cli, echo, errors_to_click, progress_line


def _written_to(f):
    """The options every import shares: the data directory it writes, and whether it may replace one no
    import wrote."""
    f = click.option(
        "--force", is_flag=True, help="Replace what the output directory holds even if no import wrote it."
    )(f)
    return click.option(
        "-o",
        "--output",
        "outdir",
        required=True,
        type=click.Path(),
        help="The data directory to write (new, empty, or written by an earlier import).",
    )(f)


@cli.group("import")
def import_():
    """Bring outside data sets in as graph_data directories to layer over the curated data.

    Example: lithiumgraph import table FILE.csv --mapping MAPPING.yaml -o data/north-america
    """


@import_.command("table")
@click.argument("table", type=click.Path(dir_okay=False))
@click.option(
    "--mapping",
    required=True,
    type=click.Path(dir_okay=False),
    help="YAML file naming the columns: company, stage, investment, jobs, place, coordinates, date, note.",
)
@_written_to
@click.option(
    "--against",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Data directories whose enterprises the table's firms are merged onto (default: graph_data/).",
)
@errors_to_click
def import_table(table, mapping, outdir, against, force):
    """Import a facility or firm list (CSV) through a mapping file: places become parks, firms merge onto
    existing enterprises by name, alias or listed code, facilities become projects with their figures.

    Example: lithiumgraph import table imports/na-ev-battery/post_IRA_EV_supply_chain_investments.csv --mapping imports/na-ev-battery/mapping.yaml -o data/north-america
    """
    from ..importers import import_table as _import, read_mapping

    with progress_line(f"importing {table}"):
        summary = _import(table, read_mapping(mapping), outdir, against=list(against) or None, force=force)
    echo(
        f"wrote {outdir}: "
        + ", ".join(f"{v} {k}" for k, v in summary.counts.items())
        + f"; {summary.skipped} rows filtered out"
    )
    for company, eid in summary.merged:
        echo(f"  merged: {company} -> {eid}")
    for company, ids in summary.ambiguous:
        echo(f"  ambiguous, kept apart (settle it in the mapping's settled:): {company} -> {', '.join(ids)}")
    for a in summary.anomalies:
        echo(f"  anomaly: {a}")
    if summary.unmapped:
        echo(
            "  stage values mapped to no segment: "
            + "; ".join(f"{k} ({v})" for k, v in sorted(summary.unmapped.items()))
        )


@import_.command("chainkg")
@click.argument("directory", type=click.Path(file_okay=False))
@_written_to
@click.option(
    "--products",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="CSV product,segment mapping ChainKG products onto the chain template "
    "(default: imports/chainkg/product_segments.csv).",
)
@click.option(
    "--against",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Data directories whose enterprises companies are merged onto (default: graph_data/).",
)
@click.option(
    "--settled",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="CSV company,enterprise: answers for ambiguous names from an earlier merge report.",
)
@errors_to_click
def import_chainkg(directory, outdir, products, against, settled, force):
    """Import ChainKnowledgeGraph (产业链知识图谱) companies as enterprises, with memberships for main
    products that map onto the chain template; merged onto existing enterprises by listed code, then name;
    anomalies reported, not loaded.

    Example: lithiumgraph import chainkg ../ChainKnowledgeGraph/data -o /tmp/chainkg
    """
    import csv as _csv

    from ..importers import import_chainkg as _import
    from ..shipped import shipped

    products = products or str(shipped("imports", "chainkg", "product_segments.csv"))
    answers = {}
    if settled:
        with open(settled, encoding="utf-8", newline="") as f:
            reader = _csv.DictReader(f)
            if not {"company", "enterprise"} <= set(reader.fieldnames or ()):
                raise click.ClickException(f"{settled}:1: header: expected the columns company,enterprise")
            answers = {r["company"]: r["enterprise"] for r in reader}
    with progress_line(f"importing ChainKG from {directory}"):
        s = _import(
            directory, outdir, product_map=products, against=list(against) or None, settled=answers, force=force
        )
    echo(
        f"wrote {outdir}: "
        + ", ".join(f"{v} {k}" for k, v in s.counts.items())
        + f"; merged {len(s.merged)}, ambiguous {len(s.ambiguous)} (see merge_report.tsv); "
        f"{s.without_chain_product} companies without a chain product, {s.unmapped_products} products unmapped"
    )
    if s.codes_not_in_company_file:
        echo(
            f"  {len(s.codes_not_in_company_file)} company codes only in company_product.json "
            f"(named from there): {', '.join(s.codes_not_in_company_file[:10])}"
        )
    for company, eid, how in s.merged:
        echo(f"  merged by {how}: {company} -> {eid}")
    echo("  anomalies are left out of the data unless said otherwise:")
    for kind, items in s.anomalies.items():
        echo(f"  anomaly: {len(items)} {kind}" + (f", e.g. {items[0]}" if items else ""))
    echo("  product links between mapped products: " + ", ".join(f"{v} {k}" for k, v in s.link_check.items()))


@cli.command("extract")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), default=None, help="The review CSV to write (default: print it)."
)
@click.option(
    "--data",
    "data_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Data directories whose firm and park names are recognised (default: graph_data/).",
)
@click.option("--published", default="", help="Publication date (YYYY-MM-DD) of plain-text inputs.")
@click.option("--url", default="", help="Address of plain-text inputs.")
@click.option("--outlet", default="", help="Outlet of plain-text inputs.")
@click.option(
    "--lexicon",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="CSV word,segment,kind of product words (default: the one shipped with lithiumgraph).",
)
@click.option(
    "--rejected",
    type=click.Path(dir_okay=False),
    default=None,
    help="Candidates not to propose again (default: rejected.csv beside the output).",
)
@errors_to_click
def extract(inputs, output, data_dirs, published, url, outlet, lexicon, rejected):
    """Read news and announcements (plain text, HTML, JSON Lines with url, published, title, text; - for
    standard input) and write candidate events for review: stage, firms, place, segment, capacity, money,
    date, the evidence sentence and its character offsets, the source.

    Example: lithiumgraph extract news/ -o review.csv
    """
    from ..extract import extract_files

    s = extract_files(
        inputs,
        output,
        data=list(data_dirs) or None,
        published=published,
        url=url,
        outlet=outlet,
        stdin=click.get_binary_stream("stdin"),
        lexicon=lexicon,
        rejected=rejected,
    )
    if output is None:
        echo(s.text, nl=False)
        return
    stages = ", ".join(f"{v} {k}" for k, v in sorted(s.by_stage.items()))
    echo(
        f"wrote {output}: {s.candidates} candidates from {s.documents} documents"
        + (f" ({stages})" if stages else "")
        + (f"; {s.skipped} rejected before, left out" if s.skipped else "")
    )


@cli.command("accept")
@click.argument("review", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(file_okay=False),
    help="The data directory to write (new, empty, or written by an earlier accept).",
)
@click.option(
    "--data",
    "data_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Data directories the result layers onto (default: graph_data/).",
)
@errors_to_click
def accept(review, outdir, data_dirs):
    """Turn the review rows marked yes into a data directory (confidence extracted, the source added,
    retrieved_on today); remember the rows marked no in rejected.csv beside the review; list conflicts
    with the data in conflicts.csv beside it, never overwriting.

    Example: lithiumgraph accept review.csv -o data/news
    """
    from ..extract import accept_review

    s = accept_review(review, outdir, data=list(data_dirs) or None)
    files = ", ".join(f"{v} {k.removesuffix('.csv')}" for k, v in s.written.items() if v)
    echo(
        f"{s.accepted} accepted, {s.rejected} rejected, {s.undecided} undecided; wrote {outdir}: "
        + (files or "nothing new")
        + f"; {s.known} already in the data, {s.forecasts} announcements kept as notes"
    )
    for c in s.conflicts:
        echo(
            f"  conflict (line {c['line']}): {c['subject']}: data says {c['existing']}; the text says {c['extracted']}"
        )
