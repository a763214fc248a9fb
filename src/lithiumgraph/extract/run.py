"""Files in, review queue out: read the inputs, extract candidates against the graph's names, leave out
what a person rejected before, and write the review CSV whole."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .gazetteer import Gazetteer
from .reader import MAX_BYTES, read_inputs
from .review import read_rejected, rejected_path, review_rows, write_review
from .lexicon import Lexicon
from .candidate import Candidate
from .rules import extract_text

__all__ = ["ExtractSummary", "extract_files"]


@dataclass
class ExtractSummary:
    """Documents read, candidates proposed (by stage), candidates left out as rejected before."""

    documents: int = 0
    candidates: int = 0
    skipped: int = 0
    by_stage: dict[str, int] = field(default_factory=dict)
    text: str = ""  # the review CSV


def extract_files(
    inputs,
    output: str | Path | None,
    *,
    data=None,
    published: str = "",
    url: str = "",
    outlet: str = "",
    stdin=None,
    lexicon: str | Path | None = None,
    rejected: str | Path | None = None,
    max_bytes: int = MAX_BYTES,
) -> ExtractSummary:
    """Extract candidates from ``inputs`` (files, directories, ``-``) into the review CSV ``output``.

    Names resolve against the data directories ``data`` (default ``graph_data/``); ``rejected`` (default
    ``rejected.csv`` beside ``output``) lists candidates not to propose again.
    """
    from ..dataset import default_data_dir, load

    docs = read_inputs(inputs, published=published, url=url, outlet=outlet, stdin=stdin, max_bytes=max_bytes)
    ds = load([Path(d) for d in (data or [default_data_dir()])])
    gaz, lex = Gazetteer.from_dataset(ds), Lexicon.load(lexicon)
    from .. import model

    lex.check({s.id for s in ds.records(model.Segment)})
    if rejected is None and output is not None:
        rejected = rejected_path(output)
    gone = read_rejected(rejected) if rejected else set()
    cands: list[Candidate] = []
    skipped = 0
    for d in docs:
        for c in extract_text(d.text, gaz, lex, published=d.published or None):
            c.source = {
                "source": d.source,
                "url": d.url,
                "published": d.published,
                "outlet": d.outlet,
                "title": d.title,
            }
            if c.id in gone:
                skipped += 1
            else:
                cands.append(c)
    text = write_review(review_rows(cands), output)
    return ExtractSummary(len(docs), len(cands), skipped, dict(Counter(c.stage for c in cands)), text)
