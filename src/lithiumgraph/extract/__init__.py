"""Candidate facts from news and announcements: extract, review by a person, accept into a data directory.

``extract_text`` reads one text; ``extract_files`` reads files and writes the review queue;
``accept_review`` turns the rows a person said yes to into a layered data directory.
"""

from __future__ import annotations

from .gazetteer import Gazetteer, Mention
from .lexicon import Lexicon
from .candidate import Candidate
from .rules import extract_text

__all__ = ["Gazetteer", "Mention", "Candidate", "Lexicon", "extract_text"]
from .accept import AcceptSummary, accept_review  # noqa: E402
from .run import ExtractSummary, extract_files  # noqa: E402

__all__ += ["AcceptSummary", "accept_review", "ExtractSummary", "extract_files"]
