"""When a project or membership counts as a park's capacity or presence; the park's scope itself is
selected in :mod:`lithiumgraph.scope` (its names are importable from here too)."""
from __future__ import annotations

from ..scope import Ownership, Scope, ancestors, group_of, park_scope

__all__ = ["Scope", "park_scope", "group_of", "Ownership", "ancestors", "PIPELINE", "OPERATING", "counts"]

OPERATING = ("operating",)
#: Statuses of projects that will add capacity: counted unless the pipeline is left out.
PIPELINE = ("under_construction", "signed", "planned")


def counts(status: str | None, pipeline: bool) -> bool:
    """Whether a project or membership with this status counts as local capacity or presence."""
    return status in OPERATING or status is None or (pipeline and status in PIPELINE)
