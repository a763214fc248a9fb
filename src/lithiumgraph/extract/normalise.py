"""Numbers, money and capacities as Chinese and English news write them, normalised (dates: ``dates``).

Every finder returns the span it read (``start``, ``end`` in the text it was given) so a candidate fact
can point at its words. Bounds and qualifiers ("超", "约", "不超过", "近", "up to") are kept, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Money", "Capacity", "ZH_NUM", "parse_number", "find_money", "find_capacities"]

_DIGIT = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 1e4, "亿": 1e8}
ZH_NUM = "零〇○一二三四五六七八九十百千两"
NUM = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?|[{ZH_NUM}]+(?:点[{ZH_NUM}]+)?)"


def parse_number(text: str) -> float:
    """A number written with Arabic or Chinese digits, and 万/亿 multipliers, as a float.

    >>> parse_number("1,200"), parse_number("两万"), parse_number("二十五"), parse_number("2.5万")
    (1200.0, 20000.0, 25.0, 25000.0)
    """
    text = text.strip().replace(",", "").replace("，", "")
    if not text:
        raise ValueError("empty number")
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)([万亿]*)", text):  # 2.5万, 1万亿
        mult = 1.0
        for c in m[2]:
            mult *= _BIG[c]
        return float(m[1]) * mult
    return sum(_zh_small(part) * scale for part, scale in _split_big(text))


def _split_big(text: str):
    """``'三亿五千万'`` -> ``[('三', 1e8), ('五千', 1e4)]``; Arabic digits allowed in the parts."""
    out, buf = [], ""
    for c in text:
        if c in _BIG:
            out.append((buf, _BIG[c]))
            buf = ""
        else:
            buf += c
    out.append((buf, 1))
    return [(p, s) for p, s in out if p or s != 1]


def _zh_small(text: str) -> float:
    """Below 10,000: ``'二十五'``, ``'一百零五'``, ``'十'``, ``'3'``, ``'二点五'``."""
    if not text:
        return 1.0  # 万 alone means one 万
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    if "点" in text:
        whole, frac = text.split("点", 1)
        return _zh_small(whole or "零") + float("0." + "".join(str(_DIGIT[c]) for c in frac))
    total, digit = 0, None
    for c in text:
        if c in _DIGIT:
            digit = _DIGIT[c]
        elif c in _SMALL:
            total += (1 if digit is None else digit) * _SMALL[c]
            digit = None
        else:
            raise ValueError(f"not a number: {text!r}")
    if digit is not None:
        if len(text) > 1 and text[-2] in _SMALL and text[-2] != "十" and not any(ch in "零〇○" for ch in text):
            digit *= _SMALL[text[-2]] // 10  # 一千五 = 1500
        total += digit
    return float(total)


# ---- money ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Money:
    """An amount of money: value in ``currency`` units, a bound (over, about, at_most, nearly or empty)."""

    value: float
    currency: str
    bound: str
    text: str
    start: int
    end: int
    output: bool = False  # an output value, turnover or tax (产值), not an investment


_BOUND_BEFORE = [
    ("不超过", "at_most"),
    ("不高于", "at_most"),
    ("最多", "at_most"),
    ("不到", "at_most"),
    ("不少于", "over"),
    ("不低于", "over"),
    ("超过", "over"),
    ("逾", "over"),
    ("超", "over"),
    ("大约", "about"),
    ("约", "about"),
    ("接近", "nearly"),
    ("将近", "nearly"),
    ("近", "nearly"),
]
_BOUND_AFTER = [
    ("以上", "over"),
    ("多", "over"),
    ("余", "over"),
    ("左右", "about"),
    ("以内", "at_most"),
    ("以下", "at_most"),
]
_CURRENCY = {"元": "yuan", "人民币": "yuan", "美元": "USD", "欧元": "EUR", "港元": "HKD", "港币": "HKD"}
_MULT = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3}
_ZH_MONEY = re.compile(
    rf"(?P<num>{NUM})\s*(?P<mult>万亿|千亿|百亿|亿|千万|百万|万|千)?\s*"
    r"(?P<post1>多|余)?(?P<cur>元人民币|元|美元|欧元|港元|港币)(?:人民币)?(?P<post>以上|左右|以内|以下)?"
)
# "投资406亿," has no currency word: an amount in 亿 or 万 right after an investment word is yuan
_PRE_BOUND = re.compile(
    r"(?P<pre>不超过|不高于|不少于|不低于|超过|最多|不到|大约|接近|将近|[约近逾超])\s*(?:人民币)?\s*$"
)
_MONEY_HINT = re.compile(r"元|港币|投资|金额|资金|出资|[$€¥]|billion|million|EUR|USD|RMB|CNY", re.I)
_BARE_MONEY = re.compile(
    rf"(?P<kw>投资|投资额|投资总额|总投资|出资|金额|资金)(?:额|达|约|超过|超|近|为|了)?\s*"
    rf"(?P<num>{NUM})\s*(?P<mult>亿|万)(?![元吨平方千套台辆支美欧港]|瓦)"
)
_EN_MONEY = re.compile(
    r"(?P<pre>(?:more than|over|about|around|approximately|some|up to|no more than|nearly|almost)\s+)?"
    r"(?:(?P<sym>US\$|\$|€|EUR\s?|USD\s?|RMB\s?|CNY\s?|¥)\s?(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s?"
    r"(?P<mult>bn|billion|mn|million|m|k)?\b(?:\s?(?P<cur2>euros?|dollars|yuan))?"
    r"|(?P<num2>\d+(?:\.\d+)?)\s?(?P<mult2>billion|million)\s(?P<cur3>euros?|dollars|yuan|US dollars))",
    re.I,
)
_EN_BOUND = {
    "more than": "over",
    "over": "over",
    "about": "about",
    "around": "about",
    "approximately": "about",
    "some": "about",
    "up to": "at_most",
    "no more than": "at_most",
    "nearly": "nearly",
    "almost": "nearly",
}
_OUTPUT_WORDS = re.compile(
    r"(产值|营收|收入|税收|利税|营销|销售额|注册资本|市值|利润|净利|营业|股价|成本|单价|价格|"
    r"revenue|sales|turnover)[^，,。；;]{0,8}$"
)


def find_money(text: str) -> list[Money]:
    """Every amount of money in ``text``, in order, with its bound and whether it is an output value.

    >>> [(m.value, m.currency, m.bound) for m in find_money("项目总投资不超过135亿元,一期约47亿元")]
    [(13500000000.0, 'yuan', 'at_most'), (4700000000.0, 'yuan', 'about')]
    """
    out: list[Money] = []
    taken: list[tuple[int, int]] = []
    if not _MONEY_HINT.search(text):
        return out
    for m in _ZH_MONEY.finditer(text) if "元" in text or "港币" in text else ():
        if not m["mult"] and not m["num"][0].isdigit():
            continue  # 三元 is a chemistry, not three yuan
        try:
            value = parse_number(m["num"]) * _MULT.get(m["mult"] or "", 1.0)
        except ValueError:
            continue
        if not m["mult"] and value < 1e4:
            continue  # prices and small sums, not investments
        pre = _PRE_BOUND.search(text[max(0, m.start() - 8) : m.start()])
        bound = dict(_BOUND_BEFORE).get(pre["pre"] if pre else "", "")
        start = m.start() - (len(pre.group()) if pre else 0)
        bound = dict(_BOUND_AFTER).get(m["post"] or m["post1"] or "", bound) if (m["post"] or m["post1"]) else bound
        cur = "yuan" if m["cur"].startswith("元") else _CURRENCY[m["cur"]]
        out.append(_money(text, value, cur, bound, start, m.end()))
        taken.append(m.span())
    for m in _BARE_MONEY.finditer(text):
        s = m.start("num")
        if any(a <= s < b for a, b in taken):
            continue
        try:
            value = parse_number(m["num"]) * _MULT[m["mult"]]
        except ValueError:
            continue
        out.append(_money(text, value, "yuan", "", s, m.end()))
    for m in _EN_MONEY.finditer(text):
        num, mult = (m["num"], m["mult"]) if m["num"] else (m["num2"], m["mult2"])
        sym = (m["sym"] or "").strip().upper()
        cur_word = (m["cur2"] or m["cur3"] or "").lower()
        cur = (
            "EUR"
            if sym in ("€", "EUR") or cur_word.startswith("euro")
            else "yuan"
            if sym in ("RMB", "CNY", "¥") or cur_word == "yuan"
            else "USD"
        )
        scale = {"bn": 1e9, "billion": 1e9, "mn": 1e6, "million": 1e6, "m": 1e6, "k": 1e3}.get((mult or "").lower(), 1)
        bound = _EN_BOUND.get((m["pre"] or "").strip().lower(), "")
        out.append(_money(text, float(num.replace(",", "")) * scale, cur, bound, m.start(), m.end()))
    return sorted(out, key=lambda x: x.start)


def _money(text, value, cur, bound, start, end) -> Money:
    output = bool(_OUTPUT_WORDS.search(text[max(0, start - 14) : start]))
    return Money(value, cur, bound, text[start:end].strip(), start, end, output)


# ---- capacity -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Capacity:
    """A yearly capacity in a base unit (``GWh/yr``, ``t/yr``, ``m²/yr``, ``Ah/yr``, ``vehicles/yr``)."""

    value: float
    unit: str
    text: str
    start: int
    end: int


# unit word -> (base unit, factor); longest first so 万吨 wins over 吨
_UNITS = [
    ("gigawatt-hours", "GWh/yr", 1.0),
    ("吉瓦时", "GWh/yr", 1.0),
    ("兆瓦时", "GWh/yr", 1e-3),
    ("GWh", "GWh/yr", 1.0),
    ("MWh", "GWh/yr", 1e-3),
    ("亿平方米", "m²/yr", 1e8),
    ("万平方米", "m²/yr", 1e4),
    ("亿平米", "m²/yr", 1e8),
    ("万平米", "m²/yr", 1e4),
    ("亿㎡", "m²/yr", 1e8),
    ("万㎡", "m²/yr", 1e4),
    ("平方米", "m²/yr", 1.0),
    ("平米", "m²/yr", 1.0),
    ("万吨", "t/yr", 1e4),
    ("千吨", "t/yr", 1e3),
    ("吨", "t/yr", 1.0),
    ("tonnes", "t/yr", 1.0),
    ("tons", "t/yr", 1.0),
    ("kt", "t/yr", 1e3),
    ("亿Ah", "Ah/yr", 1e8),
    ("万Ah", "Ah/yr", 1e4),
    ("亿安时", "Ah/yr", 1e8),
    ("万安时", "Ah/yr", 1e4),
    ("万辆", "vehicles/yr", 1e4),
    ("辆", "vehicles/yr", 1.0),
]
_UNIT_RE = "|".join(re.escape(u) for u, _, _ in _UNITS)
_CAP = re.compile(rf"(?P<num>{NUM})\s*(?P<unit>{_UNIT_RE})(?P<yr>\s*(?:/\s*年|/year|年|per year|/yr|a year))?", re.I)
_CAP_CONTEXT = re.compile(
    r"年产|产能|生产能力|规模|生产线|产线|项目|基地|装置|工厂|建设|新建|形成|一期|二期|三期|首期|"
    r"capacity|/年|年$"
)
_NOT_CAPACITY = re.compile(
    r"(需求|销量|出货|装机|储量|资源量|资源总量|当量|品位|含量|合计供应|供应|采购|订单|面积|占地|"
    r"用地|厂房|建筑|库存|产量|需求量|进口|出口)[^，,；;。]{0,6}$"
)


def find_capacities(text: str) -> list[Capacity]:
    """Yearly capacities in ``text``: energy always, mass and area only where the words say capacity.

    >>> [(c.value, c.unit) for c in find_capacities("年产20万吨磷酸铁锂、一期10GWh,4亿平方米隔膜产能")]
    [(200000.0, 't/yr'), (10.0, 'GWh/yr'), (400000000.0, 'm²/yr')]
    """
    out = []
    for m in _CAP.finditer(text):
        unit_word = m["unit"]
        base, factor = next((b, f) for u, b, f in _UNITS if u.lower() == unit_word.lower())
        try:
            value = parse_number(m["num"]) * factor
        except ValueError:
            continue
        before = text[max(0, m.start() - 12) : m.start()]
        if _NOT_CAPACITY.search(before):
            continue
        if base != "GWh/yr":
            clause = _clause_around(text, m.start(), m.end())
            if not (m["yr"] or _CAP_CONTEXT.search(clause)):
                continue
        if base == "m²/yr" and not (
            m["yr"] or re.search(r"年产|产能|生产能力|capacity", _clause_around(text, m.start(), m.end()))
        ):
            continue
        out.append(Capacity(round(value, 6), base, m.group().strip(), m.start(), m.end()))
    return out


def _clause_around(text: str, start: int, end: int) -> str:
    a = max(text.rfind(c, 0, start) for c in "，,；;。")
    bs = [i for i in (text.find(c, end) for c in "，,；;。") if i >= 0]
    return text[a + 1 : min(bs) if bs else len(text)]
