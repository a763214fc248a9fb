"""Find entities by name as people type them: resolution (id, zh, en, alias, listed code; with or
without the legal form, in traditional or simplified characters, full- or half-width, any case, or a
unique beginning) and fuzzy search."""

from __future__ import annotations

import bisect
import re
import unicodedata
import weakref
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import AmbiguousName, NodeNotFound

if TYPE_CHECKING:  # search on a names table needs no networkx: the command starts faster
    import networkx as nx

__all__ = [
    "Match",
    "NameTable",
    "name_table",
    "resolve",
    "search",
    "search_table",
    "name_key",
    "code_key",
    "NAMED_KINDS",
]

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


#: Legal forms and words that people leave off a firm's name, longest first; stripped from its end.
LEGAL_ZH = ("集团股份有限公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团", "公司")
LEGAL_EN = frozenset(
    {
        "co",
        "ltd",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "limited",
        "llc",
        "plc",
        "company",
        "group",
        "holdings",
        "gmbh",
        "ag",
        "sa",
        "se",
    }
)
_PAREN = re.compile(r"\([^()]*\)")  # after NFKC, （中国） reads (中国)
_PUNCT = re.compile(r"[\s.,;:·&'’\"/\-]+")
_T2S = None


def _simplified(text: str) -> str:
    """Traditional characters as simplified (OpenCC's t2s table)."""
    global _T2S
    if _T2S is None:
        import opencc

        _T2S = opencc.OpenCC("t2s")
    return _T2S.convert(text) if any(ord(c) > 0x2E7F for c in text) else text


def name_key(text: str) -> str:
    """A name as people may type it, reduced to what they agree on: width and case folded, traditional
    characters simplified, parentheticals dropped, legal forms (有限公司, 集团, Co., Ltd., Inc. …) left
    off the end, spaces and punctuation removed.

    >>> name_key("寧德時代新能源科技股份有限公司"), name_key("Contemporary Amperex Technology Co., Limited")
    ('宁德时代新能源科技', 'contemporaryamperextechnology')
    >>> name_key("清陶（昆山）能源发展股份有限公司"), name_key("Tesla, Inc.")
    ('清陶能源发展', 'tesla')
    """
    s = _simplified(_norm(text))
    s = _PAREN.sub(" ", s)
    words = _PUNCT.sub(" ", s).split()
    while True:
        if len(words) > 1 and (words[-1] in LEGAL_EN or words[-1] in LEGAL_ZH):
            words.pop()
            continue
        last = words[-1] if words else ""
        cut = next((f for f in LEGAL_ZH if last.endswith(f) and len(last) > len(f)), None)
        if cut is None:
            break
        words[-1] = last[: -len(cut)]
    return "".join(words)


class _Index:
    """Each named node's names, folded (:func:`_norm`) and reduced (:func:`name_key`), for one graph."""

    def __init__(self, G: nx.MultiDiGraph, kinds):
        self.size = G.number_of_nodes()
        self.folded: dict[str, set[str]] = {}
        self.keys: dict[str, set[str]] = {}
        self.codes: dict[str, set[str]] = {}
        for n, d in G.nodes(data=True):
            if d.get("kind") in kinds and d.get("listed_code"):
                for code in (d["listed_code"], *d.get("listed_codes", ())):  # listings of merged firms too
                    if c := code_key(code):
                        self.codes.setdefault(c, set()).add(n)
        for n, name in _candidates(G, kinds):
            self.folded.setdefault(_norm(name), set()).add(n)
            if k := name_key(name):
                self.keys.setdefault(k, set()).add(n)
        self.sorted = sorted(self.keys)

    def prefixed(self, key: str) -> set[str]:
        """Nodes with a reduced name that begins with ``key``."""
        out: set[str] = set()
        i = bisect.bisect_left(self.sorted, key)
        while i < len(self.sorted) and self.sorted[i].startswith(key):
            out |= self.keys[self.sorted[i]]
            i += 1
        return out


_INDEX: "weakref.WeakKeyDictionary[nx.MultiDiGraph, dict]" = weakref.WeakKeyDictionary()


def _index(G: nx.MultiDiGraph, kinds: tuple[str, ...]) -> _Index:
    by_kinds = _INDEX.setdefault(G, {})
    idx = by_kinds.get(kinds)
    if idx is None or idx.size != G.number_of_nodes():
        idx = by_kinds[kinds] = _Index(G, kinds)
    return idx


def _long_enough(key: str) -> bool:
    """A beginning worth taking for a name: two characters of Chinese, three of Latin letters or digits."""
    return len(key) >= (3 if key.isascii() else 2)


def _names(d: dict) -> list[str]:
    out = [d[f] for f in _NAME_FIELDS if d.get(f)]
    return out + list(d.get("aliases", ())) + list(d.get("listed_codes", ()))


def _candidates(G: nx.MultiDiGraph, kinds) -> list[tuple[str, str]]:
    """``(node id, name)`` for every name or id of every named node."""
    out = []
    for n, d in G.nodes(data=True):
        if d.get("kind") in kinds:
            out.append((n, n))
            out.extend((n, name) for name in _names(d))
    return out


def resolve(G: nx.MultiDiGraph, name: str, *, kinds: tuple[str, ...] = NAMED_KINDS, what: str = "entity") -> str:
    """The id of the one node that ``name`` names, as people type names: first exactly (case and width
    folded), then as a listed code in any exchange form (:func:`code_key`), then with legal forms, parentheticals and traditional characters reduced (:func:`name_key`),
    then as the beginning of one node's name.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph (``load_graph()`` or a store's ``graph()``).
    name : str
        An id, a name, an alias, a listed code, or the beginning of one.
    kinds : tuple of str
        The node kinds the name may stand for.
    what : str
        What the name is called in the error ("park", "segment"...).

    Returns
    -------
    str
        The node id.

    Raises
    ------
    AmbiguousName
        Several nodes answer at the first step that finds any; carries every candidate and its id.
    NodeNotFound
        No node answers; carries the closest names.

    >>> from lithiumgraph import load_graph
    >>> G = load_graph()
    >>> resolve(G, "宁德时代"), resolve(G, "江西升华新材料"), resolve(G, "寧德時代新能源科技股份有限公司")
    ('catl', 'shenghua', 'catl')
    """
    if name in G and G.nodes[name].get("kind") in kinds:
        return name
    idx = _index(G, kinds)
    key, code = name_key(name), code_key(name)
    for hits in (
        idx.folded.get(_norm(name)),
        idx.codes.get(code) if code else None,
        idx.keys.get(key),
        idx.prefixed(key) if _long_enough(key) else None,
    ):
        if not hits:
            continue
        for kind in kinds:  # the earliest kind with a hit decides
            of_kind = sorted(n for n in hits if G.nodes[n]["kind"] == kind)
            if len(of_kind) == 1:
                return of_kind[0]
            if of_kind:
                raise AmbiguousName(name, [(n, _label(G.nodes[n], n)) for n in of_kind])
    close = [f"{m.name} [{m.id}]" for m in search(G, name, limit=5, kinds=kinds, min_score=50)]
    raise NodeNotFound(name, close, what=what)


def _label(d: dict, n: str) -> str:
    return d.get("name_zh") or d.get("name_en") or n


@dataclass
class NameTable:
    """Every name of every named node, ready to search without the graph: what ``search`` reads (the cache
    keeps today's beside today's snapshot, a few MiB instead of the graph with its edges).

    Nodes are in the graph's order, each with its kind and label; names are in :func:`_candidates`' order
    (the id, then names, aliases and listed codes), each with its node's position in ``owner`` and its
    folded form (:func:`_norm`) in ``folded``.
    """

    ids: list[str]
    kinds: list[str]
    labels: list[str]
    owner: array
    names: list[str]
    folded: list[str]

    def only(self, kinds: tuple[str, ...]) -> NameTable:
        """The table of the nodes of ``kinds`` only, in the same order."""
        if set(self.kinds) <= set(kinds):
            return self
        keep = [i for i, k in enumerate(self.kinds) if k in kinds]
        where = {old: new for new, old in enumerate(keep)}
        rows = [(where[n], i) for i, n in enumerate(self.owner) if n in where]
        return NameTable(
            [self.ids[i] for i in keep],
            [self.kinds[i] for i in keep],
            [self.labels[i] for i in keep],
            array("i", [n for n, _ in rows]),
            [self.names[i] for _, i in rows],
            [self.folded[i] for _, i in rows],
        )


def name_table(G: nx.MultiDiGraph, kinds: tuple[str, ...] = NAMED_KINDS) -> NameTable:
    """The :class:`NameTable` of the nodes of ``kinds`` in ``G``."""
    t = NameTable([], [], [], array("i"), [], [])
    where: dict[str, int] = {}
    for n, name in _candidates(G, kinds):
        if n not in where:
            where[n] = len(t.ids)
            d = G.nodes[n]
            t.ids.append(n)
            t.kinds.append(d["kind"])
            t.labels.append(_label(d, n))
        t.owner.append(where[n])
        t.names.append(name)
        folded = _norm(name)
        t.folded.append(name if folded == name else folded)  # one string where they agree: a smaller file
    return t


def search(
    G: nx.MultiDiGraph, text: str, *, limit: int = 10, kinds: tuple[str, ...] = NAMED_KINDS, min_score: float = 60
) -> list[Match]:
    """Nodes whose names or aliases are like ``text``, best first (one hit per node).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph (``load_graph()`` or a store's ``graph()``).
    text : str
        What a person typed: part of a name, an alias, a code.
    limit : int
        Hits returned at most.
    kinds : tuple of str
        The node kinds searched.
    min_score : float
        The lowest similarity (0-100, rapidfuzz's WRatio) that counts as a hit.

    Returns
    -------
    list of Match
        ``id``, ``kind``, ``name``, the name or alias ``matched`` and its ``score``.

    >>> from lithiumgraph import load_graph
    >>> search(load_graph(), "ganfeng", limit=1)[0].id
    'ganfeng'
    """
    return search_table(name_table(G, kinds), text, limit=limit, kinds=kinds, min_score=min_score)


def search_table(
    table: NameTable, text: str, *, limit: int = 10, kinds: tuple[str, ...] = NAMED_KINDS, min_score: float = 60
) -> list[Match]:
    """:func:`search` on a :class:`NameTable` (the graph's names without the graph). Every name is scored at
    once (rapidfuzz's ``cdist``); only the nodes that make the first ``limit`` are then looked at one by one,
    their names in the order of score and position, as a plain scan of all hits would."""
    import numpy as np
    from rapidfuzz import fuzz, process

    key = _norm(text)
    if not key:
        return []
    table = table.only(kinds)
    scores = process.cdist([key], table.folded, scorer=fuzz.WRatio, dtype=np.float64, score_cutoff=min_score)[0]
    hits = np.flatnonzero(scores >= min_score)
    if not hits.size:
        return []
    owner = np.frombuffer(table.owner, dtype=np.int32)[hits]
    best = np.full(len(table.ids), -1.0)
    np.maximum.at(best, owner, scores[hits])
    nodes = np.flatnonzero(best >= 0)
    if nodes.size > limit:  # a node's place is its best score rounded to 0.1: keep all that may round into it
        floor = np.partition(best[nodes], nodes.size - limit)[nodes.size - limit]
        nodes = nodes[best[nodes] >= floor - 0.1]
    top = sorted(nodes.tolist(), key=lambda n: (-round(float(best[n]), 1), table.ids[n]))[:limit]
    out = [_best_name(table, n, key, hits[owner == n].tolist(), scores) for n in top]
    return sorted(out, key=lambda m: (-m.score, m.id))


def _best_name(table: NameTable, n: int, key: str, mine: list[int], scores) -> Match:
    """Node ``n``'s hit: its names ``mine`` walked best first (then by position), as a scan of every hit
    walks them, each taken when it scores above the rounded score of the one before."""
    mine.sort(key=lambda i: (-scores[i], i))
    m = None
    for i in mine:
        score = 100.0 if table.folded[i] == key else float(scores[i])
        if m is None or score > m.score:
            m = Match(table.ids[n], table.kinds[n], table.labels[n], table.names[i], round(score, 1))
    assert m is not None  # n is a node with hits
    return m
