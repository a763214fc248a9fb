"""The garbage collector paused while an analysis runs.

A graph of 100,000 enterprises is millions of objects, all in the collector's oldest generation; an
analysis makes hundreds of thousands of short-lived ones (candidates, sites, rows), and now and then
that sets off a full collection which walks the whole graph again (about 1 s, half the time a city's
answer takes). Analyses make no reference cycles that need collecting while they run: what they leave
is collected as usual once the collector is back on.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

__all__ = ["collector_paused"]

P = ParamSpec("P")
R = TypeVar("R")


def collector_paused(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` run with the garbage collector off (and back on after, if it was on)."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run
