"""Analyses for chain investment promotion: plain functions that take the graph first."""

from .balance import Balance, MaterialBalance, balance
from .gaps import GapRules, SegmentGap, gaps
from .recommend import Recommendation, RecommendWeights, ScorePart, recommend
from .risk import RiskReport, risk
from .scope import Scope, park_scope

__all__ = [
    "Scope",
    "park_scope",
    "GapRules",
    "SegmentGap",
    "gaps",
    "Balance",
    "MaterialBalance",
    "balance",
    "RecommendWeights",
    "Recommendation",
    "ScorePart",
    "recommend",
    "RiskReport",
    "risk",
]
