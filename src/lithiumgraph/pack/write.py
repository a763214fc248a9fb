"""Writing a pack: maps (SVG, PNG), lists (one workbook, CSV files), indicators and the document
(HTML, PDF), into a directory swapped in whole, so a reader never sees half a pack."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx

from ..output import staged_dir, write_atomic
from . import charts, flows, maps, region
from .build import Pack
from .document import to_html
from .workbook import sources_sheet, write_csv, write_workbook

__all__ = ["write_pack", "render_maps", "OWNS"]

#: What a pack directory holds: a rerun may replace these and nothing else.
OWNS = {"maps", "lists", "lists.xlsx", "indicators.json", "pack.html", "pack.pdf"}


def render_maps(G: nx.MultiDiGraph, p: Pack) -> dict[str, str]:
    """The five maps as SVG text, by key."""
    return {
        "panorama": maps.panorama(G, p),
        "tech": maps.tech_routes(G, p),
        "applications": flows.applications(G, p),
        "regional": region.regional(G, p),
        "attraction": flows.attraction(G, p),
    }


def _size(svg: str) -> tuple[int, int]:
    m = re.search(r'viewBox="0 0 (\S+) (\S+)"', svg)
    if m is None:
        raise ValueError("an SVG without a viewBox")
    return int(float(m.group(1))), int(float(m.group(2)))


def write_pack(
    G: nx.MultiDiGraph, p: Pack, outdir: str | Path, *, chromium: str | None = None, print_: bool = True
) -> list[Path]:
    """Write the pack into ``outdir`` (new, or an earlier pack); PNG and PDF only when ``print_``
    (they need Chromium: ``chromium`` names the binary). Returns the paths written."""
    outdir = Path(outdir)
    svgs = render_maps(G, p)
    src = sources_sheet(G, p.lists)
    fig = {
        "balance": charts.balance_chart(p),
        "funnel": charts.funnel_chart(p.indicators[3]),
        "coverage": charts.coverage_chart(p),
    }
    with staged_dir(outdir, OWNS) as tmp:
        (tmp / "maps").mkdir()
        (tmp / "lists").mkdir()
        for k, s in svgs.items():
            write_atomic(tmp / "maps" / f"{k}.svg", s)
        write_workbook(tmp / "lists.xlsx", p.lists + [src])
        for sh in p.lists + [src]:
            write_csv(tmp / "lists" / f"{sh.key}.csv", sh)
        write_atomic(
            tmp / "indicators.json",
            json.dumps(
                {"park": p.park, "as_of": p.as_of, "indicators": [vars(i) for i in p.indicators]},
                ensure_ascii=False,
                indent=1,
                default=str,
            ),
        )
        write_atomic(tmp / "pack.html", to_html(p, svgs, fig, src))
        if print_:
            from .render import Renderer

            with Renderer(chromium) as r:
                for k, s in svgs.items():
                    r.png(tmp / "maps" / f"{k}.svg", tmp / "maps" / f"{k}.png", *_size(s))
                r.pdf(tmp / "pack.html", tmp / "pack.pdf")
        names = sorted(x.relative_to(tmp) for x in tmp.rglob("*") if x.is_file())
    return [outdir / n for n in names]
