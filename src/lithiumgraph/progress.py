"""A one-line progress on stderr for steps that may take more than a few seconds (validating a national
data set, building a snapshot): shown only on a terminal, or when asked for, and only once a step has
run for a second, so quick commands print nothing extra."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Counts work done out of ``total`` and redraws one line (``label: 45% what``) at most ten times a
    second; :meth:`close` clears the line. ``enabled=None`` means: when ``stream`` is a terminal."""

    def __init__(
        self, label: str, total: float, *, enabled: bool | None = None, stream: TextIO | None = None, delay: float = 1.0
    ):
        self.stream = stream or sys.stderr
        self.enabled = bool(self.stream.isatty()) if enabled is None else enabled
        self.label, self.total, self.done, self.delay = label, max(total, 1), 0.0, delay
        self.start = self.shown = time.monotonic()
        self.width = 0
        self.what = ""

    def advance(self, amount: float = 0, what: str = "") -> None:
        self.done = min(self.total, self.done + amount)
        now = time.monotonic()
        if not self.enabled or now - self.start < self.delay or (now - self.shown < 0.1 and what == self.what):
            return
        self.shown, self.what = now, what
        line = f"{self.label}: {100 * self.done / self.total:3.0f}% {what}".rstrip()[:100]
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
