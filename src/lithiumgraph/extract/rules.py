"""Candidate events from one text: the stage words in each sentence, and the firms, places, products,
capacities, money and dates around each stage word.

One candidate per stage statement per sentence, and one per capacity when a sentence gives several
(phases or products). Rules only, no model: the stage words are the tables in ``words``; product words come from
the editable lexicon ``data/segment_words.csv``; names come from the graph (see ``gazetteer``).
"""

from __future__ import annotations

import bisect
import re

from .candidate import Candidate
from .gazetteer import Gazetteer, Mention
from .lexicon import Lexicon
from .dates import When, find_dates
from .normalise import Capacity, Money, find_capacities, find_money
from .words import (
    ANNOUNCER,
    ANY_STAGE,
    CARRY,
    CLAUSE_SPLIT,
    CONTRACTOR_AFTER,
    EXPECTED,
    FIGURE,
    INVEST_WORD,
    SOURCE_AROUND,
    STAGE_RE,
    STAGE_WORDS,
    VAGUE_DATE,
    sentences,
)

__all__ = ["Candidate", "Lexicon", "STAGE_WORDS", "extract_text", "sentences"]


def extract_text(text: str, gaz: Gazetteer, lexicon: Lexicon, *, published: str | None = None) -> list[Candidate]:
    """Candidate events in ``text``; dates resolved against ``published``.

    >>> from lithiumgraph.extract.gazetteer import Gazetteer
    >>> [c.stage for c in extract_text("3月15日,项目正式开工建设。", Gazetteer(), Lexicon.load(), published="2023-03-16")]
    ['started']
    """
    out: list[Candidate] = []
    aliases: dict[str, str] = {}
    carry = _Carry(gaz, aliases)
    original, text = text, _simplified(text)
    for start, end, sent in sentences(text):
        present = {m.lastgroup for m in ANY_STAGE.finditer(sent) if m.lastgroup}
        if not present and not FIGURE.search(sent):  # nothing to propose; names read only if needed
            carry.later(sent)
            continue
        found = _Sentence(sent, gaz.find(sent, aliases), lexicon, published, gaz.level, present)
        cands = found.candidates(carry)
        for c in cands:
            c.start, c.end, c.evidence = start, end, original[start:end]
            c.confidence = _confidence(c, gaz)
        out.extend(cands)
        carry.seen(found.firms, sent)
    return out


_T2S = None


def _simplified(text: str) -> str:
    """Traditional characters as simplified (OpenCC t2s), where that keeps every offset; else ``text``."""
    global _T2S
    if text.isascii():
        return text
    if _T2S is None:
        import opencc

        _T2S = opencc.OpenCC("t2s")
    simple = _T2S.convert(text)
    return simple if len(simple) == len(text) else text


class _Carry:
    """The firms of the last sentence that named any: 该项目/公司 in a sentence with no name means them.
    Sentences with nothing to propose are read for names only when a later sentence needs them."""

    def __init__(self, gaz: Gazetteer, aliases: dict[str, str]):
        self.gaz, self.aliases = gaz, aliases
        self.firms: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        self.pending: list[str] = []

    def later(self, sent: str) -> None:
        self.pending.append(sent)
        if "简称" in sent or "下称" in sent:  # a short name is defined here: read it now
            self.resolve()

    def seen(self, firms: list[Mention], sent: str) -> None:
        if firms:
            self.pending = []
            self.firms = (tuple(dict.fromkeys(m.id for m in firms)), tuple(dict.fromkeys(m.text for m in firms)))
        else:
            self.pending.append(sent)

    def resolve(self) -> None:
        pending, self.pending = self.pending, []
        for sent in pending:
            firms = [m for m in self.gaz.find(sent, self.aliases) if m.kind == "Enterprise"]
            if firms:
                self.firms = (tuple(dict.fromkeys(m.id for m in firms)), tuple(dict.fromkeys(m.text for m in firms)))

    def __call__(self):
        if self.pending:
            self.resolve()
        return self.firms


def _confidence(c: Candidate, gaz: Gazetteer) -> float:
    score = 0.3
    score += 0.2 if any(not f.startswith("new:") for f in c.firms) else 0.1 if c.firms else -0.1
    score += 0.15 if c.capacity is not None or c.money is not None else 0.0
    score += 0.15 if c.date else 0.0
    score += 0.1 if c.place and not c.place.startswith("new:") else 0.05 if c.place else 0.0
    score += 0.1 if c.segment else 0.0
    return round(max(0.05, min(score, 1.0)), 2)


class _Sentence:
    """What one sentence says: its clauses, stage words, names, numbers and dates."""

    def __init__(
        self,
        text: str,
        mentions: list[Mention],
        lexicon: Lexicon,
        published: str | None,
        levels: dict[str, str],
        present: set[str],
    ):
        self.text = text
        self.present = present
        self.levels = levels
        self.published = published
        self.bounds = [0] + [m.end() for m in CLAUSE_SPLIT.finditer(text)] + [len(text) + 1]
        self.firms = [m for m in mentions if m.kind == "Enterprise" and self._party(m)]
        self.places = [m for m in mentions if m.kind == "Park"]
        self.firm_spans = [(m.start, m.end) for m in mentions if m.kind == "Enterprise"]
        self.triggers = self._triggers()
        self.capacities = find_capacities(text)
        self.money = [m for m in find_money(text) if not m.output]
        expected_sentence = bool(EXPECTED.search(text))
        self.dates = [d for d in find_dates(text, published, future_ok=expected_sentence)]
        self.words = [
            (m.start(), m.end(), *lexicon.words[m.group()])
            for m in lexicon.pattern.finditer(text)
            if m.group() in lexicon.words
        ]

    def clause(self, pos: int) -> int:
        return bisect.bisect_right(self.bounds, pos) - 1

    def _party(self, m: Mention) -> bool:
        """A firm that acts in the sentence: not a contractor, not the source of the news."""
        if CONTRACTOR_AFTER.search(self.text[m.end : m.end + 6]):
            return False
        return not (
            SOURCE_AROUND[0].search(self.text[max(0, m.start - 3) : m.start])
            and SOURCE_AROUND[1].search(self.text[m.end : m.end + 8])
        )

    def _triggers(self) -> list[tuple[int, int, str]]:
        found = [
            (m.start(), m.end(), stage)
            for stage, rx in STAGE_RE
            if stage in self.present
            for m in rx.finditer(self.text)
        ]
        found = [t for t in found if not any(a <= t[0] and t[1] <= b for a, b in self.firm_spans)]
        kept: list[tuple[int, int, str]] = []
        for t in sorted(found, key=lambda t: (t[0] - t[1], t[0])):
            if all(t[1] <= k[0] or t[0] >= k[1] for k in kept):
                kept.append(t)
        kept = self._merge_runs([t for t in sorted(kept) if not self._conditional(t)])
        stages = {t[2] for t in kept}
        if "supply" in stages:  # a signed supply agreement is the supply
            kept = [t for t in kept if t[2] != "signed"]
        if "signed" in stages:  # what a signed agreement plans or adds is part of the signing
            kept = [t for t in kept if t[2] not in ("planned", "expanded")]
        elif stages - {"planned"}:  # 计划/规划 describe a project whose stage the other word says
            kept = [t for t in kept if t[2] != "planned"]
        return kept

    def _merge_runs(self, kept):
        """竣工并投入生产, 拟在…投资新建: one statement, though two words say it."""
        out = []
        for t in kept:
            if out and out[-1][2] == t[2] and self.clause(out[-1][0]) == self.clause(t[0]):
                out[-1] = (out[-1][0], t[1], t[2])
            else:
                out.append(t)
        return out

    def _conditional(self, t) -> bool:
        """投产后/达产后 (once it operates) is a condition, not an event, unless 继…后 (after it did)."""
        if self.text[t[1] : t[1] + 1] != "后":
            return False
        return "继" not in self.text[self.bounds[self.clause(t[0])] : t[0]]

    def candidates(self, carried) -> list[Candidate]:
        groups: dict[int, list[Capacity]] = {i: [] for i in range(len(self.triggers))}
        loose: list[Capacity] = []
        for cap in self.capacities:
            i = self._trigger_for(cap.start)
            (groups[i] if i is not None else loose).append(cap)
        out: list[Candidate] = []
        for i, (t0, t1, stage) in enumerate(self.triggers):
            caps: list[Capacity | None] = [*groups[i]] or [None]  # no capacity: one candidate for the stage
            out += [self._candidate(stage, t0, t1, c, carried) for c in caps]
        for cap in loose:
            out.append(self._candidate("capacity", cap.start, cap.end, cap, carried))
        if not self.triggers and not self.capacities and self.money and INVEST_WORD.search(self.text):
            m = self.money[0]
            out.append(self._candidate("investment", m.start, m.end, None, carried))
        return _dedupe(
            [c for c in out if c.firms or c.capacity is not None or c.money is not None or c.date or c.place]
        )  # a stage word alone (宣布项目开工) says nothing to act on

    def _trigger_for(self, pos: int) -> int | None:
        if not self.triggers:
            return None
        c = self.clause(pos)
        same = [i for i, t in enumerate(self.triggers) if self.clause(t[0]) == c]
        if same:
            return min(same, key=lambda i: abs(self.triggers[i][0] - pos))
        before = [i for i, t in enumerate(self.triggers) if t[0] < pos]
        return before[-1] if before else 0

    def _candidate(self, stage, t0, t1, cap: Capacity | None, carried) -> Candidate:
        firms, own = self._firms_for(t0, cap, carried)
        place = self._place()
        money = self._money_for(t0, cap)
        when = self._date_for(t0)
        expected = self._expected(stage, t0, when)
        return Candidate(
            stage=stage,
            expected=expected,
            firms=firms[0],
            firm_names=firms[1],
            own_firms=own,
            place=place.id if place else "",
            place_name=place.text if place else "",
            segment=self._segment_for(t0, cap),
            capacity=cap.value if cap else None,
            unit=cap.unit if cap else "",
            capacity_text=cap.text if cap else "",
            capacity_at=cap.start if cap else -1,
            money=money.value if money else None,
            currency=money.currency if money else "",
            bound=money.bound if money else "",
            money_text=money.text if money else "",
            date=when.value if when else "",
            date_text=when.text if when else "",
            evidence=self.text,
            start=0,
            end=0,
        )

    def _firms_for(self, t0: int, cap: Capacity | None, carried):
        picked: list[Mention] = []
        if cap is not None:
            picked = self._firm_of(cap)
        if not picked:
            c = self.clause(t0)
            picked = [m for m in self.firms if self.clause(m.start) == c]
        own = bool(picked)
        if not picked:
            picked = list(self.firms)
        elif self.firms and self.firms[0] not in picked and ANNOUNCER.search(self._clause_text(t0)):
            picked = [self.firms[0]] + picked  # 公司 in the clause: the firm the sentence began with
        if not picked and CARRY.search(self.text):
            return carried(), False
        ids = tuple(dict.fromkeys(m.id for m in picked))
        names = tuple(dict.fromkeys(m.text for m in picked))
        return (ids, names), own

    def _clause_text(self, pos: int) -> str:
        """The clause around ``pos`` with firm names blanked (公司 inside a name is not 公司 the subject)."""
        c = self.clause(pos)
        a, b = self.bounds[c], self.bounds[c + 1]
        text = list(self.text[a:b])
        for s, e in self.firm_spans:
            for i in range(max(s, a), min(e, b)):
                text[i - a] = " "
        return "".join(text)

    def _firm_of(self, cap: Capacity) -> list[Mention]:
        """The firm named last before a capacity, with no other capacity in between."""
        near = [
            m
            for m in self.firms
            if m.end <= cap.start and not any(m.end <= o.start < cap.start for o in self.capacities)
        ]
        return near[-1:]

    def _place(self) -> Mention | None:
        rank = {"park": 0, "new-park": 1, "county": 2, "new": 3, "city": 4, "new-city": 5, "province": 6}
        best = None
        for m in self.places:
            level = _new_level(m.text) if m.id.startswith("new:") else self.levels.get(m.id, "city")
            if level in rank and (best is None or rank[level] < best[0]):
                best = (rank[level], m)
        return best[1] if best else None

    def _money_for(self, t0: int, cap: Capacity | None) -> Money | None:
        if not self.money:
            return None
        if cap is not None:
            firm = self._firm_of(cap)
            between = [m for m in self.money if firm and firm[0].end <= m.start < cap.start]
            if between:
                return between[-1]
            nxt = min([c.start for c in self.capacities if c.start > cap.start], default=len(self.text))
            after = [m for m in self.money if cap.end <= m.start < nxt]
            if after:
                return after[0]
            return min(self.money, key=lambda m: abs(m.start - cap.start))
        c = self.clause(t0)
        same = [m for m in self.money if self.clause(m.start) == c]
        return same[0] if same else self.money[0]

    def _date_for(self, t0: int) -> When | None:
        c = self.clause(t0)
        same = [d for d in self.dates if self.clause(d.start) == c]
        before = [
            d
            for d in self.dates
            if d.end <= t0
            and self.clause(d.start) != c
            and not any(d.end <= t[0] < t0 for t in self.triggers if self.clause(t[0]) != c)
        ]
        if same and not (same[0].text in VAGUE_DATE and before and before[-1].text not in VAGUE_DATE):
            return same[0]
        if before or same:
            return before[-1] if before else same[0]
        own = {self.clause(t[0]) for t in self.triggers if t[0] != t0}
        after = [
            d
            for d in self.dates
            if d.start >= t0 and self.clause(d.start) not in own and not any(t0 < t[0] < d.start for t in self.triggers)
        ]
        return after[0] if after else None

    def _expected(self, stage: str, t0: int, when: When | None) -> bool:
        c = self.clause(t0)
        t1 = next((t[1] for t in self.triggers if t[0] == t0), t0)
        if stage == "investment":
            return False
        lead_from = 0 if stage == "capacity" else self.bounds[c]
        if EXPECTED.search(self.text[lead_from:t1]):
            return True
        if when and self.published and when.value[:10] > self.published[: len(when.value[:10])]:
            return True
        return False

    def _segment_for(self, t0: int, cap: Capacity | None) -> str:
        words = [w for w in self.words if not any(a <= w[0] and w[1] <= b for a, b in self.firm_spans)]
        inner = [w for w in self.words if w not in words]
        if cap is not None:
            c = self.clause(cap.start)
            nxt = min([x.start for x in self.capacities if x.start > cap.start], default=len(self.text))
            after = [w for w in words if cap.end - 1 <= w[0] < nxt and w[0] - cap.end <= 20 and self.clause(w[0]) == c]
            if after:
                return _cell_rule(after[0], words)
            before = [w for w in words if w[1] <= cap.start and self.clause(w[0]) == c]
            if before:
                return _cell_rule(before[-1], words)
        c = self.clause(t0)
        for pool in ([w for w in words if self.clause(w[0]) == c], words, inner):
            if pool:
                return _cell_rule(pool[0], words)
        return ""


def _cell_rule(word, words) -> str:
    """A material word directly qualifying a cell word names the cell (磷酸铁锂大圆柱型电芯 -> cell)."""
    start, end, segment, kind = word
    if kind == "cell":  # 锂离子电池负极材料, 储能电池隔膜: the material for the cell
        nxt = [w for w in words if 0 <= w[0] - end <= 2 and w[3] == "material"]
        if nxt:
            return nxt[0][2]
    if kind == "material":
        nxt = [w for w in words if w[0] >= end and w[0] - end <= 8 and w[3] in ("cell", "part")]
        if nxt and nxt[0][3] == "cell":
            return nxt[0][2]
    return "" if segment == "-" else segment


def _new_level(name: str) -> str:
    if re.search(r"开发区|经开区|高新区|园区|产业园|工业园|新区$", name):
        return "new-park"
    return "new-city" if name.endswith("市") else "new"


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    """One candidate per statement: the same stage said twice, or said again of the sentence's firms
    without a figure of its own when another candidate of that stage has one."""
    seen, out = set(), []
    for i, c in enumerate(cands):
        key = (c.stage, c.expected, c.capacity_at, c.firms)
        loose = (
            c.capacity is None
            and not c.own_firms
            and any(
                j != i
                and o.stage == c.stage
                and o.expected == c.expected
                and (not c.date or c.date == o.date)
                and (o.capacity is not None or o.own_firms or j < i)
                for j, o in enumerate(cands)
            )
        )
        if key not in seen and not loose:
            seen.add(key)
            out.append(c)
    return out
