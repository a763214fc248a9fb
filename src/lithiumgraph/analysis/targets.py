"""What ``recommend`` returns: the targets of a park, each segment's ranked candidates, and each
candidate's score broken into named parts with the evidence and sources behind them."""

from __future__ import annotations

from dataclasses import dataclass, field

from .grades import C_ONLY

__all__ = ["ScorePart", "Recommendation", "SegmentTargets", "Recommendations"]


@dataclass(frozen=True)
class ScorePart:
    """One named reason, its points and the facts behind it."""

    name: str
    points: float
    evidence: str
    sources: tuple[str, ...] = ()
    c_only: bool = False  #: it scores on C-grade sources only

    @property
    def label(self) -> str:
        """``leader +2`` (``leader +2 (C-grade source only)`` when marked), or the bare name when it scores 0."""
        return (f"{self.name} +{self.points:g}" if self.points else self.name) + (f" ({C_ONLY})" if self.c_only else "")


@dataclass
class Recommendation:
    """An outside enterprise for one segment, with its score broken into parts."""

    segment: str
    enterprise: str
    name: str
    score: float
    parts: list[ScorePart]
    rank: int = 0

    @property
    def c_only(self) -> list[str]:
        """The scoring parts that rest on C-grade sources only."""
        return [p.name for p in self.parts if p.c_only]

    def row(self) -> dict:
        return {
            "segment": self.segment,
            "rank": self.rank,
            "enterprise": self.enterprise,
            "name": self.name,
            "score": round(self.score, 2),
            "c_only": self.c_only,
            "why": "; ".join(f"{p.label}: {p.evidence}" for p in sorted(self.parts, key=lambda p: not p.points)),
            "sources": sorted({s for p in self.parts for s in p.sources}),
        }


@dataclass
class SegmentTargets:
    """The ranked candidates for one missing or weak segment."""

    segment: str
    name_zh: str
    status: str
    action: str
    reason: str
    candidates: list[Recommendation] = field(default_factory=list)


class Recommendations(list):
    """The targets of a park (a list of :class:`SegmentTargets`), with the rows and views every result has."""

    def __init__(self, park: str, targets=()):
        super().__init__(targets)
        self.park = park

    def rows(self) -> list[dict]:
        """One row per candidate, with its segment's status and action."""
        return [
            {"segment": t.segment, "status": t.status, "action": t.action, **r.row()}
            for t in self
            for r in t.candidates
        ]

    def to_dict(self) -> dict:
        """The park and every target with its candidates and their score parts."""
        from dataclasses import asdict

        return {"park": self.park, "targets": [asdict(t) for t in self]}

    def tables(self) -> list:
        """A table of candidates per target segment."""
        from ..output import Table

        return [
            Table(
                [r.row() for r in t.candidates],
                ["rank", "enterprise", "name", "score", "c_only", "why"],
                (f"\n== {t.name_zh} ({t.segment}): {t.status} {t.action} — {t.reason}",),
                max_width=110,
                empty="no candidate in the data",
            )
            for t in self
        ]
