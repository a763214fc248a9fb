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
def collector_paused(*, promote: bool = False):
    """The garbage collector off for the block (and back on after, if it was on); also a decorator
    (``@collector_paused()``). A graph of a million relationships is millions of objects: while code makes
    many more small ones (a build, a snapshot, an analysis, a page), the collector would walk the whole graph
    again and again, and what such code leaves needs no collecting before it ends.

    With ``promote``, what the block made and kept moves at once to the oldest generation (``gc.freeze``
    then ``gc.unfreeze``, which walk nothing) instead of being walked by the first young collection after
    the block: for a result of many small objects, such as a page's 400,000, that walk is a tenth of a
    second. Garbage cycles the block left wait for the next full collection. Nothing is done while objects
    are frozen by someone else (unfreezing would release them)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if promote and not gc.get_freeze_count():
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()
