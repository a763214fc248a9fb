"""Product words and the chain segment each names, from an editable CSV (word,segment,kind).

``kind`` cell words (电芯, 动力电池) beat material words that qualify them (磷酸铁锂电芯 is a cell);
``part`` words (电池铝壳, 电池材料) and the segment ``-`` name no segment and stop a generic word from
naming one.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources

from ..errors import LithiumGraphError

__all__ = ["Lexicon"]


@dataclass(frozen=True)
class Lexicon:
    """Product words and the chain segment each names; ``kind`` cell words beat material words that
    qualify them (磷酸铁锂电芯 is a cell)."""

    words: dict[str, tuple[str, str]]
    pattern: re.Pattern

    @classmethod
    def load(cls, path=None) -> "Lexicon":
        """The lexicon shipped with the package, or the CSV (word,segment,kind) at ``path``."""
        if path is None:
            text = resources.files("lithiumgraph.extract").joinpath("data/segment_words.csv").read_text("utf-8")
        else:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        reader = csv.DictReader(text.splitlines())
        missing = [c for c in ("word", "segment") if c not in (reader.fieldnames or [])]
        if missing:
            raise LithiumGraphError(f"{path}:1: {missing[0]}: missing column; expected word,segment,kind")
        words = {}
        for r in reader:
            word, segment = (r.get("word") or "").strip(), (r.get("segment") or "").strip()
            if word and segment:
                words[word] = (segment, (r.get("kind") or "").strip())
            elif word or segment:
                raise LithiumGraphError(
                    f"{path}:{reader.line_num}: {'segment' if word else 'word'}: missing "
                    "value (use - for a word that names no segment)"
                )
        order = sorted(words, key=len, reverse=True)
        alts = [rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w) for w in order]
        return cls(words, re.compile("|".join(alts) if alts else "(?!)"))

    def check(self, segments: set[str]) -> None:
        """Refuse segment ids the data does not know (one line naming the word)."""
        for word, (segment, _) in self.words.items():
            if segment != "-" and segment not in segments:
                raise LithiumGraphError(f"lexicon: {word}: unknown segment {segment!r}")
