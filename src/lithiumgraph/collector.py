"""The garbage collector paused while code that makes many small objects runs beside a large graph.

A graph of a million relationships is millions of objects, all in the collector's oldest generation. A
build, a snapshot, an analysis or a page makes hundreds of thousands more, and now and then that sets off a
full collection which walks the whole graph again (about a second each). What such code leaves holds no
cycles that need collecting before it ends; it is collected as usual once the collector is back on.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused():
    """The garbage collector off for the block (and back on after, if it was on); also a decorator
    (``@collector_paused()``). A graph of a million relationships is millions of objects: while code makes
    many more small ones (a build, a snapshot, an analysis, a page), the collector would walk the whole graph
    again and again, and what such code leaves needs no collecting before it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
