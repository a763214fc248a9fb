"""How well the data covers the chain: the candidates a park could attract, per segment.

A segment can be attracted unless it is a natural resource (``resource`` in ``segments.csv``: ore and
brine stay where they are). Its *candidates* are the firms that ``recommend`` would consider for a park
that has none of them: every enterprise active in the segment (a membership or a project it runs) whose
row there is not halted, suspended or cancelled, on the graph's date. The data aims at
:data:`MIN_CANDIDATES` candidates for every attractable segment; :data:`FEWER_IN_REALITY` names the
segments where fewer firms exist in the world than that, each with the reason and its sources, so that a
thin segment is either a gap in the data or a fact about the industry, never silently both.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from .analysis.scoring import candidates
from .graph import nodes_of
from .template import segment_order

__all__ = [
    "MIN_CANDIDATES",
    "FEWER_IN_REALITY",
    "SegmentCoverage",
    "segment_coverage",
    "counts_table",
    "coverage_table",
]

#: Candidates the data should hold for every attractable segment.
MIN_CANDIDATES = 5

#: Attractable segments with fewer than :data:`MIN_CANDIDATES` firms in reality: segment id ->
#: (reason, source ids). Empty while no source shows that a segment has fewer firms than that.
FEWER_IN_REALITY: dict[str, tuple[str, tuple[str, ...]]] = {}


@dataclass(frozen=True)
class SegmentCoverage:
    """One segment: how many candidates the data holds, how many with a capacity or a leader flag."""

    segment: str
    name_zh: str
    attractable: bool
    candidates: int
    with_capacity: int
    leaders: int
    fewer_in_reality: str = ""

    def row(self) -> dict:
        return {
            "segment": self.segment,
            "name": self.name_zh,
            "attractable": self.attractable,
            "candidates": self.candidates,
            "with_capacity": self.with_capacity,
            "leaders": self.leaders,
            "fewer_in_reality": self.fewer_in_reality,
        }


def segment_coverage(G: nx.MultiDiGraph) -> list[SegmentCoverage]:
    """Candidates per segment, upstream to downstream.

    >>> from lithiumgraph import load_graph
    >>> cov = {c.segment: c for c in segment_coverage(load_graph())}
    >>> cov["brine"].attractable, cov["cathode-lfp"].attractable
    (False, True)
    """
    resource = {n: d.get("resource") == "yes" for n, d in nodes_of(G, "Segment")}
    out = []
    for seg in segment_order(G):
        cands = candidates(G, seg)
        leaders = sum(1 for _, _, m in cands.values() if m.get("leader") in ("world", "national"))
        few = FEWER_IN_REALITY.get(seg, ("",))[0]
        out.append(
            SegmentCoverage(
                seg,
                G.nodes[seg]["name_zh"],
                not resource[seg],
                len(cands),
                sum(1 for cap, _, _ in cands.values() if cap),
                leaders,
                few,
            )
        )
    return out


def counts_table(G: nx.MultiDiGraph) -> str:
    """What the data holds and how current it is, as a Markdown table (from :func:`~lithiumgraph.summary.stats`)."""
    from .summary import stats

    s = stats(G)
    span = f"{s.years[0]}–{s.years[1]}"
    rows = [
        ("enterprises", s.nodes.get("Enterprise", 0)),
        ("projects", s.nodes.get("Project", 0)),
        ("parks and regions", s.nodes.get("Park", 0)),
        ("supply relations (supplier → customer)", s.edges.get("SUPPLIES", 0)),
        ("memberships (firm in segment)", s.edges.get("IN_SEGMENT", 0)),
        ("sites and seats (firm located in)", s.edges.get("LOCATED_IN", 0)),
        ("ownership links", s.edges.get("SUBSIDIARY_OF", 0) + s.edges.get("INVESTS_IN", 0)),
        (
            "capacity figures, firm-wide (of built sites)",
            f"{s.capacities.get('firm-wide', 0)} ({s.built.get('firm-wide', 0)})",
        ),
        (
            "capacity figures, on projects (of built sites)",
            f"{s.capacities.get('project', 0)} ({s.built.get('project', 0)})",
        ),
        ("project stages and firm events", s.nodes.get("Event", 0)),
        ("prices", s.nodes.get("Price", 0)),
        ("sources (A / B / C)", " / ".join(str(s.grades.get(g, 0)) for g in "ABC")),
        (
            f"facts checked against their source in {span}",
            f"{s.checked_years:,} of {s.facts:,} ({100 * s.checked_years / s.facts:.0f}%)",
        ),
        (
            f"facts with a source dated {span}",
            f"{s.sourced_years:,} of {s.facts:,} ({100 * s.sourced_years / s.facts:.0f}%)",
        ),
    ]
    return "| what | count |\n|---|---:|\n" + "".join(f"| {k} | {v} |\n" for k, v in rows)


def coverage_table(G: nx.MultiDiGraph) -> str:
    """What the data holds (:func:`counts_table`) and the candidates per attractable segment, as Markdown
    (the README's, kept true by a test; ``scripts/coverage_table.py --write`` redraws it)."""
    lines = [
        counts_table(G),
        "| segment | name | candidates | with capacity | leader flags |",
        "|---|---|---:|---:|---:|",
    ]
    for c in segment_coverage(G):
        if c.attractable:
            mark = " (fewer exist)" if c.fewer_in_reality else (" ⚠" if c.candidates < MIN_CANDIDATES else "")
            lines.append(f"| `{c.segment}` | {c.name_zh} | {c.candidates}{mark} | {c.with_capacity} | {c.leaders} |")
    return "\n".join(lines) + "\n"
