"""One exception tree for the library; the CLI turns each into a one-line error and exit 1."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

__all__ = [
    "LithiumGraphError",
    "DataError",
    "Problem",
    "NodeNotFound",
    "AmbiguousName",
    "QueryError",
    "StoreUnavailable",
]


class LithiumGraphError(Exception):
    """Base class of every error lithiumgraph raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One bad value: where it is and what is wrong with it."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class DataError(LithiumGraphError):
    """Input data is invalid; carries every problem found, one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class NodeNotFound(LithiumGraphError):
    """No entity answers to a name; carries the closest matches."""

    def __init__(self, name: str, matches: Iterable[str] = (), what: str = "entity"):
        self.name, self.matches = name, list(matches)
        hint = f"; closest matches: {', '.join(self.matches)}" if self.matches else ""
        super().__init__(f"no {what} named {name!r}{hint}")


class AmbiguousName(LithiumGraphError):
    """A name that several entities answer to; carries each candidate as ``(id, name)``."""

    SHOWN = 10

    def __init__(self, name: str, candidates: list[tuple[str, str]]):
        self.name, self.candidates = name, list(candidates)
        listed = ", ".join(f"{label} [{n}]" for n, label in self.candidates[: self.SHOWN])
        more = f" and {len(self.candidates) - self.SHOWN} more" if len(self.candidates) > self.SHOWN else ""
        super().__init__(f"the name {name!r} is ambiguous: {listed}{more}; use an id or more of the name")


class QueryError(LithiumGraphError):
    """A Cypher query that is refused (a write, a construct a store runs differently) or fails to run."""


class StoreUnavailable(LithiumGraphError):
    """A store (a Neo4j server) cannot be reached or refuses us."""
