"""Does a ranking of candidates foresee where firms went next? A backtest at split days with hard
negatives, baselines in the same run and bootstrap intervals (see :mod:`.harness`, :mod:`.metrics`)."""

from .features import FEATURES, Features, place_of
from .harness import SCORERS, Backtest, Outcome, Split, backtest, outcomes, recommend_points
from .metrics import Metrics, Query, bootstrap, evaluate

__all__ = [
    "backtest",
    "Backtest",
    "Split",
    "Outcome",
    "outcomes",
    "SCORERS",
    "recommend_points",
    "Features",
    "FEATURES",
    "place_of",
    "Metrics",
    "Query",
    "evaluate",
    "bootstrap",
]
