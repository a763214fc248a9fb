"""Find entities by name: exact resolution (id, zh, en, alias, listed code) and fuzzy search."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import networkx as nx

from .errors import LithiumGraphError, NodeNotFound

__all__ = ["Match", "resolve", "search", "code_key", "NAMED_KINDS"]

#: Node kinds a person looks up by name; where one name names nodes of several kinds, the earlier kind wins
#: (宁德时代 the firm before a product of that name, 碳酸锂 the segment before the imported product).
NAMED_KINDS = ("Enterprise", "Segment", "Park", "Project", "Product", "Industry")
_NAME_FIELDS = ("name_zh", "name_en", "listed_code")
#: A listed code with its exchange: 300750.SZ, SZ300750, 600519.SH, sh600519, 0700.HK, 00700.HK.
_CODE = re.compile(r"^(?:(SH|SZ|SS|BJ|HK)[.:]?)?(\d{1,6})(?:\.(SH|SZ|SS|BJ|HK))?$", re.I)


def code_key(text: str) -> str | None:
    """A listed code without its exchange form: ``300750.SZ`` and ``300750`` give ``CN:300750``,
    ``0700.HK``, ``00700.HK`` and ``700.HK`` give ``HK:700``; None for text that is not a code."""
    m = _CODE.match(unicodedata.normalize("NFKC", str(text)).strip())
    if not m:
        return None
    digits, exch = m.group(2), (m.group(1) or m.group(3) or "").upper()
    if exch == "HK" or (not exch and len(digits) <= 5):
        return "HK:" + (digits.lstrip("0") or "0")
    return "CN:" + digits if len(digits) == 6 else None


@dataclass(frozen=True)
class Match:
    """A search hit: the node, the name that matched and how well (0-100)."""
    id: str
    kind: str
    name: str
    matched: str
    score: float


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _names(d: dict) -> list[str]:
    out = [d[f] for f in _NAME_FIELDS if d.get(f)]
    return out + list(d.get("aliases", ()))


def _candidates(G: nx.MultiDiGraph, kinds) -> list[tuple[str, str]]:
    """``(node id, name)`` for every name or id of every named node."""
    out = []
    for n, d in G.nodes(data=True):
        if d.get("kind") in kinds:
            out.append((n, n))
            out.extend((n, name) for name in _names(d))
    return out


def resolve(G: nx.MultiDiGraph, name: str, *, kinds: tuple[str, ...] = NAMED_KINDS, what: str = "entity") -> str:
    """The id of the one node that ``name`` names exactly (case and width folded).

    Raises NodeNotFound with the closest matches when nothing matches exactly, and
    LithiumGraphError when the name is shared by several nodes.

    >>> from lithiumgraph import load_graph
    >>> resolve(load_graph(), "宁德时代")
    'catl'
    """
    if name in G and G.nodes[name].get("kind") in kinds:
        return name
    key = _norm(name)
    hits = {n for n, cand in _candidates(G, kinds) if _norm(cand) == key}
    code = code_key(name)
    if not hits and code:
        hits = {n for n, d in G.nodes(data=True) if d.get("kind") in kinds and d.get("listed_code")
                and code_key(d["listed_code"]) == code}
    for kind in kinds:  # the earliest kind with a hit decides
        of_kind = sorted(n for n in hits if G.nodes[n]["kind"] == kind)
        if len(of_kind) == 1:
            return of_kind[0]
        if of_kind:
            raise LithiumGraphError(f"the name {name!r} is ambiguous: {', '.join(of_kind)}; use an id")
    close = [f"{m.name} [{m.id}]" for m in search(G, name, limit=5, kinds=kinds, min_score=50)]
    raise NodeNotFound(name, close, what=what)


def search(G: nx.MultiDiGraph, text: str, *, limit: int = 10, kinds: tuple[str, ...] = NAMED_KINDS,
           min_score: float = 60) -> list[Match]:
    """Nodes whose names or aliases are like ``text``, best first (one hit per node).

    >>> from lithiumgraph import load_graph
    >>> search(load_graph(), "ganfeng", limit=1)[0].id
    'ganfeng'
    """
    from rapidfuzz import fuzz, process

    cands = _candidates(G, kinds)
    key = _norm(text)
    if not key:
        return []
    scored = process.extract(key, [_norm(c) for _, c in cands], scorer=fuzz.WRatio,
                             limit=None, score_cutoff=min_score)
    best: dict[str, Match] = {}
    for _, score, i in scored:
        n, cand = cands[i]
        if _norm(cand) == key:
            score = 100.0
        if n not in best or score > best[n].score:
            d = G.nodes[n]
            best[n] = Match(n, d["kind"], d.get("name_zh") or d.get("name_en") or n, cand, round(score, 1))
    return sorted(best.values(), key=lambda m: (-m.score, m.id))[:limit]
