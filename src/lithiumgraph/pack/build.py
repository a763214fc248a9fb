"""Everything the chain chief's pack shows, computed once: the park's coverage, balance, candidates
and risks, its lists and its indicators. Maps, workbook and document only lay these out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from ..analysis import GapRules, gaps, recommend, risk
from ..analysis.gaps import Coverage
from ..analysis.presence import SegmentSites, sites
from ..analysis.recommend import Recommendations
from ..analysis.risk import RiskReport
from ..graph import display_name
from ..scope import Scope, park_scope
from .lists import Sheet, all_lists
from .indicators import Indicator, all_indicators

__all__ = ["Pack", "build_pack"]


@dataclass
class Pack:
    """A park's pack: what the analyses found, the five lists and the indicators, on one day."""

    park: str
    name: str
    as_of: str
    scope: Scope
    coverage: Coverage
    sites: dict[str, SegmentSites]
    recs: Recommendations
    risk: RiskReport
    lists: list[Sheet] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def balance(self):
        return self.coverage.balance


def build_pack(
    G: nx.MultiDiGraph, park: str, *, as_of: str | None = None, rules: GapRules = GapRules(), top: int = 3
) -> Pack:
    """Run every analysis for ``park`` on ``G`` (the graph of the day ``as_of``; today when None)."""
    scope = park_scope(G, park)
    cov = gaps(G, scope, rules=rules)
    recs = recommend(G, scope, top=top, rules=rules, coverage=cov)
    rk = risk(G, scope, rules=rules, coverage=cov)
    p = Pack(park, display_name(G, park), as_of or date.today().isoformat(), scope, cov, sites(G, scope), recs, rk)
    p.lists = all_lists(G, p)
    p.indicators = all_indicators(G, p)
    return p
