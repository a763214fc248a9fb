"""A candidate fact read from one sentence: what the rules found, the words it came from, a stable id."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

__all__ = ["Candidate"]


@dataclass
class Candidate:
    """A candidate fact read from one sentence, with the words it came from."""

    stage: str
    expected: bool
    firms: tuple[str, ...]
    firm_names: tuple[str, ...]
    place: str
    place_name: str
    segment: str
    capacity: float | None
    unit: str
    capacity_text: str
    money: float | None
    currency: str
    bound: str
    money_text: str
    date: str
    date_text: str
    evidence: str
    start: int
    end: int
    confidence: float = 0.0
    source: dict = field(default_factory=dict)
    capacity_at: int = -1  # where the capacity stands in the sentence
    own_firms: bool = True  # the firms are named in the clause of the stage word or the capacity

    @property
    def id(self) -> str:
        """Stable across runs: the source, the sentence and what was read from it."""
        key = "|".join(
            [
                self.source.get("source", ""),
                self.evidence,
                self.stage,
                f"{self.capacity}",
                self.unit,
                "|".join(self.firms),
            ]
        )
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
